import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';
import { parseCase, type GridSpec } from '@ttpgrid/grid';
import {
  buildTable,
  renderTableModel,
  type MetricName,
  type PublishedScores,
  type TableCell,
  type TableModel,
} from '@ttpgrid/metrics';

import {
  axesLabel,
  distinct,
  loadResultRows,
  RecordNotFoundError,
  type ResultRow,
} from './result-rows';

const log = createLogger('grid.results');

export type TableFormat = 'markdown' | 'csv' | 'latex' | 'json';

export interface ExperimentTableOptions {
  format: TableFormat;
  /** One metric's columns only; both (the paper's layout) when left out. */
  metric?: MetricName;
  /** `mean ± std` in each cell (default) or the mean alone. */
  showStd?: boolean;
  /** Where `experiments/<paperValues>` lives. */
  repoRoot: string;
}

export interface TableCellView {
  caseName: string;
  encoder: string;
  encoderLabel: string;
  metric: MetricName;
  n: number;
  mean: number | null;
  std: number | null;
  ci: { lower: number; upper: number; level: number } | null;
  best: boolean;
  significant: boolean;
  published: number | null;
  comparison: { difference: number; pValue: number; adjustedP: number | null } | null;
}

export interface TableView {
  experimentId: string;
  name: string;
  mode: string;
  probe: boolean;
  caption: string;
  metric: MetricName | 'both';
  columns: { encoder: string; encoderLabel: string; metric: MetricName }[];
  rows: { caseName: string; label: string; cells: TableCellView[] }[];
  pooledStd: { all: number; micro: number; macro: number; cells: number };
  modalN: number;
}

export interface RenderedTable {
  format: TableFormat;
  text: string | null;
  view: TableView;
}

/**
 * The result table of one experiment in the layout of the paper's Table 3: a row per case in
 * the spec's order, Micro and Macro columns per encoder (and per combination of other axes),
 * mean ± std over seeds, best per column marked, cases that differ from P marked after Holm.
 */
export async function renderExperimentTable(
  db: Database,
  experimentId: string,
  options: ExperimentTableOptions,
): Promise<RenderedTable> {
  const experiment = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', experimentId);

  const spec = experiment.spec as unknown as GridSpec;
  const rows = await loadResultRows(db, { experimentId });
  const paper = await readPaperValues(options.repoRoot, spec.paperValues);
  const model = restrictToMetric(
    buildTable({
      rows,
      groups: [{ cases: caseOrder(spec, rows) }],
      encoders: columnOrder(spec, rows),
      encoderLabels: encoderLabels(rows, paper?.labels),
      showStd: options.showStd ?? true,
      published: paper ? publishedFor(rows, paper) : undefined,
      caption: captionOf(experiment.name, experiment.mode, experiment.datasetVersionId),
    }),
    options.metric,
  );

  const view = tableView(experiment, model, options.metric);
  if (options.format === 'json') return { format: 'json', text: null, view };
  return { format: options.format, text: renderText(model, options), view };
}

function renderText(model: TableModel, options: ExperimentTableOptions): string {
  const text = renderTableModel(model, options.format as 'markdown' | 'csv' | 'latex');
  return options.format === 'latex' && options.metric ? oneMetricLatex(text, model) : text;
}

/** Cases in the spec's order (normalised names), then any others that have runs. */
function caseOrder(spec: GridSpec, rows: readonly ResultRow[]): string[] {
  const declared = (spec.cases ?? []).map((name) => safeCaseName(name));
  return distinct([...declared, ...rows.map((row) => row.case)]);
}

function safeCaseName(name: string): string {
  try {
    return parseCase(name).name;
  } catch {
    return name;
  }
}

/** Column keys ordered by the spec's encoder order, then by axes label. */
function columnOrder(spec: GridSpec, rows: readonly ResultRow[]): string[] {
  const rank = (encoder: string) => {
    const index = (spec.encoders ?? []).indexOf(encoder);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  const sorted = [...rows].sort(
    (a, b) =>
      rank(a.encoderName) - rank(b.encoderName) ||
      axesLabel(a.axes).localeCompare(axesLabel(b.axes)),
  );
  return distinct(sorted.map((row) => row.encoder));
}

function encoderLabels(rows: readonly ResultRow[], paperLabels?: Record<string, string>) {
  const labels: Record<string, string> = {};
  for (const row of rows) {
    const name = paperLabels?.[row.encoderName] ?? row.encoderName;
    const axes = axesLabel(row.axes);
    labels[row.encoder] = axes ? `${name} [${axes}]` : name;
  }
  return labels;
}

function captionOf(name: string, mode: string, datasetVersionId: string | null): string {
  const probe = mode.split(',').includes('probe')
    ? '; PROBE mode (frozen encoder, linear head): not comparable with fine-tuning'
    : '';
  const dataset = datasetVersionId ? `; dataset ${datasetVersionId.slice(0, 12)}` : '';
  return `${name}: test Micro-F1 and Macro-F1 (%), mean ± std over seeds${probe}${dataset}`;
}

interface PaperValues {
  labels: Record<string, string>;
  values: Record<string, Record<string, [number, number]>>;
}

/** `experiments/<file>` named by the spec; missing or unreadable files leave the column out. */
export async function readPaperValues(
  repoRoot: string,
  file: string | undefined,
): Promise<PaperValues | null> {
  if (!file) return null;
  if (!/^[\w.-]+\.json$/.test(file) || file.includes('..')) {
    log.warn('paper values file name refused', { file });
    return null;
  }
  try {
    const text = await readFile(join(repoRoot, 'experiments', file), 'utf8');
    const parsed = JSON.parse(text) as {
      encoders?: Record<string, string>;
      values?: PaperValues['values'];
    };
    return { labels: parsed.encoders ?? {}, values: parsed.values ?? {} };
  } catch (error) {
    log.warn('paper values unreadable', { file, error });
    return null;
  }
}

function publishedFor(rows: readonly ResultRow[], paper: PaperValues): PublishedScores {
  const published: Record<string, Record<string, { micro: number; macro: number }>> = {};
  for (const row of rows) {
    const value = paper.values[row.case]?.[row.encoderName];
    if (!value) continue;
    published[row.case] ??= {};
    published[row.case]![row.encoder] = { micro: value[0], macro: value[1] };
  }
  return published;
}

/** Keeps one metric's columns; the model's statistics stay those of the whole table. */
function restrictToMetric(model: TableModel, metric: MetricName | undefined): TableModel {
  if (!metric) return model;
  return {
    ...model,
    columns: model.columns.filter((column) => column.metric === metric),
    rows: model.rows.map((row) =>
      row.kind === 'case'
        ? { ...row, cells: row.cells.filter((cell) => cell.metric === metric) }
        : row,
    ),
  };
}

/**
 * The LaTeX renderer spans two columns (Micro, Macro) per encoder; with one metric each encoder
 * spans one. TODO(#6): a `metrics` option in @ttpgrid/metrics' renderTable would make this go.
 */
function oneMetricLatex(text: string, model: TableModel): string {
  const perEncoder = model.hasPublished ? 2 : 1;
  const encoders = distinct(model.columns.map((column) => column.encoder)).length;
  const spec = `l${'r'.repeat(perEncoder * encoders)}`;
  return text
    .replace(/\\begin\{tabular\}\{l[r]*\}/, `\\begin{tabular}{${spec}}`)
    .replaceAll(`\\multicolumn{${2 * perEncoder}}{c}`, `\\multicolumn{${perEncoder}}{c}`);
}

function tableView(
  experiment: { id: string; name: string; mode: string },
  model: TableModel,
  metric: MetricName | undefined,
): TableView {
  const rows = model.rows.flatMap((row) =>
    row.kind === 'case'
      ? [{ caseName: row.caseName, label: row.label, cells: row.cells.map(cellView) }]
      : [],
  );
  return {
    experimentId: experiment.id,
    name: experiment.name,
    mode: experiment.mode,
    probe: experiment.mode.split(',').includes('probe'),
    caption: model.caption ?? '',
    metric: metric ?? 'both',
    columns: model.columns.map(({ encoder, encoderLabel, metric: name }) => ({
      encoder,
      encoderLabel,
      metric: name,
    })),
    rows,
    pooledStd: model.pooledStd,
    modalN: model.modalN,
  };
}

function cellView(cell: TableCell): TableCellView {
  const welch = cell.comparison?.welch ?? null;
  return {
    caseName: cell.caseName,
    encoder: cell.encoder,
    encoderLabel: cell.encoderLabel,
    metric: cell.metric,
    n: cell.summary?.n ?? 0,
    mean: cell.summary?.mean ?? null,
    std: finiteOrNull(cell.summary?.std),
    ci: cell.summary?.ci ?? null,
    best: cell.best,
    significant: cell.significant,
    published: cell.published,
    comparison: welch
      ? {
          difference: welch.difference,
          pValue: welch.pValue,
          adjustedP: cell.comparison?.adjustedP ?? null,
        }
      : null,
  };
}

export function finiteOrNull(value: number | undefined | null): number | null {
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}
