import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { Database } from '@ttpgrid/db';

export interface RoundTripDependencies {
  store: ArtifactStore;
  db: Database;
}

export function createRoundTripActivities({ store, db }: RoundTripDependencies) {
  return {
    async storeText(text: string): Promise<string> {
      return store.put(Buffer.from(text, 'utf8'));
    },

    /** Upserts the bookkeeping row of an artifact; returns its size in bytes. */
    async recordArtifact(key: string, kind: string): Promise<number> {
      const bytes = await store.size(key);
      await db.artifact.upsert({
        where: { key },
        create: { key, kind, bytes: BigInt(bytes), producer: 'roundtrip' },
        update: { kind },
      });
      return bytes;
    },
  };
}

export type RoundTripActivities = ReturnType<typeof createRoundTripActivities>;
