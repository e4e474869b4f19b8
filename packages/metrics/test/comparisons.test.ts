import { describe, expect, it } from 'vitest';

import { defaultComparisons, holmAdjust, type RunRow, testComparisons, welchTTest } from '../src';

const ALL_CASES = [
  'P',
  'P>P',
  'P+A',
  'P+A>P',
  'P+Asim',
  'P+Asim>P',
  'P+Psame>P',
  'P+Pswap>P',
  'P+Arand>P',
  'P+Arandall>P',
  'P+Asimall>P',
];

const pairsOf = (encoder: string, cases: string[]) =>
  defaultComparisons(cases.map((c) => ({ case: c, encoder }))).map(
    (c) => `${c.treatment} vs ${c.baseline}`,
  );

describe('defaultComparisons', () => {
  it('lists every case against P, then the paper claims, for the full grid', () => {
    expect(pairsOf('BERT', ALL_CASES)).toEqual([
      'P>P vs P',
      'P+A vs P',
      'P+A>P vs P',
      'P+Asim vs P',
      'P+Asim>P vs P',
      'P+Psame>P vs P',
      'P+Pswap>P vs P',
      'P+Arand>P vs P',
      'P+Arandall>P vs P',
      'P+Asimall>P vs P',
      'P+A>P vs P+A',
      'P+A>P vs P>P',
      'P+Asim>P vs P+A>P',
      'P+Asim vs P+A',
      'P+Asim>P vs P+Psame>P',
      'P+Asim>P vs P+Pswap>P',
      'P+Asim>P vs P+Arand>P',
      'P+Arand>P vs P+Psame>P',
      'P+Arand>P vs P+Arandall>P',
      'P+Asim>P vs P+Asimall>P',
      'P+Asimall>P vs P+Arandall>P',
    ]);
  });

  it('keeps only pairs whose cases are both present', () => {
    expect(pairsOf('BERT', ['P+A>P', 'P', 'P+A'])).toEqual([
      'P+A>P vs P',
      'P+A vs P',
      'P+A>P vs P+A',
    ]);
    expect(pairsOf('BERT', ['P+Asim>P', 'P+Arand>P'])).toEqual(['P+Asim>P vs P+Arand>P']);
  });

  it('compares within each encoder only, in order of appearance', () => {
    const comparisons = defaultComparisons([
      { case: 'P', encoder: 'CTI-BERT' },
      { case: 'P+A', encoder: 'BERT' },
      { case: 'P+A', encoder: 'CTI-BERT' },
      { case: 'P', encoder: 'BERT' },
    ]);

    expect(comparisons).toEqual([
      { encoder: 'CTI-BERT', treatment: 'P+A', baseline: 'P', source: 'vs baseline' },
      { encoder: 'BERT', treatment: 'P+A', baseline: 'P', source: 'vs baseline' },
    ]);
  });

  it('does not repeat a pair that is both a baseline comparison and a claim', () => {
    const comparisons = defaultComparisons(
      ['P+A>P', 'P+A'].map((c) => ({ case: c, encoder: 'BERT' })),
      { baseline: 'P+A' },
    );

    expect(comparisons).toEqual([
      { encoder: 'BERT', treatment: 'P+A>P', baseline: 'P+A', source: 'vs baseline' },
    ]);
  });
});

describe('testComparisons', () => {
  const cell = (caseName: string, micro: number[], macro: number[]): RunRow[] =>
    micro.map((microF1, seed) => ({
      case: caseName,
      encoder: 'BERT',
      seed,
      microF1,
      macroF1: macro[seed]!,
    }));
  const rows = [
    ...cell('P', [0.61, 0.62, 0.6, 0.63, 0.615], [0.38, 0.4, 0.37, 0.39, 0.385]),
    ...cell('P+A>P', [0.66, 0.64, 0.65, 0.67, 0.655], [0.45, 0.44, 0.46, 0.43, 0.445]),
    ...cell('P>P', [0.6], [0.39]),
  ];
  const comparisons = defaultComparisons(rows);

  it('applies Holm across every tested comparison and metric', () => {
    const results = testComparisons(rows, comparisons);
    const tested = results.filter((r) => r.welch !== null);
    const expected = holmAdjust(tested.map((r) => r.welch!.pValue));

    expect(tested.map((r) => `${r.treatment}/${r.metric}`)).toEqual(['P+A>P/micro', 'P+A>P/macro']);
    expect(tested.map((r) => r.adjustedP)).toEqual(expected);
    expect(tested[0]!.welch).toEqual(
      welchTTest([0.66, 0.64, 0.65, 0.67, 0.655], [0.61, 0.62, 0.6, 0.63, 0.615]),
    );
    expect(tested.every((r) => r.significant)).toBe(true);
  });

  it('leaves comparisons with a single seed untested', () => {
    // P>P vs P and the claim P+A>P vs P>P, each on two metrics.
    const untested = testComparisons(rows, comparisons).filter(
      (r) => r.treatment === 'P>P' || r.baseline === 'P>P',
    );

    expect(untested).toHaveLength(4);
    expect(untested.every((r) => r.welch === null && r.adjustedP === null && !r.significant)).toBe(
      true,
    );
  });

  it('rejects a cell with a repeated seed', () => {
    const repeated = [...rows, { ...rows[0]! }];
    expect(() => testComparisons(repeated, comparisons)).toThrow(/seed 0 more than once/);
  });
});
