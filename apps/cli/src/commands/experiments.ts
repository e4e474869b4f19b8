import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { Option, type Command } from 'commander';
import { z } from 'zod';

import type { ApiClient } from '../api-client';
import { CliError, EXIT } from '../exit-codes';
import { readSpecFile } from '../spec-file';
import {
  apiCommand,
  clientFor,
  positiveInt,
  printJson,
  printLines,
  recordId,
  seconds,
  type ApiOptions,
} from './api-command';
import { assertSucceeded, followExperiment, progressLine } from './follow';
import {
  duration,
  percent,
  shortId,
  type ExperimentDetail,
  type ExperimentItem,
  type Submission,
} from './views';

interface FollowingOptions extends ApiOptions {
  detach?: boolean;
  interval: number;
  idempotencyKey?: string;
}

const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/);
const AttackVersion = z.string().regex(/^v\d+(\.\d+)?$/);
const STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'completed_with_failures',
  'cancelled',
];

/** `submit`, `status`, `list`, `cancel`, `retry`, `archive` and `rerun`, through the API. */
export function registerExperimentCommands(program: Command) {
  followable(apiCommand(program.command('submit')))
    .argument('<spec>', 'grid spec file (YAML or JSON)')
    .description('submit a grid; prints its experiment ID, then follows it to the end')
    .action((path: string, options: FollowingOptions) => submit(path, options));

  apiCommand(program.command('status'))
    .argument('<id>', 'experiment ID')
    .description('show an experiment: status, progress and runs')
    .option('--watch', 'follow it until it ends (exit 4 if runs failed)')
    .option('--interval <seconds>', 'seconds between progress updates', seconds, 2)
    .action((id: string, options: ApiOptions & { watch?: boolean; interval: number }) =>
      status(id, options),
    );

  apiCommand(program.command('list'))
    .description('list experiments, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--dataset-version <version>', 'only experiments on this dataset version')
    .option('--archived', 'list archived experiments instead')
    .option('--page <n>', 'page number', positiveInt(1_000_000), 1)
    .option('--page-size <n>', 'experiments per page', positiveInt(200), 20)
    .action((options: ListOptions) => list(options));

  apiCommand(program.command('cancel'))
    .argument('<id>', 'experiment ID')
    .description('cancel a running experiment (stages other experiments need keep training)')
    .action((id: string, options: ApiOptions) => control(id, 'cancel', options));

  apiCommand(program.command('retry'))
    .argument('<id>', 'experiment ID')
    .description('retry the failed runs of an experiment (finished stages are reused)')
    .action((id: string, options: ApiOptions) => control(id, 'retry-failed', options));

  apiCommand(program.command('archive'))
    .argument('<id>', 'experiment ID')
    .description('hide a finished experiment from lists and leaderboards (deletes nothing)')
    .option('--restore', 'show an archived experiment again')
    .action((id: string, options: ApiOptions & { restore?: boolean }) => archive(id, options));

  followable(apiCommand(program.command('rerun')))
    .argument('<id>', 'experiment ID')
    .description('re-run an experiment on another dataset version, reusing unchanged stages')
    .addOption(
      new Option(
        '--aux-attack-version <version>',
        'auxiliary ATT&CK version, e.g. v15.1',
      ).conflicts('datasetSettings'),
    )
    .option('--dataset-settings <file>', 'JSON file of dataset settings merged into the spec')
    .action((id: string, options: RerunOptions) => rerun(id, options));
}

function followable(command: Command): Command {
  return command
    .option('--detach', 'return once submitted instead of following progress')
    .option('--idempotency-key <key>', 'a repeated key returns the first experiment')
    .option('--interval <seconds>', 'seconds between progress updates', seconds, 2);
}

async function submit(path: string, options: FollowingOptions) {
  const { text } = await readSpecFile(path);
  const client = clientFor(options);
  const submission = await client.write<Submission>('/api/experiments', {
    spec: text,
    idempotencyKey: idempotencyKeyOf(options),
  });
  await afterSubmission(client, submission, options);
}

/** Prints the ID at once, then follows (unless detached) and exits by the end state. */
async function afterSubmission(
  client: ApiClient,
  submission: Submission,
  options: FollowingOptions,
) {
  if (!options.json) {
    process.stdout.write(`${submission.experimentId}\n`);
    process.stderr.write(submissionSummary(submission));
  }
  if (options.detach) {
    if (options.json) printJson(submission);
    return;
  }

  const detail = await followExperiment(client, submission.experimentId, options);
  if (options.json) printJson({ submission, experiment: detail });
  else printLines(experimentLines(detail));
  assertSucceeded(detail);
}

function submissionSummary(submission: Submission): string {
  const verb = submission.created ? 'submitted' : 'already submitted with this idempotency key';
  return (
    `${verb}: ${submission.runs} runs, ${submission.stages} stages ` +
    `(${submission.cachedStages} cached), dataset ${submission.datasetVersions.map(shortId).join(', ')}\n`
  );
}

function idempotencyKeyOf(options: FollowingOptions): string | undefined {
  if (options.idempotencyKey === undefined) return undefined;
  if (!IdempotencyKey.safeParse(options.idempotencyKey).success) {
    throw new CliError(
      '--idempotency-key: 1 to 200 printable ASCII characters, no spaces',
      EXIT.badInput,
    );
  }
  return options.idempotencyKey;
}

async function status(id: string, options: ApiOptions & { watch?: boolean; interval: number }) {
  const client = clientFor(options);
  const experimentId = recordId(id);
  const detail = options.watch
    ? await followExperiment(client, experimentId, options)
    : await client.read<ExperimentDetail>(`/api/experiments/${experimentId}`);

  if (options.json) printJson(detail);
  else printLines(experimentLines(detail));
  if (options.watch) assertSucceeded(detail);
}

/** The human view of an experiment: header, progress, one line per run. */
export function experimentLines(detail: ExperimentDetail): string[] {
  const parent = detail.parentExperimentId ? ` · re-run of ${detail.parentExperimentId}` : '';
  const header = [
    `experiment ${detail.id}  ${detail.name}  (${detail.mode})${parent}`,
    `  status   ${detail.status}${detail.archived ? ' (archived)' : ''}`,
    `  progress ${progressLine(detail)}`,
    `  dataset  ${detail.datasetVersionId ?? '—'}`,
    '',
    `  ${'case'.padEnd(14)} ${'encoder'.padEnd(20)} ${'seed'.padStart(5)} ${'status'.padEnd(10)} ` +
      `${'micro'.padStart(6)} ${'macro'.padStart(6)}`,
  ];
  const runs = detail.runs.map(
    (run) =>
      `  ${run.caseName.padEnd(14)} ${run.encoder.padEnd(20)} ${String(run.seed).padStart(5)} ` +
      `${run.status.padEnd(10)} ${percent(run.microF1).padStart(6)} ${percent(run.macroF1).padStart(6)}` +
      (run.error ? `  ${run.error.split('\n')[0]!.slice(0, 120)}` : ''),
  );
  return [...header, ...runs];
}

interface ListOptions extends ApiOptions {
  status?: string;
  datasetVersion?: string;
  archived?: boolean;
  page: number;
  pageSize: number;
}

async function list(options: ListOptions) {
  if (options.datasetVersion && !/^[0-9a-f]{64}$/.test(options.datasetVersion)) {
    throw new CliError('--dataset-version: a 64-hex dataset version', EXIT.badInput);
  }
  const page = await clientFor(options).read<{ items: ExperimentItem[]; total: number }>(
    '/api/experiments',
    {
      status: options.status,
      datasetVersion: options.datasetVersion,
      archived: options.archived ? 'true' : undefined,
      page: options.page,
      pageSize: options.pageSize,
    },
  );
  if (options.json) return printJson(page);

  const lines = page.items.map((item) => {
    const { progress } = item;
    const done = `${progress.succeeded + progress.failed + progress.cancelled}/${progress.total}`;
    return (
      `${item.id}  ${item.status.padEnd(24)} ${done.padStart(7)} runs  ` +
      `${duration(item.elapsedSeconds).padStart(7)}  ${item.name}`
    );
  });
  printLines([...lines, `${page.items.length} of ${page.total} experiments`]);
}

async function control(id: string, action: 'cancel' | 'retry-failed', options: ApiOptions) {
  const experimentId = recordId(id);
  const result = await clientFor(options).write<Record<string, unknown>>(
    `/api/experiments/${experimentId}/${action}`,
  );
  if (options.json) return printJson(result);
  const text =
    action === 'cancel'
      ? `experiment ${experimentId}: ${String(result.status)}`
      : `experiment ${experimentId}: ${String(result.retried)} runs queued again`;
  printLines([text]);
}

async function archive(id: string, options: ApiOptions & { restore?: boolean }) {
  const experimentId = recordId(id);
  const result = await clientFor(options).write<{ archived: boolean }>(
    `/api/experiments/${experimentId}/archive`,
    { archived: !options.restore },
  );
  if (options.json) return printJson(result);
  printLines([`experiment ${experimentId}: ${result.archived ? 'archived' : 'restored'}`]);
}

interface RerunOptions extends FollowingOptions {
  auxAttackVersion?: string;
  datasetSettings?: string;
}

async function rerun(id: string, options: RerunOptions) {
  const experimentId = recordId(id);
  const dataset = await datasetOverride(options);
  const client = clientFor(options);
  const submission = await client.write<Submission>(`/api/experiments/${experimentId}/rerun`, {
    ...(dataset ? { dataset } : {}),
    idempotencyKey: idempotencyKeyOf(options),
  });
  await afterSubmission(client, submission, options);
}

/** `--aux-attack-version v15.1` or the JSON object of `--dataset-settings <file>`. */
async function datasetOverride(options: RerunOptions): Promise<Record<string, unknown> | null> {
  if (options.auxAttackVersion !== undefined) {
    if (!AttackVersion.safeParse(options.auxAttackVersion).success) {
      throw new CliError('--aux-attack-version: an ATT&CK version such as v15.1', EXIT.badInput);
    }
    return { auxiliary: { attackVersion: options.auxAttackVersion } };
  }
  if (options.datasetSettings === undefined) return null;

  const path = resolve(options.datasetSettings);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${path}: ${error.code ?? error.message}`, EXIT.badInput);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${(error as Error).message}`, EXIT.badInput);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(`${path} must hold a JSON object of dataset settings`, EXIT.badInput);
  }
  return parsed as Record<string, unknown>;
}
