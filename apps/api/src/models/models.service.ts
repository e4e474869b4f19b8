import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Client } from '@temporalio/client';

import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import type { Database, Prisma } from '@ttpgrid/db';
import {
  describeDeployment,
  startDeployment,
  type DeployCalibration,
  type DeployedMetrics,
  type DeploymentRequest,
} from '@ttpgrid/orchestration';

import { API_CONFIG, DATABASE, TEMPORAL_CLIENT } from '../tokens';

const WITH_PROVENANCE = {
  experiment: { select: { id: true, name: true } },
  run: {
    select: {
      id: true,
      runKey: true,
      caseName: true,
      encoder: true,
      seed: true,
      hyperparameters: true,
      stageKeys: true,
    },
  },
  datasetVersion: { select: { id: true, label: true } },
} as const;

type ModelRow = Prisma.DeployedModelGetPayload<{ include: typeof WITH_PROVENANCE }>;

/** Deploys models through the deploy workflow and shows what was deployed. */
@Injectable()
export class ModelsService {
  private readonly log = createLogger('api.models');

  constructor(
    @Inject(API_CONFIG) private readonly config: TtpgridConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async deploy(request: DeploymentRequest) {
    const started = await startDeployment(this.client, this.db, this.config, request);
    this.log.info('deployment started', { ...started });
    return started;
  }

  async deployment(workflowId: string) {
    const status = await describeDeployment(this.client, workflowId);
    if (!status) throw new NotFoundException(`deployment ${workflowId} not found`);
    return status;
  }

  async list() {
    const rows = await this.db.deployedModel.findMany({
      include: WITH_PROVENANCE,
      orderBy: { createdAt: 'desc' },
    });
    return { items: rows.map((row) => summaryOf(row)) };
  }

  async detail(modelId: string) {
    const row = await this.db.deployedModel.findUnique({
      where: { id: modelId },
      include: WITH_PROVENANCE,
    });
    if (!row) throw new NotFoundException(`model ${modelId} not found`);

    const metrics = row.metrics as unknown as DeployedMetrics;
    const names = row.techniqueNames as Record<string, string>;
    return {
      ...summaryOf(row),
      provenance: provenanceOf(row, Object.keys(names).length),
      evaluation: [
        { set: 'dev' as const, inDistribution: true, ...metrics.dev },
        { set: 'test' as const, inDistribution: true, ...metrics.test },
        ...(metrics.ood ? [{ set: 'ood' as const, inDistribution: false, ...metrics.ood }] : []),
      ],
      metrics,
      calibration: row.calibration as unknown as DeployCalibration,
      techniques: Object.entries(names).map(([id, name]) => ({ id, name })),
    };
  }
}

function summaryOf(row: ModelRow) {
  const metrics = row.metrics as unknown as DeployedMetrics;
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    active: row.active,
    experimentId: row.experimentId,
    experimentName: row.experiment.name,
    runId: row.runId,
    caseName: row.run.caseName,
    encoder: row.run.encoder,
    seed: row.run.seed,
    datasetVersionId: row.datasetVersionId,
    attackVersion: row.attackVersion,
    threshold: row.threshold,
    negativeShare: metrics.negativeShare.measurement,
    test: metrics.test,
    ood: metrics.ood,
  };
}

function provenanceOf(row: ModelRow, techniqueCount: number) {
  return {
    experiment: row.experiment,
    run: {
      id: row.run.id,
      runKey: row.run.runKey,
      caseName: row.run.caseName,
      encoder: row.run.encoder,
      seed: row.run.seed,
      stageKeys: row.run.stageKeys,
      hyperparameters: row.run.hyperparameters,
    },
    datasetVersion: row.datasetVersion,
    attackVersion: row.attackVersion,
    manifestKey: row.manifestKey,
    maxLength: row.maxLength,
    techniqueCount,
  };
}
