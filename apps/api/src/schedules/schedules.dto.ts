import { z } from 'zod';

import { DatasetSettingsSchema } from '@ttpgrid/dataset';

import { defineOperation } from '../common/operation';
import { errorResponses } from '../common/schemas';

export const DataWatchBody = z
  .strictObject({
    /** Seconds between checks of the data sources (10 s to 30 days). */
    intervalSeconds: z
      .int()
      .min(10)
      .max(30 * 24 * 3600)
      .default(3600),
    /** Dataset settings whose input files are watched; default: the default settings. */
    sources: z.array(DatasetSettingsSchema.prefault({})).min(1).max(20).optional(),
    paused: z.boolean().default(false),
  })
  .default({ intervalSeconds: 3600, paused: false });

const ScheduleSchema = z.object({
  scheduleId: z.string(),
  intervalSeconds: z.number().nullable(),
  paused: z.boolean(),
  taskQueue: z.string().nullable(),
  input: z.unknown(),
  actions: z.int(),
  recentActions: z.array(
    z.object({ scheduledAt: z.iso.datetime(), takenAt: z.iso.datetime(), workflowId: z.string() }),
  ),
  nextActionTimes: z.array(z.iso.datetime()),
});

const TAG = 'schedules';

export const upsertDataWatchOp = defineOperation({
  id: 'upsertDataWatch',
  method: 'post',
  path: '/api/schedules/data-watch',
  tag: TAG,
  access: 'write',
  summary: 'Create or update the data-watch Temporal Schedule',
  description:
    'Periodically hashes the input files of the watched dataset settings; a new content hash ' +
    'registers the new dataset version, and experiments with `subscribe: true` in their spec ' +
    'are re-run on it (unchanged stages reused).',
  body: DataWatchBody,
  responses: {
    200: {
      description: 'the schedule',
      schema: z.object({ scheduleId: z.string(), created: z.boolean() }),
    },
    ...errorResponses(400, 401, 403, 503),
  },
});

export const describeDataWatchOp = defineOperation({
  id: 'describeDataWatch',
  method: 'get',
  path: '/api/schedules/data-watch',
  tag: TAG,
  access: 'read',
  summary: 'The data-watch schedule and its recent checks',
  responses: {
    200: { description: 'the schedule', schema: ScheduleSchema },
    ...errorResponses(401, 403, 404),
  },
});

export const triggerDataWatchOp = defineOperation({
  id: 'triggerDataWatch',
  method: 'post',
  path: '/api/schedules/data-watch/trigger',
  tag: TAG,
  access: 'write',
  summary: 'Check the data sources now',
  responses: {
    202: {
      description: 'a check was started',
      schema: z.object({ scheduleId: z.string(), triggered: z.boolean() }),
    },
    ...errorResponses(401, 403, 404),
  },
});

export const deleteDataWatchOp = defineOperation({
  id: 'deleteDataWatch',
  method: 'delete',
  path: '/api/schedules/data-watch',
  tag: TAG,
  access: 'write',
  summary: 'Delete the data-watch schedule',
  responses: {
    200: {
      description: 'deleted',
      schema: z.object({ scheduleId: z.string(), deleted: z.boolean() }),
    },
    ...errorResponses(401, 403, 404),
  },
});

export const SCHEDULE_OPERATIONS = [
  upsertDataWatchOp,
  describeDataWatchOp,
  triggerDataWatchOp,
  deleteDataWatchOp,
];
