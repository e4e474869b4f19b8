import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Client } from '@temporalio/client';

import type { TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';
import { STAGE_STATUS } from '@ttpgrid/orchestration';
import {
  createMetrics,
  renderMetrics,
  startStatusUpdater,
  type FinishedStage,
  type StatusCounts,
  type StatusUpdater,
  type TtpgridMetrics,
} from '@ttpgrid/telemetry';

import type { ApiOptions } from '../options';
import { API_CONFIG, API_OPTIONS, DATABASE, TEMPORAL_CLIENT } from '../tokens';

/** A scrape must not hang on a Temporal server that does not answer. */
const TEMPORAL_TIMEOUT_MS = 3000;

const FINAL_STAGE_STATUSES = [STAGE_STATUS.succeeded, STAGE_STATUS.failed, STAGE_STATUS.cancelled];

/**
 * The API's registry (@ttpgrid/telemetry): gauges from Postgres, the stage histogram and
 * GPU-seconds, and the task-queue backlog, refreshed on each scrape rather than on a timer.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly metrics: TtpgridMetrics;
  private readonly updater: StatusUpdater;

  constructor(
    @Inject(API_CONFIG) config: TtpgridConfig,
    @Inject(API_OPTIONS) options: ApiOptions,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) client: Client,
  ) {
    this.metrics = createMetrics({ defaultLabels: { service: 'api' } });
    this.updater = startStatusUpdater({
      metrics: this.metrics,
      fetchCounts: () => this.statusCounts(),
      fetchFinishedStages: (since) => this.finishedStages(since),
      finishedSince: options.metricsFinishedSince,
      backlog: {
        describer: {
          describeTaskQueue: (request) =>
            withTimeout(client.workflowService.describeTaskQueue(request), TEMPORAL_TIMEOUT_MS),
        },
        namespace: config.temporalNamespace,
        taskQueues: [config.cpuTaskQueue, config.trainerTaskQueue],
      },
      intervalMs: 0,
    });
  }

  async scrape() {
    await this.updater.refresh();
    return renderMetrics(this.metrics.registry);
  }

  async onModuleDestroy() {
    await this.updater.stop();
  }

  private async statusCounts(): Promise<StatusCounts> {
    const [experiments, stages] = await Promise.all([
      this.db.experiment.groupBy({ by: ['status'], _count: { _all: true } }),
      this.db.stage.groupBy({ by: ['status'], _count: { _all: true } }),
    ]);
    const asRecord = (rows: { status: string; _count: { _all: number } }[]) =>
      Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
    return { experiments: asRecord(experiments), stages: asRecord(stages) };
  }

  private async finishedStages(since: Date): Promise<FinishedStage[]> {
    const rows = await this.db.stage.findMany({
      where: { finishedAt: { gte: since }, status: { in: FINAL_STAGE_STATUSES } },
      select: {
        key: true,
        encoder: true,
        mode: true,
        status: true,
        finishedAt: true,
        durationSeconds: true,
        gpuSeconds: true,
      },
    });
    return rows.flatMap((row) => (row.finishedAt ? [{ ...row, finishedAt: row.finishedAt }] : []));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
