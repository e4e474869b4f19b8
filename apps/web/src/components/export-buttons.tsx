import { useState } from 'react';

import { apiPath, getText } from '../api/client';
import { saveFile } from './save-file';

const FORMATS = [
  { format: 'markdown', label: 'Markdown', extension: 'md', type: 'text/markdown' },
  { format: 'csv', label: 'CSV', extension: 'csv', type: 'text/csv' },
  { format: 'latex', label: 'LaTeX', extension: 'tex', type: 'application/x-tex' },
] as const;

type Metric = 'micro' | 'macro';

/** Downloads the experiment's result table as the API renders it. */
export function ExportButtons({ experimentId, name }: { experimentId: string; name: string }) {
  const [metric, setMetric] = useState<Metric>('macro');
  const [problem, setProblem] = useState<string>();

  const download = async (choice: (typeof FORMATS)[number]) => {
    try {
      const path = apiPath(`experiments/${experimentId}/table`, { metric, format: choice.format });
      const text = await getText(path);
      saveFile(`${fileStem(name)}-${metric}.${choice.extension}`, text, choice.type);
      setProblem(undefined);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <fieldset className="export-buttons">
      <legend>Export result table</legend>
      <label>
        Metric{' '}
        <select value={metric} onChange={(event) => setMetric(event.target.value as Metric)}>
          <option value="micro">Micro-F1</option>
          <option value="macro">Macro-F1</option>
        </select>
      </label>
      {FORMATS.map((choice) => (
        <button key={choice.format} type="button" onClick={() => void download(choice)}>
          {choice.label}
        </button>
      ))}
      {problem && (
        <p className="error" role="alert">
          Export failed: {problem}
        </p>
      )}
    </fieldset>
  );
}

function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'experiment';
}
