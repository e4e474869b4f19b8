import type { Database, Prisma } from '@ttpgrid/db';
import type { RunRow } from '@ttpgrid/metrics';

import { RUN_STATUS } from './types';

/** An experiment or run that a query asked for and the database does not hold. */
export class RecordNotFoundError extends Error {
  constructor(
    readonly entity: 'experiment' | 'run' | 'dataset version',
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
    this.name = 'RecordNotFoundError';
  }
}

/** A request that conflicts with the state of a record, e.g. archiving a running experiment. */
export class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}

export type Axes = Record<string, string | number>;

/**
 * A finished run as the statistics see it. `encoder` of the metrics row is the column key: the
 * encoder, plus the grid's other axes when it has any, so each axes combination gets a column.
 */
export interface ResultRow extends RunRow {
  runId: string;
  experimentId: string;
  encoderName: string;
  axes: Axes;
  mode: string;
  datasetVersionId: string;
  minorityMacroF1: number | null;
  majorityMacroF1: number | null;
  /** The run's per-sentence test predictions (artifact), for the paired bootstrap. */
  predictionsKey: string | null;
}

const AXIS_PREFIXES = ['hyperparameters.', 'augmentation.', 'dataset.'];

/** A short, stable label of a run's axes: `k=5, auxiliary.attackVersion=v15.1`; '' for none. */
export function axesLabel(axes: Axes): string {
  return Object.entries(axes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, value]) => `${shortAxisName(path)}=${value}`)
    .join(', ');
}

function shortAxisName(path: string): string {
  const prefix = AXIS_PREFIXES.find((candidate) => path.startsWith(candidate));
  return prefix ? path.slice(prefix.length) : path;
}

/** The column key of an encoder under some axes, e.g. `minilm-l6 [k=5]`. */
export function columnKey(encoder: string, axes: Axes): string {
  const label = axesLabel(axes);
  return label ? `${encoder} [${label}]` : encoder;
}

/** Succeeded runs with their scores, in a stable order (experiment, case, encoder, seed). */
export async function loadResultRows(
  db: Database,
  where: Prisma.RunWhereInput,
): Promise<ResultRow[]> {
  const runs = await db.run.findMany({
    where: { ...where, status: RUN_STATUS.succeeded, microF1: { not: null } },
    orderBy: [{ experimentId: 'asc' }, { createdAt: 'asc' }, { seed: 'asc' }],
  });
  return runs.map((run) => {
    const axes = (run.axes ?? {}) as Axes;
    const hyperparameters = run.hyperparameters as { mode?: string };
    return {
      runId: run.id,
      experimentId: run.experimentId,
      case: run.caseName,
      encoder: columnKey(run.encoder, axes),
      encoderName: run.encoder,
      axes,
      seed: run.seed,
      mode: hyperparameters.mode ?? 'finetune',
      datasetVersionId: run.datasetVersionId,
      microF1: run.microF1 ?? 0,
      macroF1: run.macroF1 ?? 0,
      minorityMacroF1: run.minorityMacroF1,
      majorityMacroF1: run.majorityMacroF1,
      predictionsKey: run.predictionsKey,
    };
  });
}

/** Distinct values in order of first appearance. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Groups items by a key, keeping the order of first appearance. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  return groups;
}
