import {
  buildTable,
  formatPercent,
  type TableCell,
  type TableColumn,
  type TableInput,
  type TableModel,
} from './table-model';

export type TableFormat = 'markdown' | 'csv' | 'latex';

const METRIC_TITLES = { micro: 'Micro', macro: 'Macro' } as const;
const LATEX_MARKERS: Readonly<Record<string, string>> = {
  '†': '$^{\\dagger}$',
  '‡': '$^{\\ddagger}$',
  '*': '$^{*}$',
};

/**
 * Renders per-run rows as a results table in the layout of the paper's Table 3: one row per case,
 * a Micro and a Macro column per encoder, means over seeds in percent with one decimal.
 */
export function renderTable(input: TableInput, format: TableFormat): string {
  return renderTableModel(buildTable(input), format);
}

/** Renders a model from {@link buildTable}. */
export function renderTableModel(model: TableModel, format: TableFormat): string {
  if (format === 'markdown') return renderMarkdown(model);
  if (format === 'csv') return renderCsv(model);
  return renderLatex(model);
}

/** Escapes LaTeX's special characters (& % $ # _ { } ~ ^ \ and < > |) in text mode. */
export function escapeLatex(text: string): string {
  const replacements: Readonly<Record<string, string>> = {
    '\\': '\\textbackslash{}',
    '~': '\\textasciitilde{}',
    '^': '\\textasciicircum{}',
    '<': '\\textless{}',
    '>': '\\textgreater{}',
    '|': '\\textbar{}',
  };
  return text.replace(/[&%$#_{}~^\\<>|]/g, (char) => replacements[char] ?? `\\${char}`);
}

/** Quotes a CSV field per RFC 4180 when it holds a comma, quote, CR or LF. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Escapes characters that would break a Markdown table cell or start emphasis. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\|*_`]/g, (char) => `\\${char}`);
}

/**
 * Value text of a cell: "69.1", "69.1 ± 1.2" (with `plusMinus` between), and " (n=4)" when n is
 * not the modal n; '' for a missing cell. Only digits and these separators, so no escaping.
 */
function cellValue(cell: TableCell, model: TableModel, plusMinus: string): string {
  if (!cell.summary) {
    return '';
  }

  const { mean, std, n } = cell.summary;
  const spread = model.showStd && n >= 2 ? `${plusMinus}${formatPercent(std)}` : '';
  const count = n === model.modalN ? '' : ` (n=${n})`;
  return `${formatPercent(mean)}${spread}${count}`;
}

/** How a format writes the parts of a cell. */
interface CellNotation {
  plusMinus: string;
  best: (value: string) => string;
  marker: (marker: string) => string;
  missing: string;
}

const MARKDOWN_NOTATION: CellNotation = {
  plusMinus: ' ± ',
  best: (value) => `**${value}**`,
  marker: escapeMarkdown,
  missing: '',
};
const CSV_NOTATION: CellNotation = {
  plusMinus: ' ± ',
  best: (value) => `${value}*`,
  marker: (marker) => marker,
  missing: '',
};
const LATEX_NOTATION: CellNotation = {
  plusMinus: ' $\\pm$ ',
  best: (value) => `\\textbf{${value}}`,
  marker: latexMarker,
  missing: '--',
};

/** A cell in a format's notation, followed by the published value when the table has them. */
function formatCell(cell: TableCell, model: TableModel, notation: CellNotation): string[] {
  const value = cellValue(cell, model, notation.plusMinus);
  const marker = cell.significant && model.significance ? model.significance.marker : '';
  const ours =
    value === ''
      ? notation.missing
      : `${cell.best ? notation.best(value) : value}${marker && notation.marker(marker)}`;

  if (!model.hasPublished) {
    return [ours];
  }
  return [ours, cell.published === null ? notation.missing : cell.published.toFixed(1)];
}

function columnTitles(model: TableModel): string[] {
  return model.columns.flatMap((column) => {
    const title = `${column.encoderLabel} ${METRIC_TITLES[column.metric]}`;
    return model.hasPublished ? [title, `${title} (paper)`] : [title];
  });
}

function renderMarkdown(model: TableModel): string {
  const titles = columnTitles(model);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const header = [
    line(['Case', ...titles.map(escapeMarkdown)]),
    line(['---', ...titles.map(() => '---:')]),
  ];

  const body = model.rows.map((row) => {
    if (row.kind === 'heading') {
      return line([`*${escapeMarkdown(row.heading)}*`, ...titles.map(() => '')]);
    }
    const cells = row.cells.flatMap((cell) => formatCell(cell, model, MARKDOWN_NOTATION));
    return line([escapeMarkdown(row.label), ...cells]);
  });

  const caption = model.caption ? [`**${escapeMarkdown(model.caption)}**`, ''] : [];
  const notes = footnotes(model, escapeMarkdown, escapeMarkdown);
  return [...caption, ...header, ...body, '', notes.join('\n\n')].join('\n') + '\n';
}

function renderCsv(model: TableModel): string {
  const records = [['group', 'case', ...columnTitles(model)]];
  let group = '';

  for (const row of model.rows) {
    if (row.kind === 'heading') {
      group = row.heading;
      continue;
    }
    const cells = row.cells.flatMap((cell) => formatCell(cell, model, CSV_NOTATION));
    records.push([group, row.label, ...cells]);
  }

  records.push(['pooled standard deviation', pooledText(model)]);
  return records.map((record) => record.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function renderLatex(model: TableModel): string {
  const perMetric = model.hasPublished ? 2 : 1;
  const width = 1 + model.columns.length * perMetric;
  const encoders = encoderGroups(model.columns);

  const spec = `l${encoders.map(() => 'r'.repeat(2 * perMetric)).join('')}`;
  const encoderHeader = encoders.map(
    (encoder) => `\\multicolumn{${2 * perMetric}}{c}{${escapeLatex(encoder)}}`,
  );
  const metricHeader = model.columns.flatMap((column) => {
    const title = METRIC_TITLES[column.metric];
    return model.hasPublished ? [title, `${title} (paper)`] : [title];
  });

  const body = model.rows.map((row) => {
    if (row.kind === 'heading') {
      return `\\multicolumn{${width}}{l}{\\textit{${escapeLatex(row.heading)}}} \\\\`;
    }
    const cells = row.cells.flatMap((cell) => formatCell(cell, model, LATEX_NOTATION));
    return `${[escapeLatex(row.label), ...cells].join(' & ')} \\\\`;
  });

  const tabular = [
    `\\begin{tabular}{${spec}}`,
    '\\hline',
    `${['Models', ...encoderHeader].join(' & ')} \\\\`,
    `${['', ...metricHeader].join(' & ')} \\\\`,
    '\\hline',
    ...body,
    '\\hline',
    '\\end{tabular}',
  ];
  const notes = footnotes(model, escapeLatex, latexMarker);
  return latexWithNotes(tabular, model.caption, notes).join('\n') + '\n';
}

function latexMarker(marker: string): string {
  return LATEX_MARKERS[marker] ?? escapeLatex(marker);
}

/**
 * With a caption, the notes join it as in the paper ("The average standard deviation is ...");
 * without one they follow the tabular as small paragraphs, so they cannot widen its columns.
 */
function latexWithNotes(tabular: string[], caption: string | null, notes: string[]): string[] {
  if (caption === null) {
    return [...tabular, `{\\footnotesize ${notes.join('\\par ')}\\par}`];
  }
  const text = [escapeLatex(caption), ...notes].join(' ');
  return ['\\begin{table}', '\\centering', ...tabular, `\\caption{${text}}`, '\\end{table}'];
}

/** Encoder labels in column order, one per encoder. */
function encoderGroups(columns: readonly TableColumn[]): string[] {
  const labels = new Map(columns.map((column) => [column.encoder, column.encoderLabel]));
  return [...labels.values()];
}

function pooledText(model: TableModel): string {
  const { all, micro, macro } = model.pooledStd;
  return Number.isNaN(all)
    ? 'n/a'
    : `${all.toFixed(3)} (Micro ${micro.toFixed(3)}, Macro ${macro.toFixed(3)})`;
}

/** Lines under the table: pooled deviation, seeds and bold, significance marker. */
function footnotes(
  model: TableModel,
  escape: (text: string) => string,
  marker: (marker: string) => string,
): string[] {
  const notes = [
    escape(
      `Pooled standard deviation over seeds: ${pooledText(model)}, the root of the mean ` +
        `variance over ${model.pooledStd.cells} cells with n >= 2.`,
    ),
    escape(`Means over n = ${model.modalN} seeds unless marked; best mean per column in bold.`),
  ];

  const significance = model.significance;
  if (significance && significance.tests > 0) {
    const text =
      `: differs from ${significance.baseline} of the same encoder (Welch over seeds, ` +
      `Holm-adjusted p <= ${significance.alpha} across ${significance.tests} tests).`;
    notes.push(marker(significance.marker) + escape(text));
  }
  return notes;
}
