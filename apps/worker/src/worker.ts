import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { createActivities, WORKFLOWS_PATH } from '@ttpgrid/orchestration';

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

  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.cpuTaskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ store, db }),
  });
  log.info('worker started', { taskQueue: config.cpuTaskQueue });

  const run = worker.run().finally(async () => {
    await db.$disconnect();
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

let runtimeInstalled = false;

/** The SDK logs its lifecycle at info; ours does that already, so keep only its warnings. */
function installQuietRuntime(config: TtpgridConfig) {
  if (runtimeInstalled) return;
  const level = config.logLevel === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}
