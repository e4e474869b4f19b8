import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';
import {
  COMPARE_METRICS,
  compareExperiments,
  experimentTechniques,
  leaderboard,
  renderExperimentTable,
  type LeaderboardFilters,
} from '@ttpgrid/orchestration';

import { API_CONFIG, ARTIFACT_STORE, DATABASE } from '../tokens';
import type { CompareQuery, TableQuery } from './results.dto';

const CONTENT_TYPES = {
  markdown: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  latex: 'application/x-latex; charset=utf-8',
} as const;

/** Tables, leaderboard, per-technique view and comparisons, from the run rows in Postgres. */
@Injectable()
export class ResultsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: TtpgridConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async table(experimentId: string, query: z.output<typeof TableQuery>) {
    const rendered = await renderExperimentTable(this.db, experimentId, {
      format: query.format,
      metric: query.metric,
      showStd: query.std,
      repoRoot: this.config.repoRoot,
    });
    if (rendered.format === 'json' || rendered.text === null) {
      return { contentType: null, body: rendered.view };
    }
    return { contentType: CONTENT_TYPES[rendered.format], body: rendered.text };
  }

  leaderboard(filters: LeaderboardFilters) {
    return leaderboard(this.db, filters, this.store);
  }

  techniques(experimentId: string) {
    return experimentTechniques(this.db, experimentId);
  }

  compare(query: z.output<typeof CompareQuery>) {
    const metrics = query.metric ? [query.metric] : COMPARE_METRICS.slice(0, 2);
    return compareExperiments(this.db, query.a, query.b, metrics);
  }
}
