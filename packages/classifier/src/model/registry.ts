import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger } from '@ttpgrid/config';

import { loadClassifier, type LoadOptions, type TechniqueClassifier } from './classifier';
import type { ModelDescriptor } from './types';

const log = createLogger('classifier.registry');

export interface RegistryOptions extends LoadOptions {
  /** Sessions kept open at once (default 2); the least recently used one is closed beyond it. */
  capacity?: number;
}

/**
 * Open models by manifest key, least recently used first out. Concurrent requests for a model
 * that is still loading share one load; a failed load is not cached. The descriptor of the first
 * load stays with the open model: after changing a deployed model's record (threshold, names),
 * call `evict(manifestKey)`.
 */
export class ClassifierRegistry {
  private readonly entries = new Map<string, Promise<TechniqueClassifier>>();
  private readonly capacity: number;

  constructor(
    private readonly store: ArtifactStore,
    private readonly options: RegistryOptions,
  ) {
    this.capacity = Math.max(1, options.capacity ?? 2);
  }

  /** The open model for a descriptor, loading it on first use. */
  get(descriptor: ModelDescriptor): Promise<TechniqueClassifier> {
    const key = descriptor.manifestKey;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }

    const loading = loadClassifier(this.store, descriptor, this.options);
    this.entries.set(key, loading);
    loading.catch(() => this.entries.delete(key));
    this.evictBeyondCapacity();
    return loading;
  }

  /** Closes one model (after its running predictions) so that the next `get` reloads it. */
  async evict(manifestKey: string): Promise<void> {
    const entry = this.entries.get(manifestKey);
    this.entries.delete(manifestKey);
    if (entry) {
      await closeQuietly(entry);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Closes every open model (waits for running predictions). */
  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((entry) => closeQuietly(entry)));
  }

  private evictBeyondCapacity(): void {
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value as [
        string,
        Promise<TechniqueClassifier>,
      ];
      this.entries.delete(oldest);
      log.info('model evicted', { manifestKey: oldest, capacity: this.capacity });
      void closeQuietly(entry);
    }
  }
}

async function closeQuietly(entry: Promise<TechniqueClassifier>): Promise<void> {
  try {
    await (await entry).close();
  } catch (error) {
    log.warn('model close failed', { error });
  }
}
