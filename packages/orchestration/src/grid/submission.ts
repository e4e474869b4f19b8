import { randomUUID } from 'node:crypto';

import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';

import { getJsonLines, putJson, type ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import { Prisma, type Database } from '@ttpgrid/db';
import {
  MemoryArtifactStore,
  prepareDataset,
  registerDataset,
  type PreparedDataset,
} from '@ttpgrid/dataset';
import {
  composeTrainingSet,
  datasetVariantKey,
  expandCells,
  planGrid,
  type DatasetContent,
  type GridPlan,
  type GridSpec,
  type LabelledSentence,
  type PlannedStage,
} from '@ttpgrid/grid';

import { codeVersion, readEncoderRegistry, trainerLibraries } from './environment';
import type { StoredPlan } from './plan-store';
import { EXPERIMENT_STATUS, experimentWorkflowId, RUN_STATUS } from './types';

const log = createLogger('grid.submission');

/** The paper's similarity encoder (section 2.1), used for equation 1 where its files exist. */
export const PAPER_SIMILARITY_ENCODER = 'bert-base-uncased';

export interface PreparedGrid {
  spec: GridSpec;
  plan: GridPlan;
  datasets: PreparedDataset[];
  store: ArtifactStore;
}

export interface PrepareGridOptions {
  config: TtpgridConfig;
  /** Where dataset artifacts go; planning alone keeps them in memory. */
  store?: ArtifactStore;
  allowUnavailableEncoders?: boolean;
}

/** Prepares every dataset variant of the grid and expands it into runs and stages. */
export async function prepareGrid(spec: GridSpec, options: PrepareGridOptions) {
  const store = options.store ?? new MemoryArtifactStore();
  const datasets = new Map<string, DatasetContent>();
  const prepared: PreparedDataset[] = [];

  for (const cell of expandCells(spec)) {
    const variant = datasetVariantKey(cell);
    if (datasets.has(variant)) continue;
    const dataset = await prepareDataset(cell.dataset, {
      rawDataDir: options.config.rawDataDir,
      store,
    });
    prepared.push(dataset);
    datasets.set(variant, contentOf(dataset));
  }

  const registry = await readEncoderRegistry(options.config);
  const plan = planGrid(spec, {
    datasets,
    encoders: registry.identities,
    libraries: trainerLibraries(options.config),
    preferredSimilarityEncoder: PAPER_SIMILARITY_ENCODER,
    allowUnavailableEncoders: options.allowUnavailableEncoders,
  });
  return { spec, plan, datasets: prepared, store } satisfies PreparedGrid;
}

function contentOf(dataset: PreparedDataset): DatasetContent {
  return {
    versionId: dataset.version,
    trainKey: dataset.artifacts.train,
    devKey: dataset.artifacts.dev,
    testKey: dataset.artifacts.test,
    auxiliaryKey: dataset.artifacts.auxiliary,
    labelSetKey: dataset.artifacts.labelSet,
  };
}

export interface PlanReport {
  name: string;
  runs: number;
  stages: number;
  naiveStages: number;
  cachedStages: number | null;
  provisional: boolean;
  datasetVersions: string[];
  encoders: string[];
  mode: string[];
  /** Σ training examples × epochs over the stages still to train. */
  exampleEpochsToTrain: number;
  /** From the measured rate of earlier stages of the same encoder and mode; null if none. */
  estimatedSeconds: number | null;
}

/** What `ttpgrid plan` prints; counts cached stages only when Postgres answers. */
export async function reportPlan(
  spec: GridSpec,
  config: TtpgridConfig,
  db: Database | null,
): Promise<PlanReport> {
  const prepared = await prepareGrid(spec, { config, allowUnavailableEncoders: true });
  const cached = db ? await cachedStageKeys(db, prepared.plan.stages) : null;
  const toTrain = prepared.plan.stages.filter((stage) => !cached?.has(stage.key));
  const sizes = await trainingSetSizes(prepared, toTrain);
  const rates = db ? await measuredRates(db) : new Map<string, number>();

  let estimatedSeconds: number | null = 0;
  let exampleEpochs = 0;
  for (const stage of toTrain) {
    const work = (sizes.get(stage.key) ?? 0) * stage.hyperparameters.epochs;
    exampleEpochs += work;
    const rate = rates.get(`${stage.encoder.name}/${stage.mode}`);
    estimatedSeconds = rate && estimatedSeconds !== null ? estimatedSeconds + work / rate : null;
  }

  return {
    name: spec.name,
    runs: prepared.plan.runs.length,
    stages: prepared.plan.stages.length,
    naiveStages: prepared.plan.naiveStages,
    cachedStages: cached ? prepared.plan.stages.length - toTrain.length : null,
    provisional: prepared.plan.provisional,
    datasetVersions: prepared.datasets.map((dataset) => dataset.version),
    encoders: spec.encoders,
    mode: [spec.mode].flat(),
    exampleEpochsToTrain: exampleEpochs,
    estimatedSeconds: toTrain.length === 0 ? 0 : estimatedSeconds,
  };
}

/** Stages already trained whose final weights are still stored. */
export async function cachedStageKeys(db: Database, stages: PlannedStage[]) {
  const rows = await db.stage.findMany({
    where: {
      key: { in: stages.filter((stage) => stage.reuse).map((stage) => stage.key) },
      status: 'succeeded',
      checkpointGone: false,
      checkpointKey: { not: null },
    },
    select: { key: true },
  });
  return new Set(rows.map((row) => row.key));
}

/** Exact training-set sizes, without embeddings: a similarity pick has a random pick's size. */
async function trainingSetSizes(prepared: PreparedGrid, stages: PlannedStage[]) {
  const sizes = new Map<string, number>();
  for (const stage of stages) {
    const train = await getJsonLines<LabelledSentence>(prepared.store, stage.data.trainKey);
    const auxiliary = stage.data.auxiliaryKey
      ? await getJsonLines<LabelledSentence>(prepared.store, stage.data.auxiliaryKey)
      : [];
    const sources = stage.data.sources.map((source) =>
      source === 'Asim' ? 'Arand' : source === 'Asimall' ? 'Arandall' : source,
    );
    const composition = composeTrainingSet({
      sources,
      train,
      auxiliary,
      k: stage.data.k,
      seed: stage.data.selectionSeed ?? 0,
      swapRate: stage.data.swapRate ?? 0,
    });
    sizes.set(stage.key, composition.rows.length);
  }
  return sizes;
}

/** Training examples per second of finished stages, by encoder and mode. */
async function measuredRates(db: Database) {
  const finished = await db.stage.findMany({
    where: { status: 'succeeded', result: { not: Prisma.AnyNull } },
    select: { encoder: true, mode: true, result: true, definition: true },
    take: 500,
    orderBy: { finishedAt: 'desc' },
  });
  const rates = new Map<string, number>();
  for (const stage of finished) {
    const result = stage.result as { trainingExamples?: number; seconds?: { training?: number } };
    const epochs = (stage.definition as unknown as PlannedStage).hyperparameters?.epochs ?? 0;
    const seconds = result.seconds?.training ?? 0;
    if (seconds > 0 && result.trainingExamples) {
      rates.set(`${stage.encoder}/${stage.mode}`, (result.trainingExamples * epochs) / seconds);
    }
  }
  return rates;
}

export interface SubmitOptions {
  config: TtpgridConfig;
  db: Database;
  store: ArtifactStore;
  client: Client;
  idempotencyKey?: string;
  parentExperimentId?: string;
  /** Continue the experiment workflow as new after this many runs (tests). */
  continueAfterRuns?: number;
}

export interface Submission {
  experimentId: string;
  created: boolean;
  runs: number;
  stages: number;
  cachedStages: number;
  datasetVersions: string[];
}

/**
 * Prepares and registers the grid's datasets, stores its plan, writes the experiment and its
 * runs, and starts the experiment workflow. A repeated idempotency key returns the first one.
 */
export async function submitExperiment(spec: GridSpec, options: SubmitOptions) {
  const { db, config } = options;
  if (options.idempotencyKey) {
    const existing = await db.experiment.findUnique({
      where: { idempotencyKey: options.idempotencyKey },
      include: { _count: { select: { runs: true } } },
    });
    if (existing) return existingSubmission(existing);
  }

  const prepared = await prepareGrid(spec, { config, store: options.store });
  for (const dataset of prepared.datasets) await registerDataset(db, dataset);
  const cached = await cachedStageKeys(db, prepared.plan.stages);

  const experimentId = randomUUID();
  const version = await codeVersion(config);
  const stored: StoredPlan = {
    spec,
    plan: prepared.plan,
    concurrency: spec.concurrency.stages,
    datasetVersions: prepared.datasets.map((dataset) => dataset.version),
    codeVersion: version,
  };
  const planKey = await putJson(options.store, stored);
  await writeExperiment(db, experimentId, stored, planKey, options);

  await options.client.workflow.start('experimentWorkflow', {
    taskQueue: config.cpuTaskQueue,
    workflowId: experimentWorkflowId(experimentId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [
      {
        experimentId,
        trainerTaskQueue: config.trainerTaskQueue,
        continueAfterRuns: options.continueAfterRuns,
      },
    ],
  });
  log.info('experiment submitted', { experimentId, runs: prepared.plan.runs.length });

  return {
    experimentId,
    created: true,
    runs: prepared.plan.runs.length,
    stages: prepared.plan.stages.length,
    cachedStages: cached.size,
    datasetVersions: stored.datasetVersions,
  } satisfies Submission;
}

async function writeExperiment(
  db: Database,
  experimentId: string,
  stored: StoredPlan,
  planKey: string,
  options: SubmitOptions,
) {
  const { spec, plan } = stored;
  await db.$transaction([
    db.experiment.create({
      data: {
        id: experimentId,
        name: spec.name,
        status: EXPERIMENT_STATUS.queued,
        idempotencyKey: options.idempotencyKey ?? null,
        spec: spec as unknown as Prisma.InputJsonValue,
        specHash: planKey,
        mode: [spec.mode].flat().join(','),
        datasetVersionId: stored.datasetVersions[0] ?? null,
        workflowId: experimentWorkflowId(experimentId),
        planKey,
        codeVersion: stored.codeVersion,
        parentExperimentId: options.parentExperimentId ?? null,
      },
    }),
    db.run.createMany({
      data: plan.runs.map((run) => ({
        id: randomUUID(),
        experimentId,
        runKey: run.runKey,
        caseName: run.caseName,
        encoder: run.encoder,
        seed: run.seed,
        axes: run.axes,
        status: RUN_STATUS.queued,
        stageKeys: run.stageKeys,
        hyperparameters: {
          ...run.hyperparameters,
          mode: run.mode,
          precision: run.precision,
          k: run.k,
        },
        datasetVersionId: run.datasetVersionId,
        codeVersion: stored.codeVersion,
      })),
    }),
  ]);
}

function existingSubmission(existing: {
  id: string;
  planKey: string | null;
  datasetVersionId: string | null;
  _count: { runs: number };
}): Submission {
  return {
    experimentId: existing.id,
    created: false,
    runs: existing._count.runs,
    stages: 0,
    cachedStages: 0,
    datasetVersions: existing.datasetVersionId ? [existing.datasetVersionId] : [],
  };
}
