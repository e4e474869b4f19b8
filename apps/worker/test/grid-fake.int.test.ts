import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { parseGridSpecText, type GridSpec } from '@ttpgrid/grid';
import { startCpuWorker, type RunningWorker } from '../src';

import { FakeTrainer } from '../../../test/support/fake-trainer';
import {
  cancelExperiment,
  collectCheckpoints,
  createActivities,
  experimentWorkflowId,
  retryFailedRuns,
  stageWorkflowId,
  submitExperiment,
} from '@ttpgrid/orchestration';

const HISTORY_FIXTURES = fileURLToPath(
  new URL('../../../packages/orchestration/test/fixtures/histories/', import.meta.url),
);

/**
 * `TTPGRID_RECORD_HISTORIES=1` saves the histories of a finished grid as replay fixtures: the
 * replay test then runs them against the current workflow code, so that a change which would
 * break grids in flight fails the suite (guard such changes with `patched()`).
 */
async function recordHistories(experimentId: string, stageKeys: string[], label: string) {
  if (process.env.TTPGRID_RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORY_FIXTURES, { recursive: true });
  const ids = [experimentWorkflowId(experimentId), ...stageKeys.map(stageWorkflowId)];
  for (const [index, workflowId] of ids.entries()) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const name = index === 0 ? `${label}-experiment` : `${label}-stage-${index}`;
    writeFileSync(`${HISTORY_FIXTURES}${name}.json`, historyToJSON(history));
  }
}

const baseConfig = loadConfig();
const config: TtpgridConfig = {
  ...baseConfig,
  cpuTaskQueue: `cpu-${randomUUID()}`,
  trainerTaskQueue: `fake-gpu-${randomUUID()}`,
};
const db = createDatabase(config.databaseUrl);
const store = new LocalArtifactStore(config.artifactDir);
const trainer = new FakeTrainer(store);
let connection: Connection;
let client: Client;
let worker: RunningWorker;
let stopTrainer: () => Promise<void>;

function grid(name: string, body: string): GridSpec {
  return parseGridSpecText(`name: ${name}\nencoders: [minilm-l6]\nmode: probe\n${body}`);
}

async function submit(spec: GridSpec, idempotencyKey?: string) {
  return submitExperiment(spec, { config, db, store, client, idempotencyKey });
}

async function waitForStatus(experimentId: string, wanted: string[], timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    if (wanted.includes(experiment.status)) return experiment;
    if (Date.now() > deadline) throw new Error(`experiment still ${experiment.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  connection = await Connection.connect({ address: config.temporalAddress });
  client = new Client({ connection, namespace: config.temporalNamespace });
  worker = await startCpuWorker(config);
  stopTrainer = await trainer.start(config.temporalAddress, config.trainerTaskQueue);
});

afterAll(async () => {
  await worker?.shutdown();
  await stopTrainer?.();
  await connection?.close();
  await db.$disconnect();
});

describe('grid workflows with a fake trainer on real Temporal and Postgres', () => {
  it('trains shared first stages once and records every run', async () => {
    const before = trainer.trainedStages.length;
    const spec = grid(
      'sharing',
      "cases: ['P', 'P>P', 'P+Asim>P']\nseeds: [1, 2]\n" + 'hyperparameters: {epochs: 2}\n',
    );

    const submission = await submit(spec);
    expect(submission.runs).toBe(6);
    expect(submission.stages).toBe(8);
    await waitForStatus(submission.experimentId, ['succeeded']);

    expect(trainer.trainedStages.length - before).toBe(8);
    // 6 runs fill 10 stage slots: 8 stages trained once each, the P stage of each seed shared.
    const finished = await db.experiment.findUniqueOrThrow({
      where: { id: submission.experimentId },
    });
    const progress = finished.progress as { stagesTrained: number; stagesCached: number };
    expect([progress.stagesTrained, progress.stagesCached]).toEqual([8, 2]);
    const runs = await db.run.findMany({ where: { experimentId: submission.experimentId } });
    expect(runs.every((run) => run.status === 'succeeded' && run.microF1 !== null)).toBe(true);
    const metrics = await db.classMetric.count({ where: { runId: { in: runs.map((r) => r.id) } } });
    expect(metrics).toBeGreaterThan(6 * 50);

    const twoStage = runs.find((run) => run.caseName === 'P>P' && run.seed === 1);
    const oneStage = runs.find((run) => run.caseName === 'P' && run.seed === 1);
    expect(twoStage?.stageKeys[0]).toBe(oneStage?.stageKeys[0]);
    const second = trainer.trainedInputs.find((input) => input.stageKey === twoStage?.stageKeys[1]);
    const parent = await db.stage.findUniqueOrThrow({ where: { key: oneStage?.stageKeys[0] } });
    expect(second?.init).toEqual({
      kind: 'parent',
      checkpointKey: parent.checkpointKey,
      parentStageKey: parent.key,
    });

    const asim = runs.find((run) => run.caseName === 'P+Asim>P' && run.seed === 1);
    await recordHistories(submission.experimentId, asim?.stageKeys ?? [], 'v1-sharing');
  });

  it('reuses stages trained by an earlier experiment', async () => {
    const spec = grid('reuse', "cases: ['P', 'P>P']\nseeds: [1]\nhyperparameters: {epochs: 2}\n");
    const first = await submit(spec);
    await waitForStatus(first.experimentId, ['succeeded']);
    const trained = trainer.trainedStages.length;

    const second = await submit(spec);
    expect(second.cachedStages).toBe(2);
    await waitForStatus(second.experimentId, ['succeeded']);
    expect(trainer.trainedStages.length).toBe(trained);
  });

  it('returns the same experiment for a repeated idempotency key', async () => {
    const spec = grid('idem', "cases: ['P']\nseeds: [1]\nhyperparameters: {epochs: 2}\n");
    const key = `key-${randomUUID()}`;

    const first = await submit(spec, key);
    const again = await submit(spec, key);
    expect(again.experimentId).toBe(first.experimentId);
    expect(again.created).toBe(false);
    await waitForStatus(first.experimentId, ['succeeded']);
  });

  it('shares a stage in flight between two experiments started together', async () => {
    trainer.trainDelayMs = 1500;
    const before = trainer.trainedStages.length;
    const spec = grid('inflight', "cases: ['P']\nseeds: [77]\nhyperparameters: {epochs: 3}\n");

    const [a, b] = await Promise.all([submit(spec), submit(spec)]);
    await Promise.all([
      waitForStatus(a.experimentId, ['succeeded']),
      waitForStatus(b.experimentId, ['succeeded']),
    ]);
    trainer.trainDelayMs = 0;

    expect(trainer.trainedStages.length - before).toBe(1);
    const runA = await db.run.findFirstOrThrow({ where: { experimentId: a.experimentId } });
    const runB = await db.run.findFirstOrThrow({ where: { experimentId: b.experimentId } });
    expect(runA.microF1).toBe(runB.microF1);
  });

  it('fails one run without stopping the others, then retries the failed run', async () => {
    trainer.failSeeds = new Set([13]);
    const spec = grid('failing', "cases: ['P']\nseeds: [12, 13]\nhyperparameters: {epochs: 2}\n");

    const submission = await submit(spec);
    await waitForStatus(submission.experimentId, ['completed_with_failures']);
    const failed = await db.run.findFirstOrThrow({
      where: { experimentId: submission.experimentId, seed: 13 },
    });
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('fake failure for seed 13');

    trainer.failSeeds = new Set();
    const retry = await retryFailedRuns(client, db, config, submission.experimentId);
    expect(retry.retried).toBe(1);
    await waitForStatus(submission.experimentId, ['succeeded']);
  });

  it('cancels a running experiment and its stages', async () => {
    trainer.blockTraining = true;
    const spec = grid('cancel', "cases: ['P']\nseeds: [99]\nhyperparameters: {epochs: 2}\n");
    const submission = await submit(spec);
    await waitForStatus(submission.experimentId, ['running']);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    await cancelExperiment(client, db, submission.experimentId);
    await waitForStatus(submission.experimentId, ['cancelled']);
    trainer.blockTraining = false;

    const run = await db.run.findFirstOrThrow({ where: { experimentId: submission.experimentId } });
    expect(run.status).toBe('cancelled');
    const stage = await db.stage.findUniqueOrThrow({ where: { key: run.stageKeys[0] } });
    await expect
      .poll(async () => (await db.stage.findUnique({ where: { key: stage.key } }))?.status)
      .toBe('cancelled');
  });

  it('writes run metrics idempotently when the recording activity is retried', async () => {
    const run = await db.run.findFirstOrThrow({
      where: { status: 'succeeded', predictionsKey: { not: null } },
    });
    const activities = createActivities({
      store,
      db,
      client,
      cpuTaskQueue: config.cpuTaskQueue,
      trainerTaskQueue: config.trainerTaskQueue,
    });
    const before = await db.classMetric.findMany({ where: { runId: run.id } });

    await activities.recordRunResult(run.experimentId, run.id, run.predictionsKey ?? '');
    await activities.recordRunResult(run.experimentId, run.id, run.predictionsKey ?? '');
    const after = await db.classMetric.findMany({ where: { runId: run.id } });
    const again = await db.run.findUniqueOrThrow({ where: { id: run.id } });

    expect(after).toHaveLength(before.length);
    expect(again.microF1).toBe(run.microF1);
    expect(again.macroF1).toBe(run.macroF1);
  });

  it('collects weights no unfinished run needs and retrains them when a grid needs them', async () => {
    const spec = grid('gc', "cases: ['P>P']\nseeds: [55]\nhyperparameters: {epochs: 2}\n");
    const first = await submit(spec);
    await waitForStatus(first.experimentId, ['succeeded']);
    const run = await db.run.findFirstOrThrow({ where: { experimentId: first.experimentId } });

    const keepAll = await collectCheckpoints(db, store, { policy: 'keep-all', dryRun: false });
    expect(keepAll.removed).toHaveLength(0);
    const report = await collectCheckpoints(db, store, { policy: 'default', dryRun: false });
    expect(report.removed.map((entry) => entry.stageKey)).toEqual(
      expect.arrayContaining(run.stageKeys),
    );
    expect(report.bytesFreed).toBeGreaterThan(0);
    for (const key of run.stageKeys) {
      const stage = await db.stage.findUniqueOrThrow({ where: { key } });
      expect(stage.checkpointGone).toBe(true);
      expect(await store.has(stage.checkpointKey ?? '')).toBe(false);
    }

    const trained = trainer.trainedStages.length;
    const again = await submit(spec);
    expect(again.cachedStages).toBe(0);
    await waitForStatus(again.experimentId, ['succeeded']);
    expect(trainer.trainedStages.length - trained).toBe(2);
  });

  it('continues a long experiment as new and carries its progress across', async () => {
    const spec = grid(
      'long',
      "cases: ['P']\nseeds: [61, 62, 63, 64, 65]\nhyperparameters: {epochs: 1}\n",
    );
    const submission = await submitExperiment(spec, {
      config,
      db,
      store,
      client,
      continueAfterRuns: 2,
    });
    await waitForStatus(submission.experimentId, ['succeeded']);

    const runs = await db.run.findMany({ where: { experimentId: submission.experimentId } });
    expect(runs.map((run) => run.status)).toEqual(Array(5).fill('succeeded'));
    const executions = [];
    for await (const execution of client.workflow.list({
      query: `WorkflowId = '${experimentWorkflowId(submission.experimentId)}'`,
    })) {
      executions.push(execution.status.name);
    }
    expect(executions.filter((status) => status === 'CONTINUED_AS_NEW').length).toBeGreaterThan(0);
    const experiment = await db.experiment.findUniqueOrThrow({
      where: { id: submission.experimentId },
    });
    expect((experiment.progress as { succeeded: number }).succeeded).toBe(5);
  });
});
