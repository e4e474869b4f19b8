import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';

import { createLogger } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';

import { DATABASE, TEMPORAL_CLIENT } from '../tokens';

export interface DependencyCheck {
  ok: boolean;
  ms: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 3000;

@Injectable()
export class HealthService {
  private readonly log = createLogger('api.health');

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async readiness() {
    const [postgres, temporal] = await Promise.all([
      timed(() => this.db.$queryRaw`SELECT 1`),
      timed(() => this.client.workflowService.getSystemInfo({})),
    ]);
    const ready = postgres.ok && temporal.ok;
    if (!ready) this.log.warn('not ready', { postgres, temporal });
    return {
      status: ready ? ('ready' as const) : ('not ready' as const),
      checks: { postgres, temporal },
    };
  }
}

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, ms: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}
