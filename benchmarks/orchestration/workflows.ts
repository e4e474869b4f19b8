// Workflow code of the benchmark's own worker: deterministic, no Node built-ins, no I/O.
import { proxyActivities } from '@temporalio/workflow';

import type { NoopStageActivities } from './activities';

const { noopTrainStage, recordNoopStage } = proxyActivities<NoopStageActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** One no-op stage: the training stand-in, then the upsert of its `Stage` row. */
export async function noopStageWorkflow(key: string): Promise<string> {
  await noopTrainStage(key);
  await recordNoopStage(key);
  return key;
}
