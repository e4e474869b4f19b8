import type { Database } from '@ttpgrid/db';
import { holmAdjust, summarizeSeeds, welchTTest } from '@ttpgrid/metrics';

import {
  groupBy,
  loadResultRows,
  RecordNotFoundError,
  type Axes,
  type ResultRow,
} from './result-rows';
import { finiteOrNull } from './results';

export type CompareMetric = 'micro' | 'macro' | 'minorityMacro';

export const COMPARE_METRICS: readonly CompareMetric[] = ['micro', 'macro', 'minorityMacro'];

export interface SideSummary {
  n: number;
  mean: number | null;
  std: number | null;
}

/** One cell (case × encoder × axes) on one metric: b − a with Welch's 95 % interval. */
export interface CompareCell {
  caseName: string;
  encoder: string;
  axes: Axes;
  metric: CompareMetric;
  a: SideSummary;
  b: SideSummary;
  /** meanB − meanA; null when a side has no runs. */
  difference: number | null;
  ci: { lower: number; upper: number; level: number } | null;
  pValue: number | null;
  /** Holm over every tested cell and metric of this comparison. */
  adjustedP: number | null;
  significant: boolean;
}

export interface ExperimentSide {
  id: string;
  name: string;
  status: string;
  datasetVersionIds: string[];
}

/**
 * The same grid on two dataset versions (or any two experiments), cell by cell: the change from
 * `a` to `b` of each metric with Welch's interval over seeds, Holm-adjusted across the cells.
 */
export async function compareExperiments(
  db: Database,
  aId: string,
  bId: string,
  metrics: readonly CompareMetric[] = ['micro', 'macro'],
) {
  const [a, b] = await Promise.all([experimentSide(db, aId), experimentSide(db, bId)]);
  const [rowsA, rowsB] = await Promise.all([
    loadResultRows(db, { experimentId: aId }),
    loadResultRows(db, { experimentId: bId }),
  ]);
  const cellsA = groupBy(rowsA, cellKey);
  const cellsB = groupBy(rowsB, cellKey);

  const shared = [...cellsA.keys()].filter((key) => cellsB.has(key));
  const cells = shared.flatMap((key) =>
    metrics.map((metric) => compareCell(cellsA.get(key)!, cellsB.get(key)!, metric)),
  );
  return {
    a,
    b,
    metrics,
    cells: withHolm(cells),
    onlyInA: [...cellsA.keys()].filter((key) => !cellsB.has(key)).map((k) => describe(cellsA, k)),
    onlyInB: [...cellsB.keys()].filter((key) => !cellsA.has(key)).map((k) => describe(cellsB, k)),
  };
}

async function experimentSide(db: Database, id: string): Promise<ExperimentSide> {
  const experiment = await db.experiment.findUnique({
    where: { id },
    select: { id: true, name: true, status: true },
  });
  if (!experiment) throw new RecordNotFoundError('experiment', id);
  const versions = await db.run.findMany({
    where: { experimentId: id },
    distinct: ['datasetVersionId'],
    select: { datasetVersionId: true },
  });
  return { ...experiment, datasetVersionIds: versions.map((row) => row.datasetVersionId) };
}

/** Cells match on case, encoder and the axes other than the dataset's. */
function cellKey(row: ResultRow): string {
  const axes = Object.entries(row.axes)
    .filter(([path]) => !path.startsWith('dataset.'))
    .sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify([row.case, row.encoderName, axes]);
}

function describe(cells: Map<string, ResultRow[]>, key: string) {
  const first = cells.get(key)![0]!;
  return { caseName: first.case, encoder: first.encoderName, axes: first.axes };
}

function scores(rows: readonly ResultRow[], metric: CompareMetric): number[] {
  return rows.flatMap((row) => {
    const value =
      metric === 'micro' ? row.microF1 : metric === 'macro' ? row.macroF1 : row.minorityMacroF1;
    return value === null ? [] : [value];
  });
}

function side(values: number[]): SideSummary {
  if (values.length === 0) return { n: 0, mean: null, std: null };
  const summary = summarizeSeeds(values);
  return { n: summary.n, mean: summary.mean, std: finiteOrNull(summary.std) };
}

function compareCell(rowsA: ResultRow[], rowsB: ResultRow[], metric: CompareMetric): CompareCell {
  const a = scores(rowsA, metric);
  const b = scores(rowsB, metric);
  const first = rowsA[0]!;
  const base = {
    caseName: first.case,
    encoder: first.encoderName,
    axes: first.axes,
    metric,
    a: side(a),
    b: side(b),
    adjustedP: null,
    significant: false,
  };

  if (a.length >= 2 && b.length >= 2) {
    const welch = welchTTest(b, a);
    return { ...base, difference: welch.difference, ci: welch.ci, pValue: welch.pValue };
  }
  const difference =
    base.a.mean !== null && base.b.mean !== null ? base.b.mean - base.a.mean : null;
  return { ...base, difference, ci: null, pValue: null };
}

function withHolm(cells: CompareCell[]): CompareCell[] {
  const tested = cells.flatMap((cell, index) => (cell.pValue === null ? [] : [index]));
  const adjusted = holmAdjust(tested.map((index) => cells[index]!.pValue ?? 1));
  const byIndex = new Map(tested.map((index, k) => [index, adjusted[k] ?? 1]));
  return cells.map((cell, index) => {
    const adjustedP = byIndex.get(index) ?? null;
    return { ...cell, adjustedP, significant: adjustedP !== null && adjustedP <= 0.05 };
  });
}
