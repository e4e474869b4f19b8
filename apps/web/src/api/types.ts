/**
 * Shapes of the ttpgrid API's JSON answers as the UI reads them (from the view functions in
 * packages/orchestration/src/grid). Scores are fractions 0..1; dates are ISO strings.
 */

export type ExperimentStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'completed_with_failures'
  | 'failed'
  | 'cancelled'
  | (string & {});

export interface ExperimentProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  queued: number;
  cancelled: number;
  stagesTotal: number;
  /** Finished before the experiment started: reused from an earlier experiment. */
  stagesCached: number;
  stagesTrained: number;
  stagesRunning?: number;
  stagesFailed?: number;
}

export interface ExperimentSummary {
  id: string;
  name: string;
  status: ExperimentStatus;
  mode: string;
  createdAt: string;
  finishedAt: string | null;
  datasetVersionId: string | null;
  datasetVersionIds?: string[];
  archived: boolean;
  parentExperimentId?: string | null;
  progress: ExperimentProgress;
  elapsedSeconds: number | null;
  /** 0 once finished; null before the first run ends. */
  etaSeconds: number | null;
}

export interface ExperimentPage {
  items: ExperimentSummary[];
  page: number;
  pageSize: number;
  total: number;
}

export type Axes = Record<string, string | number>;

export interface RunSummary {
  id: string;
  runKey: string;
  caseName: string;
  encoder: string;
  seed: number;
  axes: Axes;
  status: string;
  error: string | null;
  microF1: number | null;
  macroF1: number | null;
  minorityMacroF1: number | null;
  majorityMacroF1: number | null;
  gpuSeconds?: number | null;
}

export interface ExperimentDetail extends ExperimentSummary {
  spec: { name?: string; description?: string } & Record<string, unknown>;
  codeVersion: string;
  runs: RunSummary[];
  stages?: { durationSeconds: number; gpuSeconds: number };
}

export interface Interval {
  lower: number;
  upper: number;
  level?: number;
}

export interface MetricSummary {
  mean: number | null;
  std: number | null;
  ci?: Interval | null;
}

export interface LeaderboardCell {
  experimentId: string;
  experimentName: string;
  datasetVersionId: string;
  mode: string;
  caseName: string;
  encoder: string;
  axes: Axes;
  n: number;
  micro: MetricSummary;
  macro: MetricSummary;
  minorityMacro: MetricSummary | null;
  best: { micro: boolean; macro: boolean };
  significant: { micro: boolean; macro: boolean };
}

export interface LeaderboardComparison {
  experimentId: string;
  encoder: string;
  axes: Axes;
  treatment: string;
  baseline: string;
  source: string;
  metric: 'micro' | 'macro';
  difference: number | null;
  ci: Interval | null;
  pValue: number | null;
  adjustedP: number | null;
  significant: boolean;
  /** Paired bootstrap over test sentences (seed-averaged scores), Holm-adjusted per table. */
  bootstrap: {
    difference: number;
    ci: Interval;
    pValue: number;
    adjustedP: number | null;
    resamples: number;
    sentences: number;
  } | null;
}

export interface Leaderboard {
  cells: LeaderboardCell[];
  comparisons: LeaderboardComparison[];
}

export interface TechniqueCell {
  caseName: string;
  encoder: string;
  axes: Axes;
  f1: number;
  n: number;
  /** F1 minus the same technique's F1 in P for the same encoder and axes. */
  gainOverP: number | null;
}

export interface TechniqueRow {
  techniqueId: string;
  name: string | null;
  minority: boolean;
  support: number;
  trainCount: number | null;
  cells: TechniqueCell[];
}

export interface TechniqueTable {
  experimentId: string;
  name: string;
  mode: string;
  cases: string[];
  columns: { encoder: string; axes: Axes }[];
  techniques: TechniqueRow[];
}

export interface ClassMetricRow {
  techniqueId: string;
  name: string | null;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  minority: boolean;
}

export interface Confusion {
  gold: string;
  goldName?: string | null;
  predicted: string;
  predictedName?: string | null;
  count: number;
}

export interface MisclassifiedSentence {
  index: number;
  text: string | null;
  gold: string;
  goldName?: string | null;
  predicted: string;
  predictedName?: string | null;
}

export interface DevCurvePoint {
  epoch: number;
  trainLoss?: number | null;
  devMicroF1?: number | null;
  devMacroF1?: number | null;
}

export interface RunStage {
  key: string;
  position: number;
  sources?: string;
  status: string;
  attempts?: number;
  cached?: boolean;
  device?: string | null;
  precision?: string | null;
  durationSeconds?: number | null;
  gpuSeconds?: number | null;
  bestEpoch?: number | null;
  trainingExamples?: number | null;
  devCurve?: DevCurvePoint[];
  error?: string | null;
}

export interface AuxiliarySelection {
  stageKey: string;
  label: string;
  name: string | null;
  minority: boolean;
  sentences: { text: string; score: number | null; source: string; index: number }[];
  shortfall: { label: string; needed: number; available: number } | null;
}

export interface RunDetail {
  id: string;
  experimentId: string;
  experimentName: string;
  runKey: string;
  caseName: string;
  encoder: string;
  seed: number;
  axes: Axes;
  status: string;
  error: string | null;
  datasetVersionId: string;
  hyperparameters: { mode?: string } & Record<string, unknown>;
  scores: {
    microF1: number | null;
    macroF1: number | null;
    minorityMacroF1: number | null;
    majorityMacroF1: number | null;
  };
  gpuSeconds: number | null;
  classMetrics: ClassMetricRow[];
  confusion: Confusion[];
  misclassified: MisclassifiedSentence[];
  stages: RunStage[];
  selections: AuxiliarySelection[];
  missingArtifacts?: string[];
}

export type CompareMetric = 'micro' | 'macro' | 'minorityMacro';

export interface ComparedSide {
  n: number;
  mean: number | null;
  std: number | null;
}

export interface ComparedCell {
  caseName: string;
  encoder: string;
  axes: Axes;
  metric: CompareMetric;
  a: ComparedSide;
  b: ComparedSide;
  /** Mean of b minus mean of a. */
  difference: number | null;
  ci: Interval | null;
  pValue: number | null;
  adjustedP: number | null;
  significant: boolean;
}

export interface ComparedExperiment {
  id: string;
  name: string;
  status: string;
  datasetVersionIds: string[];
}

export interface Comparison {
  a: ComparedExperiment;
  b: ComparedExperiment;
  metrics: CompareMetric[];
  cells: ComparedCell[];
  onlyInA?: { caseName: string; encoder: string; axes: Axes }[];
  onlyInB?: { caseName: string; encoder: string; axes: Axes }[];
}

export interface DatasetVersion {
  id: string;
  label: string;
  createdAt: string;
  sentences?: number;
  classes?: number;
}

/** Top-1 scores of a deployed model over one set of sentences. */
export interface SplitScores {
  sentences: number;
  microF1: number;
  macroF1: number;
}

/** GET /api/models: one deployed model (apps/api/src/models/models.dto.ts). */
export interface ModelSummary {
  id: string;
  createdAt: string;
  active: boolean;
  experimentId: string;
  experimentName: string;
  runId: string;
  caseName: string;
  encoder: string;
  seed: number;
  datasetVersionId: string;
  attackVersion: string;
  /** The calibrated default threshold: a technique is shown at or above it. */
  threshold: number;
  /** Share of held-out negative sentences (no technique) that still show one at the threshold. */
  negativeShare: number;
  test: SplitScores;
  ood: SplitScores | null;
}

export interface ModelEvaluation extends SplitScores {
  set: 'dev' | 'test' | 'ood';
  inDistribution: boolean;
}

export interface ModelProvenance {
  experiment?: { id: string; name: string };
  run?: {
    id: string;
    runKey: string;
    caseName: string;
    encoder: string;
    seed: number;
    stageKeys?: string[];
    hyperparameters?: { mode?: string } & Record<string, unknown>;
  };
  datasetVersion?: { id: string; label: string };
  attackVersion?: string;
  manifestKey?: string;
  maxLength?: number;
  techniqueCount?: number;
}

export interface ThresholdPoint {
  threshold: number;
  devMicroF1: number;
  devPrecision: number;
  devRecall: number;
  negativeShare: number;
}

/** How the default threshold was chosen (DeployCalibration in packages/orchestration). */
export interface ModelCalibration extends Partial<Omit<ThresholdPoint, 'negativeShare'>> {
  rule?: string;
  maxNegativeShare?: number;
  calibrationNegativeShare?: number;
  measurementNegativeShare?: number;
  devSentences?: number;
  negatives?: { available: number; used: number; calibration: number; measurement: number };
  curve?: ThresholdPoint[];
}

export interface ModelSelection {
  rule?: string;
  epoch?: number;
  devMacroF1?: number;
  devMicroF1?: number;
  candidates?: number;
}

export interface ModelDetail extends ModelSummary {
  provenance: ModelProvenance;
  evaluation: ModelEvaluation[];
  metrics: { selection?: ModelSelection } & Record<string, unknown>;
  calibration: ModelCalibration;
  techniques: { id: string; name: string }[];
}

export type ReportFormat = 'text' | 'markdown' | 'html';

/** The JSON body of POST /api/classify and /api/classify/navigator. */
export interface ClassifyRequest {
  text: string;
  format?: ReportFormat;
  modelId?: string;
  topK?: number;
  threshold?: number;
  title?: string;
}

export interface TechniqueScore {
  id: string;
  name: string;
  probability: number;
}

export interface TechniqueSummary {
  id: string;
  name: string;
  maxProbability: number;
  sentenceCount: number;
  /** Its strongest sentences, most probable first. */
  sentences: { index: number; text: string; probability: number }[];
}

export interface Classification {
  model: {
    manifestKey: string;
    modelId?: string;
    attackVersion?: string;
    techniqueCount: number;
    maxLength?: number;
  };
  format: ReportFormat;
  topK: number;
  threshold: number;
  sentences: { index: number; text: string; techniques: TechniqueScore[] }[];
  summary: {
    sentences: number;
    sentencesWithTechniques: number;
    truncatedSentences: number;
    techniques: TechniqueSummary[];
  };
}
