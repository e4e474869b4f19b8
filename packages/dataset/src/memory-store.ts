import { ArtifactNotFoundError, artifactKeyOf, type ArtifactStore } from '@ttpgrid/artifacts';

/**
 * An artifact store held in memory: keys are the same as on disk, nothing is written. Used to
 * compute a dataset's artifact keys without storing them (`ttpgrid data stats`) and in tests.
 */
export class MemoryArtifactStore implements ArtifactStore {
  private readonly blobs = new Map<string, Buffer>();

  async put(bytes: Uint8Array): Promise<string> {
    const key = artifactKeyOf(bytes);
    this.blobs.set(key, Buffer.from(bytes));
    return key;
  }

  async get(key: string): Promise<Buffer> {
    const blob = this.blobs.get(key);
    if (blob === undefined) {
      throw new ArtifactNotFoundError(key);
    }
    return blob;
  }

  async has(key: string): Promise<boolean> {
    return this.blobs.has(key);
  }

  async size(key: string): Promise<number> {
    return (await this.get(key)).length;
  }

  async remove(key: string): Promise<boolean> {
    return this.blobs.delete(key);
  }

  async *keys(): AsyncIterable<string> {
    yield* [...this.blobs.keys()].sort();
  }
}
