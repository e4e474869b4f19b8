import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type {
  EmbedSentencesInput,
  EmbedSentencesOutput,
  EvaluateInput,
  EvaluateOutput,
  TrainStageInput,
  TrainStageOutput,
} from '@ttpgrid/contracts';
import type { PlannedStage } from '@ttpgrid/grid';

import type { GridActivities } from './activities';
import type {
  EmbeddingsRef,
  ExperimentProgress,
  ExperimentWorkflowInput,
  RunTask,
  StageEmbeddings,
  StageOutcome,
} from './types';

interface TrainerActivities {
  trainStage(input: TrainStageInput): Promise<TrainStageOutput>;
  evaluateCheckpoint(input: EvaluateInput): Promise<EvaluateOutput>;
  embedSentences(input: EmbedSentencesInput): Promise<EmbedSentencesOutput>;
}

const NON_RETRYABLE = ['BadSpec', 'EncoderUnavailable', 'ArtifactMissing', 'BadInput'];

const cpu = proxyActivities<GridActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Waiting on a shared stage lasts as long as the stage trains; the heartbeat notices a dead
// TypeScript worker within a minute, and the retry re-attaches to the same stage workflow.
const waiting = proxyActivities<GridActivities>({
  startToCloseTimeout: '14 days',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

function trainerActivities(taskQueue: string) {
  // Training: start-to-close above the longest stage (50 epochs of BERT-base on a slow GPU);
  // the Python worker heartbeats every few seconds from its own thread, so a dead worker is
  // noticed within a minute and the retry resumes from the rolling checkpoint.
  const training = proxyActivities<TrainerActivities>({
    taskQueue,
    startToCloseTimeout: '24 hours',
    heartbeatTimeout: '1 minute',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  const inference = proxyActivities<TrainerActivities>({
    taskQueue,
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '2 minutes',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  return { training, inference };
}

export const progressQuery = defineQuery<ExperimentProgress>('progress');
export const cancelSignal = defineSignal('cancelExperiment');
export const retryFailedSignal = defineSignal('retryFailedRuns');

/**
 * One stage of training, one workflow per stage key (its ID is `stage-<key>`), so experiments
 * that need the same stage at the same time share one execution. A finished stage is reused.
 */
export async function stageWorkflow(
  stage: PlannedStage,
  trainerTaskQueue: string,
): Promise<StageOutcome> {
  const begun = await cpu.beginStage(stage);
  if (begun.cached) {
    return begun.outcome;
  }

  try {
    return await trainAndRecord(stage, trainerTaskQueue);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await CancellationScope.nonCancellable(() =>
      cpu.failStage(stage.key, isCancellation(error) ? 'cancelled' : message),
    );
    throw error;
  }
}

async function trainAndRecord(stage: PlannedStage, trainerTaskQueue: string) {
  const { training } = trainerActivities(trainerTaskQueue);
  const parentCheckpoint = stage.parentKey
    ? await cpu.requireStageCheckpoint(stage.parentKey)
    : null;

  const embeddings = stage.data.similarityEncoder
    ? await similarityEmbeddings(stage, trainerTaskQueue)
    : null;
  const composed = await cpu.composeStageTrainingSet(stage, embeddings);

  const output = await training.trainStage({
    contractVersion: 1,
    stageKey: stage.key,
    encoder: { name: stage.encoder.name, path: stage.encoder.path },
    mode: stage.mode,
    init: parentCheckpoint
      ? { kind: 'parent', checkpointKey: parentCheckpoint, parentStageKey: stage.parentKey ?? '' }
      : { kind: 'pretrained' },
    trainingSetKey: composed.trainingSetKey,
    devSetKey: stage.data.devKey,
    labelSetKey: stage.data.labelSetKey,
    seed: stage.seed,
    precision: stage.precision,
    hyperparameters: stage.hyperparameters,
  });

  return cpu.finishStage(stage.key, output, composed);
}

/** Embeddings of the training split and the auxiliary data, computed once per content. */
async function similarityEmbeddings(stage: PlannedStage, trainerTaskQueue: string) {
  const encoder = stage.data.similarityEncoder;
  if (!encoder || !stage.data.auxiliaryKey) {
    throw ApplicationFailure.nonRetryable('similarity selection needs an encoder and aux data');
  }
  const { inference } = trainerActivities(trainerTaskQueue);
  const request = (sentencesKey: string): EmbedSentencesInput => ({
    contractVersion: 1,
    encoder: { name: encoder.name, path: encoder.path },
    sentencesKey,
    pooling: stage.data.pooling ?? 'mean',
    maxLength: stage.hyperparameters.maxLength,
  });

  const embed = async (sentencesKey: string): Promise<EmbeddingsRef> => {
    const cached = await cpu.lookupEmbeddings(request(sentencesKey), encoder.weightsHash ?? '');
    if (cached) return cached;
    const computed = await inference.embedSentences(request(sentencesKey));
    await cpu.recordEmbeddings(request(sentencesKey), encoder.weightsHash ?? '', computed);
    return computed;
  };

  const [train, auxiliary] = await Promise.all([
    embed(stage.data.trainKey),
    embed(stage.data.auxiliaryKey),
  ]);
  return { train, auxiliary } satisfies StageEmbeddings;
}

const HISTORY_EVENTS_BEFORE_CONTINUE = 8_000;

/**
 * One experiment: runs its grid's runs with at most `concurrency` at a time. Each run waits on
 * its chain of shared stages, then evaluates its final checkpoint on the test split and records
 * the metrics. A failed run leaves the others running.
 */
export async function experimentWorkflow(input: ExperimentWorkflowInput): Promise<string> {
  const plan = await cpu.loadExperimentPlan(input.experimentId, input.onlyRunKeys ?? null);
  const state = new ExperimentState(plan.runs, input);
  setHandler(progressQuery, () => state.progress());
  setHandler(retryFailedSignal, () => state.requeueFailed());

  const scope = new CancellationScope();
  setHandler(cancelSignal, () => {
    state.cancelRequested = true;
    scope.cancel();
  });

  await cpu.markExperiment(input.experimentId, 'running');
  try {
    await scope.run(() => runPool(state, plan.concurrency, input));
  } catch (error) {
    if (!isCancellation(error)) throw error;
    state.cancelRequested = true;
  }

  if (state.cancelRequested || CancellationScope.current().consideredCancelled) {
    return finishCancelled(input, state);
  }
  if (state.pending.length > 0) {
    return continueAsNew<typeof experimentWorkflow>({
      ...input,
      onlyRunKeys: state.pending.map((run) => run.runKey),
      carried: state.carried(),
    });
  }

  const status = await cpu.completeExperiment(input.experimentId, state.progress());
  log.info('experiment finished', { experimentId: input.experimentId, status });
  return status;
}

async function finishCancelled(input: ExperimentWorkflowInput, state: ExperimentState) {
  await CancellationScope.nonCancellable(async () => {
    await cpu.releaseStages(input.experimentId);
    await cpu.markExperiment(input.experimentId, 'cancelled', state.progress());
  });
  log.info('experiment cancelled', { experimentId: input.experimentId, ...state.progress() });
  return 'cancelled';
}

async function runPool(
  state: ExperimentState,
  concurrency: number,
  input: ExperimentWorkflowInput,
) {
  const lanes = Array.from({ length: Math.max(1, concurrency) }, async () => {
    for (;;) {
      if (shouldContinueAsNew(state, input)) return;
      const run = state.pending.shift();
      if (!run) {
        // Wait for a retry request while other lanes still run; stop when all are done.
        await condition(() => state.pending.length > 0 || state.running === 0);
        if (state.pending.length === 0) return;
        continue;
      }
      await executeRun(run, state, input);
    }
  });
  await Promise.all(lanes);
}

function shouldContinueAsNew(state: ExperimentState, input: ExperimentWorkflowInput): boolean {
  const info = workflowInfo();
  const enoughRuns =
    input.continueAfterRuns !== undefined && state.started >= input.continueAfterRuns;
  return (
    enoughRuns || info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE
  );
}

async function executeRun(run: RunTask, state: ExperimentState, input: ExperimentWorkflowInput) {
  state.running += 1;
  state.started += 1;
  try {
    await cpu.markRun(run.runId, 'running', null);
    let checkpointKey = '';
    for (const stageKey of run.stageKeys) {
      const outcome = await waiting.awaitStage(input.experimentId, stageKey);
      state.countStage(outcome);
      checkpointKey = outcome.checkpointKey;
    }

    const predictionsKey = await evaluateOnTest(run, checkpointKey, input.trainerTaskQueue);
    await cpu.recordRunResult(input.experimentId, run.runId, predictionsKey);
    state.succeeded += 1;
  } catch (error) {
    if (isCancellation(error)) throw error;
    state.fail(run);
    const message = error instanceof Error ? describeFailure(error) : String(error);
    await cpu.markRun(run.runId, 'failed', message);
  } finally {
    state.running -= 1;
  }
}

/** Predictions of a checkpoint on the test split, computed once per checkpoint and split. */
async function evaluateOnTest(run: RunTask, checkpointKey: string, trainerTaskQueue: string) {
  const request: EvaluateInput = {
    contractVersion: 1,
    encoder: run.encoder,
    mode: run.mode,
    checkpointKey,
    evalSetKey: run.testKey,
    labelSetKey: run.labelSetKey,
    maxLength: run.maxLength,
    batchSize: Math.max(run.batchSize, 32),
    precision: run.precision,
  };
  const cached = await cpu.lookupPredictions(request);
  if (cached) return cached;

  const { inference } = trainerActivities(trainerTaskQueue);
  const evaluation = await inference.evaluateCheckpoint(request);
  await cpu.recordPredictions(request, evaluation.predictionsKey);
  return evaluation.predictionsKey;
}

function describeFailure(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${describeFailure(cause)}` : error.message;
}

class ExperimentState {
  pending: RunTask[];
  failedRuns: RunTask[] = [];
  running = 0;
  /** Runs started by this execution (before any continue-as-new). */
  started = 0;
  succeeded: number;
  failed: number;
  stagesCached: number;
  stagesTrained: number;
  cancelRequested = false;
  private readonly total: number;

  constructor(runs: RunTask[], input: ExperimentWorkflowInput) {
    this.pending = [...runs];
    this.succeeded = input.carried?.succeeded ?? 0;
    this.failed = input.carried?.failed ?? 0;
    this.stagesCached = input.carried?.stagesCached ?? 0;
    this.stagesTrained = input.carried?.stagesTrained ?? 0;
    this.total = runs.length + this.succeeded + this.failed;
  }

  /** Stage keys this execution saw trained: a second run waiting on one counts it as reused. */
  private readonly trainedKeys = new Set<string>();

  countStage(outcome: StageOutcome) {
    if (outcome.cached || this.trainedKeys.has(outcome.stageKey)) {
      this.stagesCached += 1;
      return;
    }
    this.trainedKeys.add(outcome.stageKey);
    this.stagesTrained += 1;
  }

  fail(run: RunTask) {
    this.failed += 1;
    this.failedRuns.push(run);
  }

  requeueFailed() {
    this.pending.push(...this.failedRuns);
    this.failed -= this.failedRuns.length;
    this.failedRuns = [];
  }

  carried() {
    return {
      succeeded: this.succeeded,
      failed: this.failed,
      stagesCached: this.stagesCached,
      stagesTrained: this.stagesTrained,
    };
  }

  progress(): ExperimentProgress {
    return {
      total: this.total,
      succeeded: this.succeeded,
      failed: this.failed,
      cancelled: this.cancelRequested ? this.pending.length + this.running : 0,
      running: this.running,
      queued: this.pending.length,
      stagesCached: this.stagesCached,
      stagesTrained: this.stagesTrained,
    };
  }
}
