import type { LeaderboardCell, LeaderboardComparison } from '../../api/types';
import { formatAxes } from '../../format';

/** A column group: an encoder, under one combination of the grid's other axes. */
export interface PivotColumn {
  key: string;
  encoder: string;
  axes: string;
}

/** One Table 3-style pivot: the cells of one experiment on one dataset version in one mode. */
export interface PivotTable {
  key: string;
  experimentId: string;
  experimentName: string;
  datasetVersionId: string;
  mode: string;
  cases: string[];
  columns: PivotColumn[];
  cell(caseName: string, columnKey: string): LeaderboardCell | undefined;
  comparisons: LeaderboardComparison[];
}

/** The API's column key: `minilm-l6` or `minilm-l6 [k=5]`. */
export function columnKeyOf(encoder: string, axes: LeaderboardCell['axes']): string {
  const label = formatAxes(axes);
  return label ? `${encoder} [${label}]` : encoder;
}

/** Groups leaderboard cells into pivots, keeping the API's order of cases and columns. */
export function buildPivots(
  cells: readonly LeaderboardCell[],
  comparisons: readonly LeaderboardComparison[] = [],
): PivotTable[] {
  const groups = new Map<string, LeaderboardCell[]>();
  for (const cell of cells) {
    const key = `${cell.experimentId}|${cell.datasetVersionId}|${cell.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.entries()].map(([key, group]) => pivotOf(key, group, comparisons));
}

function pivotOf(
  key: string,
  cells: LeaderboardCell[],
  comparisons: readonly LeaderboardComparison[],
): PivotTable {
  const first = cells[0] as LeaderboardCell;
  const cases: string[] = [];
  const columns = new Map<string, PivotColumn>();
  const byPosition = new Map<string, LeaderboardCell>();

  for (const cell of cells) {
    const columnKey = columnKeyOf(cell.encoder, cell.axes);
    if (!cases.includes(cell.caseName)) cases.push(cell.caseName);
    if (!columns.has(columnKey)) {
      columns.set(columnKey, {
        key: columnKey,
        encoder: cell.encoder,
        axes: formatAxes(cell.axes),
      });
    }
    byPosition.set(`${cell.caseName}|${columnKey}`, cell);
  }

  return {
    key,
    experimentId: first.experimentId,
    experimentName: first.experimentName,
    datasetVersionId: first.datasetVersionId,
    mode: first.mode,
    cases: baselineFirst(cases),
    columns: [...columns.values()],
    cell: (caseName, columnKey) => byPosition.get(`${caseName}|${columnKey}`),
    comparisons: comparisons.filter(
      (comparison) =>
        comparison.experimentId === first.experimentId &&
        columns.has(columnKeyOf(comparison.encoder, comparison.axes)),
    ),
  };
}

/** The baseline P leads, as in the paper's table; other cases keep the API's order. */
function baselineFirst(cases: string[]): string[] {
  return [...cases.filter((name) => name === 'P'), ...cases.filter((name) => name !== 'P')];
}
