import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@ttpgrid/config';
import { createDatabase, type Database } from '@ttpgrid/db';

import { prepareDataset, type PreparedDataset } from '../src/prepare';
import { registerDataset } from '../src/register';
import { PRIMARY_PATH } from '../src/settings';
import { createFixtureDir, FIXTURE_SETTINGS, type FixtureDir } from './fixtures';
import { startTestDatabase, type TestDatabase } from './postgres';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('registerDataset against Postgres', () => {
  let database: TestDatabase;
  let db: Database;
  let fixture: FixtureDir;
  let prepared: PreparedDataset;
  const registered: string[] = [];

  beforeAll(async () => {
    database = await startTestDatabase();
    db = createDatabase(database.url);
    fixture = await createFixtureDir();
    prepared = await prepareDataset(FIXTURE_SETTINGS, { rawDataDir: fixture.root, logger: silent });
  });

  afterAll(async () => {
    if (db !== undefined) {
      await db.datasetVersion.deleteMany({ where: { id: { in: registered } } });
      await db.$disconnect();
    }
    await fixture?.remove();
    await database?.stop();
  });

  it('stores the version, its classes and its leakage findings', async () => {
    const result = await registerDataset(db, prepared);
    registered.push(prepared.version);
    expect(result).toMatchObject({ version: prepared.version, created: true, classes: 5 });

    const row = await db.datasetVersion.findUniqueOrThrow({
      where: { id: prepared.version },
      include: { datasetClasses: { orderBy: { techniqueId: 'asc' } } },
    });
    expect(row).toMatchObject({
      sentences: 19,
      classes: 5,
      trainCount: 8,
      devCount: 5,
      testCount: 6,
      auxiliaryCount: 15,
      labelAttackVersion: 'v14.1',
      auxAttackVersion: 'v14.1',
    });
    expect(Object.keys(row.artifacts as object)).toEqual(
      expect.arrayContaining(['train', 'dev', 'test', 'auxiliary', 'labelSet', 'negatives', 'ood']),
    );
    expect(row.statistics).toMatchObject({ table2: prepared.statistics.table2 });
    expect(row.datasetClasses.find((c) => c.techniqueId === 'T1573')).toMatchObject({
      aliases: ['T1521'],
      name: 'Encrypted Channel',
      trainCount: 2,
      devCount: 1,
      testCount: 1,
    });
  });

  it('is idempotent: registering again replaces classes and findings, not duplicates', async () => {
    const again = await registerDataset(db, prepared);
    expect(again.created).toBe(false);

    const classes = await db.datasetClass.count({ where: { datasetVersionId: prepared.version } });
    const findings = await db.leakageFinding.count({
      where: { datasetVersionId: prepared.version },
    });
    expect(classes).toBe(5);
    expect(findings).toBe(prepared.findings.length);
  });

  it('lists leakage findings with both texts', async () => {
    const leaky = await createFixtureDir({
      'tram/fixture/report.json': JSON.stringify({
        sentences: [
          'PowerShell is powerful!',
          'POWERSHELL is powerful!!',
          'Powershell is powerful...',
        ]
          .concat(['Unrelated filler about something else entirely.'])
          .map((text) => ({ text, mappings: [{ attack_id: 'T1059' }] })),
      }),
    });
    const withFindings = await prepareDataset(FIXTURE_SETTINGS, {
      rawDataDir: leaky.root,
      logger: silent,
    });
    await leaky.remove();

    await registerDataset(db, withFindings);
    registered.push(withFindings.version);
    const rows = await db.leakageFinding.findMany({
      where: { datasetVersionId: withFindings.version },
    });
    expect(rows.length).toBe(withFindings.findings.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.textA.length > 0 && r.textB.length > 0)).toBe(true);
  });

  const rawDataDir = loadConfig().rawDataDir;
  it.skipIf(!existsSync(join(rawDataDir, PRIMARY_PATH)))(
    'registers the real dataset with its 73 classes',
    async () => {
      const real = await prepareDataset({}, { rawDataDir, logger: silent });
      const result = await registerDataset(db, real);
      if (result.created) {
        registered.push(real.version);
      }

      const count = await db.datasetClass.count({ where: { datasetVersionId: real.version } });
      expect(count).toBe(73);
    },
  );
});
