import { useState } from 'react';

import { apiPath } from '../../api/client';
import type { TechniqueTable } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge } from '../../components/badges';
import { ExperimentSelect } from '../../components/experiment-select';
import { formatGain } from '../../format';
import { setRouteParams, type Route } from '../../routing/hash-route';
import { HeatmapTable } from './heatmap-table';
import {
  heatmapRows,
  meanGains,
  sortHeatmapRows,
  techniqueColumns,
  type HeatmapRow,
} from './technique-grid';

/** Per-technique F1 of one experiment: where the Macro-F1 gain on minority classes shows. */
export function TechniquesView({ route }: { route: Route }) {
  const experiment = route.params.get('experiment') ?? '';
  const table = useApi<TechniqueTable>(
    experiment ? apiPath(`experiments/${experiment}/techniques`) : null,
  );

  return (
    <section aria-labelledby="techniques-heading">
      <h1 id="techniques-heading">Per-technique heatmap</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <ExperimentSelect
          label="Experiment"
          value={experiment}
          onChange={(id) => setRouteParams(route, { experiment: id })}
        />
      </form>
      {experiment ? (
        <AsyncState resource={table} label="per-technique scores">
          {(data) => <TechniqueHeatmap key={data.experimentId} table={data} />}
        </AsyncState>
      ) : (
        <p className="note">Choose an experiment to see F1 per technique.</p>
      )}
    </section>
  );
}

function TechniqueHeatmap({ table }: { table: TechniqueTable }) {
  const columns = techniqueColumns(table);
  const gainCases = table.cases.filter((caseName) => caseName !== 'P');
  const [columnKey, setColumnKey] = useState(columns[0]?.key ?? '');
  const [sortBy, setSortBy] = useState(gainCases[0] ? `gain:${gainCases[0]}` : 'technique');
  const [minorityOnly, setMinorityOnly] = useState(false);

  if (table.techniques.length === 0) return <p className="note">No finished runs yet.</p>;
  const sortCase = sortBy.startsWith('gain:') ? sortBy.slice(5) : null;
  const gainCase = sortCase ?? gainCases[0] ?? null;
  const all = heatmapRows(table.techniques, columnKey);
  const rows = sortHeatmapRows(
    all.filter((row) => !minorityOnly || row.minority),
    sortCase ? { kind: 'gain', caseName: sortCase } : { kind: 'technique' },
  );
  const columnLabel = columns.find((column) => column.key === columnKey)?.label ?? columnKey;

  return (
    <>
      <p>
        {table.name} <ModeBadge mode={table.mode} />
      </p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span>Encoder</span>
          <select value={columnKey} onChange={(event) => setColumnKey(event.target.value)}>
            {columns.map((column) => (
              <option key={column.key} value={column.key}>
                {column.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Sort by</span>
          <select value={sortBy} onChange={(event) => setSortBy(event.target.value)}>
            {gainCases.map((caseName) => (
              <option key={caseName} value={`gain:${caseName}`}>
                gain of {caseName} over P, largest first
              </option>
            ))}
            <option value="technique">technique ID</option>
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={minorityOnly}
            onChange={(event) => setMinorityOnly(event.target.checked)}
          />{' '}
          minority classes only
        </label>
      </form>
      {gainCase && <GainSummary rows={all} caseName={gainCase} />}
      <HeatmapTable rows={rows} cases={table.cases} gainCase={gainCase} column={columnLabel} />
    </>
  );
}

function GainSummary({ rows, caseName }: { rows: HeatmapRow[]; caseName: string }) {
  const gains = meanGains(rows, caseName);
  return (
    <p className="summary">
      Mean F1 gain of {caseName} over P: minority classes{' '}
      <strong>{formatGain(gains.minority)}</strong> points, other classes{' '}
      <strong>{formatGain(gains.majority)}</strong> points.
    </p>
  );
}
