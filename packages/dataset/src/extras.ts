import { compareIds, type LabelResolver } from './labels';
import type { IdCount } from './primary';
import type { TramSentence } from './tram';

export interface NegativeStatistics {
  unlabelled: number;
  duplicatesRemoved: number;
  /** Unlabelled sentences whose text is labelled elsewhere in the primary file. */
  labelledElsewhere: number;
  sentences: number;
}

/**
 * Negatives: the primary file's sentences without any technique, trimmed, deduplicated, and
 * without texts that carry a label elsewhere in the file. Used to measure false positives.
 */
export function buildNegatives(sentences: readonly TramSentence[]) {
  const labelled = new Set(
    sentences.filter((s) => s.labels.length > 0).map((sentence) => sentence.text.trim()),
  );
  const seen = new Set<string>();
  const statistics: NegativeStatistics = {
    unlabelled: 0,
    duplicatesRemoved: 0,
    labelledElsewhere: 0,
    sentences: 0,
  };

  const texts: string[] = [];
  for (const sentence of sentences) {
    const text = sentence.text.trim();
    if (sentence.labels.length > 0 || text === '') {
      continue;
    }

    statistics.unlabelled += 1;
    if (seen.has(text)) {
      statistics.duplicatesRemoved += 1;
    } else if (labelled.has(text)) {
      statistics.labelledElsewhere += 1;
    } else {
      texts.push(text);
    }
    seen.add(text);
  }

  statistics.sentences = texts.length;
  return { texts, statistics };
}

export interface OodStatistics {
  source: string;
  rows: number;
  unknownIds: IdCount[];
  outsideClasses: number;
  inPrimaryFile: number;
  duplicatesRemoved: number;
  sentences: number;
  classes: number;
}

export interface OodSentence {
  text: string;
  classId: string;
}

/**
 * Out-of-distribution set: rows of a second source whose label resolves to one of the dataset's
 * classes and whose trimmed text appears nowhere in the primary file.
 */
export function buildOodSet(
  source: string,
  rows: readonly TramSentence[],
  primaryFile: readonly TramSentence[],
  resolver: LabelResolver,
  classIds: ReadonlySet<string>,
) {
  const primaryTexts = new Set(primaryFile.map((sentence) => sentence.text.trim()));
  const unknown = new Map<string, number>();
  const seen = new Set<string>();
  const statistics = { source, rows: rows.length, outsideClasses: 0, inPrimaryFile: 0 };
  let duplicatesRemoved = 0;

  const sentences: OodSentence[] = [];
  for (const row of rows) {
    const text = row.text.trim();
    const resolution = resolver.resolve(row.labels[0] as string);
    if (resolution.status === 'unknown') {
      unknown.set(resolution.rawId, (unknown.get(resolution.rawId) ?? 0) + 1);
    } else if (resolution.status !== 'class' || !classIds.has(resolution.classId)) {
      statistics.outsideClasses += 1;
    } else if (text === '' || primaryTexts.has(text)) {
      statistics.inPrimaryFile += text === '' ? 0 : 1;
    } else if (seen.has(text)) {
      duplicatesRemoved += 1;
    } else {
      seen.add(text);
      sentences.push({ text, classId: resolution.classId });
    }
  }

  const oodStatistics: OodStatistics = {
    ...statistics,
    unknownIds: [...unknown.entries()]
      .map(([id, count]) => ({ id, sentences: count }))
      .sort((a, b) => compareIds(a.id, b.id)),
    duplicatesRemoved,
    sentences: sentences.length,
    classes: new Set(sentences.map((sentence) => sentence.classId)).size,
  };
  return { sentences, statistics: oodStatistics };
}
