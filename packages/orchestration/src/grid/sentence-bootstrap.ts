import { getJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger } from '@ttpgrid/config';
import type { PredictionRow } from '@ttpgrid/contracts';
import { Prisma, type Database } from '@ttpgrid/db';
import { hashOf } from '@ttpgrid/grid';
import {
  holmAdjust,
  pairedBootstrap,
  type ConfidenceInterval,
  type MetricName,
} from '@ttpgrid/metrics';

import type { ResultRow } from './result-rows';

const log = createLogger('grid.bootstrap');

/**
 * Resamples and PRNG seed of every stored comparison; part of each memo's identity. The smallest
 * two-sided p-value is 2 / (B + 1) = 0.0004, so a difference can survive Holm's correction over
 * up to 125 comparisons at 0.05 (with 1,000 resamples it could not over the smoke grid's 36).
 */
export const BOOTSTRAP_RESAMPLES = 5000;
export const BOOTSTRAP_SEED = 0;

/** A paired bootstrap over test sentences of two cells (their seed-averaged scores). */
export interface SentenceBootstrap {
  difference: number;
  ci: ConfidenceInterval;
  pValue: number;
  /** Holm-adjusted within the comparisons of one table; null until adjusted. */
  adjustedP: number | null;
  resamples: number;
  sentences: number;
}

type Computed = Omit<SentenceBootstrap, 'adjustedP'>;

/**
 * The paired bootstrap of `treatment` − `baseline` over the test sentences, from the runs' stored
 * predictions; memoised as a derivation keyed by both sides' prediction artifacts. Null when a
 * run has no predictions, the two sides were not tested on the same sentences, or (with
 * `compute` false, as on API requests) it has not been computed yet.
 */
export async function bootstrapCells(
  db: Database,
  store: ArtifactStore,
  treatment: readonly ResultRow[],
  baseline: readonly ResultRow[],
  metric: MetricName,
  compute: boolean,
): Promise<Computed | null> {
  const keysA = predictionKeys(treatment);
  const keysB = predictionKeys(baseline);
  if (!keysA || !keysB) return null;

  const identity = hashOf({
    kind: 'paired-bootstrap',
    metric,
    resamples: BOOTSTRAP_RESAMPLES,
    seed: BOOTSTRAP_SEED,
    treatment: keysA,
    baseline: keysB,
  });
  const memo = await db.derivation.findUnique({ where: { identity } });
  if (memo?.summary) return memo.summary as unknown as Computed;
  if (!compute) return null;

  const computed = await computeBootstrap(store, keysA, keysB, metric);
  if (!computed) return null;
  await remember(db, store, identity, { metric, treatment: keysA, baseline: keysB }, computed);
  return computed;
}

/** Holm adjustment of the bootstrap p-values of one table's comparisons, in place. */
export function adjustBootstraps(bootstraps: ReadonlyArray<SentenceBootstrap | null>): void {
  const tested = bootstraps.filter((result): result is SentenceBootstrap => result !== null);
  const adjusted = holmAdjust(tested.map((result) => result.pValue));
  tested.forEach((result, index) => {
    result.adjustedP = adjusted[index] ?? null;
  });
}

function predictionKeys(rows: readonly ResultRow[]): string[] | null {
  const keys = rows.map((row) => row.predictionsKey);
  if (keys.length === 0 || keys.some((key) => key === null)) return null;
  // The mean over runs does not depend on their order; sorting keeps the identity stable.
  return (keys as string[]).sort();
}

async function computeBootstrap(
  store: ArtifactStore,
  keysA: string[],
  keysB: string[],
  metric: MetricName,
): Promise<Computed | null> {
  const runsA = await Promise.all(keysA.map((key) => readPredictions(store, key)));
  const runsB = await Promise.all(keysB.map((key) => readPredictions(store, key)));
  const gold = runsA[0]!.gold;
  const sameSentences = [...runsA, ...runsB].every((run) => sameLabels(run.gold, gold));
  if (!sameSentences) {
    log.warn('bootstrap skipped: the runs were tested on different sentences', { keysA, keysB });
    return null;
  }

  const result = pairedBootstrap(
    {
      gold,
      runsA: runsA.map((run) => run.predicted),
      runsB: runsB.map((run) => run.predicted),
    },
    { metric, resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED },
  );
  return {
    difference: result.observed,
    ci: result.ci,
    pValue: result.pValue,
    resamples: result.resamples,
    sentences: result.sentences,
  };
}

async function readPredictions(store: ArtifactStore, key: string) {
  const rows = await getJsonLines<PredictionRow>(store, key);
  const ordered = [...rows].sort((a, b) => a.index - b.index);
  return { gold: ordered.map((row) => row.gold), predicted: ordered.map((row) => row.predicted) };
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, index) => label === b[index]);
}

async function remember(
  db: Database,
  store: ArtifactStore,
  identity: string,
  parameters: Record<string, unknown>,
  computed: Computed,
) {
  const summary = computed as unknown as Prisma.InputJsonValue;
  const artifactKey = await store.put(Buffer.from(JSON.stringify(computed)));
  const request = { ...parameters, resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED };
  await db.derivation.upsert({
    where: { identity },
    create: {
      identity,
      kind: 'paired-bootstrap',
      artifactKey,
      parameters: request as Prisma.InputJsonValue,
      summary,
    },
    update: { summary },
  });
}
