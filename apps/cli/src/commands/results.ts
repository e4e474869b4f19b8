import { Option, type Command } from 'commander';

import { CliError, EXIT } from '../exit-codes';
import {
  apiCommand,
  clientFor,
  printJson,
  printLines,
  recordId,
  type ApiOptions,
} from './api-command';
import { percent } from './views';

interface TableOptions extends ApiOptions {
  metric?: 'micro' | 'macro';
  format: 'markdown' | 'csv' | 'latex' | 'json';
  std: boolean;
}

interface CompareOptions extends ApiOptions {
  metric?: 'micro' | 'macro' | 'minorityMacro';
}

interface CompareCell {
  caseName: string;
  encoder: string;
  axes: Record<string, string | number>;
  metric: string;
  a: { n: number; mean: number | null; std: number | null };
  b: { n: number; mean: number | null; std: number | null };
  difference: number | null;
  ci: { lower: number; upper: number } | null;
  adjustedP: number | null;
  significant: boolean;
}

interface Comparison {
  a: { id: string; name: string; datasetVersionIds: string[] };
  b: { id: string; name: string; datasetVersionIds: string[] };
  cells: CompareCell[];
  onlyInA: unknown[];
  onlyInB: unknown[];
}

/** `table` and `compare`, through the API. */
export function registerResultCommands(program: Command) {
  apiCommand(program.command('table'))
    .argument('<id>', 'experiment ID')
    .description("print an experiment's result table in the layout of the paper's Table 3")
    .addOption(
      new Option('--metric <metric>', 'one metric only (default: both)').choices([
        'micro',
        'macro',
      ]),
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['markdown', 'csv', 'latex', 'json'])
        .default('markdown'),
    )
    .option('--no-std', 'means only, without ± standard deviation')
    .action((id: string, options: TableOptions) => table(id, options));

  apiCommand(program.command('compare'))
    .argument('<a>', 'experiment ID (the reference)')
    .argument('<b>', 'experiment ID compared with it')
    .description('compare two experiments cell by cell: b − a with 95 % intervals (Welch)')
    .addOption(
      new Option('--metric <metric>', 'one metric (default: micro and macro)').choices([
        'micro',
        'macro',
        'minorityMacro',
      ]),
    )
    .action((a: string, b: string, options: CompareOptions) => compare(a, b, options));
}

async function table(id: string, options: TableOptions) {
  const experimentId = recordId(id);
  const format = options.json ? 'json' : options.format;
  const query = { format, metric: options.metric, std: options.std ? undefined : 'false' };
  const client = clientFor(options);
  if (format === 'json') {
    return printJson(await client.read(`/api/experiments/${experimentId}/table`, query));
  }
  process.stdout.write(await client.readText(`/api/experiments/${experimentId}/table`, query));
}

async function compare(a: string, b: string, options: CompareOptions) {
  const [first, second] = [recordId(a), recordId(b)];
  if (first === second)
    throw new CliError('compare needs two different experiments', EXIT.badInput);
  const comparison = await clientFor(options).read<Comparison>('/api/compare', {
    a: first,
    b: second,
    metric: options.metric,
  });
  if (options.json) return printJson(comparison);
  printLines(comparisonLines(comparison));
}

function comparisonLines(comparison: Comparison): string[] {
  const header = [
    `a: ${comparison.a.id}  ${comparison.a.name}`,
    `b: ${comparison.b.id}  ${comparison.b.name}`,
    '',
    `${'case'.padEnd(14)} ${'encoder'.padEnd(20)} ${'metric'.padEnd(13)} ${'a'.padStart(13)} ` +
      `${'b'.padStart(13)} ${'b − a'.padStart(7)}  95 % interval   adj. p`,
  ];
  const rows = comparison.cells.map((cell) => {
    const interval = cell.ci ? `[${signed(cell.ci.lower)}, ${signed(cell.ci.upper)}]` : 'n/a';
    const p = cell.adjustedP === null ? 'n/a' : cell.adjustedP.toFixed(3);
    return (
      `${cell.caseName.padEnd(14)} ${cell.encoder.padEnd(20)} ${cell.metric.padEnd(13)} ` +
      `${side(cell.a).padStart(13)} ${side(cell.b).padStart(13)} ` +
      `${(cell.difference === null ? 'n/a' : signed(cell.difference)).padStart(7)}  ` +
      `${interval.padEnd(15)}  ${p}${cell.significant ? ' *' : ''}`
    );
  });
  const missing = comparison.onlyInA.length + comparison.onlyInB.length;
  const note = missing ? [`${missing} cells are in only one of the two experiments`] : [];
  return [...header, ...rows, ...note];
}

function side(summary: CompareCell['a']): string {
  if (summary.mean === null) return '—';
  const std = summary.std === null ? '' : ` ± ${percent(summary.std)}`;
  return `${percent(summary.mean)}${std}`;
}

function signed(value: number): string {
  const text = (value * 100).toFixed(1);
  return value > 0 ? `+${text}` : text;
}
