import { buildAuxiliaryData, type AuxiliaryStatistics } from './auxiliary';
import { DatasetLeakageError } from './errors';
import { buildNegatives, buildOodSet, type NegativeStatistics, type OodStatistics } from './extras';
import { LabelResolver } from './labels';
import { findLeakage, summariseLeakage, type LeakageFinding, type LeakageSummary } from './leakage';
import { buildPrimaryData, type PrimaryClass, type PrimaryStatistics } from './primary';
import type { RawInputs } from './raw-inputs';
import type { DatasetSettings } from './settings';
import { splitClass, type SplitName } from './split';

/** One row of a JSON Lines artifact; negatives carry no label. */
export interface LabelledRow {
  text: string;
  label: string | null;
}

export interface DatasetClassSummary {
  id: string;
  name: string;
  aliases: string[];
  rawLabels: Record<string, number>;
  sentences: number;
  train: number;
  dev: number;
  test: number;
  auxiliary: number;
}

export interface DatasetRows {
  train: LabelledRow[];
  dev: LabelledRow[];
  test: LabelledRow[];
  auxiliary: LabelledRow[];
  negatives: LabelledRow[] | null;
  ood: LabelledRow[] | null;
}

export interface DatasetStatistics {
  /** The paper's Table 2. */
  table2: {
    classes: number;
    sentences: number;
    train: number;
    dev: number;
    test: number;
    auxiliary: number;
  };
  classesWithThree: number;
  labelAttackVersion: string;
  auxiliaryAttackVersion: string;
  /** Class size → number of classes. */
  classSizeHistogram: { primary: Record<string, number>; auxiliary: Record<string, number> };
  primary: PrimaryStatistics;
  auxiliary: AuxiliaryStatistics;
  negatives: NegativeStatistics | null;
  ood: OodStatistics | null;
  leakage: LeakageSummary;
}

export interface BuiltDataset {
  classes: DatasetClassSummary[];
  rows: DatasetRows;
  findings: LeakageFinding[];
  statistics: DatasetStatistics;
}

/** The whole recipe on parsed inputs: no I/O, so equal inputs and settings give equal output. */
export function buildDataset(settings: DatasetSettings, raw: RawInputs): BuiltDataset {
  const resolver = new LabelResolver(raw.labelCatalog, { ...settings.primary, ...settings.labels });
  const primary = buildPrimaryData(raw.primary, resolver, settings.primary);
  const splits = splitPrimary(primary.classes, settings.split.seed);

  const auxiliary = buildAuxiliaryData(primary.classes, raw.auxiliaryCatalog, settings.auxiliary);
  const auxiliaryRows = auxiliary.sentences.map((s) => ({ text: s.text, label: s.classId }));
  const gate = runLeakageGate(splits, auxiliaryRows, settings);

  const classIds = new Set(primary.classes.map((dataClass) => dataClass.id));
  const negatives = settings.negatives.enabled ? buildNegatives(raw.primary) : null;
  const ood =
    raw.ood === null
      ? null
      : buildOodSet(raw.ood.source, raw.ood.rows, raw.primary, resolver, classIds);

  const rows: DatasetRows = {
    ...splits,
    auxiliary: gate.auxiliary,
    negatives: negatives?.texts.map((text) => ({ text, label: null })) ?? null,
    ood: ood?.sentences.map((s) => ({ text: s.text, label: s.classId })) ?? null,
  };
  const classes = summariseClasses(primary.classes, rows);
  const statistics: DatasetStatistics = {
    ...headlineStatistics(classes, rows, primary.statistics, raw),
    primary: primary.statistics,
    auxiliary: { ...auxiliary.statistics, sentences: rows.auxiliary.length },
    negatives: negatives?.statistics ?? null,
    ood: ood?.statistics ?? null,
    leakage: summariseLeakage(gate.findings, settings.leakage),
  };
  return { classes, rows, findings: gate.findings, statistics };
}

/** Table 2, the class-size histograms (the paper's Figure 2) and the ATT&CK releases used. */
function headlineStatistics(
  classes: readonly DatasetClassSummary[],
  rows: DatasetRows,
  primary: PrimaryStatistics,
  raw: RawInputs,
) {
  return {
    table2: {
      classes: classes.length,
      sentences: primary.sentences,
      train: rows.train.length,
      dev: rows.dev.length,
      test: rows.test.length,
      auxiliary: rows.auxiliary.length,
    },
    classesWithThree: primary.classesWithThree,
    labelAttackVersion: raw.labelCatalog.version,
    auxiliaryAttackVersion: raw.auxiliaryCatalog.version,
    classSizeHistogram: {
      primary: histogramOf(classes.map((c) => c.sentences)),
      auxiliary: histogramOf(classes.map((c) => c.auxiliary)),
    },
  };
}

/** Each class shuffled with its own seed and cut 2:1:1; rows grouped by class in ID order. */
function splitPrimary(classes: readonly PrimaryClass[], seed: number) {
  const splits: Record<SplitName, LabelledRow[]> = { train: [], dev: [], test: [] };
  for (const dataClass of classes) {
    const cut = splitClass(dataClass.sentences, seed, dataClass.id);
    for (const name of ['train', 'dev', 'test'] as const) {
      splits[name].push(...cut[name].map((s) => ({ text: s.text, label: dataClass.id })));
    }
  }
  return splits;
}

/**
 * Finds exact and near duplicates; an exact duplicate across train, dev and test fails the build.
 * Auxiliary sentences that duplicate a dev or test sentence are kept and counted unless the
 * settings drop them.
 */
function runLeakageGate(
  splits: Record<SplitName, LabelledRow[]>,
  auxiliary: LabelledRow[],
  settings: DatasetSettings,
) {
  const textsOf = (rows: LabelledRow[]) => rows.map((row) => row.text);
  const findings = findLeakage(
    [
      { name: 'train', texts: textsOf(splits.train) },
      { name: 'dev', texts: textsOf(splits.dev) },
      { name: 'test', texts: textsOf(splits.test) },
      { name: 'auxiliary', texts: textsOf(auxiliary) },
    ],
    settings.leakage,
  );

  const crossSplit = findings.filter((f) => f.kind === 'exact' && f.partA !== 'auxiliary');
  if (crossSplit.length > 0) {
    throw new DatasetLeakageError(
      crossSplit.map((f) => ({ partA: f.partA, partB: f.partB, text: f.textA })),
    );
  }

  if (!settings.auxiliary.dropNearDuplicates) {
    return { findings, auxiliary };
  }
  const flagged = new Set(findings.filter((f) => f.partA === 'auxiliary').map((f) => f.indexA));
  return {
    findings: findings.map((f) => ({ ...f, dropped: f.partA === 'auxiliary' })),
    auxiliary: auxiliary.filter((_, index) => !flagged.has(index)),
  };
}

function summariseClasses(classes: readonly PrimaryClass[], rows: DatasetRows) {
  const countsOf = (list: LabelledRow[]) => {
    const counts = new Map<string, number>();
    list.forEach((row) => counts.set(row.label ?? '', (counts.get(row.label ?? '') ?? 0) + 1));
    return counts;
  };
  const train = countsOf(rows.train);
  const dev = countsOf(rows.dev);
  const test = countsOf(rows.test);
  const auxiliary = countsOf(rows.auxiliary);

  return classes.map((dataClass): DatasetClassSummary => ({
    id: dataClass.id,
    name: dataClass.name,
    aliases: dataClass.aliases,
    rawLabels: Object.fromEntries(Object.entries(dataClass.rawLabels).sort()),
    sentences: dataClass.sentences.length,
    train: train.get(dataClass.id) ?? 0,
    dev: dev.get(dataClass.id) ?? 0,
    test: test.get(dataClass.id) ?? 0,
    auxiliary: auxiliary.get(dataClass.id) ?? 0,
  }));
}

function histogramOf(sizes: readonly number[]): Record<string, number> {
  const counts = new Map<number, number>();
  sizes.forEach((size) => counts.set(size, (counts.get(size) ?? 0) + 1));
  return Object.fromEntries(
    [...counts.entries()].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v]),
  );
}
