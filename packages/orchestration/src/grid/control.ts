import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';

import type { TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';

import { cancelSignal, retryFailedSignal, progressQuery } from './workflows';
import {
  EXPERIMENT_STATUS,
  experimentWorkflowId,
  RUN_STATUS,
  type ExperimentProgress,
} from './types';

/**
 * Sends the cancel signal straight to an experiment's workflow, without the database (which may
 * already be stopping); the workflow records it and finishes cancelling when it next runs.
 */
export async function signalCancel(client: Client, experimentId: string) {
  await client.workflow.getHandle(experimentWorkflowId(experimentId)).signal(cancelSignal);
}

/** Cancels a running experiment; stages that other experiments still need keep training. */
export async function cancelExperiment(client: Client, db: Database, experimentId: string) {
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  if (!isActive(experiment.status)) return experiment.status;

  await client.workflow.getHandle(experiment.workflowId).signal(cancelSignal);
  return 'cancelling';
}

/**
 * Retries the failed runs: a running experiment re-queues them by signal; a finished one starts
 * a new execution of its workflow limited to those runs. Finished stages are reused.
 */
export async function retryFailedRuns(
  client: Client,
  db: Database,
  config: TtpgridConfig,
  experimentId: string,
) {
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const failed = await db.run.findMany({
    where: { experimentId, status: { in: [RUN_STATUS.failed, RUN_STATUS.cancelled] } },
    select: { runKey: true, id: true },
  });
  if (failed.length === 0) return { retried: 0 };

  await db.run.updateMany({
    where: { id: { in: failed.map((run) => run.id) } },
    data: { status: RUN_STATUS.queued, error: null },
  });
  if (isActive(experiment.status)) {
    await client.workflow.getHandle(experiment.workflowId).signal(retryFailedSignal);
    return { retried: failed.length };
  }

  await db.experiment.update({
    where: { id: experimentId },
    data: { status: EXPERIMENT_STATUS.queued, finishedAt: null },
  });
  await client.workflow.start('experimentWorkflow', {
    taskQueue: config.cpuTaskQueue,
    workflowId: experimentWorkflowId(experimentId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [
      {
        experimentId,
        trainerTaskQueue: config.trainerTaskQueue,
        onlyRunKeys: failed.map((run) => run.runKey),
      },
    ],
  });
  return { retried: failed.length };
}

/** Live progress from the workflow while it runs, else from the run rows. */
export async function experimentProgress(
  client: Client,
  db: Database,
  experimentId: string,
): Promise<ExperimentProgress & { status: string }> {
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const counts = await db.run.groupBy({
    by: ['status'],
    where: { experimentId },
    _count: { _all: true },
  });
  const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
  const fromRows: ExperimentProgress = {
    total: counts.reduce((sum, row) => sum + row._count._all, 0),
    succeeded: count(RUN_STATUS.succeeded),
    failed: count(RUN_STATUS.failed),
    cancelled: count(RUN_STATUS.cancelled),
    running: count(RUN_STATUS.running),
    queued: count(RUN_STATUS.queued),
    stagesCached: 0,
    stagesTrained: 0,
  };
  if (!isActive(experiment.status)) {
    const final = (experiment.progress ?? {}) as Partial<ExperimentProgress>;
    return {
      ...fromRows,
      stagesCached: final.stagesCached ?? 0,
      stagesTrained: final.stagesTrained ?? 0,
      status: experiment.status,
    };
  }

  const live = await client.workflow
    .getHandle(experiment.workflowId)
    .query(progressQuery)
    .catch(() => null);
  return {
    ...fromRows,
    stagesCached: live?.stagesCached ?? 0,
    stagesTrained: live?.stagesTrained ?? 0,
    status: experiment.status,
  };
}

function isActive(status: string): boolean {
  return status === EXPERIMENT_STATUS.queued || status === EXPERIMENT_STATUS.running;
}
