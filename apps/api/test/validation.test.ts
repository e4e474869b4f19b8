import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startStubApi, stubDatabase, stubDeps } from './support/stub-deps';
import { readJson } from './support/json';

const WRITE = { authorization: 'Bearer write-secret', 'content-type': 'application/json' };

describe('input validation and error bodies', () => {
  let api: Awaited<ReturnType<typeof startStubApi>>;

  beforeAll(async () => {
    const db = stubDatabase({
      experiment: {
        findUnique: async () => null,
        groupBy: async () => [],
        count: async () => {
          throw new Error('connection terminated: secret detail at /srv/db.ts:12');
        },
        findMany: async () => [],
      },
      run: { findUnique: async () => null },
    });
    api = await startStubApi(stubDeps(db), { bodyLimitBytes: 4096 });
  });

  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: WRITE, body });

  it('lists every grid spec problem by path', async () => {
    const spec = ['name: broken', 'encoders: []', "cases: ['P', 'P>>P']", 'seeds: [1, 1]'].join(
      '\n',
    );
    const response = await post('/api/experiments', JSON.stringify({ spec }));
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'body.spec.encoders',
    ]);
    expect(body.message).toContain('body.spec.encoders');
  });

  it('checks the cases, repeats and dataset settings of a spec given as an object', async () => {
    const spec = {
      name: 'broken',
      encoders: ['minilm-l6'],
      cases: ['P', 'P>>P'],
      seeds: [1, 1],
      mode: 'probe',
      dataset: { split: { seed: -1 }, auxiliary: { attackVersion: '15' } },
    };
    const first = await readJson(await post('/api/experiments', JSON.stringify({ spec })));
    const valid = { ...spec, cases: ['P'], seeds: [1] };
    const second = await readJson(await post('/api/experiments', JSON.stringify({ spec: valid })));

    expect(first.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'body.spec.cases.1',
      'body.spec.seeds.1',
    ]);
    expect(second.problems.map((problem: { path: string }) => problem.path).sort()).toEqual([
      'body.spec.dataset.auxiliary.attackVersion',
      'body.spec.dataset.split.seed',
    ]);
  });

  it('names query, params and body fields, including unknown ones', async () => {
    const list = await fetch(`${api.url}/api/experiments?page=0&pageSize=x&colour=red`);
    const run = await fetch(`${api.url}/api/runs/not%20an%20id`);
    const body = await post('/api/experiments', JSON.stringify({ spec: 7, extra: true }));

    expect((await readJson(list)).problems).toEqual([
      { path: 'query.page', reason: 'Too small: expected number to be >=1' },
      { path: 'query.pageSize', reason: 'Invalid input: expected number, received NaN' },
      { path: 'query.colour', reason: 'unknown field' },
    ]);
    expect((await readJson(run)).problems).toEqual([
      { path: 'params.id', reason: 'an ID of 1 to 128 letters, digits, - or _' },
    ]);
    expect((await readJson(body)).problems.map((p: { path: string }) => p.path)).toEqual([
      'body.spec',
      'body.extra',
    ]);
  });

  it('answers unreadable JSON with 400 and an oversized body with 413, both as JSON', async () => {
    const broken = await post('/api/experiments', '{"spec": ');
    const large = await post('/api/experiments', JSON.stringify({ spec: 'x'.repeat(10_000) }));

    expect(broken.status).toBe(400);
    expect((await readJson(broken)).statusCode).toBe(400);
    expect(large.status).toBe(413);
    expect(await readJson(large)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers unknown records and routes with JSON 404s', async () => {
    const experiment = await fetch(`${api.url}/api/experiments/nope`);
    const run = await fetch(`${api.url}/api/runs/nope`);
    const route = await fetch(`${api.url}/api/nothing-here`);
    const events = await fetch(`${api.url}/api/experiments/nope/events`);

    expect(experiment.status).toBe(404);
    expect(await readJson(experiment)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'experiment nope not found',
    });
    expect((await readJson(run)).message).toBe('run nope not found');
    expect(await readJson(route)).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(events.headers.get('content-type')).toContain('application/json');
    expect(await readJson(events)).toMatchObject({ statusCode: 404 });
  });

  it('never shows a client the stack or message of an unexpected error', async () => {
    const response = await fetch(`${api.url}/api/experiments`);
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal server error',
    });
    expect(text).not.toContain('secret detail');
  });
});
