"""Datasets and label sets as the artifact store holds them.

A dataset is JSON Lines of {"text", "label"} rows (UTF-8, "\\n" separated, last line terminated); a
label set is a JSON array of label IDs whose order fixes the classifier's output indices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .artifacts import ArtifactNotFound, ArtifactStore
from .errors import ARTIFACT_MISSING, EMPTY_DATASET, UNKNOWN_LABEL, bad_spec, non_retryable


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def _fetch(store: ArtifactStore, key: str, role: str) -> bytes:
    try:
        return store.get(key)
    except ArtifactNotFound:
        raise non_retryable(ARTIFACT_MISSING, f"{role} artifact {key} not found") from None


def parse_jsonl(data: bytes, role: str, *, need_label: bool = True) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_spec(f"{role} is not UTF-8: {error}") from None

    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise bad_spec(f"{role} line {number} is not JSON: {error.msg}") from None
        fields = ("text", "label") if need_label else ("text",)
        if not isinstance(row, dict) or not all(isinstance(row.get(f), str) for f in fields):
            raise bad_spec(f"{role} line {number} needs string fields {', '.join(fields)}")
        rows.append(row)
    return rows


def load_dataset(store: ArtifactStore, key: str, role: str) -> list[Example]:
    rows = parse_jsonl(_fetch(store, key, role), f"{role} {key}")
    return [Example(row["text"], row["label"]) for row in rows]


def load_texts(store: ArtifactStore, key: str, role: str) -> list[str]:
    rows = parse_jsonl(_fetch(store, key, role), f"{role} {key}", need_label=False)
    return [row["text"] for row in rows]


def load_label_set(store: ArtifactStore, key: str) -> list[str]:
    try:
        labels = json.loads(_fetch(store, key, "label set").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise bad_spec(f"label set {key} is not a JSON document: {error}") from None

    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise bad_spec(f"label set {key} must be a JSON array of label ID strings")
    if not labels:
        raise bad_spec(f"label set {key} is empty")
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise bad_spec(f"label set {key} repeats labels: {', '.join(duplicates[:5])}")
    return labels


def check_examples(examples: list[Example], labels: list[str], role: str) -> None:
    """Non-retryable errors for an empty set or a label outside the label set."""
    if not examples:
        raise non_retryable(EMPTY_DATASET, f"{role} has no examples")

    known = set(labels)
    outside = sorted({example.label for example in examples if example.label not in known})
    if outside:
        shown = ", ".join(outside[:10]) + (" ..." if len(outside) > 10 else "")
        raise non_retryable(
            UNKNOWN_LABEL,
            f"{role} has {len(outside)} label(s) outside the label set ({len(labels)} labels): "
            f"{shown}",
        )
