import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { validateNavigatorLayer } from '@ttpgrid/classifier';
import { createLogger, loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { OOD_PATH } from '@ttpgrid/dataset';
import { startCpuWorker, type RunningWorker } from '@ttpgrid/worker';

import { startTrainerProcess, type TrainerProcess } from '../../../test/support/trainer-process';
import { runCli } from '../../cli/test/support/run-cli';
import { createApiApp, type ApiApp } from '../src';
import { copyRawData, waitForExperiment, WRITE_TOKEN, writeRequest } from './support/api-stack';
import { readJson, type JsonBody } from './support/json';

// Train, deploy and serve a real model: one fine-tuned minilm-l6 run on the full training split
// (754 sentences, 73 classes; one epoch of 48 steps at max length 64, lr 1e-4 without warmup so
// that probabilities move off uniform), deployed with 200 negatives and a 1-in-20 slice of the
// OOD file, then classified through the API and the CLI. Tests run in order.
const GRID = [
  'name: models-e2e',
  'encoders: [minilm-l6]',
  "cases: ['P']",
  'seeds: [1]',
  'mode: finetune',
  'hyperparameters: {epochs: 1, maxLength: 64, learningRate: 1.0e-4, warmupSteps: 0}',
  'dataset: {ood: {path: tram/ood-slice.json}}',
].join('\n');
const NEGATIVES_LIMIT = 200;
const BODY_LIMIT = 64 * 1024;
/** Fine-tuning on two shared cores: ~8 minutes an epoch when other work competes for them. */
const LONG = 1_200_000;

const REPORT = [
  'Threat report: a spear-phishing intrusion at a logistics company.',
  '',
  'The actor sent emails with a malicious Word attachment to employees of the finance team.',
  'When the document was opened, a macro ran PowerShell to download a second stage over HTTPS.',
  'The implant collected the host name, the user name and the network configuration with',
  'ipconfig /all and sent them to its command and control server.',
  'It dumped credentials from LSASS memory and moved laterally over RDP.',
  'The team met on Tuesday to discuss the budget.',
].join('\n');

const HTML_REPORT = [
  '<html><head><title>Incident</title><script>var beacon = "Adversaries executed PowerShell";',
  '</script></head><body><h1>Incident notes</h1>',
  '<p>The actor ran <code>ipconfig /all</code> to list the network configuration of the host.</p>',
  '<ul><li>Scheduled tasks were created for persistence.</li></ul></body></html>',
].join('\n');

const log = createLogger('api.models-e2e');

interface ModelsStack {
  url: string;
  config: TtpgridConfig;
  db: ReturnType<typeof createDatabase>;
  api: ApiApp;
  worker: RunningWorker;
  trainer: TrainerProcess;
  dataDir: string;
  workDir: string;
}

let stack: ModelsStack;

/** A private copy of the raw data with a small OOD file, the workers, and the API. */
async function startModelsStack(): Promise<ModelsStack> {
  const dataDir = copyRawData(loadConfig().rawDataDir);
  const ood = JSON.parse(readFileSync(join(dataDir, OOD_PATH), 'utf8')) as unknown[];
  writeFileSync(
    join(dataDir, 'tram/ood-slice.json'),
    JSON.stringify(ood.filter((_, i) => i % 20 === 0)),
  );
  process.env.TTPGRID_DATA_DIR = dataDir;
  const suffix = randomUUID().slice(0, 8);
  const config: TtpgridConfig = {
    ...loadConfig(),
    cpuTaskQueue: `models-cpu-${suffix}`,
    trainerTaskQueue: `models-gpu-${suffix}`,
    writeToken: WRITE_TOKEN,
    readToken: undefined,
  };

  const trainer = await startTrainerProcess({
    TTPGRID_TRAINER_TASK_QUEUE: config.trainerTaskQueue,
  });
  const worker = await startCpuWorker(config);
  const api = await createApiApp(config, undefined, { webDist: null, bodyLimitBytes: BODY_LIMIT });
  const url = await api.listen(0, '127.0.0.1');
  const db = createDatabase(config.databaseUrl);
  const workDir = mkdtempSync(join(tmpdir(), 'ttpgrid-models-it-'));
  return { url, config, db, api, worker, trainer, dataDir, workDir };
}

beforeAll(async () => {
  stack = await startModelsStack();
});

afterAll(async () => {
  await stack?.api.close();
  await stack?.worker.shutdown();
  await stack?.trainer.stop();
  await stack?.db.$disconnect();
  if (stack) {
    rmSync(stack.dataDir, { recursive: true, force: true });
    rmSync(stack.workDir, { recursive: true, force: true });
  }
});

const get = async (path: string) => readJson(await fetch(`${stack.url}${path}`));

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

async function waitForDeployment(workflowId: string): Promise<JsonBody> {
  const deadline = Date.now() + LONG;
  for (;;) {
    const status = await get(`/api/models/deployments/${workflowId}`);
    if (status.status !== 'running') return status;
    if (Date.now() > deadline) throw new Error(`deployment ${workflowId} still running`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function timed<T>(name: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return action().finally(() =>
    log.info('step timed', {
      step: name,
      seconds: Math.round((performance.now() - started) / 1000),
    }),
  );
}

describe('deploying a fine-tuned run and classifying reports with it', () => {
  let experimentId = '';
  let modelId = '';
  let classIds: string[] = [];

  it(
    'trains the grid, then deploys its run chosen by dev figures as the active model',
    async () => {
      const submitted = await readJson(
        await fetch(`${stack.url}/api/experiments`, writeRequest('POST', { spec: GRID })),
      );
      experimentId = submitted.experimentId;
      const experiment = await timed('train', () =>
        waitForExperiment(stack.url, experimentId, LONG),
      );
      expect(experiment.status).toBe('succeeded');

      const started = await fetch(
        `${stack.url}/api/models`,
        writeRequest('POST', { experimentId, negativesLimit: NEGATIVES_LIMIT }),
      );
      const again = await fetch(`${stack.url}/api/models`, writeRequest('POST', { experimentId }));
      const deployment = await readJson(started);
      expect(started.status).toBe(202);
      expect(deployment).toMatchObject({ workflowId: `deploy-${experimentId}`, runId: null });
      expect(again.status).toBe(409);

      const finished = await timed('deploy', () => waitForDeployment(deployment.workflowId));
      expect(finished).toMatchObject({ status: 'succeeded', error: null });
      modelId = finished.modelId;
    },
    LONG,
  );

  it('shows the model: provenance, calibration, negative share, OOD beside test', async () => {
    const model = await get(`/api/models/${modelId}`);
    const run = await stack.db.run.findFirstOrThrow({ where: { experimentId } });
    const list = await get('/api/models');
    classIds = model.techniques.map((technique: { id: string }) => technique.id);

    expect(model).toMatchObject({
      id: modelId,
      active: true,
      experimentId,
      runId: run.id,
      caseName: 'P',
      encoder: 'minilm-l6',
      attackVersion: 'v14.1',
      provenance: {
        maxLength: 64,
        techniqueCount: 73,
        datasetVersion: { id: run.datasetVersionId },
      },
    });
    expect(run.keep).toBe(true);
    expect(model.evaluation.map((row: { set: string }) => row.set)).toEqual(['dev', 'test', 'ood']);
    expect(model.evaluation.map((row: { sentences: number }) => row.sentences).slice(0, 2)).toEqual(
      [355, 382],
    );
    expect(model.evaluation[2].inDistribution).toBe(false);
    expect(model.test.microF1).toBeCloseTo(run.microF1!, 12);
    expect(model.metrics.selection).toMatchObject({ rule: 'checkpoint-dev-macro-f1-v1', epoch: 1 });
    expect(model.calibration).toMatchObject({
      rule: 'max-dev-f1-under-negative-share-v1',
      negatives: { available: 11_063, used: NEGATIVES_LIMIT },
    });
    expect(model.threshold).toBe(model.calibration.threshold);
    expect(model.negativeShare).toBe(model.calibration.measurementNegativeShare);
    expect(model.calibration.calibrationNegativeShare).toBeLessThanOrEqual(0.2);
    expect(model.calibration.curve).toHaveLength(9);
    expect(classIds).toHaveLength(73);
    expect(list.items[0]).toMatchObject({ id: modelId, active: true });
    log.info('model figures', {
      threshold: model.threshold,
      negativeShare: model.negativeShare,
      evaluation: model.evaluation,
    });
  });

  it('classifies a plain-text report sentence by sentence with a per-report summary', async () => {
    const response = await post(
      '/api/classify',
      JSON.stringify({ text: REPORT, topK: 3, threshold: 0 }),
    );
    const result = await readJson(response);
    const model = await get(`/api/models/${modelId}`);
    const atDefault = await readJson(await post('/api/classify', REPORT, 'text/plain'));

    expect(response.status).toBe(200);
    expect(result.model).toMatchObject({ modelId, attackVersion: 'v14.1', techniqueCount: 73 });
    expect(result.sentences.length).toBeGreaterThanOrEqual(6);
    expect(result.sentences[3].text).toContain('ipconfig /all and sent them');
    for (const sentence of result.sentences) {
      expect(sentence.techniques).toHaveLength(3);
      const probabilities = sentence.techniques.map((t: { probability: number }) => t.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
      expect(sentence.techniques.every((t: { id: string }) => classIds.includes(t.id))).toBe(true);
    }
    expect(result.summary.sentencesWithTechniques).toBe(result.sentences.length);
    expect(result.summary.techniques[0].sentences.length).toBeGreaterThan(0);
    expect(atDefault.threshold).toBe(model.threshold);
    expect(atDefault.format).toBe('text');
  });

  it('strips markup and scripts from an HTML report sent as text/html', async () => {
    const result = await readJson(
      await post(`/api/classify?modelId=${modelId}&threshold=0&topK=1`, HTML_REPORT, 'text/html'),
    );
    const texts = result.sentences.map((sentence: { text: string }) => sentence.text);

    expect(result.format).toBe('html');
    expect(texts).toContain('Incident notes');
    expect(texts.some((text: string) => text.includes('ipconfig /all'))).toBe(true);
    expect(texts.join(' ')).not.toMatch(/beacon|<|>/);
  });

  it('downloads the classification as a valid ATT&CK Navigator layer', async () => {
    const body = JSON.stringify({ text: REPORT, threshold: 0, topK: 2, title: 'logistics' });
    const response = await post('/api/classify/navigator', body);
    const layer = await readJson(response);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename=".+\.json"$/,
    );
    expect(validateNavigatorLayer(layer)).toEqual([]);
    expect(layer).toMatchObject({
      name: 'ttpgrid: logistics',
      domain: 'enterprise-attack',
      versions: { layer: '4.5', attack: '14', navigator: '5.1.0' },
    });
    expect(layer.description).toContain('only its 73 techniques');
    expect(layer.techniques.length).toBeGreaterThan(0);
    for (const technique of layer.techniques) {
      expect(classIds).toContain(technique.techniqueID);
      expect(technique.score).toBeGreaterThanOrEqual(0);
      expect(technique.score).toBeLessThanOrEqual(100);
      expect(technique.comment).toMatch(/sentence\(s\)\. \[\d\.\d\d\] /);
    }
  });

  it('answers unknown models and deployments 404, empty reports 400, large ones 413', async () => {
    const unknown = await post('/api/classify', JSON.stringify({ text: 'x y.', modelId: 'nope' }));
    const markupOnly = await post('/api/classify', '<script>1</script><p> </p>', 'text/html');
    const large = await post('/api/classify', 'The actor ran whoami. '.repeat(4000), 'text/plain');
    const notDeployment = await fetch(
      `${stack.url}/api/models/deployments/experiment-${experimentId}`,
    );

    expect(unknown.status).toBe(404);
    expect(markupOnly.status).toBe(400);
    expect((await readJson(markupOnly)).problems).toEqual([
      { path: 'body', reason: 'the report contains no sentence to classify' },
    ]);
    expect(large.status).toBe(413);
    expect(await readJson(large)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(notDeployment.status).toBe(404);
  });

  it(
    'deploys the named run again from the CLI, and classifies a file into a table and a layer',
    async () => {
      const run = await stack.db.run.findFirstOrThrow({ where: { experimentId } });
      const cli = (...argv: string[]) =>
        runCli([...argv, '--api-url', stack.url], { TTPGRID_WRITE_TOKEN: WRITE_TOKEN });
      const reportFile = join(stack.workDir, 'report.txt');
      const layerFile = join(stack.workDir, 'layer.json');
      writeFileSync(reportFile, REPORT);

      const deployed = await timed('redeploy', () =>
        cli(
          'deploy',
          experimentId,
          '--run',
          run.id,
          '--negatives-limit',
          '200',
          '--wait',
          '--json',
        ),
      );
      expect(deployed.code).toBe(0);
      const second = JSON.parse(deployed.stdout);
      expect(second).toMatchObject({ runId: run.id, active: true });
      expect(second.id).not.toBe(modelId);
      expect((await get(`/api/models/${modelId}`)).active).toBe(false);

      const table = await cli('classify', reportFile, '--threshold', '0', '--navigator', layerFile);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain(`model ${second.id}`);
      expect(table.stdout).toMatch(/^ {5}3 {2}The implant collected/m);
      expect(table.stdout).toContain('techniques (strongest first; the model knows 73)');
      expect(validateNavigatorLayer(JSON.parse(readFileSync(layerFile, 'utf8')))).toEqual([]);

      const missing = await cli('classify', reportFile, '--model', 'nope');
      expect(missing.code).toBe(5);
    },
    LONG,
  );
});
