import { putJson, putJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type Logger } from '@ttpgrid/config';

import { buildDataset, type DatasetClassSummary, type DatasetStatistics } from './build';
import type { LeakageFinding } from './leakage';
import { MemoryArtifactStore } from './memory-store';
import { loadRawInputs } from './raw-inputs';
import {
  RECIPE_VERSION,
  resolveDatasetSettings,
  type DatasetSettings,
  type DatasetSettingsInput,
} from './settings';
import { datasetVersionOf, type InputFile } from './version';

/** Artifact keys of one dataset version; the extras are null when the settings turn them off. */
export interface DatasetArtifacts {
  train: string;
  dev: string;
  test: string;
  auxiliary: string;
  labelSet: string;
  negatives: string | null;
  ood: string | null;
  classes: string;
  leakage: string;
  /** Version, settings, inputs, statistics and the keys above, in one JSON document. */
  manifest: string;
}

export interface PreparedDataset {
  version: string;
  label: string;
  recipe: number;
  settings: DatasetSettings;
  inputs: InputFile[];
  statistics: DatasetStatistics;
  classes: DatasetClassSummary[];
  findings: LeakageFinding[];
  artifacts: DatasetArtifacts;
  /** Wall-clock milliseconds per phase; not part of the version or the artifacts. */
  timingsMs: { load: number; build: number; store: number; total: number };
}

export interface PrepareOptions {
  rawDataDir: string;
  /** Where artifacts go; without one they are only hashed (nothing is written). */
  store?: ArtifactStore;
  logger?: Logger;
}

/**
 * Builds one dataset version from the raw TRAM and ATT&CK files: reads and hashes the inputs,
 * applies the recipe, runs the leakage gate, and writes the JSON Lines artifacts.
 */
export async function prepareDataset(
  settingsInput: DatasetSettingsInput,
  options: PrepareOptions,
): Promise<PreparedDataset> {
  const log = options.logger ?? createLogger('dataset');
  const settings = resolveDatasetSettings(settingsInput);
  const started = performance.now();

  const raw = await loadRawInputs(settings, options.rawDataDir);
  const loaded = performance.now();

  const built = buildDataset(settings, raw);
  const version = datasetVersionOf(raw.files, settings);
  const builtAt = performance.now();

  const store = options.store ?? new MemoryArtifactStore();
  const summary = {
    version,
    label: labelOf(settings),
    recipe: RECIPE_VERSION,
    settings,
    inputs: raw.files,
    statistics: built.statistics,
  };
  const artifacts = await writeArtifacts(store, built, summary);
  const stored = performance.now();

  const timingsMs = {
    load: Math.round(loaded - started),
    build: Math.round(builtAt - loaded),
    store: Math.round(stored - builtAt),
    total: Math.round(stored - started),
  };
  reportProblems(log, built.statistics);
  log.info('dataset prepared', { version, ...built.statistics.table2, timingsMs });
  return { ...summary, classes: built.classes, findings: built.findings, artifacts, timingsMs };
}

async function writeArtifacts(
  store: ArtifactStore,
  built: ReturnType<typeof buildDataset>,
  summary: object,
): Promise<DatasetArtifacts> {
  const { rows } = built;
  const keys = {
    train: await putJsonLines(store, rows.train),
    dev: await putJsonLines(store, rows.dev),
    test: await putJsonLines(store, rows.test),
    auxiliary: await putJsonLines(store, rows.auxiliary),
    labelSet: await putJson(
      store,
      built.classes.map((dataClass) => dataClass.id),
    ),
    negatives: rows.negatives === null ? null : await putJsonLines(store, rows.negatives),
    ood: rows.ood === null ? null : await putJsonLines(store, rows.ood),
    classes: await putJson(store, built.classes),
    leakage: await putJsonLines(store, built.findings),
  };

  const manifest = await putJson(store, { ...summary, artifacts: keys });
  return { ...keys, manifest };
}

/** `tram/ctid-tram_v1.2.0 · labels ATT&CK v14.1 · aux ATT&CK v14.1 · seed 1` */
function labelOf(settings: DatasetSettings): string {
  const source = settings.primary.path.split('/').slice(0, 2).join('/');
  return [
    source,
    `labels ATT&CK ${settings.labels.attackVersion}`,
    `aux ATT&CK ${settings.auxiliary.attackVersion}`,
    `seed ${settings.split.seed}`,
  ].join(' · ');
}

function reportProblems(log: Logger, statistics: DatasetStatistics) {
  const { unknownIds, retiredIds } = statistics.primary;
  if (unknownIds.length > 0) {
    log.warn('unknown technique IDs in the primary data', { unknownIds });
  }
  if (retiredIds.length > 0) {
    log.info('revoked or deprecated technique IDs in the primary data', { retiredIds });
  }
  if (statistics.auxiliary.classesWithoutTechnique.length > 0) {
    log.warn('classes without an active technique in the auxiliary release', {
      classes: statistics.auxiliary.classesWithoutTechnique,
    });
  }
}
