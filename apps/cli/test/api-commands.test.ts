import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { findFreePort } from '@ttpgrid/devstack';
import { REPO_ROOT } from '@ttpgrid/config';

import { progressLine } from '../src/commands/follow';
import { runCli } from './support/run-cli';

const ID = '0b7cbd43-6bb4-4a77-9f63-3b3c2c1a8f10';
const VERSION = 'a'.repeat(64);

/** A stand-in for the API on loopback: canned answers, and a log of the requests it got. */
class FakeApi {
  requests: { method: string; path: string; auth?: string; body: string }[] = [];
  finalStatus = 'succeeded';
  polls = 0;
  private server: Server | undefined;
  url = '';

  async start() {
    this.server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close() {
    return new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(request: IncomingMessage, response: ServerResponse) {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push({
      method: request.method ?? '',
      path: url.pathname + url.search,
      auth: request.headers.authorization,
      body,
    });
    const [status, payload, type] = this.route(request.method ?? '', url, body);
    response.writeHead(status, { 'content-type': type ?? 'application/json' });
    response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  private route(method: string, url: URL, body: string): [number, unknown, string?] {
    const path = url.pathname;
    if (method === 'POST' && path === '/api/experiments') {
      if (JSON.parse(body).spec.includes('server-refuses')) {
        return [400, problems('invalid grid spec', ['body.spec.encoders', 'body.spec.seeds'])];
      }
      return [201, submission()];
    }
    if (method === 'GET' && path === `/api/experiments/${ID}`) return [200, this.detail()];
    if (method === 'GET' && path === `/api/experiments/${ID}/table`) {
      return [200, `| Case | x |\n| P | 61.0 ± 1.0 |\n`, 'text/markdown'];
    }
    if (method === 'POST' && path === `/api/experiments/${ID}/rerun`) {
      return [201, { ...submission(), parentExperimentId: ID }];
    }
    return [404, { statusCode: 404, error: 'Not Found', message: `experiment ${path} not found` }];
  }

  private detail() {
    this.polls += 1;
    const done = this.polls >= 2;
    const status = done ? this.finalStatus : 'running';
    const failed = done && status !== 'succeeded' ? 1 : 0;
    return {
      id: ID,
      name: 'tiny',
      status,
      mode: 'probe',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      datasetVersionId: VERSION,
      archived: false,
      parentExperimentId: null,
      codeVersion: 'test',
      elapsedSeconds: 12,
      etaSeconds: done ? 0 : 30,
      progress: {
        total: 2,
        succeeded: done ? 2 - failed : 1,
        failed,
        running: done ? 0 : 1,
        queued: 0,
        cancelled: 0,
        stagesTotal: 2,
        stagesCached: 1,
        stagesTrained: done ? 1 : 0,
        stagesRunning: done ? 0 : 1,
      },
      runs: [
        {
          id: 'r1',
          caseName: 'P',
          encoder: 'minilm-l6',
          seed: 1,
          axes: {},
          status: 'succeeded',
          error: null,
          microF1: 0.61,
          macroF1: 0.4,
        },
        {
          id: 'r2',
          caseName: 'P',
          encoder: 'minilm-l6',
          seed: 2,
          axes: {},
          status: failed ? 'failed' : 'succeeded',
          error: failed ? 'trainer failed' : null,
          microF1: null,
          macroF1: null,
        },
      ],
    };
  }
}

function submission() {
  return {
    experimentId: ID,
    created: true,
    runs: 2,
    stages: 2,
    cachedStages: 1,
    datasetVersions: [VERSION],
  };
}

function problems(message: string, paths: string[]) {
  return {
    statusCode: 400,
    error: 'Bad Request',
    message: `${message}: ${paths[0]}: too small`,
    problems: paths.map((path) => ({ path, reason: 'too small' })),
  };
}

const api = new FakeApi();
const env = () => ({
  TTPGRID_API_URL: api.url,
  TTPGRID_WRITE_TOKEN: 'w',
  TTPGRID_READ_TOKEN: undefined,
});
const folder = mkdtempSync(join(tmpdir(), 'ttpgrid-cli-'));
let specFile = '';

beforeAll(async () => {
  await api.start();
  specFile = join(folder, 'grid.yaml');
  writeFileSync(
    specFile,
    "name: tiny\nencoders: [minilm-l6]\ncases: ['P']\nseeds: [1, 2]\nmode: probe\n",
  );
});

afterAll(async () => {
  await api.close();
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  api.requests = [];
  api.polls = 0;
  api.finalStatus = 'succeeded';
});

describe('ttpgrid submit', () => {
  it('prints the experiment ID first, follows the progress and exits 0 on success', async () => {
    const result = await runCli(
      ['submit', specFile, '--interval', '0.01', '--idempotency-key', 'k1'],
      env(),
    );

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(ID);
    expect(result.stderr).toContain('1/2 runs · 1 running');
    expect(result.stderr).toContain('2/2 runs · 0 running · 0 failed · stages 2/2 (1 cached)');
    expect(result.stdout).toContain('status   succeeded');
    const post = api.requests[0]!;
    expect(post.auth).toBe('Bearer w');
    expect(JSON.parse(post.body)).toEqual({
      spec: expect.stringContaining('name: tiny'),
      idempotencyKey: 'k1',
    });
  });

  it('exits 4 when the grid ends with failed runs', async () => {
    api.finalStatus = 'completed_with_failures';
    const result = await runCli(['submit', specFile, '--interval', '0.01'], env());

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('1 of 2 runs failed');
    expect(result.stdout).toContain('trainer failed');
  });

  it('returns at once with --detach and prints JSON with --json', async () => {
    const result = await runCli(['submit', specFile, '--detach', '--json'], env());

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(submission());
    expect(api.requests.map((request) => request.method)).toEqual(['POST']);
  });

  it('exits 2 listing every problem of an invalid spec, before any request', async () => {
    const bad = join(folder, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nencoders: []\ncases: [P]\nseeds: []\n');
    const result = await runCli(['submit', bad], env());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('encoders');
    expect(result.stderr).toContain('seeds');
    expect(api.requests).toEqual([]);
  });

  it('exits 2 with the problems the API lists', async () => {
    const refused = join(folder, 'refused.yaml');
    writeFileSync(refused, "name: server-refuses\nencoders: [x]\ncases: ['P']\nseeds: [1]\n");
    const result = await runCli(['submit', refused, '--detach'], env());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('  - body.spec.encoders: too small');
    expect(result.stderr).toContain('  - body.spec.seeds: too small');
  });

  it('exits 2 without a write token', async () => {
    const result = await runCli(['submit', specFile], { ...env(), TTPGRID_WRITE_TOKEN: undefined });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TTPGRID_WRITE_TOKEN');
  });
});

describe('API failures and other commands', () => {
  it('exits 3 with one clear line when the API is unreachable', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const result = await runCli(['status', ID, '--api-url', closed], env());

    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `cannot reach the ttpgrid API at ${closed} (connection refused)`,
    );
  });

  it('exits 5 for an unknown experiment and 2 for an invalid ID or option', async () => {
    const unknown = await runCli(['status', 'no-such-experiment'], env());
    const invalid = await runCli(['status', 'not an id'], env());
    const badUrl = await runCli(['list', '--api-url', 'ftp://x'], env());
    const badChoice = await runCli(['table', ID, '--format', 'html'], env());

    expect(unknown.code).toBe(5);
    expect([invalid.code, badUrl.code, badChoice.code]).toEqual([2, 2, 2]);
    expect(badChoice.stderr).toContain('Allowed choices are markdown, csv, latex, json');
    expect(api.requests.map((request) => request.path)).toEqual([
      '/api/experiments/no-such-experiment',
    ]);
  });

  it('prints the table the API renders and passes the metric', async () => {
    const result = await runCli(['table', ID, '--metric', 'macro', '--no-std'], env());

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('| Case | x |\n| P | 61.0 ± 1.0 |\n');
    expect(api.requests[0]!.path).toBe(
      `/api/experiments/${ID}/table?format=markdown&metric=macro&std=false`,
    );
  });

  it('re-runs with an auxiliary ATT&CK version and refuses conflicting options', async () => {
    const settings = join(folder, 'settings.json');
    writeFileSync(settings, '{"split": {"seed": 2}}');
    const rerun = await runCli(['rerun', ID, '--aux-attack-version', 'v15.1', '--detach'], env());
    const both = await runCli(
      ['rerun', ID, '--aux-attack-version', 'v15.1', '--dataset-settings', settings],
      env(),
    );
    const badVersion = await runCli(['rerun', ID, '--aux-attack-version', '15'], env());

    expect(rerun.code).toBe(0);
    expect(JSON.parse(api.requests[0]!.body)).toEqual({
      dataset: { auxiliary: { attackVersion: 'v15.1' } },
    });
    expect([both.code, badVersion.code]).toEqual([2, 2]);
    expect(api.requests).toHaveLength(1);
  });

  it('lists the exit codes and the API commands in --help', async () => {
    const result = await runCli(['--help'], env());

    expect(result.code).toBe(0);
    for (const command of ['submit', 'status', 'table', 'compare', 'rerun', 'archive', 'list']) {
      expect(result.stdout).toContain(command);
    }
    expect(result.stdout).toContain('4  the grid finished with failed runs');
  });

  it('draws a progress line with runs, stages and time left', () => {
    const line = progressLine({
      status: 'running',
      elapsedSeconds: 90,
      etaSeconds: 30,
      progress: {
        total: 4,
        succeeded: 1,
        failed: 1,
        running: 1,
        queued: 1,
        cancelled: 0,
        stagesTotal: 6,
        stagesCached: 2,
        stagesTrained: 1,
        stagesRunning: 1,
      },
    });
    expect(line).toBe(
      '[████████████░░░░░░░░░░░░] 2/4 runs · 1 running · 1 failed · ' +
        'stages 3/6 (2 cached) · 90 s · running · ~30 s left',
    );
  });
});

describe('the ttpgrid binary', () => {
  it('exits 3 when the API is unreachable', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const child = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'apps/cli/bin/ttpgrid.mjs'), 'status', ID, '--api-url', closed],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
    );

    expect(child.status).toBe(3);
    expect(child.stderr.trim()).toBe(
      `ttpgrid: cannot reach the ttpgrid API at ${closed} (connection refused); ` +
        'start it with `npm start -w @ttpgrid/api` or set TTPGRID_API_URL',
    );
  });
});
