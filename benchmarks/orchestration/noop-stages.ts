/**
 * Orchestration overhead of one stage: pushes no-op stages through a real Temporal dev server and
 * a real Postgres, and compares with the same Stage upserts done directly in a loop.
 *
 *   npx tsx benchmarks/orchestration/noop-stages.ts [--stages 1000] [--concurrency 100]
 *
 * Each stage is a workflow that runs a no-op activity, then an activity that upserts one `Stage`
 * row. A short sequential run first measures one stage's latency on an idle worker; the main
 * run keeps `concurrency` stages in flight. Both servers are started on free loopback ports in a
 * temporary folder and removed after.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { createLogger, loadConfig, venvBin } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';
import { findFreePort, startEmbeddedPostgres, startTemporalDevServer } from '@ttpgrid/devstack';

import { createNoopStageActivities, upsertStageRow } from './activities';

const log = createLogger('bench.noop-stages');
const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const WARMUP_STAGES = 20;
const SEQUENTIAL_STAGES = 100;

interface Options {
  stages: number;
  concurrency: number;
}

interface Services {
  db: Database;
  temporalAddress: string;
  stop(): Promise<void>;
}

interface Timing {
  seconds: number;
  latenciesMs: number[];
}

interface TemporalTimings {
  sequential: Timing;
  concurrent: Timing;
}

async function main() {
  const options = readOptions();
  const services = await startServices();
  try {
    const baseline = await timeBaseline(services.db, options.stages);
    const temporal = await timeTemporal(services, options);
    printReport(options, baseline, temporal);
  } finally {
    await services.stop();
  }
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      stages: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '100' },
    },
  });
  return { stages: Number(values.stages), concurrency: Number(values.concurrency) };
}

/** A fresh Postgres (migrated) and an in-memory Temporal dev server on free loopback ports. */
async function startServices(): Promise<Services> {
  const config = loadConfig({ ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
  const scratch = await mkdtemp(join(tmpdir(), 'ttpgrid-bench-'));
  // Postgres runs as its own user when we are root, so it must be able to enter the folder.
  await chmod(scratch, 0o755);

  const postgres = await startEmbeddedPostgres({
    dataDir: join(scratch, 'postgres'),
    port: await findFreePort(),
    migrationsDir: join(config.repoRoot, 'prisma/migrations'),
  });
  const temporal = await startTemporalDevServer({
    binary: venvBin(config, 'temporal'),
    dataDir: join(scratch, 'temporal'),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    ephemeral: true,
  }).catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });

  const db = createDatabase(postgres.url);
  return {
    db,
    temporalAddress: temporal.address,
    stop: async () => {
      await db.$disconnect();
      await temporal.stop();
      await postgres.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** The same upserts, one after another, with no orchestration around them. */
async function timeBaseline(db: Database, stages: number): Promise<Timing> {
  for (let i = 0; i < WARMUP_STAGES; i += 1) await upsertStageRow(db, `warmup-baseline-${i}`);

  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < stages; i += 1) {
    const before = performance.now();
    await upsertStageRow(db, `baseline-${i}`);
    latenciesMs.push(performance.now() - before);
  }
  const seconds = (performance.now() - started) / 1000;
  log.info('baseline finished', { stages, seconds });
  return { seconds, latenciesMs };
}

async function timeTemporal(services: Services, options: Options): Promise<TemporalTimings> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workerConnection = await NativeConnection.connect({ address: services.temporalAddress });
  const connection = await Connection.connect({ address: services.temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `bench-noop-${randomUUID()}`;

  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createNoopStageActivities(services.db),
  });
  try {
    return await worker.runUntil(async () => {
      await runStages(client, taskQueue, 'warmup', WARMUP_STAGES, options.concurrency);
      const sequential = await runStages(client, taskQueue, 'sequential', SEQUENTIAL_STAGES, 1);
      const concurrent = await runStages(
        client,
        taskQueue,
        'stage',
        options.stages,
        options.concurrency,
      );
      log.info('temporal run finished', { stages: options.stages, seconds: concurrent.seconds });
      return { sequential, concurrent };
    });
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

/** Executes `count` stage workflows with at most `concurrency` in flight. */
async function runStages(
  client: Client,
  taskQueue: string,
  prefix: string,
  count: number,
  concurrency: number,
): Promise<Timing> {
  const latenciesMs: number[] = [];
  let next = 0;
  const runOne = async (index: number) => {
    const key = `${prefix}-${index}`;
    const before = performance.now();
    await client.workflow.execute('noopStageWorkflow', { taskQueue, workflowId: key, args: [key] });
    latenciesMs.push(performance.now() - before);
  };
  const lane = async () => {
    while (next < count) await runOne(next++);
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { seconds: (performance.now() - started) / 1000, latenciesMs };
}

function printReport(options: Options, baseline: Timing, temporal: TemporalTimings) {
  const msPerStage = (timing: Timing) => (timing.seconds * 1000) / timing.latenciesMs.length;
  const overheadMs = msPerStage(temporal.concurrent) - msPerStage(baseline);
  const idleOverheadMs =
    quantile(temporal.sequential.latenciesMs, 0.5) - quantile(baseline.latenciesMs, 0.5);
  const lines = [
    `no-op stages: ${options.stages}; Temporal dev server (in-memory SQLite), embedded ` +
      `Postgres 18; load average ${loadavg()[0]!.toFixed(2)} at the end`,
    row('baseline loop', baseline),
    row('temporal, 1 at once', temporal.sequential),
    row(`temporal, ${options.concurrency} at once`, temporal.concurrent),
    `stages per second: ${(options.stages / temporal.concurrent.seconds).toFixed(1)} ` +
      `(baseline ${(options.stages / baseline.seconds).toFixed(1)} upserts per second)`,
    `orchestration overhead per stage: ${overheadMs.toFixed(1)} ms of wall time at ` +
      `${options.concurrency} in flight (ratio to baseline ` +
      `${(msPerStage(temporal.concurrent) / msPerStage(baseline)).toFixed(1)}x); ` +
      `${idleOverheadMs.toFixed(1)} ms of latency for one stage alone (p50)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function row(label: string, timing: Timing): string {
  const count = timing.latenciesMs.length;
  const [p50, p95] = [0.5, 0.95].map((q) => quantile(timing.latenciesMs, q).toFixed(1));
  return (
    `${label.padEnd(22)} ${String(count).padStart(5)} in ${timing.seconds.toFixed(2)} s: ` +
    `${(count / timing.seconds).toFixed(1)}/s, ` +
    `${((timing.seconds * 1000) / count).toFixed(2)} ms ` +
    `each; latency p50 ${p50} ms, p95 ${p95} ms`
  );
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

main().catch((error: unknown) => {
  log.error('benchmark failed', { error });
  process.exitCode = 1;
});
