import { compareIds, type LabelClass, type LabelResolver, type RetiredStep } from './labels';
import type { DatasetSettings } from './settings';
import type { TramSentence } from './tram';

export interface PrimarySentence {
  /** The sentence with surrounding whitespace trimmed. */
  text: string;
  classId: string;
  rawLabel: string;
  /** Position of the sentence in the primary file. */
  sourceIndex: number;
}

export interface PrimaryClass extends LabelClass {
  /** The class's sentences in file order. */
  sentences: PrimarySentence[];
  /** Raw label IDs that were mapped to this class, with their sentence counts. */
  rawLabels: Record<string, number>;
}

export interface IdCount {
  id: string;
  sentences: number;
}

export interface RetiredIdListing extends IdCount {
  status: 'revoked' | 'deprecated';
  action: string;
  /** The class the sentences ended in, or null when they were dropped. */
  resolvedTo: string | null;
  /** Sentences of this ID that survived the minimum class size. */
  sentencesKept: number;
}

export interface PrimaryStatistics {
  fileSentences: number;
  emptySentences: number;
  unlabelledSentences: number;
  multiLabelSentences: number;
  singleLabelSentences: number;
  duplicatesRemoved: number;
  /** Removed duplicates whose raw label differed from the kept copy's. */
  duplicatesWithOtherLabel: number;
  distinctRawLabels: number;
  unknownIds: IdCount[];
  unknownSentences: number;
  retiredIds: RetiredIdListing[];
  retiredDroppedSentences: number;
  classesBeforeSizeFilter: number;
  droppedClasses: (IdCount & { name: string })[];
  droppedSentences: number;
  sentences: number;
  classes: number;
  classesWithThree: number;
}

export interface PrimaryData {
  classes: PrimaryClass[];
  statistics: PrimaryStatistics;
}

type PrimaryRules = DatasetSettings['primary'];

/**
 * The paper's primary data D^P (section 3.1): single-label sentences, duplicates removed across
 * the whole file, labels resolved to merged classes, classes under the minimum size dropped.
 */
export function buildPrimaryData(
  sentences: readonly TramSentence[],
  resolver: LabelResolver,
  rules: PrimaryRules,
): PrimaryData {
  const selection = selectSingleLabel(sentences, rules.dedupe);
  const labelled = resolveClasses(selection.kept, resolver);
  const grouped = groupByClass(labelled.sentences, resolver);

  const kept = grouped.filter((group) => group.sentences.length >= rules.minClassSize);
  const dropped = grouped.filter((group) => group.sentences.length < rules.minClassSize);
  const keptIds = new Set(kept.map((group) => group.id));

  const statistics: PrimaryStatistics = {
    fileSentences: sentences.length,
    ...selection.counts,
    distinctRawLabels: new Set(selection.kept.map((sentence) => sentence.rawLabel)).size,
    unknownIds: labelled.unknown,
    unknownSentences: sum(labelled.unknown),
    retiredIds: listRetired(labelled.retired, selection.kept, resolver, keptIds),
    retiredDroppedSentences: labelled.retiredDropped,
    classesBeforeSizeFilter: grouped.length,
    droppedClasses: dropped.map(({ id, name, sentences: members }) => ({
      id,
      name,
      sentences: members.length,
    })),
    droppedSentences: dropped.reduce((total, group) => total + group.sentences.length, 0),
    sentences: kept.reduce((total, group) => total + group.sentences.length, 0),
    classes: kept.length,
    classesWithThree: kept.filter((group) => group.sentences.length === 3).length,
  };
  return { classes: kept, statistics };
}

interface RawSentence {
  text: string;
  rawLabel: string;
  sourceIndex: number;
}

/** Keeps sentences with exactly one distinct label; later copies of a trimmed text are dropped. */
export function selectSingleLabel(sentences: readonly TramSentence[], dedupe: boolean) {
  const counts = {
    emptySentences: 0,
    unlabelledSentences: 0,
    multiLabelSentences: 0,
    singleLabelSentences: 0,
    duplicatesRemoved: 0,
    duplicatesWithOtherLabel: 0,
  };
  const kept: RawSentence[] = [];
  const labelOfText = new Map<string, string>();

  for (const sentence of sentences) {
    const text = sentence.text.trim();
    const labels = [...new Set(sentence.labels)];
    if (text === '') {
      counts.emptySentences += 1;
    } else if (labels.length === 0) {
      counts.unlabelledSentences += 1;
    } else if (labels.length > 1) {
      counts.multiLabelSentences += 1;
    } else {
      counts.singleLabelSentences += 1;
      const rawLabel = labels[0] as string;
      const earlier = labelOfText.get(text);
      if (dedupe && earlier !== undefined) {
        counts.duplicatesRemoved += 1;
        counts.duplicatesWithOtherLabel += earlier === rawLabel ? 0 : 1;
        continue;
      }

      labelOfText.set(text, rawLabel);
      kept.push({ text, rawLabel, sourceIndex: sentence.index });
    }
  }
  return { kept, counts };
}

function resolveClasses(sentences: readonly RawSentence[], resolver: LabelResolver) {
  const resolved: PrimarySentence[] = [];
  const unknown = new Map<string, number>();
  const retired = new Map<string, RetiredStep[]>();
  let retiredDropped = 0;

  for (const sentence of sentences) {
    const resolution = resolver.resolve(sentence.rawLabel);
    if (resolution.retired.length > 0) {
      retired.set(sentence.rawLabel, resolution.retired);
    }

    if (resolution.status === 'class') {
      resolved.push({ ...sentence, classId: resolution.classId });
    } else if (resolution.status === 'unknown') {
      unknown.set(resolution.rawId, (unknown.get(resolution.rawId) ?? 0) + 1);
    } else {
      retiredDropped += 1;
    }
  }

  const unknownIds = [...unknown.entries()]
    .map(([id, count]) => ({ id, sentences: count }))
    .sort((a, b) => compareIds(a.id, b.id));
  return { sentences: resolved, unknown: unknownIds, retired, retiredDropped };
}

function groupByClass(sentences: readonly PrimarySentence[], resolver: LabelResolver) {
  const groups = new Map<string, PrimaryClass>();
  for (const sentence of sentences) {
    let group = groups.get(sentence.classId);
    if (group === undefined) {
      group = { ...resolver.classOf(sentence.classId), sentences: [], rawLabels: {} };
      groups.set(sentence.classId, group);
    }

    group.sentences.push(sentence);
    group.rawLabels[sentence.rawLabel] = (group.rawLabels[sentence.rawLabel] ?? 0) + 1;
  }
  return [...groups.values()].sort((a, b) => compareIds(a.id, b.id));
}

function listRetired(
  retired: Map<string, RetiredStep[]>,
  sentences: readonly RawSentence[],
  resolver: LabelResolver,
  keptClasses: Set<string>,
): RetiredIdListing[] {
  return [...retired.entries()]
    .map(([rawId, steps]) => {
      const resolution = resolver.resolve(rawId);
      const resolvedTo = resolution.status === 'class' ? resolution.classId : null;
      const count = sentences.filter((sentence) => sentence.rawLabel === rawId).length;
      const first = steps[0] as RetiredStep;
      return {
        id: rawId,
        status: first.status,
        action: steps.map((step) => `${step.id}: ${step.action}`).join('; '),
        sentences: count,
        resolvedTo,
        sentencesKept: resolvedTo !== null && keptClasses.has(resolvedTo) ? count : 0,
      };
    })
    .sort((a, b) => compareIds(a.id, b.id));
}

function sum(counts: readonly IdCount[]): number {
  return counts.reduce((total, entry) => total + entry.sentences, 0);
}
