import { describe, expect, it } from 'vitest';

import { sampleVariance, summarizeSeeds } from '../src';
import { relativeError, statsVectors } from './vectors';

describe('summarizeSeeds', () => {
  it.each(statsVectors.summaries.map((s) => [s.name, s] as const))(
    'matches the exact-fraction reference for "%s"',
    (_, reference) => {
      const summary = summarizeSeeds(reference.values);

      expect(summary.n).toBe(reference.values.length);
      expect(relativeError(summary.mean, reference.mean)).toBeLessThan(1e-15);
      expect(relativeError(summary.variance, reference.variance)).toBeLessThan(1e-12);
      expect(relativeError(summary.std, reference.std)).toBeLessThan(1e-12);
      expect(relativeError(summary.ci!.lower, reference.ciLower)).toBeLessThan(1e-12);
      expect(relativeError(summary.ci!.upper, reference.ciUpper)).toBeLessThan(1e-12);
    },
  );

  it('has the hand-computed interval of two runs', () => {
    // mean 0.535, s = 0.03 / √2, half width = t_{0.975,1} · s / √2 = 12.7062047… · 0.015.
    const summary = summarizeSeeds([0.52, 0.55]);

    expect(summary.mean).toBeCloseTo(0.535, 15);
    expect(summary.std).toBeCloseTo(0.03 / Math.SQRT2, 15);
    expect(summary.ci?.upper).toBeCloseTo(0.535 + 12.706204736174707 * 0.015, 13);
    expect(summary.ci?.level).toBe(0.95);
  });

  it('widens the interval with the confidence level', () => {
    // df = 4: t_{0.995} = 4.604094871349993 against t_{0.975} = 2.7764451051977934.
    const values = [0.6911, 0.6806, 0.7016, 0.6858, 0.6963];
    const wide = summarizeSeeds(values, { level: 0.99 }).ci!;
    const normal = summarizeSeeds(values).ci!;
    const ratio = (wide.upper - wide.lower) / (normal.upper - normal.lower);

    expect(ratio).toBeCloseTo(4.604094871349993 / 2.7764451051977934, 12);
  });

  it('reports no spread for a single seed and zero spread for equal seeds', () => {
    const single = summarizeSeeds([0.7]);
    expect(single.std).toBeNaN();
    expect(single.ci).toBeNull();

    const equal = summarizeSeeds([0.7, 0.7, 0.7]);
    expect(equal.std).toBe(0);
    expect(equal.ci).toEqual({ lower: 0.7, upper: 0.7, level: 0.95 });
    expect(() => summarizeSeeds([])).toThrow(/at least one value/);
  });

  it('uses the n − 1 divisor', () => {
    // Deviations −1, 0, 1 around 2: squares sum to 2, divided by n − 1 = 2.
    expect(sampleVariance([1, 2, 3])).toBe(1);
  });
});
