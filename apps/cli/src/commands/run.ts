import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';

import { apiOptionsFromEnvironment, createApiApp } from '@ttpgrid/api';
import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';
import {
  findFreePort,
  startDevStack,
  startTrainerWorker,
  takeOverShutdownSignals,
  type DevStack,
} from '@ttpgrid/devstack';
import {
  cancelExperiment,
  isActiveStatus,
  experimentProgress,
  renderExperimentTable,
  signalCancel,
  submitExperiment,
  type Submission,
} from '@ttpgrid/orchestration';
import { startCpuWorker } from '@ttpgrid/worker';

import { CliError, EXIT } from '../exit-codes';
import { ProgressLine } from '../progress';
import { readSpecFile } from '../spec-file';

const log = createLogger('cli.run');

const MAX_TRAINERS = 16;

interface RunOptions {
  trainers: number;
  serve?: boolean;
  verbose?: boolean;
}

/**
 * `ttpgrid run [spec]`: the main job on one machine. Starts the embedded services (or uses
 * DATABASE_URL / TEMPORAL_ADDRESS), the TypeScript worker and the Python trainer, submits the
 * grid, follows it, prints its table from Postgres and stops what it started.
 */
export function registerRunCommand(program: Command) {
  program
    .command('run')
    .argument('[spec]', 'grid spec file', 'experiments/smoke.yaml')
    .description('run a grid end to end on this machine and print its result table')
    .option('--serve', 'keep the API and UI up after the table, until Ctrl-C')
    .option('--verbose', "show the trainer's log lines")
    .option(
      '--trainers <n>',
      'trainer worker processes polling the trainer task queue, each one stage at a time',
      parseTrainerCount,
      2,
    )
    .action(async (path: string, options: RunOptions) => {
      const { spec } = await readSpecFile(path);
      const started = Date.now();
      const session = await RunSession.open(loadConfig(), options);
      // Ctrl-C during the grid cancels this run's experiment (its finished stages stay reusable)
      // and stops the services in order; with --serve, Ctrl-C after the table stops them too.
      const stopOnSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`\n${signal}: cancelling the grid, stopping what this run started\n`);
        // A progress query in flight can fail once its channel closes; the process is ending.
        process.on('uncaughtException', (error) =>
          log.warn('error while stopping', { error: String(error) }),
        );
        void session
          .cancelSubmitted()
          .catch((error: unknown) => log.warn('cancel failed', { error: String(error) }))
          .then(() => session.close())
          .finally(() => process.exit(130));
      };
      takeOverShutdownSignals();
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      try {
        const submission = await session.submit(spec);
        const status = await session.follow(submission);
        await session.printTable(submission.experimentId);
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        process.stdout.write(
          `\nexperiment ${submission.experimentId}: ${status} in ${seconds} s\n`,
        );
        if (options.serve) {
          process.removeListener('SIGINT', stopOnSignal);
          process.removeListener('SIGTERM', stopOnSignal);
          await session.serve();
        }
        if (status !== 'succeeded') throw new CliError(`grid ended ${status}`, EXIT.runsFailed);
      } finally {
        await session.close();
      }
    });
}

class RunSession {
  private stopCallbacks: Array<() => Promise<unknown>> = [];
  private connection!: Connection;
  private client!: Client;
  private db!: Database;
  private apiUrl: string | null = null;
  private submittedId: string | null = null;

  private constructor(
    private config: TtpgridConfig,
    private readonly options: RunOptions,
  ) {}

  static async open(config: TtpgridConfig, options: RunOptions) {
    const session = new RunSession(config, options);
    try {
      await session.startServices();
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  private async startServices() {
    process.stdout.write('starting Postgres, the Temporal dev server and the workers …\n');
    const stack: DevStack = await startDevStack(this.config);
    this.stopCallbacks.push(() => stack.stop());
    this.config = {
      ...this.config,
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
    };

    this.db = createDatabase(this.config.databaseUrl);
    this.stopCallbacks.push(() => this.db.$disconnect());
    this.connection = await Connection.connect({ address: this.config.temporalAddress });
    this.client = new Client({
      connection: this.connection,
      namespace: this.config.temporalNamespace,
    });
    this.stopCallbacks.push(() => this.connection.close());

    await this.startTrainers();
    const worker = await startCpuWorker(this.config);
    this.stopCallbacks.push(() => worker.shutdown());
    await this.startApi();
    if (stack.temporalUiUrl) process.stdout.write(`Temporal UI: ${stack.temporalUiUrl}\n`);
  }

  /**
   * Local scale-out the way a cluster does it: more trainer processes on the same task queue.
   * Each has its own metrics port: the first keeps the configured one, the others take free ones.
   */
  private async startTrainers() {
    const echo = this.options.verbose ? process.stderr : undefined;
    const environments: Array<Record<string, string>> = [{}];
    while (environments.length < this.options.trainers) {
      environments.push({ TTPGRID_TRAINER_METRICS_PORT: String(await findFreePort()) });
    }

    const started = await Promise.allSettled(
      environments.map((env) => startTrainerWorker(this.config, { echo, env })),
    );
    for (const result of started) {
      if (result.status === 'fulfilled') this.stopCallbacks.push(() => result.value.stop());
    }
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async startApi() {
    const options = apiOptionsFromEnvironment(this.config);
    const api = await createApiApp(this.config, undefined, options);
    this.stopCallbacks.push(() => api.close());
    this.apiUrl = await api.listen(this.config.apiPort, options.host);
    process.stdout.write(`API and UI: ${this.apiUrl}\n`);
  }

  /** Cancels the experiment this session submitted, if it is still running. */
  async cancelSubmitted() {
    const experimentId = this.submittedId;
    if (!experimentId) return;
    const outcome = await cancelExperiment(this.client, this.db, experimentId).catch(
      async (error: unknown) => {
        // Postgres may be stopping already (a terminal's Ctrl-C reaches it too): signal the
        // workflow directly; it finishes cancelling when the services next run.
        log.warn('cancel through the database failed; signalling', { error: String(error) });
        await signalCancel(this.client, experimentId);
        return 'signalled';
      },
    );
    if (outcome === 'cancelling') await this.waitUntilStopped(experimentId);
  }

  private async waitUntilStopped(experimentId: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const experiment = await this.db.experiment
        .findUnique({ where: { id: experimentId } })
        .catch(() => null); // Postgres may be stopping too: nothing more to wait for
      if (!experiment || !isActiveStatus(experiment.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async submit(spec: Parameters<typeof submitExperiment>[0]): Promise<Submission> {
    const store = new LocalArtifactStore(this.config.artifactDir);
    const submission = await submitExperiment(spec, {
      config: this.config,
      db: this.db,
      store,
      client: this.client,
    });
    this.submittedId = submission.experimentId;
    process.stdout.write(
      `experiment ${submission.experimentId}: ${submission.runs} runs, ` +
        `${submission.stages} stages (${submission.cachedStages} already trained)\n`,
    );
    return submission;
  }

  async follow(submission: Submission): Promise<string> {
    const line = new ProgressLine(process.stdout);
    for (;;) {
      const progress = await experimentProgress(this.client, this.db, submission.experimentId);
      line.update(progress);
      if (!['queued', 'running'].includes(progress.status)) {
        line.finish();
        return progress.status;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async printTable(experimentId: string) {
    const table = await renderExperimentTable(this.db, experimentId, {
      format: 'markdown',
      repoRoot: this.config.repoRoot,
    });
    process.stdout.write(`\n${table.text ?? ''}\n`);
  }

  async serve() {
    process.stdout.write(`\nserving the API and UI at ${this.apiUrl} — Ctrl-C stops\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }

  async close() {
    for (const stop of this.stopCallbacks.reverse()) {
      await stop().catch((error: unknown) => log.warn('stop failed', { error }));
    }
    this.stopCallbacks = [];
  }
}

function parseTrainerCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_TRAINERS) {
    throw new CliError(
      `--trainers: expected a whole number from 1 to ${MAX_TRAINERS}, got "${value}"`,
      EXIT.badInput,
    );
  }
  return count;
}
