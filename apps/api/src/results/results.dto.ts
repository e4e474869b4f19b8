import { z } from 'zod';

import { defineOperation } from '../common/operation';
import { DatasetVersionId, errorResponses, IdParams, Interval, RecordId } from '../common/schemas';

export const TableQuery = z.strictObject({
  metric: z.enum(['micro', 'macro']).optional(),
  format: z.enum(['markdown', 'csv', 'latex', 'json']).default('markdown'),
  std: z.stringbool().default(true),
});

export const LeaderboardQuery = z.strictObject({
  experiment: RecordId.optional(),
  datasetVersion: DatasetVersionId.optional(),
  encoder: z.string().min(1).max(200).optional(),
  case: z.string().min(1).max(200).optional(),
  mode: z.enum(['finetune', 'probe']).optional(),
});

export const CompareQuery = z.strictObject({
  a: RecordId,
  b: RecordId,
  metric: z.enum(['micro', 'macro', 'minorityMacro']).optional(),
});

const Axes = z.record(z.string(), z.union([z.string(), z.number()]));
const Score = z.object({
  mean: z.number().nullable(),
  std: z.number().nullable(),
  ci: Interval.nullable(),
});

export const LeaderboardSchema = z.object({
  cells: z.array(
    z.object({
      experimentId: z.string(),
      experimentName: z.string(),
      datasetVersionId: z.string(),
      mode: z.string(),
      caseName: z.string(),
      encoder: z.string(),
      axes: Axes,
      n: z.int(),
      micro: Score,
      macro: Score,
      minorityMacro: z.object({ mean: z.number().nullable(), std: z.number().nullable() }),
      best: z.object({ micro: z.boolean(), macro: z.boolean() }),
      significant: z.object({ micro: z.boolean(), macro: z.boolean() }),
    }),
  ),
  comparisons: z.array(
    z.object({
      experimentId: z.string(),
      encoder: z.string(),
      axes: Axes,
      treatment: z.string(),
      baseline: z.string(),
      source: z.string(),
      metric: z.enum(['micro', 'macro']),
      difference: z.number().nullable(),
      ci: Interval.nullable(),
      pValue: z.number().nullable(),
      adjustedP: z.number().nullable(),
      significant: z.boolean(),
      bootstrap: z
        .object({
          difference: z.number(),
          ci: Interval,
          pValue: z.number(),
          adjustedP: z.number().nullable(),
          resamples: z.int(),
          sentences: z.int(),
        })
        .nullable()
        .describe('paired bootstrap over test sentences (seed-averaged scores), Holm-adjusted'),
    }),
  ),
});

const Side = z.object({ n: z.int(), mean: z.number().nullable(), std: z.number().nullable() });

export const CompareSchema = z.object({
  a: z.object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    datasetVersionIds: z.array(z.string()),
  }),
  b: z.object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    datasetVersionIds: z.array(z.string()),
  }),
  metrics: z.array(z.string()),
  cells: z.array(
    z.object({
      caseName: z.string(),
      encoder: z.string(),
      axes: Axes,
      metric: z.string(),
      a: Side,
      b: Side,
      difference: z.number().nullable(),
      ci: Interval.nullable(),
      pValue: z.number().nullable(),
      adjustedP: z.number().nullable(),
      significant: z.boolean(),
    }),
  ),
  onlyInA: z.array(z.object({ caseName: z.string(), encoder: z.string(), axes: Axes })),
  onlyInB: z.array(z.object({ caseName: z.string(), encoder: z.string(), axes: Axes })),
});

const TAG = 'results';

export const experimentTableOp = defineOperation({
  id: 'experimentTable',
  method: 'get',
  path: '/api/experiments/:id/table',
  tag: TAG,
  access: 'read',
  summary: "The experiment's result table in the layout of the paper's Table 3",
  description:
    'Rows are cases, a Micro and a Macro column per encoder (one metric with `metric=`), ' +
    'mean ± std over seeds, best per column marked, † where a case differs from P after Holm, ' +
    "pooled standard deviation, and the paper's values when the spec names them. " +
    '`format=json` gives the cells as data.',
  params: IdParams,
  query: TableQuery,
  responses: {
    200: { description: 'Markdown, CSV, LaTeX (text) or JSON', contentType: 'text/markdown' },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const leaderboardOp = defineOperation({
  id: 'leaderboard',
  method: 'get',
  path: '/api/leaderboard',
  tag: TAG,
  access: 'read',
  summary: 'Cells of every visible experiment with their marks and comparisons',
  query: LeaderboardQuery,
  responses: {
    200: { description: 'cells and comparisons', schema: LeaderboardSchema },
    ...errorResponses(400, 401, 403),
  },
});

export const experimentTechniquesOp = defineOperation({
  id: 'experimentTechniques',
  method: 'get',
  path: '/api/experiments/:id/techniques',
  tag: TAG,
  access: 'read',
  summary: 'Per-technique F1 by case (mean over seeds), minority flag and gain over P',
  params: IdParams,
  responses: {
    200: { description: 'techniques with one cell per case × encoder × axes' },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const compareOp = defineOperation({
  id: 'compareExperiments',
  method: 'get',
  path: '/api/compare',
  tag: TAG,
  access: 'read',
  summary: 'Two experiments cell by cell: b − a with Welch 95 % intervals, Holm-adjusted',
  query: CompareQuery,
  responses: {
    200: { description: 'the differences', schema: CompareSchema },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const RESULT_OPERATIONS = [
  experimentTableOp,
  leaderboardOp,
  experimentTechniquesOp,
  compareOp,
];
