import { join } from 'node:path';

import { loadConfig } from '@ttpgrid/config';

import { applyMigrations } from '../src/migrate';

const config = loadConfig();
const result = await applyMigrations(
  config.databaseUrl,
  join(config.repoRoot, 'prisma/migrations'),
);
process.stdout.write(
  `migrations applied: ${result.applied.length}, already present: ${result.skipped.length}\n`,
);
