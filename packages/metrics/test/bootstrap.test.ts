import { describe, expect, it } from 'vitest';

import {
  type BootstrapMetric,
  classificationReport,
  createRandom,
  pairedBootstrap,
  quantileSorted,
} from '../src';
import { f1Vectors } from './vectors';

const sample = f1Vectors.find((v) => v.name === 'pseudo-random 382')!;
const gold = sample.gold;
const systemA = sample.predicted;
/** System B: A with every seventh prediction replaced by the gold label (so B is better). */
const systemB = systemA.map((label, index) => (index % 7 === 0 ? gold[index]! : label));
/** System C: A with every fifth prediction shifted to the next sentence's gold label. */
const systemC = systemA.map((label, index) => (index % 5 === 0 ? gold[(index + 1) % 382]! : label));

const scoreOf = (metric: BootstrapMetric, g: string[], p: string[]) => {
  const report = classificationReport(g, p);
  return metric === 'micro' ? report.microF1 : report.macroF1;
};

/** The obvious slow bootstrap: materialise each resample and score it with the report. */
function naiveDifferences(metric: BootstrapMetric, a: string[], b: string[], seed: number) {
  const random = createRandom(seed);
  const differences: number[] = [];
  for (let r = 0; r < 200; r += 1) {
    const indices = gold.map(() => Math.floor(random() * gold.length));
    const pick = (labels: string[]) => indices.map((i) => labels[i]!);
    differences.push(scoreOf(metric, pick(gold), pick(a)) - scoreOf(metric, pick(gold), pick(b)));
  }
  return differences.sort((x, y) => x - y);
}

describe('pairedBootstrap', () => {
  it.each(['micro', 'macro'] as const)(
    'agrees with a naive resample-and-rescore implementation (%s)',
    (metric) => {
      const differences = naiveDifferences(metric, systemA, systemC, 7);
      const below = differences.filter((d) => d <= 1e-12).length;
      const above = differences.filter((d) => d >= -1e-12).length;
      const result = pairedBootstrap(
        { gold, runsA: [systemA], runsB: [systemC] },
        { metric, resamples: 200, seed: 7 },
      );

      expect(result.observed).toBeCloseTo(
        scoreOf(metric, gold, systemA) - scoreOf(metric, gold, systemC),
        14,
      );
      expect(result.ci.lower).toBeCloseTo(quantileSorted(differences, 0.025), 12);
      expect(result.ci.upper).toBeCloseTo(quantileSorted(differences, 0.975), 12);
      expect(result.pValue).toBeCloseTo(Math.min(1, (2 * (Math.min(below, above) + 1)) / 201), 12);
    },
  );

  it('finds a strictly better system significant', () => {
    // B fixes 21 of A's errors and breaks nothing: no resample favours A or ties (P ≈ e^-21).
    const result = pairedBootstrap(
      { gold, runsA: [systemB], runsB: [systemA] },
      { metric: 'micro' },
    );

    expect(result.observed).toBeCloseTo(scoreOf('micro', gold, systemB) - sample.microF1, 15);
    expect(result.ci.lower).toBeGreaterThan(0);
    expect(result.pValue).toBeCloseTo(2 / 1001, 15);
    expect(result.resamples).toBe(1000);
  });

  it('gives p = 1 and a zero interval for identical systems', () => {
    const result = pairedBootstrap(
      { gold, runsA: [systemA], runsB: [systemA] },
      { metric: 'macro' },
    );

    expect(result).toMatchObject({ observed: 0, pValue: 1, standardError: 0 });
    expect(result.ci).toEqual({ lower: 0, upper: 0, level: 0.95 });
  });

  it('is reproducible for a seed and varies across seeds', () => {
    const input = { gold, runsA: [systemA], runsB: [systemC] };
    const first = pairedBootstrap(input, { metric: 'macro', seed: 3 });

    expect(pairedBootstrap(input, { metric: 'macro', seed: 3 })).toEqual(first);
    expect(pairedBootstrap(input, { metric: 'macro', seed: 4 }).ci).not.toEqual(first.ci);
  });

  it('compares seed-averaged scores when given several runs per system', () => {
    const runsA = [systemA, systemB];
    const runsB = [systemC, systemA];
    const result = pairedBootstrap({ gold, runsA, runsB }, { metric: 'macro', resamples: 50 });
    const mean = (runs: string[][]) =>
      runs.reduce((sum, run) => sum + scoreOf('macro', gold, run), 0) / runs.length;

    expect(result.scoreA).toBeCloseTo(mean(runsA), 14);
    expect(result.observed).toBeCloseTo(mean(runsA) - mean(runsB), 14);
  });

  it('rejects misaligned runs and empty inputs', () => {
    const short = systemA.slice(1);
    expect(() =>
      pairedBootstrap({ gold, runsA: [short], runsB: [systemA] }, { metric: 'micro' }),
    ).toThrow(/381 predictions for 382 sentences/);
    expect(() =>
      pairedBootstrap({ gold, runsA: [], runsB: [systemA] }, { metric: 'micro' }),
    ).toThrow(/at least one run/);
    expect(() =>
      pairedBootstrap(
        { gold, runsA: [systemA], runsB: [systemA] },
        { metric: 'micro', resamples: 0 },
      ),
    ).toThrow(RangeError);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly like numpy', () => {
    // numpy.quantile([1, 2, 3, 4], q) for q = 0.25, 0.5, 0.9: 1.75, 2.5, 3.7.
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 15);
    expect(quantileSorted([5], 0.3)).toBe(5);
  });
});

describe('createRandom', () => {
  it('is uniform enough for index draws and repeatable', () => {
    const random = createRandom(42);
    const draws = Array.from({ length: 20_000 }, random);
    const mean = draws.reduce((sum, u) => sum + u, 0) / draws.length;

    // The mean of 20 000 uniforms has standard deviation 0.002; allow 4 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.008);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(createRandom(42)()).toBe(draws[0]);
  });
});
