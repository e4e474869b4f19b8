import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findFreePort } from '@ttpgrid/devstack';

import { startApiStack, WRITE_TOKEN, type ApiStack } from '../../api/test/support/api-stack';
import { runCli } from './support/run-cli';

// The CLI against the real stack (API in-process, TypeScript worker, Python trainer in probe
// mode). Commands run in this process through the same program the binary runs.
let stack: ApiStack;
const folder = mkdtempSync(join(tmpdir(), 'ttpgrid-cli-it-'));
let specFile = '';
const LONG = 600_000;

const cli = (...argv: string[]) =>
  runCli(argv, {
    TTPGRID_API_URL: stack.url,
    TTPGRID_WRITE_TOKEN: WRITE_TOKEN,
    TTPGRID_READ_TOKEN: undefined,
  });

beforeAll(async () => {
  stack = await startApiStack();
  specFile = join(folder, 'grid.yaml');
  writeFileSync(
    specFile,
    [
      'name: cli-e2e',
      'encoders: [minilm-l6]',
      "cases: ['P']",
      'seeds: [1, 2]',
      'mode: probe',
      'hyperparameters: {epochs: 2, maxLength: 32}',
    ].join('\n'),
  );
});

afterAll(async () => {
  await stack?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('ttpgrid commands against the real API', () => {
  let experimentId = '';
  let rerunId = '';

  it(
    'submits, follows to the end, and returns the same experiment for a repeated key',
    async () => {
      const key = `cli-${randomUUID()}`;
      const submitted = await cli(
        'submit',
        specFile,
        '--idempotency-key',
        key,
        '--interval',
        '0.5',
      );
      experimentId = submitted.stdout.split('\n')[0]!;

      expect(submitted.code).toBe(0);
      expect(experimentId).toMatch(/^[0-9a-f-]{36}$/);
      expect(submitted.stderr).toContain('2/2 runs');
      expect(submitted.stdout).toContain('status   succeeded');

      const again = await cli('submit', specFile, '--idempotency-key', key, '--detach', '--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ experimentId, created: false, runs: 2 });
    },
    LONG,
  );

  it('shows status, the list and the table', async () => {
    const status = await cli('status', experimentId, '--json');
    const list = await cli('list', '--json');
    const table = await cli('table', experimentId, '--format', 'csv');

    expect(JSON.parse(status.stdout)).toMatchObject({ id: experimentId, status: 'succeeded' });
    expect(JSON.parse(status.stdout).runs).toHaveLength(2);
    expect(JSON.parse(list.stdout).items.map((item: { id: string }) => item.id)).toContain(
      experimentId,
    );
    expect(table.code).toBe(0);
    expect(table.stdout.split('\r\n')[0]).toBe('group,case,minilm-l6 Micro,minilm-l6 Macro');
  });

  it(
    're-runs on ATT&CK v15.1 with every stage reused, and compares the two',
    async () => {
      const rerun = await cli(
        'rerun',
        experimentId,
        '--aux-attack-version',
        'v15.1',
        '--interval',
        '0.5',
      );
      rerunId = rerun.stdout.split('\n')[0]!;

      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toContain('2 stages (2 cached)');
      const comparison = await cli('compare', experimentId, rerunId, '--json');
      const cells = JSON.parse(comparison.stdout).cells as { difference: number }[];
      expect(cells).toHaveLength(2);
      expect(cells.every((cell) => cell.difference === 0)).toBe(true);
      const text = await cli('compare', experimentId, rerunId, '--metric', 'macro');
      expect(text.stdout).toMatch(/P\s+minilm-l6\s+macro/);
    },
    LONG,
  );

  it('archives, cancels a finished experiment (a no-op) and retries nothing', async () => {
    const archive = await cli('archive', rerunId);
    const list = await cli('list', '--json');
    const cancel = await cli('cancel', experimentId);
    const retry = await cli('retry', experimentId, '--json');

    expect(archive.stdout).toContain('archived');
    expect(JSON.parse(list.stdout).items.map((item: { id: string }) => item.id)).not.toContain(
      rerunId,
    );
    expect(cancel.stdout).toContain(`experiment ${experimentId}: succeeded`);
    expect(JSON.parse(retry.stdout)).toEqual({ experimentId, retried: 0 });
  });

  it('exits 5 for an unknown experiment, 2 for bad input and 3 for an unreachable API', async () => {
    const unknown = await cli('status', randomUUID());
    const bad = await cli('table', experimentId, '--metric', 'accuracy');
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const unreachable = await runCli(['list', '--api-url', closed]);

    expect([unknown.code, bad.code, unreachable.code]).toEqual([5, 2, 3]);
  });
});
