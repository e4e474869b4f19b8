import type { ArtifactStore } from './store';

/** Serialises rows as JSON Lines: one compact object per line, every line terminated. */
export function toJsonLines(rows: readonly unknown[]): Buffer {
  return Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
}

export function fromJsonLines<T>(bytes: Uint8Array, source = 'artifact'): T[] {
  const text = Buffer.from(bytes).toString('utf8');
  const lines = text.split('\n');
  const rows: T[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }
    try {
      rows.push(JSON.parse(line) as T);
    } catch (error) {
      throw new Error(`${source}: line ${index + 1} is not valid JSON (${String(error)})`);
    }
  });
  return rows;
}

export async function putJsonLines(store: ArtifactStore, rows: readonly unknown[]) {
  return store.put(toJsonLines(rows));
}

export async function getJsonLines<T>(store: ArtifactStore, key: string): Promise<T[]> {
  return fromJsonLines<T>(await store.get(key), `artifact ${key}`);
}

export async function putJson(store: ArtifactStore, value: unknown): Promise<string> {
  return store.put(Buffer.from(`${JSON.stringify(value)}\n`, 'utf8'));
}

export async function getJson<T>(store: ArtifactStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}
