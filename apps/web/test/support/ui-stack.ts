import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { createApiApp, type ApiApp } from '@ttpgrid/api';
import { loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';
import { startCpuWorker, type RunningWorker } from '@ttpgrid/worker';
import { build } from 'vite';

import { startTrainerProcess, type TrainerProcess } from '../../../../test/support/trainer-process';

const WEB_ROOT = join(import.meta.dirname, '..', '..');

export interface UiStack {
  config: TtpgridConfig;
  db: Database;
  /** The API's base URL; it also serves the UI at `/`. */
  baseUrl: string;
  readToken: string;
  writeToken: string;
  stop(): Promise<void>;
}

/**
 * The real services behind the UI, on top of the Postgres and Temporal that the global setup
 * started: the TypeScript worker, the Python trainer, and the API serving a fresh UI build.
 * Reads need a token, so the UI's token prompt is part of every run.
 */
export async function startUiStack(): Promise<UiStack> {
  process.env.TTPGRID_CPU_TASK_QUEUE = `web-cpu-${randomUUID()}`;
  process.env.TTPGRID_TRAINER_TASK_QUEUE = `web-trainer-${randomUUID()}`;
  const config = loadConfig();
  const readToken = `read-${randomUUID()}`;
  const writeToken = `write-${randomUUID()}`;
  await buildWebUi();

  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const db = createDatabase(config.databaseUrl);
    stoppers.push(() => db.$disconnect());
    const worker: RunningWorker = await startCpuWorker(config);
    stoppers.push(() => worker.shutdown());
    const trainer: TrainerProcess = await startTrainerProcess();
    stoppers.push(() => trainer.stop());
    const api: ApiApp = await createApiApp(config, undefined, {
      webDist: join(WEB_ROOT, 'dist'),
      eventIntervalMs: 500,
      tokens: { readToken, writeToken },
    });
    stoppers.push(() => api.close());
    const baseUrl = await api.listen(0, '127.0.0.1');
    return { config, db, baseUrl, readToken, writeToken, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Builds apps/web/dist from the current sources, so the test never sees a stale bundle. */
async function buildWebUi() {
  await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

export interface SubmittedGrid {
  experimentId: string;
  runs: number;
  stages: number;
  cachedStages: number;
}

/** Submits a grid spec through the API with the write token. */
export async function submitGrid(stack: UiStack, spec: object): Promise<SubmittedGrid> {
  const response = await fetch(`${stack.baseUrl}/api/experiments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.writeToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ spec }),
  });
  if (!response.ok) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as SubmittedGrid;
}

/** GETs API JSON with the read token, as the UI does. */
export async function readApi<T>(stack: UiStack, path: string): Promise<T> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${stack.readToken}` },
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until the experiment reaches a final status and returns it. */
export async function waitForExperiment(stack: UiStack, experimentId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const experiment = await stack.db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    if (!['queued', 'running'].includes(experiment.status)) return experiment;
    if (Date.now() > deadline) {
      throw new Error(
        `experiment ${experimentId} still ${experiment.status} after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
