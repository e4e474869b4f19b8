import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@ttpgrid/config';

import { prepareDataset, type PreparedDataset } from '../src/prepare';
import { PRIMARY_PATH } from '../src/settings';

/**
 * The paper's Table 2 from the raw public files in `TTPGRID_DATA_DIR` (../shared/data). CI has the
 * data; where it is missing the suite is skipped, loudly, rather than failing on a missing folder.
 */
const rawDataDir = loadConfig().rawDataDir;
const hasData = existsSync(join(rawDataDir, PRIMARY_PATH));
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe.skipIf(!hasData)(`real data in ${rawDataDir}`, () => {
  let prepared: PreparedDataset;

  beforeAll(async () => {
    prepared = await prepareDataset({}, { rawDataDir, logger: silent });
  });

  it('reproduces the primary counts of the paper: 1,491 sentences, 73 classes, 14 of three', () => {
    expect(prepared.statistics.table2).toMatchObject({ sentences: 1491, classes: 73 });
    expect(prepared.statistics.classesWithThree).toBe(14);
    expect(prepared.statistics.primary).toMatchObject({
      fileSentences: 12588,
      unlabelledSentences: 11063,
      multiLabelSentences: 1,
      duplicatesRemoved: 1,
      classesBeforeSizeFilter: 98,
      unknownIds: [],
    });
  });

  it('reproduces the splits of Table 2: 754 / 355 / 382', () => {
    expect(prepared.statistics.table2).toMatchObject({ train: 754, dev: 355, test: 382 });
    expect(prepared.classes.every((c) => c.train > 0 && c.dev > 0 && c.test > 0)).toBe(true);
  });

  it('builds auxiliary data within 5 % of the paper’s 2,637 sentences (2,576 with v14.1)', () => {
    const { auxiliary } = prepared.statistics.table2;
    expect(auxiliary).toBe(2576);
    expect(Math.abs(auxiliary - 2637) / 2637).toBeLessThan(0.05);
    expect(prepared.statistics.auxiliary.attackVersion).toBe('v14.1');
  });

  it('merges Mobile IDs into their Enterprise classes and keeps them as aliases', () => {
    const byId = new Map(prepared.classes.map((c) => [c.id, c]));
    expect(byId.get('T1573')).toMatchObject({ name: 'Encrypted Channel', aliases: ['T1521'] });
    expect(byId.get('T1005')?.aliases).toContain('T1533');
    expect(byId.get('T1005')?.rawLabels).toEqual({ T1533: expect.any(Number) });
    expect(prepared.classes.every((c) => /^T1\d{3}$/.test(c.id))).toBe(true);
  });

  it('lists the revoked T1053.001 with its count and action', () => {
    expect(prepared.statistics.primary.retiredIds).toEqual([
      expect.objectContaining({ id: 'T1053.001', status: 'revoked', resolvedTo: 'T1053' }),
    ]);
  });

  it('keeps about 11 thousand negatives and an out-of-distribution set over known classes', () => {
    expect(prepared.statistics.negatives?.sentences).toBe(11063);
    expect(prepared.statistics.ood?.sentences).toBeGreaterThan(4000);
    expect(prepared.statistics.ood?.unknownIds).toEqual([]);
  });

  it('passes the leakage gate with no exact duplicates across the splits', () => {
    const { pairs } = prepared.statistics.leakage;
    expect(
      [pairs['train-dev'], pairs['train-test'], pairs['dev-test']].map((p) => p?.exact),
    ).toEqual([0, 0, 0]);
  });

  it('is deterministic and keeps the splits when only the auxiliary release changes', async () => {
    const again = await prepareDataset({}, { rawDataDir, logger: silent });
    expect(again.version).toBe(prepared.version);
    expect(again.artifacts).toEqual(prepared.artifacts);

    const v15 = await prepareDataset(
      { auxiliary: { attackVersion: 'v15.1' } },
      { rawDataDir, logger: silent },
    );
    expect(v15.version).not.toBe(prepared.version);
    expect(v15.artifacts.auxiliary).not.toBe(prepared.artifacts.auxiliary);
    expect([v15.artifacts.train, v15.artifacts.dev, v15.artifacts.test]).toEqual([
      prepared.artifacts.train,
      prepared.artifacts.dev,
      prepared.artifacts.test,
    ]);
  });

  it('gives the same classes and splits with any labelling release from v12.1 on', async () => {
    const v12 = await prepareDataset(
      { labels: { attackVersion: 'v12.1' } },
      { rawDataDir, logger: silent },
    );
    expect(v12.statistics.table2).toEqual(prepared.statistics.table2);
    expect([v12.artifacts.train, v12.artifacts.labelSet]).toEqual([
      prepared.artifacts.train,
      prepared.artifacts.labelSet,
    ]);
  });
});
