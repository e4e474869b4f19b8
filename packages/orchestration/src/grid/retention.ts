import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';

import { RUN_STATUS, STAGE_STATUS } from './types';

const log = createLogger('grid.retention');

export type RetentionPolicy = 'default' | 'keep-all';

export interface CollectOptions {
  policy: RetentionPolicy;
  dryRun: boolean;
}

export interface CollectedCheckpoint {
  stageKey: string;
  checkpointKey: string;
  bytes: number;
}

export interface CollectionReport {
  policy: RetentionPolicy;
  dryRun: boolean;
  examined: number;
  kept: number;
  removed: CollectedCheckpoint[];
  bytesFreed: number;
}

/**
 * Removes the final weights that the retention policy no longer needs. By default a finished
 * stage keeps its weights while a stage that depends on it has not finished, while a run that
 * contains it has not finished (it may still train a child or evaluate), and while a run marked
 * `keep` (a deployed model) ends with it. A later grid that needs collected weights retrains
 * that stage: the plan no longer counts it as cached.
 */
export async function collectCheckpoints(
  db: Database,
  store: ArtifactStore,
  options: CollectOptions,
): Promise<CollectionReport> {
  const report: CollectionReport = {
    policy: options.policy,
    dryRun: options.dryRun,
    examined: 0,
    kept: 0,
    removed: [],
    bytesFreed: 0,
  };
  const stored = await db.stage.findMany({
    where: { status: STAGE_STATUS.succeeded, checkpointGone: false, checkpointKey: { not: null } },
    select: { key: true, checkpointKey: true },
  });
  report.examined = stored.length;
  if (options.policy === 'keep-all') {
    report.kept = stored.length;
    return report;
  }

  const needed = await neededStageKeys(db);
  for (const stage of stored) {
    if (needed.has(stage.key)) {
      report.kept += 1;
      continue;
    }
    const removed = await removeCheckpoint(
      db,
      store,
      stage.key,
      stage.checkpointKey ?? '',
      options,
    );
    report.removed.push(removed);
    report.bytesFreed += removed.bytes;
  }

  log.info('checkpoints collected', {
    removed: report.removed.length,
    bytesFreed: report.bytesFreed,
    dryRun: options.dryRun,
  });
  return report;
}

async function neededStageKeys(db: Database): Promise<Set<string>> {
  const needed = new Set<string>();
  const unfinishedChildren = await db.stage.findMany({
    where: { parentKey: { not: null }, status: { not: STAGE_STATUS.succeeded } },
    select: { parentKey: true },
  });
  unfinishedChildren.forEach((child) => needed.add(child.parentKey as string));

  const unfinishedRuns = await db.run.findMany({
    where: { status: { not: RUN_STATUS.succeeded } },
    select: { stageKeys: true },
  });
  unfinishedRuns.forEach((run) => run.stageKeys.forEach((key) => needed.add(key)));

  const keptRuns = await db.run.findMany({ where: { keep: true }, select: { stageKeys: true } });
  keptRuns.forEach((run) => {
    const last = run.stageKeys[run.stageKeys.length - 1];
    if (last) needed.add(last);
  });
  return needed;
}

async function removeCheckpoint(
  db: Database,
  store: ArtifactStore,
  stageKey: string,
  checkpointKey: string,
  options: CollectOptions,
): Promise<CollectedCheckpoint> {
  const bytes = (await store.has(checkpointKey)) ? await store.size(checkpointKey) : 0;
  if (!options.dryRun) {
    // Marked first: a grid that plans now retrains the stage rather than trusting the file.
    await db.stage.update({ where: { key: stageKey }, data: { checkpointGone: true } });
    await store.remove(checkpointKey);
  }
  return { stageKey, checkpointKey, bytes };
}
