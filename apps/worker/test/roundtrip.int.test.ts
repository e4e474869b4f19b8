import { randomUUID } from 'node:crypto';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { startCpuWorker, type RunningWorker } from '../src';

import { startTrainerProcess, type TrainerProcess } from '../../../test/support/trainer-process';

describe('artifact round trip through both workers', () => {
  const config = loadConfig();
  const db = createDatabase(config.databaseUrl);
  const store = new LocalArtifactStore(config.artifactDir);
  let worker: RunningWorker;
  let trainer: TrainerProcess;
  let connection: Connection;

  beforeAll(async () => {
    trainer = await startTrainerProcess();
    worker = await startCpuWorker(config);
    connection = await Connection.connect({ address: config.temporalAddress });
  });

  afterAll(async () => {
    await worker?.shutdown();
    await trainer?.stop();
    await connection?.close();
    await db.$disconnect();
  });

  it('passes an artifact key from a TypeScript activity to a Python one and records a row', async () => {
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const text = `tactics, techniques and procedures ${randomUUID()}\nsecond line`;

    const result = await client.workflow.execute('artifactRoundTripWorkflow', {
      taskQueue: config.cpuTaskQueue,
      workflowId: `roundtrip-${randomUUID()}`,
      args: [{ text, trainerTaskQueue: config.trainerTaskQueue }],
    });

    const stored = (await store.get(result.inputKey)).toString('utf8');
    const transformed = (await store.get(result.outputKey)).toString('utf8');
    expect(stored).toBe(text);
    expect(transformed).toBe(text.toUpperCase());
    expect(result.outputKey).not.toBe(result.inputKey);

    const row = await db.artifact.findUniqueOrThrow({ where: { key: result.outputKey } });
    expect(row.kind).toBe('roundtrip-output');
    expect(Number(row.bytes)).toBe(Buffer.byteLength(text.toUpperCase()));
    expect(result.recordedBytes).toBe(Number(row.bytes));
  });
});
