import type { Database } from '@ttpgrid/db';

/**
 * The benchmark's two activities: a training stand-in that does nothing, and the bookkeeping
 * upsert every real stage ends with. `upsertStageRow` is also the plain baseline.
 */
export function createNoopStageActivities(db: Database) {
  return {
    async noopTrainStage(_key: string): Promise<void> {},

    async recordNoopStage(key: string): Promise<void> {
      await upsertStageRow(db, key);
    },
  };
}

export type NoopStageActivities = ReturnType<typeof createNoopStageActivities>;

/** One `Stage` row per key: created as completed, refreshed when the key comes again. */
export async function upsertStageRow(db: Database, key: string): Promise<void> {
  const finishedAt = new Date();
  await db.stage.upsert({
    where: { key },
    create: {
      key,
      status: 'completed',
      encoder: 'noop',
      mode: 'probe',
      seed: 0,
      sources: 'benchmark',
      definition: { benchmark: 'noop-stages' },
      startedAt: finishedAt,
      finishedAt,
      durationSeconds: 0,
    },
    update: { status: 'completed', finishedAt, attempts: { increment: 1 } },
  });
}
