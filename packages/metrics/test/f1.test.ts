import { describe, expect, it } from 'vitest';

import { classificationReport, macroF1Over, macroF1Split } from '../src';
import { f1Vectors } from './vectors';

const vector = (name: string) => {
  const found = f1Vectors.find((v) => v.name === name);
  if (!found) throw new Error(`no vector ${name}`);
  return found;
};

describe('classificationReport on the shared vectors', () => {
  it.each(f1Vectors.map((v) => [v.name, v] as const))('matches vector "%s"', (_, v) => {
    const report = classificationReport(v.gold, v.predicted);

    expect(report.labels).toEqual(v.labels);
    expect(report.sentences).toBe(v.gold.length);
    // Micro-F1, precision, recall and F1 are single divisions of integers: exactly equal.
    expect(report.microF1).toBe(v.microF1);
    for (const label of v.labels) {
      const { precision, recall, f1, support } = report.perClass[label]!;
      expect({ precision, recall, f1, support }).toEqual(v.perClass[label]);
    }
    // Macro-F1 sums rounded F1s; allow a couple of ulps against the exact rational.
    expect(Math.abs(report.macroF1 - v.macroF1)).toBeLessThanOrEqual(4 * Number.EPSILON);
  });

  it('has the hand-checked values of two small vectors', () => {
    // gold [59, 59, 66, 66], predicted [59, 04, 66, 66] (T10xx/T12xx/T15xx shortened):
    // T1059 tp 1 fp 0 fn 1 → F1 2/3; T1204 tp 0 fp 1 → 0; T1566 tp 2 → 1.
    // Micro = 3/4, Macro = (2/3 + 0 + 1) / 3 = 5/9.
    const neverGold = classificationReport(
      vector('predicted but never gold').gold,
      vector('predicted but never gold').predicted,
    );
    expect(neverGold.microF1).toBe(0.75);
    expect(neverGold.macroF1).toBeCloseTo(5 / 9, 15);
    expect(neverGold.perClass['T1204']).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
      support: 0,
      predicted: 1,
    });

    // gold A×8 B C, predicted A×7 B B A: A tp 7 fp 1 fn 1 → 14/16; B tp 1 fp 1 → 2/3; C → 0.
    // Micro = 8/10, Macro = (7/8 + 2/3 + 0) / 3 = 37/72.
    const unbalanced = classificationReport(
      vector('unbalanced').gold,
      vector('unbalanced').predicted,
    );
    expect(unbalanced.microF1).toBe(0.8);
    expect(unbalanced.macroF1).toBeCloseTo(37 / 72, 15);
    expect(unbalanced.perClass['A']?.f1).toBe(0.875);
    expect(unbalanced.perClass['B']?.precision).toBe(0.5);
    expect(unbalanced.perClass['C']?.recall).toBe(0);
  });
});

describe('confusion pairs', () => {
  it('lists every pair, largest count first, ties by gold then predicted', () => {
    const v = vector('unbalanced');

    expect(classificationReport(v.gold, v.predicted).confusion).toEqual([
      { gold: 'A', predicted: 'A', count: 7 },
      { gold: 'A', predicted: 'B', count: 1 },
      { gold: 'B', predicted: 'B', count: 1 },
      { gold: 'C', predicted: 'A', count: 1 },
    ]);
  });

  it('orders fully tied pairs deterministically', () => {
    const v = vector('ties');
    const pairs = classificationReport(v.gold, v.predicted).confusion;

    expect(pairs.map((p) => `${p.gold}>${p.predicted}`)).toEqual([
      'T1>T1',
      'T1>T2',
      'T2>T2',
      'T2>T3',
      'T3>T1',
      'T3>T3',
    ]);
  });
});

describe('averaged label set', () => {
  it('counts requested labels that never occur as F1 0', () => {
    const v = vector('unbalanced');
    const report = classificationReport(v.gold, v.predicted, { labels: ['A', 'B', 'C', 'D'] });

    // (7/8 + 2/3 + 0 + 0) / 4 = 37/96; Micro-F1 is unaffected.
    expect(report.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(report.macroF1).toBeCloseTo(37 / 96, 15);
    expect(report.microF1).toBe(0.8);
    expect(report.perClass['D']).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
      support: 0,
      predicted: 0,
    });
  });

  it('refuses a label set that drops observed labels', () => {
    expect(() => classificationReport(['A', 'B'], ['A', 'C'], { labels: ['A', 'B'] })).toThrow(
      /lacks observed labels: C/,
    );
  });

  it('rejects misaligned inputs and scores empty inputs as 0', () => {
    expect(() => classificationReport(['A'], [])).toThrow(/1 labels but predicted has 0/);
    expect(classificationReport([], [])).toMatchObject({ microF1: 0, macroF1: 0, labels: [] });
  });
});

describe('Macro-F1 over a subset', () => {
  const v = vector('gold but never predicted');
  const report = classificationReport(v.gold, v.predicted);

  it('averages the listed labels and scores unseen ones as 0', () => {
    // T1059 F1 = 2·2 / (2 + 3) = 4/5, T1204 F1 = 0, T9999 never seen → 0.
    const minority = macroF1Over(report, ['T1204', 'T1059', 'T9999', 'T1204']);

    expect(minority.labels).toEqual(['T1059', 'T1204', 'T9999']);
    expect(minority.unseen).toEqual(['T9999']);
    expect(minority.macroF1).toBeCloseTo(4 / 15, 15);
  });

  it('splits the report into parts that average back to its Macro-F1', () => {
    const { subset, others } = macroF1Split(report, ['T1204']);
    const weighted =
      (subset.macroF1 * subset.labels.length + others.macroF1 * others.labels.length) /
      report.labels.length;

    expect(others.labels).toEqual(['T1059', 'T1566']);
    expect(weighted).toBeCloseTo(report.macroF1, 15);
  });

  it('puts a label that is only predicted among the others unless listed', () => {
    const w = vector('predicted but never gold');
    const neverGold = classificationReport(w.gold, w.predicted);

    expect(macroF1Split(neverGold, ['T1566']).others.labels).toEqual(['T1059', 'T1204']);
    expect(macroF1Split(neverGold, ['T1566']).others.macroF1).toBeCloseTo(1 / 3, 15);
  });
});
