import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { Hyperparameters, renderContractSchema, TrainStageInput } from '../src';

const exportedPath = fileURLToPath(new URL('../schema/activities.schema.json', import.meta.url));

describe('exported contract schema', () => {
  it('matches the zod definitions (run `npm run contracts:export` when this fails)', () => {
    expect(readFileSync(exportedPath, 'utf8')).toBe(renderContractSchema());
  });

  it('carries the paper recipe defaults into the schema the Python side reads', () => {
    const schema = JSON.parse(readFileSync(exportedPath, 'utf8'));
    const hyper = schema.$defs.TrainStageInput.properties.hyperparameters.properties;
    expect(hyper.learningRate.default).toBe(2e-5);
    expect(hyper.batchSize.default).toBe(16);
    expect(hyper.epochs.default).toBe(50);
    expect(hyper.warmupSteps.default).toBe(1000);
  });

  it('rejects an artifact key that is not a SHA-256 hex digest', () => {
    const parsed = TrainStageInput.safeParse({
      contractVersion: 1,
      stageKey: 's',
      encoder: { name: 'minilm-l6' },
      mode: 'probe',
      init: { kind: 'pretrained' },
      trainingSetKey: 'not-a-key',
      devSetKey: 'a'.repeat(64),
      labelSetKey: 'a'.repeat(64),
      seed: 1,
      precision: 'fp32',
      hyperparameters: Hyperparameters.parse({}),
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['trainingSetKey']);
  });
});
