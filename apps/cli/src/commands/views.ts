/** The parts of the API's answers the commands print. */
export interface Progress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  queued: number;
  cancelled: number;
  stagesTotal: number;
  stagesCached: number;
  stagesTrained: number;
  stagesRunning: number;
}

export interface ExperimentItem {
  id: string;
  name: string;
  status: string;
  mode: string;
  createdAt: string;
  finishedAt: string | null;
  datasetVersionId: string | null;
  archived: boolean;
  parentExperimentId: string | null;
  progress: Progress;
  elapsedSeconds: number;
  etaSeconds: number | null;
}

export interface RunSummary {
  id: string;
  caseName: string;
  encoder: string;
  seed: number;
  axes: Record<string, string | number>;
  status: string;
  error: string | null;
  microF1: number | null;
  macroF1: number | null;
}

export interface ExperimentDetail extends ExperimentItem {
  runs: RunSummary[];
  codeVersion: string;
}

export interface Submission {
  experimentId: string;
  created: boolean;
  runs: number;
  stages: number;
  cachedStages: number;
  datasetVersions: string[];
  parentExperimentId?: string;
}

export const ACTIVE_STATUSES = ['queued', 'running'];

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : (value * 100).toFixed(1);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '?';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 12) : '—';
}
