import { z } from 'zod';

import { ArtifactKey } from './artifacts';

/**
 * Contracts of the Python trainer's activities. Version 1. The Python worker validates its
 * inputs against the JSON Schema exported from these definitions (schema/activities.schema.json).
 */
export const TRAINER_CONTRACT_VERSION = 1;

/**
 * How the trainer computes frozen-encoder features (probe training and evaluation, embeddings):
 * FEATURE_RECIPE in apps/trainer/src/ttpgrid_trainer/features.py, kept equal by a trainer test.
 * Part of the identity of every memoised embedding and probe stage.
 */
export const TRAINER_FEATURE_RECIPE = 'unpadded-length-groups-v1';

export const TrainingMode = z.enum(['finetune', 'probe']);
export type TrainingMode = z.infer<typeof TrainingMode>;

export const Precision = z.enum(['fp32', 'bf16']);
export type Precision = z.infer<typeof Precision>;

/** An encoder as the trainer loads it: a registry name, and optionally a local folder. */
export const EncoderRef = z.object({
  name: z.string().min(1),
  path: z.string().min(1).optional(),
  /** SHA-256 over the encoder's weight and tokenizer files; part of a stage's identity. */
  weightsHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type EncoderRef = z.infer<typeof EncoderRef>;

/** The paper's recipe (section 3.2) with its defaults; every value is part of a stage's key. */
export const Hyperparameters = z.object({
  learningRate: z.number().positive().default(2e-5),
  batchSize: z.int().min(1).max(4096).default(16),
  epochs: z.int().min(1).max(1000).default(50),
  maxLength: z.int().min(8).max(4096).default(256),
  warmupSteps: z.int().min(0).default(1000),
  weightDecay: z.number().min(0).default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** 'final' evaluates the last epoch (the paper's choice); 'best' the best dev Macro-F1 epoch. */
  evaluate: z.enum(['final', 'best']).default('final'),
  /** 'shuffle' draws batches uniformly; 'bucket' groups similar lengths (a confound, optional). */
  batching: z.enum(['shuffle', 'bucket']).default('shuffle'),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

export const StageInit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pretrained') }),
  z.object({ kind: z.literal('parent'), checkpointKey: ArtifactKey, parentStageKey: z.string() }),
]);
export type StageInit = z.infer<typeof StageInit>;

export const TrainStageInput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  stageKey: z.string().min(1),
  encoder: EncoderRef,
  mode: TrainingMode,
  init: StageInit,
  /** JSON Lines of {"text", "label"} rows: the stage's training examples. */
  trainingSetKey: ArtifactKey,
  /** JSON Lines of {"text", "label"} rows: the dev split used for curves and best epoch. */
  devSetKey: ArtifactKey,
  /** JSON array of label IDs; its order fixes the classifier's output indices. */
  labelSetKey: ArtifactKey,
  seed: z.int().min(0),
  precision: Precision,
  hyperparameters: Hyperparameters,
});
export type TrainStageInput = z.infer<typeof TrainStageInput>;

export const DevCurvePoint = z.object({
  epoch: z.int().min(1),
  trainLoss: z.number(),
  devMicroF1: z.number().min(0).max(1),
  devMacroF1: z.number().min(0).max(1),
});
export type DevCurvePoint = z.infer<typeof DevCurvePoint>;

export const TrainStageOutput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  stageKey: z.string(),
  /** Final-epoch weights (or best-epoch weights when hyperparameters.evaluate is 'best'). */
  checkpointKey: ArtifactKey,
  devCurve: z.array(DevCurvePoint),
  bestEpoch: z.int().min(1),
  steps: z.int().min(0),
  stepsPerEpoch: z.int().min(0),
  trainingExamples: z.int().min(0),
  truncatedSentences: z.int().min(0),
  tokensPerSecond: z.number().min(0),
  modelFlopUtilization: z.number().min(0).nullable(),
  device: z.string(),
  precision: Precision,
  resumedFromEpoch: z.int().min(0),
  seconds: z.object({
    total: z.number().min(0),
    training: z.number().min(0),
    eval: z.number().min(0),
  }),
});
export type TrainStageOutput = z.infer<typeof TrainStageOutput>;

export const EvaluateInput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  encoder: EncoderRef,
  mode: TrainingMode,
  checkpointKey: ArtifactKey,
  /** JSON Lines of {"text", "label"} rows to predict. */
  evalSetKey: ArtifactKey,
  labelSetKey: ArtifactKey,
  maxLength: z.int().min(8).max(4096),
  batchSize: z.int().min(1).max(4096),
  precision: Precision,
});
export type EvaluateInput = z.infer<typeof EvaluateInput>;

/** One row of a predictions artifact (JSON Lines). */
export const PredictionRow = z.object({
  index: z.int().min(0),
  gold: z.string(),
  predicted: z.string(),
  top5: z.array(z.object({ label: z.string(), probability: z.number().min(0).max(1) })),
});
export type PredictionRow = z.infer<typeof PredictionRow>;

export const EvaluateOutput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  predictionsKey: ArtifactKey,
  sentences: z.int().min(0),
  seconds: z.number().min(0),
});
export type EvaluateOutput = z.infer<typeof EvaluateOutput>;

export const EmbedSentencesInput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  encoder: EncoderRef,
  /** JSON Lines of {"text"} rows. */
  sentencesKey: ArtifactKey,
  pooling: z.enum(['mean', 'cls']).default('mean'),
  maxLength: z.int().min(8).max(4096).default(256),
});
export type EmbedSentencesInput = z.infer<typeof EmbedSentencesInput>;

export const EmbedSentencesOutput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  /** Little-endian float32 matrix, row-major, count × dimension, L2-normalised rows. */
  embeddingsKey: ArtifactKey,
  count: z.int().min(0),
  dimension: z.int().min(1),
});
export type EmbedSentencesOutput = z.infer<typeof EmbedSentencesOutput>;

export const ExportOnnxInput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  encoder: EncoderRef,
  mode: TrainingMode,
  checkpointKey: ArtifactKey,
  labelSetKey: ArtifactKey,
  maxLength: z.int().min(8).max(4096),
});
export type ExportOnnxInput = z.infer<typeof ExportOnnxInput>;

export const ExportOnnxOutput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  /** A JSON manifest {"files": {"model.onnx": key, "tokenizer.json": key, "labels.json": key}}. */
  manifestKey: ArtifactKey,
  opset: z.int(),
});
export type ExportOnnxOutput = z.infer<typeof ExportOnnxOutput>;

/** Foundation round-trip: read an artifact, write its transformation as a new artifact. */
export const TransformArtifactInput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  inputKey: ArtifactKey,
  transform: z.enum(['uppercase', 'reverse-lines']),
});
export type TransformArtifactInput = z.infer<typeof TransformArtifactInput>;

export const TransformArtifactOutput = z.object({
  contractVersion: z.literal(TRAINER_CONTRACT_VERSION),
  outputKey: ArtifactKey,
  inputBytes: z.int().min(0),
  outputBytes: z.int().min(0),
});
export type TransformArtifactOutput = z.infer<typeof TransformArtifactOutput>;

/** Activity names on the trainer's task queue, shared by workflows and the Python worker. */
export const TRAINER_ACTIVITIES = {
  trainStage: 'trainStage',
  evaluateCheckpoint: 'evaluateCheckpoint',
  embedSentences: 'embedSentences',
  exportOnnx: 'exportOnnx',
  transformArtifact: 'transformArtifact',
} as const;
