import { Client, Connection } from '@temporalio/client';

import { LocalArtifactStore, type ArtifactStore } from '@ttpgrid/artifacts';
import type { TtpgridConfig } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';

/** What the API talks to; tests may pass their own, which the API then leaves open. */
export interface ApiDependencies {
  db: Database;
  client: Client;
  store: ArtifactStore;
}

export interface OpenedDependencies {
  deps: ApiDependencies;
  close(): Promise<void>;
}

/**
 * Postgres, Temporal and the artifact store from configuration. The Temporal connection is
 * lazy, so the API starts (and reports not ready) while Temporal is down.
 */
export function openDependencies(config: TtpgridConfig): OpenedDependencies {
  const db = createDatabase(config.databaseUrl);
  const connection = Connection.lazy({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const store = new LocalArtifactStore(config.artifactDir);

  return {
    deps: { db, client, store },
    close: async () => {
      await db.$disconnect();
      await connection.close();
    },
  };
}
