import { apiPath } from '../../api/client';
import type { DatasetVersion, ExperimentPage, ExperimentSummary } from '../../api/types';
import { useApi, usePolling } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge, StatusBadge } from '../../components/badges';
import { TableRegion } from '../../components/table-region';
import { formatDateTime, formatDuration } from '../../format';
import { hashHref, setRouteParams, type Route } from '../../routing/hash-route';
import { isActive, RunCounts, StageProgress } from './progress-summary';

const STATUSES = ['queued', 'running', 'succeeded', 'completed_with_failures', 'failed', 'cancelled'];
const PAGE_SIZE = 20;

/** Every experiment with its progress; refreshes every few seconds while one is running. */
export function ExperimentsView({ route }: { route: Route }) {
  const status = route.params.get('status') ?? '';
  const datasetVersion = route.params.get('datasetVersion') ?? '';
  const page = Number(route.params.get('page') ?? '1') || 1;
  const experiments = useApi<ExperimentPage>(
    apiPath('experiments', { status, datasetVersion, page, pageSize: PAGE_SIZE }),
  );
  const anyActive = experiments.data?.items.some((item) => isActive(item.status)) ?? false;
  usePolling(anyActive, 3000, experiments.reload);

  return (
    <section aria-labelledby="experiments-heading">
      <h1 id="experiments-heading">Experiments</h1>
      <ExperimentFilters route={route} status={status} datasetVersion={datasetVersion} />
      <p className="note" aria-live="polite">
        {anyActive ? 'Live: refreshing every 3 s while grids run.' : ''}
      </p>
      <AsyncState resource={experiments} label="experiments">
        {(data) => (
          <>
            <ExperimentTable items={data.items} />
            <Pager route={route} page={data.page} pageSize={data.pageSize} total={data.total} />
          </>
        )}
      </AsyncState>
    </section>
  );
}

interface FilterProps {
  route: Route;
  status: string;
  datasetVersion: string;
}

function ExperimentFilters({ route, status, datasetVersion }: FilterProps) {
  const datasets = useApi<DatasetVersion[] | { items: DatasetVersion[] }>(apiPath('datasets'));
  const versions = datasetList(datasets.data);

  return (
    <form className="filters" onSubmit={(event) => event.preventDefault()}>
      <label className="field">
        <span>Status</span>
        <select
          value={status}
          onChange={(event) => setRouteParams(route, { status: event.target.value, page: '' })}
        >
          <option value="">any</option>
          {STATUSES.map((name) => (
            <option key={name} value={name}>
              {name.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Dataset version</span>
        <select
          value={datasetVersion}
          onChange={(event) =>
            setRouteParams(route, { datasetVersion: event.target.value, page: '' })
          }
        >
          <option value="">any</option>
          {versions.map((version) => (
            <option key={version.id} value={version.id}>
              {version.label} ({version.id.slice(0, 12)})
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

export function datasetList(data: DatasetVersion[] | { items: DatasetVersion[] } | undefined) {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items;
}

function ExperimentTable({ items }: { items: ExperimentSummary[] }) {
  if (items.length === 0) return <p className="note">No experiments match.</p>;
  return (
    <TableRegion label="Experiments">
      <table className="data-table experiments-table">
        <caption>Experiments, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Experiment</th>
            <th scope="col">Status</th>
            <th scope="col">Stages</th>
            <th scope="col">Runs</th>
            <th scope="col">Reused from cache</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Remaining</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <ExperimentRow key={item.id} item={item} />
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function ExperimentRow({ item }: { item: ExperimentSummary }) {
  return (
    <tr data-experiment-id={item.id}>
      <th scope="row">
        <a href={hashHref(['experiments', item.id])}>{item.name}</a> <ModeBadge mode={item.mode} />
        {item.archived && <span className="badge">archived</span>}
      </th>
      <td>
        <StatusBadge status={item.status} />
      </td>
      <td>
        <StageProgress progress={item.progress} />
      </td>
      <td>
        <RunCounts progress={item.progress} />
      </td>
      <td className="number">{item.progress.stagesCached}</td>
      <td className="number">{formatDuration(item.elapsedSeconds)}</td>
      <td className="number">
        {isActive(item.status) ? formatDuration(item.etaSeconds) : '–'}
      </td>
      <td>{formatDateTime(item.createdAt)}</td>
    </tr>
  );
}

interface PagerProps {
  route: Route;
  page: number;
  pageSize: number;
  total: number;
}

function Pager({ route, page, pageSize, total }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const go = (target: number) => setRouteParams(route, { page: String(target) });
  return (
    <nav className="pager" aria-label="Experiment pages">
      <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => go(page + 1)}>
        Next
      </button>
    </nav>
  );
}
