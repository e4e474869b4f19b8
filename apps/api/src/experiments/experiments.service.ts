import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import { Prisma, type Database } from '@ttpgrid/db';
import { parseGridSpecText, validateGridSpec, type GridSpec } from '@ttpgrid/grid';
import {
  assertDatasetSettings,
  cancelExperiment,
  describeExperiment,
  experimentItem,
  isActiveStatus,
  listExperiments,
  RecordNotFoundError,
  rerunExperiment,
  retryFailedRuns,
  StateConflictError,
  submitExperiment,
  type ExperimentFilters,
  type Submission,
} from '@ttpgrid/orchestration';

import { IdempotencyKey } from '../common/schemas';
import { problemsOf, ValidationFailed } from '../common/validation';
import { API_CONFIG, ARTIFACT_STORE, DATABASE, TEMPORAL_CLIENT } from '../tokens';
import type { RerunBody, SubmitBody } from './experiments.dto';

type Headers = Record<string, string | string[] | undefined>;

/** Submits, lists and controls experiments; the grid logic lives in @ttpgrid/orchestration. */
@Injectable()
export class ExperimentsService {
  private readonly log = createLogger('api.experiments');

  constructor(
    @Inject(API_CONFIG) private readonly config: TtpgridConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  list(filters: ExperimentFilters) {
    return listExperiments(this.db, filters);
  }

  describe(experimentId: string) {
    return describeExperiment(this.db, experimentId);
  }

  item(experimentId: string) {
    return experimentItem(this.db, experimentId);
  }

  async submit(body: z.output<typeof SubmitBody>, headers: Headers): Promise<Submission> {
    const idempotencyKey = idempotencyKeyOf(body.idempotencyKey, headers);
    const spec: GridSpec =
      typeof body.spec === 'string'
        ? parseGridSpecText(body.spec, 'request')
        : validateGridSpec(body.spec, 'request');
    assertDatasetSettings(spec, 'request');

    const submission = await this.submitOnce(idempotencyKey, () =>
      submitExperiment(spec, { ...this.submitOptions(), idempotencyKey }),
    );
    this.log.info(submission.created ? 'experiment submitted' : 'experiment resubmitted', {
      experimentId: submission.experimentId,
      runs: submission.runs,
    });
    return submission;
  }

  async rerun(experimentId: string, body: z.output<typeof RerunBody>, headers: Headers) {
    const idempotencyKey = idempotencyKeyOf(body.idempotencyKey, headers);
    return this.submitOnce(idempotencyKey, () =>
      rerunExperiment(experimentId, {
        ...this.submitOptions(),
        idempotencyKey,
        dataset: body.dataset,
      }),
    );
  }

  async cancel(experimentId: string) {
    await this.requireExperiment(experimentId);
    const status = await cancelExperiment(this.client, this.db, experimentId);
    return { experimentId, status };
  }

  async retryFailed(experimentId: string) {
    await this.requireExperiment(experimentId);
    const result = await retryFailedRuns(this.client, this.db, this.config, experimentId);
    return { experimentId, retried: result.retried };
  }

  /** Archiving hides an experiment; nothing is deleted, so shared stages stay intact. */
  async archive(experimentId: string, archived: boolean) {
    const experiment = await this.requireExperiment(experimentId);
    if (archived && isActiveStatus(experiment.status)) {
      throw new StateConflictError(
        `experiment ${experimentId} is ${experiment.status}: cancel it or wait for it to end`,
      );
    }
    await this.db.experiment.update({ where: { id: experimentId }, data: { archived } });
    return { experimentId, archived };
  }

  private submitOptions() {
    return { config: this.config, db: this.db, store: this.store, client: this.client };
  }

  /**
   * A submission with a key already taken returns the experiment that took it, also when two
   * submissions with the same key race (the unique index lets one experiment through).
   */
  private async submitOnce<T extends Submission>(
    idempotencyKey: string | undefined,
    submit: () => Promise<T>,
  ): Promise<T | Submission> {
    try {
      const submission = await submit();
      return submission.created ? submission : this.withCounts(submission);
    } catch (error) {
      if (!idempotencyKey || !isUniqueViolation(error)) throw error;
      const existing = await this.db.experiment.findUnique({ where: { idempotencyKey } });
      if (!existing) throw error;
      return this.withCounts({
        experimentId: existing.id,
        created: false,
        runs: 0,
        stages: 0,
        cachedStages: 0,
        datasetVersions: [],
      });
    }
  }

  /** Fills the counts of an existing experiment from its rows. */
  private async withCounts(submission: Submission): Promise<Submission> {
    const runs = await this.db.run.findMany({
      where: { experimentId: submission.experimentId },
      select: { stageKeys: true, datasetVersionId: true },
    });
    const item = await experimentItem(this.db, submission.experimentId);
    return {
      ...submission,
      runs: runs.length,
      stages: item.progress.stagesTotal,
      cachedStages: item.progress.stagesCached,
      datasetVersions: [...new Set(runs.map((run) => run.datasetVersionId))],
    };
  }

  private async requireExperiment(experimentId: string) {
    const experiment = await this.db.experiment.findUnique({ where: { id: experimentId } });
    if (!experiment) throw new RecordNotFoundError('experiment', experimentId);
    return experiment;
  }
}

/** The key from the body or the `Idempotency-Key` header; both given must agree. */
function idempotencyKeyOf(fromBody: string | undefined, headers: Headers): string | undefined {
  const raw = headers['idempotency-key'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined) return fromBody;

  const parsed = IdempotencyKey.safeParse(header);
  if (!parsed.success)
    throw new ValidationFailed(problemsOf(parsed.error, 'headers.idempotency-key'));
  if (fromBody !== undefined && fromBody !== parsed.data) {
    throw new ValidationFailed([
      { path: 'body.idempotencyKey', reason: 'differs from the Idempotency-Key header' },
    ]);
  }
  return parsed.data;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
