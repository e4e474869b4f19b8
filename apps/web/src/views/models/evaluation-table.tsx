import type { ModelEvaluation } from '../../api/types';
import { TableRegion } from '../../components/table-region';
import { formatGain, formatPercent } from '../../format';
import { evaluationColumns, oodGap } from './model-figures';

const SET_LABELS: Record<ModelEvaluation['set'], string> = { dev: 'Dev', test: 'Test', ood: 'OOD' };

const METRICS = [
  { key: 'sentences', label: 'Sentences' },
  { key: 'microF1', label: 'Micro-F1' },
  { key: 'macroF1', label: 'Macro-F1' },
] as const;

/** Dev and test (in distribution) beside OOD (another source), with the OOD − test gap. */
export function EvaluationTable({ evaluation }: { evaluation: ModelEvaluation[] }) {
  const { inDistribution, outOfDistribution } = evaluationColumns(evaluation);
  const columns = [...inDistribution, ...outOfDistribution];
  const gap = oodGap(evaluation);

  return (
    <section aria-labelledby="evaluation-heading">
      <h2 id="evaluation-heading">Evaluation</h2>
      <TableRegion label="Evaluation">
        <table className="data-table evaluation">
          <caption>
            Top-1 scores (%) of the deployed export, in distribution and out of distribution
          </caption>
          <thead>
            <tr>
              <td />
              <th scope="colgroup" colSpan={inDistribution.length}>
                In distribution
              </th>
              <th scope="colgroup" colSpan={Math.max(outOfDistribution.length, 1)}>
                Out of distribution
              </th>
              {gap && <td />}
            </tr>
            <tr>
              <th scope="col">Metric</th>
              {columns.map((row) => (
                <th key={row.set} scope="col" className="number">
                  {SET_LABELS[row.set]}
                </th>
              ))}
              {outOfDistribution.length === 0 && <th scope="col">OOD</th>}
              {gap && (
                <th scope="col" className="number">
                  OOD − test (points)
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {METRICS.map((metric) => (
              <tr key={metric.key}>
                <th scope="row">{metric.label}</th>
                {columns.map((row) => (
                  <td key={row.set} className="number" data-set={row.set} data-metric={metric.key}>
                    {metric.key === 'sentences' ? row.sentences : formatPercent(row[metric.key])}
                  </td>
                ))}
                {outOfDistribution.length === 0 && <td>no OOD set</td>}
                {gap && (
                  <td className="number">
                    {metric.key === 'sentences' ? '' : formatGain(gap[metric.key])}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
