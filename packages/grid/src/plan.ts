import {
  TRAINER_FEATURE_RECIPE,
  type EncoderRef,
  type Hyperparameters,
  type Precision,
  type TrainingMode,
} from '@ttpgrid/contracts';

import {
  K_SOURCES,
  parseCase,
  RANDOM_SOURCES,
  SIMILARITY_SOURCES,
  AUXILIARY_SOURCES,
  type Source,
} from './cases';
import { datasetVariantKey, expandRuns, type Augmentation, type GridRunSpec } from './cells';
import { hashOf } from './hashing';
import type { GridSpec } from './spec';

/** Bumped whenever the trainer's recipe changes what the same inputs produce. */
export const RECIPE_VERSION = 'two-stage-recipe-v1';

/** The recipe a stage's key names: probe stages also depend on how features are computed. */
function recipeOf(mode: TrainingMode): string {
  return mode === 'probe' ? `${RECIPE_VERSION}+${TRAINER_FEATURE_RECIPE}` : RECIPE_VERSION;
}

/** The content-addressed parts of a prepared dataset version that training depends on. */
export interface DatasetContent {
  versionId: string;
  trainKey: string;
  devKey: string;
  testKey: string;
  auxiliaryKey: string;
  labelSetKey: string;
}

export interface EncoderIdentity extends EncoderRef {
  /** Null only for an encoder whose files are absent here (planning only, never training). */
  weightsHash?: string;
  available: boolean;
}

export interface PlanContext {
  /** Dataset content for each dataset variant of the grid, by `datasetVariantKey`. */
  datasets: Map<string, DatasetContent>;
  encoders: Map<string, EncoderIdentity>;
  /** Major.minor versions of the libraries that change numerics (torch, transformers). */
  libraries: Record<string, string>;
  /** The paper's similarity encoder, used when available and the spec names none. */
  preferredSimilarityEncoder?: string;
  /** Plan with encoders whose files are absent here (keys then name them without a hash). */
  allowUnavailableEncoders?: boolean;
}

/** What a stage's training set is made of; every field is content or a selection parameter. */
export interface StageData {
  datasetVersionId: string;
  sources: Source[];
  trainKey: string;
  devKey: string;
  labelSetKey: string;
  auxiliaryKey: string | null;
  k: number | null;
  similarityEncoder: EncoderIdentity | null;
  pooling: 'mean' | 'cls' | null;
  swapRate: number | null;
  selectionSeed: number | null;
}

export interface PlannedStage {
  key: string;
  parentKey: string | null;
  position: number;
  caseStage: string;
  encoder: EncoderIdentity;
  mode: TrainingMode;
  seed: number;
  precision: Precision;
  hyperparameters: Hyperparameters;
  data: StageData;
  usesAuxiliary: boolean;
  reuse: boolean;
}

export interface PlannedRun {
  runKey: string;
  caseName: string;
  encoder: string;
  seed: number;
  axes: Record<string, string | number>;
  mode: TrainingMode;
  precision: Precision;
  hyperparameters: Hyperparameters;
  k: number;
  datasetVersionId: string;
  testKey: string;
  trainKey: string;
  labelSetKey: string;
  stageKeys: string[];
}

export interface GridPlan {
  /** True when an encoder's files were absent, so its stage keys carry no weights hash. */
  provisional: boolean;
  runs: PlannedRun[];
  /** Unique stages, parents before children. */
  stages: PlannedStage[];
  naiveStages: number;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Expands a grid into runs and the unique stages they share. */
export function planGrid(spec: GridSpec, context: PlanContext): GridPlan {
  const stages = new Map<string, PlannedStage>();
  const runs = expandRuns(spec).map((run) => planRun(spec, run, context, stages));
  const naiveStages = runs.reduce((sum, run) => sum + run.stageKeys.length, 0);
  const provisional = [...stages.values()].some((stage) => !stage.encoder.available);
  return { provisional, runs, stages: [...stages.values()], naiveStages };
}

function planRun(
  spec: GridSpec,
  run: GridRunSpec,
  context: PlanContext,
  stages: Map<string, PlannedStage>,
): PlannedRun {
  const dataset = context.datasets.get(datasetVariantKey(run));
  if (!dataset) {
    throw new PlanError(`no prepared dataset for settings ${datasetVariantKey(run)}`);
  }
  const encoder = requireEncoder(context, run.encoder);
  const similarityEncoder = resolveSimilarityEncoder(spec, run.augmentation, context);

  const stageKeys: string[] = [];
  let parentKey: string | null = null;
  parseCase(run.caseName).stages.forEach((caseStage, position) => {
    const data = stageData(caseStage.sources, dataset, run, similarityEncoder);
    const stage = buildStage(run, encoder, data, parentKey, position, context, spec.reuse);
    if (!stages.has(stage.key)) stages.set(stage.key, stage);
    stageKeys.push(stage.key);
    parentKey = stage.key;
  });

  return {
    runKey: hashOf({ axes: run.axes, encoder: run.encoder, case: run.caseName, seed: run.seed }),
    caseName: run.caseName,
    encoder: run.encoder,
    seed: run.seed,
    axes: run.axes,
    mode: run.mode,
    precision: run.precision,
    hyperparameters: run.hyperparameters,
    k: run.augmentation.k,
    datasetVersionId: dataset.versionId,
    testKey: dataset.testKey,
    trainKey: dataset.trainKey,
    labelSetKey: dataset.labelSetKey,
    stageKeys,
  };
}

function buildStage(
  run: GridRunSpec,
  encoder: EncoderIdentity,
  data: StageData,
  parentKey: string | null,
  position: number,
  context: PlanContext,
  reuse: boolean,
): PlannedStage {
  const key = stageKeyOf({
    data: dataIdentity(data),
    encoder: { name: encoder.name, weightsHash: encoder.weightsHash ?? null },
    mode: run.mode,
    seed: run.seed,
    precision: run.precision,
    hyperparameters: run.hyperparameters,
    recipe: recipeOf(run.mode),
    libraries: context.libraries,
    parentKey,
  });

  return {
    key,
    parentKey,
    position,
    caseStage: data.sources.join('+'),
    encoder,
    mode: run.mode,
    seed: run.seed,
    precision: run.precision,
    hyperparameters: run.hyperparameters,
    data,
    usesAuxiliary: data.auxiliaryKey !== null,
    reuse,
  };
}

/**
 * A stage's key: the hash of everything that determines its result. The dataset version's name
 * is not part of it, only the content keys its training data derives from, so a new auxiliary
 * ATT&CK version leaves the keys of stages that use no auxiliary data unchanged.
 */
export function stageKeyOf(identity: Record<string, unknown>): string {
  return hashOf(identity);
}

function stageData(
  sources: Source[],
  dataset: DatasetContent,
  run: GridRunSpec,
  similarityEncoder: EncoderIdentity | null,
): StageData {
  const has = (set: ReadonlySet<Source>) => sources.some((source) => set.has(source));
  const needsSimilarity = has(SIMILARITY_SOURCES);
  if (needsSimilarity && !similarityEncoder) {
    throw new PlanError('similarity sources need an available similarity encoder');
  }

  return {
    datasetVersionId: dataset.versionId,
    sources: [...sources].sort(),
    trainKey: dataset.trainKey,
    devKey: dataset.devKey,
    labelSetKey: dataset.labelSetKey,
    auxiliaryKey: has(AUXILIARY_SOURCES) ? dataset.auxiliaryKey : null,
    k: has(K_SOURCES) ? run.augmentation.k : null,
    similarityEncoder: needsSimilarity ? similarityEncoder : null,
    pooling: needsSimilarity ? run.augmentation.pooling : null,
    swapRate: sources.includes('Pswap') ? run.augmentation.swapRate : null,
    selectionSeed: has(RANDOM_SOURCES) ? run.seed : null,
  };
}

/** The parts of StageData that decide the training set's content (not the version's name). */
function dataIdentity(data: StageData): Record<string, unknown> {
  const { datasetVersionId: _name, similarityEncoder, ...content } = data;
  return {
    ...content,
    similarityEncoder: similarityEncoder
      ? { name: similarityEncoder.name, weightsHash: similarityEncoder.weightsHash ?? null }
      : null,
  };
}

function requireEncoder(context: PlanContext, name: string): EncoderIdentity {
  const encoder = context.encoders.get(name);
  if (!encoder) {
    const known = [...context.encoders.keys()].join(', ');
    throw new PlanError(`unknown encoder "${name}" (registered: ${known})`);
  }
  if (!encoder.available && !context.allowUnavailableEncoders) {
    throw new PlanError(`encoder "${name}" is registered but its files are not available here`);
  }
  return encoder;
}

function resolveSimilarityEncoder(
  spec: GridSpec,
  augmentation: Augmentation,
  context: PlanContext,
): EncoderIdentity | null {
  if (augmentation.similarityEncoder) {
    return requireEncoder(context, augmentation.similarityEncoder);
  }

  const preferred = context.preferredSimilarityEncoder
    ? context.encoders.get(context.preferredSimilarityEncoder)
    : undefined;
  if (preferred?.available) return preferred;

  const firstOfGrid = spec.encoders
    .map((name) => context.encoders.get(name))
    .find((encoder) => encoder?.available);
  return firstOfGrid ?? null;
}
