import { getJson, getJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import type { DevCurvePoint, PredictionRow, TrainStageOutput } from '@ttpgrid/contracts';
import type { Database } from '@ttpgrid/db';
import type { ClassShortfall, LabelledSentence, SelectedSentence } from '@ttpgrid/grid';
import { classificationReport } from '@ttpgrid/metrics';

import { RecordNotFoundError } from './result-rows';

interface SelectionArtifact {
  minorityClasses: string[];
  selected: SelectedSentence[];
  shortfalls: ClassShortfall[];
}

type StageResult = Partial<TrainStageOutput> & { selectionKey?: string | null };

/**
 * Everything the run page shows: per-class metrics, the confusion pairs (largest first), the
 * misclassified test sentences (predictions aligned with the test split by index), each stage's
 * dev curve, timings and cache reuse, and the auxiliary sentences selected per minority class.
 */
export async function runDetail(db: Database, store: ArtifactStore, runId: string) {
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      classMetrics: { orderBy: { techniqueId: 'asc' } },
      experiment: { select: { id: true, name: true, createdAt: true, status: true } },
    },
  });
  if (!run) throw new RecordNotFoundError('run', runId);

  const names = await classNames(db, run.datasetVersionId);
  const missing: string[] = [];
  const predictions = await predictionsOf(db, store, run, missing);
  const stages = await stagesOf(db, run.stageKeys, run.experiment.createdAt);
  const selections = await selectionsOf(store, stages, names, missing);

  return {
    id: run.id,
    experimentId: run.experimentId,
    experimentName: run.experiment.name,
    runKey: run.runKey,
    caseName: run.caseName,
    encoder: run.encoder,
    seed: run.seed,
    axes: run.axes,
    status: run.status,
    error: run.error,
    datasetVersionId: run.datasetVersionId,
    codeVersion: run.codeVersion,
    hyperparameters: run.hyperparameters,
    scores: {
      microF1: run.microF1,
      macroF1: run.macroF1,
      minorityMacroF1: run.minorityMacroF1,
      majorityMacroF1: run.majorityMacroF1,
    },
    gpuSeconds: run.gpuSeconds,
    labelSet: run.labelSet,
    classMetrics: run.classMetrics.map((metric) => ({
      techniqueId: metric.techniqueId,
      name: names.get(metric.techniqueId) ?? null,
      precision: metric.precision,
      recall: metric.recall,
      f1: metric.f1,
      support: metric.support,
      minority: metric.minority,
    })),
    confusion: confusionPairs(predictions.rows, names),
    misclassified: misclassifiedSentences(predictions.rows, predictions.test, names),
    stages: stages.map(({ selectionKey: _key, ...stage }) => stage),
    selections,
    missingArtifacts: missing,
  };
}

async function classNames(db: Database, datasetVersionId: string) {
  const rows = await db.datasetClass.findMany({
    where: { datasetVersionId },
    select: { techniqueId: true, name: true },
  });
  return new Map(rows.map((row) => [row.techniqueId, row.name]));
}

async function predictionsOf(
  db: Database,
  store: ArtifactStore,
  run: { predictionsKey: string | null; datasetVersionId: string },
  missing: string[],
) {
  const version = await db.datasetVersion.findUnique({
    where: { id: run.datasetVersionId },
    select: { artifacts: true },
  });
  const testKey = (version?.artifacts as { test?: string } | null)?.test ?? null;
  const rows = await readLines<PredictionRow>(store, run.predictionsKey, 'predictions', missing);
  const test = await readLines<LabelledSentence>(store, testKey, 'test split', missing);
  return { rows, test };
}

async function readLines<T>(
  store: ArtifactStore,
  key: string | null,
  what: string,
  missing: string[],
): Promise<T[]> {
  if (!key) return [];
  if (!(await store.has(key))) {
    missing.push(`${what} ${key}`);
    return [];
  }
  return getJsonLines<T>(store, key);
}

function confusionPairs(rows: PredictionRow[], names: Map<string, string>) {
  if (rows.length === 0) return [];
  const report = classificationReport(
    rows.map((row) => row.gold),
    rows.map((row) => row.predicted),
  );
  return report.confusion
    .filter((pair) => pair.gold !== pair.predicted)
    .sort((a, b) => b.count - a.count)
    .map((pair) => ({
      gold: pair.gold,
      goldName: names.get(pair.gold) ?? null,
      predicted: pair.predicted,
      predictedName: names.get(pair.predicted) ?? null,
      count: pair.count,
    }));
}

function misclassifiedSentences(
  rows: PredictionRow[],
  test: LabelledSentence[],
  names: Map<string, string>,
) {
  return rows
    .filter((row) => row.gold !== row.predicted)
    .map((row) => ({
      index: row.index,
      text: test[row.index]?.text ?? null,
      gold: row.gold,
      goldName: names.get(row.gold) ?? null,
      predicted: row.predicted,
      predictedName: names.get(row.predicted) ?? null,
      top5: row.top5,
    }));
}

export interface RunStageView {
  key: string;
  position: number;
  sources: string | null;
  status: string;
  attempts: number;
  /** Finished before the run's experiment started: reused, not trained for it. */
  cached: boolean;
  device: string | null;
  precision: string | null;
  durationSeconds: number | null;
  gpuSeconds: number | null;
  seconds: TrainStageOutput['seconds'] | null;
  steps: number | null;
  bestEpoch: number | null;
  trainingExamples: number | null;
  tokensPerSecond: number | null;
  devCurve: DevCurvePoint[];
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  selectionKey: string | null;
}

async function stagesOf(db: Database, keys: string[], experimentCreatedAt: Date) {
  const rows = await db.stage.findMany({ where: { key: { in: keys } } });
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return keys.map((key, position): RunStageView => {
    const stage = byKey.get(key);
    const result = (stage?.result ?? {}) as StageResult;
    return {
      key,
      position,
      sources: stage?.sources ?? null,
      status: stage?.status ?? 'pending',
      attempts: stage?.attempts ?? 0,
      cached: stage?.status === 'succeeded' && isBefore(stage.finishedAt, experimentCreatedAt),
      device: stage?.device ?? null,
      precision: stage?.precision ?? null,
      durationSeconds: stage?.durationSeconds ?? null,
      gpuSeconds: stage?.gpuSeconds ?? null,
      seconds: result.seconds ?? null,
      steps: result.steps ?? null,
      bestEpoch: result.bestEpoch ?? null,
      trainingExamples: result.trainingExamples ?? null,
      tokensPerSecond: result.tokensPerSecond ?? null,
      devCurve: result.devCurve ?? [],
      startedAt: stage?.startedAt ?? null,
      finishedAt: stage?.finishedAt ?? null,
      error: stage?.error ?? null,
      selectionKey: result.selectionKey ?? null,
    };
  });
}

function isBefore(time: Date | null, reference: Date): boolean {
  return time !== null && time.getTime() < reference.getTime();
}

async function selectionsOf(
  store: ArtifactStore,
  stages: { key: string; selectionKey: string | null }[],
  names: Map<string, string>,
  missing: string[],
) {
  const selections = [];
  for (const stage of stages) {
    if (!stage.selectionKey) continue;
    if (!(await store.has(stage.selectionKey))) {
      missing.push(`selection ${stage.selectionKey}`);
      continue;
    }
    const artifact = await getJson<SelectionArtifact>(store, stage.selectionKey);
    selections.push(...selectionByClass(stage.key, artifact, names));
  }
  return selections;
}

function selectionByClass(
  stageKey: string,
  artifact: SelectionArtifact,
  names: Map<string, string>,
) {
  const labels = [
    ...new Set([
      ...artifact.selected.map((row) => row.label),
      ...artifact.shortfalls.map((row) => row.label),
    ]),
  ].sort();
  const minority = new Set(artifact.minorityClasses);
  return labels.map((label) => ({
    stageKey,
    label,
    name: names.get(label) ?? null,
    minority: minority.has(label),
    sentences: artifact.selected
      .filter((row) => row.label === label)
      .map(({ text, score, source, index }) => ({ text, score, source, index })),
    shortfall: artifact.shortfalls.find((row) => row.label === label) ?? null,
  }));
}
