import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { createActivities, WORKFLOWS_PATH } from '@ttpgrid/orchestration';
import { createMetrics, startMetricsServer, type MetricsServer } from '@ttpgrid/telemetry';

const log = createLogger('worker');

export interface RunningWorker {
  worker: Worker;
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Creates the TypeScript worker: workflows plus CPU activities on the CPU task queue. The
 * database client and Temporal connection are closed when the worker stops.
 */
export async function startCpuWorker(config: TtpgridConfig): Promise<RunningWorker> {
  installQuietRuntime(config);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const db = createDatabase(config.databaseUrl);
  const store = new LocalArtifactStore(config.artifactDir);

  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  const metrics = createMetrics({ defaultLabels: { component: 'worker' } });
  const metricsServer = await startWorkerMetrics(config, metrics.registry);
  const activities = createActivities({
    store,
    db,
    client,
    metrics,
    cpuTaskQueue: config.cpuTaskQueue,
    trainerTaskQueue: config.trainerTaskQueue,
  });

  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.cpuTaskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
    // Waiting on a shared stage holds an activity slot for the whole stage, so allow many.
    maxConcurrentActivityTaskExecutions: 200,
  });
  log.info('worker started', { taskQueue: config.cpuTaskQueue });

  const run = worker.run().finally(async () => {
    await metricsServer?.close();
    await db.$disconnect();
    await clientConnection.close();
    await connection.close();
    log.info('worker stopped', { taskQueue: config.cpuTaskQueue });
  });

  return {
    worker,
    run,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  };
}

/** Port 0 turns the worker's own /metrics endpoint off (tests run several workers). */
async function startWorkerMetrics(
  config: TtpgridConfig,
  registry: Parameters<typeof startMetricsServer>[1],
): Promise<MetricsServer | null> {
  if (config.workerMetricsPort === 0) return null;
  const server = await startMetricsServer(config.workerMetricsPort, registry, {
    host: config.workerMetricsHost,
  });
  log.info('worker metrics served', { url: server.url });
  return server;
}

let runtimeInstalled = false;

/** The SDK logs its lifecycle at info; ours does that already, so keep only its warnings. */
function installQuietRuntime(config: TtpgridConfig) {
  if (runtimeInstalled) return;
  const level = config.logLevel === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}
