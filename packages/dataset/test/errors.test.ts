import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseAttackFile } from '../src/attack';
import { DatasetInputError } from '../src/errors';
import { prepareDataset } from '../src/prepare';
import { resolveDatasetSettings, DatasetSettingsError } from '../src/settings';
import { parseTramFile } from '../src/tram';
import { createFixtureDir, FIXTURE_PRIMARY, FIXTURE_SETTINGS, type FixtureDir } from './fixtures';

function errorOf(action: () => unknown): DatasetInputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetInputError);
    return error as DatasetInputError;
  }
  throw new Error('expected a DatasetInputError');
}

describe('malformed TRAM files', () => {
  it.each([
    ['{"a": [1, 2,, 3]}', 'line 1, column 13'],
    ['[\n  "ok",\n  "unterminated\n]', 'line 3, column 16'],
    ['{"a": 1} trailing', 'line 1, column 10'],
    ['{"a": tru}', 'line 1, column 7'],
  ])('locates the syntax error in %j at %s', (text, position) => {
    expect(errorOf(() => parseTramFile('p.json', text, 'tram-report')).position).toBe(position);
  });

  it('names the line and column of invalid JSON', () => {
    const error = errorOf(() =>
      parseTramFile('p.json', '{\n  "sentences": [\n    oops\n]}', 'tram-report'),
    );
    expect(error.message).toMatch(/^p\.json: line 3, column 5: not valid JSON/);
  });

  it('rejects a report without a sentences list', () => {
    expect(() => parseTramFile('p.json', '{"name": "x"}', 'tram-report')).toThrow(
      'p.json: expected a TRAM report export: an object with a "sentences" array',
    );
  });

  it('names the sentence index of a sentence without text', () => {
    const text = JSON.stringify({ sentences: [{ text: 'ok', mappings: [] }, { mappings: [] }] });
    expect(() => parseTramFile('p.json', text, 'tram-report')).toThrow(
      'p.json: sentence 1: "text" must be a string',
    );
  });

  it('names the sentence and mapping of a bad mapping', () => {
    const text = JSON.stringify({ sentences: [{ text: 'a', mappings: [{ attack_id: 7 }] }] });
    expect(() => parseTramFile('p.json', text, 'tram-report')).toThrow(
      'p.json: sentence 0, mapping 0: "attack_id" must be a string',
    );
    const noList = JSON.stringify({ sentences: [{ text: 'a', mappings: 'T1059' }] });
    expect(() => parseTramFile('p.json', noList, 'tram-report')).toThrow(
      'p.json: sentence 0: "mappings" must be a list',
    );
  });

  it('checks the single-label format row by row', () => {
    expect(() => parseTramFile('s.json', '{}', 'tram2-single-label')).toThrow(
      's.json: expected a TRAM 2 single-label file',
    );
    const text = JSON.stringify([
      { text: 'a', label: 'T1059' },
      { text: 'b', label: '' },
    ]);
    expect(() => parseTramFile('s.json', text, 'tram2-single-label')).toThrow(
      's.json: sentence 1: "label" must be a non-empty string',
    );
  });
});

describe('malformed ATT&CK files', () => {
  it('names the line of invalid JSON', () => {
    const text = '{"type": "x-mitre-tactic"}\n\n{"type": broken}\n';
    expect(() => parseAttackFile('a.jsonl', text, 'enterprise')).toThrow(
      /^a\.jsonl: line 3: not valid JSON/,
    );
  });

  it('names the line of an object without a type or an attack-pattern without an ID', () => {
    expect(() => parseAttackFile('a.jsonl', '[1, 2]', 'enterprise')).toThrow(
      'a.jsonl: line 1: expected a STIX object with a "type"',
    );
    const noId = JSON.stringify({ type: 'attack-pattern', id: 'x', name: 'n' });
    expect(() => parseAttackFile('a.jsonl', `\n${noId}`, 'enterprise')).toThrow(
      'a.jsonl: line 2: attack-pattern without an ATT&CK external_id',
    );
  });
});

describe('settings', () => {
  it('fills every default', () => {
    const settings = resolveDatasetSettings();
    expect(settings.labels.attackVersion).toBe('v14.1');
    expect(settings.auxiliary).toMatchObject({ attackVersion: 'v14.1', splitter: 'rule-v1' });
    expect(settings.leakage).toEqual({ ngram: 3, threshold: 0.7 });
  });

  it('names the path of every bad value and rejects unknown keys', () => {
    const bad = () =>
      resolveDatasetSettings({
        labels: { attackVersion: 'v10.1' },
        split: { seed: -1 },
        auxiliary: { splitter: 'pysbd' },
        extra: true,
      } as never);
    expect(bad).toThrow(DatasetSettingsError);
    expect(bad).toThrow(/labels\.attackVersion: class names need ATT&CK v11 or later/);
    expect(bad).toThrow(/split\.seed/);
    expect(bad).toThrow(/auxiliary\.splitter/);
    expect(bad).toThrow(/extra|Unrecognized/);
  });
});

describe('prepareDataset input errors', () => {
  let fixture: FixtureDir;
  let broken: FixtureDir;

  beforeAll(async () => {
    fixture = await createFixtureDir();
    broken = await createFixtureDir({ [FIXTURE_PRIMARY]: '{"sentences": [\n{"text": 1}]}' });
  });

  afterAll(async () => {
    await fixture.remove();
    await broken.remove();
  });

  it('reports a missing ATT&CK release by its path and role', async () => {
    const settings = { ...FIXTURE_SETTINGS, auxiliary: { attackVersion: 'v99.1' } };
    await expect(prepareDataset(settings, { rawDataDir: fixture.root })).rejects.toThrow(
      /attack\/enterprise-attack_v99\.1\.jsonl: file not found \(input "auxiliary:enterprise"\)/,
    );
  });

  it('reports a malformed primary file with its full path and sentence index', async () => {
    await expect(prepareDataset(FIXTURE_SETTINGS, { rawDataDir: broken.root })).rejects.toThrow(
      `${broken.root}/${FIXTURE_PRIMARY}: sentence 0: "text" must be a string`,
    );
  });
});
