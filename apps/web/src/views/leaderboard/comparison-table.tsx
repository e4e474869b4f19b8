import type { LeaderboardComparison } from '../../api/types';
import { TableRegion } from '../../components/table-region';
import { formatAxes, formatGain, formatInterval } from '../../format';

/** The tests behind the † marks: each case against its baseline, Holm-adjusted. */
export function ComparisonTable({ comparisons }: { comparisons: LeaderboardComparison[] }) {
  if (comparisons.length === 0) return null;
  return (
    <details className="comparisons">
      <summary>Significance tests ({comparisons.length})</summary>
      <TableRegion label="Significance tests">
        <table className="data-table">
          <caption>
            Welch tests over seeds and paired bootstraps over test sentences: difference in points
            with 95 % interval, Holm-adjusted p
          </caption>
          <thead>
            <tr>
              <th scope="col">Comparison</th>
              <th scope="col">Column</th>
              <th scope="col">Metric</th>
              <th scope="col">Difference</th>
              <th scope="col">95 % interval</th>
              <th scope="col">Adjusted p</th>
              <th scope="col">Significant</th>
              <th scope="col">Bootstrap 95 % interval</th>
              <th scope="col">Bootstrap adjusted p</th>
            </tr>
          </thead>
          <tbody>
            {comparisons.map((row) => (
              <tr
                key={`${row.treatment}|${row.baseline}|${row.encoder}|${formatAxes(row.axes)}|${row.metric}`}
              >
                <th scope="row">
                  {row.treatment} vs {row.baseline}
                </th>
                <td>
                  {row.encoder}
                  {formatAxes(row.axes) && <span className="axes"> [{formatAxes(row.axes)}]</span>}
                </td>
                <td>{row.metric === 'micro' ? 'Micro-F1' : 'Macro-F1'}</td>
                <td className="number">{formatGain(row.difference)}</td>
                <td className="number">{formatInterval(row.ci)}</td>
                <td className="number">{formatP(row.adjustedP)}</td>
                <td>{row.significant ? 'yes' : 'no'}</td>
                <td className="number">{formatInterval(row.bootstrap?.ci ?? null)}</td>
                <td className="number">{formatP(row.bootstrap?.adjustedP ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </details>
  );
}

function formatP(value: number | null): string {
  return value === null ? '–' : value.toFixed(3);
}
