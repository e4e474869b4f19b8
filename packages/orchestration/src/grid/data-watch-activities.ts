import type { Client } from '@temporalio/client';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import {
  canonicalJson,
  datasetVersionOf,
  loadRawInputs,
  prepareDataset,
  registerDataset,
  resolveDatasetSettings,
  type DatasetSettingsInput,
} from '@ttpgrid/dataset';
import type { Database } from '@ttpgrid/db';
import { datasetVariantKey, expandCells, hashOf, type GridSpec } from '@ttpgrid/grid';

import { distinct } from './result-rows';
import { submitExperiment } from './submission';
import { EXPERIMENT_STATUS } from './types';

const log = createLogger('grid.data-watch');

export interface DataWatchInput {
  /** Dataset settings whose data sources are watched; default: the default settings ([{}]). */
  sources?: DatasetSettingsInput[];
}

export interface WatchedSource {
  settings: DatasetSettingsInput;
  version: string;
  /** True when this check registered the version (its content was new). */
  registered: boolean;
}

export interface DataWatchRerun {
  experimentId: string;
  newExperimentId: string;
  created: boolean;
  datasetVersions: string[];
  cachedStages: number;
}

export interface DataWatchReport {
  checkedAt: string;
  sources: WatchedSource[];
  reruns: DataWatchRerun[];
  /** Subscribed experiments already on the current content of their sources. */
  unchanged: string[];
}

export interface DataWatchDependencies {
  store: ArtifactStore;
  db: Database;
  client: Client;
  cpuTaskQueue: string;
  trainerTaskQueue: string;
  /** The worker's configuration; read from the environment when left out. */
  config?: TtpgridConfig;
}

/**
 * The data watch: hashes the raw files the watched dataset settings read; a version whose
 * content is new is registered, and every subscribed experiment (`subscribe: true`, the latest
 * of its line of re-runs) whose data changed is re-run on the new versions.
 */
export function createDataWatchActivities(deps: DataWatchDependencies) {
  // Fixed when the worker starts, like the rest of its configuration.
  const settings: TtpgridConfig = deps.config ?? {
    ...loadConfig(),
    cpuTaskQueue: deps.cpuTaskQueue,
    trainerTaskQueue: deps.trainerTaskQueue,
  };

  return {
    async checkDataSources(input: DataWatchInput): Promise<DataWatchReport> {
      const versions = new CurrentVersions(settings.rawDataDir);
      const sources: WatchedSource[] = [];
      for (const source of input.sources ?? [{}]) {
        sources.push(await registerIfNew(source, versions, settings, deps));
      }

      const reruns: DataWatchRerun[] = [];
      const unchanged: string[] = [];
      for (const experiment of await subscribedExperiments(deps.db)) {
        const rerun = await rerunIfChanged(experiment, versions, settings, deps);
        if (rerun) reruns.push(rerun);
        else unchanged.push(experiment.id);
      }

      log.info('data sources checked', { sources: sources.length, reruns: reruns.length });
      return { checkedAt: new Date().toISOString(), sources, reruns, unchanged };
    },
  };
}

export type DataWatchActivities = ReturnType<typeof createDataWatchActivities>;

/** Dataset versions of the raw files as they are now, hashed once per settings and check. */
class CurrentVersions {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly rawDataDir: string) {}

  versionOf(input: DatasetSettingsInput): Promise<string> {
    const settings = resolveDatasetSettings(input);
    const key = canonicalJson(settings);
    let version = this.cache.get(key);
    if (!version) {
      version = loadRawInputs(settings, this.rawDataDir).then((raw) =>
        datasetVersionOf(raw.files, settings),
      );
      this.cache.set(key, version);
    }
    return version;
  }
}

async function registerIfNew(
  settings: DatasetSettingsInput,
  versions: CurrentVersions,
  config: TtpgridConfig,
  deps: DataWatchDependencies,
): Promise<WatchedSource> {
  const version = await versions.versionOf(settings);
  const known = await deps.db.datasetVersion.findUnique({
    where: { id: version },
    select: { id: true },
  });
  if (known) return { settings, version, registered: false };

  const prepared = await prepareDataset(settings, {
    rawDataDir: config.rawDataDir,
    store: deps.store,
  });
  await registerDataset(deps.db, prepared);
  log.info('new dataset version registered', { version: prepared.version });
  return { settings, version: prepared.version, registered: true };
}

/** Subscribed experiments that no later re-run (their child) has taken over. */
async function subscribedExperiments(db: Database) {
  const candidates = await db.experiment.findMany({
    where: {
      archived: false,
      status: { not: EXPERIMENT_STATUS.cancelled },
      spec: { path: ['subscribe'], equals: true },
    },
    orderBy: { createdAt: 'asc' },
    select: { id: true, spec: true },
  });
  const children = await db.experiment.findMany({
    where: { archived: false, parentExperimentId: { in: candidates.map((row) => row.id) } },
    select: { parentExperimentId: true },
  });
  const superseded = new Set(children.map((row) => row.parentExperimentId));
  return candidates
    .filter((row) => !superseded.has(row.id))
    .map((row) => ({ id: row.id, spec: row.spec as unknown as GridSpec }));
}

async function rerunIfChanged(
  experiment: { id: string; spec: GridSpec },
  versions: CurrentVersions,
  config: TtpgridConfig,
  deps: DataWatchDependencies,
): Promise<DataWatchRerun | null> {
  const variants = new Map(
    expandCells(experiment.spec).map((cell) => [datasetVariantKey(cell), cell.dataset]),
  );
  const current: string[] = [];
  for (const dataset of variants.values()) current.push(await versions.versionOf(dataset));

  const recorded = await deps.db.run.findMany({
    where: { experimentId: experiment.id },
    distinct: ['datasetVersionId'],
    select: { datasetVersionId: true },
  });
  const known = new Set(recorded.map((row) => row.datasetVersionId));
  if (current.every((version) => known.has(version))) return null;

  const submission = await submitExperiment(experiment.spec, {
    config,
    db: deps.db,
    store: deps.store,
    client: deps.client,
    parentExperimentId: experiment.id,
    // A retried activity finds the experiment its first attempt created.
    idempotencyKey: `data-watch:${experiment.id}:${hashOf(distinct(current).sort())}`,
  });
  log.info('subscribed experiment re-run on new data', {
    experimentId: experiment.id,
    newExperimentId: submission.experimentId,
  });
  return {
    experimentId: experiment.id,
    newExperimentId: submission.experimentId,
    created: submission.created,
    datasetVersions: submission.datasetVersions,
    cachedStages: submission.cachedStages,
  };
}
