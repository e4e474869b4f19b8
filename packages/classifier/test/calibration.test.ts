import { describe, expect, it } from 'vitest';

import {
  CALIBRATION_RULE,
  calibrateThreshold,
  devPointsFromPredictionRows,
  negativeShareAbove,
  splitNegatives,
  thresholdCurve,
  type DevPoint,
} from '../src';

const right = (probability: number): DevPoint => ({ gold: 'A', predicted: 'A', probability });
const wrong = (probability: number): DevPoint => ({ gold: 'A', predicted: 'B', probability });

describe('negative share', () => {
  it('counts negatives whose highest probability reaches the threshold', () => {
    expect(negativeShareAbove([0.1, 0.5, 0.7, 0.9], 0.5)).toBe(0.75);
    expect(negativeShareAbove([0.1, 0.5, 0.7, 0.9], 0.95)).toBe(0);
    expect(negativeShareAbove([], 0.5)).toBe(0);
  });
});

describe('threshold calibration', () => {
  it('measures dev Micro-F1 of kept top-1 predictions', () => {
    const dev = [right(0.9), right(0.8), wrong(0.4), right(0.3)];
    const [all, strict] = thresholdCurve({ dev, negativeMaxProbabilities: [0.2] }, [0, 0.5]);

    expect(all).toMatchObject({ devMicroF1: 0.75, devPrecision: 0.75, devRecall: 0.75 });
    // Kept: 2 correct of 2; F1 = 2·2 / (2 + 4).
    expect(strict).toMatchObject({ devMicroF1: 4 / 6, devPrecision: 1, devRecall: 0.5 });
    expect(strict?.negativeShare).toBe(0);
  });

  it('maximises dev F1 among thresholds that keep the negative share under the cap', () => {
    const dev = [right(0.95), right(0.9), right(0.6), wrong(0.55), right(0.35)];
    // Ten negatives; a share of at most 0.2 allows two of them: thresholds above 0.52.
    const negatives = [0.9, 0.7, 0.52, 0.4, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05];

    const calibration = calibrateThreshold({ dev, negativeMaxProbabilities: negatives });

    expect(calibration.rule).toBe(CALIBRATION_RULE);
    expect(calibration.negativeShare).toBe(0.2);
    // Between 0.55 (the wrong one) and 0.6: keeps three correct sentences, F1 = 2·3 / (3 + 5).
    expect(calibration.threshold).toBeCloseTo(0.575, 10);
    expect(calibration.devMicroF1).toBeCloseTo(0.75, 10);
  });

  it('takes the smallest threshold among equally good ones', () => {
    const dev = [right(0.9), right(0.8)];
    const calibration = calibrateThreshold({
      dev,
      negativeMaxProbabilities: [0.1],
      maxNegativeShare: 1,
    });

    expect(calibration.threshold).toBe(0);
    expect(calibration.devMicroF1).toBe(1);
  });

  it('prefers dropping wrong confident-looking predictions when the cap allows', () => {
    const dev = [right(0.9), wrong(0.3), wrong(0.2)];
    const calibration = calibrateThreshold({
      dev,
      negativeMaxProbabilities: [0.1, 0.1],
      maxNegativeShare: 0.5,
    });

    expect(calibration.threshold).toBeCloseTo(0.6, 10);
    expect(calibration.devPrecision).toBe(1);
  });

  it('rejects empty inputs', () => {
    expect(() => calibrateThreshold({ dev: [], negativeMaxProbabilities: [0.1] })).toThrow();
  });

  it('reads dev points from the trainer prediction rows', () => {
    const rows = [{ gold: 'A', predicted: 'B', top5: [{ label: 'B', probability: 0.7 }] }];

    expect(devPointsFromPredictionRows(rows)).toEqual([
      { gold: 'A', predicted: 'B', probability: 0.7 },
    ]);
  });

  it('splits negatives into stable halves', () => {
    const texts = Array.from({ length: 200 }, (_, index) => `negative sentence ${index}`);
    const { calibration, measurement } = splitNegatives(texts);

    expect(calibration.length + measurement.length).toBe(200);
    expect(calibration.length).toBeGreaterThan(70);
    expect(splitNegatives(texts).calibration).toEqual(calibration);
  });
});
