import type { LeaderboardCell } from '../../api/types';
import { ModeBadge } from '../../components/badges';
import { TableRegion } from '../../components/table-region';
import { formatMeanStd } from '../../format';
import { hashHref } from '../../routing/hash-route';
import { columnKeyOf, type PivotColumn, type PivotTable } from './pivot';

export const METRICS = [
  { key: 'micro', label: 'Micro-F1' },
  { key: 'macro', label: 'Macro-F1' },
] as const;

/** Table 3 of the paper: cases down, encoders across, Micro and Macro as mean ± std (n). */
export function PivotTableView({ pivot }: { pivot: PivotTable }) {
  const legendId = `legend-${pivot.key.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <TableRegion label={`Leaderboard: ${pivot.experimentName}`}>
      <table className="data-table pivot" aria-describedby={legendId}>
        <caption>
          <a href={hashHref(['experiments', pivot.experimentId])}>{pivot.experimentName}</a>{' '}
          <ModeBadge mode={pivot.mode} /> · dataset{' '}
          <span className="mono">{pivot.datasetVersionId.slice(0, 12)}</span> · F1 in % (mean ± std
          over seeds)
        </caption>
        <PivotHead columns={pivot.columns} />
        <tbody>
          {pivot.cases.map((caseName) => (
            <tr key={caseName}>
              <th scope="row">{caseName}</th>
              {pivot.columns.flatMap((column) =>
                METRICS.map((metric) => (
                  <PivotCell
                    key={`${column.key}-${metric.key}`}
                    cell={pivot.cell(caseName, column.key)}
                    metric={metric.key}
                  />
                )),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note legend" id={legendId}>
        <strong>Bold ▲</strong>: best in its column. †: differs from P after Holm correction. n:
        seeds in the cell.
      </p>
    </TableRegion>
  );
}

function PivotHead({ columns }: { columns: PivotColumn[] }) {
  return (
    <thead>
      <tr>
        <td rowSpan={2} />
        {columns.map((column) => (
          <th key={column.key} scope="colgroup" colSpan={METRICS.length}>
            {column.encoder}
            {column.axes && <span className="axes"> [{column.axes}]</span>}
          </th>
        ))}
      </tr>
      <tr>
        {columns.flatMap((column) =>
          METRICS.map((metric) => (
            <th key={`${column.key}-${metric.key}`} scope="col">
              {metric.label}
            </th>
          )),
        )}
      </tr>
    </thead>
  );
}

function PivotCell({ cell, metric }: { cell?: LeaderboardCell; metric: 'micro' | 'macro' }) {
  if (!cell) return <td className="number">–</td>;
  const best = cell.best[metric];
  const significant = cell.significant[metric];

  return (
    <td
      className={`number score${best ? ' best' : ''}`}
      data-case={cell.caseName}
      data-column={columnKeyOf(cell.encoder, cell.axes)}
      data-metric={metric}
    >
      <span className="score-value">{formatMeanStd(cell[metric])}</span>
      {best && (
        <span className="marker" title="best in column">
          {' '}
          <span aria-hidden="true">▲</span>
          <span className="visually-hidden">best in column</span>
        </span>
      )}
      {significant && (
        <span className="marker" title="differs from P after Holm correction">
          <span aria-hidden="true">†</span>
          <span className="visually-hidden">significant against P</span>
        </span>
      )}
      <span className="n"> n={cell.n}</span>
    </td>
  );
}
