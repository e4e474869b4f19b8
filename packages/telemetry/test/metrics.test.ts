import { describe, expect, it } from 'vitest';

import { createMetrics, exposedMetricNames, METRIC_NAMES, parseExposition } from '../src';

describe('createMetrics', () => {
  it('registers the five ttpgrid metrics with their types', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.experiments.set({ status: 'running' }, 1);
    const { types } = parseExposition(await metrics.registry.metrics());

    expect(Object.fromEntries(types)).toEqual({
      [METRIC_NAMES.experiments]: 'gauge',
      [METRIC_NAMES.stages]: 'gauge',
      [METRIC_NAMES.stageDuration]: 'histogram',
      [METRIC_NAMES.taskQueueBacklog]: 'gauge',
      [METRIC_NAMES.gpuSeconds]: 'counter',
    });
  });

  it('prefixes the process metrics with ttpgrid_', async () => {
    const metrics = createMetrics();
    const { samples } = parseExposition(await metrics.registry.metrics());
    const names = new Set(samples.map((sample) => sample.name));

    expect(names).toContain('ttpgrid_process_cpu_user_seconds_total');
    expect(names).toContain('ttpgrid_process_resident_memory_bytes');
    expect(names).toContain('ttpgrid_nodejs_eventloop_lag_seconds');
    expect([...names].filter((name) => !name.startsWith('ttpgrid_'))).toEqual([]);
  });

  it('keeps two registries in one process apart', async () => {
    const api = createMetrics({ defaultLabels: { service: 'api' } });
    const worker = createMetrics({ defaultLabels: { service: 'worker' } });
    api.stages.set({ status: 'completed' }, 3);

    const fromApi = parseExposition(await api.registry.metrics());
    const fromWorker = parseExposition(await worker.registry.metrics());

    const stage = fromApi.samples.find((sample) => sample.name === METRIC_NAMES.stages);
    expect(stage).toEqual({
      name: METRIC_NAMES.stages,
      labels: { status: 'completed', service: 'api' },
      value: 3,
    });
    expect(fromWorker.samples.some((sample) => sample.name === METRIC_NAMES.stages)).toBe(false);
  });

  it('lists histogram series among the exposed names', async () => {
    const names = await exposedMetricNames(createMetrics().registry);

    expect(names).toContain('ttpgrid_stage_duration_seconds_bucket');
    expect(names).toContain('ttpgrid_stage_duration_seconds_count');
    expect(names).toContain('ttpgrid_gpu_seconds_total');
    expect(names).toContain('ttpgrid_nodejs_gc_duration_seconds_bucket');
  });
});
