import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

/** The repository root: three levels above this file (packages/config/src). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const EnvSchema = z.object({
  TTPGRID_DATA_HOME: z.string().default(join(REPO_ROOT, '.data')),
  TTPGRID_ARTIFACT_DIR: optionalText,
  TTPGRID_DATA_DIR: z.string().default(resolve(REPO_ROOT, '..', 'shared', 'data')),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TTPGRID_PG_PORT: port.default(54329),
  TTPGRID_TEMPORAL_PORT: port.default(7233),
  TTPGRID_TEMPORAL_UI_PORT: port.default(8233),
  TTPGRID_CPU_TASK_QUEUE: z.string().min(1).default('ttpgrid-cpu'),
  TTPGRID_TRAINER_TASK_QUEUE: z.string().min(1).default('ttpgrid-gpu'),
  TTPGRID_API_PORT: port.default(3000),
  TTPGRID_API_URL: optionalText.pipe(z.url().optional()),
  TTPGRID_WRITE_TOKEN: optionalText,
  TTPGRID_READ_TOKEN: optionalText,
  TTPGRID_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Loopback by default; containers set 0.0.0.0 so that Prometheus can scrape the worker. */
  TTPGRID_WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  TTPGRID_API_HOST: z.string().min(1).default('127.0.0.1'),
  TTPGRID_VENV: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type TtpgridConfig = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
    );
    throw new ConfigError(problems);
  }

  const values = parsed.data;
  const dataHome = resolve(values.TTPGRID_DATA_HOME);
  const pgPort = values.TTPGRID_PG_PORT;
  return {
    repoRoot: REPO_ROOT,
    dataHome,
    artifactDir: resolve(values.TTPGRID_ARTIFACT_DIR ?? join(dataHome, 'artifacts')),
    rawDataDir: resolve(values.TTPGRID_DATA_DIR),
    databaseUrl: values.DATABASE_URL ?? `postgresql://ttpgrid:ttpgrid@127.0.0.1:${pgPort}/ttpgrid`,
    externalDatabase: values.DATABASE_URL !== undefined,
    temporalAddress: values.TEMPORAL_ADDRESS ?? `127.0.0.1:${values.TTPGRID_TEMPORAL_PORT}`,
    externalTemporal: values.TEMPORAL_ADDRESS !== undefined,
    temporalNamespace: values.TEMPORAL_NAMESPACE,
    pgPort,
    temporalPort: values.TTPGRID_TEMPORAL_PORT,
    temporalUiPort: values.TTPGRID_TEMPORAL_UI_PORT,
    cpuTaskQueue: values.TTPGRID_CPU_TASK_QUEUE,
    trainerTaskQueue: values.TTPGRID_TRAINER_TASK_QUEUE,
    apiPort: values.TTPGRID_API_PORT,
    apiUrl: values.TTPGRID_API_URL ?? `http://127.0.0.1:${values.TTPGRID_API_PORT}`,
    writeToken: values.TTPGRID_WRITE_TOKEN,
    readToken: values.TTPGRID_READ_TOKEN,
    workerMetricsPort: values.TTPGRID_WORKER_METRICS_PORT,
    workerMetricsHost: values.TTPGRID_WORKER_METRICS_HOST,
    apiHost: values.TTPGRID_API_HOST,
    venvDir: resolve(values.TTPGRID_VENV ?? defaultVenvDir()),
    logLevel: values.LOG_LEVEL,
  };
}

/** The cached Python environment, named by the hash of the pinned requirements. */
export function defaultVenvDir(): string {
  const requirements = readFileSync(join(REPO_ROOT, 'apps/trainer/requirements.txt'));
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  return join(homedir(), '.cache', 'ttpgrid', `venv-${hash}`);
}

export function venvBin(config: { venvDir: string }, name: string): string {
  return join(config.venvDir, 'bin', name);
}
