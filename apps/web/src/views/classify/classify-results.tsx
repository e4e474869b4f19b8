import { useState } from 'react';

import { apiPath, postJson } from '../../api/client';
import type { Classification, TechniqueScore, TechniqueSummary } from '../../api/types';
import { saveFile } from '../../components/save-file';
import { TableRegion } from '../../components/table-region';
import { formatProbability, shortId } from '../../format';
import { hashHref } from '../../routing/hash-route';
import { describeClassifyError, fileNameFromDisposition } from './classify-input';
import type { Outcome } from './classify-view';

/** The classification of the report as submitted: summary, layer download, sentence table. */
export function ClassifyResults({ outcome }: { outcome: Outcome }) {
  const { result } = outcome;
  return (
    <section aria-labelledby="results-heading" className="classify-results">
      <h2 id="results-heading">Results</h2>
      <ResultFacts result={result} />
      <LayerDownload outcome={outcome} />
      <TechniqueSummaryTable result={result} />
      <SentenceTable result={result} />
    </section>
  );
}

function ResultFacts({ result }: { result: Classification }) {
  const { model, summary } = result;
  return (
    <p className="summary" data-field="result-facts">
      {summary.sentences} sentences, {summary.sentencesWithTechniques} with a technique · up to{' '}
      {result.topK} per sentence at threshold {formatProbability(result.threshold)} · model{' '}
      {model.modelId ? (
        <a href={hashHref(['models', model.modelId])} className="mono">
          {shortId(model.modelId)}
        </a>
      ) : (
        <span className="mono">{shortId(model.manifestKey)}</span>
      )}{' '}
      ({model.techniqueCount} techniques{model.attackVersion && `, ATT&CK ${model.attackVersion}`})
      {summary.truncatedSentences > 0 && (
        <>
          {' '}
          · {summary.truncatedSentences} sentence(s) longer than the model reads were cut at{' '}
          {model.maxLength ?? '?'} tokens
        </>
      )}
    </p>
  );
}

/** POSTs the same input to the layer endpoint and saves the answer under the API's file name. */
function LayerDownload({ outcome }: { outcome: Outcome }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  const download = async () => {
    setBusy(true);
    try {
      const response = await postJson(apiPath('classify/navigator'), outcome.request);
      const fallback = `ttpgrid-layer-${shortId(outcome.result.model.modelId ?? 'report')}.json`;
      const name = fileNameFromDisposition(response.headers.get('content-disposition'), fallback);
      saveFile(name, await response.text(), 'application/json');
      setProblem(undefined);
    } catch (error) {
      const report = describeClassifyError(error);
      setProblem(`${report.title}. ${report.detail}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="layer-download">
      <button type="button" onClick={() => void download()} disabled={busy}>
        Download Navigator layer
      </button>{' '}
      <span className="hint">ATT&amp;CK Navigator layer (JSON) of the report as submitted</span>
      {problem && (
        <p className="error" role="alert">
          Download failed: {problem}
        </p>
      )}
    </div>
  );
}

function TechniqueSummaryTable({ result }: { result: Classification }) {
  const techniques = result.summary.techniques;
  if (techniques.length === 0) {
    return <p className="note">No technique reaches the threshold in any sentence.</p>;
  }
  return (
    <TableRegion label="Techniques in the report">
      <table className="data-table report-techniques">
        <caption>Techniques in the report, strongest first, with their strongest sentences</caption>
        <thead>
          <tr>
            <th scope="col">Technique</th>
            <th scope="col">Highest probability</th>
            <th scope="col">Sentences</th>
            <th scope="col">Strongest sentences</th>
          </tr>
        </thead>
        <tbody>
          {techniques.map((technique) => (
            <tr key={technique.id} data-technique-id={technique.id}>
              <th scope="row">
                <span className="mono">{technique.id}</span>{' '}
                <span className="technique-name">{technique.name}</span>
              </th>
              <td className="number">{formatProbability(technique.maxProbability)}</td>
              <td className="number">{technique.sentenceCount}</td>
              <td>
                <ol className="quotes">
                  {technique.sentences.map((sentence) => (
                    <Quote key={sentence.index} sentence={sentence} />
                  ))}
                </ol>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function Quote({ sentence }: { sentence: TechniqueSummary['sentences'][number] }) {
  return (
    <li>
      <span className="probability">{formatProbability(sentence.probability)}</span>{' '}
      <span className="note">#{sentence.index}</span>{' '}
      <span className="sentence">{sentence.text}</span>
    </li>
  );
}

function SentenceTable({ result }: { result: Classification }) {
  return (
    <TableRegion label="Techniques per sentence">
      <table className="data-table report-sentences">
        <caption>Techniques per sentence, most probable first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Sentence</th>
            <th scope="col">Techniques</th>
          </tr>
        </thead>
        <tbody>
          {result.sentences.map((sentence) => (
            <tr key={sentence.index} data-sentence-index={sentence.index}>
              <th scope="row" className="number">
                {sentence.index}
              </th>
              <td className="sentence">{sentence.text}</td>
              <td>
                <TechniqueScores techniques={sentence.techniques} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function TechniqueScores({ techniques }: { techniques: TechniqueScore[] }) {
  if (techniques.length === 0) return <span className="note">none at the threshold</span>;
  return (
    <ul className="technique-scores">
      {techniques.map((technique) => (
        <li key={technique.id} data-technique-id={technique.id}>
          <span className="mono technique-id">{technique.id}</span>{' '}
          <span className="technique-name">{technique.name}</span>{' '}
          <span className="probability">{formatProbability(technique.probability)}</span>
        </li>
      ))}
    </ul>
  );
}
