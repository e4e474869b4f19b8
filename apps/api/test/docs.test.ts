import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { API_OPERATIONS } from '../src';
import { FEATURE_MODULES } from '../src/app.module';
import { OPERATION_METADATA, type OperationSpec } from '../src/common/operation';
import { startStubApi, stubDatabase, stubDeps, stubTemporal } from './support/stub-deps';
import { readJson } from './support/json';

function routedOperations(): string[] {
  const controllers = FEATURE_MODULES.flatMap(
    (module) => (Reflect.getMetadata('controllers', module) ?? []) as (new () => object)[],
  );
  return controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      const spec = Reflect.getMetadata(OPERATION_METADATA, handler as object) as
        OperationSpec | undefined;
      return spec ? [spec.id] : [];
    }),
  );
}

describe('OpenAPI document and docs page', () => {
  let api: Awaited<ReturnType<typeof startStubApi>>;

  beforeAll(async () => {
    api = await startStubApi(stubDeps());
  });

  afterAll(async () => {
    await api?.close();
  });

  it('documents exactly the operations the controllers route', () => {
    expect(routedOperations().sort()).toEqual(API_OPERATIONS.map((op) => op.id).sort());
  });

  it('serves an OpenAPI 3.1 document built from the zod schemas', async () => {
    const document = await readJson(await fetch(`${api.url}/api/docs/openapi.json`));
    const table = document.paths['/api/experiments/{id}/table'].get;
    const submit = document.paths['/api/experiments'].post;

    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(15);
    expect(table.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:metric',
      'query:format',
      'query:std',
    ]);
    expect(table.parameters[2].schema.enum).toEqual(['markdown', 'csv', 'latex', 'json']);
    expect(submit['x-access']).toBe('write');
    expect(submit.requestBody.content['application/json'].schema.required).toEqual(['spec']);
    expect(submit.responses['400'].content['application/json'].schema.properties).toHaveProperty(
      'problems',
    );
  });

  it('serves a self-contained HTML page listing the operations', async () => {
    const response = await fetch(`${api.url}/api/docs`);
    const html = await response.text();

    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<code>/api/leaderboard</code>');
    expect(html).toContain('/api/docs/openapi.json');
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
  });
});

describe('readiness', () => {
  it('answers 503 naming the dependency that failed', async () => {
    const down = stubTemporal({
      getSystemInfo: async () => {
        throw new Error('14 UNAVAILABLE: connection refused');
      },
    });
    const api = await startStubApi(stubDeps(stubDatabase(), down));
    try {
      const live = await fetch(`${api.url}/health`);
      const ready = await fetch(`${api.url}/health/ready`);
      const body = await readJson(ready);

      expect(await readJson(live)).toEqual({ status: 'ok' });
      expect(ready.status).toBe(503);
      expect(body).toMatchObject({
        statusCode: 503,
        message: 'not ready: temporal',
        checks: { postgres: { ok: true }, temporal: { ok: false } },
      });
      expect(body.checks.temporal.error).toContain('UNAVAILABLE');
    } finally {
      await api.close();
    }
  });
});

describe('web UI build', () => {
  let api: Awaited<ReturnType<typeof startStubApi>>;
  let dist = '';

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'ttpgrid-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ttpgrid</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    api = await startStubApi(stubDeps(), { webDist: dist });
  });

  afterAll(async () => {
    await api?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const html = { headers: { accept: 'text/html' } };

  it('serves the build at / with a fallback for client routes', async () => {
    const index = await fetch(`${api.url}/`, html);
    const route = await fetch(`${api.url}/experiments/123`, html);
    const asset = await fetch(`${api.url}/assets/app-1234.js`);

    expect(await index.text()).toContain('<title>ttpgrid</title>');
    expect(await route.text()).toContain('<title>ttpgrid</title>');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('leaves /api, /health and /metrics to the API, and nothing outside the build', async () => {
    const api404 = await fetch(`${api.url}/api/nothing`, html);
    const health = await fetch(`${api.url}/health`, html);
    const metrics = await fetch(`${api.url}/metrics`, html);
    const outside = await fetch(`${api.url}/%2e%2e/package.json`);

    expect(api404.status).toBe(404);
    expect(await readJson(api404)).toMatchObject({ statusCode: 404 });
    expect(await readJson(health)).toEqual({ status: 'ok' });
    expect(await metrics.text()).toContain('# TYPE ttpgrid_experiments gauge');
    expect(outside.status).toBe(404);
  });
});
