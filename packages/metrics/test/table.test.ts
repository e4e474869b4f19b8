import { describe, expect, it } from 'vitest';

import { buildTable, csvField, escapeLatex, renderTable, type RunRow } from '../src';

const cell = (encoder: string, caseName: string, micro: number[], macro: number[]): RunRow[] =>
  micro.map((microF1, seed) => ({ case: caseName, encoder, seed, microF1, macroF1: macro[seed]! }));

// Means and variances by construction: steps of 0.01 over five seeds give s² = 0.00025, steps of
// 0.02 give s² = 0.001, and [.61, .62, .62, .63] gives s² = 0.0002 / 3.
const rows = [
  ...cell('BERT', 'P', [0.6, 0.61, 0.62, 0.63, 0.64], [0.38, 0.39, 0.4, 0.41, 0.42]),
  ...cell('BERT', 'P+A>P', [0.66, 0.68, 0.7, 0.72, 0.74], [0.46, 0.48, 0.5, 0.52, 0.54]),
  ...cell('BERT', 'P>P', [0.61, 0.62, 0.62, 0.63], [0.4, 0.41, 0.41, 0.42]),
  ...cell('CTI-BERT', 'P', [0.6, 0.61, 0.62, 0.63, 0.64], [0.38, 0.39, 0.4, 0.41, 0.42]),
  ...cell('CTI-BERT', 'P+A>P', [0.61, 0.62, 0.63, 0.64, 0.65], [0.39, 0.4, 0.41, 0.42, 0.43]),
];
const groups = [
  { heading: 'Primary Data Only', cases: ['P', 'P>P'] },
  { heading: 'Augmentation w/ all of auxiliary', cases: ['P+A>P'] },
];

describe('buildTable', () => {
  const model = buildTable({ rows, groups });
  const cells = model.rows.flatMap((row) => (row.kind === 'case' ? row.cells : []));
  const find = (caseName: string, encoder: string, metric: 'micro' | 'macro') =>
    cells.find((c) => c.caseName === caseName && c.encoder === encoder && c.metric === metric)!;

  it('pools seed variance as the root of the mean variance over cells', () => {
    // (6 · 0.00025 + 2 · 0.001 + 2 · 0.0002/3) / 10 = 0.000363333…, root 0.0190613….
    expect(model.pooledStd.cells).toBe(10);
    expect(model.pooledStd.all).toBeCloseTo(Math.sqrt(0.0036333333333333335 / 10), 14);
    expect(model.pooledStd.micro).toBeCloseTo(model.pooledStd.all, 14);
    expect(model.modalN).toBe(5);
  });

  it('marks significance only where Welch + Holm over the table says so', () => {
    // BERT P+A>P − P: 0.08 micro, t = 0.08 / √(0.00025/5 + 0.001/5) ≈ 5.06 on 5.9 df.
    expect(model.significance?.tests).toBe(6);
    expect(find('P+A>P', 'BERT', 'micro').significant).toBe(true);
    expect(find('P+A>P', 'BERT', 'micro').comparison?.welch?.t).toBeCloseTo(0.08 / 0.0158113883, 6);
    expect(find('P+A>P', 'CTI-BERT', 'micro').significant).toBe(false);
    expect(find('P', 'BERT', 'micro').comparison).toBeNull();
  });

  it('marks every cell tied for best once rounded', () => {
    const tied = [...rows, ...cell('CTI-BERT', 'P>P', [0.6299, 0.6301], [0.4, 0.4])];
    const tiedCells = buildTable({ rows: tied, groups })
      .rows.flatMap((row) => (row.kind === 'case' ? row.cells : []))
      .filter((c) => c.encoder === 'CTI-BERT' && c.metric === 'micro' && c.best);

    expect(tiedCells.map((c) => c.caseName)).toEqual(['P>P', 'P+A>P']);
  });
});

describe('renderTable', () => {
  it('renders the Markdown layout of Table 3', () => {
    expect(renderTable({ rows, groups }, 'markdown')).toBe(
      [
        '| Case | BERT Micro | BERT Macro | CTI-BERT Micro | CTI-BERT Macro |',
        '| --- | ---: | ---: | ---: | ---: |',
        '| *Primary Data Only* |  |  |  |  |',
        '| P | 62.0 | 40.0 | 62.0 | 40.0 |',
        '| P>P | 62.0 (n=4) | 41.0 (n=4) |  |  |',
        '| *Augmentation w/ all of auxiliary* |  |  |  |  |',
        '| P+A>P | **70.0**† | **50.0**† | **63.0** | **41.0** |',
        '',
        'Pooled standard deviation over seeds: 0.019 (Micro 0.019, Macro 0.019), the root of the ' +
          'mean variance over 10 cells with n >= 2.',
        '',
        'Means over n = 5 seeds unless marked; best mean per column in bold.',
        '',
        '†: differs from P of the same encoder (Welch over seeds, Holm-adjusted p <= 0.05 across ' +
          '6 tests).',
        '',
      ].join('\n'),
    );
  });

  it('shows mean ± std and the published values beside ours', () => {
    const markdown = renderTable(
      {
        rows,
        groups,
        showStd: true,
        significance: false,
        encoders: ['BERT'],
        published: { P: { BERT: { micro: 61.2, macro: 38 } } },
      },
      'markdown',
    );

    expect(markdown).toContain('| Case | BERT Micro | BERT Micro (paper) | BERT Macro |');
    expect(markdown).toContain('| P | 62.0 ± 1.6 | 61.2 | 40.0 ± 1.6 | 38.0 |');
    expect(markdown).toContain('| P+A>P | **70.0 ± 3.2** |  | **50.0 ± 3.2** |  |');
    expect(markdown).not.toContain('†');
  });

  it('leaves the paper columns out when the paper has none of these encoders', () => {
    const markdown = renderTable(
      {
        rows,
        groups,
        significance: false,
        encoders: ['BERT'],
        published: { P: { 'CTI-BERT': { micro: 61.2, macro: 38 } } },
      },
      'markdown',
    );

    expect(markdown).toContain('| Case | BERT Micro | BERT Macro |');
    expect(markdown).not.toContain('(paper)');
  });

  it('writes RFC 4180 CSV with * for best and a final pooled line', () => {
    const labelled = renderTable(
      { rows, groups, caseLabels: { P: 'D^P, "baseline 1"' }, significance: false },
      'csv',
    );

    expect(labelled.split('\r\n')).toEqual([
      'group,case,BERT Micro,BERT Macro,CTI-BERT Micro,CTI-BERT Macro',
      'Primary Data Only,"D^P, ""baseline 1""",62.0,40.0,62.0,40.0',
      'Primary Data Only,P>P,62.0 (n=4),41.0 (n=4),,',
      'Augmentation w/ all of auxiliary,P+A>P,70.0*,50.0*,63.0*,41.0*',
      'pooled standard deviation,"0.019 (Micro 0.019, Macro 0.019)"',
      '',
    ]);
  });

  it('writes LaTeX with escaped labels, bold best, dagger markers and notes in the caption', () => {
    const latex = renderTable(
      {
        rows,
        groups,
        caseLabels: { 'P+A>P': 'D^P+D^A & 50% #1' },
        caption: 'Results_1',
      },
      'latex',
    );

    expect(latex).toContain('\\begin{tabular}{lrrrr}');
    expect(latex).toContain(
      'Models & \\multicolumn{2}{c}{BERT} & \\multicolumn{2}{c}{CTI-BERT} \\\\',
    );
    expect(latex).toContain('\\multicolumn{5}{l}{\\textit{Primary Data Only}} \\\\');
    expect(latex).toContain(
      'D\\textasciicircum{}P+D\\textasciicircum{}A \\& 50\\% \\#1 & ' +
        '\\textbf{70.0}$^{\\dagger}$ & ' +
        '\\textbf{50.0}$^{\\dagger}$ & \\textbf{63.0} & \\textbf{41.0} \\\\',
    );
    expect(latex).toContain('P\\textgreater{}P & 62.0 (n=4) & 41.0 (n=4) & -- & -- \\\\');
    expect(latex).toMatch(/\\caption\{Results\\_1 Pooled standard deviation over seeds: 0\.019 /);
    expect(latex).toContain('$^{\\dagger}$: differs from P of the same encoder');
    expect(latex.endsWith('\\end{table}\n')).toBe(true);
  });

  it('puts LaTeX notes after the tabular when there is no caption', () => {
    const latex = renderTable({ rows, groups, significance: false }, 'latex');

    expect(latex).toContain('\\end{tabular}\n{\\footnotesize Pooled standard deviation');
    expect(latex).not.toContain('dagger');
  });
});

describe('escaping', () => {
  it('escapes every LaTeX special character once', () => {
    expect(escapeLatex('& % $ # _ { } ~ ^ \\')).toBe(
      '\\& \\% \\$ \\# \\_ \\{ \\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
    );
  });

  it('quotes CSV fields only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
