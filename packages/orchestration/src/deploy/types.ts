import type { EncoderRef, Precision, TrainingMode } from '@ttpgrid/contracts';

/** What POST /api/models starts: the best run of an experiment (by dev), or the named run. */
export interface DeployWorkflowInput {
  experimentId: string;
  /** Deploy this run instead of choosing one by dev Macro-F1. */
  runId?: string | null;
  /** Negative sentences used at most for calibration and measurement (default: all). */
  negativesLimit?: number | null;
  trainerTaskQueue: string;
}

/** The run chosen for deployment and everything its export and evaluations need. */
export interface DeployPlan {
  experimentId: string;
  runId: string;
  datasetVersionId: string;
  attackVersion: string;
  encoder: EncoderRef;
  mode: TrainingMode;
  precision: Precision;
  maxLength: number;
  batchSize: number;
  checkpointKey: string;
  labelSetKey: string;
  devKey: string;
  testKey: string;
  oodKey: string | null;
  negativesKey: string;
  selection: RunSelection;
}

/** Why the run was chosen: its checkpoint's dev figures, and how many runs competed. */
export interface RunSelection {
  rule: typeof SELECTION_RULE | 'named-run';
  epoch: number;
  devMacroF1: number;
  devMicroF1: number;
  candidates: number;
}

/**
 * Runs are compared by the dev Macro-F1 of the epoch whose weights the run's final stage kept
 * (the final epoch, or the best one when the run evaluates its best epoch); ties go to the higher
 * dev Micro-F1, then to the smaller run key. Test figures never take part.
 */
export const SELECTION_RULE = 'checkpoint-dev-macro-f1-v1';

/** Top-1 scores over a set of sentences. */
export interface SplitScores {
  sentences: number;
  microF1: number;
  macroF1: number;
}

/** The calibration activity's result: the chosen threshold and what it means on held-out data. */
export interface DeployCalibration {
  rule: string;
  threshold: number;
  maxNegativeShare: number;
  devMicroF1: number;
  devPrecision: number;
  devRecall: number;
  /** Share of the calibration half of the negatives at or above the threshold. */
  calibrationNegativeShare: number;
  /** The same share on the measurement half: the figure to report. */
  measurementNegativeShare: number;
  devSentences: number;
  negatives: { available: number; used: number; calibration: number; measurement: number };
  negativesLimit: number | null;
  /** Dev F1 and held-out negative share at fixed thresholds, for the model page. */
  curve: {
    threshold: number;
    devMicroF1: number;
    devPrecision: number;
    devRecall: number;
    negativeShare: number;
  }[];
}

/** DeployedModel.metrics: OOD beside the in-distribution splits. */
export interface DeployedMetrics {
  dev: SplitScores;
  test: SplitScores;
  ood: SplitScores | null;
  negativeShare: { threshold: number; measurement: number; calibration: number };
  selection: RunSelection;
}

export interface DeployResult {
  modelId: string;
  experimentId: string;
  runId: string;
  manifestKey: string;
  threshold: number;
  metrics: DeployedMetrics;
}

/** One deployment per experiment at a time; Temporal allows the ID again once it closed. */
export function deployWorkflowId(experimentId: string): string {
  return `deploy-${experimentId}`;
}
