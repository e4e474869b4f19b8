import { meanOf } from './f1';
import {
  type ConfidenceInterval,
  type IntervalOptions,
  sampleVariance,
  studentInterval,
} from './seeds';
import { studentTTwoSidedP } from './student-t';

export interface WelchResult {
  meanA: number;
  meanB: number;
  /** meanA − meanB. */
  difference: number;
  /** √(s²_A / n_A + s²_B / n_B). */
  standardError: number;
  /** difference / standardError; NaN when both samples are constant and equal. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided p-value for equal means. */
  pValue: number;
  /** Interval for meanA − meanB: difference ± t_{(1+level)/2, df} · standardError. */
  ci: ConfidenceInterval;
  nA: number;
  nB: number;
}

/**
 * Welch's unequal-variance t-test of meanA − meanB, e.g. one table cell's seed scores against
 * another's. Each sample needs at least two values.
 *
 * When both samples are constant the standard error is 0: equal means give p = 1, different means
 * p = 0, and the interval collapses onto the difference.
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  options: IntervalOptions = {},
): WelchResult {
  if (a.length < 2 || b.length < 2) {
    throw new Error(`Welch's t-test needs two values per sample, got ${a.length} and ${b.length}`);
  }

  const level = options.level ?? 0.95;
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  const difference = meanA - meanB;
  const shareA = sampleVariance(a, meanA) / a.length;
  const shareB = sampleVariance(b, meanB) / b.length;
  const standardError = Math.sqrt(shareA + shareB);

  const df = satterthwaiteDf(shareA, shareB, a.length, b.length);
  const base = { meanA, meanB, difference, standardError, nA: a.length, nB: b.length };
  if (standardError === 0) {
    return { ...base, ...degenerateTest(difference, df, level) };
  }

  const t = difference / standardError;
  return {
    ...base,
    t,
    df,
    pValue: studentTTwoSidedP(t, df),
    ci: studentInterval(difference, standardError, df, level),
  };
}

/** ν = (vA + vB)² / (vA² / (nA − 1) + vB² / (nB − 1)) with v = s² / n. */
function satterthwaiteDf(shareA: number, shareB: number, nA: number, nB: number): number {
  const denominator = shareA ** 2 / (nA - 1) + shareB ** 2 / (nB - 1);
  return denominator === 0 ? nA + nB - 2 : (shareA + shareB) ** 2 / denominator;
}

function degenerateTest(difference: number, df: number, level: number) {
  const ci = { lower: difference, upper: difference, level };
  if (difference === 0) {
    return { t: Number.NaN, df, pValue: 1, ci };
  }
  return { t: Math.sign(difference) * Infinity, df, pValue: 0, ci };
}
