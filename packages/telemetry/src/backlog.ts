import type { WorkflowService } from '@temporalio/client';

import type { TtpgridMetrics } from './metrics';

type DescribeTaskQueue = WorkflowService['describeTaskQueue'];
/** `temporal.api.workflowservice.v1.IDescribeTaskQueueRequest` */
export type DescribeTaskQueueRequest = Parameters<DescribeTaskQueue>[0];
/** The part of `DescribeTaskQueueResponse` the backlog gauge reads. */
export type DescribeTaskQueueStats = Pick<Awaited<ReturnType<DescribeTaskQueue>>, 'stats'>;

/**
 * What the backlog needs from Temporal: `client.workflowService` (Client or Connection) and
 * `nativeConnection.workflowService` (worker) both fit.
 */
export interface TaskQueueDescriber {
  describeTaskQueue(request: DescribeTaskQueueRequest): Promise<DescribeTaskQueueStats>;
}

/** `temporal.api.enums.v1.TaskQueueType` values, by the `task_type` label they get. */
export const TASK_QUEUE_TYPES = { workflow: 1, activity: 2 } as const;

export type TaskQueueKind = keyof typeof TASK_QUEUE_TYPES;

export interface TaskQueueTarget {
  namespace: string;
  taskQueues: string[];
}

/**
 * The approximate backlog from a `describeTaskQueue` response made with `reportStats: true`;
 * undefined when the server sent no stats (servers before 1.25 do not).
 */
export function backlogCountOf(response: DescribeTaskQueueStats): number | undefined {
  const count = response.stats?.approximateBacklogCount;
  if (count === null || count === undefined) {
    return response.stats ? 0 : undefined;
  }
  // int64 arrives as a Long (or a number, depending on the protobuf decoder).
  return typeof count === 'number' ? count : Number(count.toString());
}

/** Sets the backlog gauge of one queue and task type; returns false when stats were missing. */
export function recordTaskQueueBacklog(
  metrics: TtpgridMetrics,
  taskQueue: string,
  kind: TaskQueueKind,
  response: DescribeTaskQueueStats,
): boolean {
  const count = backlogCountOf(response);
  if (count === undefined) return false;
  metrics.taskQueueBacklog.set({ task_queue: taskQueue, task_type: kind }, count);
  return true;
}

/**
 * Describes every queue for workflow and activity tasks and records their backlogs. Returns the
 * `queue/kind` pairs the server reported no stats for.
 */
export async function refreshTaskQueueBacklog(
  metrics: TtpgridMetrics,
  describer: TaskQueueDescriber,
  target: TaskQueueTarget,
): Promise<string[]> {
  const requests = target.taskQueues.flatMap((taskQueue) =>
    (Object.keys(TASK_QUEUE_TYPES) as TaskQueueKind[]).map((kind) => ({ taskQueue, kind })),
  );

  const missing: string[] = [];
  await Promise.all(
    requests.map(async ({ taskQueue, kind }) => {
      const response = await describer.describeTaskQueue({
        namespace: target.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: TASK_QUEUE_TYPES[kind],
        reportStats: true,
      });
      if (!recordTaskQueueBacklog(metrics, taskQueue, kind, response)) {
        missing.push(`${taskQueue}/${kind}`);
      }
    }),
  );
  return missing;
}
