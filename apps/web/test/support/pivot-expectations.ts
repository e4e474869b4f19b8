import type { Database } from '@ttpgrid/db';

export interface ExpectedPivotCell {
  caseName: string;
  /** The API's column key: the encoder, plus other axes when the grid has any. */
  column: string;
  metric: 'micro' | 'macro';
  n: number;
  /** As the page must show it: "69.1 ± 1.2" (percent, one decimal, sample std). */
  text: string;
}

/**
 * Each pivot cell's mean and sample standard deviation (divisor n − 1), recomputed here from the
 * succeeded runs' rows in Postgres, independently of the API's statistics code.
 */
export async function expectedPivotCells(db: Database, experimentId: string) {
  const runs = await db.run.findMany({
    where: { experimentId, status: 'succeeded', microF1: { not: null } },
  });
  const cells = new Map<
    string,
    { caseName: string; column: string; micro: number[]; macro: number[] }
  >();
  for (const run of runs) {
    const column = columnKey(run.encoder, (run.axes ?? {}) as Record<string, unknown>);
    const key = `${run.caseName}|${column}`;
    const cell = cells.get(key) ?? { caseName: run.caseName, column, micro: [], macro: [] };
    cell.micro.push(run.microF1 as number);
    cell.macro.push(run.macroF1 as number);
    cells.set(key, cell);
  }

  return [...cells.values()].flatMap((cell) =>
    (['micro', 'macro'] as const).map((metric): ExpectedPivotCell => ({
      caseName: cell.caseName,
      column: cell.column,
      metric,
      n: cell[metric].length,
      text: meanStdText(cell[metric]),
    })),
  );
}

function meanStdText(values: number[]): string {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const percent = (value: number) => (value * 100).toFixed(1);
  if (values.length < 2) return percent(mean);
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return `${percent(mean)} ± ${percent(Math.sqrt(variance))}`;
}

function columnKey(encoder: string, axes: Record<string, unknown>): string {
  const label = Object.entries(axes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([path, value]) =>
        `${path.replace(/^(hyperparameters|augmentation|dataset)\./, '')}=${value}`,
    )
    .join(', ');
  return label ? `${encoder} [${label}]` : encoder;
}
