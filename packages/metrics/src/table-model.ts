import {
  BASELINE_CASE,
  type CaseComparison,
  type ComparisonResult,
  testComparisons,
} from './comparisons';
import { meanOf } from './f1';
import { cellScores, distinctInOrder, METRICS, type MetricName, type RunRow } from './runs';
import { type SeedSummary, summarizeSeeds } from './seeds';

/** Rows of the table under an optional italic heading, like "Primary Data Only". */
export interface TableGroup {
  heading?: string;
  cases: readonly string[];
}

/** Published scores in percent as printed, e.g. { 'P': { 'CTI-BERT': { micro: 69.1, ... } } }. */
export type PublishedScores = Readonly<
  Record<string, Readonly<Record<string, { micro: number; macro: number }>>>
>;

export interface SignificanceOptions {
  /** Case every other case is compared with; defaults to 'P'. */
  baseline?: string;
  /** Family-wise error rate for Holm; defaults to 0.05. */
  alpha?: number;
  /** Appended to significant cells; defaults to '†'. */
  marker?: string;
}

export interface TableInput {
  /** One row per run; cells average over seeds. */
  rows: readonly RunRow[];
  /** Row order and headings; defaults to one group of the cases in order of appearance. */
  groups?: readonly TableGroup[];
  /** Column order; defaults to encoders in order of appearance. */
  encoders?: readonly string[];
  caseLabels?: Readonly<Record<string, string>>;
  encoderLabels?: Readonly<Record<string, string>>;
  /** Show "mean ± std" instead of the mean; defaults to false. */
  showStd?: boolean;
  /** The paper's values, shown in a column beside each of ours. */
  published?: PublishedScores;
  /** Marks cells that differ from the baseline after Holm; false turns marking off. */
  significance?: SignificanceOptions | false;
  /** Title line (Markdown) or caption (LaTeX). */
  caption?: string;
}

/** One column of the table: a metric of an encoder. */
export interface TableColumn {
  encoder: string;
  encoderLabel: string;
  metric: MetricName;
}

export interface TableCell extends TableColumn {
  caseName: string;
  /** Null when the case has no runs for this encoder. */
  summary: SeedSummary | null;
  /** Best mean of its column once rounded to one decimal (ties all count as best). */
  best: boolean;
  /** The comparison with the baseline, when one was tested. */
  comparison: ComparisonResult | null;
  significant: boolean;
  /** Published value in percent, when given. */
  published: number | null;
}

export type TableRowModel =
  | { kind: 'heading'; heading: string }
  | { kind: 'case'; caseName: string; label: string; cells: TableCell[] };

/** Root of the mean seed variance over cells with n ≥ 2 (see README, "Pooled deviation"). */
export interface PooledStd {
  all: number;
  micro: number;
  macro: number;
  /** Cells (case × encoder × metric) with n ≥ 2 that enter `all`. */
  cells: number;
}

export interface TableModel {
  caption: string | null;
  columns: TableColumn[];
  rows: TableRowModel[];
  /** Most common seed count over cells; cells with another n show it. */
  modalN: number;
  pooledStd: PooledStd;
  showStd: boolean;
  hasPublished: boolean;
  significance: { baseline: string; alpha: number; marker: string; tests: number } | null;
}

/** Computes everything a rendering shows: cell summaries, best marks, tests, pooled deviation. */
export function buildTable(input: TableInput): TableModel {
  const encoders = input.encoders ?? distinctInOrder(input.rows.map((row) => row.encoder));
  const groups = input.groups ?? [{ cases: distinctInOrder(input.rows.map((row) => row.case)) }];
  const columns = encoders.flatMap((encoder) =>
    METRICS.map((metric) => ({
      encoder,
      encoderLabel: input.encoderLabels?.[encoder] ?? encoder,
      metric,
    })),
  );

  const significance = significanceSettings(input);
  const cases = groups.flatMap((group) => group.cases);
  const comparisons = significance
    ? testBaselineComparisons(input.rows, cases, encoders, significance)
    : [];
  const rows = groups.flatMap((group) => groupRows(group, input, columns, comparisons));
  markBest(rows);

  const cells = rows.flatMap((row) => (row.kind === 'case' ? row.cells : []));
  return {
    caption: input.caption ?? null,
    columns,
    rows,
    modalN: modalSeedCount(cells),
    pooledStd: pooledStd(cells),
    showStd: input.showStd ?? false,
    // Paper columns only where the paper has a value for one of these encoders and cases.
    hasPublished: cells.some((cell) => cell.published !== null),
    significance: significance && {
      ...significance,
      tests: comparisons.filter((c) => c.adjustedP !== null).length,
    },
  };
}

/** Formats a score in [0, 1] as a percentage with one decimal, e.g. 0.6912 → "69.1". */
export function formatPercent(value: number): string {
  return (value * 100).toFixed(1);
}

function significanceSettings(input: TableInput) {
  if (input.significance === false) {
    return null;
  }
  return {
    baseline: input.significance?.baseline ?? BASELINE_CASE,
    alpha: input.significance?.alpha ?? 0.05,
    marker: input.significance?.marker ?? '†',
  };
}

/** Every listed case against the baseline, per encoder; one Holm family for the whole table. */
function testBaselineComparisons(
  rows: readonly RunRow[],
  cases: readonly string[],
  encoders: readonly string[],
  settings: { baseline: string; alpha: number },
): ComparisonResult[] {
  const { baseline } = settings;
  const comparisons: CaseComparison[] = encoders
    .filter((encoder) => hasRuns(rows, baseline, encoder))
    .flatMap((encoder) =>
      distinctInOrder(cases)
        .filter((caseName) => caseName !== baseline && hasRuns(rows, caseName, encoder))
        .map((treatment) => ({ encoder, treatment, baseline, source: 'table' })),
    );
  return testComparisons(rows, comparisons, { alpha: settings.alpha });
}

function groupRows(
  group: TableGroup,
  input: TableInput,
  columns: readonly TableColumn[],
  comparisons: readonly ComparisonResult[],
): TableRowModel[] {
  const heading: TableRowModel[] = group.heading
    ? [{ kind: 'heading', heading: group.heading }]
    : [];
  const caseRows = group.cases.map((caseName): TableRowModel => {
    const cells = columns.map((column) => tableCell(caseName, column, input, comparisons));
    return { kind: 'case', caseName, label: input.caseLabels?.[caseName] ?? caseName, cells };
  });
  return [...heading, ...caseRows];
}

function tableCell(
  caseName: string,
  column: TableColumn,
  input: TableInput,
  comparisons: readonly ComparisonResult[],
): TableCell {
  const scores = cellScores(input.rows, caseName, column.encoder, column.metric);
  const comparison =
    comparisons.find(
      (c) => c.treatment === caseName && c.encoder === column.encoder && c.metric === column.metric,
    ) ?? null;

  return {
    ...column,
    caseName,
    summary: scores.length === 0 ? null : summarizeSeeds(scores),
    best: false,
    comparison,
    significant: comparison?.significant ?? false,
    published: publishedValue(input.published, caseName, column),
  };
}

function publishedValue(
  published: PublishedScores | undefined,
  caseName: string,
  column: TableColumn,
): number | null {
  const value = published?.[caseName]?.[column.encoder]?.[column.metric];
  if (value !== undefined && !(value >= 0 && value <= 100)) {
    throw new RangeError(`published ${caseName}/${column.encoder} ${column.metric}: ${value}`);
  }
  return value ?? null;
}

/** Marks, per column, the cells whose displayed mean equals the column's best displayed mean. */
function markBest(rows: readonly TableRowModel[]): void {
  const cells = rows.flatMap((row) => (row.kind === 'case' ? row.cells : []));
  const displayed = (cell: TableCell) =>
    cell.summary ? Number(formatPercent(cell.summary.mean)) : -Infinity;

  for (const cell of cells) {
    const column = cells.filter((c) => c.encoder === cell.encoder && c.metric === cell.metric);
    const best = Math.max(...column.map(displayed));
    cell.best = cell.summary !== null && displayed(cell) === best;
  }
}

function modalSeedCount(cells: readonly TableCell[]): number {
  const frequency = new Map<number, number>();
  for (const cell of cells) {
    if (cell.summary) {
      frequency.set(cell.summary.n, (frequency.get(cell.summary.n) ?? 0) + 1);
    }
  }

  // Most frequent n; ties go to the larger n.
  let modal = 0;
  let modalCount = 0;
  for (const [n, count] of frequency) {
    if (count > modalCount || (count === modalCount && n > modal)) {
      modal = n;
      modalCount = count;
    }
  }
  return modal;
}

function pooledStd(cells: readonly TableCell[]): PooledStd {
  const variances = (metric?: MetricName) =>
    cells
      .filter((cell) => metric === undefined || cell.metric === metric)
      .flatMap((cell) => (cell.summary && cell.summary.n >= 2 ? [cell.summary.variance] : []));
  const rootMean = (values: number[]) => (values.length ? Math.sqrt(meanOf(values)) : Number.NaN);

  return {
    all: rootMean(variances()),
    micro: rootMean(variances('micro')),
    macro: rootMean(variances('macro')),
    cells: variances().length,
  };
}

function hasRuns(rows: readonly RunRow[], caseName: string, encoder: string): boolean {
  return rows.some((row) => row.case === caseName && row.encoder === encoder);
}
