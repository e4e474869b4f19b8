import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';

/**
 * Applies the SQL migrations in Prisma's folder layout and keeps Prisma's `_prisma_migrations`
 * bookkeeping, so `prisma migrate deploy` and `prisma migrate status` agree with this runner
 * wherever the native migrate engine is available. Applying twice is a no-op.
 */
export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any fixed number works: concurrent runners queue on it instead of applying twice.
const ADVISORY_LOCK_ID = 72_707_201;

export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_ID]);
    await client.query(BOOKKEEPING_TABLE);
    return await applyPending(client, migrationsDir);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

async function applyPending(client: pg.Client, migrationsDir: string): Promise<MigrationResult> {
  const names = await listMigrations(migrationsDir);
  const done = await client.query<{ migration_name: string; checksum: string }>(
    'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL',
  );
  const applied = new Map(done.rows.map((row) => [row.migration_name, row.checksum]));

  const result: MigrationResult = { applied: [], skipped: [] };
  for (const name of names) {
    const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(name);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(`migration ${name} was edited after it was applied (checksum differs)`);
      }
      result.skipped.push(name);
      continue;
    }

    await applyOne(client, name, sql, checksum);
    result.applied.push(name);
  }
  return result;
}

async function applyOne(client: pg.Client, name: string, sql: string, checksum: string) {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
       VALUES ($1, $2, $3, now())`,
      [id, checksum, name],
    );
    await client.query(sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`migration ${name} failed: ${(error as Error).message}`);
  }
}

async function listMigrations(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
