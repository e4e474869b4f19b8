import { randomUUID } from 'node:crypto';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getJson, LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig, type TtpgridConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { parseGridSpecText } from '@ttpgrid/grid';
import { startCpuWorker, type RunningWorker } from '../src';

import { startTrainerProcess, type TrainerProcess } from '../../../test/support/trainer-process';
import { reportPlan, stageWorkflowId, submitExperiment } from '@ttpgrid/orchestration';

const config: TtpgridConfig = {
  ...loadConfig(),
  cpuTaskQueue: `cpu-${randomUUID()}`,
  trainerTaskQueue: `gpu-${randomUUID()}`,
};
const db = createDatabase(config.databaseUrl);
const store = new LocalArtifactStore(config.artifactDir);
let connection: Connection;
let client: Client;
let worker: RunningWorker;
let trainer: TrainerProcess;

beforeAll(async () => {
  connection = await Connection.connect({ address: config.temporalAddress });
  client = new Client({ connection, namespace: config.temporalNamespace });
  trainer = await startTrainerProcess({ TTPGRID_TRAINER_TASK_QUEUE: config.trainerTaskQueue });
  worker = await startCpuWorker(config);
});

afterAll(async () => {
  await worker?.shutdown();
  await trainer?.stop();
  await connection?.close();
  await db.$disconnect();
});

async function waitForEnd(experimentId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    if (!['queued', 'running'].includes(experiment.status)) return experiment;
    if (Date.now() > deadline) throw new Error(`experiment still ${experiment.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The input of the trainStage activity as Temporal recorded it in the stage's history. */
async function recordedTrainInput(stageKey: string) {
  const history = await client.workflow.getHandle(stageWorkflowId(stageKey)).fetchHistory();
  const scheduled = history.events?.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'trainStage',
  );
  const payload = scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
  return JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8'));
}

describe('a tiny real grid through the Python trainer on CPU', () => {
  it('trains, shares and evaluates every stage, two-stage runs starting from their parent', async () => {
    const spec = parseGridSpecText(
      [
        'name: tiny-real',
        'encoders: [minilm-l6]',
        "cases: ['P', 'P>P', 'P+Asim>P']",
        'seeds: [1]',
        'mode: probe',
        'hyperparameters: {epochs: 3, maxLength: 64}',
      ].join('\n'),
    );

    const submission = await submitExperiment(spec, { config, db, store, client });
    expect([submission.runs, submission.stages]).toEqual([3, 4]);
    const experiment = await waitForEnd(submission.experimentId, 600_000);
    expect(experiment.status).toBe('succeeded');

    const runs = await db.run.findMany({ where: { experimentId: submission.experimentId } });
    for (const run of runs) {
      expect(run.microF1).toBeGreaterThan(0);
      expect(run.macroF1).toBeGreaterThan(0);
      expect(await db.classMetric.count({ where: { runId: run.id } })).toBeGreaterThanOrEqual(73);
    }

    const twoStage = runs.find((run) => run.caseName === 'P+Asim>P');
    const [firstKey, secondKey] = twoStage?.stageKeys ?? [];
    const parent = await db.stage.findUniqueOrThrow({ where: { key: firstKey } });
    const input = await recordedTrainInput(secondKey ?? '');
    expect(input.init).toEqual({
      kind: 'parent',
      checkpointKey: parent.checkpointKey,
      parentStageKey: firstKey,
    });
    expect(trainer.output()).toContain('initialised from parent');
    expect(trainer.output()).toContain(firstKey);

    const result = parent.result as { selectionKey: string; devCurve: unknown[] };
    expect(result.devCurve).toHaveLength(3);
    const selection = await getJson<{ selected: Array<{ score: number; source: string }> }>(
      store,
      result.selectionKey,
    );
    expect(selection.selected.length).toBeGreaterThan(100);
    expect(
      selection.selected.every((row) => row.source === 'Asim' && Number.isFinite(row.score)),
    ).toBe(true);

    const replanned = await reportPlan(spec, config, db);
    expect([replanned.stages, replanned.cachedStages]).toEqual([4, 4]);
    const newAttack = { ...spec, dataset: { auxiliary: { attackVersion: 'v15.1' } } };
    const withNewAttack = await reportPlan(newAttack, config, db);
    expect([withNewAttack.stages, withNewAttack.cachedStages]).toEqual([4, 2]);
  });
});
