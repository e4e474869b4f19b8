import { useEffect, useRef, useState } from 'react';

import { apiPath, postJson } from '../../api/client';
import type { Classification, ClassifyRequest, ModelSummary } from '../../api/types';
import { useApi } from '../../api/use-api';
import type { Route } from '../../routing/hash-route';
import { ClassifyForm } from './classify-form';
import {
  classifyRequestOf,
  describeClassifyError,
  EMPTY_FIELDS,
  type ClassifyFields,
  type ErrorReport,
} from './classify-input';
import { ClassifyResults } from './classify-results';

/** The classification shown, with the request that produced it (the layer download reuses it). */
export interface Outcome {
  request: ClassifyRequest;
  result: Classification;
}

/** Classify a threat report: techniques per sentence, a per-report summary, a Navigator layer. */
export function ClassifyView({ route }: { route: Route }) {
  const models = useApi<{ items: ModelSummary[] }>(apiPath('models'));
  const [fields, setFields] = useState<ClassifyFields>(() => ({
    ...EMPTY_FIELDS,
    modelId: route.params.get('model') ?? '',
  }));
  const { outcome, failure, busy, classify } = useClassification();

  return (
    <section aria-labelledby="classify-heading">
      <h1 id="classify-heading">Classify a report</h1>
      <p className="note">
        The report is split into sentences; each lists its most probable ATT&amp;CK techniques at or
        above the threshold. Markup in HTML and Markdown reports is removed, never run.
      </p>
      <ClassifyForm
        fields={fields}
        models={models.data?.items}
        busy={busy}
        onChange={setFields}
        onSubmit={() => classify(classifyRequestOf(fields))}
      />
      <p className="note" role="status">
        {busy ? 'Classifying the report…' : outcome ? 'Classified: the results are below.' : ''}
      </p>
      <div className="alert-region" role="alert" aria-atomic="true">
        {failure && (
          <div className="error-box">
            <p className="error-title">{failure.title}</p>
            <p>{failure.detail}</p>
          </div>
        )}
      </div>
      {outcome && <ClassifyResults outcome={outcome} />}
    </section>
  );
}

/** Sends a classification; a newer one, or leaving the page, abandons the one in flight. */
function useClassification() {
  const [outcome, setOutcome] = useState<Outcome>();
  const [failure, setFailure] = useState<ErrorReport>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const classify = async (request: ClassifyRequest) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setBusy(true);
    setFailure(undefined);

    try {
      const response = await postJson(apiPath('classify'), request, controller.signal);
      const result = (await response.json()) as Classification;
      if (!controller.signal.aborted) setOutcome({ request, result });
    } catch (error) {
      if (controller.signal.aborted) return;
      setOutcome(undefined);
      setFailure(describeClassifyError(error));
    } finally {
      if (!controller.signal.aborted) setBusy(false);
    }
  };

  return { outcome, failure, busy, classify: (request: ClassifyRequest) => void classify(request) };
}
