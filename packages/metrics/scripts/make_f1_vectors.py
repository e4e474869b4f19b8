#!/usr/bin/env python3
"""Write vectors/f1.json: shared single-label F1 test vectors for the TS and Python code.

Independent of the TypeScript implementation: every value is computed exactly with
fractions.Fraction and only then rounded once to the nearest double (float(Fraction) is
correctly rounded). Standard library only.

    python3 packages/metrics/scripts/make_f1_vectors.py && npx prettier --write \\
        packages/metrics/vectors/f1.json

Definitions (scikit-learn defaults, zero_division=0):
  labels     sorted union of gold and predicted labels (code-point order)
  precision  tp / (tp + fp), 0 when the label is never predicted
  recall     tp / (tp + fn), 0 when the label is never gold (support 0)
  f1         2 tp / (2 tp + fp + fn), 0 when tp = 0
  support    number of gold occurrences
  microF1    accuracy (single-label: micro precision = micro recall = accuracy)
  macroF1    unweighted mean of per-class f1 over `labels`
"""

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path


def ratio(num, den):
    return Fraction(0) if den == 0 else Fraction(num, den)


def score_vector(name, gold, predicted, note):
    assert len(gold) == len(predicted) and gold
    labels = sorted(set(gold) | set(predicted))
    tp = Counter(g for g, p in zip(gold, predicted) if g == p)
    gold_count = Counter(gold)
    predicted_count = Counter(predicted)
    per_class = {}
    f1s = []
    for label in labels:
        t = tp[label]
        fp = predicted_count[label] - t
        fn = gold_count[label] - t
        f1 = ratio(2 * t, 2 * t + fp + fn)
        f1s.append(f1)
        per_class[label] = {
            'precision': float(ratio(t, t + fp)),
            'recall': float(ratio(t, t + fn)),
            'f1': float(f1),
            'support': gold_count[label],
        }
    micro = Fraction(sum(tp.values()), len(gold))
    macro = sum(f1s, Fraction(0)) / len(labels)
    return {
        'name': name,
        'note': note,
        'gold': gold,
        'predicted': predicted,
        'labels': labels,
        'microF1': float(micro),
        'macroF1': float(macro),
        'microF1Exact': f'{micro.numerator}/{micro.denominator}',
        'macroF1Exact': f'{macro.numerator}/{macro.denominator}',
        'perClass': per_class,
    }


def lcg(seed):
    """Numerical Recipes 32-bit LCG; deterministic across languages."""
    state = seed
    while True:
        state = (1664525 * state + 1013904223) % 2**32
        yield state / 2**32


def pseudo_random_vector():
    # 382 sentences (size of the paper's D^P test split) over 40 techniques with a skewed
    # (Zipf-like) gold distribution; 62 % of predictions copy gold, the rest are drawn from 44
    # labels, so some predicted labels never occur as gold.
    rng = lcg(20261204)
    techniques = [f'T{1000 + 7 * i}' for i in range(44)]
    weights = [1 / (i + 1) for i in range(40)]
    total = sum(weights)
    gold, predicted = [], []
    for _ in range(382):
        u = next(rng) * total
        index = 0
        while index < 39 and u >= weights[index]:
            u -= weights[index]
            index += 1
        gold.append(techniques[index])
        if next(rng) < 0.62:
            predicted.append(techniques[index])
        else:
            predicted.append(techniques[int(next(rng) * 44)])
    return gold, predicted


def build_vectors():
    vectors = [
        score_vector('perfect', ['T1059', 'T1566', 'T1059', 'T1105'],
                     ['T1059', 'T1566', 'T1059', 'T1105'], 'every prediction correct'),
        score_vector('all wrong', ['T1059', 'T1566', 'T1105'], ['T1566', 'T1105', 'T1059'],
                     'every prediction wrong; every class has f1 0'),
        score_vector('predicted but never gold', ['T1059', 'T1059', 'T1566', 'T1566'],
                     ['T1059', 'T1204', 'T1566', 'T1566'],
                     'T1204 is predicted once but never gold: support 0, f1 0, counted in macro'),
        score_vector('gold but never predicted', ['T1059', 'T1566', 'T1204', 'T1204', 'T1059'],
                     ['T1059', 'T1566', 'T1059', 'T1566', 'T1059'],
                     'T1204 is gold twice but never predicted: precision 0 by zero division'),
        score_vector('single class', ['T1059', 'T1059', 'T1059'], ['T1059', 'T1059', 'T1059'],
                     'one label only'),
        score_vector('unbalanced', ['A'] * 8 + ['B', 'C'], ['A'] * 7 + ['B', 'B', 'A'],
                     'majority class dominates micro; rare classes drag macro'),
        score_vector('ties', ['T1', 'T1', 'T2', 'T2', 'T3', 'T3'],
                     ['T1', 'T2', 'T2', 'T3', 'T3', 'T1'],
                     'all classes tie at f1 1/2; confusion pairs all tie at count 1'),
        score_vector('subtechniques and ordering', ['T1059.001', 'T1059', 'T1547.001', 'T1059'],
                     ['T1059', 'T1059', 'T1547.001', 'T1059.001'],
                     'labels sort by code point: T1059 < T1059.001 < T1547.001'),
    ]
    gold, predicted = pseudo_random_vector()
    vectors.append(score_vector('pseudo-random 382', gold, predicted,
                                'LCG seed 20261204; see scripts/make_f1_vectors.py'))
    return vectors


def main():
    out = Path(__file__).resolve().parent.parent / 'vectors' / 'f1.json'
    payload = {
        'description': 'Single-label F1 test vectors; values are exact rationals rounded once '
                       'to the nearest double. Generated by scripts/make_f1_vectors.py.',
        'vectors': build_vectors(),
    }
    out.write_text(json.dumps(payload, indent=2) + '\n')


if __name__ == '__main__':
    main()
