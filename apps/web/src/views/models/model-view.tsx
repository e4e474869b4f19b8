import { apiPath } from '../../api/client';
import type { ModelDetail } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { ModeBadge } from '../../components/badges';
import { formatDateTime, formatPercent, shortId } from '../../format';
import { hashHref } from '../../routing/hash-route';
import { CalibrationSection } from './calibration-section';
import { EvaluationTable } from './evaluation-table';
import { ActiveBadge } from './models-view';

/** One deployed model: where it came from, how well it does, and how it decides. */
export function ModelView({ modelId }: { modelId: string }) {
  const model = useApi<ModelDetail>(apiPath(`models/${encodeURIComponent(modelId)}`));
  return (
    <AsyncState resource={model} label="the model">
      {(data) => (
        <article aria-labelledby="model-heading" className="model-detail">
          <ModelHeader model={data} />
          <Provenance model={data} />
          <EvaluationTable evaluation={data.evaluation} />
          <CalibrationSection model={data} />
          <TechniqueList techniques={data.techniques} />
        </article>
      )}
    </AsyncState>
  );
}

function ModelHeader({ model }: { model: ModelDetail }) {
  return (
    <header>
      <p className="breadcrumb">
        <a href={hashHref(['models'])}>Deployed models</a>
      </p>
      <h1 id="model-heading">
        Model <span className="mono">{shortId(model.id)}</span> · {modelSubject(model)}{' '}
        <ModeBadge mode={model.provenance.run?.hyperparameters?.mode ?? 'finetune'} />{' '}
        {model.active && <ActiveBadge />}
      </h1>
      <p className="view-links">
        <a href={hashHref(['classify'], { model: model.id })}>Classify a report with this model</a>
      </p>
    </header>
  );
}

function modelSubject(model: ModelDetail): string {
  return `${model.caseName} · ${model.encoder} · seed ${model.seed}`;
}

function Provenance({ model }: { model: ModelDetail }) {
  const { provenance } = model;
  const selection = model.metrics.selection;

  return (
    <section aria-labelledby="provenance-heading">
      <h2 id="provenance-heading">Provenance</h2>
      <dl className="facts provenance">
        <dt>Model ID</dt>
        <dd className="mono">{model.id}</dd>
        <dt>Deployed</dt>
        <dd>{formatDateTime(model.createdAt)}</dd>
        <dt>Experiment</dt>
        <dd data-field="experiment">
          <a href={hashHref(['experiments', model.experimentId])}>{model.experimentName}</a>
        </dd>
        <dt>Run</dt>
        <dd data-field="run">
          <a href={hashHref(['runs', model.runId])} className="mono">
            {model.runId}
          </a>
          {provenance.run?.runKey && <span className="note"> {provenance.run.runKey}</span>}
        </dd>
        <dt>Chosen by</dt>
        <dd data-field="selection">{selectionText(selection)}</dd>
        <dt>Dataset version</dt>
        <dd data-field="dataset">
          {provenance.datasetVersion?.label ?? '–'}{' '}
          <span className="mono">{model.datasetVersionId}</span>
        </dd>
        <dt>ATT&amp;CK version</dt>
        <dd data-field="attack">{model.attackVersion}</dd>
        <dt>Techniques</dt>
        <dd>{provenance.techniqueCount ?? model.techniques.length}</dd>
        <dt>Max length</dt>
        <dd>{provenance.maxLength ?? '–'} tokens</dd>
        <dt>ONNX manifest</dt>
        <dd className="mono">{provenance.manifestKey ?? '–'}</dd>
      </dl>
    </section>
  );
}

function selectionText(selection: ModelDetail['metrics']['selection']): string {
  if (!selection?.rule) return '–';
  const parts = [selection.rule];
  if (selection.epoch !== undefined) parts.push(`epoch ${selection.epoch}`);
  if (selection.devMacroF1 !== undefined) {
    parts.push(`dev Macro-F1 ${formatPercent(selection.devMacroF1)}`);
  }
  if (selection.candidates !== undefined) parts.push(`${selection.candidates} candidate run(s)`);
  return parts.join(', ');
}

function TechniqueList({ techniques }: { techniques: ModelDetail['techniques'] }) {
  return (
    <section aria-labelledby="model-techniques-heading">
      <h2 id="model-techniques-heading">Techniques ({techniques.length})</h2>
      <p className="note">The model reports only these techniques; any other is never found.</p>
      <ul className="technique-list" aria-labelledby="model-techniques-heading">
        {techniques.map((technique) => (
          <li key={technique.id} data-technique-id={technique.id}>
            <span className="mono">{technique.id}</span>{' '}
            <span className="technique-name">{technique.name}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
