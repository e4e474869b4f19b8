import { randomUUID } from 'node:crypto';

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@ttpgrid/config';

import {
  createMetrics,
  parseExposition,
  refreshTaskQueueBacklog,
  sampleValue,
  type TaskQueueDescriber,
} from '../src';

// Both connection kinds must fit the describer type: this fails to compile if the API drifts.
const _fitsClient = (connection: Connection): TaskQueueDescriber => connection.workflowService;
const _fitsWorker = (connection: NativeConnection): TaskQueueDescriber =>
  connection.workflowService;

let connection: Connection;
let client: Client;

beforeAll(async () => {
  const config = loadConfig();
  connection = await Connection.connect({ address: config.temporalAddress });
  client = new Client({ connection, namespace: config.temporalNamespace });
});

afterAll(async () => {
  await connection?.close();
});

describe('refreshTaskQueueBacklog against the Temporal dev server', () => {
  it('reports workflows waiting on a queue nobody polls', async () => {
    const taskQueue = `telemetry-backlog-${randomUUID()}`;
    const handles = await Promise.all(
      [1, 2, 3].map((n) =>
        client.workflow.start('neverPolledWorkflow', {
          taskQueue,
          workflowId: `${taskQueue}-${n}`,
        }),
      ),
    );
    const metrics = createMetrics({ processMetrics: false });

    const backlog = await waitForBacklog(metrics, taskQueue, 3);
    await Promise.all(handles.map((handle) => handle.terminate('test finished')));

    expect(backlog).toBeGreaterThanOrEqual(3);
  });
});

/** The server's count converges asynchronously; poll it for a few seconds. */
async function waitForBacklog(
  metrics: ReturnType<typeof createMetrics>,
  taskQueue: string,
  expected: number,
) {
  const deadline = Date.now() + 20_000;
  let count: number | undefined;
  while (Date.now() < deadline) {
    const missing = await refreshTaskQueueBacklog(metrics, connection.workflowService, {
      namespace: client.options.namespace,
      taskQueues: [taskQueue],
    });
    expect(missing).toEqual([]);
    const text = parseExposition(await metrics.registry.metrics());
    count = sampleValue(text, 'ttpgrid_task_queue_backlog', {
      task_queue: taskQueue,
      task_type: 'workflow',
    });
    if ((count ?? 0) >= expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return count;
}
