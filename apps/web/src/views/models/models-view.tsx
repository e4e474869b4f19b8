import { apiPath } from '../../api/client';
import type { ModelSummary } from '../../api/types';
import { useApi } from '../../api/use-api';
import { AsyncState } from '../../components/async-state';
import { TableRegion } from '../../components/table-region';
import {
  formatDateTime,
  formatPercent,
  formatProbability,
  formatShare,
  shortId,
} from '../../format';
import { hashHref } from '../../routing/hash-route';

/** Every deployed model, newest first, with the active one marked. */
export function ModelsView() {
  const models = useApi<{ items: ModelSummary[] }>(apiPath('models'));

  return (
    <section aria-labelledby="models-heading">
      <h1 id="models-heading">Deployed models</h1>
      <p className="note">
        Analysts classify reports with the active model unless they choose another. Scores are top-1
        Micro- and Macro-F1 (%); OOD is a second TRAM source the model never saw.
      </p>
      <AsyncState resource={models} label="deployed models">
        {(data) =>
          data.items.length === 0 ? (
            <p className="note">
              No model is deployed yet: deploy an experiment with{' '}
              <code>ttpgrid deploy &lt;experiment&gt;</code>.
            </p>
          ) : (
            <ModelTable models={data.items} />
          )
        }
      </AsyncState>
    </section>
  );
}

function ModelTable({ models }: { models: ModelSummary[] }) {
  return (
    <TableRegion label="Deployed models">
      <table className="data-table models">
        <caption>Deployed models, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Deployed</th>
            <th scope="col">Case</th>
            <th scope="col">Encoder</th>
            <th scope="col">Seed</th>
            <th scope="col">Experiment</th>
            <th scope="col">Dataset version</th>
            <th scope="col">ATT&amp;CK</th>
            <th scope="col">Test Micro-F1</th>
            <th scope="col">Test Macro-F1</th>
            <th scope="col">OOD Micro-F1</th>
            <th scope="col">OOD Macro-F1</th>
            <th scope="col">Threshold</th>
            <th scope="col">Negatives shown a technique</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <ModelRow key={model.id} model={model} />
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function ModelRow({ model }: { model: ModelSummary }) {
  return (
    <tr data-model-id={model.id} className={model.active ? 'active-row' : undefined}>
      <th scope="row">
        <a href={hashHref(['models', model.id])} className="mono">
          {shortId(model.id)}
        </a>{' '}
        {model.active && <ActiveBadge />}
      </th>
      <td className="nowrap">{formatDateTime(model.createdAt)}</td>
      <td data-field="case">{model.caseName}</td>
      <td data-field="encoder" className="nowrap">
        {model.encoder}
      </td>
      <td data-field="seed" className="number">
        {model.seed}
      </td>
      <td data-field="experiment">
        <a href={hashHref(['experiments', model.experimentId])}>{model.experimentName}</a>
      </td>
      <td data-field="dataset" className="mono" title={model.datasetVersionId}>
        {shortVersion(model.datasetVersionId)}
      </td>
      <td data-field="attack">{model.attackVersion}</td>
      <ScoreCell field="test-micro" value={model.test.microF1} />
      <ScoreCell field="test-macro" value={model.test.macroF1} />
      <ScoreCell field="ood-micro" value={model.ood?.microF1} />
      <ScoreCell field="ood-macro" value={model.ood?.macroF1} />
      <td data-field="threshold" className="number">
        {formatProbability(model.threshold)}
      </td>
      <td data-field="negative-share" className="number">
        {formatShare(model.negativeShare)}
      </td>
    </tr>
  );
}

/** Dataset versions are SHA-256 hex: the first 12 digits name one here, the title holds all. */
function shortVersion(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

function ScoreCell({ field, value }: { field: string; value: number | undefined }) {
  return (
    <td data-field={field} className="number">
      {formatPercent(value)}
    </td>
  );
}

/** The model that answers when a request names none. */
export function ActiveBadge() {
  return <span className="badge active-model">active</span>;
}
