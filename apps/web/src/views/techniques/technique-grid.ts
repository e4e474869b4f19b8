import type { TechniqueRow, TechniqueTable } from '../../api/types';
import { formatAxes } from '../../format';
import { columnKeyOf } from '../leaderboard/pivot';

/** A heatmap row: one technique's F1 and gain over P by case, for one encoder column. */
export interface HeatmapRow {
  techniqueId: string;
  name: string | null;
  minority: boolean;
  support: number;
  byCase: Map<string, { f1: number; gainOverP: number | null }>;
}

export type TechniqueSort = { kind: 'technique' } | { kind: 'gain'; caseName: string };

export function techniqueColumns(table: TechniqueTable) {
  return table.columns.map((column) => ({
    key: columnKeyOf(column.encoder, column.axes),
    label: formatAxes(column.axes)
      ? `${column.encoder} [${formatAxes(column.axes)}]`
      : column.encoder,
  }));
}

/** The heatmap's rows for one encoder column: one per technique, cells by case. */
export function heatmapRows(techniques: readonly TechniqueRow[], columnKey: string) {
  return techniques.map((technique) => ({
    techniqueId: technique.techniqueId,
    name: technique.name,
    minority: technique.minority,
    support: technique.support,
    byCase: new Map(
      technique.cells
        .filter((cell) => columnKeyOf(cell.encoder, cell.axes) === columnKey)
        .map((cell) => [cell.caseName, { f1: cell.f1, gainOverP: cell.gainOverP }] as const),
    ),
  }));
}

export function sortHeatmapRows(rows: HeatmapRow[], sort: TechniqueSort): HeatmapRow[] {
  const byId = (a: HeatmapRow, b: HeatmapRow) => a.techniqueId.localeCompare(b.techniqueId);
  if (sort.kind === 'technique') return [...rows].sort(byId);

  const gain = (row: HeatmapRow) => row.byCase.get(sort.caseName)?.gainOverP ?? -Infinity;
  return [...rows].sort((a, b) => gain(b) - gain(a) || byId(a, b));
}

/** Mean gain over P of a case for minority and for other classes: where the method shows. */
export function meanGains(rows: readonly HeatmapRow[], caseName: string) {
  const mean = (values: number[]) =>
    values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
  const gains = (minority: boolean) =>
    rows
      .filter((row) => row.minority === minority)
      .map((row) => row.byCase.get(caseName)?.gainOverP)
      .filter((value): value is number => typeof value === 'number');
  return { minority: mean(gains(true)), majority: mean(gains(false)) };
}
