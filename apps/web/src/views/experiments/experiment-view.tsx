import { apiPath } from '../../api/client';
import { useLiveEvents } from '../../api/live-events';
import type { ExperimentDetail, RunSummary } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge, StatusBadge } from '../../components/badges';
import { ExportButtons } from '../../components/export-buttons';
import { TableRegion } from '../../components/table-region';
import { formatAxes, formatDateTime, formatDuration, formatPercent } from '../../format';
import { hashHref } from '../../routing/hash-route';
import { isActive, RunCounts, StageProgress } from './progress-summary';

/** One experiment: progress (live while it runs), its spec's description, exports and runs. */
export function ExperimentView({ experimentId }: { experimentId: string }) {
  const experiment = useApi<ExperimentDetail>(apiPath(`experiments/${experimentId}`));
  const active = experiment.data ? isActive(experiment.data.status) : false;
  const live = useLiveEvents(
    active ? apiPath(`experiments/${experimentId}/events`) : null,
    experiment.reload,
  );

  return (
    <AsyncState resource={experiment} label="the experiment">
      {(data) => (
        <section aria-labelledby="experiment-heading">
          <h1 id="experiment-heading">
            {data.name} <ModeBadge mode={data.mode} />
          </h1>
          <ExperimentFacts experiment={data} live={live} />
          {data.spec.description && (
            <p className="description">{String(data.spec.description)}</p>
          )}
          <nav className="view-links" aria-label="Views of this experiment">
            <a href={hashHref(['leaderboard'], { experiment: data.id })}>Leaderboard</a>
            <a href={hashHref(['techniques'], { experiment: data.id })}>Per-technique heatmap</a>
            <a href={hashHref(['compare'], { a: data.id })}>Compare with…</a>
          </nav>
          <ExportButtons experimentId={data.id} name={data.name} />
          <RunTable runs={data.runs} />
        </section>
      )}
    </AsyncState>
  );
}

function ExperimentFacts({ experiment, live }: { experiment: ExperimentDetail; live: string }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={experiment.status} />
        {live !== 'idle' && (
          <span className="note" aria-live="polite">
            {' '}
            live ({live === 'stream' ? 'server-sent events' : 'polling'})
          </span>
        )}
      </dd>
      <dt>Progress</dt>
      <dd>
        <StageProgress progress={experiment.progress} />
        <RunCounts progress={experiment.progress} />
      </dd>
      <dt>Stages reused from cache</dt>
      <dd>{experiment.progress.stagesCached}</dd>
      <dt>Elapsed</dt>
      <dd>{formatDuration(experiment.elapsedSeconds)}</dd>
      <dt>Remaining</dt>
      <dd>{isActive(experiment.status) ? formatDuration(experiment.etaSeconds) : '–'}</dd>
      {experiment.stages && (
        <>
          <dt>Training time (all stages)</dt>
          <dd>
            {formatDuration(experiment.stages.durationSeconds)}
            {experiment.stages.gpuSeconds > 0 &&
              `, GPU ${formatDuration(experiment.stages.gpuSeconds)}`}
          </dd>
        </>
      )}
      <dt>Dataset version</dt>
      <dd className="mono">
        {(experiment.datasetVersionIds ?? [experiment.datasetVersionId ?? '–']).join(', ')}
      </dd>
      <dt>Code version</dt>
      <dd className="mono">{experiment.codeVersion}</dd>
      <dt>Created</dt>
      <dd>{formatDateTime(experiment.createdAt)}</dd>
      <dt>Finished</dt>
      <dd>{formatDateTime(experiment.finishedAt)}</dd>
    </dl>
  );
}

function RunTable({ runs }: { runs: RunSummary[] }) {
  return (
    <TableRegion label="Runs">
      <table className="data-table">
        <caption>Runs (one per case, encoder, axis values and seed)</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Encoder</th>
            <th scope="col">Axes</th>
            <th scope="col">Seed</th>
            <th scope="col">Status</th>
            <th scope="col">Micro-F1</th>
            <th scope="col">Macro-F1</th>
            <th scope="col">Minority Macro-F1</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <th scope="row">{run.caseName}</th>
              <td>{run.encoder}</td>
              <td>{formatAxes(run.axes) || '–'}</td>
              <td className="number">{run.seed}</td>
              <td>
                <StatusBadge status={run.status} />
                {run.error && <span className="error-text"> {run.error}</span>}
              </td>
              <td className="number">{formatPercent(run.microF1)}</td>
              <td className="number">{formatPercent(run.macroF1)}</td>
              <td className="number">{formatPercent(run.minorityMacroF1)}</td>
              <td>
                <a href={hashHref(['runs', run.id])}>
                  Run {run.caseName} seed {run.seed}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
