import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadConfig } from '@ttpgrid/config';

export const TRAM_FILE = 'tram/ctid-tram_v1.2.0/data/training/bootstrap-training-data.json';

interface TramFile {
  sentences: { text: string; mappings?: { attack_id: string }[] }[];
}

export interface Row {
  text: string;
  label: string;
}

export interface TramSlice {
  labels: string[];
  train: Row[];
  dev: Row[];
  test: Row[];
  /** Unlabelled sentences of the same file. */
  negatives: string[];
}

export interface SliceSizes {
  classes: number;
  train: number;
  dev: number;
  test: number;
  negatives: number;
}

/**
 * A small real slice of the TRAM bootstrap file: the `classes` most frequent techniques among
 * single-label sentences; per class, distinct texts in file order go to train, dev, then test.
 * Deterministic, so both sides of a parity test see the same sentences.
 */
export async function buildTramSlice(sizes: SliceSizes): Promise<TramSlice> {
  const file = join(loadConfig().rawDataDir, TRAM_FILE);
  const tram = JSON.parse(await readFile(file, 'utf8')) as TramFile;
  const byClass = groupSingleLabel(tram);

  const labels = [...byClass.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .slice(0, sizes.classes)
    .map(([label]) => label)
    .sort();

  const slice: TramSlice = { labels, train: [], dev: [], test: [], negatives: [] };
  for (const label of labels) {
    const texts = byClass.get(label) ?? [];
    const take = (from: number, count: number) =>
      texts.slice(from, from + count).map((text) => ({ text, label }));
    slice.train.push(...take(0, sizes.train));
    slice.dev.push(...take(sizes.train, sizes.dev));
    slice.test.push(...take(sizes.train + sizes.dev, sizes.test));
  }

  slice.negatives = negativesOf(tram).slice(0, sizes.negatives);
  return slice;
}

function groupSingleLabel(tram: TramFile): Map<string, string[]> {
  const seen = new Set<string>();
  const byClass = new Map<string, string[]>();
  for (const sentence of tram.sentences) {
    const text = sentence.text.trim();
    const mappings = sentence.mappings ?? [];
    if (mappings.length !== 1 || text === '' || seen.has(text)) {
      continue;
    }

    seen.add(text);
    const label = (mappings[0] as { attack_id: string }).attack_id;
    byClass.set(label, [...(byClass.get(label) ?? []), text]);
  }
  return byClass;
}

function negativesOf(tram: TramFile): string[] {
  const texts = tram.sentences
    .filter((sentence) => (sentence.mappings ?? []).length === 0)
    .map((sentence) => sentence.text.trim())
    .filter((text) => text !== '');
  return [...new Set(texts)];
}

export async function writeJsonLines(path: string, rows: readonly Row[]): Promise<void> {
  await writeFile(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
}
