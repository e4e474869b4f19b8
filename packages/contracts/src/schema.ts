import { z } from 'zod';

import * as trainer from './trainer';

/** Every cross-language contract, by the name it carries in the exported JSON Schema. */
export const CONTRACTS = {
  TrainStageInput: trainer.TrainStageInput,
  TrainStageOutput: trainer.TrainStageOutput,
  EvaluateInput: trainer.EvaluateInput,
  EvaluateOutput: trainer.EvaluateOutput,
  PredictionRow: trainer.PredictionRow,
  EmbedSentencesInput: trainer.EmbedSentencesInput,
  EmbedSentencesOutput: trainer.EmbedSentencesOutput,
  ExportOnnxInput: trainer.ExportOnnxInput,
  ExportOnnxOutput: trainer.ExportOnnxOutput,
  TransformArtifactInput: trainer.TransformArtifactInput,
  TransformArtifactOutput: trainer.TransformArtifactOutput,
} as const;

/** Builds the JSON Schema document that the Python side validates against. */
export function buildContractSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(CONTRACTS)) {
    defs[name] = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  }

  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://ttpgrid.local/contracts/activities.schema.json',
    title: 'ttpgrid activity contracts',
    contractVersion: trainer.TRAINER_CONTRACT_VERSION,
    $defs: defs,
  };
}

export function renderContractSchema(): string {
  return `${JSON.stringify(buildContractSchema(), null, 2)}\n`;
}
