import { readFileSync } from 'node:fs';

/** One shared F1 test vector (vectors/f1.json, written by scripts/make_f1_vectors.py). */
export interface F1Vector {
  name: string;
  gold: string[];
  predicted: string[];
  labels: string[];
  microF1: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/** Reference statistics (vectors/stats.json, written by scripts/make_stats_vectors.py). */
export interface StatsVectors {
  quantiles: { p: number; df: number; t: number }[];
  cdf: { t: number; df: number; cdf: number; twoSidedP: number }[];
  summaries: {
    name: string;
    values: number[];
    mean: number;
    std: number;
    variance: number;
    ciLower: number;
    ciUpper: number;
  }[];
  welch: {
    name: string;
    a: number[];
    b: number[];
    difference: number;
    standardError: number;
    t: number;
    df: number;
    pValue: number;
    ciLower: number;
    ciUpper: number;
  }[];
}

function readVectors<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

export const f1Vectors = readVectors<{ vectors: F1Vector[] }>('f1.json').vectors;
export const statsVectors = readVectors<StatsVectors>('stats.json');

/** Relative error |actual − expected| / |expected|. */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1e-300, Math.abs(expected));
}
