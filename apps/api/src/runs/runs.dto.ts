import { defineOperation } from '../common/operation';
import { errorResponses, IdParams } from '../common/schemas';

export const runDetailOp = defineOperation({
  id: 'runDetail',
  method: 'get',
  path: '/api/runs/:id',
  tag: 'runs',
  access: 'read',
  summary: 'One run: per-class metrics, confusions, misclassified sentences, stages, selections',
  description:
    'Confusion pairs are off-diagonal only, largest first. Misclassified test sentences come ' +
    'from the predictions artifact aligned with the test split by index. Each stage has its dev ' +
    'curve, timings, attempts, device and whether it was reused from an earlier experiment; ' +
    'selections list the auxiliary sentences chosen per minority class with their scores.',
  params: IdParams,
  responses: {
    200: { description: 'the run' },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const RUN_OPERATIONS = [runDetailOp];
