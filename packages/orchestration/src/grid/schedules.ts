import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';

import { createLogger } from '@ttpgrid/config';

import type { DataWatchInput } from './data-watch-activities';

const log = createLogger('grid.schedules');

export const DATA_WATCH_SCHEDULE_ID = 'data-watch';

export interface DataWatchScheduleOptions {
  scheduleId?: string;
  /** Seconds between checks. */
  intervalSeconds: number;
  /** The CPU task queue, where the TypeScript worker runs the workflow. */
  taskQueue: string;
  input?: DataWatchInput;
  paused?: boolean;
}

export interface DataWatchScheduleView {
  scheduleId: string;
  intervalSeconds: number | null;
  paused: boolean;
  taskQueue: string | null;
  input: DataWatchInput | null;
  actions: number;
  recentActions: { scheduledAt: Date; takenAt: Date; workflowId: string }[];
  nextActionTimes: Date[];
}

/**
 * Creates the data-watch schedule, or updates it in place when it exists: every
 * `intervalSeconds` it starts `dataWatchWorkflow`; a check still running skips the next one.
 */
export async function upsertDataWatchSchedule(client: Client, options: DataWatchScheduleOptions) {
  const scheduleId = options.scheduleId ?? DATA_WATCH_SCHEDULE_ID;
  const definition = {
    spec: { intervals: [{ every: options.intervalSeconds * 1000 }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'dataWatchWorkflow',
      workflowId: `${scheduleId}-check`,
      taskQueue: options.taskQueue,
      args: [options.input ?? {}],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    state: { paused: options.paused ?? false },
  };

  try {
    await client.schedule.create({ scheduleId, ...definition });
    log.info('schedule created', { scheduleId, intervalSeconds: options.intervalSeconds });
    return { scheduleId, created: true };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }

  await client.schedule.getHandle(scheduleId).update((previous) => ({
    ...previous,
    ...definition,
    state: { ...previous.state, paused: definition.state.paused },
  }));
  log.info('schedule updated', { scheduleId, intervalSeconds: options.intervalSeconds });
  return { scheduleId, created: false };
}

/** Starts one check now, whatever the interval; null when the schedule does not exist. */
export async function triggerDataWatch(client: Client, scheduleId = DATA_WATCH_SCHEDULE_ID) {
  try {
    await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    return { scheduleId, triggered: true };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/** The schedule's definition and recent actions; null when it does not exist. */
export async function describeDataWatch(
  client: Client,
  scheduleId = DATA_WATCH_SCHEDULE_ID,
): Promise<DataWatchScheduleView | null> {
  let description: ScheduleDescription;
  try {
    description = await client.schedule.getHandle(scheduleId).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }

  const interval = description.spec.intervals?.[0]?.every;
  return {
    scheduleId,
    intervalSeconds: typeof interval === 'number' ? interval / 1000 : null,
    paused: description.state.paused,
    taskQueue: description.action.taskQueue ?? null,
    input: (description.action.args?.[0] as DataWatchInput | undefined) ?? null,
    actions: description.info.numActionsTaken,
    recentActions: description.info.recentActions.map((action) => ({
      scheduledAt: action.scheduledAt,
      takenAt: action.takenAt,
      workflowId: action.action.workflow.workflowId,
    })),
    nextActionTimes: description.info.nextActionTimes,
  };
}

/** Deletes the schedule; false when there was none. */
export async function deleteDataWatch(client: Client, scheduleId = DATA_WATCH_SCHEDULE_ID) {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}
