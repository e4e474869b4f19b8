import type { EncoderRef, Precision, TrainingMode, TrainStageOutput } from '@ttpgrid/contracts';

/** What the experiment workflow needs of a run: keys and small values only. */
export interface RunTask {
  runKey: string;
  runId: string;
  caseName: string;
  encoder: EncoderRef;
  mode: TrainingMode;
  precision: Precision;
  maxLength: number;
  batchSize: number;
  testKey: string;
  labelSetKey: string;
  stageKeys: string[];
}

export interface ExperimentPlanSummary {
  experimentId: string;
  runs: RunTask[];
  concurrency: number;
}

/** A finished stage as the workflows pass it on. */
export interface StageOutcome {
  stageKey: string;
  checkpointKey: string;
  cached: boolean;
  output: TrainStageOutput | null;
}

export interface ComposedTrainingSet {
  trainingSetKey: string;
  selectionKey: string | null;
  examples: number;
  shortfalls: number;
}

export interface EmbeddingsRef {
  embeddingsKey: string;
  count: number;
  dimension: number;
}

export interface StageEmbeddings {
  train: EmbeddingsRef;
  auxiliary: EmbeddingsRef;
}

export interface ExperimentProgress {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
  queued: number;
  stagesCached: number;
  stagesTrained: number;
}

export interface ExperimentWorkflowInput {
  experimentId: string;
  trainerTaskQueue: string;
  /** Only these runs (retry of failed runs, or what is left after continue-as-new). */
  onlyRunKeys?: string[];
  carried?: Pick<ExperimentProgress, 'succeeded' | 'failed' | 'stagesCached' | 'stagesTrained'>;
  /** Continue as new after this many runs (tests; large grids continue on history size). */
  continueAfterRuns?: number;
}

export const EXPERIMENT_STATUS = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  partial: 'completed_with_failures',
  cancelled: 'cancelled',
} as const;

export const RUN_STATUS = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

export const STAGE_STATUS = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

export function stageWorkflowId(stageKey: string): string {
  return `stage-${stageKey}`;
}

export function experimentWorkflowId(experimentId: string): string {
  return `experiment-${experimentId}`;
}
