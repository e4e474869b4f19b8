import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, venvBin } from '@ttpgrid/config';
import {
  findFreePort,
  startEmbeddedPostgres,
  startTemporalDevServer,
  type PostgresHandle,
  type TemporalHandle,
} from '@ttpgrid/devstack';

/**
 * Starts a real Postgres (fresh data folder) and a real in-memory Temporal dev server on free
 * loopback ports for the integration tests, and points every test at them through the
 * environment. An external DATABASE_URL or TEMPORAL_ADDRESS is never used by tests.
 */
export default async function setup() {
  const config = loadConfig({ ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
  const scratch = await mkdtemp(join(tmpdir(), 'ttpgrid-it-'));
  // Postgres runs as its own user (we are root), so it must be able to enter the folder.
  await chmod(scratch, 0o755);

  let postgres: PostgresHandle | undefined;
  let temporal: TemporalHandle | undefined;
  try {
    postgres = await startEmbeddedPostgres({
      dataDir: join(scratch, 'postgres'),
      port: await findFreePort(),
      migrationsDir: join(config.repoRoot, 'prisma/migrations'),
    });
    temporal = await startTemporalDevServer({
      binary: venvBin(config, 'temporal'),
      dataDir: join(scratch, 'temporal'),
      port: await findFreePort(),
      uiPort: await findFreePort(),
      ephemeral: true,
    });
  } catch (error) {
    await postgres?.stop();
    throw error;
  }

  process.env.DATABASE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TTPGRID_ARTIFACT_DIR = join(scratch, 'artifacts');
  process.env.TTPGRID_DATA_HOME = join(scratch, 'data-home');
  process.env.TTPGRID_WORKER_METRICS_PORT = '0';

  return async () => {
    await temporal?.stop();
    await postgres?.stop();
    await rm(scratch, { recursive: true, force: true });
  };
}
