interface ProgressCounts {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  cancelled: number;
  stagesCached: number;
  stagesTrained: number;
  status: string;
}

/**
 * A one-line progress bar: redrawn in place on a terminal, a line per change elsewhere (CI
 * logs), so a long grid does not flood a log with identical lines.
 */
export class ProgressLine {
  private last = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(progress: ProgressCounts) {
    const done = progress.succeeded + progress.failed + progress.cancelled;
    const width = 30;
    const filled = progress.total === 0 ? width : Math.round((done / progress.total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const text =
      `${bar} ${done}/${progress.total} runs · ${progress.running} running · ` +
      `${progress.failed} failed · stages ${progress.stagesTrained} trained, ` +
      `${progress.stagesCached} reused · ${progress.status}`;
    if (text === this.last) return;

    this.out.write(this.out.isTTY ? `\r${text}` : `${text}\n`);
    this.last = text;
  }

  finish() {
    if (this.out.isTTY) this.out.write('\n');
  }
}
