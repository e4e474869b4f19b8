import { apiPath } from '../../api/client';
import type { CompareMetric, ComparedCell, ComparedSide, Comparison } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge } from '../../components/badges';
import { ExperimentSelect, useRecentExperiments } from '../../components/experiment-select';
import { TableRegion } from '../../components/table-region';
import { formatAxes, formatGain, formatInterval, formatMeanStd } from '../../format';
import { setRouteParams, type Route } from '../../routing/hash-route';

const METRIC_LABELS: Record<CompareMetric, string> = {
  micro: 'Micro-F1',
  macro: 'Macro-F1',
  minorityMacro: 'Minority Macro-F1',
};

/** Two experiments (or one grid on two dataset versions) cell by cell. */
export function CompareView({ route }: { route: Route }) {
  const a = route.params.get('a') ?? '';
  const b = route.params.get('b') ?? '';
  const metric = metricOf(route.params.get('metric'));
  const comparison = useApi<Comparison>(a && b ? apiPath('compare', { a, b, metric }) : null);

  return (
    <section aria-labelledby="compare-heading">
      <h1 id="compare-heading">Compare</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <ExperimentSelect label="A" value={a} onChange={(id) => setRouteParams(route, { a: id })} />
        <ExperimentSelect label="B" value={b} onChange={(id) => setRouteParams(route, { b: id })} />
        <label className="field">
          <span>Metric</span>
          <select
            value={metric}
            onChange={(event) => setRouteParams(route, { metric: event.target.value })}
          >
            {Object.entries(METRIC_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {a && b ? (
        <AsyncState resource={comparison} label="the comparison">
          {(data) => <ComparisonTable comparison={data} metric={metric} />}
        </AsyncState>
      ) : (
        <p className="note">Choose two experiments.</p>
      )}
    </section>
  );
}

function metricOf(value: string | null): CompareMetric {
  return value === 'micro' || value === 'minorityMacro' ? value : 'macro';
}

function ComparisonTable({
  comparison,
  metric,
}: {
  comparison: Comparison;
  metric: CompareMetric;
}) {
  const cells = comparison.cells.filter((cell) => cell.metric === metric);
  const { a, b } = comparison;
  const modes = new Map(useRecentExperiments().map((item) => [item.id, item.mode]));
  return (
    <>
      <dl className="facts">
        <dt>A</dt>
        <dd>
          {a.name} <ModeBadge mode={modes.get(a.id)} />{' '}
          <span className="mono">
            ({a.datasetVersionIds.map((id) => id.slice(0, 12)).join(', ')})
          </span>
        </dd>
        <dt>B</dt>
        <dd>
          {b.name} <ModeBadge mode={modes.get(b.id)} />{' '}
          <span className="mono">
            ({b.datasetVersionIds.map((id) => id.slice(0, 12)).join(', ')})
          </span>
        </dd>
      </dl>
      <TableRegion label="Comparison">
        <table className="data-table compare">
          <caption>
            {METRIC_LABELS[metric]} (%) of A and B, mean ± std (n); difference B − A in points with
            Welch's 95 % interval; † after Holm correction
          </caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Encoder</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
              <th scope="col">Difference</th>
              <th scope="col">95 % interval</th>
            </tr>
          </thead>
          <tbody>
            {cells.map((cell) => (
              <ComparedRow
                key={`${cell.caseName}|${cell.encoder}|${formatAxes(cell.axes)}`}
                cell={cell}
              />
            ))}
          </tbody>
        </table>
      </TableRegion>
      <UnmatchedCells comparison={comparison} />
    </>
  );
}

function sideText(side: ComparedSide): string {
  return side.n === 0 || side.mean === null
    ? '–'
    : `${formatMeanStd({ mean: side.mean, std: side.std })} (n=${side.n})`;
}

function ComparedRow({ cell }: { cell: ComparedCell }) {
  const axes = formatAxes(cell.axes);
  const tone =
    cell.significant && cell.difference !== null
      ? cell.difference > 0
        ? 'gain-up'
        : 'gain-down'
      : '';
  return (
    <tr>
      <th scope="row">{cell.caseName}</th>
      <td>
        {cell.encoder}
        {axes && <span className="axes"> [{axes}]</span>}
      </td>
      <td className="number">{sideText(cell.a)}</td>
      <td className="number">{sideText(cell.b)}</td>
      <td className={`number ${tone}`}>
        {formatGain(cell.difference)}
        {cell.significant && (
          <span title="significant after Holm correction">
            <span aria-hidden="true"> †</span>
            <span className="visually-hidden"> significant</span>
          </span>
        )}
      </td>
      <td className="number">{formatInterval(cell.ci)}</td>
    </tr>
  );
}

function UnmatchedCells({ comparison }: { comparison: Comparison }) {
  const describe = (cells: Comparison['onlyInA']) =>
    (cells ?? []).map((cell) => `${cell.caseName} · ${cell.encoder}`).join(', ');
  const onlyA = describe(comparison.onlyInA);
  const onlyB = describe(comparison.onlyInB);
  if (!onlyA && !onlyB) return null;
  return (
    <p className="note">
      {onlyA && <>Only in A: {onlyA}. </>}
      {onlyB && <>Only in B: {onlyB}.</>}
    </p>
  );
}
