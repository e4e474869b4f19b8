import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { InvalidArgumentError, type Command } from 'commander';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig } from '@ttpgrid/config';
import {
  DatasetInputError,
  DatasetLeakageError,
  DatasetSettingsError,
  datasetSummaryOf,
  fetchRawData,
  formatDatasetReport,
  formatRawFileStatus,
  prepareDataset,
  RawDataDownloadError,
  RawDataMismatchError,
  registerDataset,
  verifyRawData,
  type DatasetSettingsInput,
  type FetchedFile,
  type PrepareOptions,
  type RawFileStatus,
} from '@ttpgrid/dataset';
import { createDatabase } from '@ttpgrid/db';

import { CliError, EXIT } from '../exit-codes';

interface DataOptions {
  settings?: string;
  dataDir?: string;
  labelAttackVersion?: string;
  auxAttackVersion?: string;
  splitSeed?: number;
  json?: boolean;
}

/** `ttpgrid data stats`, `prepare`, `fetch` and `verify` (issue #3). */
export function registerDataCommands(program: Command): Command {
  const data = program
    .command('data')
    .description('build, inspect and register datasets from the raw TRAM and ATT&CK files');

  withSettingsOptions(data.command('stats'))
    .description('build the dataset in memory and print Table 2 (no service needed)')
    .option('--json', 'print one JSON object instead of the tables')
    .action(async (options: DataOptions) => printStats(options));

  withSettingsOptions(data.command('prepare'))
    .description('build the dataset, store its artifacts and register it in Postgres (idempotent)')
    .option('--json', 'print the registered version as one JSON object')
    .action(async (options: DataOptions) => prepareAndRegister(options));

  data
    .command('fetch')
    .description('download the pinned raw files and check their hashes (skips verified files)')
    .option('--dir <dir>', 'raw data folder to fill (default: TTPGRID_DATA_DIR)')
    .option('--base-url <url>', 'a mirror of the data folder instead of GitHub', parseBaseUrl)
    .action(async (options: RawDataOptions) => fetchRawFiles(options));

  data
    .command('verify')
    .description('check the raw files against their pinned hashes (exit 2 if any is bad)')
    .option('--dir <dir>', 'raw data folder to check (default: TTPGRID_DATA_DIR)')
    .option('--json', "print every file's status as one JSON object")
    .action(async (options: RawDataOptions) => verifyRawFiles(options));

  return data;
}

function withSettingsOptions(command: Command): Command {
  return command
    .option('--settings <file>', 'JSON file with dataset settings (see packages/dataset/README.md)')
    .option('--data-dir <dir>', 'raw data folder (default: TTPGRID_DATA_DIR)')
    .option('--label-attack-version <version>', 'ATT&CK release for class names, e.g. v14.1')
    .option('--aux-attack-version <version>', 'ATT&CK release of the auxiliary descriptions')
    .option('--split-seed <n>', 'seed of the per-class train/dev/test shuffle', parseSeed);
}

async function printStats(options: DataOptions) {
  const prepared = await runDatasetStep(async () =>
    prepareDataset(await settingsFrom(options), prepareOptionsFrom(options)),
  );

  const output = options.json
    ? JSON.stringify(datasetSummaryOf(prepared))
    : formatDatasetReport(prepared);
  process.stdout.write(`${output}\n`);
}

async function prepareAndRegister(options: DataOptions) {
  const config = loadConfig();
  const store = new LocalArtifactStore(config.artifactDir);
  const prepared = await runDatasetStep(async () =>
    prepareDataset(await settingsFrom(options), { ...prepareOptionsFrom(options), store }),
  );

  const db = createDatabase(config.databaseUrl);
  try {
    const registered = await registerDataset(db, prepared).catch((error: unknown) => {
      throw asDatabaseError(error);
    });
    const summary = { ...datasetSummaryOf(prepared), registered, artifactDir: config.artifactDir };
    const outcome = registered.created ? 'registered' : 'already registered, refreshed';
    const line = `dataset ${prepared.version} ${outcome}`;
    process.stdout.write(`${options.json ? JSON.stringify(summary) : line}\n`);
  } finally {
    await db.$disconnect();
  }
}

function prepareOptionsFrom(options: DataOptions): PrepareOptions {
  return { rawDataDir: resolve(options.dataDir ?? loadConfig().rawDataDir) };
}

/** The settings file (if any) with the command-line overrides on top. */
async function settingsFrom(options: DataOptions): Promise<DatasetSettingsInput> {
  const base = options.settings === undefined ? {} : await readSettingsFile(options.settings);
  return {
    ...base,
    labels: { ...base.labels, ...definedOnly({ attackVersion: options.labelAttackVersion }) },
    auxiliary: { ...base.auxiliary, ...definedOnly({ attackVersion: options.auxAttackVersion }) },
    split: { ...base.split, ...definedOnly({ seed: options.splitSeed }) },
  };
}

async function readSettingsFile(path: string): Promise<DatasetSettingsInput> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError(`settings file ${path} cannot be read`, EXIT.badInput);
  });
  try {
    return JSON.parse(text) as DatasetSettingsInput;
  } catch (error) {
    throw new CliError(`settings file ${path}: ${(error as Error).message}`, EXIT.badInput);
  }
}

/** Turns the dataset package's errors into the CLI's exit codes. */
async function runDatasetStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DatasetInputError || error instanceof DatasetSettingsError) {
      throw new CliError(error.message, EXIT.badInput);
    }
    if (error instanceof DatasetLeakageError) {
      throw new CliError(error.message, EXIT.failure);
    }
    throw error;
  }
}

function asDatabaseError(error: unknown): unknown {
  const text = `${String((error as { code?: unknown }).code ?? '')} ${String(error)}`;
  const unreachable = /ECONNREFUSED|P1001|ENOTFOUND|ETIMEDOUT|Can't reach database/i.test(text);
  return unreachable
    ? new CliError(`Postgres is unreachable: ${(error as Error).message}`, EXIT.unreachable)
    : error;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError('the split seed is an integer from 0 to 4294967295');
  }
  return seed;
}

interface RawDataOptions {
  dir?: string;
  baseUrl?: string;
  json?: boolean;
}

/** `ttpgrid data fetch`: one line per downloadable file; ATT&CK files are packed, not fetched. */
async function fetchRawFiles(options: RawDataOptions) {
  const targetDir = resolve(options.dir ?? loadConfig().rawDataDir);
  const onFile = (file: FetchedFile) =>
    process.stdout.write(`${file.outcome} ${file.path} (${file.bytes} bytes)\n`);
  const result = await fetchRawData({ targetDir, baseUrl: options.baseUrl, onFile }).catch(
    (error: unknown) => {
      throw asFetchError(error);
    },
  );

  for (const status of result.derived) {
    process.stdout.write(`derived ${formatRawFileStatus(status)}\n`);
  }
  const missing = result.derived.filter((status) => status.state === 'missing').length;
  if (missing > 0) {
    process.stdout.write(
      `${missing} ATT&CK file(s) missing: they are packed from mitre/cti's per-object STIX ` +
        'files, so there is no single file to download (see attack/SOURCE.md)\n',
    );
  }
  // Missing ones were reported above; a packed file that is present must still be the pinned one.
  throwIfBad(
    result.derived.filter((status) => status.state === 'mismatch'),
    targetDir,
  );
}

/** `ttpgrid data verify`: exit 2 with one line per missing or mismatching file. */
async function verifyRawFiles(options: RawDataOptions) {
  const dir = resolve(options.dir ?? loadConfig().rawDataDir);
  const statuses = await verifyRawData(dir);

  const good = statuses.filter((status) => status.state === 'ok');
  const output = options.json
    ? JSON.stringify({ dir, files: statuses })
    : good.map(formatRawFileStatus).join('\n');
  process.stdout.write(`${output}\n`);
  throwIfBad(
    statuses.filter((status) => status.state !== 'ok'),
    dir,
  );
}

function throwIfBad(bad: RawFileStatus[], dir: string) {
  if (bad.length > 0) {
    const lines = bad.map((status) => `  ${formatRawFileStatus(status)}`);
    const header = `${bad.length} pinned raw file(s) in ${dir} do not verify:`;
    throw new CliError([header, ...lines].join('\n'), EXIT.badInput);
  }
}

/** A hash mismatch is bad input (exit 2); a download that fails is an unreachable origin (3). */
function asFetchError(error: unknown): unknown {
  if (error instanceof RawDataMismatchError) return new CliError(error.message, EXIT.badInput);
  if (error instanceof RawDataDownloadError) return new CliError(error.message, EXIT.unreachable);
  return error;
}

function parseBaseUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || !['http:', 'https:'].includes(url.protocol)) {
    throw new InvalidArgumentError('the base URL is an http:// or https:// URL');
  }
  return value;
}
