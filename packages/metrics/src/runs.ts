/** The two scores the results tables report. */
export type MetricName = 'micro' | 'macro';

export const METRICS: readonly MetricName[] = ['micro', 'macro'];

/** One finished run: a case (training recipe) of one encoder with one seed, scored on test. */
export interface RunRow {
  case: string;
  encoder: string;
  seed: number;
  microF1: number;
  macroF1: number;
}

/** The score of `metric` in a run row. */
export function scoreOf(row: RunRow, metric: MetricName): number {
  return metric === 'micro' ? row.microF1 : row.macroF1;
}

/** Scores of `metric` over the seeds of one case and encoder, by seed; seeds must differ. */
export function cellScores(
  rows: readonly RunRow[],
  caseName: string,
  encoder: string,
  metric: MetricName,
): number[] {
  const cell = rows
    .filter((row) => row.case === caseName && row.encoder === encoder)
    .sort((a, b) => a.seed - b.seed);

  const repeated = cell.find((row, index) => index > 0 && cell[index - 1]?.seed === row.seed);
  if (repeated !== undefined) {
    throw new Error(`case ${caseName} of ${encoder} has seed ${repeated.seed} more than once`);
  }
  return cell.map((row) => scoreOf(row, metric));
}

/** Distinct values in order of first appearance. */
export function distinctInOrder<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
