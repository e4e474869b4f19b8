import { createHash } from 'node:crypto';

export type SplitName = 'train' | 'dev' | 'test';

export interface SplitSizes {
  train: number;
  dev: number;
  test: number;
}

/**
 * The paper's 2:1:1 split of one class of n sentences: train = ceil(n/2), dev = floor((n -
 * train)/2), test = the rest; a class of three gives one sentence to each split, so that every
 * class is seen in every split (paper, section 3.1).
 */
export function splitSizesOf(n: number): SplitSizes {
  if (n === 3) {
    return { train: 1, dev: 1, test: 1 };
  }

  const train = Math.ceil(n / 2);
  const dev = Math.floor((n - train) / 2);
  return { train, dev, test: n - train - dev };
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state PRNG giving floats in [0, 1). Small,
 * well known and identical in any language with 32-bit integer arithmetic.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG seed of one class: the first 4 bytes (big-endian) of SHA-256(`<seed>:<classId>`). */
export function classSeedOf(splitSeed: number, classId: string): number {
  return createHash('sha256').update(`${splitSeed}:${classId}`).digest().readUInt32BE(0);
}

/** Fisher–Yates from the last element down, drawing j = floor(random() · (i + 1)). */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}

/** Shuffles one class's sentences with its own seed, then cuts train, dev and test in order. */
export function splitClass<T>(
  items: readonly T[],
  splitSeed: number,
  classId: string,
): Record<SplitName, T[]> {
  const shuffled = seededShuffle(items, mulberry32(classSeedOf(splitSeed, classId)));
  const sizes = splitSizesOf(items.length);
  return {
    train: shuffled.slice(0, sizes.train),
    dev: shuffled.slice(sizes.train, sizes.train + sizes.dev),
    test: shuffled.slice(sizes.train + sizes.dev),
  };
}
