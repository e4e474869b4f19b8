/**
 * Leakage measure: two sentences are exact duplicates when their trimmed texts are identical,
 * and near duplicates when the Jaccard similarity of their sets of word n-grams (default n = 3)
 * is at or above the threshold (default 0.7). Words are runs of letters and digits after NFKC
 * normalisation and lower-casing; a sentence of fewer than n words is one shingle of all its
 * words. Candidates come from an inverted index over shingles: a pair sharing no shingle has
 * similarity 0, so the index finds every pair above any positive threshold.
 */
export type PartName = 'train' | 'dev' | 'test' | 'auxiliary';

export interface LeakageFinding {
  kind: 'exact' | 'near';
  partA: PartName;
  partB: PartName;
  /** Row index in part A's list (for auxiliary: before any near-duplicate was dropped). */
  indexA: number;
  indexB: number;
  similarity: number;
  textA: string;
  textB: string;
  dropped: boolean;
}

export interface LeakageRules {
  ngram: number;
  threshold: number;
}

export interface Part {
  name: PartName;
  texts: readonly string[];
}

/** The pairs the gate checks: the three splits with each other, and auxiliary with dev and test. */
export const CHECKED_PAIRS: readonly [PartName, PartName][] = [
  ['train', 'dev'],
  ['train', 'test'],
  ['dev', 'test'],
  ['auxiliary', 'dev'],
  ['auxiliary', 'test'],
];

export function wordsOf(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function shinglesOf(text: string, n: number): Set<string> {
  const words = wordsOf(text);
  if (words.length < n) {
    return new Set(words.length === 0 ? [] : [words.join(' ')]);
  }

  const shingles = new Set<string>();
  for (let i = 0; i + n <= words.length; i += 1) {
    shingles.add(words.slice(i, i + n).join(' '));
  }
  return shingles;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) {
    return 0;
  }

  let shared = 0;
  a.forEach((shingle) => (shared += b.has(shingle) ? 1 : 0));
  return shared / (a.size + b.size - shared);
}

/** Shingle sets of one part, with an inverted index from shingle to row indexes. */
class ShingleIndex {
  readonly sets: Set<string>[];
  private readonly postings = new Map<string, number[]>();
  private readonly rowsOfText = new Map<string, number[]>();

  constructor(
    readonly part: Part,
    n: number,
  ) {
    this.sets = part.texts.map((text) => shinglesOf(text, n));
    this.sets.forEach((set, row) => set.forEach((s) => this.post(this.postings, s, row)));
    part.texts.forEach((text, row) => this.post(this.rowsOfText, text.trim(), row));
  }

  exactRows(text: string): number[] {
    return this.rowsOfText.get(text.trim()) ?? [];
  }

  /** Rows sharing at least one shingle with `set`, with the number they share. */
  sharedCounts(set: ReadonlySet<string>): Map<number, number> {
    const counts = new Map<number, number>();
    set.forEach((shingle) => {
      for (const row of this.postings.get(shingle) ?? []) {
        counts.set(row, (counts.get(row) ?? 0) + 1);
      }
    });
    return counts;
  }

  private post(map: Map<string, number[]>, key: string, row: number) {
    const rows = map.get(key);
    if (rows === undefined) {
      map.set(key, [row]);
    } else {
      rows.push(row);
    }
  }
}

/** All exact and near duplicates between the checked pairs of parts, in a stable order. */
export function findLeakage(parts: readonly Part[], rules: LeakageRules): LeakageFinding[] {
  const byName = new Map(parts.map((part) => [part.name, part]));
  const indexes = new Map<PartName, ShingleIndex>();
  const indexOf = (part: Part) => {
    const existing = indexes.get(part.name) ?? new ShingleIndex(part, rules.ngram);
    indexes.set(part.name, existing);
    return existing;
  };

  return CHECKED_PAIRS.flatMap(([nameA, nameB]) => {
    const partA = byName.get(nameA);
    const partB = byName.get(nameB);
    return partA === undefined || partB === undefined
      ? []
      : compareParts(indexOf(partA), indexOf(partB), rules.threshold);
  });
}

function compareParts(a: ShingleIndex, b: ShingleIndex, threshold: number): LeakageFinding[] {
  const findings: LeakageFinding[] = [];
  a.part.texts.forEach((textA, indexA) => {
    const exact = new Set(b.exactRows(textA));
    const setA = a.sets[indexA] as Set<string>;
    const rows = new Set([...exact, ...b.sharedCounts(setA).keys()]);

    for (const indexB of [...rows].sort((x, y) => x - y)) {
      const isExact = exact.has(indexB);
      const similarity = isExact ? 1 : jaccard(setA, b.sets[indexB] as Set<string>);
      if (isExact || similarity >= threshold) {
        findings.push({
          kind: isExact ? 'exact' : 'near',
          partA: a.part.name,
          partB: b.part.name,
          indexA,
          indexB,
          similarity: Math.round(similarity * 1e6) / 1e6,
          textA,
          textB: b.part.texts[indexB] as string,
          dropped: false,
        });
      }
    }
  });
  return findings;
}

export interface LeakageSummary {
  measure: string;
  pairs: Record<string, { exact: number; near: number }>;
  auxiliarySentencesFlagged: number;
  auxiliarySentencesDropped: number;
}

export function summariseLeakage(
  findings: readonly LeakageFinding[],
  rules: LeakageRules,
): LeakageSummary {
  const pairs: LeakageSummary['pairs'] = {};
  for (const [a, b] of CHECKED_PAIRS) {
    pairs[`${a}-${b}`] = { exact: 0, near: 0 };
  }
  findings.forEach((finding) => {
    const counts = pairs[`${finding.partA}-${finding.partB}`];
    if (counts !== undefined) {
      counts[finding.kind] += 1;
    }
  });

  const auxiliary = findings.filter((finding) => finding.partA === 'auxiliary');
  return {
    measure:
      `word ${rules.ngram}-gram Jaccard >= ${rules.threshold}; ` + 'exact = identical trimmed text',
    pairs,
    auxiliarySentencesFlagged: new Set(auxiliary.map((f) => f.indexA)).size,
    auxiliarySentencesDropped: new Set(auxiliary.filter((f) => f.dropped).map((f) => f.indexA))
      .size,
  };
}
