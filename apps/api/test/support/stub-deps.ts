import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from '@temporalio/client';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';

import { createApiApp, type ApiDependencies, type CreateApiOptions } from '../../src';

type Methods = Record<string, (...args: never[]) => unknown>;

/**
 * A database stand-in for tests of the HTTP layer: the listed model methods answer, any other
 * call fails loudly, so a test notices when validation let a request through to Postgres.
 */
export function stubDatabase(models: Record<string, Methods> = {}): Database {
  const defaults: Record<string, Methods> = {
    experiment: { groupBy: async () => [] },
    stage: { groupBy: async () => [], findMany: async () => [] },
  };
  return new Proxy({} as Database, {
    get: (_target, model: string) => {
      if (model === 'then') return undefined;
      if (model === '$queryRaw') return async () => [{ '?column?': 1 }];
      const methods = { ...defaults[model], ...models[model] };
      return new Proxy(methods, {
        get: (target, method: string) =>
          target[method] ??
          (async () => {
            throw new Error(`unexpected database call ${model}.${method}`);
          }),
      });
    },
  });
}

export function stubTemporal(overrides: Partial<Record<string, () => Promise<unknown>>> = {}) {
  const workflowService = {
    getSystemInfo: async () => ({}),
    describeTaskQueue: async () => ({ stats: { approximateBacklogCount: 0 } }),
    ...overrides,
  };
  return { workflowService } as unknown as Client;
}

export const unitConfig: TtpgridConfig = {
  ...loadConfig({ ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '' }),
  cpuTaskQueue: 'unit-cpu',
  trainerTaskQueue: 'unit-gpu',
};

export function stubDeps(db = stubDatabase(), client = stubTemporal()): ApiDependencies {
  // Created on the first write only; the HTTP-layer tests write nothing.
  const store = new LocalArtifactStore(join(tmpdir(), `ttpgrid-api-unit-${randomUUID()}`));
  return { db, client, store };
}

/** An API on a free loopback port over stub dependencies; `close()` stops it. */
export async function startStubApi(deps: ApiDependencies, options: CreateApiOptions = {}) {
  const api = await createApiApp(unitConfig, deps, {
    webDist: null,
    tokens: { writeToken: 'write-secret' },
    ...options,
  });
  const url = await api.listen(0, '127.0.0.1');
  return { url, close: () => api.close() };
}
