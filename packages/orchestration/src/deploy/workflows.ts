import { log, proxyActivities, uuid4 } from '@temporalio/workflow';

import type {
  EvaluateInput,
  EvaluateOutput,
  ExportOnnxInput,
  ExportOnnxOutput,
} from '@ttpgrid/contracts';

import type { GridActivities } from '../grid/activities';
import type { DeployActivities } from './activities';
import type { DeployPlan, DeployResult, DeployWorkflowInput } from './types';

interface TrainerServingActivities {
  exportOnnx(input: ExportOnnxInput): Promise<ExportOnnxOutput>;
  evaluateCheckpoint(input: EvaluateInput): Promise<EvaluateOutput>;
}

type RecordActivities = DeployActivities &
  Pick<GridActivities, 'lookupPredictions' | 'recordPredictions'>;

const NON_RETRYABLE = ['BadSpec', 'EncoderUnavailable', 'ArtifactMissing', 'BadInput'];

// Database reads and writes and small artifacts: seconds.
const records = proxyActivities<RecordActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

// onnxruntime over every negative sentence on the worker's CPU takes minutes on two cores; the
// activity heartbeats after each batch of 64, so a dead worker is noticed within two minutes.
const calibrating = proxyActivities<DeployActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

// The trainer's export and evaluation do not heartbeat (only training does), so start-to-close
// alone bounds them: above a BERT-base export plus a thousand sentences on a slow shared CPU.
const TRAINER_SERVING_OPTIONS = {
  startToCloseTimeout: '1 hour',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
} as const;

function trainerServing(taskQueue: string) {
  return proxyActivities<TrainerServingActivities>({ ...TRAINER_SERVING_OPTIONS, taskQueue });
}

/**
 * Deploys an experiment's best run (by dev Macro-F1 of its final stage, never by test) or a
 * named run: keeps its weights, exports them to ONNX, evaluates them on dev, test and the
 * out-of-distribution set, calibrates the default threshold on dev plus negatives, and records
 * the model as the active one. Returns the new model's ID and figures.
 */
export async function deployModelWorkflow(input: DeployWorkflowInput): Promise<DeployResult> {
  const modelId = uuid4();
  const plan = await records.selectDeployRun(input.experimentId, input.runId ?? null);
  const trainer = trainerServing(input.trainerTaskQueue);

  const manifestKey = await exportModel(plan, trainer);
  const [dev, test, ood] = await Promise.all([
    predictionsOf(plan, plan.devKey, trainer),
    predictionsOf(plan, plan.testKey, trainer),
    plan.oodKey ? predictionsOf(plan, plan.oodKey, trainer) : Promise.resolve(null),
  ]);

  const calibration = await calibrating.calibrateDeployment({
    manifestKey,
    maxLength: plan.maxLength,
    devPredictionsKey: dev,
    negativesKey: plan.negativesKey,
    negativesLimit: input.negativesLimit ?? null,
  });
  const result = await records.registerDeployedModel({
    modelId,
    plan,
    manifestKey,
    predictions: { dev, test, ood },
    calibration,
  });

  log.info('model deployed', { modelId, runId: plan.runId, threshold: result.threshold });
  return result;
}

/** The ONNX export of the run's checkpoint, made once per checkpoint and max length. */
async function exportModel(plan: DeployPlan, trainer: ReturnType<typeof trainerServing>) {
  const request: ExportOnnxInput = {
    contractVersion: 1,
    encoder: plan.encoder,
    mode: plan.mode,
    checkpointKey: plan.checkpointKey,
    labelSetKey: plan.labelSetKey,
    maxLength: plan.maxLength,
  };
  const cached = await records.lookupOnnxExport(request);
  if (cached) return cached;

  const exported = await trainer.exportOnnx(request);
  await records.recordOnnxExport(request, exported);
  return exported.manifestKey;
}

/** The trainer's predictions of the checkpoint on one set, computed once per set. */
async function predictionsOf(
  plan: DeployPlan,
  evalSetKey: string,
  trainer: ReturnType<typeof trainerServing>,
): Promise<string> {
  const request: EvaluateInput = {
    contractVersion: 1,
    encoder: plan.encoder,
    mode: plan.mode,
    checkpointKey: plan.checkpointKey,
    evalSetKey,
    labelSetKey: plan.labelSetKey,
    maxLength: plan.maxLength,
    batchSize: plan.batchSize,
    precision: plan.precision,
  };
  const cached = await records.lookupPredictions(request);
  if (cached) return cached;

  const evaluation = await trainer.evaluateCheckpoint(request);
  await records.recordPredictions(request, evaluation.predictionsKey);
  return evaluation.predictionsKey;
}
