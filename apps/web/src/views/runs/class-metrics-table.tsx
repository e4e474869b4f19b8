import { useState } from 'react';

import type { ClassMetricRow } from '../../api/types';
import { MinorityMark } from '../../components/badges';
import { TableRegion } from '../../components/table-region';
import { formatPercent } from '../../format';

type ClassOrder = 'technique' | 'f1' | 'support';

const ORDERS: Record<ClassOrder, (a: ClassMetricRow, b: ClassMetricRow) => number> = {
  technique: (a, b) => a.techniqueId.localeCompare(b.techniqueId),
  f1: (a, b) => a.f1 - b.f1,
  support: (a, b) => b.support - a.support,
};

/** Precision, recall and F1 per technique on the test split, minority classes marked. */
export function ClassMetricsTable({ metrics }: { metrics: ClassMetricRow[] }) {
  const [order, setOrder] = useState<ClassOrder>('technique');
  const rows = [...metrics].sort(ORDERS[order]);

  return (
    <section aria-labelledby="classes-heading">
      <h2 id="classes-heading">Per-class metrics</h2>
      <label className="field inline">
        <span>Order by</span>
        <select value={order} onChange={(event) => setOrder(event.target.value as ClassOrder)}>
          <option value="technique">technique ID</option>
          <option value="f1">F1, lowest first</option>
          <option value="support">support, largest first</option>
        </select>
      </label>
      <TableRegion label="Per-class metrics">
        <table className="data-table">
          <caption>Test-split metrics per technique (%)</caption>
          <thead>
            <tr>
              <th scope="col">Technique</th>
              <th scope="col">Support</th>
              <th scope="col">Precision</th>
              <th scope="col">Recall</th>
              <th scope="col">F1</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.techniqueId} className={row.minority ? 'minority' : undefined}>
                <th scope="row">
                  <span className="mono">{row.techniqueId}</span>
                  {row.minority && <MinorityMark />}
                  {row.name && <span className="technique-name"> {row.name}</span>}
                </th>
                <td className="number">{row.support}</td>
                <td className="number">{formatPercent(row.precision)}</td>
                <td className="number">{formatPercent(row.recall)}</td>
                <td className="number">{formatPercent(row.f1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
