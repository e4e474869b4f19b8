import { createHash } from 'node:crypto';

import type { TechniqueClassifier } from './model/classifier';
import { maxProbability } from './scores';

/**
 * Default-threshold calibration, rule `max-dev-f1-under-negative-share-v1`:
 *
 * A sentence keeps its top-1 technique when the probability is at least the threshold t.
 * - dev Micro-F1 of kept predictions: every dev sentence has one gold technique, so with
 *   TP = kept and correct, F1(t) = 2·TP / (kept + dev sentences). At t = 0 it is the usual
 *   Micro-F1 (accuracy); raising t trades recall for precision.
 * - negative share: the share of negative sentences (no technique) whose highest probability is
 *   at least t, i.e. that would show a technique.
 *
 * Candidates are 0 and the midpoints between consecutive distinct observed probabilities (dev
 * top-1 and negatives' maxima), which realise every distinct outcome. The threshold is the
 * candidate with the highest dev F1 among those whose negative share is at most the target
 * (default 0.2); ties go to the smallest threshold. The constraint is a cap rather than a joint
 * F1 because the ratio of negatives to technique sentences in real reports is unknown; the cap
 * states what an analyst will see. Calibrate on dev and one half of the negatives, and report the
 * negative share on the other half (`splitNegatives`), never on test.
 */
export const CALIBRATION_RULE = 'max-dev-f1-under-negative-share-v1';
export const DEFAULT_MAX_NEGATIVE_SHARE = 0.2;

/** One dev sentence: its gold technique and the model's top-1 technique and probability. */
export interface DevPoint {
  gold: string;
  predicted: string;
  probability: number;
}

export interface CalibrationInput {
  dev: readonly DevPoint[];
  /** Highest probability of each negative sentence. */
  negativeMaxProbabilities: readonly number[];
  maxNegativeShare?: number;
}

export interface ThresholdPoint {
  threshold: number;
  devMicroF1: number;
  devPrecision: number;
  devRecall: number;
  negativeShare: number;
}

export interface Calibration extends ThresholdPoint {
  rule: string;
  maxNegativeShare: number;
  devSentences: number;
  negativeSentences: number;
}

export function calibrateThreshold(input: CalibrationInput): Calibration {
  const maxNegativeShare = input.maxNegativeShare ?? DEFAULT_MAX_NEGATIVE_SHARE;
  if (input.dev.length === 0 || input.negativeMaxProbabilities.length === 0) {
    throw new Error('calibration needs dev predictions and negative sentences');
  }

  const evaluate = thresholdEvaluator(input);
  let best: ThresholdPoint | null = null;
  for (const threshold of candidateThresholds(input)) {
    const point = evaluate(threshold);
    if (point.negativeShare <= maxNegativeShare && (!best || point.devMicroF1 > best.devMicroF1)) {
      best = point;
    }
  }

  // The candidate above every observation keeps nothing, so some candidate is always feasible.
  const chosen = best as ThresholdPoint;
  return {
    rule: CALIBRATION_RULE,
    maxNegativeShare,
    devSentences: input.dev.length,
    negativeSentences: input.negativeMaxProbabilities.length,
    ...chosen,
  };
}

/** Dev F1 and negative share at given thresholds (for the model page and LOG.md). */
export function thresholdCurve(input: CalibrationInput, thresholds: readonly number[]) {
  const evaluate = thresholdEvaluator(input);
  return thresholds.map((threshold) => evaluate(threshold));
}

/** Share of negative sentences whose highest probability is at least the threshold. */
export function negativeShareAbove(maxProbabilities: readonly number[], threshold: number): number {
  if (maxProbabilities.length === 0) {
    return 0;
  }
  return (
    maxProbabilities.filter((probability) => probability >= threshold).length /
    maxProbabilities.length
  );
}

/** Runs the model on negative sentences and returns each one's highest probability. */
export async function negativeMaxProbabilities(
  model: TechniqueClassifier,
  negatives: readonly string[],
): Promise<number[]> {
  const { probabilities } = await model.predict(negatives);
  return probabilities.map((row) => maxProbability(row));
}

/** Dev points from the trainer's prediction rows (EvaluateOutput.predictionsKey). */
export function devPointsFromPredictionRows(
  rows: readonly { gold: string; predicted: string; top5: { probability: number }[] }[],
): DevPoint[] {
  return rows.map((row) => ({
    gold: row.gold,
    predicted: row.predicted,
    probability: row.top5[0]?.probability ?? 0,
  }));
}

/**
 * Deterministic halves of the negatives by the first byte of SHA-256(text): `calibration` to
 * choose the threshold, `measurement` to report its negative share without bias.
 */
export function splitNegatives(texts: readonly string[]) {
  const calibration: string[] = [];
  const measurement: string[] = [];
  for (const text of texts) {
    const byte = createHash('sha256').update(text, 'utf8').digest()[0] as number;
    (byte % 2 === 0 ? calibration : measurement).push(text);
  }
  return { calibration, measurement };
}

function candidateThresholds(input: CalibrationInput): number[] {
  const values = [
    ...input.dev.map((point) => point.probability),
    ...input.negativeMaxProbabilities,
  ];
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const midpoints = distinct.slice(1).map((value, i) => ((distinct[i] as number) + value) / 2);
  const above = (distinct.at(-1) ?? 0) + 1e-9;
  return [0, ...midpoints, above];
}

/** F1 and share at any threshold in O(log n), after one sort of each list. */
function thresholdEvaluator(input: CalibrationInput): (threshold: number) => ThresholdPoint {
  const dev = [...input.dev].sort((a, b) => a.probability - b.probability);
  const devProbabilities = dev.map((point) => point.probability);
  const correctFrom = suffixCounts(dev.map((point) => point.gold === point.predicted));
  const negatives = [...input.negativeMaxProbabilities].sort((a, b) => a - b);

  return (threshold) => {
    const firstKept = lowerBound(devProbabilities, threshold);
    const kept = dev.length - firstKept;
    const correct = correctFrom[firstKept] as number;
    const negativesKept = negatives.length - lowerBound(negatives, threshold);
    return {
      threshold,
      devMicroF1: (2 * correct) / (kept + dev.length),
      devPrecision: kept === 0 ? 0 : correct / kept,
      devRecall: correct / dev.length,
      negativeShare: negativesKept / negatives.length,
    };
  };
}

/** counts[i] = number of true flags at positions i and later. */
function suffixCounts(flags: readonly boolean[]): number[] {
  const counts = new Array<number>(flags.length + 1).fill(0);
  for (let i = flags.length - 1; i >= 0; i -= 1) {
    counts[i] = (counts[i + 1] as number) + (flags[i] ? 1 : 0);
  }
  return counts;
}

/** First index whose value is at least `target` in an ascending array. */
function lowerBound(sorted: readonly number[], target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < target) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
