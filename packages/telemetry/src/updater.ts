import { createLogger } from '@ttpgrid/config';

import { refreshTaskQueueBacklog, type TaskQueueDescriber, type TaskQueueTarget } from './backlog';
import type { TtpgridMetrics } from './metrics';
import {
  FinishedStageWatermark,
  recordFinishedStage,
  recordStatusCounts,
  type FinishedStage,
  type StatusCounts,
} from './stages';

const log = createLogger('telemetry.updater');

export type FetchStatusCounts = () => Promise<StatusCounts>;
/** Stages with `finishedAt >= since`, any order. */
export type FetchFinishedStages = (since: Date) => Promise<FinishedStage[]>;

export interface StatusUpdaterOptions {
  metrics: TtpgridMetrics;
  /** Experiments and stages by status, e.g. two `groupBy({ by: ['status'] })` queries. */
  fetchCounts: FetchStatusCounts;
  /** Feeds the duration histogram and GPU-seconds; leave out where another process does. */
  fetchFinishedStages?: FetchFinishedStages;
  /** Counts stages finished at or after this time (default: when the updater starts). */
  finishedSince?: Date;
  /** Fills the backlog gauge from Temporal on every refresh. */
  backlog?: TaskQueueTarget & { describer: TaskQueueDescriber };
  /** Time between refreshes; 0 refreshes only when `refresh()` is called. Default 15 s. */
  intervalMs?: number;
}

export interface StatusUpdater {
  /** One refresh now, queued behind one in progress; never rejects (failures are logged). */
  refresh(): Promise<void>;
  /** Stops the timer and waits for a refresh in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps the Postgres-derived gauges, the stage histogram and the backlog fresh on a timer. The
 * timer does not keep the process alive; a failed source keeps its last values.
 */
export function startStatusUpdater(options: StatusUpdaterOptions): StatusUpdater {
  const watermark = new FinishedStageWatermark(options.finishedSince ?? new Date());
  const intervalMs = options.intervalMs ?? 15_000;
  let queue: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const refresh = () => {
    queue = queue.then(() => refreshOnce(options, watermark));
    return queue;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => void refresh().then(schedule), intervalMs);
    timer.unref();
  };

  void refresh().then(schedule);
  return {
    refresh,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await queue;
    },
  };
}

async function refreshOnce(options: StatusUpdaterOptions, watermark: FinishedStageWatermark) {
  await Promise.all([
    guarded('status counts', async () => {
      recordStatusCounts(options.metrics, await options.fetchCounts());
    }),
    guarded('finished stages', () => countFinishedStages(options, watermark)),
    guarded('task queue backlog', () => refreshBacklog(options)),
  ]);
}

async function countFinishedStages(
  options: StatusUpdaterOptions,
  watermark: FinishedStageWatermark,
) {
  if (!options.fetchFinishedStages) return;
  const stages = await options.fetchFinishedStages(watermark.since);
  for (const stage of watermark.accept(stages)) recordFinishedStage(options.metrics, stage);
}

const warnedMissingStats = new Set<string>();

async function refreshBacklog(options: StatusUpdaterOptions) {
  if (!options.backlog) return;
  const missing = await refreshTaskQueueBacklog(
    options.metrics,
    options.backlog.describer,
    options.backlog,
  );
  const fresh = missing.filter((queue) => !warnedMissingStats.has(queue));
  if (fresh.length > 0) {
    fresh.forEach((queue) => warnedMissingStats.add(queue));
    log.warn('temporal sent no task queue stats (server older than 1.25?)', { queues: fresh });
  }
}

async function guarded(source: string, update: () => Promise<void>) {
  try {
    await update();
  } catch (error) {
    log.warn('metrics source failed, keeping last values', { source, error });
  }
}
