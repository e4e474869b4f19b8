import { join } from 'node:path';

import { createLogger, loadConfig, venvBin, type TtpgridConfig } from '@ttpgrid/config';

import { startEmbeddedPostgres, type PostgresHandle } from './postgres';
import { startTemporalDevServer, type TemporalHandle } from './temporal';

const log = createLogger('devstack');

export interface DevStack {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Starts the embedded services that the configuration does not point elsewhere: Postgres unless
 * DATABASE_URL is set, the Temporal dev server unless TEMPORAL_ADDRESS is set.
 */
export async function startDevStack(config: TtpgridConfig = loadConfig()): Promise<DevStack> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const service of started.reverse()) {
      await service.stop().catch((error: unknown) => log.warn('stop failed', { error }));
    }
  };

  try {
    const postgres = await startPostgresUnlessExternal(config);
    if (postgres) started.push(postgres);
    const temporal = await startTemporalUnlessExternal(config);
    if (temporal) started.push(temporal);

    return {
      databaseUrl: postgres?.url ?? config.databaseUrl,
      temporalAddress: temporal?.address ?? config.temporalAddress,
      temporalUiUrl: temporal?.uiUrl ?? null,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startPostgresUnlessExternal(config: TtpgridConfig): Promise<PostgresHandle | null> {
  if (config.externalDatabase) {
    log.info('using external postgres', { url: redact(config.databaseUrl) });
    return null;
  }
  return startEmbeddedPostgres({
    dataDir: join(config.dataHome, 'postgres'),
    port: config.pgPort,
    migrationsDir: join(config.repoRoot, 'prisma/migrations'),
  });
}

async function startTemporalUnlessExternal(config: TtpgridConfig): Promise<TemporalHandle | null> {
  if (config.externalTemporal) {
    log.info('using external temporal', { address: config.temporalAddress });
    return null;
  }
  return startTemporalDevServer({
    binary: venvBin(config, 'temporal'),
    dataDir: join(config.dataHome, 'temporal'),
    port: config.temporalPort,
    uiPort: config.temporalUiPort,
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
