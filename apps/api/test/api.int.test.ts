import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DataWatchReport } from '@ttpgrid/orchestration';
import { parseExposition, sampleValue } from '@ttpgrid/telemetry';

import {
  readEventStream,
  startApiStack,
  waitForExperiment,
  writeRequest,
  type ApiStack,
} from './support/api-stack';
import { readJson } from './support/json';

// One stack for the file: real Postgres and Temporal (global setup), the real Python trainer in
// probe mode, the TypeScript worker and the API in-process. Tests run in order and build on
// each other: the grid of the third is re-run, compared and watched by the later ones.
let stack: ApiStack;
let apiStartedAt: Date;

const GRID = [
  'name: api-e2e',
  'encoders: [minilm-l6]',
  "cases: ['P', 'P>P', 'P+Asim>P']",
  'seeds: [1, 2]',
  'mode: probe',
  'hyperparameters: {epochs: 2, maxLength: 32}',
  'dataset: {auxiliary: {attackVersion: v14.1}}',
].join('\n');

function tinyGrid(name: string, extra: string[]) {
  return [`name: ${name}`, 'encoders: [minilm-l6]', "cases: ['P']", ...extra].join('\n');
}

async function submit(spec: string, headers: Record<string, string> = {}) {
  const request = writeRequest('POST', { spec });
  request.headers = { ...(request.headers as Record<string, string>), ...headers };
  const response = await fetch(`${stack.url}/api/experiments`, request);
  return { status: response.status, body: await readJson(response) };
}

const get = async (path: string) => readJson(await fetch(`${stack.url}${path}`));

/** Real training on two shared cores: minutes when other work competes for them. */
const LONG = 600_000;

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

beforeAll(async () => {
  apiStartedAt = new Date();
  stack = await startApiStack();
});

afterAll(async () => {
  await fetch(`${stack?.url}/api/schedules/data-watch`, writeRequest('DELETE')).catch(() => null);
  await stack?.stop();
});

describe('the API against the real stack', () => {
  let experimentId = '';
  let rerunId = '';

  it('answers missing and wrong tokens with 401 and 403 JSON bodies', async () => {
    const missing = await fetch(`${stack.url}/api/experiments`, { method: 'POST' });
    const wrong = await fetch(`${stack.url}/api/experiments/x/cancel`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token' },
    });

    expect(missing.status).toBe(401);
    expect(await readJson(missing)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'a bearer token is required',
    });
    expect(wrong.status).toBe(403);
    expect(await readJson(wrong)).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('rejects a malformed spec listing every problem, and an oversized body with 413', async () => {
    const broken = await submit(
      'name: bad\nencoders: [minilm-l6]\ncases: [P, X>P]\nseeds: []\nk: 3',
    );
    const oversized = await fetch(
      `${stack.url}/api/experiments`,
      writeRequest('POST', { spec: `name: big\n# ${'x'.repeat(2 * 1024 * 1024)}` }),
    );

    expect(broken.status).toBe(400);
    expect(broken.body.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'body.spec.seeds',
      'body.spec.k',
    ]);
    expect(oversized.status).toBe(413);
    expect(await readJson(oversized)).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
    });
  });

  it(
    'submits a small real grid once per idempotency key and streams its progress to the end',
    async () => {
      const key = `e2e-${randomUUID()}`;
      const first = await submit(GRID, { 'idempotency-key': key });
      const again = await submit(GRID, { 'idempotency-key': key });
      experimentId = first.body.experimentId;

      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ created: true, runs: 6, stages: 8 });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ experimentId, created: false, runs: 6, stages: 8 });

      const events = await readEventStream(
        `${stack.url}/api/experiments/${experimentId}/events`,
        LONG,
      );
      const last = events.at(-1)!;
      expect(last.type).toBe('end');
      expect(events.slice(0, -1).every((event) => event.type === 'progress')).toBe(true);
      expect(last.data).toMatchObject({
        id: experimentId,
        status: 'succeeded',
        progress: { total: 6, succeeded: 6, failed: 0, stagesTotal: 8 },
        etaSeconds: 0,
      });
    },
    LONG,
  );

  it('shows the experiment with its runs and scores', async () => {
    const detail = await get(`/api/experiments/${experimentId}`);
    const page = await get('/api/experiments?pageSize=50');

    expect(detail.runs).toHaveLength(6);
    expect(detail.runs.every((run: { macroF1: number }) => run.macroF1 > 0)).toBe(true);
    expect(detail.spec.name).toBe('api-e2e');
    expect(detail.stages).toMatchObject({ total: 8, failed: 0 });
    expect(page.items.map((item: { id: string }) => item.id)).toContain(experimentId);
  });

  it('renders the table with the means and deviations of the runs in Postgres', async () => {
    const view = await get(`/api/experiments/${experimentId}/table?format=json`);
    const runs = await stack.db.run.findMany({ where: { experimentId } });

    for (const row of view.rows) {
      const scores = runs.filter((run) => run.caseName === row.caseName);
      const micro = row.cells.find((cell: { metric: string }) => cell.metric === 'micro');
      const macro = row.cells.find((cell: { metric: string }) => cell.metric === 'macro');
      expect(micro.n).toBe(2);
      expect(micro.mean).toBeCloseTo(mean(scores.map((run) => run.microF1!)), 12);
      expect(macro.mean).toBeCloseTo(mean(scores.map((run) => run.macroF1!)), 12);
    }
    const markdown = await (
      await fetch(`${stack.url}/api/experiments/${experimentId}/table`)
    ).text();
    const latex = await (
      await fetch(`${stack.url}/api/experiments/${experimentId}/table?format=latex&metric=micro`)
    ).text();
    expect(markdown).toMatch(/\| P\+Asim>P \| \**[\d.]+ ± [\d.]+/);
    expect(markdown).toContain('PROBE mode');
    expect(latex).toContain('\\begin{tabular}{lr}');
  });

  it('puts the cells on the leaderboard and the techniques in the per-technique view', async () => {
    const board = await get(`/api/leaderboard?experiment=${experimentId}`);
    const techniques = await get(`/api/experiments/${experimentId}/techniques`);

    expect(board.cells).toHaveLength(3);
    const cases = board.cells.map((cell: { caseName: string }) => cell.caseName);
    expect(cases).toEqual(['P', 'P>P', 'P+Asim>P']);
    expect(board.cells.every((cell: { n: number; mode: string }) => cell.n === 2)).toBe(true);
    const best = board.cells.filter((cell: { best: { macro: boolean } }) => cell.best.macro);
    expect(best.length).toBeGreaterThanOrEqual(1);
    expect(board.comparisons.length).toBeGreaterThanOrEqual(4);
    expectBootstrapsMatchTheCells(board);
    expect(techniques.techniques.length).toBeGreaterThanOrEqual(73);
    expect(techniques.techniques.some((row: { minority: boolean }) => row.minority)).toBe(true);
    const baseline = techniques.techniques[0].cells.find(
      (cell: { caseName: string }) => cell.caseName === 'P',
    );
    expect(baseline.gainOverP).toBe(0);
  });

  it('details a run: classes, confusions, misclassified, curves, selections', async () => {
    const run = await stack.db.run.findFirstOrThrow({
      where: { experimentId, caseName: 'P+Asim>P', seed: 1 },
    });
    const detail = await get(`/api/runs/${run.id}`);

    expect(detail.classMetrics.length).toBeGreaterThanOrEqual(73);
    const counts = detail.confusion.map((pair: { count: number }) => pair.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const wrong = Math.round((1 - run.microF1!) * 382);
    expect(detail.misclassified).toHaveLength(wrong);
    expect(detail.misclassified.every((row: { text: string | null }) => row.text)).toBe(true);
    expect(detail.stages.map((stage: { devCurve: unknown[] }) => stage.devCurve.length)).toEqual([
      2, 2,
    ]);
    expect(detail.selections.length).toBeGreaterThan(10);
    expect(detail.selections[0].sentences[0].score).toBeGreaterThan(0);
    expect(detail.missingArtifacts).toEqual([]);
  });

  it(
    're-runs on auxiliary ATT&CK v15.1, retraining only the stages with auxiliary data',
    async () => {
      const response = await fetch(
        `${stack.url}/api/experiments/${experimentId}/rerun`,
        writeRequest('POST', { dataset: { auxiliary: { attackVersion: 'v15.1' } } }),
      );
      const rerun = await readJson(response);
      rerunId = rerun.experimentId;

      expect(response.status).toBe(201);
      expect(rerun).toMatchObject({ parentExperimentId: experimentId, stages: 8, cachedStages: 4 });
      const detail = await waitForExperiment(stack.url, rerunId);
      expect(detail.status).toBe('succeeded');
      expect(detail.progress).toMatchObject({ stagesCached: 4, stagesTrained: 4 });
      expect(detail.datasetVersionId).not.toBe(
        (await get(`/api/experiments/${experimentId}`)).datasetVersionId,
      );
    },
    LONG,
  );

  it('compares the two dataset versions cell by cell', async () => {
    const comparison = await get(`/api/compare?a=${experimentId}&b=${rerunId}`);
    const cell = (caseName: string, metric: string) =>
      comparison.cells.find(
        (c: { caseName: string; metric: string }) => c.caseName === caseName && c.metric === metric,
      );

    expect(comparison.cells).toHaveLength(6);
    const unchanged = cell('P', 'macro');
    expect(unchanged.difference).toBe(0);
    expect(unchanged.ci.lower).toBeLessThanOrEqual(0);
    expect(unchanged.ci.upper).toBeGreaterThanOrEqual(0);
    const changed = cell('P+Asim>P', 'macro');
    expect(changed.a.n).toBe(2);
    expect(changed.ci.lower).toBeLessThanOrEqual(changed.difference);
    expect(changed.ci.upper).toBeGreaterThanOrEqual(changed.difference);
  });

  it('retries the failed runs of a finished experiment', async () => {
    const version = await stack.db.datasetVersion.findUniqueOrThrow({
      where: { id: (await get(`/api/experiments/${experimentId}`)).datasetVersionId },
    });
    const testKey = (version.artifacts as { test: string }).test;
    const testBytes = await stack.store.get(testKey);

    const submitted = await submit(
      tinyGrid('retry', [
        'seeds: [3]',
        'mode: probe',
        'hyperparameters: {epochs: 2, maxLength: 32}',
      ]),
    );
    await stack.store.remove(testKey);
    const failed = await waitForExperiment(stack.url, submitted.body.experimentId);
    await stack.store.put(testBytes);

    expect(failed.status).toBe('completed_with_failures');
    expect(failed.runs[0].status).toBe('failed');
    const retry = await fetch(
      `${stack.url}/api/experiments/${failed.id}/retry-failed`,
      writeRequest('POST'),
    );
    expect(retry.status).toBe(202);
    expect(await readJson(retry)).toEqual({ experimentId: failed.id, retried: 1 });
    const retried = await waitForExperiment(stack.url, failed.id);
    expect(retried.status).toBe('succeeded');
  });

  it('refuses to archive a running experiment, cancels it, then archives it', async () => {
    const submitted = await submit(
      tinyGrid('cancel', [
        'seeds: [5]',
        'mode: finetune',
        'hyperparameters: {epochs: 30, maxLength: 32}',
      ]),
    );
    const id = submitted.body.experimentId;
    await expect
      .poll(async () => (await get(`/api/experiments/${id}`)).progress.stagesRunning, {
        timeout: 60_000,
      })
      .toBe(1);

    const early = await fetch(`${stack.url}/api/experiments/${id}/archive`, writeRequest('POST'));
    const cancel = await fetch(`${stack.url}/api/experiments/${id}/cancel`, writeRequest('POST'));
    expect(early.status).toBe(409);
    expect(cancel.status).toBe(202);
    expect(await readJson(cancel)).toEqual({ experimentId: id, status: 'cancelling' });

    const cancelled = await waitForExperiment(stack.url, id, 60_000);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.runs[0].status).toBe('cancelled');
    const stageKey = (await stack.db.run.findFirstOrThrow({ where: { experimentId: id } }))
      .stageKeys[0];
    await expect
      .poll(async () => (await stack.db.stage.findUnique({ where: { key: stageKey } }))?.status, {
        timeout: 60_000,
      })
      .toBe('cancelled');

    const archived = await fetch(
      `${stack.url}/api/experiments/${id}/archive`,
      writeRequest('POST'),
    );
    expect(await readJson(archived)).toEqual({ experimentId: id, archived: true });
    const visible = await get('/api/experiments?pageSize=200');
    const hidden = await get('/api/experiments?archived=true');
    expect(visible.items.map((item: { id: string }) => item.id)).not.toContain(id);
    expect(hidden.items.map((item: { id: string }) => item.id)).toContain(id);
  });

  it('re-runs a subscribed experiment when the data watch finds a changed data file', async () => {
    const subscribed = await submit(
      tinyGrid('subscribed', [
        'seeds: [1]',
        'mode: probe',
        'subscribe: true',
        'hyperparameters: {epochs: 2, maxLength: 32}',
      ]),
    );
    const original = await waitForExperiment(stack.url, subscribed.body.experimentId);
    expect(original).toMatchObject({ status: 'succeeded', progress: { stagesCached: 1 } });

    const created = await fetch(
      `${stack.url}/api/schedules/data-watch`,
      writeRequest('POST', { intervalSeconds: 3600 }),
    );
    expect(await readJson(created)).toMatchObject({ created: true });
    const unchanged = await runDataWatch(1);
    expect(unchanged.reruns).toEqual([]);
    expect(unchanged.unchanged).toContain(original.id);

    appendToDescriptions(join(stack.dataDir, 'attack/enterprise-attack_v14.1.jsonl'));
    const changed = await runDataWatch(2);
    expect(changed.sources[0]).toMatchObject({ registered: true });
    expect(changed.reruns).toEqual([
      expect.objectContaining({ experimentId: original.id, created: true, cachedStages: 1 }),
    ]);
    const rerun = await waitForExperiment(stack.url, changed.reruns[0]!.newExperimentId);
    expect(rerun).toMatchObject({ status: 'succeeded', parentExperimentId: original.id });
    expect(rerun.datasetVersionId).toBe(changed.sources[0]!.version);
    const datasets = await get('/api/datasets');
    expect(datasets.map((dataset: { id: string }) => dataset.id)).toContain(rerun.datasetVersionId);

    const settled = await runDataWatch(3);
    expect(settled.reruns).toEqual([]);
  });

  it('exposes metrics that match the database', async () => {
    const text = await (await fetch(`${stack.url}/metrics`)).text();
    const exposition = parseExposition(text);
    const experiments = await stack.db.experiment.groupBy({
      by: ['status'],
      _count: { _all: true },
    });
    const stages = await stack.db.stage.groupBy({ by: ['status'], _count: { _all: true } });
    const finished = await stack.db.stage.findMany({
      where: { finishedAt: { gte: apiStartedAt }, durationSeconds: { not: null } },
    });

    for (const row of experiments) {
      expect(sampleValue(exposition, 'ttpgrid_experiments', { status: row.status })).toBe(
        row._count._all,
      );
    }
    for (const row of stages) {
      expect(sampleValue(exposition, 'ttpgrid_stages', { status: row.status })).toBe(
        row._count._all,
      );
    }
    const observed = exposition.samples
      .filter((sample) => sample.name === 'ttpgrid_stage_duration_seconds_count')
      .reduce((sum, sample) => sum + sample.value, 0);
    expect(observed).toBe(finished.length);
    expect(exposition.types.get('ttpgrid_gpu_seconds_total')).toBe('counter');
    const gpu = exposition.samples.filter((sample) => sample.name === 'ttpgrid_gpu_seconds_total');
    expect(gpu.reduce((sum, sample) => sum + sample.value, 0)).toBe(
      finished.reduce((sum, stage) => sum + (stage.gpuSeconds ?? 0), 0),
    );
    for (const queue of [stack.config.cpuTaskQueue, stack.config.trainerTaskQueue]) {
      const backlog = sampleValue(exposition, 'ttpgrid_task_queue_backlog', {
        task_queue: queue,
        task_type: 'activity',
      });
      expect(backlog).toBeGreaterThanOrEqual(0);
    }
    expect(sampleValue(exposition, 'ttpgrid_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('is ready: Postgres and Temporal answer', async () => {
    const ready = await fetch(`${stack.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await readJson(ready)).toMatchObject({ status: 'ready' });
  });
});

/** Triggers the schedule and waits for the check it started (the `count`-th one). */
async function runDataWatch(count: number): Promise<DataWatchReport> {
  const trigger = await fetch(
    `${stack.url}/api/schedules/data-watch/trigger`,
    writeRequest('POST'),
  );
  expect(trigger.status).toBe(202);

  let workflowIds: string[] = [];
  await expect
    .poll(
      async () => {
        const schedule = await get('/api/schedules/data-watch');
        workflowIds = schedule.recentActions.map(
          (action: { workflowId: string }) => action.workflowId,
        );
        return workflowIds.length;
      },
      { timeout: 30_000 },
    )
    .toBe(count);
  const latest = [...workflowIds].sort().at(-1)!;
  return (await stack.client.workflow.getHandle(latest).result()) as DataWatchReport;
}

/** Adds a sentence to the first attack patterns' descriptions: new auxiliary data only. */
function appendToDescriptions(path: string) {
  let changed = 0;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => {
      if (changed >= 20 || !line.includes('"attack-pattern"')) return line;
      const object = JSON.parse(line) as { type: string; description?: string };
      if (object.type !== 'attack-pattern' || !object.description) return line;
      changed += 1;
      object.description += ' Adversaries may also leave a note that a data-watch test added.';
      return JSON.stringify(object);
    });
  writeFileSync(path, lines.join('\n'));
}

interface BoardCell {
  caseName: string;
  encoder: string;
  micro: { mean: number };
  macro: { mean: number };
}
interface BoardComparison {
  treatment: string;
  baseline: string;
  encoder: string;
  metric: 'micro' | 'macro';
  bootstrap: {
    difference: number;
    ci: { lower: number; upper: number };
    pValue: number;
    adjustedP: number;
    sentences: number;
  } | null;
}

/**
 * On the full test set the bootstrap's difference is the difference of the cells' seed means
 * (both scores are computed from the same stored predictions), its interval holds it, and the
 * Holm-adjusted p-value is never below the raw one.
 */
function expectBootstrapsMatchTheCells(board: {
  cells: BoardCell[];
  comparisons: BoardComparison[];
}) {
  const cell = (caseName: string, encoder: string) =>
    board.cells.find((item) => item.caseName === caseName && item.encoder === encoder)!;
  for (const comparison of board.comparisons) {
    const bootstrap = comparison.bootstrap!;
    const treatment = cell(comparison.treatment, comparison.encoder)[comparison.metric].mean;
    const baseline = cell(comparison.baseline, comparison.encoder)[comparison.metric].mean;

    expect(bootstrap.sentences).toBe(382);
    expect(bootstrap.difference).toBeCloseTo(treatment - baseline, 9);
    expect(bootstrap.ci.lower).toBeLessThanOrEqual(bootstrap.ci.upper);
    expect(bootstrap.pValue).toBeGreaterThan(0);
    expect(bootstrap.adjustedP).toBeGreaterThanOrEqual(bootstrap.pValue);
  }
}
