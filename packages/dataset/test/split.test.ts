import { describe, expect, it } from 'vitest';

import { classSeedOf, mulberry32, seededShuffle, splitClass, splitSizesOf } from '../src/split';

describe('splitSizesOf', () => {
  it.each([
    [3, 1, 1, 1],
    [4, 2, 1, 1],
    [5, 3, 1, 1],
    [6, 3, 1, 2],
    [7, 4, 1, 2],
    [8, 4, 2, 2],
    [9, 5, 2, 2],
    [10, 5, 2, 3],
    [11, 6, 2, 3],
    [12, 6, 3, 3],
  ])('cuts a class of %i into %i / %i / %i', (n, train, dev, test) => {
    expect(splitSizesOf(n)).toEqual({ train, dev, test });
  });

  it('gives train ceil(n/2) and never loses a sentence', () => {
    for (let n = 4; n <= 200; n += 1) {
      const sizes = splitSizesOf(n);
      expect(sizes.train).toBe(Math.ceil(n / 2));
      expect(sizes.dev).toBe(Math.floor((n - sizes.train) / 2));
      expect(sizes.train + sizes.dev + sizes.test).toBe(n);
    }
  });
});

describe('seeded shuffle', () => {
  it('mulberry32 is a fixed sequence for a fixed seed', () => {
    const random = mulberry32(42);
    const first = [random(), random(), random()];
    const again = mulberry32(42);
    expect([again(), again(), again()]).toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(first[0]).toBeCloseTo(0.6011037519201636, 15);
  });

  it('derives the class seed from SHA-256 of "<seed>:<classId>"', () => {
    expect(classSeedOf(1, 'T1059')).toBe(classSeedOf(1, 'T1059'));
    expect(classSeedOf(1, 'T1059')).not.toBe(classSeedOf(2, 'T1059'));
    expect(classSeedOf(1, 'T1059')).not.toBe(classSeedOf(1, 'T1003'));
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = seededShuffle(items, mulberry32(7));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });

  it('splits a class the same way every time for the same seed and class', () => {
    const items = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const split = splitClass(items, 5, 'T1059');
    expect(splitClass(items, 5, 'T1059')).toEqual(split);
    expect([...split.train, ...split.dev, ...split.test].sort()).toEqual([...items].sort());
    expect([split.train.length, split.dev.length, split.test.length]).toEqual([6, 2, 3]);
    expect(splitClass(items, 6, 'T1059')).not.toEqual(split);
  });
});
