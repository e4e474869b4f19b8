import { createLogger } from '@ttpgrid/config';

import type { TechniqueClassifier } from './model/classifier';
import type { Technique } from './model/types';
import { topKAbove } from './scores';
import { reportSentences, type ReportFormat } from './text/sentences';

const log = createLogger('classifier.report');

export interface ClassifyOptions {
  /** Default 'text'. */
  format?: ReportFormat;
  /** Techniques listed per sentence at most (default 3). */
  topK?: number;
  /** Minimum probability of a listed technique (default: the model's calibrated threshold). */
  threshold?: number;
  /** Strongest sentences listed per technique in the summary (default 3). */
  sentencesPerTechnique?: number;
  batchSize?: number;
}

export interface TechniqueScore {
  /** Enterprise ATT&CK ID. */
  id: string;
  name: string;
  probability: number;
}

export interface SentenceResult {
  index: number;
  text: string;
  /** Most probable first; empty when no technique reaches the threshold. */
  techniques: TechniqueScore[];
}

export interface TechniqueSummary {
  id: string;
  name: string;
  maxProbability: number;
  /** Sentences that list this technique. */
  sentenceCount: number;
  /** Its strongest sentences, most probable first. */
  sentences: { index: number; text: string; probability: number }[];
}

export interface ReportClassification {
  model: {
    manifestKey: string;
    modelId?: string;
    attackVersion?: string;
    techniqueCount: number;
    maxLength?: number;
  };
  format: ReportFormat;
  topK: number;
  threshold: number;
  sentences: SentenceResult[];
  summary: {
    sentences: number;
    sentencesWithTechniques: number;
    truncatedSentences: number;
    /** Strongest technique first. */
    techniques: TechniqueSummary[];
  };
}

/** The report has no sentence to classify (empty, or only markup, scripts or punctuation). */
export class EmptyReportError extends Error {
  constructor() {
    super('the report contains no sentence to classify');
    this.name = 'EmptyReportError';
  }
}

/**
 * Splits a report into sentences and lists per sentence the top-k techniques whose probability
 * reaches the threshold, with a per-technique summary. Throws EmptyReportError when there is
 * nothing to classify and RangeError for an out-of-range topK or threshold.
 */
export async function classifyReport(
  model: TechniqueClassifier,
  text: string,
  options: ClassifyOptions = {},
): Promise<ReportClassification> {
  const settings = resolveOptions(model, options);
  const sentences = reportSentences(text, settings.format);
  if (sentences.length === 0) {
    throw new EmptyReportError();
  }

  const started = performance.now();
  const predictions = await model.predict(
    sentences.map((sentence) => sentence.text),
    { batchSize: options.batchSize },
  );

  const results = sentences.map((sentence, index) => ({
    ...sentence,
    techniques: techniqueScores(model.techniques, predictions.probabilities[index], settings),
  }));

  log.info('report classified', {
    manifestKey: model.manifestKey,
    sentences: results.length,
    milliseconds: Math.round(performance.now() - started),
  });
  return {
    model: modelSummary(model),
    ...settings,
    sentences: results,
    summary: summarise(results, predictions.truncated, settings.sentencesPerTechnique),
  };
}

/** Top-k techniques of one probability row at or above the threshold. */
export function techniqueScores(
  techniques: readonly Technique[],
  probabilities: ArrayLike<number> | undefined,
  settings: { topK: number; threshold: number },
): TechniqueScore[] {
  return topKAbove(probabilities ?? [], settings.topK, settings.threshold).map((ranked) => ({
    ...(techniques[ranked.index] as Technique),
    probability: ranked.probability,
  }));
}

function resolveOptions(model: TechniqueClassifier, options: ClassifyOptions) {
  const topK = options.topK ?? 3;
  const threshold = options.threshold ?? model.defaultThreshold;
  const sentencesPerTechnique = options.sentencesPerTechnique ?? 3;
  if (!Number.isInteger(topK) || topK < 1 || topK > model.techniques.length) {
    throw new RangeError(`topK must be an integer from 1 to ${model.techniques.length}`);
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError('threshold must be a probability from 0 to 1');
  }
  if (!Number.isInteger(sentencesPerTechnique) || sentencesPerTechnique < 1) {
    throw new RangeError('sentencesPerTechnique must be a positive integer');
  }
  return { format: options.format ?? 'text', topK, threshold, sentencesPerTechnique };
}

function modelSummary(model: TechniqueClassifier): ReportClassification['model'] {
  const provenance = model.descriptor.provenance;
  return {
    manifestKey: model.manifestKey,
    modelId: provenance?.modelId,
    attackVersion: provenance?.attackVersion,
    techniqueCount: model.techniques.length,
    maxLength: model.descriptor.maxLength,
  };
}

/** Techniques with their strongest sentences: what an analyst reads first. */
export function summarise(
  results: readonly SentenceResult[],
  truncatedSentences: number,
  sentencesPerTechnique: number,
): ReportClassification['summary'] {
  const byTechnique = new Map<string, TechniqueSummary>();
  for (const sentence of results) {
    for (const technique of sentence.techniques) {
      const entry = byTechnique.get(technique.id) ?? newSummary(technique);
      entry.maxProbability = Math.max(entry.maxProbability, technique.probability);
      entry.sentenceCount += 1;
      entry.sentences.push({ ...sentenceOf(sentence), probability: technique.probability });
      byTechnique.set(technique.id, entry);
    }
  }

  const techniques = [...byTechnique.values()].map((entry) => ({
    ...entry,
    sentences: entry.sentences
      .sort((a, b) => b.probability - a.probability || a.index - b.index)
      .slice(0, sentencesPerTechnique),
  }));
  techniques.sort((a, b) => b.maxProbability - a.maxProbability || a.id.localeCompare(b.id));

  return {
    sentences: results.length,
    sentencesWithTechniques: results.filter((sentence) => sentence.techniques.length > 0).length,
    truncatedSentences,
    techniques,
  };
}

function newSummary(technique: TechniqueScore): TechniqueSummary {
  return {
    id: technique.id,
    name: technique.name,
    maxProbability: 0,
    sentenceCount: 0,
    sentences: [],
  };
}

function sentenceOf(sentence: SentenceResult): { index: number; text: string } {
  return { index: sentence.index, text: sentence.text };
}
