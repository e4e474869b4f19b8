import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import { InvalidArgumentError, Option, type Command } from 'commander';

import { apiTarget, type ApiClient, type ApiTarget } from '../api-client';
import { CliError, EXIT } from '../exit-codes';
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
import { duration, percent } from './views';

interface DeployOptions extends ApiOptions {
  run?: string;
  negativesLimit?: number;
  wait?: boolean;
  interval: number;
}

interface ClassifyOptions extends ApiOptions {
  model?: string;
  navigator?: string;
  format?: 'text' | 'markdown' | 'html';
  topK?: number;
  threshold?: number;
}

interface DeploymentStatus {
  workflowId: string;
  status: string;
  modelId: string | null;
  error: string | null;
}

interface Scores {
  sentences: number;
  microF1: number;
  macroF1: number;
}

interface ModelDetail {
  id: string;
  experimentId: string;
  experimentName: string;
  runId: string;
  caseName: string;
  encoder: string;
  seed: number;
  attackVersion: string;
  threshold: number;
  negativeShare: number;
  evaluation: (Scores & { set: string; inDistribution: boolean })[];
  calibration: { rule: string; negatives: { used: number; measurement: number } };
}

interface Classification {
  model: { modelId?: string; attackVersion?: string; techniqueCount: number };
  threshold: number;
  topK: number;
  sentences: { index: number; text: string; techniques: TechniqueScore[] }[];
  summary: {
    sentences: number;
    sentencesWithTechniques: number;
    techniques: {
      id: string;
      name: string;
      maxProbability: number;
      sentenceCount: number;
      sentences: { index: number; text: string }[];
    }[];
  };
}

interface TechniqueScore {
  id: string;
  name: string;
  probability: number;
}

const SENTENCE_WIDTH = 56;
const NAME_WIDTH = 40;

/** `deploy` and `classify`, through the API. */
export function registerModelCommands(program: Command) {
  apiCommand(program.command('deploy'))
    .argument('<experimentId>', 'experiment whose best run (by dev Macro-F1) to deploy')
    .description('export a run to ONNX, evaluate and calibrate it, and serve it as the model')
    .option('--run <runId>', 'deploy this run instead of the best one by dev Macro-F1')
    .option(
      '--negatives-limit <n>',
      'negative sentences used at most for calibration (default: all)',
      positiveInt(10_000_000),
    )
    .option('--wait', 'follow the deployment to its end and show the model')
    .option('--interval <seconds>', 'seconds between status checks with --wait', seconds, 2)
    .action((experimentId: string, options: DeployOptions) => deploy(experimentId, options));

  apiCommand(program.command('classify'))
    .argument('<file>', 'threat report: plain text, Markdown (.md) or HTML (.html)')
    .description('list the ATT&CK techniques of each sentence of a report, with a summary')
    .option('--model <id>', 'deployed model (default: the active one)')
    .addOption(
      new Option('--format <format>', 'report format (default: from the file name)').choices([
        'text',
        'markdown',
        'html',
      ]),
    )
    .option('--top-k <n>', 'techniques per sentence at most', positiveInt(20))
    .option('--threshold <p>', "minimum probability (default: the model's calibrated)", probability)
    .option('--navigator <out.json>', 'also write the ATT&CK Navigator layer to this file')
    .action((file: string, options: ClassifyOptions) => classify(file, options));
}

function probability(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError('a probability from 0 to 1');
  }
  return parsed;
}

async function deploy(id: string, options: DeployOptions) {
  const experimentId = recordId(id);
  const runId = options.run === undefined ? undefined : recordId(options.run, 'run ID');
  const client = clientFor(options);
  const started = await client.write<{ workflowId: string }>('/api/models', {
    experimentId,
    runId,
    negativesLimit: options.negativesLimit,
  });
  if (!options.wait) {
    if (options.json) return printJson(started);
    return printLines([`deployment started: ${started.workflowId}`]);
  }

  const status = await followDeployment(client, started.workflowId, options.interval);
  if (status.status !== 'succeeded' || !status.modelId) {
    throw new CliError(
      `deployment ${status.workflowId} ${status.status}: ${status.error ?? 'no model'}`,
      EXIT.failure,
    );
  }
  const model = await client.read<ModelDetail>(`/api/models/${status.modelId}`);
  if (options.json) return printJson(model);
  printLines(modelLines(model));
}

async function followDeployment(client: ApiClient, workflowId: string, interval: number) {
  const started = Date.now();
  process.stderr.write(`deploying (${workflowId}) …\n`);
  for (;;) {
    const status = await client.read<DeploymentStatus>(`/api/models/deployments/${workflowId}`);
    if (status.status !== 'running') {
      process.stderr.write(`${status.status} after ${duration((Date.now() - started) / 1000)}\n`);
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
}

/** The model page in text: provenance, threshold, and OOD beside the in-distribution sets. */
export function modelLines(model: ModelDetail): string[] {
  const rows = model.evaluation.map(
    (row) =>
      `  ${row.set.padEnd(5)} ${String(row.sentences).padStart(9)} ` +
      `${percent(row.microF1).padStart(6)} ${percent(row.macroF1).padStart(6)}` +
      (row.inDistribution ? '' : '  (out of distribution)'),
  );
  return [
    `model ${model.id}`,
    `  from      experiment ${model.experimentId} (${model.experimentName})`,
    `  run       ${model.runId}: ${model.caseName} · ${model.encoder} · seed ${model.seed}`,
    `  ATT&CK    ${model.attackVersion}`,
    `  threshold ${model.threshold.toFixed(3)} (${model.calibration.rule})`,
    `  negatives ${percent(model.negativeShare)} % of ${model.calibration.negatives.measurement} ` +
      'held-out negative sentences reach the threshold',
    '',
    `  ${'set'.padEnd(5)} ${'sentences'.padStart(9)} ${'micro'.padStart(6)} ${'macro'.padStart(6)}`,
    ...rows,
  ];
}

async function classify(file: string, options: ClassifyOptions) {
  const path = resolve(file);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${path}: ${error.code ?? error.message}`, EXIT.badInput);
  });
  const request = {
    text,
    format: options.format ?? formatOfFile(path),
    modelId: options.model === undefined ? undefined : recordId(options.model, 'model ID'),
    topK: options.topK,
    threshold: options.threshold,
    title: basename(path).slice(0, 200),
  };
  const target = apiTarget(options.apiUrl);

  const result = await postForRead<Classification>(target, '/api/classify', request);
  if (options.navigator) {
    const layer = await postForRead<{ techniques: unknown[] }>(
      target,
      '/api/classify/navigator',
      request,
    );
    const out = resolve(options.navigator);
    await writeFile(out, `${JSON.stringify(layer, null, 2)}\n`);
    process.stderr.write(`Navigator layer: ${out} (${layer.techniques.length} techniques)\n`);
  }
  if (options.json) return printJson(result);
  printLines(classificationLines(result));
}

/** The format a file name suggests, as the API's classifier reads it. */
function formatOfFile(path: string): 'text' | 'markdown' | 'html' {
  const lower = path.toLowerCase();
  if (/\.(?:md|markdown)$/.test(lower)) return 'markdown';
  return /\.(?:html?|xhtml)$/.test(lower) ? 'html' : 'text';
}

/** A readable table: each sentence with its techniques, then techniques strongest first. */
export function classificationLines(result: Classification): string[] {
  const { summary } = result;
  const header = [
    `model ${result.model.modelId ?? '?'} · ATT&CK ${result.model.attackVersion ?? '?'} · ` +
      `threshold ${result.threshold.toFixed(3)} · top ${result.topK} · ` +
      `${summary.sentencesWithTechniques} of ${summary.sentences} sentences with techniques`,
    '',
    `  ${'#'.padStart(4)}  ${'sentence'.padEnd(SENTENCE_WIDTH)}  techniques`,
  ];
  const sentences = result.sentences.flatMap((sentence) => sentenceLines(sentence));
  const techniques = summary.techniques.map(
    (technique) =>
      `  ${technique.id.padEnd(10)} ${clip(technique.name, NAME_WIDTH).padEnd(NAME_WIDTH)} ` +
      `${technique.maxProbability.toFixed(2)}  ${String(technique.sentenceCount).padStart(3)} × ` +
      `#${technique.sentences.map((sentence) => sentence.index).join(', #')}`,
  );
  return [
    ...header,
    ...sentences,
    '',
    `techniques (strongest first; the model knows ${result.model.techniqueCount})`,
    ...(techniques.length > 0 ? techniques : ['  none above the threshold']),
  ];
}

function sentenceLines(sentence: Classification['sentences'][number]): string[] {
  const text = clip(sentence.text, SENTENCE_WIDTH).padEnd(SENTENCE_WIDTH);
  const first = `  ${String(sentence.index).padStart(4)}  ${text}  `;
  if (sentence.techniques.length === 0) return [`${first}—`];
  return sentence.techniques.map(
    (technique, position) =>
      `${position === 0 ? first : ' '.repeat(first.length)}${techniqueLabel(technique)}`,
  );
}

function techniqueLabel(technique: TechniqueScore): string {
  return `${technique.probability.toFixed(2)} ${technique.id} ${clip(technique.name, NAME_WIDTH)}`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * POST of a read operation with the read token (or the write token, or none where reads are
 * open). TODO(#8): a `post` on ApiClient would replace this; failures map to the same codes.
 */
async function postForRead<T>(target: ApiTarget, path: string, body: unknown): Promise<T> {
  const token = target.readToken ?? target.writeToken;
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(300_000),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach the ttpgrid API at ${target.baseUrl} (${(error as Error).message})`,
      EXIT.unreachable,
    );
  }
  if (response.ok) return (await response.json()) as T;

  const failure = (await response.json().catch(() => ({}))) as { message?: string };
  const message = failure.message ?? `${response.status} ${response.statusText}`;
  if (response.status === 404) throw new CliError(message, EXIT.notFound);
  if (response.status === 503)
    throw new CliError(`the API is not ready: ${message}`, EXIT.unreachable);
  if (response.status < 500) throw new CliError(message, EXIT.badInput);
  throw new CliError(`the API failed: ${message}`, EXIT.failure);
}
