import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tokensMatch } from '../src';
import { startStubApi, stubDatabase, stubDeps } from './support/stub-deps';
import { readJson } from './support/json';

describe('tokensMatch', () => {
  it('accepts only the identical token, whatever the lengths', () => {
    expect(tokensMatch('write-secret', 'write-secret')).toBe(true);
    expect(tokensMatch('write-secreT', 'write-secret')).toBe(false);
    expect(tokensMatch('write', 'write-secret')).toBe(false);
    expect(tokensMatch('', 'write-secret')).toBe(false);
  });
});

describe('bearer-token access', () => {
  const emptyPage = {
    experiment: { count: async () => 0, findMany: async () => [], groupBy: async () => [] },
    run: { groupBy: async () => [], findMany: async () => [] },
  };
  let open: Awaited<ReturnType<typeof startStubApi>>;
  let guarded: Awaited<ReturnType<typeof startStubApi>>;
  let readOnly: Awaited<ReturnType<typeof startStubApi>>;

  beforeAll(async () => {
    open = await startStubApi(stubDeps(stubDatabase(emptyPage)));
    guarded = await startStubApi(stubDeps(stubDatabase(emptyPage)), {
      tokens: { writeToken: 'write-secret', readToken: 'read-secret' },
    });
    readOnly = await startStubApi(stubDeps(stubDatabase(emptyPage)), { tokens: {} });
  });

  afterAll(async () => {
    await Promise.all([open?.close(), guarded?.close(), readOnly?.close()]);
  });

  const submit = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ spec: 'name: x' }),
    });

  it('answers a write without a token with 401 and a JSON body', async () => {
    const response = await submit(open.url);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await readJson(response)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'a bearer token is required',
    });
  });

  it('answers a write with a wrong token with 403, and a read token cannot write', async () => {
    const wrong = await submit(open.url, { authorization: 'Bearer nope' });
    const reader = await submit(guarded.url, { authorization: 'Bearer read-secret' });

    expect(wrong.status).toBe(403);
    expect(await readJson(wrong)).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'the token does not allow writing',
    });
    expect(reader.status).toBe(403);
  });

  it('lets the write token through to validation', async () => {
    const response = await submit(open.url, { authorization: 'Bearer write-secret' });

    expect(response.status).toBe(400);
    expect((await readJson(response)).problems.length).toBeGreaterThan(0);
  });

  it('keeps reads open without a read token and guards them with one', async () => {
    const openRead = await fetch(`${open.url}/api/experiments`);
    const missing = await fetch(`${guarded.url}/api/experiments`);
    const wrong = await fetch(`${guarded.url}/api/experiments`, {
      headers: { authorization: 'Bearer write' },
    });
    const reader = await fetch(`${guarded.url}/api/experiments`, {
      headers: { authorization: 'Bearer read-secret' },
    });
    const writer = await fetch(`${guarded.url}/api/experiments`, {
      headers: { authorization: 'bearer write-secret' },
    });

    expect(openRead.status).toBe(200);
    expect([missing.status, wrong.status, reader.status, writer.status]).toEqual([
      401, 403, 200, 200,
    ]);
    expect(await readJson(reader)).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });
  });

  it('refuses every write when no write token is configured', async () => {
    const response = await submit(readOnly.url, { authorization: 'Bearer anything' });

    expect(response.status).toBe(403);
    expect((await readJson(response)).message).toContain('TTPGRID_WRITE_TOKEN');
  });

  it('keeps health, metrics and docs public behind a read token', async () => {
    const paths = ['/health', '/metrics', '/api/docs', '/api/docs/openapi.json'];
    const statuses = await Promise.all(
      paths.map(async (path) => (await fetch(`${guarded.url}${path}`)).status),
    );
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});
