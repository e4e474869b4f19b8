import { Context } from '@temporalio/activity';
import {
  ApplicationFailure,
  WorkflowFailedError,
  WorkflowIdConflictPolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';

import {
  getJson,
  getJsonLines,
  putJson,
  putJsonLines,
  type ArtifactStore,
} from '@ttpgrid/artifacts';
import { createLogger } from '@ttpgrid/config';
import {
  TRAINER_FEATURE_RECIPE,
  type EmbedSentencesInput,
  type EmbedSentencesOutput,
  type EvaluateInput,
  type PredictionRow,
  type TrainStageOutput,
} from '@ttpgrid/contracts';
import { Prisma, type Database } from '@ttpgrid/db';
import {
  composeTrainingSet,
  hashOf,
  minorityClasses,
  readEmbeddings,
  type LabelledSentence,
  type PlannedStage,
} from '@ttpgrid/grid';
import { classificationReport, macroF1Split } from '@ttpgrid/metrics';
import { recordFinishedStage, type TtpgridMetrics } from '@ttpgrid/telemetry';

import { precomputeBootstraps } from './leaderboard';
import type { StoredPlan } from './plan-store';
import {
  EXPERIMENT_STATUS,
  RUN_STATUS,
  STAGE_STATUS,
  stageWorkflowId,
  type ComposedTrainingSet,
  type EmbeddingsRef,
  type ExperimentPlanSummary,
  type ExperimentProgress,
  type StageEmbeddings,
  type StageOutcome,
} from './types';

const log = createLogger('grid.activities');

export interface GridActivityDependencies {
  store: ArtifactStore;
  db: Database;
  client: Client;
  metrics?: TtpgridMetrics;
  trainerTaskQueue: string;
  cpuTaskQueue: string;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

export function createGridActivities(deps: GridActivityDependencies) {
  const { store, db } = deps;
  const plans = new PlanCache(store, db);

  return {
    async loadExperimentPlan(
      experimentId: string,
      onlyRunKeys: string[] | null,
    ): Promise<ExperimentPlanSummary> {
      const plan = await plans.forExperiment(experimentId);
      const rows = await db.run.findMany({ where: { experimentId } });
      const byKey = new Map(rows.map((row) => [row.runKey, row]));
      const wanted = onlyRunKeys ? new Set(onlyRunKeys) : null;

      const runs = plan.plan.runs
        .filter((run) => (wanted ? wanted.has(run.runKey) : true))
        .filter((run) => byKey.get(run.runKey)?.status !== RUN_STATUS.succeeded)
        .map((run) => {
          const stage = plan.stageByKey.get(run.stageKeys[run.stageKeys.length - 1] ?? '');
          return {
            runKey: run.runKey,
            runId: byKey.get(run.runKey)?.id ?? missingRun(experimentId, run.runKey),
            caseName: run.caseName,
            encoder: { name: stage?.encoder.name ?? run.encoder, path: stage?.encoder.path },
            mode: run.mode,
            precision: run.precision,
            maxLength: run.hyperparameters.maxLength,
            batchSize: run.hyperparameters.batchSize,
            testKey: run.testKey,
            labelSetKey: run.labelSetKey,
            stageKeys: run.stageKeys,
          };
        });
      return { experimentId, runs, concurrency: plan.concurrency };
    },

    async beginStage(
      stage: PlannedStage,
    ): Promise<{ cached: true; outcome: StageOutcome } | { cached: false }> {
      const existing = await db.stage.findUnique({ where: { key: stage.key } });
      const reusable =
        existing?.status === STAGE_STATUS.succeeded &&
        existing.checkpointKey !== null &&
        !existing.checkpointGone &&
        (await store.has(existing.checkpointKey));
      if (reusable && stage.reuse) {
        return { cached: true, outcome: cachedOutcome(existing) };
      }

      await db.stage.upsert({
        where: { key: stage.key },
        create: { ...stageColumns(stage), status: STAGE_STATUS.running, attempts: 1 },
        update: {
          status: STAGE_STATUS.running,
          attempts: { increment: 1 },
          error: null,
          startedAt: new Date(),
        },
      });
      return { cached: false };
    },

    async requireStageCheckpoint(stageKey: string): Promise<string> {
      const parent = await db.stage.findUnique({ where: { key: stageKey } });
      if (!parent?.checkpointKey || parent.checkpointGone) {
        throw ApplicationFailure.nonRetryable(
          `parent stage ${stageKey} has no stored checkpoint`,
          'BadInput',
        );
      }
      return parent.checkpointKey;
    },

    async lookupEmbeddings(request: EmbedSentencesInput, weightsHash: string) {
      const found = await db.derivation.findUnique({
        where: { identity: embeddingsIdentity(request, weightsHash) },
      });
      if (!found || !(await store.has(found.artifactKey))) return null;
      const summary = found.summary as { count: number; dimension: number };
      return { embeddingsKey: found.artifactKey, ...summary } satisfies EmbeddingsRef;
    },

    async recordEmbeddings(
      request: EmbedSentencesInput,
      weightsHash: string,
      output: EmbedSentencesOutput,
    ) {
      const identity = embeddingsIdentity(request, weightsHash);
      const summary = { count: output.count, dimension: output.dimension };
      await db.derivation.upsert({
        where: { identity },
        create: {
          identity,
          kind: 'embeddings',
          artifactKey: output.embeddingsKey,
          parameters: json({ ...request, weightsHash }),
          summary,
        },
        update: { artifactKey: output.embeddingsKey, summary },
      });
    },

    async lookupPredictions(request: EvaluateInput): Promise<string | null> {
      const found = await db.derivation.findUnique({
        where: { identity: predictionsIdentity(request) },
      });
      return found && (await store.has(found.artifactKey)) ? found.artifactKey : null;
    },

    async recordPredictions(request: EvaluateInput, predictionsKey: string) {
      const identity = predictionsIdentity(request);
      await db.derivation.upsert({
        where: { identity },
        create: {
          identity,
          kind: 'predictions',
          artifactKey: predictionsKey,
          parameters: json(request),
        },
        update: { artifactKey: predictionsKey },
      });
    },

    async composeStageTrainingSet(
      stage: PlannedStage,
      embeddings: StageEmbeddings | null,
    ): Promise<ComposedTrainingSet> {
      return composeAndStore(store, db, stage, embeddings);
    },

    async finishStage(
      stageKey: string,
      output: TrainStageOutput,
      composed: ComposedTrainingSet,
    ): Promise<StageOutcome> {
      const onGpu = output.device.startsWith('cuda');
      const finished = await db.stage.update({
        where: { key: stageKey },
        data: {
          status: STAGE_STATUS.succeeded,
          checkpointKey: output.checkpointKey,
          checkpointGone: false,
          trainingSetKey: composed.trainingSetKey,
          device: output.device,
          precision: output.precision,
          durationSeconds: output.seconds.total,
          gpuSeconds: onGpu ? output.seconds.total : 0,
          result: json({ ...output, selectionKey: composed.selectionKey, composed }),
          error: null,
          finishedAt: new Date(),
        },
      });
      if (deps.metrics) recordFinishedStage(deps.metrics, finished);
      log.info('stage finished', {
        stageKey,
        device: output.device,
        seconds: output.seconds.total,
      });
      return { stageKey, checkpointKey: output.checkpointKey, cached: false, output };
    },

    async failStage(stageKey: string, message: string) {
      const status = message === 'cancelled' ? STAGE_STATUS.cancelled : STAGE_STATUS.failed;
      await db.stage.updateMany({
        where: { key: stageKey, status: STAGE_STATUS.running },
        data: { status, error: message.slice(0, 4000), finishedAt: new Date() },
      });
    },

    async markExperiment(experimentId: string, status: string, progress?: ExperimentProgress) {
      const finished = status === EXPERIMENT_STATUS.cancelled;
      await db.experiment.update({
        where: { id: experimentId },
        data: {
          status,
          finishedAt: finished ? new Date() : null,
          ...(progress ? { progress: json(progress) } : {}),
        },
      });
      if (finished) {
        await db.run.updateMany({
          where: { experimentId, status: { in: [RUN_STATUS.queued, RUN_STATUS.running] } },
          data: { status: RUN_STATUS.cancelled },
        });
      }
    },

    /** Sets the final status from the runs: succeeded, or completed with failures. */
    async completeExperiment(experimentId: string, progress?: ExperimentProgress): Promise<string> {
      await precomputeBootstrapsOrWarn(db, store, experimentId);
      const failed = await db.run.count({
        where: { experimentId, status: { not: RUN_STATUS.succeeded } },
      });
      const status = failed === 0 ? EXPERIMENT_STATUS.succeeded : EXPERIMENT_STATUS.partial;
      await db.experiment.update({
        where: { id: experimentId },
        data: { status, finishedAt: new Date(), ...(progress ? { progress: json(progress) } : {}) },
      });
      return status;
    },

    async markRun(runId: string, status: string, error: string | null) {
      await db.run.update({ where: { id: runId }, data: { status, error } });
    },

    /**
     * Starts the stage's workflow, or joins it when another experiment already started it
     * ("use existing": Temporal child workflows cannot join a running workflow, so the
     * experiment starts stages through the client), and waits for its result.
     */
    async awaitStage(experimentId: string, stageKey: string): Promise<StageOutcome> {
      const plan = await plans.forExperiment(experimentId);
      const stage = plan.stageByKey.get(stageKey);
      if (!stage) {
        throw ApplicationFailure.nonRetryable(`stage ${stageKey} is not in the plan`, 'BadInput');
      }

      const handle = await deps.client.workflow.start('stageWorkflow', {
        taskQueue: deps.cpuTaskQueue,
        workflowId: stageWorkflowId(stageKey),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [stage, deps.trainerTaskQueue],
      });
      return waitWithHeartbeat(handle, () => releaseIfUnused(db, deps.client, stageKey));
    },

    /** On cancel: stops the experiment's stages that no other active experiment needs. */
    async releaseStages(experimentId: string) {
      const runs = await db.run.findMany({ where: { experimentId }, select: { stageKeys: true } });
      const keys = [...new Set(runs.flatMap((run) => run.stageKeys))];
      const running = await db.stage.findMany({
        where: { key: { in: keys }, status: STAGE_STATUS.running },
        select: { key: true },
      });
      for (const { key } of running) {
        await releaseIfUnused(db, deps.client, key, experimentId);
      }
    },

    async recordRunResult(experimentId: string, runId: string, predictionsKey: string) {
      await recordRunMetrics(store, db, plans, experimentId, runId, predictionsKey);
    },
  };
}

export type GridActivities = ReturnType<typeof createGridActivities>;

function missingRun(experimentId: string, runKey: string): never {
  throw ApplicationFailure.nonRetryable(
    `experiment ${experimentId} has no run row for ${runKey}`,
    'BadInput',
  );
}

function stageColumns(stage: PlannedStage) {
  return {
    key: stage.key,
    encoder: stage.encoder.name,
    mode: stage.mode,
    seed: stage.seed,
    sources: stage.caseStage,
    parentKey: stage.parentKey,
    precision: stage.precision,
    definition: json(stage),
    startedAt: new Date(),
  };
}

function cachedOutcome(stage: { key: string; checkpointKey: string | null; result: unknown }) {
  return {
    stageKey: stage.key,
    checkpointKey: stage.checkpointKey ?? '',
    cached: true,
    output: (stage.result as TrainStageOutput | null) ?? null,
  } satisfies StageOutcome;
}

/** The leaderboard's bootstraps, before the experiment shows as finished; never fails it. */
async function precomputeBootstrapsOrWarn(
  db: Database,
  store: ArtifactStore,
  experimentId: string,
) {
  const started = Date.now();
  try {
    const comparisons = await precomputeBootstraps(db, store, experimentId);
    log.info('bootstraps computed', { experimentId, comparisons, ms: Date.now() - started });
  } catch (error) {
    log.warn('bootstraps not computed', { experimentId, error: String(error) });
  }
}

function embeddingsIdentity(request: EmbedSentencesInput, weightsHash: string): string {
  return hashOf({
    kind: 'embeddings',
    featureRecipe: TRAINER_FEATURE_RECIPE,
    encoder: request.encoder.name,
    weightsHash,
    sentencesKey: request.sentencesKey,
    pooling: request.pooling,
    maxLength: request.maxLength,
  });
}

function predictionsIdentity(request: EvaluateInput): string {
  const { batchSize: _batchSize, ...identity } = request;
  const featureRecipe = request.mode === 'probe' ? TRAINER_FEATURE_RECIPE : null;
  return hashOf({ kind: 'predictions', featureRecipe, ...identity });
}

async function composeAndStore(
  store: ArtifactStore,
  db: Database,
  stage: PlannedStage,
  embeddings: StageEmbeddings | null,
): Promise<ComposedTrainingSet> {
  const { datasetVersionId: _name, similarityEncoder, ...content } = stage.data;
  const identity = hashOf({
    kind: 'training-set',
    ...content,
    similarityEncoder: similarityEncoder?.weightsHash ?? null,
  });
  const memo = await db.derivation.findUnique({ where: { identity } });
  if (memo && (await store.has(memo.artifactKey))) {
    return memo.summary as unknown as ComposedTrainingSet;
  }

  const train = await getJsonLines<LabelledSentence>(store, stage.data.trainKey);
  const auxiliary = stage.data.auxiliaryKey
    ? await getJsonLines<LabelledSentence>(store, stage.data.auxiliaryKey)
    : [];
  const composition = composeTrainingSet({
    sources: stage.data.sources,
    train,
    auxiliary,
    k: stage.data.k,
    seed: stage.data.selectionSeed,
    swapRate: stage.data.swapRate,
    trainEmbeddings: embeddings ? await loadEmbeddings(store, embeddings.train) : undefined,
    auxiliaryEmbeddings: embeddings ? await loadEmbeddings(store, embeddings.auxiliary) : undefined,
  });
  if (composition.rows.length === 0) {
    throw ApplicationFailure.nonRetryable(`stage ${stage.key} has no training data`, 'BadSpec');
  }

  const trainingSetKey = await putJsonLines(store, composition.rows);
  const selectionKey =
    composition.selected.length > 0 || composition.shortfalls.length > 0
      ? await putJson(store, {
          minorityClasses: composition.minorityClasses,
          selected: composition.selected,
          shortfalls: composition.shortfalls,
        })
      : null;
  const summary: ComposedTrainingSet = {
    trainingSetKey,
    selectionKey,
    examples: composition.rows.length,
    shortfalls: composition.shortfalls.length,
  };
  await db.derivation.upsert({
    where: { identity },
    create: {
      identity,
      kind: 'training-set',
      artifactKey: trainingSetKey,
      parameters: json(stage.data),
      summary: json(summary),
    },
    update: { artifactKey: trainingSetKey, summary: json(summary) },
  });
  return summary;
}

async function loadEmbeddings(store: ArtifactStore, ref: EmbeddingsRef) {
  return readEmbeddings(await store.get(ref.embeddingsKey), ref.count, ref.dimension);
}

async function waitWithHeartbeat<T>(
  handle: WorkflowHandle,
  onCancel: () => Promise<void>,
): Promise<T> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat({ workflowId: handle.workflowId }), 5_000);
  try {
    return (await Promise.race([handle.result(), context.cancelled])) as T;
  } catch (error) {
    if (context.cancellationDetails !== undefined || isCancelledFailure(error)) {
      await onCancel();
      throw error;
    }
    // The stage workflow already spent its own retries; waiting again would not change that.
    if (error instanceof WorkflowFailedError) {
      throw ApplicationFailure.nonRetryable(`stage failed: ${causeChain(error)}`, 'StageFailed');
    }
    throw error;
  } finally {
    clearInterval(beat);
  }
}

function causeChain(error: Error): string {
  const parts: string[] = [];
  for (let current: unknown = error.cause; current instanceof Error; current = current.cause) {
    parts.push(current.message);
  }
  return parts.join(': ') || error.message;
}

function isCancelledFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'CancelledFailure';
}

/** Cancels a running stage unless an active experiment other than `except` still needs it. */
async function releaseIfUnused(db: Database, client: Client, stageKey: string, except?: string) {
  const users = await db.run.count({
    where: {
      stageKeys: { has: stageKey },
      status: { in: [RUN_STATUS.queued, RUN_STATUS.running] },
      experiment: {
        status: { in: [EXPERIMENT_STATUS.queued, EXPERIMENT_STATUS.running] },
        ...(except ? { id: { not: except } } : {}),
      },
    },
  });
  if (users > 0) return;

  await client.workflow
    .getHandle(stageWorkflowId(stageKey))
    .cancel()
    .catch((error: unknown) => log.debug('stage already closed', { stageKey, error }));
}

async function recordRunMetrics(
  store: ArtifactStore,
  db: Database,
  plans: PlanCache,
  experimentId: string,
  runId: string,
  predictionsKey: string,
) {
  const plan = await plans.forExperiment(experimentId);
  const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
  const planned = plan.plan.runs.find((candidate) => candidate.runKey === run.runKey);
  if (!planned) throw new Error(`run ${run.runKey} is not in the plan of ${experimentId}`);

  const predictions = await getJsonLines<PredictionRow>(store, predictionsKey);
  const labelSet = await getJson<string[]>(store, planned.labelSetKey);
  const train = await getJsonLines<LabelledSentence>(store, planned.trainKey);
  const report = classificationReport(
    predictions.map((row) => row.gold),
    predictions.map((row) => row.predicted),
  );
  const minority = new Set(minorityClasses(train, planned.k));
  const split = macroF1Split(
    report,
    [...minority].filter((label) => labelSet.includes(label)),
  );
  const stages = await db.stage.findMany({ where: { key: { in: run.stageKeys } } });

  await db.$transaction([
    db.classMetric.deleteMany({ where: { runId } }),
    db.classMetric.createMany({
      data: report.labels.map((label) => ({
        runId,
        techniqueId: label,
        precision: report.perClass[label]?.precision ?? 0,
        recall: report.perClass[label]?.recall ?? 0,
        f1: report.perClass[label]?.f1 ?? 0,
        support: report.perClass[label]?.support ?? 0,
        minority: minority.has(label),
      })),
    }),
    db.run.update({
      where: { id: runId },
      data: {
        status: RUN_STATUS.succeeded,
        error: null,
        predictionsKey,
        microF1: report.microF1,
        macroF1: report.macroF1,
        minorityMacroF1: split.subset.macroF1,
        majorityMacroF1: split.others.macroF1,
        labelSet: json({ averagedOver: report.labels, classes: labelSet.length }),
        gpuSeconds: stages.reduce((sum, stage) => sum + (stage.gpuSeconds ?? 0), 0),
      },
    }),
  ]);
}

/** Plans are immutable artifacts: each process loads one once. */
class PlanCache {
  private readonly cache = new Map<string, Promise<LoadedPlan>>();

  constructor(
    private readonly store: ArtifactStore,
    private readonly db: Database,
  ) {}

  forExperiment(experimentId: string): Promise<LoadedPlan> {
    let loaded = this.cache.get(experimentId);
    if (!loaded) {
      loaded = this.load(experimentId);
      this.cache.set(experimentId, loaded);
      loaded.catch(() => this.cache.delete(experimentId));
    }
    return loaded;
  }

  private async load(experimentId: string): Promise<LoadedPlan> {
    const experiment = await this.db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    if (!experiment.planKey) throw new Error(`experiment ${experimentId} has no stored plan`);
    const stored = await getJson<StoredPlan>(this.store, experiment.planKey);
    return {
      plan: stored.plan,
      concurrency: stored.concurrency,
      stageByKey: new Map(stored.plan.stages.map((stage) => [stage.key, stage])),
    };
  }
}

interface LoadedPlan {
  plan: StoredPlan['plan'];
  concurrency: number;
  stageByKey: Map<string, PlannedStage>;
}
