"""Micro- and Macro-F1 of single-label predictions, as the shared test vectors define them.

Classes are the sorted union of gold and predicted labels; Macro-F1 is the unweighted mean of the
per-class F1 over that union; any zero division counts as 0. (packages/metrics/vectors/f1.json)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def f1_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")

    labels = sorted(set(gold) | set(predicted))
    hits = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    support = Counter(gold)
    predicted_count = Counter(predicted)

    per_class = {}
    for label in labels:
        precision = _ratio(hits[label], predicted_count[label])
        recall = _ratio(hits[label], support[label])
        per_class[label] = {
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "support": support[label],
        }

    # Single-label: every wrong prediction is one false positive and one false negative.
    total_hits = sum(hits.values())
    micro = _f1(_ratio(total_hits, len(predicted)), _ratio(total_hits, len(gold)))
    macro = sum(entry["f1"] for entry in per_class.values()) / len(labels) if labels else 0.0
    return {"labels": labels, "microF1": micro, "macroF1": macro, "perClass": per_class}
