import { describe, expect, it } from 'vitest';

import {
  composeTrainingSet,
  minorityClasses,
  seededRandom,
  swapWords,
  type EmbeddingMatrix,
  type LabelledSentence,
} from '../src';

const rows = (label: string, texts: string[]): LabelledSentence[] =>
  texts.map((text) => ({ label, text }));

const train = [
  ...rows('T1', ['alpha one', 'alpha two']),
  ...rows('T2', ['beta one two three four five six seven eight nine ten']),
  ...rows('T3', ['g1', 'g2', 'g3', 'g4']),
];
const auxiliary = [
  ...rows('T1', ['a-far', 'a-near', 'a-mid', 'a-tie']),
  ...rows('T2', ['b-only']),
  ...rows('T3', ['c1', 'c2']),
];

/** 2-D unit vectors at the given angles (degrees): cosine similarity is cos(Δangle). */
function vectors(angles: number[]): EmbeddingMatrix {
  const values = new Float32Array(
    angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]),
  );
  return { dimension: 2, values };
}

const trainEmbeddings = vectors([0, 90, 45, 0, 0, 0, 0]);
// a-far is 180° from both T1 sentences, a-near 10° from the first, a-mid 30°, a-tie 30° too.
const auxiliaryEmbeddings = vectors([180, 10, 60, 120, 0, 0, 0]);

describe('training set composition', () => {
  it('counts classes with fewer than k training sentences as minority', () => {
    expect(minorityClasses(train, 4)).toEqual(['T1', 'T2']);
    expect(minorityClasses(train, 5)).toEqual(['T1', 'T2', 'T3']);
  });

  it('takes the k − n most similar auxiliary sentences, ties by order (equation 1)', () => {
    const result = composeTrainingSet({
      sources: ['P', 'Asim'],
      train,
      auxiliary,
      k: 4,
      seed: null,
      swapRate: null,
      trainEmbeddings,
      auxiliaryEmbeddings,
    });

    const t1 = result.selected.filter((s) => s.label === 'T1');
    expect(t1.map((s) => s.text)).toEqual(['a-near', 'a-mid']);
    expect(t1[0]?.score).toBeCloseTo(Math.cos((10 * Math.PI) / 180), 6);
    expect(t1[1]?.score).toBeCloseTo(Math.cos((30 * Math.PI) / 180), 6);
    expect(result.shortfalls).toEqual([{ label: 'T2', needed: 3, available: 1 }]);
    expect(result.rows).toHaveLength(train.length + 3);
  });

  it('draws the same random sentences for a seed and others for another seed', () => {
    const draw = (seed: number) =>
      composeTrainingSet({ sources: ['Arandall'], train, auxiliary, k: 2, seed, swapRate: null })
        .rows.filter((row) => row.label === 'T1')
        .map((row) => row.text);

    expect(draw(1)).toEqual(draw(1));
    const draws = new Set([1, 2, 3, 4, 5, 6].map((seed) => draw(seed).join('|')));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('oversamples minority classes up to k, and Pswap differs from Psame', () => {
    const same = composeTrainingSet({
      sources: ['Psame'],
      train,
      auxiliary,
      k: 4,
      seed: 1,
      swapRate: 0.1,
    });
    const swap = composeTrainingSet({
      sources: ['Pswap'],
      train,
      auxiliary,
      k: 4,
      seed: 1,
      swapRate: 0.1,
    });

    expect(same.rows.map((r) => r.text)).toEqual([
      'alpha one',
      'alpha two',
      ...Array(3).fill('beta one two three four five six seven eight nine ten'),
    ]);
    expect(swap.rows).toHaveLength(same.rows.length);
    expect(swap.rows.map((r) => r.text)).not.toEqual(same.rows.map((r) => r.text));
    const sorted = (text: string) => text.split(' ').sort().join(' ');
    swap.rows.forEach((row, i) => expect(sorted(row.text)).toBe(sorted(same.rows[i]?.text ?? '')));
  });

  it('swaps round(rate × words) pairs, at least one', () => {
    const text = 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9';
    const swapped = swapWords(text, 0.2, seededRandom('t', 1));
    const moved = swapped.split(' ').filter((word, i) => word !== `w${i}`).length;

    expect(moved).toBeGreaterThanOrEqual(2);
    expect(moved).toBeLessThanOrEqual(4);
    expect(swapWords('single', 0.5, seededRandom('t', 1))).toBe('single');
  });
});
