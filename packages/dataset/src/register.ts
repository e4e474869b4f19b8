import type { Database } from '@ttpgrid/db';

import type { PreparedDataset } from './prepare';

export interface RegistrationResult {
  version: string;
  created: boolean;
  classes: number;
  findings: number;
}

/**
 * Stores a prepared version in Postgres. Idempotent: the version row is upserted by its ID and
 * its classes and leakage findings are replaced, all in one transaction.
 */
export async function registerDataset(
  db: Database,
  prepared: PreparedDataset,
): Promise<RegistrationResult> {
  const existing = await db.datasetVersion.findUnique({
    where: { id: prepared.version },
    select: { id: true },
  });
  const fields = versionFieldsOf(prepared);

  await db.$transaction([
    db.datasetVersion.upsert({
      where: { id: prepared.version },
      create: { id: prepared.version, ...fields },
      update: fields,
    }),
    db.datasetClass.deleteMany({ where: { datasetVersionId: prepared.version } }),
    db.leakageFinding.deleteMany({ where: { datasetVersionId: prepared.version } }),
    db.datasetClass.createMany({ data: classRowsOf(prepared) }),
    db.leakageFinding.createMany({ data: findingRowsOf(prepared) }),
  ]);

  return {
    version: prepared.version,
    created: existing === null,
    classes: prepared.classes.length,
    findings: prepared.findings.length,
  };
}

function versionFieldsOf(prepared: PreparedDataset) {
  const { statistics, settings } = prepared;
  const primary = prepared.inputs.find((input) => input.role === 'primary');
  return {
    label: prepared.label,
    primarySource: settings.primary.path,
    primarySha256: primary?.sha256 ?? '',
    labelAttackVersion: settings.labels.attackVersion,
    auxAttackVersion: settings.auxiliary.attackVersion,
    settings: toJson({ recipe: prepared.recipe, ...settings }),
    statistics: toJson({ ...statistics, inputs: prepared.inputs }),
    artifacts: toJson(prepared.artifacts),
    sentences: statistics.table2.sentences,
    classes: statistics.table2.classes,
    trainCount: statistics.table2.train,
    devCount: statistics.table2.dev,
    testCount: statistics.table2.test,
    auxiliaryCount: statistics.table2.auxiliary,
  };
}

function classRowsOf(prepared: PreparedDataset) {
  return prepared.classes.map((dataClass) => ({
    datasetVersionId: prepared.version,
    techniqueId: dataClass.id,
    aliases: dataClass.aliases,
    name: dataClass.name,
    trainCount: dataClass.train,
    devCount: dataClass.dev,
    testCount: dataClass.test,
    auxiliaryCount: dataClass.auxiliary,
  }));
}

function findingRowsOf(prepared: PreparedDataset) {
  return prepared.findings.map((finding) => ({ datasetVersionId: prepared.version, ...finding }));
}

/** Prisma's JSON input type rejects interfaces; a JSON round trip gives it plain data. */
function toJson(value: unknown) {
  return JSON.parse(JSON.stringify(value)) as object;
}
