import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

import { LocalArtifactStore, putJson } from '@ttpgrid/artifacts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ClassifierRegistry,
  EmptyReportError,
  ExportManifestError,
  classifyReport,
  loadClassifier,
  materializeExport,
  softmax,
  type TechniqueClassifier,
} from '../src';

// test/fixtures/tiny-model comes from test/support/make_tiny_model.py: a bag-of-words ONNX graph
// with the trainer's inputs and outputs, labels T1059 (execution words), T1105 (transfer words),
// T1016 (network words).
const FIXTURE = join(import.meta.dirname, 'fixtures/tiny-model');
const FILES = ['model.onnx', 'tokenizer.json', 'labels.json'];
const MAX_LENGTH = 12;

let workDir: string;
let store: LocalArtifactStore;
let manifestKey: string;
let scores: number[][];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ttpgrid-classifier-'));
  store = new LocalArtifactStore(join(workDir, 'artifacts'));
  manifestKey = await putManifest(await storeFixture());
  scores = JSON.parse(await readFile(join(FIXTURE, 'scores.json'), 'utf8')) as number[][];
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function storeFixture(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of FILES) {
    files[name] = await store.put(await readFile(join(FIXTURE, name)));
  }
  return files;
}

async function putManifest(files: Record<string, string>, extra: object = {}): Promise<string> {
  return putJson(store, { files, ...extra });
}

/** `maxLength: null` loads without one, as a caller that does not know it would. */
function load(key = manifestKey, maxLength: number | null = MAX_LENGTH) {
  const descriptor = {
    manifestKey: key,
    maxLength: maxLength ?? undefined,
    provenance: { attackVersion: '18.1' },
  };
  return loadClassifier(store, descriptor, { cacheDir: join(workDir, 'cache'), threads: 1 });
}

/** What the graph computes: softmax of the mean score row over the sentence's tokens. */
function expected(ids: number[]): Float64Array {
  const width = scores[0]?.length ?? 0;
  const sums = Array.from({ length: width }, (_, label) =>
    ids.reduce((sum, id) => sum + (scores[id]?.[label] ?? 0), 0),
  );
  return softmax(sums.map((sum) => Math.fround(sum / ids.length)));
}

describe('an exported model served by onnxruntime-node', () => {
  let model: TechniqueClassifier;

  beforeAll(async () => {
    model = await load();
  });

  afterAll(async () => {
    await model.close();
  });

  it('returns the graph probabilities for every sentence, in input order', async () => {
    const texts = ['The actor runs PowerShell.', 'It downloads a payload', 'route', 'zzz unknown'];
    const { probabilities } = await model.predict(texts, { batchSize: 3 });

    texts.forEach((text, index) => {
      const reference = expected(model.tokenizer.encode(text).ids);
      const row = probabilities[index] as Float64Array;
      row.forEach((value, label) => expect(value).toBeCloseTo(reference[label] as number, 6));
    });
    expect(model.techniques.map((technique) => technique.id)).toEqual(['T1059', 'T1105', 'T1016']);
  });

  it('gives the same probabilities whatever the batch size (padding is masked)', async () => {
    const texts = ['runs', 'it downloads the payload from the server', 'network', 'a cmd script'];
    const single = await model.predict(texts, { batchSize: 1 });
    const batched = await model.predict(texts, { batchSize: 4 });

    single.probabilities.forEach((row, index) => {
      row.forEach((value, label) =>
        expect(value).toBeCloseTo(batched.probabilities[index]?.[label] as number, 6),
      );
    });
  });

  it('truncates long sentences to maxLength, keeping [CLS] and [SEP]', async () => {
    const long = 'the actor runs powershell and cmd and a script to the host then lists files';
    const encoded = model.tokenizer.encode(long);
    const { truncated } = await model.predict([long, 'short one']);

    expect(encoded.truncated).toBe(true);
    expect(encoded.ids).toHaveLength(MAX_LENGTH);
    expect(encoded.ids[0]).toBe(2);
    expect(encoded.ids.at(-1)).toBe(3);
    expect(truncated).toBe(1);
  });

  it('pads with the pad id and masks the padding', () => {
    const batch = model.tokenizer.pad([
      [2, 10, 3],
      [2, 3],
    ]);

    expect(batch.width).toBe(3);
    expect([...batch.inputIds]).toEqual([2n, 10n, 3n, 2n, 3n, 0n]);
    expect([...batch.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
  });

  it('classifies a report: per-sentence techniques above the threshold and a summary', async () => {
    const report = 'The actor runs PowerShell.\n\nIt downloads a payload from the server. We met.';
    const result = await classifyReport(model, report, { topK: 2, threshold: 0.5 });

    expect(result.sentences.map((sentence) => sentence.text)).toEqual([
      'The actor runs PowerShell.',
      'It downloads a payload from the server.',
      'We met.',
    ]);
    expect(result.sentences[0]?.techniques.map((technique) => technique.id)).toEqual(['T1059']);
    expect(result.sentences[1]?.techniques.map((technique) => technique.id)).toEqual(['T1105']);
    expect(result.sentences[2]?.techniques).toEqual([]);
    expect(result.summary.techniques.map((technique) => technique.id).sort()).toEqual([
      'T1059',
      'T1105',
    ]);
    expect(result.model).toMatchObject({ attackVersion: '18.1', techniqueCount: 3 });
  });

  it('rejects an empty report and out-of-range options', async () => {
    await expect(classifyReport(model, '  \n ')).rejects.toBeInstanceOf(EmptyReportError);
    await expect(classifyReport(model, 'It runs.', { topK: 4 })).rejects.toBeInstanceOf(RangeError);
    await expect(classifyReport(model, 'It runs.', { threshold: 2 })).rejects.toThrow(RangeError);
    await expect(model.predict(['It runs.'], { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});

describe('export materialisation', () => {
  it('copies the files once and reuses the folder', async () => {
    const cacheDir = join(workDir, 'materialise');
    const first = await materializeExport(store, manifestKey, cacheDir);
    const before = (await stat(join(first.folder, 'model.onnx'))).mtimeMs;
    const second = await materializeExport(store, manifestKey, cacheDir);

    expect(second.folder).toBe(first.folder);
    expect((await stat(join(second.folder, 'model.onnx'))).mtimeMs).toBe(before);
  });

  it('refuses a manifest with a missing file, an unsafe path or altered bytes', async () => {
    const files = await storeFixture();
    const withoutLabels = await putManifest({ ...files, 'labels.json': undefined } as never);
    const unsafe = await putManifest({ ...files, '../evil': files['labels.json'] as string });
    const altered = await putManifest({ ...files, 'notes.txt': 'a'.repeat(64) });
    await mkdir(dirname(store.pathOf('a'.repeat(64))), { recursive: true });
    await writeFile(store.pathOf('a'.repeat(64)), 'not what the key says');

    const cacheDir = join(workDir, 'refused');
    await expect(materializeExport(store, withoutLabels, cacheDir)).rejects.toThrow(/lacks/);
    await expect(materializeExport(store, unsafe, cacheDir)).rejects.toThrow(/unsafe/);
    await expect(materializeExport(store, altered, cacheDir)).rejects.toThrow(/does not match/);
  });

  it('needs the export maxLength and refuses a conflicting one', async () => {
    const files = await storeFixture();
    const recorded = await putManifest(files, { maxLength: 16 });

    await expect(load(manifestKey, null)).rejects.toBeInstanceOf(ExportManifestError);
    await expect(load(recorded, 8)).rejects.toThrow(/exported with maxLength 16/);
    const model = await load(recorded, null);
    expect(model.tokenizer.maxLength).toBe(16);
    await model.close();
  });
});

describe('the model registry', () => {
  it('shares one load per model and closes the least recently used beyond capacity', async () => {
    const other = await putManifest(await storeFixture(), { maxLength: MAX_LENGTH });
    const registry = new ClassifierRegistry(store, {
      cacheDir: join(workDir, 'registry'),
      capacity: 1,
      threads: 1,
    });
    const descriptor = { manifestKey, maxLength: MAX_LENGTH };

    const [first, again] = await Promise.all([registry.get(descriptor), registry.get(descriptor)]);
    expect(again).toBe(first);

    await registry.get({ manifestKey: other });
    expect(registry.size).toBe(1);
    await expect(first.predict(['runs'])).rejects.toThrow(/closed/);

    await registry.close();
    expect(registry.size).toBe(0);
  });

  it('does not cache a failed load', async () => {
    const registry = new ClassifierRegistry(store, { cacheDir: join(workDir, 'registry-2') });

    await expect(registry.get({ manifestKey: 'b'.repeat(64), maxLength: 8 })).rejects.toThrow();
    expect(registry.size).toBe(0);
  });
});
