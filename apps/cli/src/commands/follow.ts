import type { ApiClient } from '../api-client';
import { CliError, EXIT } from '../exit-codes';
import { ACTIVE_STATUSES, duration, type ExperimentDetail, type Progress } from './views';

const BAR_WIDTH = 24;

export interface FollowOptions {
  /** Seconds between polls of the experiment. */
  interval: number;
  /** Draw the bar in place (a terminal) or print a line per change (logs, pipes). */
  tty?: boolean;
}

/**
 * Polls the experiment until it reaches a final status, drawing a progress bar on stderr, and
 * returns its last state.
 */
export async function followExperiment(
  client: ApiClient,
  experimentId: string,
  options: FollowOptions,
): Promise<ExperimentDetail> {
  const tty = options.tty ?? Boolean(process.stderr.isTTY);
  let last = '';
  for (;;) {
    const detail = await client.read<ExperimentDetail>(`/api/experiments/${experimentId}`);
    const line = progressLine(detail);
    if (line !== last) {
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      last = line;
    }
    if (!ACTIVE_STATUSES.includes(detail.status)) {
      if (tty) process.stderr.write('\n');
      return detail;
    }
    await new Promise((resolve) => setTimeout(resolve, options.interval * 1000));
  }
}

/** `[██████░░░░] 4/6 runs · 1 running · 0 failed · stages 5/8 (2 cached) · 1 min · ~30 s left` */
export function progressLine(
  detail: Pick<ExperimentDetail, 'status' | 'progress' | 'elapsedSeconds' | 'etaSeconds'>,
): string {
  const progress: Progress = detail.progress;
  const done = progress.succeeded + progress.failed + progress.cancelled;
  const filled = progress.total === 0 ? 0 : Math.round((done / progress.total) * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const stagesDone = progress.stagesCached + progress.stagesTrained;
  const eta =
    ACTIVE_STATUSES.includes(detail.status) && detail.etaSeconds !== null
      ? ` · ~${duration(detail.etaSeconds)} left`
      : '';
  return (
    `[${bar}] ${done}/${progress.total} runs · ${progress.running} running · ` +
    `${progress.failed} failed · stages ${stagesDone}/${progress.stagesTotal} ` +
    `(${progress.stagesCached} cached) · ${duration(detail.elapsedSeconds)} · ${detail.status}${eta}`
  );
}

/** The exit the end state means: 0 succeeded, 4 runs failed, 1 cancelled. */
export function assertSucceeded(detail: ExperimentDetail): void {
  if (detail.status === 'succeeded') return;
  if (detail.status === 'cancelled') {
    throw new CliError(`experiment ${detail.id} was cancelled`, EXIT.failure);
  }
  const failed = detail.progress.failed + detail.progress.cancelled;
  throw new CliError(
    `experiment ${detail.id} ended ${detail.status}: ${failed} of ${detail.progress.total} runs ` +
      `failed (ttpgrid status ${detail.id} lists them; ttpgrid retry ${detail.id} retries them)`,
    EXIT.runsFailed,
  );
}
