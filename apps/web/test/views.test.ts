import { describe, expect, it } from 'vitest';

import type { LeaderboardCell } from '../src/api/types';
import {
  formatAxes,
  formatDuration,
  formatGain,
  formatMeanStd,
  formatPercent,
} from '../src/format';
import { parseHash, hashHref } from '../src/routing/hash-route';
import { buildPivots } from '../src/views/leaderboard/pivot';
import { sortHeatmapRows, type HeatmapRow } from '../src/views/techniques/technique-grid';

function cell(caseName: string, encoder: string, axes: LeaderboardCell['axes'] = {}) {
  return {
    experimentId: 'e1',
    experimentName: 'grid',
    datasetVersionId: 'v1',
    mode: 'probe',
    caseName,
    encoder,
    axes,
    n: 2,
    micro: { mean: 0.5, std: 0.01, ci: null },
    macro: { mean: 0.4, std: 0.02, ci: null },
    minorityMacro: { mean: 0.3, std: 0.03 },
    best: { micro: false, macro: false },
    significant: { micro: false, macro: false },
  } satisfies LeaderboardCell;
}

describe('formatting scores the way Table 3 prints them', () => {
  it('shows fractions as percentages with one decimal', () => {
    expect(formatPercent(0.6912)).toBe('69.1');
    expect(formatPercent(null)).toBe('–');
  });

  it('shows mean ± sample std, and the mean alone when the std is undefined', () => {
    expect(formatMeanStd({ mean: 0.6912, std: 0.0123 })).toBe('69.1 ± 1.2');
    expect(formatMeanStd({ mean: 0.6912, std: null })).toBe('69.1');
    expect(formatMeanStd({ mean: null, std: null })).toBe('–');
  });

  it('signs gains in points and never prints a negative zero', () => {
    expect(formatGain(0.024)).toBe('+2.4');
    expect(formatGain(-0.01)).toBe('−1.0');
    expect(formatGain(-0.0001)).toBe('0.0');
  });

  it('labels axes as the API labels its columns', () => {
    expect(formatAxes({ 'augmentation.k': 5, 'hyperparameters.epochs': 3 })).toBe('k=5, epochs=3');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(7620)).toBe('2 h 07 min');
  });
});

describe('the leaderboard pivot', () => {
  it('puts cases in rows with P first and one column group per encoder and axes', () => {
    const [pivot] = buildPivots([
      cell('P+A>P', 'minilm-l6', { 'augmentation.k': 5 }),
      cell('P', 'minilm-l6', { 'augmentation.k': 5 }),
      cell('P', 'biobert'),
    ]);
    expect(pivot?.cases).toEqual(['P', 'P+A>P']);
    expect(pivot?.columns.map((column) => column.key)).toEqual(['minilm-l6 [k=5]', 'biobert']);
    expect(pivot?.cell('P', 'biobert')?.encoder).toBe('biobert');
  });

  it('makes one pivot per experiment, dataset version and mode', () => {
    const pivots = buildPivots([cell('P', 'a'), { ...cell('P', 'a'), mode: 'finetune' }]);
    expect(pivots.map((pivot) => pivot.mode)).toEqual(['probe', 'finetune']);
  });
});

describe('the per-technique heatmap order', () => {
  const row = (techniqueId: string, gain: number | null): HeatmapRow => ({
    techniqueId,
    name: null,
    minority: false,
    support: 1,
    byCase: new Map([['P+A>P', { f1: 0.5, gainOverP: gain }]]),
  });

  it('sorts by gain over P, largest first, with missing gains last', () => {
    const rows = [row('T1', 0.1), row('T2', null), row('T3', 0.3), row('T4', -0.2)];
    const sorted = sortHeatmapRows(rows, { kind: 'gain', caseName: 'P+A>P' });
    expect(sorted.map((r) => r.techniqueId)).toEqual(['T3', 'T1', 'T4', 'T2']);
  });
});

describe('hash routes', () => {
  it('round-trips a view and its filters through the hash', () => {
    const href = hashHref(['runs', 'a b'], { experiment: 'x', mode: '' });
    expect(href).toBe('#/runs/a%20b?experiment=x');
    const route = parseHash(href);
    expect(route.segments).toEqual(['runs', 'a b']);
    expect(route.params.get('experiment')).toBe('x');
  });
});
