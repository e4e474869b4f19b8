import { describe, expect, it } from 'vitest';

import { sampleNegatives } from '../src/deploy/calibration';
import { checkpointDevPoint, chooseRunByDev } from '../src/deploy/selection';

const point = (epoch: number, devMacroF1: number, devMicroF1 = 0.5) => ({
  epoch,
  trainLoss: 1,
  devMicroF1,
  devMacroF1,
});

describe('choosing the run to deploy', () => {
  it('takes the highest dev Macro-F1 of the final epoch, not the best epoch', () => {
    const chosen = chooseRunByDev([
      { runId: 'a', runKey: 'k-a', devCurve: [point(1, 0.9), point(2, 0.3)], keptEpoch: null },
      { runId: 'b', runKey: 'k-b', devCurve: [point(1, 0.1), point(2, 0.4)], keptEpoch: null },
    ]);

    expect(chosen).toEqual({
      runId: 'b',
      selection: {
        rule: 'checkpoint-dev-macro-f1-v1',
        epoch: 2,
        devMacroF1: 0.4,
        devMicroF1: 0.5,
        candidates: 2,
      },
    });
  });

  it('uses the kept epoch of a stage that evaluates its best epoch', () => {
    const candidate = {
      runId: 'a',
      runKey: 'k',
      devCurve: [point(1, 0.2), point(2, 0.6), point(3, 0.5)],
      keptEpoch: 2,
    };

    expect(checkpointDevPoint(candidate)?.devMacroF1).toBe(0.6);
  });

  it('breaks ties by dev Micro-F1, then by run key, and skips runs without a curve', () => {
    const chosen = chooseRunByDev([
      { runId: 'c', runKey: 'k-c', devCurve: [point(1, 0.4, 0.6)], keptEpoch: null },
      { runId: 'b', runKey: 'k-b', devCurve: [point(1, 0.4, 0.6)], keptEpoch: null },
      { runId: 'a', runKey: 'k-a', devCurve: [point(1, 0.4, 0.5)], keptEpoch: null },
      { runId: 'd', runKey: 'k-d', devCurve: [], keptEpoch: null },
    ]);

    expect(chosen?.runId).toBe('b');
    expect(chosen?.selection.candidates).toBe(3);
    expect(chooseRunByDev([{ runId: 'd', runKey: 'k', devCurve: [], keptEpoch: null }])).toBe(null);
  });
});

describe('limiting the negatives', () => {
  it('keeps every negative without a limit and a stable hash-ordered sample with one', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `sentence ${i}`);
    const sample = sampleNegatives(texts, 10);

    expect(sampleNegatives(texts, null)).toEqual(texts);
    expect(sample).toHaveLength(10);
    expect(sampleNegatives([...texts].reverse(), 10)).toEqual(sample);
    expect(sample).not.toEqual(texts.slice(0, 10));
  });
});
