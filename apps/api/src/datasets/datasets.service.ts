import { Inject, Injectable } from '@nestjs/common';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import { prepareDataset, registerDataset, type DatasetSettingsInput } from '@ttpgrid/dataset';
import type { Database } from '@ttpgrid/db';

import { API_CONFIG, ARTIFACT_STORE, DATABASE } from '../tokens';

@Injectable()
export class DatasetsService {
  private readonly log = createLogger('api.datasets');

  constructor(
    @Inject(API_CONFIG) private readonly config: TtpgridConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async list() {
    const versions = await this.db.datasetVersion.findMany({
      orderBy: { createdAt: 'desc' },
      omit: { settings: true, statistics: true, artifacts: true },
      include: { _count: { select: { experiments: true } } },
    });
    return versions.map(({ _count, ...version }) => ({
      ...version,
      experiments: _count.experiments,
    }));
  }

  /** Builds the version from the raw files (TTPGRID_DATA_DIR), stores and registers it. */
  async register(settings: DatasetSettingsInput) {
    const prepared = await prepareDataset(settings, {
      rawDataDir: this.config.rawDataDir,
      store: this.store,
    });
    const registered = await registerDataset(this.db, prepared);
    this.log.info('dataset version registered', {
      version: registered.version,
      created: registered.created,
    });
    return { ...registered, label: prepared.label, table2: prepared.statistics.table2 };
  }
}
