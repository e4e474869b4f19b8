import type { Command } from 'commander';

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { createLogger, loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';
import { findFreePort, startEmbeddedPostgres } from '@ttpgrid/devstack';
import { PlanError } from '@ttpgrid/grid';
import { reportPlan, type PlanReport } from '@ttpgrid/orchestration';

import { CliError, EXIT } from '../exit-codes';
import { readSpecFile } from '../spec-file';

const log = createLogger('cli.plan');

/** `ttpgrid plan <spec>`: runs, unique and naive stages, cached stages; needs no service. */
export function registerPlanCommand(program: Command) {
  program
    .command('plan')
    .argument('<spec>', 'grid spec file (YAML or JSON)')
    .description('expand a grid into runs and stages, and count what is already trained')
    .option('--json', 'print one JSON object')
    .action(async (path: string, options: { json?: boolean }) => {
      const { spec } = await readSpecFile(path);
      const config = loadConfig();
      const { db, stop } = await openStageDatabase(config);
      try {
        const report = await reportPlan(spec, config, db).catch((error: unknown) => {
          if (error instanceof PlanError) throw new CliError(error.message, EXIT.badInput);
          throw error;
        });
        process.stdout.write(
          options.json ? `${JSON.stringify(report, null, 2)}\n` : render(report),
        );
      } finally {
        await db?.$disconnect();
        await stop();
      }
    });
}

interface StageDatabase {
  db: Database | null;
  stop(): Promise<void>;
}

/**
 * Postgres is optional for planning: without it, cached stages are reported as null. When the
 * configured server is down but this machine has the embedded one's data (after `npm run main`),
 * that data is opened on a free port for the count and closed again.
 */
async function openStageDatabase(config: TtpgridConfig): Promise<StageDatabase> {
  const none = { db: null, stop: async () => undefined };
  const running = await connectIfReachable(config.databaseUrl);
  if (running) return { db: running, stop: none.stop };

  const dataDir = join(config.dataHome, 'postgres');
  if (config.externalDatabase || !existsSync(join(dataDir, 'data', 'PG_VERSION'))) return none;
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir,
      port: await findFreePort(),
      migrationsDir: join(config.repoRoot, 'prisma/migrations'),
    });
    const db = await connectIfReachable(postgres.url);
    return { db, stop: () => postgres.stop() };
  } catch (error) {
    log.warn('embedded postgres not opened; cached stages unknown', { error: String(error) });
    return none;
  }
}

async function connectIfReachable(url: string): Promise<Database | null> {
  const db = createDatabase(url);
  try {
    await Promise.race([
      db.$queryRaw`SELECT 1 FROM "Stage" LIMIT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000)),
    ]);
    return db;
  } catch {
    await db.$disconnect().catch(() => undefined);
    return null;
  }
}

const PROVISIONAL = ' (provisional: some encoders are not installed)';

function render(report: PlanReport): string {
  const epochs = report.exampleEpochsToTrain.toLocaleString('en');
  const cached =
    report.cachedStages === null ? 'unknown (database not reachable)' : report.cachedStages;
  const estimate =
    report.estimatedSeconds === null
      ? 'no measured rate yet for these encoders'
      : `${formatDuration(report.estimatedSeconds)} at measured rates`;
  return [
    `grid ${report.name}${report.provisional ? PROVISIONAL : ''}`,
    `  runs                 ${report.runs}`,
    `  stages (unique)      ${report.stages}`,
    `  stages (no sharing)  ${report.naiveStages}`,
    `  stages cached        ${cached}`,
    `  dataset versions     ${report.datasetVersions.join(', ')}`,
    `  encoders             ${report.encoders.join(', ')}  (mode ${report.mode.join(', ')})`,
    `  compute to do        ${epochs} example-epochs; ${estimate}`,
    '',
  ].join('\n');
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
