import { z } from 'zod';

import { REPORT_FORMATS } from '@ttpgrid/classifier';

import { defineOperation } from '../common/operation';
import { errorResponses, IdParams, RecordId } from '../common/schemas';
import { REPORT_MEDIA_TYPES } from './report-body.middleware';

export const DeployBody = z.strictObject({
  experimentId: RecordId,
  /** Deploy this run instead of the experiment's best run by dev Macro-F1. */
  runId: RecordId.optional(),
  /** Negative sentences used at most for calibration and measurement (default: all). */
  negativesLimit: z.int().min(2).max(10_000_000).optional(),
});

const TOP_K_MAX = 20;

/** Options of a classification; in the JSON body, or in the query for a raw text body. */
const classifyOptionFields = {
  format: z.enum(REPORT_FORMATS).optional(),
  modelId: RecordId.optional(),
  topK: z.int().min(1).max(TOP_K_MAX).optional(),
  threshold: z.number().min(0).max(1).optional(),
  /** Names the report in the Navigator layer. */
  title: z.string().min(1).max(200).optional(),
};

export const ClassifyBody = z.strictObject({
  text: z.string().refine((text) => text.trim() !== '', 'the report is empty'),
  ...classifyOptionFields,
});

/** The same options as query parameters (coerced from text); JSON body fields win. */
export const ClassifyQuery = z.strictObject({
  format: classifyOptionFields.format,
  modelId: classifyOptionFields.modelId,
  topK: z.coerce.number().int().min(1).max(TOP_K_MAX).optional(),
  threshold: z.coerce.number().min(0).max(1).optional(),
  title: classifyOptionFields.title,
});

export type ClassifyRequest = z.output<typeof ClassifyBody>;

const Scores = z.object({ sentences: z.int(), microF1: z.number(), macroF1: z.number() });

export const DeploymentStartedSchema = z.object({
  workflowId: z.string(),
  experimentId: z.string(),
  runId: z.string().nullable(),
  negativesLimit: z.int().nullable(),
});

export const DeploymentStatusSchema = z.object({
  workflowId: z.string(),
  status: z.string(),
  modelId: z.string().nullable(),
  error: z.string().nullable(),
});

export const ModelSummarySchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  active: z.boolean(),
  experimentId: z.string(),
  experimentName: z.string(),
  runId: z.string(),
  caseName: z.string(),
  encoder: z.string(),
  seed: z.int(),
  datasetVersionId: z.string(),
  attackVersion: z.string(),
  threshold: z.number(),
  negativeShare: z.number(),
  test: Scores,
  ood: Scores.nullable(),
});

export const ModelDetailSchema = ModelSummarySchema.extend({
  provenance: z.record(z.string(), z.unknown()),
  evaluation: z.array(
    Scores.extend({ set: z.enum(['dev', 'test', 'ood']), inDistribution: z.boolean() }),
  ),
  metrics: z.record(z.string(), z.unknown()),
  calibration: z.record(z.string(), z.unknown()),
  techniques: z.array(z.object({ id: z.string(), name: z.string() })),
});

const TechniqueScore = z.object({ id: z.string(), name: z.string(), probability: z.number() });

export const ClassificationSchema = z.object({
  model: z.object({
    manifestKey: z.string(),
    modelId: z.string().optional(),
    attackVersion: z.string().optional(),
    techniqueCount: z.int(),
    maxLength: z.int().optional(),
  }),
  format: z.enum(REPORT_FORMATS),
  topK: z.int(),
  threshold: z.number(),
  sentences: z.array(
    z.object({ index: z.int(), text: z.string(), techniques: z.array(TechniqueScore) }),
  ),
  summary: z.object({
    sentences: z.int(),
    sentencesWithTechniques: z.int(),
    truncatedSentences: z.int(),
    techniques: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        maxProbability: z.number(),
        sentenceCount: z.int(),
        sentences: z.array(z.object({ index: z.int(), text: z.string(), probability: z.number() })),
      }),
    ),
  }),
});

const TAG = 'models';

export const deployModelOp = defineOperation({
  id: 'deployModel',
  method: 'post',
  path: '/api/models',
  tag: TAG,
  access: 'write',
  summary: "Deploy an experiment's best run (by dev Macro-F1) or a named run as the served model",
  description:
    'Starts the deploy workflow: ONNX export, dev/test/OOD evaluation, threshold calibration on ' +
    'dev plus negatives. Follow it at `/api/models/deployments/{workflowId}`; the new model ' +
    'becomes the active one.',
  body: DeployBody,
  responses: {
    202: { description: 'deployment started', schema: DeploymentStartedSchema },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export const deploymentStatusOp = defineOperation({
  id: 'deploymentStatus',
  method: 'get',
  path: '/api/models/deployments/:id',
  tag: TAG,
  access: 'read',
  summary: 'A deploy workflow: running, succeeded (with the model ID) or failed (with why)',
  params: IdParams,
  responses: {
    200: { description: 'the deployment', schema: DeploymentStatusSchema },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const listModelsOp = defineOperation({
  id: 'listModels',
  method: 'get',
  path: '/api/models',
  tag: TAG,
  access: 'read',
  summary: 'Deployed models, newest first',
  query: z.strictObject({}),
  responses: {
    200: { description: 'models', schema: z.object({ items: z.array(ModelSummarySchema) }) },
    ...errorResponses(400, 401, 403),
  },
});

export const getModelOp = defineOperation({
  id: 'getModel',
  method: 'get',
  path: '/api/models/:id',
  tag: TAG,
  access: 'read',
  summary: 'One deployed model: provenance, dev/test/OOD figures, calibration, negative share',
  params: IdParams,
  responses: {
    200: { description: 'the model', schema: ModelDetailSchema },
    ...errorResponses(400, 401, 403, 404),
  },
});

const classifyDescription =
  'The report comes as JSON `{text, format?, modelId?, topK?, threshold?, title?}` or as a raw ' +
  'text/plain, text/markdown or text/html body (options then in the query). Markup is removed ' +
  'and the text split into sentences; each sentence lists its top-k techniques at or above the ' +
  "threshold (default: the model's calibrated one). Without `modelId` the active model answers.";

export const classifyOp = defineOperation({
  id: 'classifyReport',
  method: 'post',
  path: '/api/classify',
  tag: TAG,
  access: 'read',
  summary: 'Classify a threat report: techniques per sentence and a per-report summary',
  description: classifyDescription,
  query: ClassifyQuery,
  body: ClassifyBody,
  bodyContentTypes: REPORT_MEDIA_TYPES,
  responses: {
    200: { description: 'the classification', schema: ClassificationSchema },
    ...errorResponses(400, 401, 403, 404, 413, 415),
  },
});

export const classifyNavigatorOp = defineOperation({
  id: 'classifyNavigatorLayer',
  method: 'post',
  path: '/api/classify/navigator',
  tag: TAG,
  access: 'read',
  summary: 'The same classification as an ATT&CK Navigator layer (format 4.5), as a download',
  description: classifyDescription,
  query: ClassifyQuery,
  body: ClassifyBody,
  bodyContentTypes: REPORT_MEDIA_TYPES,
  responses: {
    200: { description: 'the layer JSON (Content-Disposition: attachment)' },
    ...errorResponses(400, 401, 403, 404, 413, 415),
  },
});

/** For the OpenAPI document (docs/openapi.ts lists each feature's operations). */
export const MODEL_OPERATIONS = [
  deployModelOp,
  deploymentStatusOp,
  listModelsOp,
  getModelOp,
  classifyOp,
  classifyNavigatorOp,
];
