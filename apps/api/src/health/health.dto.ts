import { z } from 'zod';

import { defineOperation } from '../common/operation';

const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({ postgres: Check, temporal: Check }),
});

export const livenessOp = defineOperation({
  id: 'liveness',
  method: 'get',
  path: '/health',
  tag: 'health',
  access: 'public',
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
});

export const readinessOp = defineOperation({
  id: 'readiness',
  method: 'get',
  path: '/health/ready',
  tag: 'health',
  access: 'public',
  summary: 'Readiness: Postgres answers SELECT 1 and Temporal answers getSystemInfo',
  responses: {
    200: { description: 'ready', schema: Readiness },
    503: { description: 'a dependency failed; `checks` names it', schema: Readiness },
  },
});

export const HEALTH_OPERATIONS = [livenessOp, readinessOp];
