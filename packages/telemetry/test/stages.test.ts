import { describe, expect, it } from 'vitest';

import type { StageModel } from '@ttpgrid/db';

import {
  createMetrics,
  FinishedStageWatermark,
  parseExposition,
  recordFinishedStage,
  recordStatusCounts,
  sampleValue,
  type FinishedStage,
} from '../src';

// Compile-time check: Prisma Stage rows selected by these fields are FinishedStages as they come.
const _fromPrisma = (row: Pick<StageModel, keyof FinishedStage>): FinishedStage => row;

const scrape = async (metrics: ReturnType<typeof createMetrics>) =>
  parseExposition(await metrics.registry.metrics());

function stage(key: string, finishedAt: string, extra: Partial<FinishedStage> = {}) {
  return {
    key,
    encoder: 'minilm-l6',
    mode: 'probe',
    status: 'completed',
    finishedAt: new Date(finishedAt),
    durationSeconds: 42,
    gpuSeconds: null,
    ...extra,
  } satisfies FinishedStage;
}

describe('recordStatusCounts', () => {
  it('sets one series per status and zeroes a status that empties out', async () => {
    const metrics = createMetrics({ processMetrics: false });
    recordStatusCounts(metrics, {
      experiments: { running: 1 },
      stages: { running: 2, completed: 5 },
    });
    recordStatusCounts(metrics, {
      experiments: { completed: 1 },
      stages: { completed: 7, failed: 1 },
    });
    const text = await scrape(metrics);

    expect(sampleValue(text, 'ttpgrid_experiments', { status: 'running' })).toBe(0);
    expect(sampleValue(text, 'ttpgrid_experiments', { status: 'completed' })).toBe(1);
    expect(sampleValue(text, 'ttpgrid_stages', { status: 'running' })).toBe(0);
    expect(sampleValue(text, 'ttpgrid_stages', { status: 'completed' })).toBe(7);
    expect(sampleValue(text, 'ttpgrid_stages', { status: 'failed' })).toBe(1);
  });
});

describe('recordFinishedStage', () => {
  it('puts the duration into the right buckets by mode and status', async () => {
    const metrics = createMetrics({ processMetrics: false });
    recordFinishedStage(metrics, stage('a', '2026-12-04T10:00:00Z', { durationSeconds: 3 }));
    recordFinishedStage(metrics, stage('b', '2026-12-04T10:00:01Z', { durationSeconds: 4000 }));
    const text = await scrape(metrics);
    const labels = { mode: 'probe', status: 'completed' };
    const bucket = (le: string) =>
      sampleValue(text, 'ttpgrid_stage_duration_seconds_bucket', { ...labels, le });

    expect(bucket('1')).toBe(0);
    expect(bucket('5')).toBe(1);
    expect(bucket('3600')).toBe(1);
    expect(bucket('7200')).toBe(2);
    expect(bucket('+Inf')).toBe(2);
    expect(sampleValue(text, 'ttpgrid_stage_duration_seconds_sum', labels)).toBe(4003);
    expect(sampleValue(text, 'ttpgrid_stage_duration_seconds_count', labels)).toBe(2);
  });

  it('adds GPU-seconds by encoder and mode and skips stages without GPU time', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const gpu = { encoder: 'cti-bert', mode: 'finetune' };
    recordFinishedStage(metrics, stage('a', '2026-12-04T10:00:00Z', { ...gpu, gpuSeconds: 90 }));
    recordFinishedStage(metrics, stage('b', '2026-12-04T10:00:00Z', { ...gpu, gpuSeconds: 30.5 }));
    recordFinishedStage(metrics, stage('c', '2026-12-04T10:00:00Z', { gpuSeconds: null }));
    const text = await scrape(metrics);

    expect(sampleValue(text, 'ttpgrid_gpu_seconds_total', gpu)).toBe(120.5);
    expect(sampleValue(text, 'ttpgrid_gpu_seconds_total', { encoder: 'minilm-l6' })).toBe(
      undefined,
    );
  });
});

describe('FinishedStageWatermark', () => {
  it('counts each stage once across overlapping polls', () => {
    const watermark = new FinishedStageWatermark(new Date('2026-12-04T10:00:00Z'));
    const first = [stage('a', '2026-12-04T10:00:05Z'), stage('b', '2026-12-04T10:00:05Z')];
    const second = [...first, stage('c', '2026-12-04T10:00:05Z'), stage('d', '2026-12-04T10:01Z')];

    expect(watermark.accept(first).map((row) => row.key)).toEqual(['a', 'b']);
    expect(watermark.accept(second).map((row) => row.key)).toEqual(['c', 'd']);
    expect(watermark.accept(second)).toEqual([]);
  });

  it('asks again for the last minute, to catch rows committed late', () => {
    const watermark = new FinishedStageWatermark(new Date('2026-12-04T10:00:00Z'));
    watermark.accept([stage('a', '2026-12-04T10:05:00Z')]);
    const late = stage('late', '2026-12-04T10:04:30Z');

    expect(watermark.since.toISOString()).toBe('2026-12-04T10:04:00.000Z');
    expect(watermark.accept([stage('a', '2026-12-04T10:05:00Z'), late])).toEqual([late]);
  });

  it('counts a re-run of the same stage again', () => {
    const watermark = new FinishedStageWatermark(new Date('2026-12-04T10:00:00Z'));
    watermark.accept([stage('a', '2026-12-04T10:00:01Z')]);

    expect(watermark.accept([stage('a', '2026-12-04T10:00:09Z')])).toHaveLength(1);
  });

  it('ignores stages that finished before it started or have no finish time', () => {
    const watermark = new FinishedStageWatermark(new Date('2026-12-04T10:00:00Z'));
    const unfinished = { ...stage('running', '2026-12-04T10:00:01Z'), finishedAt: null };

    expect(watermark.accept([stage('old', '2026-12-04T09:59:59Z'), unfinished])).toEqual([]);
  });
});
