import { z } from 'zod';

import { EXPERIMENT_STATUS } from '@ttpgrid/orchestration';

import { defineOperation } from '../common/operation';
import { DatasetVersionId, errorResponses, IdempotencyKey, IdParams } from '../common/schemas';

const STATUSES = Object.values(EXPERIMENT_STATUS) as [string, ...string[]];

export const SubmitBody = z.strictObject({
  /** YAML or JSON text, or the spec as an object. */
  spec: z.union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())]),
  idempotencyKey: IdempotencyKey.optional(),
});

export const ListQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  datasetVersion: DatasetVersionId.optional(),
  archived: z.stringbool().default(false),
  name: z.string().min(1).max(200).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const RerunBody = z
  .strictObject({
    /** Dataset settings merged into the spec's, e.g. `{auxiliary: {attackVersion: 'v15.1'}}`. */
    dataset: z.record(z.string(), z.unknown()).optional(),
    idempotencyKey: IdempotencyKey.optional(),
  })
  .default({});

export const ArchiveBody = z.strictObject({ archived: z.boolean().default(true) }).default({
  archived: true,
});

export const EventsQuery = z.strictObject({ access_token: z.string().max(500).optional() });

export const ProgressSchema = z.object({
  total: z.int(),
  succeeded: z.int(),
  failed: z.int(),
  running: z.int(),
  queued: z.int(),
  cancelled: z.int(),
  stagesTotal: z.int(),
  stagesCached: z.int(),
  stagesTrained: z.int(),
  stagesRunning: z.int(),
  stagesFailed: z.int(),
});

export const ExperimentItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(STATUSES),
  mode: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  datasetVersionId: z.string().nullable(),
  datasetVersionIds: z.array(z.string()),
  archived: z.boolean(),
  parentExperimentId: z.string().nullable(),
  progress: ProgressSchema,
  elapsedSeconds: z.number(),
  etaSeconds: z.number().nullable(),
});

export const ExperimentPageSchema = z.object({
  items: z.array(ExperimentItemSchema),
  page: z.int(),
  pageSize: z.int(),
  total: z.int(),
});

export const RunSummarySchema = z.object({
  id: z.string(),
  runKey: z.string(),
  caseName: z.string(),
  encoder: z.string(),
  seed: z.int(),
  axes: z.record(z.string(), z.union([z.string(), z.number()])),
  status: z.string(),
  error: z.string().nullable(),
  datasetVersionId: z.string(),
  microF1: z.number().nullable(),
  macroF1: z.number().nullable(),
  minorityMacroF1: z.number().nullable(),
  majorityMacroF1: z.number().nullable(),
});

export const ExperimentDetailSchema = ExperimentItemSchema.extend({
  spec: z.record(z.string(), z.unknown()),
  codeVersion: z.string(),
  workflowId: z.string(),
  runs: z.array(RunSummarySchema),
  stages: z.object({
    total: z.int(),
    cached: z.int(),
    trained: z.int(),
    running: z.int(),
    failed: z.int(),
    durationSeconds: z.number(),
    gpuSeconds: z.number(),
  }),
});

export const SubmissionSchema = z.object({
  experimentId: z.string(),
  created: z.boolean(),
  runs: z.int(),
  stages: z.int(),
  cachedStages: z.int(),
  datasetVersions: z.array(z.string()),
  parentExperimentId: z.string().optional(),
});

const TAG = 'experiments';

export const submitExperimentOp = defineOperation({
  id: 'submitExperiment',
  method: 'post',
  path: '/api/experiments',
  tag: TAG,
  access: 'write',
  summary: 'Submit a grid spec',
  description:
    'Validates the spec (every problem listed by path), prepares and registers its datasets, ' +
    'and starts the experiment workflow. An idempotency key (body field or `Idempotency-Key` ' +
    'header) makes a repeated submission return the first experiment with 200.',
  body: SubmitBody,
  responses: {
    201: { description: 'experiment created', schema: SubmissionSchema },
    200: {
      description: 'repeated idempotency key: the existing experiment',
      schema: SubmissionSchema,
    },
    ...errorResponses(400, 401, 403, 413, 422),
  },
});

export const listExperimentsOp = defineOperation({
  id: 'listExperiments',
  method: 'get',
  path: '/api/experiments',
  tag: TAG,
  access: 'read',
  summary: 'List experiments, newest first, with progress',
  query: ListQuery,
  responses: {
    200: { description: 'a page of experiments', schema: ExperimentPageSchema },
    ...errorResponses(400, 401, 403),
  },
});

export const getExperimentOp = defineOperation({
  id: 'getExperiment',
  method: 'get',
  path: '/api/experiments/:id',
  tag: TAG,
  access: 'read',
  summary: 'One experiment: status, spec, runs and stage summary',
  params: IdParams,
  responses: {
    200: { description: 'the experiment', schema: ExperimentDetailSchema },
    ...errorResponses(400, 401, 403, 404),
  },
});

const ControlSchema = z.object({ experimentId: z.string(), status: z.string() });

export const cancelExperimentOp = defineOperation({
  id: 'cancelExperiment',
  method: 'post',
  path: '/api/experiments/:id/cancel',
  tag: TAG,
  access: 'write',
  summary: 'Cancel a running experiment (stages other experiments need keep training)',
  params: IdParams,
  responses: {
    202: {
      description: 'cancelling, or the final status if already finished',
      schema: ControlSchema,
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const retryFailedOp = defineOperation({
  id: 'retryFailedRuns',
  method: 'post',
  path: '/api/experiments/:id/retry-failed',
  tag: TAG,
  access: 'write',
  summary: 'Retry the failed and cancelled runs; finished stages are reused',
  params: IdParams,
  responses: {
    202: {
      description: 'runs queued again',
      schema: z.object({ experimentId: z.string(), retried: z.int() }),
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const archiveExperimentOp = defineOperation({
  id: 'archiveExperiment',
  method: 'post',
  path: '/api/experiments/:id/archive',
  tag: TAG,
  access: 'write',
  summary: 'Hide a finished experiment from lists and leaderboards (deletes nothing)',
  params: IdParams,
  body: ArchiveBody,
  responses: {
    200: {
      description: 'archived (or restored with `{archived: false}`)',
      schema: z.object({ experimentId: z.string(), archived: z.boolean() }),
    },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export const rerunExperimentOp = defineOperation({
  id: 'rerunExperiment',
  method: 'post',
  path: '/api/experiments/:id/rerun',
  tag: TAG,
  access: 'write',
  summary: 'Re-run the grid on another dataset version, reusing unchanged stages',
  params: IdParams,
  body: RerunBody,
  responses: {
    201: { description: 'the new experiment', schema: SubmissionSchema },
    200: { description: 'repeated idempotency key', schema: SubmissionSchema },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

export const experimentEventsOp = defineOperation({
  id: 'experimentEvents',
  method: 'get',
  path: '/api/experiments/:id/events',
  tag: TAG,
  access: 'read',
  summary: 'Server-sent progress events until the experiment ends',
  description:
    '`event: progress` with the experiment item every ~2 s, then `event: end`. EventSource ' +
    'cannot send headers: where a read token is needed, pass it as `?access_token=`.',
  params: IdParams,
  query: EventsQuery,
  responses: {
    200: { description: 'an event stream', contentType: 'text/event-stream' },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const EXPERIMENT_OPERATIONS = [
  submitExperimentOp,
  listExperimentsOp,
  getExperimentOp,
  cancelExperimentOp,
  retryFailedOp,
  archiveExperimentOp,
  rerunExperimentOp,
  experimentEventsOp,
];
