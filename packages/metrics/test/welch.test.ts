import { describe, expect, it } from 'vitest';

import { welchTTest } from '../src';
import { relativeError, statsVectors } from './vectors';

describe("Welch's t-test", () => {
  it.each(statsVectors.welch.map((w) => [w.name, w] as const))(
    'matches the independent reference for "%s"',
    (_, reference) => {
      const result = welchTTest(reference.a, reference.b);

      expect(relativeError(result.difference, reference.difference)).toBeLessThan(1e-12);
      expect(relativeError(result.standardError, reference.standardError)).toBeLessThan(1e-12);
      expect(relativeError(result.t, reference.t)).toBeLessThan(1e-12);
      expect(relativeError(result.df, reference.df)).toBeLessThan(1e-12);
      expect(relativeError(result.pValue, reference.pValue)).toBeLessThan(1e-10);
      expect(relativeError(result.ci.lower, reference.ciLower)).toBeLessThan(1e-12);
      expect(relativeError(result.ci.upper, reference.ciUpper)).toBeLessThan(1e-12);
    },
  );

  it("reproduces R's t.test on the sleep data", () => {
    // t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI -3.3654832 0.2054832.
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const result = welchTTest(group1, group2);

    expect(result.t).toBeCloseTo(-1.8608, 4);
    expect(result.df).toBeCloseTo(17.776, 3);
    expect(result.pValue).toBeCloseTo(0.07939, 5);
    expect(result.ci.lower).toBeCloseTo(-3.3654832, 7);
    expect(result.ci.upper).toBeCloseTo(0.2054832, 7);
  });

  it('has hand-computed statistics for two small samples', () => {
    // a = [1, 2, 3]: mean 2, s² 1; b = [4, 6]: mean 5, s² 2. SE² = 1/3 + 1 = 4/3,
    // t = −3 / √(4/3); df = (4/3)² / ((1/3)² / 2 + 1² / 1) = (16/9) / (19/18) = 32/19.
    const result = welchTTest([1, 2, 3], [4, 6]);

    expect(result.difference).toBe(-3);
    expect(result.t).toBeCloseTo(-3 / Math.sqrt(4 / 3), 14);
    expect(result.df).toBeCloseTo(32 / 19, 14);
  });

  it('is symmetric in its samples', () => {
    const a = [0.61, 0.63, 0.6, 0.64];
    const b = [0.66, 0.7, 0.69, 0.71, 0.65];
    const forward = welchTTest(a, b);
    const backward = welchTTest(b, a);

    expect(backward.difference).toBeCloseTo(-forward.difference, 15);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 14);
    expect(backward.ci.upper).toBeCloseTo(-forward.ci.lower, 14);
  });

  it('handles constant samples and too few seeds', () => {
    expect(welchTTest([0.5, 0.5], [0.5, 0.5]).pValue).toBe(1);
    expect(welchTTest([0.6, 0.6], [0.5, 0.5])).toMatchObject({ pValue: 0, t: Infinity });
    expect(() => welchTTest([0.5], [0.5, 0.6])).toThrow(/two values per sample/);
  });
});
