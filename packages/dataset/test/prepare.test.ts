import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getJson, getJsonLines, LocalArtifactStore } from '@ttpgrid/artifacts';

import { DatasetLeakageError } from '../src/errors';
import { MemoryArtifactStore } from '../src/memory-store';
import { prepareDataset, type PreparedDataset } from '../src/prepare';
import { datasetSummaryOf, formatDatasetReport } from '../src/report';
import {
  createFixtureDir,
  FIXTURE_PRIMARY,
  FIXTURE_SETTINGS,
  reportExportText,
  type FixtureDir,
} from './fixtures';

const quiet = { logger: silentLogger() };

function silentLogger() {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  return logger;
}

describe('prepareDataset on the fixture data', () => {
  let fixture: FixtureDir;
  let store: MemoryArtifactStore;
  let prepared: PreparedDataset;

  beforeAll(async () => {
    fixture = await createFixtureDir();
    store = new MemoryArtifactStore();
    prepared = await prepareDataset(FIXTURE_SETTINGS, {
      rawDataDir: fixture.root,
      store,
      ...quiet,
    });
  });

  afterAll(async () => fixture.remove());

  it('reports Table 2 for the fixture', () => {
    expect(prepared.statistics.table2).toEqual({
      classes: 5,
      sentences: 19,
      train: 8,
      dev: 5,
      test: 6,
      auxiliary: 15,
    });
    expect(prepared.statistics.classesWithThree).toBe(3);
    expect(prepared.statistics.classSizeHistogram.primary).toEqual({ '3': 3, '4': 1, '6': 1 });
  });

  it('writes the splits as JSON Lines of {text, label} with canonical IDs', async () => {
    const train = await getJsonLines<{ text: string; label: string }>(
      store,
      prepared.artifacts.train,
    );
    expect(train).toHaveLength(8);
    expect(Object.keys(train[0] ?? {})).toEqual(['text', 'label']);
    expect(new Set(train.map((row) => row.label))).toEqual(
      new Set(['T1005', 'T1053', 'T1059', 'T1573', 'T1630']),
    );
    const labelSet = await getJson<string[]>(store, prepared.artifacts.labelSet);
    expect(labelSet).toEqual(['T1005', 'T1053', 'T1059', 'T1573', 'T1630']);
  });

  it('gives every class one sentence per split when it has three', () => {
    const small = prepared.classes.filter((c) => c.sentences === 3);
    expect(small.map((c) => [c.train, c.dev, c.test])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('builds the auxiliary sentences from active techniques and sub-techniques', async () => {
    const auxiliary = await getJsonLines<{ text: string; label: string }>(
      store,
      prepared.artifacts.auxiliary,
    );
    const t1059 = auxiliary.filter((row) => row.label === 'T1059').map((row) => row.text);
    expect(t1059).toEqual([
      'Adversaries may abuse interpreters, e.g. cmd.exe, to run commands.',
      'See PowerShell for one of them.',
      'Common interpreters include:',
      'Bash',
      'Python 3.11',
      'PowerShell is powerful.',
      'It is on Windows.',
    ]);
    expect(prepared.statistics.auxiliary).toMatchObject({
      sentences: 15,
      duplicatesWithinAuxiliary: 3,
      classesWithoutTechnique: ['T1630'],
      classesWithFewerThanThree: ['T1005', 'T1573', 'T1630'],
    });
  });

  it('keeps negatives and an out-of-distribution set as separate artifacts', async () => {
    const negatives = await getJsonLines(store, prepared.artifacts.negatives as string);
    expect(negatives).toEqual([
      { text: 'The weather was nice that day.', label: null },
      { text: 'Nothing malicious happened here.', label: null },
    ]);

    const ood = await getJsonLines(store, prepared.artifacts.ood as string);
    expect(ood).toEqual([{ text: 'A fresh report says PowerShell was used.', label: 'T1059' }]);
    expect(prepared.statistics.ood).toMatchObject({
      rows: 6,
      outsideClasses: 1,
      inPrimaryFile: 1,
      duplicatesRemoved: 1,
      unknownIds: [
        { id: 'T1573.001', sentences: 1 },
        { id: 'T8888', sentences: 1 },
      ],
    });
  });

  it('prints the summary object and the Table 2 report', () => {
    const summary = datasetSummaryOf(prepared);
    expect(summary).toMatchObject({
      datasetVersion: prepared.version,
      sentences: 19,
      classes: 5,
      train: 8,
      dev: 5,
      test: 6,
      auxiliary: 15,
      classesWithThree: 3,
      attackVersion: 'v14.1',
      labelAttackVersion: 'v14.1',
    });

    const report = formatDatasetReport(prepared);
    expect(report).toMatch(/Data Set +D\^P Train +D\^P Dev +D\^P Test +D\^A\n# Sent +8 +5 +6 +15/);
    expect(report).toContain('Class sizes (Figure 2)');
    expect(report).toContain('Leakage (word 3-gram Jaccard >= 0.7');
    expect(report).toContain('T1053.001 revoked, 1 sentence(s), 1 kept in T1053');
  });
});

describe('dataset versions', () => {
  let fixture: FixtureDir;
  const stores: string[] = [];

  beforeAll(async () => {
    fixture = await createFixtureDir();
  });

  afterAll(async () => {
    await fixture.remove();
    await Promise.all(stores.map((root) => rm(root, { recursive: true, force: true })));
  });

  async function prepareInNewStore(settings: object) {
    const root = await mkdtemp(join(tmpdir(), 'ttpgrid-dataset-store-'));
    stores.push(root);
    const store = new LocalArtifactStore(root);
    const prepared = await prepareDataset(settings, { rawDataDir: fixture.root, store, ...quiet });
    return { store, prepared };
  }

  it('gives the same version and byte-identical artifacts for the same inputs', async () => {
    const first = await prepareInNewStore(FIXTURE_SETTINGS);
    const second = await prepareInNewStore(FIXTURE_SETTINGS);
    expect(second.prepared.version).toBe(first.prepared.version);
    expect(second.prepared.artifacts).toEqual(first.prepared.artifacts);

    for (const key of Object.values(first.prepared.artifacts)) {
      const a = await readFile(first.store.pathOf(key as string));
      const b = await readFile(second.store.pathOf(key as string));
      expect(b.equals(a)).toBe(true);
    }
  });

  it('changes only the auxiliary data and the version when only its release changes', async () => {
    const base = await prepareInNewStore(FIXTURE_SETTINGS);
    const changed = await prepareInNewStore({
      ...FIXTURE_SETTINGS,
      auxiliary: { attackVersion: 'v15.1' },
    });
    const [a, b] = [base.prepared.artifacts, changed.prepared.artifacts];

    expect(changed.prepared.version).not.toBe(base.prepared.version);
    expect(b.auxiliary).not.toBe(a.auxiliary);
    expect([b.train, b.dev, b.test, b.labelSet]).toEqual([a.train, a.dev, a.test, a.labelSet]);
  });

  it('changes the version when any setting or input byte changes', async () => {
    const base = await prepareDataset(FIXTURE_SETTINGS, { rawDataDir: fixture.root, ...quiet });
    const seeded = await prepareDataset(
      { ...FIXTURE_SETTINGS, split: { seed: 2 } },
      { rawDataDir: fixture.root, ...quiet },
    );
    expect(seeded.version).not.toBe(base.version);

    const edited = await createFixtureDir({
      [FIXTURE_PRIMARY]: reportExportText([['x', 'T1059']]),
    });
    const other = await prepareDataset(FIXTURE_SETTINGS, { rawDataDir: edited.root, ...quiet });
    await edited.remove();
    expect(other.version).not.toBe(base.version);
  });
});

describe('leakage gate in prepareDataset', () => {
  const copies = Array.from({ length: 6 }, () => ['Same sentence in every split.', 'T1059']);
  const auxiliaryLike = [
    ['PowerShell is powerful!', 'T1059'],
    ['POWERSHELL is powerful!!', 'T1059'],
    ['Powershell is powerful...', 'T1059'],
    ['Unrelated filler about something else entirely.', 'T1059'],
  ];

  it('fails the build on exact duplicates across splits', async () => {
    const fixture = await createFixtureDir({
      [FIXTURE_PRIMARY]: reportExportText(copies as [string, string][]),
    });
    const settings = { ...FIXTURE_SETTINGS, primary: { path: FIXTURE_PRIMARY, dedupe: false } };
    const result = prepareDataset(settings, { rawDataDir: fixture.root, ...quiet });
    await expect(result).rejects.toThrow(DatasetLeakageError);
    await expect(result).rejects.toThrow(/exact duplicate\(s\) across train, dev and test/);
    await fixture.remove();
  });

  it('keeps auxiliary near duplicates by default and drops them when asked', async () => {
    const fixture = await createFixtureDir({
      [FIXTURE_PRIMARY]: reportExportText(auxiliaryLike as [string, string][]),
    });
    const options = { rawDataDir: fixture.root, ...quiet };
    const settings = FIXTURE_SETTINGS;
    const kept = await prepareDataset(settings, options);
    const dropped = await prepareDataset(
      { ...settings, auxiliary: { dropNearDuplicates: true } },
      options,
    );
    await fixture.remove();

    const flagged = kept.findings.filter((f) => f.partA === 'auxiliary');
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((f) => !f.dropped && f.textA === 'PowerShell is powerful.')).toBe(true);
    expect(kept.statistics.leakage.auxiliarySentencesDropped).toBe(0);

    expect(dropped.statistics.table2.auxiliary).toBe(kept.statistics.table2.auxiliary - 1);
    expect(dropped.findings.filter((f) => f.partA === 'auxiliary').every((f) => f.dropped)).toBe(
      true,
    );
    expect(dropped.statistics.leakage.auxiliarySentencesDropped).toBe(1);
  });
});

describe('TRAM 2 single-label primary format', () => {
  it('builds a dataset from a list of {text, label}', async () => {
    const rows = [
      ...['a', 'b', 'c', 'd'].map((x) => ({
        text: `PowerShell sample ${x} ran.`,
        label: 'T1059.001',
      })),
      ...['a', 'b', 'c'].map((x) => ({ text: `Encrypted sample ${x} sent.`, label: 'T1521' })),
    ];
    const fixture = await createFixtureDir({ 'tram/two/single_label.json': JSON.stringify(rows) });
    const prepared = await prepareDataset(
      {
        primary: { path: 'tram/two/single_label.json', format: 'tram2-single-label' },
        ood: { path: null },
      },
      { rawDataDir: fixture.root, ...quiet },
    );
    await fixture.remove();

    expect(prepared.classes.map((c) => [c.id, c.sentences, c.aliases])).toEqual([
      ['T1059', 4, []],
      ['T1573', 3, ['T1521']],
    ]);
    expect(prepared.statistics.negatives?.sentences).toBe(0);
    expect(prepared.artifacts.ood).toBeNull();
  });
});
