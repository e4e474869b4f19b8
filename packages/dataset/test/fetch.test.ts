import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { loadConfig } from '@ttpgrid/config';

import { registerDataCommands } from '../../../apps/cli/src/commands/data';
import { CliError } from '../../../apps/cli/src/exit-codes';
import {
  fetchRawData,
  fingerprintOf,
  formatRawFileStatus,
  RAW_DATA_MANIFEST,
  RawDataDownloadError,
  RawDataMismatchError,
  rawGithubUrl,
  verifyRawData,
  type RawFilePin,
} from '../src/fetch';
import { attackFilePath, OOD_PATH, PRIMARY_PATH } from '../src/settings';

const PRIMARY = 'tram/fixture/report.json';
const OOD = 'tram/fixture/single_label.json';
const ATTACK = 'attack/enterprise-attack_v0.1.jsonl';

const CONTENT: Record<string, string> = {
  [PRIMARY]: '{"name": "fixture", "sentences": []}\n',
  [OOD]: '[{"text": "An adversary ran cmd.exe.", "label": "T1059"}]\n',
  [ATTACK]: '{"type": "attack-pattern", "id": "attack-pattern--1"}\n',
};

function pinOf(path: string, kind: 'verbatim' | 'derived'): RawFilePin {
  const origin = { repository: 'example/tram', commit: 'a'.repeat(40), path };
  const source: RawFilePin['source'] =
    kind === 'verbatim'
      ? { kind, origin, url: rawGithubUrl(origin) }
      : {
          kind,
          repository: 'example/cti',
          tag: 'v0.1',
          commit: origin.commit,
          packed: [],
          bundleUrl: '',
        };
  return { path, ...fingerprintOf(Buffer.from(CONTENT[path]!)), source };
}

/** Two downloadable files and one packed ATT&CK file, as in the real manifest. */
const MANIFEST = [pinOf(PRIMARY, 'verbatim'), pinOf(OOD, 'verbatim'), pinOf(ATTACK, 'derived')];

/** Every file below `dir`, relative, sorted: shows what a fetch left behind. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

const rawDataDir = loadConfig().rawDataDir;
const hasRealData = existsSync(join(rawDataDir, PRIMARY_PATH));

describe('fetchRawData from a loopback mirror', () => {
  let root: string;
  let server: Server;
  let baseUrl: string;
  const requests: string[] = [];

  /** Serves `<root>/<mirror>/<path>` and, under /real/, the real data folder (read only). */
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ttpgrid-fetch-'));
    for (const [path, text] of Object.entries(CONTENT)) {
      const tampered = path === OOD ? text.replace('cmd.exe', 'cmd.exf') : text;
      for (const [mirror, body] of [
        ['good', text],
        ['tampered', tampered],
      ] as const) {
        await mkdir(dirname(join(root, mirror, path)), { recursive: true });
        await writeFile(join(root, mirror, path), body);
      }
    }

    server = createServer((request, response) => {
      const path = normalize(decodeURIComponent(request.url ?? '/')).replace(/^\/+/, '');
      requests.push(path);
      const file = path.startsWith('real/')
        ? join(rawDataDir, path.slice('real/'.length))
        : join(root, path);
      void readFile(file).then(
        (body) => response.end(body),
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(root, { recursive: true, force: true });
  });

  it('downloads every verbatim file, verifies it and reports the packed one as missing', async () => {
    const targetDir = join(root, 'target');
    const result = await fetchRawData({
      targetDir,
      baseUrl: `${baseUrl}/good/`,
      manifest: MANIFEST,
    });

    expect(result.files.map((file) => [file.path, file.outcome])).toEqual([
      [PRIMARY, 'downloaded'],
      [OOD, 'downloaded'],
    ]);
    expect(result.files[0]?.url).toBe(`${baseUrl}/good/${PRIMARY}`);
    expect(result.derived).toMatchObject([{ path: ATTACK, kind: 'derived', state: 'missing' }]);
    expect(await readFile(join(targetDir, OOD), 'utf8')).toBe(CONTENT[OOD]);
    expect(await filesBelow(targetDir)).toEqual([OOD, PRIMARY].sort());

    const states = (await verifyRawData(targetDir, MANIFEST)).map((status) => status.state);
    expect(states).toEqual(['ok', 'ok', 'missing']);
  });

  it('skips files that already verify on a second fetch', async () => {
    const targetDir = join(root, 'target');
    const before = requests.length;
    const result = await fetchRawData({
      targetDir,
      baseUrl: `${baseUrl}/good`,
      manifest: MANIFEST,
    });

    expect(result.files.map((file) => file.outcome)).toEqual([
      'already-verified',
      'already-verified',
    ]);
    expect(requests.length).toBe(before);
  });

  it('refuses a tampered download, naming the file and both hashes, and writes none of it', async () => {
    const targetDir = join(root, 'tampered-target');
    const fetching = fetchRawData({
      targetDir,
      baseUrl: `${baseUrl}/tampered`,
      manifest: MANIFEST,
    });

    const error = await fetching.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RawDataMismatchError);
    const expected = MANIFEST[1]!.gitBlobSha1;
    const actual = fingerprintOf(Buffer.from(CONTENT[OOD]!.replace('cmd.exe', 'cmd.exf')));
    expect((error as Error).message).toBe(
      `${OOD}: expected git blob ${expected} (${MANIFEST[1]!.bytes} bytes), ` +
        `got git blob ${actual.gitBlobSha1} (${actual.bytes} bytes) ` +
        `(downloaded from ${baseUrl}/tampered/${OOD})`,
    );
    // The file before it downloaded and verified; nothing of the bad one, not even a partial file.
    expect(await filesBelow(targetDir)).toEqual([PRIMARY]);
  });

  it('stops reading a body larger than the pinned size', async () => {
    const targetDir = join(root, 'oversized-target');
    const short = { ...MANIFEST[0]!, bytes: 8 };

    const fetching = fetchRawData({ targetDir, baseUrl: `${baseUrl}/good`, manifest: [short] });
    await expect(fetching).rejects.toThrow(
      `${PRIMARY}: expected git blob ${short.gitBlobSha1} (8 bytes), got more than 8 bytes`,
    );
    expect(existsSync(targetDir)).toBe(false);
  });

  it('replaces a local copy that does not verify', async () => {
    const targetDir = join(root, 'stale-target');
    await mkdir(dirname(join(targetDir, PRIMARY)), { recursive: true });
    await writeFile(join(targetDir, PRIMARY), 'an older copy\n');

    const result = await fetchRawData({
      targetDir,
      baseUrl: `${baseUrl}/good`,
      manifest: MANIFEST,
    });
    expect(result.files[0]).toMatchObject({ path: PRIMARY, outcome: 'downloaded' });
    expect(await readFile(join(targetDir, PRIMARY), 'utf8')).toBe(CONTENT[PRIMARY]);
  });

  it('reports an HTTP error or a failed connection with the file and its URL', async () => {
    const targetDir = join(root, 'failed-target');
    const missing = fetchRawData({ targetDir, baseUrl: `${baseUrl}/nowhere`, manifest: MANIFEST });
    await expect(missing).rejects.toThrow(
      new RawDataDownloadError(PRIMARY, `${baseUrl}/nowhere/${PRIMARY}`, 'HTTP 404'),
    );

    // Without a base URL the pinned GitHub URL is used; a fake fetch answers, nothing leaves.
    vi.stubGlobal('fetch', () => Promise.reject(new Error('the real fetch must not be used')));
    const fetchImpl = vi.fn(async (_url: string | URL | Request) =>
      Promise.reject(new TypeError('fetch failed')),
    );
    try {
      const refused = fetchRawData({ targetDir, manifest: MANIFEST, fetchImpl });
      await expect(refused).rejects.toThrow(
        `${PRIMARY}: cannot be downloaded from ${rawGithubUrl({ repository: 'example/tram', commit: 'a'.repeat(40), path: PRIMARY })}: fetch failed`,
      );
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(existsSync(targetDir)).toBe(false);
  });

  it.skipIf(!hasRealData)('`data fetch` copies the real pinned files from a mirror', async () => {
    const targetDir = join(root, 'real-target');
    const output = await runData(['fetch', '--dir', targetDir, '--base-url', `${baseUrl}/real`]);

    expect(output).toContain(`downloaded ${PRIMARY_PATH} (4185981 bytes)`);
    expect(output).toContain(`downloaded ${OOD_PATH} (1033518 bytes)`);
    expect(output).toContain(`derived ${attackFilePath('ics', 'v14.1')}: missing`);
    expect(output).toContain('15 ATT&CK file(s) missing');
    expect(await filesBelow(targetDir)).toEqual([OOD_PATH, PRIMARY_PATH].sort());
  });
});

describe('verifyRawData', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttpgrid-verify-'));
    await mkdir(join(dir, 'tram/fixture'), { recursive: true });
    await writeFile(join(dir, PRIMARY), CONTENT[PRIMARY]!);
    await writeFile(join(dir, OOD), 'not the pinned bytes\n');
  });

  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reports each file as ok, mismatch or missing, with one readable line each', async () => {
    const statuses = await verifyRawData(dir, MANIFEST);

    expect(statuses.map((status) => status.state)).toEqual(['ok', 'mismatch', 'missing']);
    const actual = fingerprintOf(Buffer.from('not the pinned bytes\n'));
    expect(statuses[1]?.actual).toEqual(actual);
    expect(formatRawFileStatus(statuses[1]!)).toBe(
      `${OOD}: hash mismatch: expected git blob ${MANIFEST[1]!.gitBlobSha1} ` +
        `(${MANIFEST[1]!.bytes} bytes), got git blob ${actual.gitBlobSha1} (21 bytes)`,
    );
    expect(formatRawFileStatus(statuses[2]!)).toMatch(/^attack\/\S+: missing \(expected git blob/);
  });

  it('refuses a manifest path outside the data folder', async () => {
    const escaping = { ...MANIFEST[0]!, path: '../outside.json' };
    await expect(verifyRawData(dir, [escaping])).rejects.toThrow('not inside the data folder');
  });

  it('makes `data verify` exit 2 with one line per bad file', async () => {
    const error = await runData(['verify', '--dir', dir]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    const lines = (error as CliError).message.split('\n');
    expect(lines[0]).toBe(
      `${RAW_DATA_MANIFEST.length} pinned raw file(s) in ${dir} do not verify:`,
    );
    expect(lines).toContain(
      `  ${PRIMARY_PATH}: missing (expected git blob ${pinned(PRIMARY_PATH)}, 4185981 bytes)`,
    );
  });
});

function pinned(path: string): string {
  return RAW_DATA_MANIFEST.find((pin) => pin.path === path)!.gitBlobSha1;
}

describe('the pinned manifest', () => {
  it('pins the default inputs and every TRAM file at a raw GitHub URL of a full commit', () => {
    const paths = RAW_DATA_MANIFEST.map((pin) => pin.path);
    expect(paths).toEqual(expect.arrayContaining([PRIMARY_PATH, OOD_PATH]));
    for (const version of ['v12.1', 'v13.1', 'v14.1', 'v15.1', 'v18.1']) {
      for (const domain of ['enterprise', 'mobile', 'ics'] as const) {
        expect(paths).toContain(attackFilePath(domain, version));
      }
    }
    expect(new Set(paths).size).toBe(paths.length);

    for (const pin of RAW_DATA_MANIFEST) {
      const url = pin.source.kind === 'verbatim' ? pin.source.url : pin.source.bundleUrl;
      expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[\w-]+\/[\w-]+\/[0-9a-f]{40}\//);
    }
    expect(pinned(PRIMARY_PATH)).toBe('c3c127e2e4be0a53efebe1ce6f97d0a652379e09');
  });

  describe.skipIf(!hasRealData)(`against the real data in ${rawDataDir}`, () => {
    it('finds every pinned file and its hashes (read only)', async () => {
      const statuses = await verifyRawData(rawDataDir);

      const bad = statuses.filter((status) => status.state !== 'ok');
      expect(bad.map(formatRawFileStatus)).toEqual([]);
      expect(statuses).toHaveLength(17);
    });

    it('pins every ATT&CK file that is there', async () => {
      const present = (await readdir(join(rawDataDir, 'attack'))).filter((name) =>
        name.endsWith('.jsonl'),
      );
      const pinnedPaths = new Set(RAW_DATA_MANIFEST.map((pin) => pin.path));
      expect(present.filter((name) => !pinnedPaths.has(`attack/${name}`))).toEqual([]);
    });

    it('`data verify --json` lists every file as ok', async () => {
      const output = await runData(['verify', '--dir', rawDataDir, '--json']);
      const report = JSON.parse(output) as { files: { state: string }[] };
      expect(report.files.map((file) => file.state)).toEqual(Array(17).fill('ok'));
    });
  });
});

async function runData(args: string[]): Promise<string> {
  const program = new Command('ttpgrid').exitOverride();
  registerDataCommands(program);

  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'ttpgrid', 'data', ...args]);
  } finally {
    write.mockRestore();
  }
  return chunks.join('');
}
