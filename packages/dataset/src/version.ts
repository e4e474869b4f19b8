import { createHash } from 'node:crypto';

import { RECIPE_VERSION, type DatasetSettings } from './settings';

/** One raw file the dataset was built from, identified by the SHA-256 of its bytes. */
export interface InputFile {
  role: string;
  path: string;
  sha256: string;
  /** `git hash-object` of the file, to compare with the blob IDs in the data's SOURCE.md. */
  gitBlobSha1: string;
  bytes: number;
}

/** JSON with object keys sorted at every level and no whitespace: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const members = entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The dataset version: SHA-256 over the canonical JSON of the recipe version, every setting and
 * the content hash of every input file by role. File locations are left out, so the same bytes
 * give the same version on any machine.
 */
export function datasetVersionOf(inputs: readonly InputFile[], settings: DatasetSettings): string {
  const files = [...inputs]
    .map((input) => ({ role: input.role, sha256: input.sha256 }))
    .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
  return sha256Hex(canonicalJson({ recipe: RECIPE_VERSION, settings, files }));
}
