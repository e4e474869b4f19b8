import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { Database, Prisma } from '@ttpgrid/db';
import { parseCase, type GridSpec } from '@ttpgrid/grid';
import {
  buildTable,
  defaultComparisons,
  summarizeSeeds,
  testComparisons,
  type CaseComparison,
  type ComparisonResult,
  type MetricName,
  type TableCell,
} from '@ttpgrid/metrics';

import { distinct, groupBy, loadResultRows, type Axes, type ResultRow } from './result-rows';
import { finiteOrNull } from './results';
import { adjustBootstraps, bootstrapCells, type SentenceBootstrap } from './sentence-bootstrap';

export interface LeaderboardFilters {
  experiment?: string;
  datasetVersion?: string;
  encoder?: string;
  case?: string;
  mode?: string;
}

export interface ScoreSummary {
  mean: number | null;
  std: number | null;
  ci: { lower: number; upper: number; level: number } | null;
}

export interface LeaderboardCell {
  experimentId: string;
  experimentName: string;
  datasetVersionId: string;
  mode: string;
  caseName: string;
  encoder: string;
  axes: Axes;
  n: number;
  micro: ScoreSummary;
  macro: ScoreSummary;
  minorityMacro: Omit<ScoreSummary, 'ci'>;
  best: Record<MetricName, boolean>;
  significant: Record<MetricName, boolean>;
}

export interface LeaderboardComparison {
  experimentId: string;
  encoder: string;
  axes: Axes;
  treatment: string;
  baseline: string;
  source: string;
  metric: MetricName;
  difference: number | null;
  ci: { lower: number; upper: number; level: number } | null;
  pValue: number | null;
  adjustedP: number | null;
  significant: boolean;
  /** Paired bootstrap over test sentences; null without stored predictions or a store. */
  bootstrap: SentenceBootstrap | null;
}

interface ExperimentInfo {
  id: string;
  name: string;
  spec: GridSpec;
}

/**
 * Cells of every visible (not archived) experiment, one per case × encoder × other axes, with
 * the best and significance marks of that experiment's own table (Holm over its tests), and the
 * spec's comparisons (default: each case against P plus the paper's claims) per experiment.
 */
export async function leaderboard(
  db: Database,
  filters: LeaderboardFilters = {},
  store: ArtifactStore | null = null,
) {
  const experiments = await visibleExperiments(db, filters);
  const rows = await loadResultRows(db, {
    experimentId: { in: experiments.map((experiment) => experiment.id) },
  });
  const byExperiment = groupBy(rows, (row) => row.experimentId);

  const cells: LeaderboardCell[] = [];
  const comparisons: LeaderboardComparison[] = [];
  for (const experiment of experiments) {
    const experimentRows = byExperiment.get(experiment.id) ?? [];
    if (experimentRows.length === 0) continue;
    cells.push(...experimentCells(experiment, experimentRows));
    const sentences = store && { db, store, compute: false };
    comparisons.push(...(await experimentComparisons(experiment, experimentRows, sentences)));
  }

  return {
    cells: cells.filter((cell) => matches(cell, filters)),
    comparisons: comparisons.filter((comparison) => matchesComparison(comparison, filters)),
  };
}

async function visibleExperiments(db: Database, filters: LeaderboardFilters) {
  const where: Prisma.ExperimentWhereInput = { archived: false };
  if (filters.experiment) where.id = filters.experiment;
  if (filters.datasetVersion) {
    where.runs = { some: { datasetVersionId: filters.datasetVersion } };
  }
  const rows = await db.experiment.findMany({
    where,
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, spec: true },
  });
  return rows.map((row) => ({ ...row, spec: row.spec as unknown as GridSpec }));
}

/** Rows in the order the spec lists its cases and encoders (the paper's table order). */
function inSpecOrder(rows: ResultRow[], spec: GridSpec): ResultRow[] {
  const position = (list: readonly string[], value: string) => {
    const index = list.indexOf(value);
    return index === -1 ? list.length : index;
  };
  const cases = spec.cases ?? [];
  const encoders = spec.encoders ?? [];
  return [...rows].sort(
    (a, b) =>
      position(cases, a.case) - position(cases, b.case) ||
      position(encoders, a.encoderName) - position(encoders, b.encoderName),
  );
}

function experimentCells(experiment: ExperimentInfo, rows: ResultRow[]): LeaderboardCell[] {
  const model = buildTable({ rows });
  const tableCells = model.rows.flatMap((row) => (row.kind === 'case' ? row.cells : []));
  const groups = groupBy(
    inSpecOrder(rows, experiment.spec),
    (row) => `${row.case}\u0000${row.encoder}`,
  );

  return [...groups.values()].map((cellRows) => {
    const first = cellRows[0]!;
    const find = (metric: MetricName) =>
      tableCells.find(
        (cell) =>
          cell.caseName === first.case && cell.encoder === first.encoder && cell.metric === metric,
      );
    const minority = cellRows.flatMap((row) =>
      row.minorityMacroF1 === null ? [] : [row.minorityMacroF1],
    );
    const minoritySummary = minority.length ? summarizeSeeds(minority) : null;
    return {
      experimentId: experiment.id,
      experimentName: experiment.name,
      datasetVersionId: first.datasetVersionId,
      mode: first.mode,
      caseName: first.case,
      encoder: first.encoderName,
      axes: first.axes,
      n: cellRows.length,
      micro: summaryOf(find('micro')),
      macro: summaryOf(find('macro')),
      minorityMacro: {
        mean: minoritySummary?.mean ?? null,
        std: finiteOrNull(minoritySummary?.std),
      },
      best: { micro: find('micro')?.best ?? false, macro: find('macro')?.best ?? false },
      significant: {
        micro: find('micro')?.significant ?? false,
        macro: find('macro')?.significant ?? false,
      },
    };
  });
}

function summaryOf(cell: TableCell | undefined): ScoreSummary {
  return {
    mean: cell?.summary?.mean ?? null,
    std: finiteOrNull(cell?.summary?.std),
    ci: cell?.summary?.ci ?? null,
  };
}

/** The spec's comparison pairs for every column, or the default list. */
export function comparisonsFor(spec: GridSpec, rows: readonly ResultRow[]): CaseComparison[] {
  if (!spec.comparisons || spec.comparisons.length === 0) {
    return defaultComparisons(rows.map((row) => ({ case: row.case, encoder: row.encoder })));
  }
  const columns = distinct(rows.map((row) => row.encoder));
  return columns.flatMap((encoder) =>
    (spec.comparisons ?? []).map(([treatment, baseline]) => ({
      encoder,
      treatment: normalisedCase(treatment),
      baseline: normalisedCase(baseline),
      source: 'spec',
    })),
  );
}

function normalisedCase(name: string): string {
  try {
    return parseCase(name).name;
  } catch {
    return name;
  }
}

interface BootstrapSource {
  db: Database;
  store: ArtifactStore;
  /** False on requests: only bootstraps computed when the experiment finished are shown. */
  compute: boolean;
}

/**
 * Computes and memoises the paired bootstraps of an experiment's comparisons (when it finishes),
 * so the leaderboard only reads them. Returns how many comparisons got one.
 */
export async function precomputeBootstraps(
  db: Database,
  store: ArtifactStore,
  experimentId: string,
): Promise<number> {
  const experiment = await db.experiment.findUniqueOrThrow({
    where: { id: experimentId },
    select: { id: true, name: true, spec: true },
  });
  const rows = await loadResultRows(db, { experimentId });
  const info = { ...experiment, spec: experiment.spec as unknown as GridSpec };
  const views = await experimentComparisons(info, rows, { db, store, compute: true });
  return views.filter((view) => view.bootstrap !== null).length;
}

/**
 * Welch over seeds for every comparison, Holm-adjusted across the experiment's table; with the
 * artifact store, also the paired bootstrap over test sentences (Holm-adjusted the same way).
 */
async function experimentComparisons(
  experiment: ExperimentInfo,
  rows: ResultRow[],
  sentences: BootstrapSource | null,
): Promise<LeaderboardComparison[]> {
  const columns = new Map(rows.map((row) => [row.encoder, row]));
  const results = testComparisons(rows, comparisonsFor(experiment.spec, rows));
  const bootstraps: Array<SentenceBootstrap | null> = [];
  for (const result of results) {
    bootstraps.push(sentences ? await sentenceBootstrap(result, rows, sentences) : null);
  }
  adjustBootstraps(bootstraps);

  return results.map((result, index) =>
    comparisonView(experiment.id, result, columns.get(result.encoder), bootstraps[index] ?? null),
  );
}

async function sentenceBootstrap(
  result: ComparisonResult,
  rows: readonly ResultRow[],
  source: BootstrapSource,
): Promise<SentenceBootstrap | null> {
  const cell = (caseName: string) =>
    rows.filter((row) => row.encoder === result.encoder && row.case === caseName);
  const treatment = cell(result.treatment);
  const baseline = cell(result.baseline);
  if (treatment.length === 0 || baseline.length === 0) return null;

  const { db, store, compute } = source;
  const computed = await bootstrapCells(db, store, treatment, baseline, result.metric, compute);
  return computed && { ...computed, adjustedP: null };
}

function comparisonView(
  experimentId: string,
  result: ComparisonResult,
  column: ResultRow | undefined,
  bootstrap: SentenceBootstrap | null,
): LeaderboardComparison {
  return {
    experimentId,
    encoder: column?.encoderName ?? result.encoder,
    axes: column?.axes ?? {},
    treatment: result.treatment,
    baseline: result.baseline,
    source: result.source,
    metric: result.metric,
    difference: result.welch?.difference ?? null,
    ci: result.welch?.ci ?? null,
    pValue: result.welch?.pValue ?? null,
    adjustedP: result.adjustedP,
    significant: result.significant,
    bootstrap,
  };
}

function matches(cell: LeaderboardCell, filters: LeaderboardFilters): boolean {
  return (
    (!filters.encoder || cell.encoder === filters.encoder) &&
    (!filters.case || cell.caseName === normalisedCase(filters.case)) &&
    (!filters.mode || cell.mode === filters.mode) &&
    (!filters.datasetVersion || cell.datasetVersionId === filters.datasetVersion)
  );
}

function matchesComparison(comparison: LeaderboardComparison, filters: LeaderboardFilters) {
  const caseName = filters.case ? normalisedCase(filters.case) : null;
  return (
    (!filters.encoder || comparison.encoder === filters.encoder) &&
    (!caseName || comparison.treatment === caseName || comparison.baseline === caseName)
  );
}
