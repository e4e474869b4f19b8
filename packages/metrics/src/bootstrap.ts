import { createRandom } from './random';
import { assertLevel, type ConfidenceInterval } from './seeds';

/** The score a bootstrap compares: Micro-F1 (accuracy) or Macro-F1. */
export type BootstrapMetric = 'micro' | 'macro';

export interface PairedBootstrapInput {
  /** Gold label of each test sentence. */
  gold: readonly string[];
  /** System A's predictions, one list per run (seed), each aligned with `gold`. */
  runsA: readonly (readonly string[])[];
  /** System B's predictions over the same sentences, one list per run. */
  runsB: readonly (readonly string[])[];
}

export interface PairedBootstrapOptions {
  metric: BootstrapMetric;
  /** Number of resamples B; defaults to 1000. */
  resamples?: number;
  /** PRNG seed of the resampling; defaults to 0. */
  seed?: number;
  /** Nominal coverage of the percentile interval; defaults to 0.95. */
  level?: number;
}

export interface PairedBootstrapResult {
  metric: BootstrapMetric;
  /** Mean score of A's runs on the full test set. */
  scoreA: number;
  /** Mean score of B's runs on the full test set. */
  scoreB: number;
  /** scoreA − scoreB on the full test set. */
  observed: number;
  /** Percentile interval of the resampled differences (linear interpolation, numpy's default). */
  ci: ConfidenceInterval;
  /** Standard deviation of the resampled differences. */
  standardError: number;
  /** Two-sided p-value, min(1, 2 (1 + min(#{d* ≤ 0}, #{d* ≥ 0})) / (B + 1)). */
  pValue: number;
  resamples: number;
  seed: number;
  sentences: number;
}

/** Per-class counts of one run over one resample. */
interface RunCounts {
  truePositives: Int32Array;
  predicted: Int32Array;
  correct: number;
}

/**
 * Paired bootstrap over test sentences: resamples sentence indices with replacement (seeded) and
 * recomputes meanScore(runsA) − meanScore(runsB) on each resample, all runs sharing the same
 * indices. With one run per side it compares one pair of models; with the five seeds per side it
 * compares seed-averaged scores, as the results tables report them.
 *
 * It measures test-set sampling variance only: the runs are held fixed, so it says nothing about
 * how the difference would move with other training seeds. Macro-F1 on a resample averages over
 * the labels that resample's gold or a run's predictions contain, exactly as on the full set.
 */
export function pairedBootstrap(
  input: PairedBootstrapInput,
  options: PairedBootstrapOptions,
): PairedBootstrapResult {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  assertBootstrapInput(input, resamples);
  assertLevel(level);

  const encoded = encodeLabels(input);
  const score = (runs: Int32Array[], weights: Int32Array) =>
    meanRunScore(options.metric, encoded.gold, runs, weights, encoded.labelCount);

  const ones = new Int32Array(input.gold.length).fill(1);
  const scoreA = score(encoded.runsA, ones);
  const scoreB = score(encoded.runsB, ones);
  const observed = scoreA - scoreB;

  const differences = resampleDifferences(input.gold.length, resamples, seed, (weights) => {
    return score(encoded.runsA, weights) - score(encoded.runsB, weights);
  });

  return {
    metric: options.metric,
    scoreA,
    scoreB,
    observed,
    ci: percentileInterval(differences, level),
    standardError: standardDeviation(differences),
    pValue: percentilePValue(differences),
    resamples,
    seed,
    sentences: input.gold.length,
  };
}

/**
 * Linear-interpolation quantile of ascending values (Hyndman–Fan type 7, numpy's default).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

function resampleDifferences(
  sentences: number,
  resamples: number,
  seed: number,
  differenceOf: (weights: Int32Array) => number,
): Float64Array {
  const random = createRandom(seed);
  const weights = new Int32Array(sentences);
  const differences = new Float64Array(resamples);

  for (let b = 0; b < resamples; b += 1) {
    weights.fill(0);
    for (let draw = 0; draw < sentences; draw += 1) {
      increment(weights, Math.floor(random() * sentences), 1);
    }
    differences[b] = differenceOf(weights);
  }
  return differences.sort();
}

function meanRunScore(
  metric: BootstrapMetric,
  gold: Int32Array,
  runs: Int32Array[],
  weights: Int32Array,
  labelCount: number,
): number {
  const goldCounts = new Int32Array(labelCount);
  gold.forEach((label, index) => {
    increment(goldCounts, label, weights[index] as number);
  });

  let total = 0;
  for (const run of runs) {
    const counts = countRun(gold, run, weights, labelCount);
    total += metric === 'micro' ? counts.correct / gold.length : macroF1(goldCounts, counts);
  }
  return total / runs.length;
}

function countRun(
  gold: Int32Array,
  run: Int32Array,
  weights: Int32Array,
  labelCount: number,
): RunCounts {
  const truePositives = new Int32Array(labelCount);
  const predicted = new Int32Array(labelCount);
  let correct = 0;

  run.forEach((label, index) => {
    const weight = weights[index] as number;
    increment(predicted, label, weight);
    if (label === gold[index]) {
      increment(truePositives, label, weight);
      correct += weight;
    }
  });
  return { truePositives, predicted, correct };
}

/** Mean of 2 tp / (gold + predicted) over labels present in gold or predictions. */
function macroF1(goldCounts: Int32Array, counts: RunCounts): number {
  let sum = 0;
  let labels = 0;
  goldCounts.forEach((goldCount, label) => {
    const denominator = goldCount + (counts.predicted[label] as number);
    if (denominator > 0) {
      sum += (2 * (counts.truePositives[label] as number)) / denominator;
      labels += 1;
    }
  });
  return labels === 0 ? 0 : sum / labels;
}

/** counts[index] += by; typed arrays hold 0 where nothing was written. */
function increment(counts: Int32Array, index: number, by: number): void {
  counts[index] = (counts[index] as number) + by;
}

function encodeLabels(input: PairedBootstrapInput) {
  const ids = new Map<string, number>();
  const encode = (labels: readonly string[]) =>
    Int32Array.from(labels, (label) => {
      let id = ids.get(label);
      if (id === undefined) {
        id = ids.size;
        ids.set(label, id);
      }
      return id;
    });

  const gold = encode(input.gold);
  const runsA = input.runsA.map(encode);
  const runsB = input.runsB.map(encode);
  return { gold, runsA, runsB, labelCount: ids.size };
}

function percentileInterval(sorted: Float64Array, level: number): ConfidenceInterval {
  const alpha = 1 - level;
  return {
    lower: quantileSorted(sorted, alpha / 2),
    upper: quantileSorted(sorted, 1 - alpha / 2),
    level,
  };
}

/**
 * Inverts the percentile interval: the smallest α at which the (1 − α) interval excludes 0, i.e.
 * twice the smaller share of resampled differences on either side of 0 (ties at 0 count on both
 * sides), with +1 terms so p stays above 0. p ≤ α agrees with the interval excluding 0.
 */
function percentilePValue(differences: Float64Array): number {
  let atMostZero = 0;
  let atLeastZero = 0;
  for (const difference of differences) {
    if (difference <= 0) atMostZero += 1;
    if (difference >= 0) atLeastZero += 1;
  }
  const smaller = Math.min(atMostZero, atLeastZero);
  return Math.min(1, (2 * (smaller + 1)) / (differences.length + 1));
}

function standardDeviation(values: Float64Array): number {
  if (values.length < 2) {
    return Number.NaN;
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

function assertBootstrapInput(input: PairedBootstrapInput, resamples: number): void {
  if (input.gold.length === 0) {
    throw new Error('paired bootstrap needs at least one sentence');
  }
  if (input.runsA.length === 0 || input.runsB.length === 0) {
    throw new Error('paired bootstrap needs at least one run per system');
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }

  for (const run of [...input.runsA, ...input.runsB]) {
    if (run.length !== input.gold.length) {
      throw new Error(`a run has ${run.length} predictions for ${input.gold.length} sentences`);
    }
  }
}
