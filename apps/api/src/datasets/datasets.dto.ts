import { z } from 'zod';

import { DatasetSettingsSchema } from '@ttpgrid/dataset';

import { defineOperation } from '../common/operation';
import { errorResponses } from '../common/schemas';

export const RegisterDatasetBody = z.strictObject({
  /** Dataset settings (packages/dataset/README.md); defaults fill what is left out. */
  settings: DatasetSettingsSchema.prefault({}),
});

export const DatasetVersionSchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  label: z.string(),
  primarySource: z.string(),
  primarySha256: z.string(),
  labelAttackVersion: z.string(),
  auxAttackVersion: z.string(),
  sentences: z.int(),
  classes: z.int(),
  trainCount: z.int(),
  devCount: z.int(),
  testCount: z.int(),
  auxiliaryCount: z.int(),
  experiments: z.int(),
});

export const RegisteredDatasetSchema = z.object({
  version: z.string(),
  created: z.boolean(),
  label: z.string(),
  classes: z.int(),
  findings: z.int(),
  table2: z.record(z.string(), z.int()),
});

export const listDatasetsOp = defineOperation({
  id: 'listDatasets',
  method: 'get',
  path: '/api/datasets',
  tag: 'datasets',
  access: 'read',
  summary: 'Registered dataset versions, newest first',
  responses: {
    200: { description: 'dataset versions', schema: z.array(DatasetVersionSchema) },
    ...errorResponses(401, 403),
  },
});

export const registerDatasetOp = defineOperation({
  id: 'registerDataset',
  method: 'post',
  path: '/api/datasets',
  tag: 'datasets',
  access: 'write',
  summary: 'Prepare and register a dataset version (a new TRAM file or ATT&CK version)',
  description: 'Idempotent: the version is the hash of the input files and the settings.',
  body: RegisterDatasetBody,
  responses: {
    201: {
      description: 'registered (created: false when it existed)',
      schema: RegisteredDatasetSchema,
    },
    ...errorResponses(400, 401, 403, 413, 422),
  },
});

export const DATASET_OPERATIONS = [listDatasetsOp, registerDatasetOp];
