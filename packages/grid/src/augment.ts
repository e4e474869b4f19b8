import type { Source } from './cases';
import { seededRandom, shuffled } from './random';

export interface LabelledSentence {
  text: string;
  label: string;
}

/** Row-major L2-normalised sentence embeddings, one row per sentence of a split. */
export interface EmbeddingMatrix {
  dimension: number;
  values: Float32Array;
}

export interface SelectedSentence {
  label: string;
  text: string;
  source: Source;
  /** Equation 1's score for similarity selections; null for random draws and repeats. */
  score: number | null;
  /** Index of the sentence in its split (auxiliary or training), for traceability. */
  index: number;
}

export interface ClassShortfall {
  label: string;
  needed: number;
  available: number;
}

export interface Composition {
  rows: LabelledSentence[];
  selected: SelectedSentence[];
  shortfalls: ClassShortfall[];
  minorityClasses: string[];
}

export interface CompositionInput {
  sources: Source[];
  train: LabelledSentence[];
  auxiliary: LabelledSentence[];
  /** The minority threshold; required when a source depends on it. */
  k: number | null;
  seed: number | null;
  swapRate: number | null;
  trainEmbeddings?: EmbeddingMatrix;
  auxiliaryEmbeddings?: EmbeddingMatrix;
}

/**
 * A minority class has fewer than k sentences in the training split (our reading of the paper's
 * "fewer than k samples", section 2.1; 43 classes at k = 10 on the paper's data).
 */
export function minorityClasses(train: LabelledSentence[], k: number): string[] {
  const counts = countByLabel(train);
  return [...counts.entries()]
    .filter(([, count]) => count < k)
    .map(([label]) => label)
    .sort();
}

/** Builds a stage's training set from its sources, in the order the sources are given. */
export function composeTrainingSet(input: CompositionInput): Composition {
  const result: Composition = { rows: [], selected: [], shortfalls: [], minorityClasses: [] };
  if (input.k !== null) result.minorityClasses = minorityClasses(input.train, input.k);

  for (const source of input.sources) {
    const part = composeSource(source, input, result.minorityClasses);
    result.rows.push(...part.selected.map(({ text, label }) => ({ text, label })));
    if (source !== 'P' && source !== 'A') result.selected.push(...part.selected);
    result.shortfalls.push(...part.shortfalls);
  }
  return result;
}

interface SourcePart {
  selected: SelectedSentence[];
  shortfalls: ClassShortfall[];
}

function composeSource(source: Source, input: CompositionInput, minority: string[]): SourcePart {
  const whole = (rows: LabelledSentence[]) => ({
    selected: rows.map((row, index) => ({ ...row, source, score: null, index })),
    shortfalls: [],
  });
  const allClasses = [...countByLabel(input.train).keys()].sort();

  switch (source) {
    case 'P':
      return whole(input.train);
    case 'A':
      return whole(input.auxiliary);
    case 'Asim':
      return selectSimilar(input, minority, 'Asim', (n, k) => k - n);
    case 'Asimall':
      return selectSimilar(input, allClasses, 'Asimall', (_n, k) => k);
    case 'Arand':
      return selectRandom(input, minority, 'Arand', (n, k) => k - n);
    case 'Arandall':
      return selectRandom(input, allClasses, 'Arandall', (_n, k) => k);
    case 'Psame':
      return oversample(input, minority, 'Psame');
    case 'Pswap':
      return oversample(input, minority, 'Pswap');
  }
}

function requireParameter<T>(value: T | null | undefined, name: string, source: Source): T {
  if (value === null || value === undefined) {
    throw new Error(`source ${source} needs ${name}`);
  }
  return value;
}

/**
 * Equation 1: score(a) = max over the class's training sentences s of cos(h(a), h(s)). The
 * `count(n, k)` most similar auxiliary sentences of each class are taken, ties broken by order.
 */
function selectSimilar(
  input: CompositionInput,
  classes: string[],
  source: Source,
  count: (n: number, k: number) => number,
): SourcePart {
  const k = requireParameter(input.k, 'k', source);
  const trainVectors = requireParameter(input.trainEmbeddings, 'training embeddings', source);
  const auxVectors = requireParameter(input.auxiliaryEmbeddings, 'auxiliary embeddings', source);
  const trainByClass = indexByLabel(input.train);
  const auxByClass = indexByLabel(input.auxiliary);
  const part: SourcePart = { selected: [], shortfalls: [] };

  for (const label of classes) {
    const trainIndices = trainByClass.get(label) ?? [];
    const candidates = auxByClass.get(label) ?? [];
    const needed = count(trainIndices.length, k);
    const scored = candidates.map((auxIndex) => ({
      auxIndex,
      score: maxCosine(auxVectors, auxIndex, trainVectors, trainIndices),
    }));
    scored.sort((a, b) => b.score - a.score || a.auxIndex - b.auxIndex);

    const taken = scored.slice(0, needed);
    for (const { auxIndex, score } of taken) {
      const row = input.auxiliary[auxIndex] as LabelledSentence;
      part.selected.push({ ...row, source, score, index: auxIndex });
    }
    if (taken.length < needed) {
      part.shortfalls.push({ label, needed, available: candidates.length });
    }
  }
  return part;
}

function selectRandom(
  input: CompositionInput,
  classes: string[],
  source: Source,
  count: (n: number, k: number) => number,
): SourcePart {
  const k = requireParameter(input.k, 'k', source);
  const seed = requireParameter(input.seed, 'a seed', source);
  const trainCounts = countByLabel(input.train);
  const auxByClass = indexByLabel(input.auxiliary);
  const part: SourcePart = { selected: [], shortfalls: [] };

  for (const label of classes) {
    const candidates = auxByClass.get(label) ?? [];
    const needed = count(trainCounts.get(label) ?? 0, k);
    const taken = shuffled(candidates, seededRandom(source, seed, label)).slice(0, needed);
    for (const auxIndex of taken.sort((a, b) => a - b)) {
      const row = input.auxiliary[auxIndex] as LabelledSentence;
      part.selected.push({ ...row, source, score: null, index: auxIndex });
    }
    if (taken.length < needed) {
      part.shortfalls.push({ label, needed, available: candidates.length });
    }
  }
  return part;
}

/** Repeats each minority class's training sentences, in order, until the class has k. */
function oversample(input: CompositionInput, classes: string[], source: Source): SourcePart {
  const k = requireParameter(input.k, 'k', source);
  const swapRate = source === 'Pswap' ? requireParameter(input.swapRate, 'swapRate', source) : 0;
  const seed = source === 'Pswap' ? requireParameter(input.seed, 'a seed', source) : 0;
  const trainByClass = indexByLabel(input.train);
  const part: SourcePart = { selected: [], shortfalls: [] };

  for (const label of classes) {
    const indices = trainByClass.get(label) ?? [];
    const random = seededRandom(source, seed, label);
    for (let copy = 0; copy < k - indices.length; copy += 1) {
      const index = indices[copy % indices.length] as number;
      const row = input.train[index] as LabelledSentence;
      const text = source === 'Pswap' ? swapWords(row.text, swapRate, random) : row.text;
      part.selected.push({ label, text, source, score: null, index });
    }
  }
  return part;
}

/**
 * Swaps random pairs of word positions: round(rate × words) swaps, at least one where the
 * sentence has two words or more.
 */
export function swapWords(text: string, rate: number, random: () => number): string {
  const words = text.split(/\s+/).filter((word) => word !== '');
  if (words.length < 2 || rate === 0) return words.join(' ');

  const swaps = Math.max(1, Math.round(rate * words.length));
  for (let swap = 0; swap < swaps; swap += 1) {
    const i = Math.floor(random() * words.length);
    let j = Math.floor(random() * (words.length - 1));
    if (j >= i) j += 1;
    [words[i], words[j]] = [words[j] as string, words[i] as string];
  }
  return words.join(' ');
}

function maxCosine(
  aux: EmbeddingMatrix,
  auxIndex: number,
  train: EmbeddingMatrix,
  trainIndices: number[],
): number {
  let best = -Infinity;
  for (const trainIndex of trainIndices) {
    best = Math.max(best, dot(aux, auxIndex, train, trainIndex));
  }
  return best;
}

/** Rows are L2-normalised, so the dot product is the cosine similarity. */
function dot(a: EmbeddingMatrix, row: number, b: EmbeddingMatrix, other: number): number {
  const dimension = a.dimension;
  let sum = 0;
  for (let d = 0; d < dimension; d += 1) {
    sum += (a.values[row * dimension + d] as number) * (b.values[other * dimension + d] as number);
  }
  return sum;
}

export function countByLabel(rows: LabelledSentence[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  return counts;
}

function indexByLabel(rows: LabelledSentence[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const list = byLabel.get(row.label) ?? [];
    list.push(index);
    byLabel.set(row.label, list);
  });
  return byLabel;
}

/** Reads the trainer's embeddings artifact: little-endian float32, row-major. */
export function readEmbeddings(bytes: Uint8Array, count: number, dimension: number) {
  if (bytes.byteLength !== count * dimension * 4) {
    throw new Error(
      `embeddings artifact has ${bytes.byteLength} bytes, expected ${count}×${dimension}×4`,
    );
  }
  const copy = new Uint8Array(bytes);
  return { dimension, values: new Float32Array(copy.buffer, copy.byteOffset, count * dimension) };
}
