import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyOptionsFromEnvironment } from '../src/models/models.options';
import { readJson } from './support/json';
import { startStubApi, stubDatabase, stubDeps } from './support/stub-deps';

const WRITE = { authorization: 'Bearer write-secret', 'content-type': 'application/json' };
const LIMIT = 4096;

describe('model and classify routes without a model', () => {
  let api: Awaited<ReturnType<typeof startStubApi>>;

  beforeAll(async () => {
    const db = stubDatabase({
      deployedModel: { findUnique: async () => null, findFirst: async () => null },
      experiment: { findUnique: async () => null, groupBy: async () => [] },
    });
    api = await startStubApi(stubDeps(db), { bodyLimitBytes: LIMIT });
  });

  afterAll(async () => {
    await api?.close();
  });

  const classify = (body: string, contentType = 'application/json', path = '/api/classify') =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers an unknown model and a missing active model with 404', async () => {
    const named = await classify(
      JSON.stringify({ text: 'The actor ran whoami.', modelId: 'nope' }),
    );
    const active = await classify('The actor ran whoami.', 'text/plain');
    const detail = await fetch(`${api.url}/api/models/nope`);

    expect(named.status).toBe(404);
    expect(await readJson(named)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'model nope not found',
    });
    expect(active.status).toBe(404);
    expect((await readJson(active)).message).toContain('no model is deployed');
    expect(detail.status).toBe(404);
  });

  it('answers empty reports with 400 naming the field', async () => {
    const blank = await readJson(await classify(JSON.stringify({ text: '  \n ' })));
    const missing = await readJson(await classify('', 'application/json'));
    const raw = await readJson(await classify(' \n\t', 'text/markdown'));

    expect(blank).toMatchObject({ statusCode: 400 });
    expect(blank.problems).toEqual([{ path: 'body.text', reason: 'the report is empty' }]);
    expect(missing.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'body.text',
    ]);
    expect(raw.problems).toEqual([{ path: 'body', reason: 'the report is empty' }]);
  });

  it('names every invalid option by its path, in the body and in the query', async () => {
    const body = await classify(
      JSON.stringify({ text: 'x', topK: 0, threshold: 2, format: 'pdf', colour: 'red' }),
    );
    const query = await classify('Some text.', 'text/html', '/api/classify?topK=x&threshold=-1');

    expect((await readJson(body)).problems.map((p: { path: string }) => p.path)).toEqual([
      'body.format',
      'body.topK',
      'body.threshold',
      'body.colour',
    ]);
    expect((await readJson(query)).problems.map((p: { path: string }) => p.path)).toEqual([
      'query.topK',
      'query.threshold',
    ]);
  });

  it('answers reports over the size limit with 413 JSON, raw or wrapped in JSON', async () => {
    const sentence = 'The actor ran whoami. ';
    const raw = await classify(sentence.repeat(300), 'text/plain');
    const wrapped = await classify(JSON.stringify({ text: sentence.repeat(300) }));

    expect(raw.status).toBe(413);
    expect(await readJson(raw)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(wrapped.status).toBe(413);
    expect(await readJson(wrapped)).toMatchObject({ statusCode: 413 });
  });

  it('refuses bodies that are neither JSON nor report text with 415', async () => {
    const response = await classify('%PDF-1.7', 'application/pdf', '/api/classify/navigator');

    expect(response.status).toBe(415);
    expect((await readJson(response)).message).toContain('text/markdown');
  });

  it('checks a deployment request before touching Temporal', async () => {
    const invalid = await fetch(`${api.url}/api/models`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ experimentId: 'a b', negativesLimit: 1, extra: true }),
    });
    const unknown = await fetch(`${api.url}/api/models`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ experimentId: 'missing' }),
    });

    expect((await readJson(invalid)).problems.map((p: { path: string }) => p.path)).toEqual([
      'body.experimentId',
      'body.negativesLimit',
      'body.extra',
    ]);
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).message).toBe('experiment missing not found');
  });
});

describe('classify size limit configuration', () => {
  it('defaults to the API body limit and takes TTPGRID_CLASSIFY_MAX_BYTES when set', () => {
    expect(classifyOptionsFromEnvironment({ bodyLimitBytes: 1000 }, {})).toEqual({
      maxInputBytes: 1000,
    });
    expect(
      classifyOptionsFromEnvironment(
        { bodyLimitBytes: 1000 },
        { TTPGRID_CLASSIFY_MAX_BYTES: '50' },
      ),
    ).toEqual({ maxInputBytes: 50 });
    expect(() =>
      classifyOptionsFromEnvironment({ bodyLimitBytes: 1 }, { TTPGRID_CLASSIFY_MAX_BYTES: '-3' }),
    ).toThrow(/TTPGRID_CLASSIFY_MAX_BYTES/);
  });
});
