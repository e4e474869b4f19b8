import { apiPath } from '../../api/client';
import type { DatasetVersion, Leaderboard } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ExperimentSelect } from '../../components/experiment-select';
import { setRouteParams, type Route } from '../../routing/hash-route';
import { datasetList } from '../experiments/experiments-view';
import { ComparisonTable } from './comparison-table';
import { buildPivots } from './pivot';
import { PivotTableView } from './pivot-table';

/** The leaderboard across experiments, one Table 3-style pivot per experiment and mode. */
export function LeaderboardView({ route }: { route: Route }) {
  const experiment = route.params.get('experiment') ?? '';
  const datasetVersion = route.params.get('datasetVersion') ?? '';
  const mode = route.params.get('mode') ?? '';
  const leaderboard = useApi<Leaderboard>(
    apiPath('leaderboard', { experiment, datasetVersion, mode }),
  );

  return (
    <section aria-labelledby="leaderboard-heading">
      <h1 id="leaderboard-heading">Leaderboard</h1>
      <LeaderboardFilters
        route={route}
        experiment={experiment}
        datasetVersion={datasetVersion}
        mode={mode}
      />
      <AsyncState resource={leaderboard} label="the leaderboard">
        {(data) =>
          data.cells.length === 0 ? (
            <p className="note">No finished runs match these filters.</p>
          ) : (
            buildPivots(data.cells, data.comparisons).map((pivot) => (
              <section key={pivot.key} className="pivot-section">
                <PivotTableView pivot={pivot} />
                <ComparisonTable comparisons={pivot.comparisons} />
              </section>
            ))
          )
        }
      </AsyncState>
    </section>
  );
}

interface FilterProps {
  route: Route;
  experiment: string;
  datasetVersion: string;
  mode: string;
}

function LeaderboardFilters({ route, experiment, datasetVersion, mode }: FilterProps) {
  const datasets = useApi<DatasetVersion[] | { items: DatasetVersion[] }>(apiPath('datasets'));

  return (
    <form className="filters" onSubmit={(event) => event.preventDefault()}>
      <ExperimentSelect
        label="Experiment"
        value={experiment}
        emptyLabel="all experiments"
        onChange={(id) => setRouteParams(route, { experiment: id })}
      />
      <label className="field">
        <span>Dataset version</span>
        <select
          value={datasetVersion}
          onChange={(event) => setRouteParams(route, { datasetVersion: event.target.value })}
        >
          <option value="">all versions</option>
          {datasetList(datasets.data).map((version) => (
            <option key={version.id} value={version.id}>
              {version.label} ({version.id.slice(0, 12)})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Mode</span>
        <select
          value={mode}
          onChange={(event) => setRouteParams(route, { mode: event.target.value })}
        >
          <option value="">all modes</option>
          <option value="finetune">finetune</option>
          <option value="probe">probe</option>
        </select>
      </label>
    </form>
  );
}
