import { describe, expect, it } from 'vitest';

import { buildAttackCatalog, parseAttackFile } from '../src/attack';
import { LabelResolver } from '../src/labels';
import { buildPrimaryData, selectSingleLabel } from '../src/primary';
import { resolveDatasetSettings, type DatasetSettingsInput } from '../src/settings';
import type { TramSentence } from '../src/tram';
import { PRIMARY_SENTENCES, stixTechnique } from './fixtures';

const ENTERPRISE = [
  { id: 'T1059', name: 'Command and Scripting Interpreter' },
  { id: 'T1059.001', name: 'PowerShell' },
  { id: 'T1573', name: 'Encrypted Channel' },
  { id: 'T1005', name: 'Data from Local System' },
  { id: 'T1053', name: 'Scheduled Task/Job' },
  { id: 'T1053.001', name: 'At (Linux)', revoked: true },
  { id: 'T1053.002', name: 'At' },
  { id: 'T1999', name: 'Retired Technique', deprecated: true },
  { id: 'T1082', name: 'System Information Discovery' },
];
const MOBILE = [
  { id: 'T1521', name: 'Encrypted  channel' },
  { id: 'T1533', name: 'Data from Local System' },
  { id: 'T1630', name: 'Mobile Only Technique' },
];

function catalogOf(extra: Record<string, unknown>[] = []) {
  const file = (objects: unknown[]) => objects.map((o) => JSON.stringify(o)).join('\n');
  return buildAttackCatalog('v14.1', [
    parseAttackFile(
      'e',
      file([...ENTERPRISE.map((t) => stixTechnique(t)), ...extra]),
      'enterprise',
    ),
    parseAttackFile('m', file(MOBILE.map((t) => stixTechnique(t, 'mobile'))), 'mobile'),
  ]);
}

function sentencesOf(list = PRIMARY_SENTENCES): TramSentence[] {
  return list.map(([text, ...labels], index) => ({ index, text, labels }));
}

function build(input: DatasetSettingsInput = {}, catalog = catalogOf()) {
  const settings = resolveDatasetSettings(input);
  const resolver = new LabelResolver(catalog, { ...settings.primary, ...settings.labels });
  return buildPrimaryData(sentencesOf(), resolver, settings.primary);
}

describe('selectSingleLabel', () => {
  it('keeps the first copy of a trimmed text and counts what it drops', () => {
    const { kept, counts } = selectSingleLabel(sentencesOf(), true);
    expect(kept.filter((s) => s.text.startsWith('Attackers ran cmd.exe'))).toEqual([
      {
        text: 'Attackers ran cmd.exe to list files on the host.',
        rawLabel: 'T1059',
        sourceIndex: 0,
      },
    ]);
    expect(counts).toEqual({
      emptySentences: 1,
      unlabelledSentences: 3,
      multiLabelSentences: 1,
      singleLabelSentences: 24,
      duplicatesRemoved: 1,
      duplicatesWithOtherLabel: 1,
    });
  });

  it('keeps every copy when deduplication is off', () => {
    expect(selectSingleLabel(sentencesOf(), false).kept).toHaveLength(24);
  });

  it('treats a sentence mapped twice to the same ID as single-label', () => {
    const { kept } = selectSingleLabel([{ index: 0, text: 'x', labels: ['T1', 'T1'] }], true);
    expect(kept).toHaveLength(1);
  });
});

describe('buildPrimaryData', () => {
  it('maps sub-techniques to parents, merges same-named classes and drops small classes', () => {
    const { classes, statistics } = build();
    expect(classes.map((c) => [c.id, c.sentences.length])).toEqual([
      ['T1005', 3],
      ['T1053', 3],
      ['T1059', 6],
      ['T1573', 4],
      ['T1630', 3],
    ]);
    expect(statistics).toMatchObject({ sentences: 19, classes: 5, classesWithThree: 3 });
    expect(statistics.droppedClasses).toEqual([
      { id: 'T1082', name: 'System Information Discovery', sentences: 2 },
      { id: 'T1999', name: 'Retired Technique', sentences: 1 },
    ]);
  });

  it('gives a merged class the Enterprise ID and name and keeps the other IDs as aliases', () => {
    const byId = new Map(build().classes.map((c) => [c.id, c]));
    expect(byId.get('T1573')).toMatchObject({
      name: 'Encrypted Channel',
      aliases: ['T1521'],
      rawLabels: { T1573: 3, T1521: 1 },
    });
    expect(byId.get('T1005')).toMatchObject({ aliases: ['T1533'], rawLabels: { T1533: 3 } });
    expect(byId.get('T1630')).toMatchObject({ name: 'Mobile Only Technique', aliases: [] });
    expect(byId.get('T1059')?.rawLabels).toEqual({ T1059: 4, 'T1059.001': 2 });
  });

  it('keeps Mobile IDs as their own classes when merging is off', () => {
    const ids = build({ primary: { mergeSameName: false } }).classes.map((c) => c.id);
    expect(ids).toEqual(['T1053', 'T1059', 'T1533', 'T1573', 'T1630']);
  });

  it('keeps sub-techniques as classes when parent mapping is off', () => {
    const ids = build({ primary: { subtechniquesToParent: false, minClassSize: 1 } }).classes;
    expect(ids.map((c) => c.id)).toContain('T1059.001');
  });

  it('counts and lists unknown IDs instead of dropping them silently', () => {
    const { statistics } = build();
    expect(statistics.unknownIds).toEqual([{ id: 'T9999', sentences: 1 }]);
    expect(statistics.unknownSentences).toBe(1);
  });

  it('lists revoked and deprecated IDs with their counts and the action taken', () => {
    expect(build().statistics.retiredIds).toEqual([
      {
        id: 'T1053.001',
        status: 'revoked',
        action: 'T1053.001: no successor; mapped to parent T1053',
        sentences: 1,
        resolvedTo: 'T1053',
        sentencesKept: 1,
      },
      {
        id: 'T1999',
        status: 'deprecated',
        action: 'T1999: no successor; kept as its own class',
        sentences: 1,
        resolvedTo: 'T1999',
        sentencesKept: 0,
      },
    ]);
  });

  it('follows a revoked-by relationship from the ATT&CK files', () => {
    const relationship = {
      type: 'relationship',
      relationship_type: 'revoked-by',
      source_ref: 'attack-pattern--T1999-enterprise',
      target_ref: 'attack-pattern--T1082-enterprise',
    };
    const { classes, statistics } = build({}, catalogOf([relationship]));
    expect(classes.find((c) => c.id === 'T1082')?.sentences).toHaveLength(3);
    expect(statistics.retiredIds[1]).toMatchObject({
      id: 'T1999',
      action: 'T1999: followed revoked-by to T1082',
      sentencesKept: 1,
    });
  });

  it('follows a successor given in the settings, or drops retired IDs when asked', () => {
    const followed = build({ labels: { revokedBy: { T1999: 'T1082' } } });
    expect(followed.classes.map((c) => c.id)).toContain('T1082');

    const dropped = build({ labels: { retiredWithoutSuccessor: 'drop' } }).statistics;
    expect(dropped.retiredDroppedSentences).toBe(1);
    expect(dropped.retiredIds[1]?.resolvedTo).toBeNull();
  });
});
