import type { Database } from '@ttpgrid/db';
import { BASELINE_CASE } from '@ttpgrid/metrics';

import { columnKey, distinct, RecordNotFoundError, type Axes } from './result-rows';
import { RUN_STATUS } from './types';

export interface TechniqueCell {
  caseName: string;
  encoder: string;
  axes: Axes;
  /** Mean per-class F1 over the seeds that have a metric row for this technique. */
  f1: number;
  n: number;
  /** f1 minus the same technique's f1 in P of the same encoder and axes; null without P. */
  gainOverP: number | null;
}

export interface TechniqueRow {
  techniqueId: string;
  name: string | null;
  minority: boolean;
  /** Test sentences of the technique (support), from the runs' metric rows. */
  support: number;
  trainCount: number | null;
  cells: TechniqueCell[];
}

/**
 * Per-technique F1 by case of one experiment (mean over seeds, per encoder and axes): the view
 * where a Macro-F1 gain on rare classes shows. Minority classes are marked.
 */
export async function experimentTechniques(db: Database, experimentId: string) {
  const experiment = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', experimentId);

  const runs = await db.run.findMany({
    where: { experimentId, status: RUN_STATUS.succeeded },
    select: { id: true, caseName: true, encoder: true, axes: true, datasetVersionId: true },
  });
  const metrics = await db.classMetric.findMany({
    where: { runId: { in: runs.map((run) => run.id) } },
    select: { runId: true, techniqueId: true, f1: true, support: true, minority: true },
  });
  const classes = await datasetClasses(db, distinct(runs.map((run) => run.datasetVersionId)));

  const runById = new Map(runs.map((run) => [run.id, run]));
  const sums = new Map<string, { sum: number; n: number }>();
  const techniques = new Map<string, { minority: boolean; support: number }>();
  for (const metric of metrics) {
    const run = runById.get(metric.runId)!;
    const key = cellKey(metric.techniqueId, run.caseName, run.encoder, run.axes as Axes);
    const entry = sums.get(key) ?? { sum: 0, n: 0 };
    sums.set(key, { sum: entry.sum + metric.f1, n: entry.n + 1 });
    const technique = techniques.get(metric.techniqueId) ?? { minority: false, support: 0 };
    techniques.set(metric.techniqueId, {
      minority: technique.minority || metric.minority,
      support: Math.max(technique.support, metric.support),
    });
  }

  const columns = distinctColumns(runs);
  const cases = distinct(runs.map((run) => run.caseName));
  const rows = [...techniques.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([techniqueId, info]) => ({
      techniqueId,
      name: classes.get(techniqueId)?.name ?? null,
      minority: info.minority,
      support: info.support,
      trainCount: classes.get(techniqueId)?.trainCount ?? null,
      cells: techniqueCells(techniqueId, cases, columns, sums),
    }));

  return {
    experimentId,
    name: experiment.name,
    mode: experiment.mode,
    cases,
    columns,
    techniques: rows,
  };
}

function cellKey(techniqueId: string, caseName: string, encoder: string, axes: Axes): string {
  return JSON.stringify([techniqueId, caseName, columnKey(encoder, axes)]);
}

function distinctColumns(runs: { encoder: string; axes: unknown }[]) {
  const columns = new Map<string, { encoder: string; axes: Axes }>();
  for (const run of runs) {
    const axes = run.axes as Axes;
    columns.set(columnKey(run.encoder, axes), { encoder: run.encoder, axes });
  }
  return [...columns.values()];
}

function techniqueCells(
  techniqueId: string,
  cases: string[],
  columns: { encoder: string; axes: Axes }[],
  sums: Map<string, { sum: number; n: number }>,
): TechniqueCell[] {
  const mean = (caseName: string, encoder: string, axes: Axes) => {
    const entry = sums.get(cellKey(techniqueId, caseName, encoder, axes));
    return entry ? { f1: entry.sum / entry.n, n: entry.n } : null;
  };
  return columns.flatMap(({ encoder, axes }) => {
    const baseline = mean(BASELINE_CASE, encoder, axes);
    return cases.flatMap((caseName) => {
      const cell = mean(caseName, encoder, axes);
      if (!cell) return [];
      const gainOverP = baseline ? cell.f1 - baseline.f1 : null;
      return [{ caseName, encoder, axes, f1: cell.f1, n: cell.n, gainOverP }];
    });
  });
}

async function datasetClasses(db: Database, versions: string[]) {
  const rows = await db.datasetClass.findMany({
    where: { datasetVersionId: { in: versions } },
    select: { techniqueId: true, name: true, trainCount: true },
  });
  return new Map(rows.map((row) => [row.techniqueId, row]));
}
