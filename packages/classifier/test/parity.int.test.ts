import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, loadConfig } from '@ttpgrid/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildNavigatorLayer,
  classifyReport,
  loadClassifier,
  topK,
  validateNavigatorLayer,
  type TechniqueClassifier,
} from '../src';
import { runPython, trainerPython } from './support/python';
import { buildTramSlice, writeJsonLines, type TramSlice } from './support/tram-slice';

// A finetune stage small enough for two shared CPU cores (~1 minute): 8 techniques × 10
// sentences, 2 epochs of 5 steps; lr 1e-4 without warmup so probabilities move off uniform.
const SIZES = { classes: 8, train: 10, dev: 2, test: 6, negatives: 0 };
const MAX_LENGTH = 64;
const TOLERANCE = 1e-3;
const log = createLogger('classifier.parity');

interface DriverOutput {
  manifestKey: string;
  opset: number;
  predictions: {
    index: number;
    gold: string;
    predicted: string;
    top5: { label: string; probability: number }[];
  }[];
  tokenIds: number[][];
}

describe('ONNX export served by onnxruntime-node', () => {
  let workDir: string;
  let slice: TramSlice;
  let python: DriverOutput;
  let model: TechniqueClassifier;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'ttpgrid-parity-'));
    slice = await buildTramSlice(SIZES);
    python = await trainAndExport(workDir, slice);

    const store = new LocalArtifactStore(join(workDir, 'artifacts'));
    const descriptor = {
      manifestKey: python.manifestKey,
      maxLength: MAX_LENGTH,
      provenance: { attackVersion: 'v18.1', modelId: 'parity-test' },
    };
    model = await loadClassifier(store, descriptor, {
      cacheDir: join(workDir, 'onnx'),
      threads: 2,
    });
  });

  afterAll(async () => {
    await model?.close();
    if (workDir) {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('tokenizes every test sentence to the trainer token ids', () => {
    const ids = slice.test.map((row) => model.tokenizer.encode(row.text).ids);

    expect(ids).toEqual(python.tokenIds);
    expect(ids.some((row) => row.length === MAX_LENGTH)).toBe(true);
  });

  it('agrees with PyTorch on the top technique and probabilities of every sentence', async () => {
    const { probabilities } = await model.predict(slice.test.map((row) => row.text));
    const labelIndex = new Map(model.techniques.map((technique, index) => [technique.id, index]));

    let largest = 0;
    expect(probabilities).toHaveLength(python.predictions.length);
    python.predictions.forEach((row, sentence) => {
      const onnx = probabilities[sentence] as Float64Array;
      const onnxTop = model.techniques[(topK(onnx, 1)[0] as { index: number }).index];

      expect(onnxTop?.id, `sentence ${sentence}`).toBe(row.predicted);
      for (const entry of row.top5) {
        const delta = Math.abs(
          (onnx[labelIndex.get(entry.label) ?? -1] ?? NaN) - entry.probability,
        );
        expect(delta, `sentence ${sentence}, ${entry.label}`).toBeLessThan(TOLERANCE);
        largest = Math.max(largest, delta);
      }
    });
    log.info('parity measured', { sentences: probabilities.length, maxAbsDifference: largest });
  });

  it('classifies a short report and exports a valid Navigator layer', async () => {
    const report = [
      '<h1>Incident notes</h1><script>alert("x")</script>',
      '<p>The actor ran <code>ipconfig /all</code> and <code>route print</code> to list the',
      'network configuration of the host. Then it downloaded a second stage over HTTP.</p>',
      '<p>We had lunch.</p>',
    ].join('\n');

    const result = await classifyReport(model, report, { format: 'html', topK: 2, threshold: 0 });
    const layer = buildNavigatorLayer(result, { reportTitle: 'parity report' });

    expect(result.sentences.map((sentence) => sentence.text)).not.toContain('alert("x")');
    expect(result.sentences.every((sentence) => sentence.techniques.length === 2)).toBe(true);
    expect(validateNavigatorLayer(layer)).toEqual([]);
    expect(layer.versions).toEqual({ attack: '18', navigator: '5.1.0', layer: '4.5' });
    expect(layer.description).toContain(`only its ${SIZES.classes} techniques`);
  });
});

/** Trains with the trainer CLI, then evaluates and exports through the trainer's activities. */
async function trainAndExport(workDir: string, slice: TramSlice): Promise<DriverOutput> {
  const files = await writeSlice(workDir, slice);
  const interpreter = await trainerPython();
  const env = {
    TTPGRID_ARTIFACT_DIR: join(workDir, 'artifacts'),
    TTPGRID_TRAINER_RESUME_DIR: join(workDir, 'resume'),
    TTPGRID_TRAINER_CACHE_DIR: join(workDir, 'cache'),
    TTPGRID_TRAINER_DEVICE: 'cpu',
  };

  const trained = JSON.parse(await runPython(interpreter, [...trainArguments(files)], env)) as {
    checkpointKey: string;
  };

  const driver = join(loadConfig().repoRoot, 'packages/classifier/test/support/parity_driver.py');
  const output = await runPython(
    interpreter,
    [driver, '--checkpoint', trained.checkpointKey, '--labels', files.labels].concat([
      '--eval',
      files.test,
      '--max-length',
      String(MAX_LENGTH),
    ]),
    env,
  );
  return JSON.parse(output) as DriverOutput;
}

function trainArguments(files: Record<'train' | 'dev' | 'labels', string>): string[] {
  return [
    ...['-m', 'ttpgrid_trainer', 'train', '--encoder', 'minilm-l6', '--mode', 'finetune'],
    ...['--data', files.train, '--dev', files.dev, '--labels', files.labels],
    ...['--epochs', '2', '--batch-size', '16', '--lr', '1e-4', '--warmup-steps', '0'],
    ...['--max-length', String(MAX_LENGTH), '--seed', '0', '--json'],
  ];
}

async function writeSlice(workDir: string, slice: TramSlice) {
  const files = {
    train: join(workDir, 'train.jsonl'),
    dev: join(workDir, 'dev.jsonl'),
    test: join(workDir, 'test.jsonl'),
    labels: join(workDir, 'labels.json'),
  };
  await writeJsonLines(files.train, slice.train);
  await writeJsonLines(files.dev, slice.dev);
  await writeJsonLines(files.test, slice.test);
  await writeFile(files.labels, JSON.stringify(slice.labels));
  return files;
}
