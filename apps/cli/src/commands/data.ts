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
  formatDatasetReport,
  prepareDataset,
  registerDataset,
  type DatasetSettingsInput,
  type PrepareOptions,
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

/** `ttpgrid data stats` and `ttpgrid data prepare` (issue #3). */
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
