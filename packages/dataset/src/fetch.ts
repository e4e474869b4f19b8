import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';

import { attackFilePath, OOD_PATH, PRIMARY_PATH, type AttackDomain } from './settings';
import { gitBlobSha1, sha256Hex } from './version';

/** What identifies a file's bytes: `git hash-object`, SHA-256 and size. */
export interface RawFileFingerprint {
  gitBlobSha1: string;
  sha256: string;
  bytes: number;
}

/** One blob of a public GitHub repository at a pinned commit. */
export interface PinnedOrigin {
  repository: string;
  commit: string;
  path: string;
}

/** An unmodified copy of an upstream blob, downloadable from `url`. */
export interface VerbatimSource {
  kind: 'verbatim';
  origin: PinnedOrigin;
  url: string;
}

/**
 * A file made from upstream data rather than copied, so there is nothing to download: each
 * ATT&CK JSON Lines file packs mitre/cti's per-object STIX files of one release, one re-serialized
 * object a line, sorted by STIX ID (attack/SOURCE.md). Only the local result is pinned.
 * `bundleUrl` is the same release's single-file domain bundle, for reference; it is not hashed,
 * as no copy of it was available.
 */
export interface DerivedSource {
  kind: 'derived';
  repository: string;
  tag: string;
  commit: string;
  /** The upstream folders whose per-object files were packed. */
  packed: string[];
  bundleUrl: string;
}

/** One raw file the dataset reads, by its path below the data folder (`TTPGRID_DATA_DIR`). */
export interface RawFilePin extends RawFileFingerprint {
  path: string;
  source: VerbatimSource | DerivedSource;
}

export function rawGithubUrl(origin: PinnedOrigin): string {
  return `https://raw.githubusercontent.com/${origin.repository}/${origin.commit}/${origin.path}`;
}

function verbatim(path: string, origin: PinnedOrigin, pin: RawFileFingerprint): RawFilePin {
  return { path, ...pin, source: { kind: 'verbatim', origin, url: rawGithubUrl(origin) } };
}

const CTID_TRAM = 'center-for-threat-informed-defense/tram';

/** mitre/cti release tags of the ATT&CK files under attack/ (attack/SOURCE.md). */
const ATTACK_RELEASES: Record<string, string> = {
  'v12.1': '4cbf8cc4bdf2121ee987a23bfe5aac4fe4d2f5b1',
  'v13.1': 'a89063049d8440b23100fc40e0cca06f748d0b8f',
  'v14.1': '94c2b6660793e84464f7317c4e103749a0e8c153',
  'v15.1': 'f0e09403b9b5372a13ff03733004de4efdc83b03',
  'v18.1': '421deacb77191b38bdd1bf63268954e93da91365',
};

function derivedAttack(domain: AttackDomain, version: string, pin: RawFileFingerprint): RawFilePin {
  const commit = ATTACK_RELEASES[version];
  if (commit === undefined) {
    throw new Error(`no mitre/cti commit pinned for ATT&CK ${version}`);
  }
  const folder = `${domain}-attack`;
  const source: DerivedSource = {
    kind: 'derived',
    repository: 'mitre/cti',
    tag: `ATT&CK-${version}`,
    commit,
    packed: [`${folder}/attack-pattern/`, `${folder}/x-mitre-tactic/`],
    bundleUrl: rawGithubUrl({ repository: 'mitre/cti', commit, path: `${folder}/${folder}.json` }),
  };
  return { path: attackFilePath(domain, version), ...pin, source };
}

/**
 * Every raw file the dataset recipe can read (issue #3). The TRAM files are verbatim blobs: the
 * primary file at release v1.2.0 (the same blob is on `main` at 09149ac8, 2021-05-07) and TRAM 2's
 * `single_label.json`, the out-of-distribution set, at `main` f29793d8. Hashes were taken with
 * `git hash-object` and `sha256sum` from ../shared/data on 2026-12-04.
 */
export const RAW_DATA_MANIFEST: readonly RawFilePin[] = [
  verbatim(
    PRIMARY_PATH,
    {
      repository: CTID_TRAM,
      commit: 'b50bfd19ba0e7f79f06999b82ec62eecb5ec5963',
      path: 'data/training/bootstrap-training-data.json',
    },
    {
      gitBlobSha1: 'c3c127e2e4be0a53efebe1ce6f97d0a652379e09',
      sha256: 'e77eb1950c81aef46be4942759a9a634f73520c260cf62e61d8dc50e9b19e193',
      bytes: 4_185_981,
    },
  ),
  verbatim(
    OOD_PATH,
    {
      repository: CTID_TRAM,
      commit: 'f29793d8d665f7f552898696e00065ef24a29a20',
      path: 'data/training/tram2_data/single_label.json',
    },
    {
      gitBlobSha1: '78b83b901f6fbec8a4f18ecd7e7adf04f077d86e',
      sha256: '1f52567c05551738fc4548afba0916617fa0aa5d313b6020d425a9a9027067ed',
      bytes: 1_033_518,
    },
  ),
  derivedAttack('enterprise', 'v12.1', {
    gitBlobSha1: '23332db03e85a71507287d27c913fe729f89595c',
    sha256: 'f69da136f1bde490c7caab9322255631a5dc159cca709463ce2572399c705788',
    bytes: 2_927_003,
  }),
  derivedAttack('mobile', 'v12.1', {
    gitBlobSha1: '4cded0850edb01e8d6ce9af45dbb89a63d68e1fa',
    sha256: '7e12712df7b1cac4701f83bcf0ef97548973fb6af5a0777ad49911b5b5b65bdd',
    bytes: 438_180,
  }),
  derivedAttack('ics', 'v12.1', {
    gitBlobSha1: '9232244b520033191f0eccc78664b8d618280d53',
    sha256: 'f55b225d38b12a933b9f55fc07fa80aaab871eab8e8a3aaa2ad61b9f46a28302',
    bytes: 256_266,
  }),
  derivedAttack('enterprise', 'v13.1', {
    gitBlobSha1: '9c2367a98fcf51807de58aa057b0d70cf8bc9cd4',
    sha256: '108f97cc12e288f98b29293f83be63e1a5e8bfe78f88de16dac6d326667a3cd2',
    bytes: 3_012_309,
  }),
  derivedAttack('mobile', 'v13.1', {
    gitBlobSha1: '4d4729f4d7b5c36ede57fc757bcdcdb817d8a850',
    sha256: '6bdaa0813de8a948258ee23956c939d11a830ad495edbcc937d253772e59fde7',
    bytes: 438_321,
  }),
  derivedAttack('ics', 'v13.1', {
    gitBlobSha1: 'cf5df55941131d4ddc49242f3e2115f8692bd6cd',
    sha256: '19505b87b3a6434022b7e7a576aa0c61f59382d3d6be1f2dda1b2aac4f4ace98',
    bytes: 253_461,
  }),
  derivedAttack('enterprise', 'v14.1', {
    gitBlobSha1: 'b722a97016b42d60ae7b3022c0656e2af1145d6e',
    sha256: '89515df56763c96cd44c187afe2b10caeddbb69a94f018403e710033096baed8',
    bytes: 3_106_968,
  }),
  derivedAttack('mobile', 'v14.1', {
    gitBlobSha1: 'dccde56ac8252ba5179487e16cfe30b04ff3ebd6',
    sha256: 'e5b900491125ad9edb471b97c85e190121d347b19100a79c8a26b78540026b39',
    bytes: 455_893,
  }),
  derivedAttack('ics', 'v14.1', {
    gitBlobSha1: 'a15cc99f2a673c2badaa589db44edab7584b20b1',
    sha256: '7d29ef57466c48ec6996a8e4e41e15d895184ba2a60c64dbb33ffed404db390e',
    bytes: 248_789,
  }),
  derivedAttack('enterprise', 'v15.1', {
    gitBlobSha1: '746fee80eca93590e55bfde3edccabb1ede058ab',
    sha256: 'b00d9bcf6a5272d6c5eaa7aaeef84c6826c4435cf60cba8264bebea2ca02c23f',
    bytes: 3_204_836,
  }),
  derivedAttack('mobile', 'v15.1', {
    gitBlobSha1: 'e5b26f733a27b71f38a75c1d19842608e0675132',
    sha256: '8a5784fdeb654d714cdc25a677ded5cc41fdf68ba390c0a5ecf8eaaf25bde44e',
    bytes: 467_545,
  }),
  derivedAttack('ics', 'v15.1', {
    gitBlobSha1: '24755ebc64c695e69d42b1c0b64c577b20e5e03f',
    sha256: '4463a44bf23467e2bd2020063aa9f5f2e2cba825ac6598fa3879c555a8e0ff6c',
    bytes: 254_657,
  }),
  derivedAttack('enterprise', 'v18.1', {
    gitBlobSha1: 'ac82974ca69b2fba3d14d571ec57ebc086f26560',
    sha256: '91039a50f576eb7295443b8b6bf7d9a54ca8b0faaf85cc4a5459aa5836ec3ca6',
    bytes: 2_931_789,
  }),
  derivedAttack('mobile', 'v18.1', {
    gitBlobSha1: '827a104ec3df50ece831f5e5f5fb8359aef593f0',
    sha256: '3eb99ca44d4002662a70a4bc6a085b53bb72ea7222916e056aebdb7888f7ddfa',
    bytes: 439_412,
  }),
  derivedAttack('ics', 'v18.1', {
    gitBlobSha1: 'e6fbdf50e2e3e54a94a7d75f2fab552818adefa2',
    sha256: '178491fa4d15cc56b916dc5a3c6e223febd87bf6e36d32aaad7987d6855de265',
    bytes: 244_738,
  }),
];

/** A download, or a local copy, whose bytes are not the pinned ones. */
export class RawDataMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly from: string,
    readonly expected: RawFileFingerprint,
    /** Null when the body grew past the pinned size and was not read to the end. */
    readonly actual: RawFileFingerprint | null,
  ) {
    super(`${file}: ${describeMismatch(expected, actual)} (downloaded from ${from})`);
    this.name = 'RawDataMismatchError';
  }
}

/** A pinned file that could not be downloaded at all (network error or HTTP status). */
export class RawDataDownloadError extends Error {
  constructor(
    readonly file: string,
    readonly from: string,
    readonly problem: string,
  ) {
    super(`${file}: cannot be downloaded from ${from}: ${problem}`);
    this.name = 'RawDataDownloadError';
  }
}

export interface RawFileStatus {
  path: string;
  kind: 'verbatim' | 'derived';
  state: 'ok' | 'missing' | 'mismatch';
  expected: RawFileFingerprint;
  /** Absent when the file is missing. */
  actual?: RawFileFingerprint;
}

export function fingerprintOf(bytes: Uint8Array): RawFileFingerprint {
  return { gitBlobSha1: gitBlobSha1(bytes), sha256: sha256Hex(bytes), bytes: bytes.length };
}

function expectedOf(pin: RawFilePin): RawFileFingerprint {
  return { gitBlobSha1: pin.gitBlobSha1, sha256: pin.sha256, bytes: pin.bytes };
}

function sameBytes(a: RawFileFingerprint, b: RawFileFingerprint): boolean {
  return a.bytes === b.bytes && a.gitBlobSha1 === b.gitBlobSha1 && a.sha256 === b.sha256;
}

function describeMismatch(expected: RawFileFingerprint, actual: RawFileFingerprint | null) {
  const want = `expected git blob ${expected.gitBlobSha1} (${expected.bytes} bytes)`;
  if (actual === null) {
    return `${want}, got more than ${expected.bytes} bytes`;
  }
  if (actual.gitBlobSha1 === expected.gitBlobSha1 && actual.bytes === expected.bytes) {
    return `expected sha256 ${expected.sha256}, got sha256 ${actual.sha256}`;
  }
  return `${want}, got git blob ${actual.gitBlobSha1} (${actual.bytes} bytes)`;
}

/** One line per file, e.g. `attack/ics-attack_v14.1.jsonl: missing (expected git blob …)`. */
export function formatRawFileStatus(status: RawFileStatus): string {
  const { path, expected, actual } = status;
  if (status.state === 'ok') {
    return `${path}: ok (git blob ${expected.gitBlobSha1}, ${expected.bytes} bytes)`;
  }
  if (status.state === 'missing' || actual === undefined) {
    return `${path}: missing (expected git blob ${expected.gitBlobSha1}, ${expected.bytes} bytes)`;
  }
  return `${path}: hash mismatch: ${describeMismatch(expected, actual)}`;
}

/** Manifest paths are joined to a local folder, so an injected one must not climb out of it. */
function localPath(dir: string, pin: RawFilePin): string {
  if (isAbsolute(pin.path) || normalize(pin.path).split(/[\\/]/)[0] === '..') {
    throw new Error(`manifest path ${pin.path} is not inside the data folder`);
  }
  return join(dir, pin.path);
}

async function checkFile(dir: string, pin: RawFilePin): Promise<RawFileStatus> {
  const status = { path: pin.path, kind: pin.source.kind, expected: expectedOf(pin) };
  const content = await readFile(localPath(dir, pin)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (content === null) {
    return { ...status, state: 'missing' };
  }

  const actual = fingerprintOf(content);
  return { ...status, state: sameBytes(status.expected, actual) ? 'ok' : 'mismatch', actual };
}

/** Checks the local copy of every pinned file in `dir` (read only), in manifest order. */
export async function verifyRawData(
  dir: string,
  manifest: readonly RawFilePin[] = RAW_DATA_MANIFEST,
): Promise<RawFileStatus[]> {
  const statuses: RawFileStatus[] = [];
  for (const pin of manifest) {
    statuses.push(await checkFile(dir, pin));
  }
  return statuses;
}

export interface FetchRawDataOptions {
  targetDir: string;
  /** A mirror of the data folder: files come from `<baseUrl>/<path>` instead of GitHub. */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
  manifest?: readonly RawFilePin[];
  /** Per file, including reading the body. */
  timeoutMs?: number;
  /** Called as each downloadable file is done, e.g. to print progress. */
  onFile?: (file: FetchedFile) => void;
}

export interface FetchedFile {
  path: string;
  outcome: 'downloaded' | 'already-verified';
  bytes: number;
  url?: string;
}

export interface FetchRawDataResult {
  files: FetchedFile[];
  /** The derived ATT&CK files cannot be downloaded; this is their local state. */
  derived: RawFileStatus[];
}

/**
 * Downloads every verbatim file of the manifest into `targetDir` and checks its size, git blob
 * SHA-1 and SHA-256 before it is written; files that already verify are left alone. The first
 * bad download throws (nothing of it is written); files completed before it stay, verified.
 */
export async function fetchRawData(options: FetchRawDataOptions): Promise<FetchRawDataResult> {
  const manifest = options.manifest ?? RAW_DATA_MANIFEST;
  const files: FetchedFile[] = [];
  const derived: RawFileStatus[] = [];

  for (const pin of manifest) {
    if (pin.source.kind === 'derived') {
      derived.push(await checkFile(options.targetDir, pin));
      continue;
    }
    const file = await fetchPinnedFile(pin, pin.source, options);
    files.push(file);
    options.onFile?.(file);
  }
  return { files, derived };
}

async function fetchPinnedFile(
  pin: RawFilePin,
  source: VerbatimSource,
  options: FetchRawDataOptions,
): Promise<FetchedFile> {
  const local = await checkFile(options.targetDir, pin);
  if (local.state === 'ok') {
    return { path: pin.path, outcome: 'already-verified', bytes: pin.bytes };
  }

  const url = options.baseUrl === undefined ? source.url : mirrorUrl(options.baseUrl, pin.path);
  const content = await download(url, pin, options);
  const actual = fingerprintOf(content);
  if (!sameBytes(pin, actual)) {
    throw new RawDataMismatchError(pin.path, url, local.expected, actual);
  }

  await writeAtomically(localPath(options.targetDir, pin), content);
  return { path: pin.path, outcome: 'downloaded', bytes: content.length, url };
}

function mirrorUrl(baseUrl: string, path: string): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${encoded}`;
}

async function download(url: string, pin: RawFilePin, options: FetchRawDataOptions) {
  const fetchImpl = options.fetchImpl ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  try {
    const response = await fetchImpl(url, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new RawDataDownloadError(pin.path, url, `HTTP ${response.status}`);
    }
    return await readBody(response, url, pin);
  } catch (error) {
    if (error instanceof RawDataDownloadError || error instanceof RawDataMismatchError) throw error;
    // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, bad port) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const problem = [(error as Error).message, cause?.code ?? cause?.message].filter(Boolean);
    throw new RawDataDownloadError(pin.path, url, problem.join(': '));
  }
}

/** Reads at most one byte past the pinned size, so a wrong URL cannot fill the memory. */
async function readBody(response: Response, url: string, pin: RawFilePin): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    chunks.push(chunk.value);
    total += chunk.value.length;
    if (total > pin.bytes) {
      await reader?.cancel();
      throw new RawDataMismatchError(pin.path, url, expectedOf(pin), null);
    }
  }
  return Buffer.concat(chunks);
}

/** Writes next to the target and renames, so a reader never sees half a file. */
async function writeAtomically(target: string, content: Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, content, { flag: 'wx' });
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
