import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { Client, Connection } from '@temporalio/client';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { startCpuWorker, type RunningWorker } from '@ttpgrid/worker';

import { startTrainerProcess, type TrainerProcess } from '../../../../test/support/trainer-process';
import { createApiApp, type ApiApp } from '../../src';
import { readJson } from './json';

/** The raw files the default dataset settings read, plus the auxiliary ATT&CK v15.1 file. */
export const DATA_FILES = [
  'tram/ctid-tram_v1.2.0/data/training/bootstrap-training-data.json',
  'tram/ctid-tram_main_f29793d/data/training/tram2_data/single_label.json',
  'attack/enterprise-attack_v14.1.jsonl',
  'attack/mobile-attack_v14.1.jsonl',
  'attack/ics-attack_v14.1.jsonl',
  'attack/enterprise-attack_v15.1.jsonl',
];

export const WRITE_TOKEN = `write-${randomUUID()}`;

/** A private copy of the raw data, so a test may change a file the data watch then notices. */
export function copyRawData(sourceDir: string): string {
  const target = mkdtempSync(join(tmpdir(), 'ttpgrid-raw-'));
  for (const file of DATA_FILES) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(sourceDir, file), join(target, file));
  }
  return target;
}

export interface ApiStack {
  config: TtpgridConfig;
  url: string;
  api: ApiApp;
  client: Client;
  db: ReturnType<typeof createDatabase>;
  store: LocalArtifactStore;
  dataDir: string;
  trainer: TrainerProcess;
  stop(): Promise<void>;
}

/**
 * The whole stack for one test file, against the Postgres and Temporal of the global setup:
 * the real Python trainer and the TypeScript worker on task queues of their own, and the API
 * in-process on a free loopback port, reading a private copy of the raw data. The data folder
 * is set in the environment too, because the worker's data-watch activity reads it there.
 */
export async function startApiStack(): Promise<ApiStack> {
  const dataDir = copyRawData(loadConfig().rawDataDir);
  process.env.TTPGRID_DATA_DIR = dataDir;
  const suffix = randomUUID().slice(0, 8);
  const config: TtpgridConfig = {
    ...loadConfig(),
    cpuTaskQueue: `api-cpu-${suffix}`,
    trainerTaskQueue: `api-gpu-${suffix}`,
    writeToken: WRITE_TOKEN,
    readToken: undefined,
  };

  const trainer = await startTrainerProcess({
    TTPGRID_TRAINER_TASK_QUEUE: config.trainerTaskQueue,
  });
  const worker: RunningWorker = await startCpuWorker(config);
  const api = await createApiApp(config, undefined, {
    webDist: null,
    eventIntervalMs: 500,
    scheduleId: `data-watch-${suffix}`,
  });
  const url = await api.listen(0, '127.0.0.1');

  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const db = createDatabase(config.databaseUrl);
  const store = new LocalArtifactStore(config.artifactDir);

  return {
    config,
    url,
    api,
    client,
    db,
    store,
    dataDir,
    trainer,
    stop: async () => {
      await api.close();
      await worker.shutdown();
      await trainer.stop();
      await connection.close();
      await db.$disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch with the write token and JSON. */
export function writeRequest(method: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** Polls the experiment until it leaves queued/running; returns its detail. */
export async function waitForExperiment(url: string, experimentId: string, timeoutMs = 540_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await readJson(await fetch(`${url}/api/experiments/${experimentId}`));
    if (!['queued', 'running'].includes(detail.status)) return detail;
    if (Date.now() > deadline) throw new Error(`experiment ${experimentId} still ${detail.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface ServerSentEvent {
  id: string;
  type: string;
  data: unknown;
}

/** Reads an event stream until the server closes it. */
export async function readEventStream(url: string, timeoutMs: number): Promise<ServerSentEvent[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();

  const events: ServerSentEvent[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      events.push(parseEvent(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
    }
  }
}

function parseEvent(block: string): ServerSentEvent {
  const field = (name: string) =>
    block
      .split('\n')
      .find((line) => line.startsWith(`${name}: `))
      ?.slice(name.length + 2) ?? '';
  return { id: field('id'), type: field('event'), data: JSON.parse(field('data') || 'null') };
}
