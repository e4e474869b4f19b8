import type { TtpgridMetrics } from './metrics';

/** Row counts by status, as `SELECT status, count(*) ... GROUP BY status` returns them. */
export interface StatusCounts {
  experiments: Record<string, number>;
  stages: Record<string, number>;
}

/**
 * A stage that reached a final status: the Prisma `Stage` row's fields of these names, so
 * `db.stage.findMany({ select })` rows fit as they come. Rows without `finishedAt` are ignored.
 */
export interface FinishedStage {
  key: string;
  encoder: string;
  mode: string;
  status: string;
  finishedAt: Date | null;
  durationSeconds: number | null;
  gpuSeconds: number | null;
}

/**
 * Sets the status gauges. A status seen before but absent now is set to 0 rather than dropped,
 * so its series stays continuous in Prometheus.
 */
export function recordStatusCounts(metrics: TtpgridMetrics, counts: StatusCounts): void {
  setByStatus(metrics.experiments, counts.experiments);
  setByStatus(metrics.stages, counts.stages);
}

/** Observes one finished stage: its duration in the histogram, its GPU time in the counter. */
export function recordFinishedStage(metrics: TtpgridMetrics, stage: FinishedStage): void {
  if (stage.durationSeconds !== null && stage.durationSeconds >= 0) {
    metrics.stageDuration.observe(
      { mode: stage.mode, status: stage.status },
      stage.durationSeconds,
    );
  }
  // A CPU stage adds 0, so the series exists (and reads 0) wherever stages have finished.
  if (stage.gpuSeconds !== null && stage.gpuSeconds >= 0) {
    metrics.gpuSeconds.inc({ encoder: stage.encoder, mode: stage.mode }, stage.gpuSeconds);
  }
}

/**
 * Remembers which finished stages were counted, so that polling `finishedAt >= since` counts each
 * exactly once. `since` trails the newest finish time by `overlapMs`, so a row committed late
 * (its finish time stamped before a row already seen) is still picked up.
 */
export class FinishedStageWatermark {
  private newest: number;
  /** Finish time by `key@time` of the stages counted inside the overlap window. */
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly start: Date,
    private readonly overlapMs = 60_000,
  ) {
    this.newest = start.getTime();
  }

  get since(): Date {
    return new Date(Math.max(this.start.getTime(), this.newest - this.overlapMs));
  }

  /** Returns the stages not counted before (none that finished before `start`). */
  accept(stages: FinishedStage[]): FinishedStage[] {
    const fresh = stages.filter((stage) => {
      const time = stage.finishedAt?.getTime();
      return time !== undefined && time >= this.start.getTime() && !this.counted.has(idOf(stage));
    });

    for (const stage of fresh) {
      const time = stage.finishedAt!.getTime();
      this.counted.set(idOf(stage), time);
      this.newest = Math.max(this.newest, time);
    }
    this.forgetBefore(this.since.getTime());
    return fresh;
  }

  private forgetBefore(time: number): void {
    for (const [id, finished] of this.counted) {
      if (finished < time) this.counted.delete(id);
    }
  }
}

/** A re-run stage keeps its key but gets a new finish time, and counts again. */
function idOf(stage: FinishedStage): string {
  return `${stage.key}@${stage.finishedAt?.getTime()}`;
}

/** Statuses each gauge has reported, so a status that empties out is set to 0. */
const knownStatuses = new WeakMap<StatusGauge, Set<string>>();

type StatusGauge = TtpgridMetrics['stages'];

function setByStatus(gauge: StatusGauge, counts: Record<string, number>): void {
  const known = knownStatuses.get(gauge) ?? new Set<string>();
  knownStatuses.set(gauge, known);

  for (const status of known) {
    if (!(status in counts)) gauge.set({ status }, 0);
  }
  for (const [status, count] of Object.entries(counts)) {
    gauge.set({ status }, count);
    known.add(status);
  }
}
