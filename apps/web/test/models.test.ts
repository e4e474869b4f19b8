import { describe, expect, it } from 'vitest';

import type { ModelEvaluation } from '../src/api/types';
import { formatProbability, formatShare } from '../src/format';
import {
  activeModel,
  evaluationColumns,
  modelLabel,
  oodGap,
} from '../src/views/models/model-figures';

const scores = (set: ModelEvaluation['set'], microF1: number, macroF1: number) => ({
  set,
  inDistribution: set !== 'ood',
  sentences: 100,
  microF1,
  macroF1,
});

describe('model figures', () => {
  it('shows thresholds and probabilities with three decimals, shares in per cent', () => {
    expect(formatProbability(0.03125)).toBe('0.031');
    expect(formatProbability(1)).toBe('1.000');
    expect(formatProbability(null)).toBe('–');
    expect(formatShare(0.125)).toBe('12.5 %');
    expect(formatShare(undefined)).toBe('–');
  });

  it('puts dev and test in distribution before OOD, whatever order they come in', () => {
    const columns = evaluationColumns([
      scores('ood', 0.4, 0.3),
      scores('test', 0.6, 0.5),
      scores('dev', 0.7, 0.6),
    ]);
    expect(columns.inDistribution.map((row) => row.set)).toEqual(['dev', 'test']);
    expect(columns.outOfDistribution.map((row) => row.set)).toEqual(['ood']);
  });

  it('measures OOD against test, and has no gap without an OOD set', () => {
    const gap = oodGap([scores('test', 0.6, 0.5), scores('ood', 0.45, 0.3)]);
    expect(gap?.microF1).toBeCloseTo(-0.15, 12);
    expect(gap?.macroF1).toBeCloseTo(-0.2, 12);
    expect(oodGap([scores('dev', 0.7, 0.6), scores('test', 0.6, 0.5)])).toBeNull();
  });

  it('finds the newest active model, the one that answers when none is named', () => {
    const models = [
      { id: 'a', active: false, createdAt: '2026-12-04T10:00:00.000Z' },
      { id: 'b', active: true, createdAt: '2026-12-03T10:00:00.000Z' },
      { id: 'c', active: true, createdAt: '2026-12-04T09:00:00.000Z' },
    ];
    expect(activeModel(models)?.id).toBe('c');
    expect(activeModel(models.filter((model) => !model.active))).toBeUndefined();
  });

  it('labels a model by short ID, case, encoder and seed', () => {
    const model = { id: 'cm0abcdef123', caseName: 'P+Asim>P', encoder: 'minilm-l6', seed: 2 };
    expect(modelLabel(model)).toBe('cm0abcde · P+Asim>P · minilm-l6 · seed 2');
  });
});
