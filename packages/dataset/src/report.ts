import type { PreparedDataset } from './prepare';

/** The paper's Table 2, for comparison in the text report. */
export const PAPER_TABLE2 = { train: 754, dev: 355, test: 382, auxiliary: 2637 } as const;

const SIZE_BUCKETS: readonly [string, number, number][] = [
  ['0', 0, 0],
  ['1-2', 1, 2],
  ['3', 3, 3],
  ['4-5', 4, 5],
  ['6-10', 6, 10],
  ['11-20', 11, 20],
  ['21-50', 21, 50],
  ['51-100', 51, 100],
  ['>100', 101, Number.POSITIVE_INFINITY],
];

/** The one JSON object `ttpgrid data stats --json` prints. */
export function datasetSummaryOf(prepared: PreparedDataset) {
  const { statistics, settings } = prepared;
  return {
    datasetVersion: prepared.version,
    label: prepared.label,
    sentences: statistics.table2.sentences,
    classes: statistics.table2.classes,
    train: statistics.table2.train,
    dev: statistics.table2.dev,
    test: statistics.table2.test,
    auxiliary: statistics.table2.auxiliary,
    classesWithThree: statistics.classesWithThree,
    attackVersion: settings.auxiliary.attackVersion,
    labelAttackVersion: settings.labels.attackVersion,
    splitSeed: settings.split.seed,
    negatives: statistics.negatives?.sentences ?? null,
    ood: statistics.ood?.sentences ?? null,
    classSizeHistogram: statistics.classSizeHistogram,
    leakage: statistics.leakage,
    unknownIds: statistics.primary.unknownIds,
    retiredIds: statistics.primary.retiredIds,
    artifacts: prepared.artifacts,
  };
}

/** The text report: Table 2's layout, the class-size histogram and the leakage summary. */
export function formatDatasetReport(prepared: PreparedDataset): string {
  return [
    ...headerLines(prepared),
    '',
    ...table2Lines(prepared),
    '',
    ...histogramLines(prepared),
    '',
    ...leakageLines(prepared),
    '',
    ...labelProblemLines(prepared),
  ].join('\n');
}

function headerLines(prepared: PreparedDataset): string[] {
  const { settings } = prepared;
  return [
    `Dataset version ${prepared.version}`,
    `Primary ${settings.primary.path} · labels ATT&CK ${settings.labels.attackVersion} · ` +
      `auxiliary ATT&CK ${settings.auxiliary.attackVersion} · split seed ${settings.split.seed}`,
  ];
}

function table2Lines(prepared: PreparedDataset): string[] {
  const t = prepared.statistics.table2;
  const rows = [
    ['Data Set', 'D^P Train', 'D^P Dev', 'D^P Test', 'D^A'],
    ['# Sent', t.train, t.dev, t.test, t.auxiliary].map(formatCell),
    ['(paper)', ...Object.values(PAPER_TABLE2)].map(formatCell),
  ];
  return [
    ...tableLines(rows),
    `Table 2: ${formatCell(t.classes)} classes, ${formatCell(t.sentences)} primary sentences and ` +
      `${formatCell(t.auxiliary)} auxiliary sentences; ` +
      `${prepared.statistics.classesWithThree} classes of exactly 3 sentences.`,
  ];
}

function histogramLines(prepared: PreparedDataset): string[] {
  const sizesOf = (key: 'sentences' | 'auxiliary') => prepared.classes.map((c) => c[key]);
  const primary = bucketCounts(sizesOf('sentences'));
  const auxiliary = bucketCounts(sizesOf('auxiliary'));
  const rows = [
    ['Sentences per class', 'D^P classes', 'D^A classes'],
    ...SIZE_BUCKETS.map(([name], index) => [
      name,
      String(primary[index]),
      String(auxiliary[index]),
    ]),
  ];
  return ['Class sizes (Figure 2)', ...tableLines(rows)];
}

function leakageLines(prepared: PreparedDataset): string[] {
  const { leakage } = prepared.statistics;
  const rows = [
    ['Pair', 'exact', 'near'],
    ...Object.entries(leakage.pairs).map(([pair, c]) => [pair, String(c.exact), String(c.near)]),
  ];
  const kept = leakage.auxiliarySentencesFlagged - leakage.auxiliarySentencesDropped;
  return [
    `Leakage (${leakage.measure})`,
    ...tableLines(rows),
    `Auxiliary sentences duplicating a dev or test sentence: ` +
      `${leakage.auxiliarySentencesFlagged} ` +
      `(${kept} kept, ${leakage.auxiliarySentencesDropped} dropped)`,
  ];
}

function labelProblemLines(prepared: PreparedDataset): string[] {
  const { unknownIds, retiredIds } = prepared.statistics.primary;
  const unknown = unknownIds.map((entry) => `${entry.id} (${entry.sentences})`).join(', ');
  return [
    `Unknown technique IDs: ${unknownIds.length === 0 ? 'none' : unknown}`,
    `Revoked or deprecated IDs: ${retiredIds.length === 0 ? 'none' : retiredIds.length}`,
    ...retiredIds.map(
      (entry) =>
        `  ${entry.id} ${entry.status}, ${entry.sentences} sentence(s), ` +
        `${entry.sentencesKept} kept in ${entry.resolvedTo ?? 'no class'}: ${entry.action}`,
    ),
  ];
}

function bucketCounts(sizes: readonly number[]): number[] {
  return SIZE_BUCKETS.map(([, low, high]) => sizes.filter((s) => s >= low && s <= high).length);
}

function tableLines(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

function formatCell(value: string | number): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : value;
}
