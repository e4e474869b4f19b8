import { describe, expect, it } from 'vitest';

import { maxProbability, softmax, summarise, techniqueScores, topK, topKAbove } from '../src';

const TECHNIQUES = [
  { id: 'T1059', name: 'Command and Scripting Interpreter' },
  { id: 'T1105', name: 'Ingress Tool Transfer' },
  { id: 'T1016', name: 'System Network Configuration Discovery' },
  { id: 'T1082', name: 'System Information Discovery' },
];

describe('softmax', () => {
  it('sums to one and survives large logits', () => {
    const probabilities = softmax([1000, 1001, 999]);

    expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(probabilities[1]).toBeCloseTo(Math.E / (1 + Math.E + 1 / Math.E), 12);
  });
});

describe('top-k and threshold', () => {
  it('ranks by probability and keeps label-set order on ties', () => {
    expect(topK([0.2, 0.3, 0.3, 0.2], 3)).toEqual([
      { index: 1, probability: 0.3 },
      { index: 2, probability: 0.3 },
      { index: 0, probability: 0.2 },
    ]);
  });

  it('keeps only labels at or above the threshold', () => {
    expect(topKAbove([0.5, 0.3, 0.15, 0.05], 3, 0.3).map((label) => label.index)).toEqual([0, 1]);
    expect(topKAbove([0.5, 0.3, 0.15, 0.05], 3, 0.6)).toEqual([]);
    expect(maxProbability([0.1, 0.7, 0.2])).toBe(0.7);
  });

  it('names techniques by the label order of the model', () => {
    const scores = techniqueScores(TECHNIQUES, [0.1, 0.6, 0.25, 0.05], { topK: 2, threshold: 0.2 });

    expect(scores).toEqual([
      { id: 'T1105', name: 'Ingress Tool Transfer', probability: 0.6 },
      { id: 'T1016', name: 'System Network Configuration Discovery', probability: 0.25 },
    ]);
  });
});

describe('report summary', () => {
  it('lists techniques strongest first with their strongest sentences', () => {
    const t1059 = { id: 'T1059', name: 'Command and Scripting Interpreter' };
    const t1105 = { id: 'T1105', name: 'Ingress Tool Transfer' };
    const summary = summarise(
      [
        { index: 0, text: 'a', techniques: [{ ...t1059, probability: 0.6 }] },
        { index: 1, text: 'b', techniques: [] },
        { index: 2, text: 'c', techniques: [{ ...t1105, probability: 0.9 }] },
        { index: 3, text: 'd', techniques: [{ ...t1059, probability: 0.8 }] },
        { index: 4, text: 'e', techniques: [{ ...t1059, probability: 0.7 }] },
      ],
      1,
      2,
    );

    expect(summary.sentences).toBe(5);
    expect(summary.sentencesWithTechniques).toBe(4);
    expect(summary.truncatedSentences).toBe(1);
    expect(summary.techniques.map((technique) => technique.id)).toEqual(['T1105', 'T1059']);
    expect(summary.techniques[1]).toEqual({
      ...t1059,
      maxProbability: 0.8,
      sentenceCount: 3,
      sentences: [
        { index: 3, text: 'd', probability: 0.8 },
        { index: 4, text: 'e', probability: 0.7 },
      ],
    });
  });
});
