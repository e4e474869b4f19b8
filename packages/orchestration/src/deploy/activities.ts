import { ApplicationFailure } from '@temporalio/activity';

import { getJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import type { ClassifierRegistry } from '@ttpgrid/classifier';
import { createLogger, loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import type {
  ExportOnnxInput,
  ExportOnnxOutput,
  PredictionRow,
  TrainStageOutput,
} from '@ttpgrid/contracts';
import { Prisma, type Database } from '@ttpgrid/db';
import { hashOf, type PlannedStage } from '@ttpgrid/grid';
import { classificationReport } from '@ttpgrid/metrics';

import { RUN_STATUS } from '../grid/types';
import type { CalibrationRequest } from './calibration';
import { chooseRunByDev, type SelectionCandidate } from './selection';
import type {
  DeployCalibration,
  DeployedMetrics,
  DeployPlan,
  DeployResult,
  RunSelection,
  SplitScores,
} from './types';

const log = createLogger('deploy.activities');

export interface DeployActivityDependencies {
  store: ArtifactStore;
  db: Database;
  /** Where exported models are unpacked for onnxruntime (`<dataHome>/onnx-cache`). */
  config?: TtpgridConfig;
}

export interface RegistrationRequest {
  modelId: string;
  plan: DeployPlan;
  manifestKey: string;
  predictions: { dev: string; test: string; ood: string | null };
  calibration: DeployCalibration;
}

/** Dataset version artifacts the deployment reads (DatasetVersion.artifacts). */
interface DatasetArtifactKeys {
  dev: string;
  test: string;
  labelSet: string;
  negatives: string | null;
  ood: string | null;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

export function createDeployActivities(deps: DeployActivityDependencies) {
  const { store, db } = deps;
  let registry: ClassifierRegistry | null = null;

  return {
    /** Picks the run by dev figures (or checks the named one) and keeps its weights. */
    async selectDeployRun(experimentId: string, runId: string | null): Promise<DeployPlan> {
      const { run, stage, selection } = await chooseRun(db, experimentId, runId);
      const definition = stage.definition as unknown as PlannedStage;
      const checkpointKey = await requireCheckpoint(store, stage);
      await db.run.update({ where: { id: run.id }, data: { keep: true } });

      const dataset = await db.datasetVersion.findUnique({ where: { id: run.datasetVersionId } });
      if (!dataset) throw badInput(`dataset version ${run.datasetVersionId} is not registered`);
      const artifacts = dataset.artifacts as unknown as DatasetArtifactKeys;
      if (!artifacts.negatives) {
        throw badInput(`dataset version ${dataset.id} has no negatives to calibrate with`);
      }

      log.info('deploy run selected', { experimentId, runId: run.id, ...selection });
      return {
        experimentId,
        runId: run.id,
        datasetVersionId: dataset.id,
        attackVersion: dataset.labelAttackVersion,
        encoder: { name: definition.encoder.name, path: definition.encoder.path },
        mode: definition.mode,
        precision: definition.precision,
        maxLength: definition.hyperparameters.maxLength,
        batchSize: Math.max(definition.hyperparameters.batchSize, 32),
        checkpointKey,
        labelSetKey: definition.data.labelSetKey,
        devKey: definition.data.devKey,
        testKey: artifacts.test,
        oodKey: artifacts.ood,
        negativesKey: artifacts.negatives,
        selection,
      };
    },

    /** The manifest of an earlier export of the same checkpoint and length, if still stored. */
    async lookupOnnxExport(request: ExportOnnxInput): Promise<string | null> {
      const found = await db.derivation.findUnique({
        where: { identity: exportIdentity(request) },
      });
      return found && (await store.has(found.artifactKey)) ? found.artifactKey : null;
    },

    async recordOnnxExport(request: ExportOnnxInput, output: ExportOnnxOutput) {
      const identity = exportIdentity(request);
      await db.derivation.upsert({
        where: { identity },
        create: {
          identity,
          kind: 'onnx-export',
          artifactKey: output.manifestKey,
          parameters: json(request),
          summary: { opset: output.opset },
        },
        update: { artifactKey: output.manifestKey, summary: { opset: output.opset } },
      });
    },

    /**
     * The default threshold from dev predictions and the model's highest probability on the
     * calibration half of the negatives (onnxruntime, as served); the measurement half gives
     * the share to report. Heartbeats between batches.
     */
    async calibrateDeployment(request: CalibrationRequest): Promise<DeployCalibration> {
      // Loaded on first use: onnxruntime's native module is not needed by every importer.
      const calibration = await import('./calibration');
      registry ??= calibration.openRegistry(store, deps.config ?? loadConfig());
      const model = await registry.get({
        manifestKey: request.manifestKey,
        maxLength: request.maxLength,
      });
      try {
        return await calibration.calibrate(model, store, request);
      } finally {
        await registry.evict(request.manifestKey);
      }
    },

    /** Writes the deployed model, active, and deactivates the one served before. */
    async registerDeployedModel(request: RegistrationRequest): Promise<DeployResult> {
      const { plan, modelId, calibration } = request;
      const metrics: DeployedMetrics = {
        dev: await scoresOf(store, request.predictions.dev),
        test: await scoresOf(store, request.predictions.test),
        ood: request.predictions.ood ? await scoresOf(store, request.predictions.ood) : null,
        negativeShare: {
          threshold: calibration.threshold,
          measurement: calibration.measurementNegativeShare,
          calibration: calibration.calibrationNegativeShare,
        },
        selection: plan.selection,
      };
      const names = await db.datasetClass.findMany({
        where: { datasetVersionId: plan.datasetVersionId },
        select: { techniqueId: true, name: true },
        orderBy: { techniqueId: 'asc' },
      });
      const fields = {
        experimentId: plan.experimentId,
        runId: plan.runId,
        datasetVersionId: plan.datasetVersionId,
        attackVersion: plan.attackVersion,
        manifestKey: request.manifestKey,
        maxLength: plan.maxLength,
        threshold: calibration.threshold,
        calibration: json(calibration),
        metrics: json(metrics),
        techniqueNames: Object.fromEntries(names.map((row) => [row.techniqueId, row.name])),
        active: true,
      };

      await db.$transaction([
        db.deployedModel.updateMany({
          where: { active: true, id: { not: modelId } },
          data: { active: false },
        }),
        db.deployedModel.upsert({
          where: { id: modelId },
          create: { id: modelId, ...fields },
          update: fields,
        }),
      ]);
      log.info('model deployed', { modelId, runId: plan.runId, threshold: calibration.threshold });
      return {
        modelId,
        experimentId: plan.experimentId,
        runId: plan.runId,
        manifestKey: request.manifestKey,
        threshold: calibration.threshold,
        metrics,
      };
    },
  };
}

export type DeployActivities = ReturnType<typeof createDeployActivities>;

type StageRow = NonNullable<Awaited<ReturnType<Database['stage']['findUnique']>>>;
type RunRow = NonNullable<Awaited<ReturnType<Database['run']['findUnique']>>>;

/** The named run, or the best succeeded run of the experiment by SELECTION_RULE. */
async function chooseRun(db: Database, experimentId: string, runId: string | null) {
  const experiment = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw badInput(`experiment ${experimentId} not found`);

  const runs = await db.run.findMany({
    where: { experimentId, status: RUN_STATUS.succeeded, ...(runId ? { id: runId } : {}) },
  });
  if (runs.length === 0) {
    throw badInput(
      runId
        ? `run ${runId} is not a succeeded run of experiment ${experimentId}`
        : `experiment ${experimentId} has no succeeded run`,
    );
  }

  const finalKeys = runs.map((run) => run.stageKeys.at(-1) ?? '');
  const stages = await db.stage.findMany({ where: { key: { in: finalKeys } } });
  const stageByKey = new Map(stages.map((stage) => [stage.key, stage]));
  const candidates = runs.map((run) =>
    candidateOf(run, stageByKey.get(run.stageKeys.at(-1) ?? '')),
  );
  const chosen = chooseRunByDev(candidates);
  if (!chosen) throw badInput(`no run of experiment ${experimentId} has a dev curve`);

  const run = runs.find((candidate) => candidate.id === chosen.runId) as RunRow;
  const stage = stageByKey.get(run.stageKeys.at(-1) ?? '') as StageRow;
  const selection: RunSelection = runId
    ? { ...chosen.selection, rule: 'named-run' }
    : chosen.selection;
  return { run, stage, selection };
}

function candidateOf(run: RunRow, stage: StageRow | undefined): SelectionCandidate {
  const result = (stage?.result ?? null) as Partial<TrainStageOutput> | null;
  const definition = (stage?.definition ?? null) as PlannedStage | null;
  const keepsBest = definition?.hyperparameters.evaluate === 'best';
  return {
    runId: run.id,
    runKey: run.runKey,
    devCurve: result?.devCurve ?? [],
    keptEpoch: keepsBest ? (result?.bestEpoch ?? null) : null,
  };
}

async function requireCheckpoint(store: ArtifactStore, stage: StageRow): Promise<string> {
  const key = stage.checkpointKey;
  if (!key || stage.checkpointGone || !(await store.has(key))) {
    throw ApplicationFailure.nonRetryable(
      `stage ${stage.key} no longer has its weights (collected by retention?): re-run the grid`,
      'ArtifactMissing',
    );
  }
  return key;
}

async function scoresOf(store: ArtifactStore, predictionsKey: string): Promise<SplitScores> {
  const rows = await getJsonLines<PredictionRow>(store, predictionsKey);
  const report = classificationReport(
    rows.map((row) => row.gold),
    rows.map((row) => row.predicted),
  );
  return { sentences: report.sentences, microF1: report.microF1, macroF1: report.macroF1 };
}

function exportIdentity(request: ExportOnnxInput): string {
  return hashOf({ kind: 'onnx-export', ...request });
}

function badInput(message: string) {
  return ApplicationFailure.nonRetryable(message, 'BadInput');
}
