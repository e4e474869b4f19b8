import type { Database, Prisma } from '@ttpgrid/db';

import { distinct, RecordNotFoundError } from './result-rows';
import { EXPERIMENT_STATUS, RUN_STATUS, STAGE_STATUS } from './types';

export interface ExperimentFilters {
  status?: string;
  datasetVersion?: string;
  archived?: boolean;
  name?: string;
  page: number;
  pageSize: number;
}

export interface ExperimentProgressView {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  queued: number;
  cancelled: number;
  stagesTotal: number;
  /** Finished before this experiment started: reused from an earlier experiment. */
  stagesCached: number;
  /** Finished since this experiment started (trained for it, or shared with one in flight). */
  stagesTrained: number;
  stagesRunning: number;
  stagesFailed: number;
}

export interface ExperimentItem {
  id: string;
  name: string;
  status: string;
  mode: string;
  createdAt: Date;
  finishedAt: Date | null;
  datasetVersionId: string | null;
  datasetVersionIds: string[];
  archived: boolean;
  parentExperimentId: string | null;
  progress: ExperimentProgressView;
  elapsedSeconds: number;
  /** Time left at the pace so far; 0 once finished, null before the first run ends. */
  etaSeconds: number | null;
}

type ExperimentRow = Prisma.ExperimentGetPayload<object>;

const ACTIVE = new Set<string>([EXPERIMENT_STATUS.queued, EXPERIMENT_STATUS.running]);

export function isActiveStatus(status: string): boolean {
  return ACTIVE.has(status);
}

/** A page of experiments, newest first, with progress from their run and stage rows. */
export async function listExperiments(db: Database, filters: ExperimentFilters) {
  const where: Prisma.ExperimentWhereInput = { archived: filters.archived ?? false };
  if (filters.status) where.status = filters.status;
  if (filters.name) where.name = { contains: filters.name, mode: 'insensitive' };
  if (filters.datasetVersion) {
    where.OR = [
      { datasetVersionId: filters.datasetVersion },
      { runs: { some: { datasetVersionId: filters.datasetVersion } } },
    ];
  }

  const [total, rows] = await Promise.all([
    db.experiment.count({ where }),
    db.experiment.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (filters.page - 1) * filters.pageSize,
      take: filters.pageSize,
    }),
  ]);
  const items = await experimentItems(db, rows);
  return { items, page: filters.page, pageSize: filters.pageSize, total };
}

/** One experiment as the list shows it (status and progress). */
export async function experimentItem(db: Database, experimentId: string) {
  const experiment = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', experimentId);
  const [item] = await experimentItems(db, [experiment]);
  return item!;
}

/** One experiment with its spec, runs and stage summary. */
export async function describeExperiment(db: Database, experimentId: string) {
  const experiment = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', experimentId);

  const [item] = await experimentItems(db, [experiment]);
  const runs = await db.run.findMany({
    where: { experimentId },
    orderBy: [{ caseName: 'asc' }, { encoder: 'asc' }, { seed: 'asc' }],
  });
  const stageRows = await db.stage.findMany({
    where: { key: { in: distinct(runs.flatMap((run) => run.stageKeys)) } },
    select: { status: true, durationSeconds: true, gpuSeconds: true },
  });

  return {
    ...item!,
    spec: experiment.spec,
    codeVersion: experiment.codeVersion,
    workflowId: experiment.workflowId,
    runs: runs.map((run) => ({
      id: run.id,
      runKey: run.runKey,
      caseName: run.caseName,
      encoder: run.encoder,
      seed: run.seed,
      axes: run.axes,
      status: run.status,
      error: run.error,
      datasetVersionId: run.datasetVersionId,
      microF1: run.microF1,
      macroF1: run.macroF1,
      minorityMacroF1: run.minorityMacroF1,
      majorityMacroF1: run.majorityMacroF1,
      gpuSeconds: run.gpuSeconds,
    })),
    stages: {
      total: item!.progress.stagesTotal,
      cached: item!.progress.stagesCached,
      trained: item!.progress.stagesTrained,
      running: item!.progress.stagesRunning,
      failed: item!.progress.stagesFailed,
      durationSeconds: sum(stageRows.map((stage) => stage.durationSeconds ?? 0)),
      gpuSeconds: sum(stageRows.map((stage) => stage.gpuSeconds ?? 0)),
    },
  };
}

async function experimentItems(db: Database, rows: ExperimentRow[]): Promise<ExperimentItem[]> {
  const ids = rows.map((row) => row.id);
  const [counts, runs] = await Promise.all([
    db.run.groupBy({
      by: ['experimentId', 'status'],
      where: { experimentId: { in: ids } },
      _count: { _all: true },
    }),
    db.run.findMany({
      where: { experimentId: { in: ids } },
      select: { experimentId: true, stageKeys: true, datasetVersionId: true },
    }),
  ]);
  const stages = await db.stage.findMany({
    where: { key: { in: distinct(runs.flatMap((run) => run.stageKeys)) } },
    select: { key: true, status: true, finishedAt: true },
  });
  const stageByKey = new Map(stages.map((stage) => [stage.key, stage]));

  return rows.map((row) => {
    const own = runs.filter((run) => run.experimentId === row.id);
    const runCounts = counts.filter((count) => count.experimentId === row.id);
    const keys = distinct(own.flatMap((run) => run.stageKeys));
    const progress = progressOf(runCounts, keys, stageByKey, row.createdAt);
    return itemOf(row, progress, distinct(own.map((run) => run.datasetVersionId)));
  });
}

function progressOf(
  counts: { status: string; _count: { _all: number } }[],
  stageKeys: string[],
  stageByKey: Map<string, { status: string; finishedAt: Date | null }>,
  createdAt: Date,
): ExperimentProgressView {
  const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
  const stages = stageKeys.flatMap((key) => stageByKey.get(key) ?? []);
  const succeeded = stages.filter((stage) => stage.status === STAGE_STATUS.succeeded);
  const cached = succeeded.filter(
    (stage) => stage.finishedAt !== null && stage.finishedAt.getTime() < createdAt.getTime(),
  ).length;

  return {
    total: sum(counts.map((row) => row._count._all)),
    succeeded: count(RUN_STATUS.succeeded),
    failed: count(RUN_STATUS.failed),
    running: count(RUN_STATUS.running),
    queued: count(RUN_STATUS.queued),
    cancelled: count(RUN_STATUS.cancelled),
    stagesTotal: stageKeys.length,
    stagesCached: cached,
    stagesTrained: succeeded.length - cached,
    stagesRunning: stages.filter((stage) => stage.status === STAGE_STATUS.running).length,
    stagesFailed: stages.filter((stage) => stage.status === STAGE_STATUS.failed).length,
  };
}

function itemOf(
  row: ExperimentRow,
  progress: ExperimentProgressView,
  datasetVersionIds: string[],
): ExperimentItem {
  const end = row.finishedAt ?? new Date();
  const elapsedSeconds = Math.max(0, (end.getTime() - row.createdAt.getTime()) / 1000);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    mode: row.mode,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    datasetVersionId: row.datasetVersionId,
    datasetVersionIds,
    archived: row.archived,
    parentExperimentId: row.parentExperimentId,
    progress,
    elapsedSeconds: Math.round(elapsedSeconds),
    etaSeconds: etaOf(row.status, progress, elapsedSeconds),
  };
}

/** Remaining runs at the pace of the finished ones. */
function etaOf(status: string, progress: ExperimentProgressView, elapsed: number): number | null {
  if (!isActiveStatus(status)) return 0;
  const done = progress.succeeded + progress.failed + progress.cancelled;
  if (done === 0) return null;
  return Math.round((elapsed / done) * (progress.total - done));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
