import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

import { WORKFLOWS_PATH } from '../src';

const fixtures = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));
const files = readdirSync(fixtures).filter((name) => name.endsWith('.json'));

describe('replaying recorded grid histories against the current workflow code', () => {
  it('has fixtures for the experiment and stage workflows', () => {
    expect(files.some((name) => name.includes('experiment'))).toBe(true);
    expect(files.some((name) => name.includes('stage'))).toBe(true);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((name) => ({
      workflowId: name.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(`${fixtures}${name}`, 'utf8'))),
    }));

    const results = Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories);
    const failures: string[] = [];
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
