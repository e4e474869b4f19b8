import type { ModelEvaluation, ModelSummary } from '../../api/types';
import { shortId } from '../../format';

/** A model as the pickers name it: "1a2b3c4d · P+Asim>P · minilm-l6 · seed 1". */
export function modelLabel(model: Pick<ModelSummary, 'id' | 'caseName' | 'encoder' | 'seed'>) {
  return `${shortId(model.id)} · ${model.caseName} · ${model.encoder} · seed ${model.seed}`;
}

/** The model the API answers with when no model is named: the newest active one. */
export function activeModel<T extends Pick<ModelSummary, 'active' | 'createdAt'>>(
  models: readonly T[],
): T | undefined {
  return models
    .filter((model) => model.active)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
}

export interface EvaluationColumns {
  inDistribution: ModelEvaluation[];
  outOfDistribution: ModelEvaluation[];
}

const SET_ORDER = ['dev', 'test', 'ood'];

/** The evaluation sets split for the side-by-side table: dev and test, then OOD. */
export function evaluationColumns(evaluation: readonly ModelEvaluation[]): EvaluationColumns {
  const ordered = [...evaluation].sort(
    (a, b) => SET_ORDER.indexOf(a.set) - SET_ORDER.indexOf(b.set),
  );
  return {
    inDistribution: ordered.filter((row) => row.inDistribution),
    outOfDistribution: ordered.filter((row) => !row.inDistribution),
  };
}

/** OOD minus test, per metric, in score units: how much the model loses on unseen sources. */
export function oodGap(evaluation: readonly ModelEvaluation[]) {
  const test = evaluation.find((row) => row.set === 'test');
  const ood = evaluation.find((row) => row.set === 'ood');
  if (!test || !ood) return null;
  return { microF1: ood.microF1 - test.microF1, macroF1: ood.macroF1 - test.macroF1 };
}
