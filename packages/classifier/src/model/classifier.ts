import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import { createLogger } from '@ttpgrid/config';
import { InferenceSession, Tensor } from 'onnxruntime-node';

import { softmax } from '../scores';
import { materializeExport, ExportManifestError, type ExportManifest } from './manifest';
import { SentenceTokenizer, type EncodedSentence } from './tokenizer';
import { DEFAULT_THRESHOLD, type ModelDescriptor, type Technique } from './types';

const log = createLogger('classifier.model');
/** Sentences tokenized between two yields to the event loop (tokenization is synchronous). */
const TOKENIZE_CHUNK = 64;

export interface LoadOptions {
  /** Folder that holds materialised exports, one subfolder per manifest key. */
  cacheDir: string;
  /** onnxruntime intra-op threads; default: onnxruntime's choice (all cores). */
  threads?: number;
}

export interface PredictOptions {
  /** Sentences per onnxruntime call (default 16, the trainer's evaluation batch). */
  batchSize?: number;
}

/** Probabilities over the model's label set, one row per input sentence, in input order. */
export interface Predictions {
  probabilities: Float64Array[];
  /** Sentences longer than maxLength tokens, cut to fit. */
  truncated: number;
}

/**
 * One exported model: an onnxruntime CPU session, its tokenizer and its label set. Sessions are
 * costly (seconds, tens of MB): load once, reuse for every request (see ClassifierRegistry).
 */
export class TechniqueClassifier {
  private inFlight = 0;
  private closing: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(
    private readonly session: InferenceSession,
    readonly tokenizer: SentenceTokenizer,
    readonly techniques: readonly Technique[],
    readonly descriptor: ModelDescriptor,
  ) {}

  get manifestKey(): string {
    return this.descriptor.manifestKey;
  }

  get defaultThreshold(): number {
    return this.descriptor.defaultThreshold ?? DEFAULT_THRESHOLD;
  }

  async predict(texts: readonly string[], options: PredictOptions = {}): Promise<Predictions> {
    const batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError('batchSize must be a positive integer');
    }
    if (this.closing) {
      throw new Error(`model ${this.manifestKey} is closed`);
    }

    this.inFlight += 1;
    try {
      return await this.predictBatches(texts, batchSize);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        this.drained?.();
      }
    }
  }

  /** Releases the session once running predictions have finished. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.drained = resolve;
      if (this.inFlight === 0) {
        resolve();
      }
    }).then(() => this.session.release());
    return this.closing;
  }

  private async predictBatches(texts: readonly string[], batchSize: number): Promise<Predictions> {
    const encoded = await this.encodeAll(texts);
    const probabilities = new Array<Float64Array>(texts.length);

    // Longest first, as the trainer batches, so that rows of a batch need little padding.
    const order = encoded.map((_, index) => index);
    order.sort((a, b) => (encoded[b]?.ids.length ?? 0) - (encoded[a]?.ids.length ?? 0) || a - b);

    for (let start = 0; start < order.length; start += batchSize) {
      const chunk = order.slice(start, start + batchSize);
      const rows = await this.runBatch(chunk.map((index) => encoded[index]?.ids ?? []));
      chunk.forEach((index, position) => {
        probabilities[index] = rows[position] as Float64Array;
      });
    }

    const truncated = encoded.filter((sentence) => sentence.truncated).length;
    return { probabilities, truncated };
  }

  private async encodeAll(texts: readonly string[]): Promise<EncodedSentence[]> {
    const encoded: EncodedSentence[] = [];
    for (let start = 0; start < texts.length; start += TOKENIZE_CHUNK) {
      encoded.push(
        ...texts.slice(start, start + TOKENIZE_CHUNK).map((t) => this.tokenizer.encode(t)),
      );
      await yieldToEventLoop();
    }
    return encoded;
  }

  private async runBatch(rows: number[][]): Promise<Float64Array[]> {
    const batch = this.tokenizer.pad(rows);
    const dims = [batch.rows, batch.width];
    const feeds: Record<string, Tensor> = {};
    for (const name of this.session.inputNames) {
      feeds[name] = new Tensor('int64', inputData(name, batch), dims);
    }

    const outputName = this.session.outputNames.includes('logits')
      ? 'logits'
      : (this.session.outputNames[0] as string);
    const logits = (await this.session.run(feeds))[outputName] as Tensor;
    const labels = this.techniques.length;
    if (logits.dims.length !== 2 || logits.dims[1] !== labels) {
      throw new Error(
        `model ${this.manifestKey} returns ${logits.dims.join('x')} for ${labels} labels`,
      );
    }

    const data = logits.data as Float32Array;
    return Array.from({ length: batch.rows }, (_, r) =>
      softmax(data.subarray(r * labels, (r + 1) * labels)),
    );
  }
}

function inputData(name: string, batch: ReturnType<SentenceTokenizer['pad']>): BigInt64Array {
  if (name === 'input_ids') {
    return batch.inputIds;
  }
  if (name === 'attention_mask') {
    return batch.attentionMask;
  }
  if (name === 'token_type_ids') {
    return new BigInt64Array(batch.inputIds.length);
  }
  throw new Error(`ONNX model input ${name} is not one the classifier can feed`);
}

/** Materialises an export from the store and opens its onnxruntime session on CPU. */
export async function loadClassifier(
  store: ArtifactStore,
  descriptor: ModelDescriptor,
  options: LoadOptions,
): Promise<TechniqueClassifier> {
  const started = performance.now();
  const { folder, manifest } = await materializeExport(
    store,
    descriptor.manifestKey,
    options.cacheDir,
  );
  const maxLength = resolveMaxLength(descriptor, manifest);

  const tokenizer = new SentenceTokenizer(
    await readJson(join(folder, 'tokenizer.json')),
    await readOptionalJson(join(folder, 'tokenizer_config.json')),
    maxLength,
  );
  const techniques = techniquesOf(await readJson(join(folder, 'labels.json')), descriptor);
  const session = await InferenceSession.create(
    join(folder, 'model.onnx'),
    sessionOptions(options),
  );

  log.info('model loaded', {
    manifestKey: descriptor.manifestKey,
    techniques: techniques.length,
    maxLength,
    inputs: session.inputNames,
    milliseconds: Math.round(performance.now() - started),
  });
  return new TechniqueClassifier(session, tokenizer, techniques, { ...descriptor, maxLength });
}

function sessionOptions(options: LoadOptions): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  };
}

function resolveMaxLength(descriptor: ModelDescriptor, manifest: ExportManifest): number {
  const fromManifest = manifest.maxLength;
  const fromCaller = descriptor.maxLength;
  if (fromManifest !== undefined && fromCaller !== undefined && fromManifest !== fromCaller) {
    throw new ExportManifestError(
      descriptor.manifestKey,
      `exported with maxLength ${fromManifest}, asked for ${fromCaller}`,
    );
  }

  const maxLength = fromManifest ?? fromCaller;
  if (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 8) {
    throw new ExportManifestError(
      descriptor.manifestKey,
      'maxLength is unknown: pass the ExportOnnxInput.maxLength of the export',
    );
  }
  return maxLength;
}

function techniquesOf(labels: unknown, descriptor: ModelDescriptor): Technique[] {
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) {
    throw new ExportManifestError(descriptor.manifestKey, 'labels.json is not an array of IDs');
  }
  return labels.map((id) => ({ id, name: descriptor.techniqueNames?.[id] ?? id }));
}

async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function readOptionalJson(path: string): Promise<Record<string, unknown>> {
  try {
    return await readJson(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {};
    }
    throw error;
  }
}
