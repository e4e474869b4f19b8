import { describe, expect, it } from 'vitest';

import { holmAdjust } from '../src';

describe('holmAdjust', () => {
  it('adjusts a hand-computed family in input order', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);

    expect(adjusted[0]).toBeCloseTo(0.03, 15);
    expect(adjusted[1]).toBeCloseTo(0.06, 15);
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
    expect(adjusted[3]).toBeCloseTo(0.02, 15);
  });

  it('keeps adjusted values monotone in the raw order', () => {
    // 0.05, 0.08, 0.09, then 2·0.04 = 0.08 and 1·0.05 are lifted to 0.09.
    const adjusted = holmAdjust([0.01, 0.02, 0.03, 0.04, 0.05]);

    expect(adjusted.map((p) => Number(p.toFixed(12)))).toEqual([0.05, 0.08, 0.09, 0.09, 0.09]);
  });

  it('caps at 1 and handles ties, singletons and empty families', () => {
    // 0.3·3 = 0.9, 0.3·2 = 0.6 → 0.9, 0.6·1 → 0.9.
    for (const p of holmAdjust([0.3, 0.6, 0.3])) {
      expect(p).toBeCloseTo(0.9, 15);
    }
    expect(holmAdjust([0.5, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([0.04])).toEqual([0.04]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('rejects values that are not probabilities', () => {
    expect(() => holmAdjust([0.1, Number.NaN])).toThrow(RangeError);
    expect(() => holmAdjust([1.2])).toThrow(RangeError);
  });
});
