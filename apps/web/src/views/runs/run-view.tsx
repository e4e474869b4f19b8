import { apiPath } from '../../api/client';
import type { RunDetail } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge, StatusBadge } from '../../components/badges';
import { formatAxes, formatDuration, formatPercent } from '../../format';
import { hashHref } from '../../routing/hash-route';
import { AuxiliaryTable } from './auxiliary-table';
import { ClassMetricsTable } from './class-metrics-table';
import { ConfusionTable } from './confusion-table';
import { DevCurveChart } from './dev-curve-chart';
import { MisclassifiedTable } from './misclassified-table';
import { StageTable } from './stage-table';

/** Everything about one run: where it errs, how it trained and what it borrowed. */
export function RunView({ runId }: { runId: string }) {
  const run = useApi<RunDetail>(apiPath(`runs/${runId}`));
  return (
    <AsyncState resource={run} label="the run">
      {(data) => (
        <article aria-labelledby="run-heading" className="run-detail">
          <RunHeader run={data} />
          <StageTable stages={data.stages} />
          <DevCurveChart stages={data.stages} />
          <ClassMetricsTable metrics={data.classMetrics} />
          <ConfusionTable confusions={data.confusion} />
          <MisclassifiedTable sentences={data.misclassified} />
          <AuxiliaryTable selections={data.selections} />
          <MissingArtifacts missing={data.missingArtifacts ?? []} />
        </article>
      )}
    </AsyncState>
  );
}

function RunHeader({ run }: { run: RunDetail }) {
  const axes = formatAxes(run.axes);
  return (
    <header>
      <p className="breadcrumb">
        <a href={hashHref(['experiments', run.experimentId])}>{run.experimentName}</a>
      </p>
      <h1 id="run-heading">
        Run {run.caseName} · {run.encoder} · seed {run.seed}{' '}
        <ModeBadge mode={run.hyperparameters.mode ?? 'finetune'} />
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={run.status} />
          {run.error && <span className="error-text"> {run.error}</span>}
        </dd>
        {axes && (
          <>
            <dt>Axes</dt>
            <dd>{axes}</dd>
          </>
        )}
        <dt>Micro-F1</dt>
        <dd>{formatPercent(run.scores.microF1)}</dd>
        <dt>Macro-F1</dt>
        <dd>{formatPercent(run.scores.macroF1)}</dd>
        <dt>Minority Macro-F1</dt>
        <dd>{formatPercent(run.scores.minorityMacroF1)}</dd>
        <dt>Majority Macro-F1</dt>
        <dd>{formatPercent(run.scores.majorityMacroF1)}</dd>
        <dt>GPU time</dt>
        <dd>{formatDuration(run.gpuSeconds)}</dd>
        <dt>Dataset version</dt>
        <dd className="mono">{run.datasetVersionId}</dd>
        <dt>Run key</dt>
        <dd className="mono">{run.runKey}</dd>
      </dl>
    </header>
  );
}

/** Artifacts the API could not read (e.g. pruned predictions): say so rather than show less. */
function MissingArtifacts({ missing }: { missing: string[] }) {
  if (missing.length === 0) return null;
  return (
    <p className="note" role="note">
      Not shown, artifacts no longer stored: {missing.join('; ')}
    </p>
  );
}
