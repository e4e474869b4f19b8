import { meanOf, sumOf } from './f1';
import { studentTQuantile } from './student-t';

/** A two-sided confidence interval. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
  /** Nominal coverage, e.g. 0.95. */
  level: number;
}

/** Summary of one table cell (case × encoder × metric) over its seeds. */
export interface SeedSummary {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n − 1); NaN when n < 2. */
  std: number;
  /** Sample variance (divisor n − 1); NaN when n < 2. */
  variance: number;
  /** Student-t interval for the mean, mean ± t_{(1+level)/2, n−1} · std / √n; null when n < 2. */
  ci: ConfidenceInterval | null;
  min: number;
  max: number;
}

export interface IntervalOptions {
  /** Nominal coverage of intervals; defaults to 0.95. */
  level?: number;
}

/**
 * Mean, sample standard deviation and Student-t confidence interval of one cell's values over
 * seeds. The interval treats the seeds as a random sample of training runs: it describes seed
 * variance only, not the sampling variance of the test set.
 */
export function summarizeSeeds(
  values: readonly number[],
  options: IntervalOptions = {},
): SeedSummary {
  if (values.length === 0) {
    throw new Error('summarizeSeeds needs at least one value');
  }

  const level = options.level ?? 0.95;
  const n = values.length;
  const mean = meanOf(values);
  const variance = sampleVariance(values, mean);
  const std = Math.sqrt(variance);

  return {
    n,
    mean,
    std,
    variance,
    ci: n < 2 ? null : studentInterval(mean, std / Math.sqrt(n), n - 1, level),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Sample variance with divisor n − 1 (two-pass); NaN when fewer than two values. */
export function sampleVariance(values: readonly number[], mean = meanOf(values)): number {
  if (values.length < 2) {
    return Number.NaN;
  }
  return sumOf(values.map((value) => (value - mean) ** 2)) / (values.length - 1);
}

/** estimate ± t_{(1+level)/2, df} · standardError. */
export function studentInterval(
  estimate: number,
  standardError: number,
  df: number,
  level: number,
): ConfidenceInterval {
  assertLevel(level);
  const halfWidth = studentTQuantile((1 + level) / 2, df) * standardError;
  return { lower: estimate - halfWidth, upper: estimate + halfWidth, level };
}

export function assertLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`confidence level must lie in (0, 1), got ${level}`);
  }
}
