/**
 * Classification throughput on CPU: onnxruntime-node (as the API serves) against PyTorch (as the
 * trainer evaluates), same model, same sentences, same batch sizes, same thread count.
 *
 *   npx tsx benchmarks/classify/throughput.ts [--sentences 128] [--batch-sizes 1,8,32]
 *       [--threads 2] [--max-length 256] [--encoder minilm-l6]
 *
 * The model is a `finetune` checkpoint the trainer CLI trains for one step on a real TRAM slice
 * (weights do not change the speed), exported to ONNX by the trainer's exportOnnx activity; all of
 * it lives in a temporary artifact folder that is removed at the end. Sentences are real TRAM
 * sentences (labelled and unlabelled). Both sides time tokenization, longest-first batching with
 * padding per batch, the forward pass and softmax, after a short warm-up; the ratio is
 * onnxruntime-node ÷ PyTorch.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { createLogger, loadConfig } from '@ttpgrid/config';

import { loadClassifier, type TechniqueClassifier } from '../../packages/classifier/src';
import { runPython, trainerPython } from '../../packages/classifier/test/support/python';
import {
  buildTramSlice,
  writeJsonLines,
  type TramSlice,
} from '../../packages/classifier/test/support/tram-slice';

const log = createLogger('bench.classify');
const WARMUP_SENTENCES = 8;

interface Options {
  sentences: number;
  batchSizes: number[];
  threads: number;
  maxLength: number;
  encoder: string;
}

interface Measurement {
  batchSize: number;
  sentences: number;
  seconds: number;
  sentencesPerSecond: number;
}

interface TorchOutput {
  manifestKey: string;
  threads: number;
  results: Measurement[];
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      sentences: { type: 'string', default: '128' },
      'batch-sizes': { type: 'string', default: '1,8,32' },
      threads: { type: 'string', default: '2' },
      'max-length': { type: 'string', default: '256' },
      encoder: { type: 'string', default: 'minilm-l6' },
    },
  });
  return {
    sentences: Number(values.sentences),
    batchSizes: values['batch-sizes'].split(',').map(Number),
    threads: Number(values.threads),
    maxLength: Number(values['max-length']),
    encoder: values.encoder,
  };
}

/** Real sentences: the slice's test rows first, then unlabelled ones, up to `count`. */
function benchmarkSentences(slice: TramSlice, count: number): string[] {
  return [...slice.test.map((row) => row.text), ...slice.negatives].slice(0, count);
}

async function prepareModel(workDir: string, slice: TramSlice, options: Options) {
  const files = {
    train: join(workDir, 'train.jsonl'),
    labels: join(workDir, 'labels.json'),
    sentences: join(workDir, 'sentences.jsonl'),
  };
  const texts = benchmarkSentences(slice, options.sentences);
  await writeJsonLines(files.train, slice.train);
  await writeFile(files.labels, JSON.stringify(slice.labels));
  await writeFile(files.sentences, texts.map((text) => `${JSON.stringify({ text })}\n`).join(''));

  const env = {
    TTPGRID_ARTIFACT_DIR: join(workDir, 'artifacts'),
    TTPGRID_TRAINER_RESUME_DIR: join(workDir, 'resume'),
    TTPGRID_TRAINER_CACHE_DIR: join(workDir, 'cache'),
    TTPGRID_TRAINER_DEVICE: 'cpu',
  };
  const python = await trainerPython();
  log.info('training a one-step checkpoint', { encoder: options.encoder });
  const trained = JSON.parse(await runPython(python, trainArguments(files, options), env)) as {
    checkpointKey: string;
  };

  log.info('timing PyTorch', { checkpointKey: trained.checkpointKey });
  const torch = JSON.parse(
    await runPython(python, torchArguments(files, trained.checkpointKey, options), env),
  ) as TorchOutput;
  return { texts, torch };
}

function trainArguments(files: Record<'train' | 'labels', string>, options: Options): string[] {
  return [
    ...['-m', 'ttpgrid_trainer', 'train', '--encoder', options.encoder, '--mode', 'finetune'],
    ...['--data', files.train, '--dev', files.train, '--dev-limit', '8', '--limit', '16'],
    ...['--labels', files.labels, '--epochs', '1', '--batch-size', '16', '--warmup-steps', '0'],
    ...['--max-length', String(options.maxLength), '--json'],
  ];
}

function torchArguments(
  files: Record<'labels' | 'sentences', string>,
  checkpoint: string,
  options: Options,
): string[] {
  const script = join(loadConfig().repoRoot, 'benchmarks/classify/torch_throughput.py');
  return [
    ...[script, '--encoder', options.encoder, '--checkpoint', checkpoint],
    ...['--labels', files.labels, '--sentences', files.sentences, '--export'],
    ...['--max-length', String(options.maxLength), '--threads', String(options.threads)],
    ...['--batch-sizes', options.batchSizes.join(','), '--warmup', String(WARMUP_SENTENCES)],
  ];
}

async function timeOnnx(model: TechniqueClassifier, texts: string[], batchSize: number) {
  await model.predict(texts.slice(0, WARMUP_SENTENCES), { batchSize });
  const started = performance.now();
  await model.predict(texts, { batchSize });
  const seconds = (performance.now() - started) / 1000;
  return {
    batchSize,
    sentences: texts.length,
    seconds,
    sentencesPerSecond: texts.length / seconds,
  };
}

function report(onnx: Measurement[], torch: Measurement[], options: Options): string {
  const lines = [
    `classification throughput, CPU, ${options.threads} threads, ${options.encoder}, ` +
      `maxLength ${options.maxLength}, ${onnx[0]?.sentences ?? 0} TRAM sentences`,
    'batch  onnxruntime-node sent/s  pytorch sent/s  ratio (onnx/pytorch)',
  ];
  onnx.forEach((measurement, index) => {
    const reference = torch[index]?.sentencesPerSecond ?? NaN;
    const ratio = measurement.sentencesPerSecond / reference;
    lines.push(
      `${String(measurement.batchSize).padStart(5)}  ` +
        `${measurement.sentencesPerSecond.toFixed(1).padStart(22)}  ` +
        `${reference.toFixed(1).padStart(14)}  ${ratio.toFixed(2).padStart(20)}`,
    );
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  const workDir = await mkdtemp(join(tmpdir(), 'ttpgrid-bench-classify-'));
  try {
    const slice = await buildTramSlice({ classes: 8, train: 2, dev: 0, test: 4, negatives: 512 });
    const { texts, torch } = await prepareModel(workDir, slice, options);

    const store = new LocalArtifactStore(join(workDir, 'artifacts'));
    const descriptor = { manifestKey: torch.manifestKey, maxLength: options.maxLength };
    const model = await loadClassifier(store, descriptor, {
      cacheDir: join(workDir, 'onnx'),
      threads: options.threads,
    });

    const onnx: Measurement[] = [];
    for (const batchSize of options.batchSizes) {
      onnx.push(await timeOnnx(model, texts, batchSize));
    }
    await model.close();

    process.stdout.write(`${report(onnx, torch.results, options)}\n`);
    process.stdout.write(`${JSON.stringify({ options, onnx, pytorch: torch.results })}\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
