import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startStubApi, stubDatabase, stubDeps } from './support/stub-deps';
import { readJson } from './support/json';

const VERSION = 'a'.repeat(64);
const SCORES: Record<string, [number, number][]> = {
  P: [
    [0.6, 0.4],
    [0.62, 0.42],
    [0.61, 0.41],
  ],
  'P>P': [
    [0.7, 0.5],
    [0.72, 0.52],
    [0.71, 0.51],
  ],
};

function runRows() {
  return Object.entries(SCORES).flatMap(([caseName, seeds]) =>
    seeds.map(([micro, macro], index) => ({
      id: `${caseName}-${index}`,
      experimentId: 'exp-1',
      caseName,
      encoder: 'minilm-l6',
      axes: {},
      seed: index + 1,
      hyperparameters: { mode: 'probe' },
      datasetVersionId: VERSION,
      microF1: micro,
      macroF1: macro,
      minorityMacroF1: macro / 2,
      majorityMacroF1: macro,
    })),
  );
}

describe('GET /api/experiments/:id/table', () => {
  let api: Awaited<ReturnType<typeof startStubApi>>;

  beforeAll(async () => {
    const experiment = {
      id: 'exp-1',
      name: 'tiny',
      mode: 'probe',
      datasetVersionId: VERSION,
      spec: { cases: ['P', 'P>P'], encoders: ['minilm-l6'], paperValues: '../secret.json' },
    };
    const db = stubDatabase({
      experiment: {
        findUnique: async () => experiment,
        groupBy: async () => [],
      },
      run: { findMany: async () => runRows() },
    });
    api = await startStubApi(stubDeps(db));
  });

  afterAll(async () => {
    await api?.close();
  });

  const table = (query: string) => fetch(`${api.url}/api/experiments/exp-1/table?${query}`);

  it('renders Markdown with mean ± std, best bold, significance marks and the probe label', async () => {
    const response = await table('format=markdown');
    const text = await response.text();

    expect(response.headers.get('content-type')).toContain('text/markdown');
    expect(text).toContain('PROBE mode');
    expect(text).toContain('| P | 61.0 ± 1.0 | 41.0 ± 1.0 |');
    expect(text).toContain('| P>P | **71.0 ± 1.0**† | **51.0 ± 1.0**† |');
    expect(text).toContain('†: differs from P of the same encoder');
    expect(text).toContain('Pooled standard deviation over seeds: 0.010');
  });

  it('renders CSV and one-metric LaTeX whose rows match the column spec', async () => {
    const csv = await (await table('format=csv&metric=macro')).text();
    const latex = await (await table('format=latex&metric=macro')).text();

    expect(csv.split('\r\n')[0]).toBe('group,case,minilm-l6 Macro');
    expect(csv).toContain(',P>P,51.0 ± 1.0*');
    const columns = /\\begin\{tabular\}\{(l[r]*)\}/.exec(latex)?.[1];
    expect(columns).toBe('lr');
    const body = latex.split('\n').filter((line) => line.startsWith('P'));
    expect(body.every((line) => line.split(' & ').length === columns!.length)).toBe(true);
    expect(latex).toContain('\\multicolumn{1}{c}{minilm-l6}');
  });

  it('gives the cells as JSON with means, deviations, intervals and marks', async () => {
    const view = await readJson(await table('format=json'));
    const cell = view.rows[1].cells.find((c: { metric: string }) => c.metric === 'micro');

    expect(view).toMatchObject({ experimentId: 'exp-1', probe: true, metric: 'both' });
    expect(cell).toMatchObject({ caseName: 'P>P', n: 3, best: true });
    expect(cell.mean).toBeCloseTo(0.71, 12);
    expect(cell.std).toBeCloseTo(0.01, 12);
    expect(cell.ci.lower).toBeLessThan(0.71);
    expect(cell.comparison.difference).toBeCloseTo(0.1, 12);
  });

  it('refuses an unknown format and an unknown metric', async () => {
    const response = await table('format=html&metric=accuracy');
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'query.metric',
      'query.format',
    ]);
  });
});
