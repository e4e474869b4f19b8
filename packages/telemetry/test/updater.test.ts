import Long from 'long';
import { describe, expect, it } from 'vitest';

import {
  createMetrics,
  parseExposition,
  sampleValue,
  startStatusUpdater,
  type DescribeTaskQueueRequest,
  type FinishedStage,
  type StatusCounts,
  type TaskQueueDescriber,
} from '../src';

const scrape = async (metrics: ReturnType<typeof createMetrics>) =>
  parseExposition(await metrics.registry.metrics());

/** A stand-in for Temporal's DescribeTaskQueue: backlogs by `queue/type number`. */
function fakeDescriber(backlogs: Record<string, number | null>) {
  const requests: DescribeTaskQueueRequest[] = [];
  const describer: TaskQueueDescriber = {
    describeTaskQueue: async (request) => {
      requests.push(request);
      const count = backlogs[`${request.taskQueue?.name}/${request.taskQueueType}`];
      return count === null
        ? {}
        : { stats: { approximateBacklogCount: Long.fromNumber(count ?? 0) } };
    },
  };
  return { describer, requests };
}

describe('startStatusUpdater', () => {
  it('fills gauges, histogram, GPU-seconds and backlog on refresh', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const counts: StatusCounts = { experiments: { running: 1 }, stages: { completed: 2 } };
    const finished: FinishedStage = {
      key: 's1',
      encoder: 'minilm-l6',
      mode: 'finetune',
      status: 'completed',
      finishedAt: new Date('2026-12-04T12:00:00Z'),
      durationSeconds: 75,
      gpuSeconds: 70,
    };
    const sinceAsked: Date[] = [];
    const { describer, requests } = fakeDescriber({ 'ttpgrid-gpu/2': 4, 'ttpgrid-cpu/1': 1 });

    const updater = startStatusUpdater({
      metrics,
      fetchCounts: async () => counts,
      fetchFinishedStages: async (since) => (sinceAsked.push(since), [finished]),
      finishedSince: new Date('2026-12-04T00:00:00Z'),
      backlog: { describer, namespace: 'default', taskQueues: ['ttpgrid-cpu', 'ttpgrid-gpu'] },
      intervalMs: 0,
    });
    await updater.refresh();
    await updater.stop();
    const text = await scrape(metrics);

    expect(sampleValue(text, 'ttpgrid_experiments', { status: 'running' })).toBe(1);
    expect(sampleValue(text, 'ttpgrid_stages', { status: 'completed' })).toBe(2);
    expect(sampleValue(text, 'ttpgrid_stage_duration_seconds_count', { mode: 'finetune' })).toBe(1);
    expect(sampleValue(text, 'ttpgrid_gpu_seconds_total', { encoder: 'minilm-l6' })).toBe(70);
    const backlog = (task_queue: string, task_type: string) =>
      sampleValue(text, 'ttpgrid_task_queue_backlog', { task_queue, task_type });
    expect(backlog('ttpgrid-gpu', 'activity')).toBe(4);
    expect(backlog('ttpgrid-cpu', 'workflow')).toBe(1);
    expect(backlog('ttpgrid-cpu', 'activity')).toBe(0);
    expect(sinceAsked.map((since) => since.toISOString())).toEqual([
      '2026-12-04T00:00:00.000Z',
      '2026-12-04T11:59:00.000Z',
    ]);
    expect(requests.every((request) => request.reportStats === true)).toBe(true);
    expect(requests).toHaveLength(8);
  });

  it('keeps the last values when a source fails', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let fail = false;
    const updater = startStatusUpdater({
      metrics,
      fetchCounts: async () => {
        if (fail) throw new Error('postgres went away');
        return { experiments: {}, stages: { running: 3 } };
      },
      intervalMs: 0,
    });
    await updater.refresh();
    fail = true;
    await updater.refresh();
    await updater.stop();

    expect(sampleValue(await scrape(metrics), 'ttpgrid_stages', { status: 'running' })).toBe(3);
  });

  it('leaves the backlog unset when the server reports no stats', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const { describer } = fakeDescriber({ 'old/1': null, 'old/2': null });
    const updater = startStatusUpdater({
      metrics,
      fetchCounts: async () => ({ experiments: {}, stages: {} }),
      backlog: { describer, namespace: 'default', taskQueues: ['old'] },
      intervalMs: 0,
    });
    await updater.stop();

    expect(sampleValue(await scrape(metrics), 'ttpgrid_task_queue_backlog')).toBe(undefined);
  });

  it('refreshes on its own timer', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let calls = 0;
    const updater = startStatusUpdater({
      metrics,
      fetchCounts: async () => ({ experiments: {}, stages: { running: ++calls } }),
      intervalMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await updater.stop();
    const seen = calls;
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(seen).toBeGreaterThanOrEqual(3);
    expect(calls).toBe(seen);
  });
});
