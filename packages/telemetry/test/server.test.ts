import { afterEach, describe, expect, it } from 'vitest';

import { createMetrics, parseExposition, sampleValue, startMetricsServer } from '../src';
import type { MetricsServer } from '../src';

let server: MetricsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startMetricsServer', () => {
  it('serves the registry at /metrics on loopback', async () => {
    const metrics = createMetrics();
    metrics.taskQueueBacklog.set({ task_queue: 'ttpgrid-gpu', task_type: 'activity' }, 9);
    server = await startMetricsServer(0, metrics.registry);

    const response = await fetch(server.url);
    const text = parseExposition(await response.text());

    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(sampleValue(text, 'ttpgrid_task_queue_backlog', { task_queue: 'ttpgrid-gpu' })).toBe(9);
    expect(sampleValue(text, 'ttpgrid_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers 404 off /metrics and 405 to other methods', async () => {
    server = await startMetricsServer(0, createMetrics({ processMetrics: false }).registry);
    const base = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
  });

  it('fails with the listen error when the port is taken', async () => {
    server = await startMetricsServer(0, createMetrics({ processMetrics: false }).registry);
    const registry = createMetrics({ processMetrics: false }).registry;

    await expect(startMetricsServer(server.port, registry)).rejects.toThrow(/EADDRINUSE/);
  });
});
