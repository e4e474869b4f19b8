import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** A content-addressed blob store: the key of a blob is the SHA-256 of its bytes. */
export interface ArtifactStore {
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Buffer>;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
  remove(key: string): Promise<boolean>;
  keys(): AsyncIterable<string>;
}

export class ArtifactNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`artifact ${key} is not in the store`);
    this.name = 'ArtifactNotFoundError';
  }
}

export function artifactKeyOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function assertArtifactKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new Error(`invalid artifact key ${JSON.stringify(key)}: expected 64 lowercase hex`);
  }
}

/**
 * Artifacts as files under one root folder, `<root>/<key[0:2]>/<key>`: the layout the Python
 * trainer uses too. Writes go to a temporary file and are renamed into place, so a reader never
 * sees a partial blob and concurrent writers of the same content agree.
 */
export class LocalArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertArtifactKey(key);
    return join(this.root, key.slice(0, 2), key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = artifactKeyOf(bytes);
    const target = this.pathOf(key);
    if (await this.has(key)) {
      return key;
    }

    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
    return key;
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ArtifactNotFoundError(key);
      }
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      throw new ArtifactNotFoundError(key);
    }
  }

  async remove(key: string): Promise<boolean> {
    const existed = await this.has(key);
    await rm(this.pathOf(key), { force: true });
    return existed;
  }

  async *keys(): AsyncIterable<string> {
    const shards = await readdir(this.root).catch(() => [] as string[]);
    for (const shard of shards.sort()) {
      const names = await readdir(join(this.root, shard)).catch(() => [] as string[]);
      yield* names.filter((name) => KEY_PATTERN.test(name)).sort();
    }
  }
}
