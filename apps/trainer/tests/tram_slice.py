"""A small, deterministic slice of TRAM for CPU tests: single-label sentences of 5 techniques."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path

from .conftest import REPO_ROOT

TRAM_FILE = "tram/ctid-tram_v1.2.0/data/training/bootstrap-training-data.json"


def tram_path() -> Path:
    data_dir = os.environ.get("TTPGRID_DATA_DIR") or str(REPO_ROOT.parent / "shared" / "data")
    return Path(data_dir) / TRAM_FILE


def tram_slice(
    techniques: int = 5, train_per_class: int = 12, dev_per_class: int = 6
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Train and dev rows of the most frequent techniques, in file order, without duplicates."""
    sentences = json.loads(tram_path().read_text(encoding="utf-8"))["sentences"]
    by_label: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for sentence in sentences:
        text = " ".join(sentence["text"].split())
        if len(sentence["mappings"]) == 1 and text not in seen:
            seen.add(text)
            by_label[sentence["mappings"][0]["attack_id"]].append(text)

    counts = Counter({label: len(texts) for label, texts in by_label.items()})
    chosen = sorted(label for label, _ in counts.most_common(techniques))
    train, dev = [], []
    for label in chosen:
        texts = by_label[label]
        train += [{"text": t, "label": label} for t in texts[:train_per_class]]
        dev += [
            {"text": t, "label": label}
            for t in texts[train_per_class : train_per_class + dev_per_class]
        ]
    return train, dev


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
