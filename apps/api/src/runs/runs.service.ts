import { Inject, Injectable } from '@nestjs/common';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { Database } from '@ttpgrid/db';
import { runDetail } from '@ttpgrid/orchestration';

import { ARTIFACT_STORE, DATABASE } from '../tokens';

@Injectable()
export class RunsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  detail(runId: string) {
    return runDetail(this.db, this.store, runId);
  }
}
