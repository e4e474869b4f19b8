import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApiApp, type ApiApp } from '@ttpgrid/api';
import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig, REPO_ROOT, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { findFreePort, startTrainerWorker, type TrainerProcess } from '@ttpgrid/devstack';
import { parseGridSpecText } from '@ttpgrid/grid';
import { submitExperiment } from '@ttpgrid/orchestration';
import { startCpuWorker, type RunningWorker } from '@ttpgrid/worker';

import { promqlMetricNames } from './promql';

/**
 * Scrapes the live /metrics endpoints of the API, the TypeScript worker and the Python trainer
 * while a small real grid runs, and checks that every metric the Grafana dashboard queries is
 * exposed by one of them.
 */
let config: TtpgridConfig;
let api: ApiApp;
let apiUrl: string;
let worker: RunningWorker;
let trainer: TrainerProcess;
let connection: Connection;
let trainerMetricsPort: number;
const db = createDatabase(loadConfig().databaseUrl);

beforeAll(async () => {
  config = {
    ...loadConfig(),
    cpuTaskQueue: `cpu-${randomUUID()}`,
    trainerTaskQueue: `gpu-${randomUUID()}`,
    workerMetricsPort: await findFreePort(),
  };
  trainerMetricsPort = await findFreePort();
  trainer = await startTrainerWorker(config, {
    env: { TTPGRID_TRAINER_METRICS_PORT: String(trainerMetricsPort) },
  });
  worker = await startCpuWorker(config);
  api = await createApiApp(config);
  apiUrl = await api.listen(await findFreePort(), '127.0.0.1');
  connection = await Connection.connect({ address: config.temporalAddress });
});

afterAll(async () => {
  await api?.close();
  await worker?.shutdown();
  await trainer?.stop();
  await connection?.close();
  await db.$disconnect();
});

function dashboardMetricNames(): Set<string> {
  const file = join(REPO_ROOT, 'infra/grafana/dashboards/ttpgrid.json');
  const expressions: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') expressions.push(value);
        else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  return new Set(expressions.flatMap(promqlMetricNames));
}

async function scrape(url: string): Promise<Set<string>> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  const names = (await response.text())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/[{ ]/)[0] as string);
  return new Set(names);
}

describe('live metrics during a small grid', () => {
  it('exposes every metric the dashboard queries from the API, worker and trainer', async () => {
    // A seed no other test uses, so that the stage really trains (a cached one exports nothing).
    const seed = 100_000 + Math.floor(Math.random() * 1_000_000);
    const spec = parseGridSpecText(
      `name: live-metrics\nencoders: [minilm-l6]\ncases: [P]\nseeds: [${seed}]\nmode: probe\n` +
        'hyperparameters: {epochs: 2, maxLength: 32}\n',
    );
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const store = new LocalArtifactStore(config.artifactDir);
    const submission = await submitExperiment(spec, { config, db, store, client });

    const seen = new Set<string>();
    const endpoints = [
      `${apiUrl}/metrics`,
      `http://127.0.0.1:${config.workerMetricsPort}/metrics`,
      `http://127.0.0.1:${trainerMetricsPort}/metrics`,
    ];
    for (;;) {
      for (const url of endpoints) (await scrape(url)).forEach((name) => seen.add(name));
      const experiment = await db.experiment.findUniqueOrThrow({
        where: { id: submission.experimentId },
      });
      if (!['queued', 'running'].includes(experiment.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    for (const url of endpoints) (await scrape(url)).forEach((name) => seen.add(name));

    const missing = [...dashboardMetricNames()].filter((name) => !seen.has(name));
    expect(missing).toEqual([]);
  });
});
