import { holmAdjust } from './holm';
import { cellScores, distinctInOrder, METRICS, type MetricName, type RunRow } from './runs';
import { welchTTest, type WelchResult } from './welch';

/** The primary-data-only baseline, case (1) of Table 3. */
export const BASELINE_CASE = 'P';

/** A claim that `treatment` differs from `baseline`, within one encoder. */
export interface CaseComparison {
  encoder: string;
  treatment: string;
  baseline: string;
  /** Where the comparison comes from: 'vs baseline' or the paper's table and section. */
  source: string;
}

/** The case pairs the paper argues from (treatment first), with table and section. */
export const PAPER_CLAIMS: readonly Omit<CaseComparison, 'encoder'>[] = [
  { treatment: 'P+A>P', baseline: 'P+A', source: 'Table 3, §4.2: second stage' },
  { treatment: 'P+A>P', baseline: 'P>P', source: 'Table 3, §4.2: not just longer training' },
  { treatment: 'P+Asim>P', baseline: 'P+A>P', source: 'Table 3, §4.3: similar to rare classes' },
  { treatment: 'P+Asim', baseline: 'P+A', source: 'Table 3, §4.3: one-stage versions' },
  { treatment: 'P+Asim>P', baseline: 'P+Psame>P', source: 'Table 4, §4.6: vs oversampling' },
  { treatment: 'P+Asim>P', baseline: 'P+Pswap>P', source: 'Table 4, §4.6: vs token swaps' },
  { treatment: 'P+Asim>P', baseline: 'P+Arand>P', source: 'Table 4, §4.5: similar vs random' },
  {
    treatment: 'P+Arand>P',
    baseline: 'P+Psame>P',
    source: 'Table 4, §4.6: random vs oversampling',
  },
  {
    treatment: 'P+Arand>P',
    baseline: 'P+Arandall>P',
    source: 'Table 5, §4.4: rare vs all (random)',
  },
  {
    treatment: 'P+Asim>P',
    baseline: 'P+Asimall>P',
    source: 'Table 5, §4.4: rare vs all (similar)',
  },
  {
    treatment: 'P+Asimall>P',
    baseline: 'P+Arandall>P',
    source: 'Table 5, §4.5: similar vs random',
  },
];

/** A case of an encoder that has results. */
export interface PresentCell {
  case: string;
  encoder: string;
}

/**
 * The default comparison list: per encoder (in order of appearance), every case against
 * `baseline` (default 'P'), then the paper's claims ({@link PAPER_CLAIMS}). A comparison is kept
 * only when both of its cases are present for that encoder, and a pair appears once.
 */
export function defaultComparisons(
  present: Iterable<PresentCell>,
  options: { baseline?: string } = {},
): CaseComparison[] {
  const baseline = options.baseline ?? BASELINE_CASE;
  const cells = [...present];
  const encoders = distinctInOrder(cells.map((cell) => cell.encoder));

  return encoders.flatMap((encoder) => {
    const cases = distinctInOrder(cells.filter((c) => c.encoder === encoder).map((c) => c.case));
    const versusBaseline = cases
      .filter((caseName) => caseName !== baseline)
      .map((treatment) => ({ encoder, treatment, baseline, source: 'vs baseline' }));
    const claims = PAPER_CLAIMS.map((claim) => ({ encoder, ...claim }));

    return uniquePairs([...versusBaseline, ...claims]).filter(
      (c) => cases.includes(c.treatment) && cases.includes(c.baseline),
    );
  });
}

/** One comparison on one metric, tested with Welch over seeds and adjusted with Holm. */
export interface ComparisonResult extends CaseComparison {
  metric: MetricName;
  /** Null when either case has fewer than two seeds; such comparisons leave the family. */
  welch: WelchResult | null;
  /** Holm-adjusted p-value within the family of this call; null when not tested. */
  adjustedP: number | null;
  /** adjustedP ≤ alpha. */
  significant: boolean;
}

export interface ComparisonOptions {
  /** Metrics to test; defaults to both. Every (comparison, metric) is one test of the family. */
  metrics?: readonly MetricName[];
  /** Family-wise error rate; defaults to 0.05. */
  alpha?: number;
  /** Coverage of Welch intervals; defaults to 0.95. */
  level?: number;
}

/**
 * Tests comparisons with Welch's t-test over seeds (difference = treatment − baseline) and
 * applies Holm–Bonferroni across all tests of the call: pass one table's comparisons to control
 * the family-wise error rate of that table.
 */
export function testComparisons(
  rows: readonly RunRow[],
  comparisons: readonly CaseComparison[],
  options: ComparisonOptions = {},
): ComparisonResult[] {
  const metrics = options.metrics ?? METRICS;
  const alpha = options.alpha ?? 0.05;

  const tested = comparisons.flatMap((comparison) =>
    metrics.map((metric) => ({
      ...comparison,
      metric,
      welch: welchOrNull(rows, comparison, metric, options.level),
    })),
  );

  const testedIndices = tested.flatMap((result, index) => (result.welch ? [index] : []));
  const adjusted = holmAdjust(testedIndices.map((index) => tested[index]?.welch?.pValue ?? 1));
  const adjustedByIndex = new Map(testedIndices.map((index, k) => [index, adjusted[k] ?? 1]));

  return tested.map((result, index) => {
    const adjustedP = adjustedByIndex.get(index) ?? null;
    return { ...result, adjustedP, significant: adjustedP !== null && adjustedP <= alpha };
  });
}

function welchOrNull(
  rows: readonly RunRow[],
  comparison: CaseComparison,
  metric: MetricName,
  level: number | undefined,
): WelchResult | null {
  const treatment = cellScores(rows, comparison.treatment, comparison.encoder, metric);
  const baseline = cellScores(rows, comparison.baseline, comparison.encoder, metric);
  if (treatment.length < 2 || baseline.length < 2) {
    return null;
  }
  return welchTTest(treatment, baseline, level === undefined ? {} : { level });
}

function uniquePairs(comparisons: CaseComparison[]): CaseComparison[] {
  const seen = new Set<string>();
  return comparisons.filter((c) => {
    const key = JSON.stringify([c.encoder, ...[c.treatment, c.baseline].sort()]);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
