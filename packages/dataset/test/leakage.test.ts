import { describe, expect, it } from 'vitest';

import { mulberry32 } from '../src/split';
import {
  findLeakage,
  jaccard,
  shinglesOf,
  summariseLeakage,
  wordsOf,
  type Part,
} from '../src/leakage';

const RULES = { ngram: 3, threshold: 0.7 };

describe('leakage measure', () => {
  it('uses lower-cased words of letters and digits', () => {
    expect(wordsOf('Run CMD.exe, then   "whoami"!')).toEqual([
      'run',
      'cmd',
      'exe',
      'then',
      'whoami',
    ]);
  });

  it('builds word 3-gram shingles, or one shingle for short sentences', () => {
    expect([...shinglesOf('a b c d', 3)]).toEqual(['a b c', 'b c d']);
    expect([...shinglesOf('Just two', 3)]).toEqual(['just two']);
    expect(shinglesOf('...', 3).size).toBe(0);
  });

  it('computes Jaccard similarity of shingle sets', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });
});

describe('findLeakage', () => {
  const base = 'the actor used a custom loader to decrypt and run the final payload in memory';

  it('finds exact duplicates across splits by trimmed text', () => {
    const parts: Part[] = [
      { name: 'train', texts: [base, 'unrelated train sentence here'] },
      { name: 'dev', texts: [`  ${base} `] },
      { name: 'test', texts: ['completely different words appear in this one'] },
    ];
    const findings = findLeakage(parts, RULES);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'exact',
        partA: 'train',
        partB: 'dev',
        indexA: 0,
        indexB: 0,
      }),
    ]);
    expect(findings[0]?.textB).toBe(`  ${base} `);
  });

  it('finds near duplicates at or above the threshold, with both texts', () => {
    const near = base.replace('in memory', 'in ram');
    const far = 'the actor used a custom loader but nothing else matched at all today';
    const parts: Part[] = [
      { name: 'train', texts: [near, far] },
      { name: 'dev', texts: [] },
      { name: 'test', texts: [base] },
    ];
    const findings = findLeakage(parts, RULES);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'near', partA: 'train', partB: 'test', textA: near });
    expect(findings[0]?.similarity).toBeGreaterThanOrEqual(0.7);
    expect(findings[0]?.similarity).toBeLessThan(1);
  });

  it('checks auxiliary against dev and test only', () => {
    const parts: Part[] = [
      { name: 'train', texts: [base] },
      { name: 'dev', texts: ['dev text that is unique'] },
      { name: 'test', texts: [base.toUpperCase()] },
      { name: 'auxiliary', texts: [base, 'dev text that is unique'] },
    ];
    const pairs = findLeakage(parts, RULES).map((f) => `${f.partA}-${f.partB}:${f.kind}`);
    expect(pairs).toEqual(['train-test:near', 'auxiliary-dev:exact', 'auxiliary-test:near']);

    const summary = summariseLeakage(findLeakage(parts, RULES), RULES);
    expect(summary.pairs['auxiliary-dev']).toEqual({ exact: 1, near: 0 });
    expect(summary.auxiliarySentencesFlagged).toBe(2);
  });

  it('agrees with a brute-force comparison of every pair', () => {
    const random = mulberry32(3);
    const vocabulary = ['actor', 'loader', 'payload', 'memory', 'run', 'the', 'a', 'shell'];
    const sentence = () =>
      Array.from({ length: 4 + Math.floor(random() * 4) }, () => {
        return vocabulary[Math.floor(random() * vocabulary.length)];
      }).join(' ');
    const train = Array.from({ length: 150 }, sentence);
    const test = Array.from({ length: 150 }, sentence);
    const threshold = 0.5;

    const expected: string[] = [];
    train.forEach((a, i) =>
      test.forEach((b, j) => {
        const exact = a.trim() === b.trim();
        if (exact || jaccard(shinglesOf(a, 3), shinglesOf(b, 3)) >= threshold) {
          expected.push(`${i}-${j}`);
        }
      }),
    );

    const parts: Part[] = [
      { name: 'train', texts: train },
      { name: 'test', texts: test },
    ];
    const found = findLeakage(parts, { ngram: 3, threshold }).map((f) => `${f.indexA}-${f.indexB}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(found).toEqual(expected);
  });
});
