import { proxyActivities } from '@temporalio/workflow';

import type { TransformArtifactInput, TransformArtifactOutput } from '@ttpgrid/contracts';

import type { RoundTripActivities } from './activities';

export interface RoundTripInput {
  text: string;
  trainerTaskQueue: string;
}

export interface RoundTripResult {
  inputKey: string;
  outputKey: string;
  recordedBytes: number;
}

const local = proxyActivities<RoundTripActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/**
 * The smallest end-to-end path through both workers: TypeScript stores an artifact, the Python
 * trainer transforms it into a new artifact, TypeScript records the result in Postgres.
 */
export async function artifactRoundTripWorkflow(input: RoundTripInput): Promise<RoundTripResult> {
  const trainer = proxyActivities<{
    transformArtifact(request: TransformArtifactInput): Promise<TransformArtifactOutput>;
  }>({
    taskQueue: input.trainerTaskQueue,
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 3 },
  });

  const inputKey = await local.storeText(input.text);

  const transformed = await trainer.transformArtifact({
    contractVersion: 1,
    inputKey,
    transform: 'uppercase',
  });

  const recordedBytes = await local.recordArtifact(transformed.outputKey, 'roundtrip-output');
  return { inputKey, outputKey: transformed.outputKey, recordedBytes };
}
