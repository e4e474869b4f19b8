import { join } from 'node:path';

import {
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  type OnModuleDestroy,
} from '@nestjs/common';

import { ArtifactNotFoundError, type ArtifactStore } from '@ttpgrid/artifacts';
import {
  buildNavigatorLayer,
  classifyReport,
  ClassifierRegistry,
  EmptyReportError,
  ExportManifestError,
  type ModelDescriptor,
  type NavigatorLayer,
  type ReportClassification,
  type TechniqueClassifier,
} from '@ttpgrid/classifier';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';
import type { DeployedMetrics } from '@ttpgrid/orchestration';

import { ValidationFailed } from '../common/validation';
import { API_CONFIG, ARTIFACT_STORE, DATABASE } from '../tokens';
import {
  parseClassifyRequest,
  type ClassifyInput,
  type ClassifyRequestParts,
} from './classify.request';
import { CLASSIFY_OPTIONS, type ClassifyOptions } from './models.options';

type DeployedModelRow = NonNullable<Awaited<ReturnType<Database['deployedModel']['findUnique']>>>;

/**
 * Classifies reports with a deployed model. Sessions are opened once per model and reused
 * (ClassifierRegistry, two models open at most) until the API closes.
 */
@Injectable()
export class ClassifyService implements OnModuleDestroy {
  private readonly log = createLogger('api.classify');
  private readonly registry: ClassifierRegistry;

  constructor(
    @Inject(API_CONFIG) config: TtpgridConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) store: ArtifactStore,
    @Inject(CLASSIFY_OPTIONS) private readonly options: ClassifyOptions,
  ) {
    this.registry = new ClassifierRegistry(store, {
      cacheDir: join(config.dataHome, 'onnx-cache'),
      capacity: 2,
    });
  }

  async classify(parts: ClassifyRequestParts): Promise<ReportClassification> {
    return (await this.run(parts)).result;
  }

  /** The classification as a Navigator layer, with the file name it downloads as. */
  async navigatorLayer(
    parts: ClassifyRequestParts,
  ): Promise<{ layer: NavigatorLayer; fileName: string }> {
    const { input, result, record } = await this.run(parts);
    const layer = buildNavigatorLayer(result, { reportTitle: input.title });
    return { layer, fileName: `ttpgrid-layer-${record.id.slice(0, 8)}.json` };
  }

  onModuleDestroy() {
    return this.registry.close();
  }

  private async run(parts: ClassifyRequestParts) {
    const input = parseClassifyRequest(parts, this.options.maxInputBytes);
    const record = await this.modelRecord(input.modelId);
    const model = await this.open(record);
    checkTopK(input, model);

    try {
      const result = await classifyReport(model, input.text, {
        format: input.format,
        topK: input.topK,
        threshold: input.threshold,
      });
      this.log.info('report classified', {
        modelId: record.id,
        sentences: result.summary.sentences,
        techniques: result.summary.techniques.length,
      });
      return { input, result, record };
    } catch (error) {
      if (error instanceof EmptyReportError) {
        throw new ValidationFailed([{ path: input.textPath, reason: error.message }]);
      }
      throw error;
    }
  }

  /** The named model, or the active one; 404 when there is none. */
  private async modelRecord(modelId: string | undefined): Promise<DeployedModelRow> {
    if (modelId) {
      const row = await this.db.deployedModel.findUnique({ where: { id: modelId } });
      if (!row) throw new NotFoundException(`model ${modelId} not found`);
      return row;
    }
    const active = await this.db.deployedModel.findFirst({
      where: { active: true },
      orderBy: { createdAt: 'desc' },
    });
    if (!active)
      throw new NotFoundException('no model is deployed: deploy one with POST /api/models');
    return active;
  }

  /**
   * The open session of a model. Two records may share one export (the same run deployed
   * twice): a session opened for the other record is reloaded with this one's threshold.
   */
  private async open(record: DeployedModelRow): Promise<TechniqueClassifier> {
    try {
      const model = await this.registry.get(descriptorOf(record));
      if (model.descriptor.provenance?.modelId === record.id) return model;
      await this.registry.evict(record.manifestKey);
      return await this.registry.get(descriptorOf(record));
    } catch (error) {
      if (error instanceof ArtifactNotFoundError || error instanceof ExportManifestError) {
        this.log.error('model export unusable', { modelId: record.id, error });
        throw new ServiceUnavailableException(`model ${record.id}: its ONNX export is unusable`);
      }
      throw error;
    }
  }
}

function descriptorOf(record: DeployedModelRow): ModelDescriptor {
  const metrics = record.metrics as unknown as DeployedMetrics;
  return {
    manifestKey: record.manifestKey,
    maxLength: record.maxLength,
    techniqueNames: record.techniqueNames as Record<string, string>,
    defaultThreshold: record.threshold,
    provenance: {
      attackVersion: record.attackVersion,
      modelId: record.id,
      experimentId: record.experimentId,
      runId: record.runId,
      datasetVersion: record.datasetVersionId,
      metrics: { testMicroF1: metrics.test.microF1, testMacroF1: metrics.test.macroF1 },
    },
  };
}

function checkTopK(input: ClassifyInput, model: TechniqueClassifier) {
  const techniques = model.techniques.length;
  if (input.topK !== undefined && input.topK > techniques) {
    const path = input.textPath === 'body' ? 'query.topK' : 'body.topK';
    throw new ValidationFailed([{ path, reason: `at most ${techniques}, the model's techniques` }]);
  }
}
