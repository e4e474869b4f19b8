"""Tokenised batches, and frozen-encoder sentence features cached per sentence.

Features (probe mode, embedSentences, probe evaluation) are fp32 rows, one per sentence. Each row
is computed in a batch of sentences with the same token count, so no row ever sees padding: a
sentence's row is then bitwise the same whichever sentences shared its batch, and a cached row can
be reused by any later training set that contains the sentence. Rows live under
`$TTPGRID_TRAINER_CACHE_DIR/features/<bank>/<sha[:2]>/<sha>.f32`, where the bank is the hash of
(encoder weights hash, maxLength, pooling, FEATURE_RECIPE) and sha the SHA-256 of the sentence.
Features are always computed in fp32, so a row does not depend on the device that made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .logs import get_logger
from .modeling import mean_pool

log = get_logger(__name__)


@dataclass
class Tokenized:
    input_ids: list[list[int]]
    truncated: int  # sentences longer than max_length tokens, cut to fit
    pad_id: int

    def lengths(self) -> list[int]:
        return [len(ids) for ids in self.input_ids]


def tokenize(tokenizer: Any, texts: list[str], max_length: int) -> Tokenized:
    cut = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    full = tokenizer(texts, truncation=False, verbose=False)["input_ids"]
    truncated = sum(len(ids) > max_length for ids in full)
    return Tokenized(cut, truncated, tokenizer.pad_token_id or 0)


def collate(
    tokens: Tokenized, indices: list[int], device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Right-padded ids and mask for the rows `indices`, and their count of real tokens."""
    rows = [tokens.input_ids[index] for index in indices]
    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), tokens.pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for position, row in enumerate(rows):
        ids[position, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[position, : len(row)] = 1
    return ids.to(device), mask.to(device), int(mask.sum())


FEATURE_RECIPE = "unpadded-length-groups-v1"


def length_groups(tokens: Tokenized, batch_size: int) -> list[list[int]]:
    """Row indices batched by equal token count, longest first; no batch needs padding."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for index, ids in enumerate(tokens.input_ids):
        by_length[len(ids)].append(index)

    batches = []
    for length in sorted(by_length, reverse=True):
        members = by_length[length]
        starts = range(0, len(members), batch_size)
        batches.extend(members[start : start + batch_size] for start in starts)
    return batches


@torch.no_grad()
def encode_sentences(
    encoder: nn.Module,
    tokens: Tokenized,
    pooling: str,
    device: torch.device,
    batch_size: int = 64,
) -> np.ndarray:
    """Pooled fp32 sentence features of a frozen encoder, in input order, one row per sentence."""
    encoder.eval()
    output = np.zeros((len(tokens.input_ids), encoder.config.hidden_size), dtype=np.float32)
    for chunk in length_groups(tokens, batch_size):
        ids, mask, _ = collate(tokens, chunk, device)
        hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float()
        pooled = mean_pool(hidden, mask) if pooling == "mean" else hidden[:, 0]
        output[chunk] = pooled.cpu().numpy()
    return output


def sentence_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CachedFeatures:
    matrix: np.ndarray  # one row per input text, in input order
    computed: int  # distinct sentences that were not cached and had to be encoded


def frozen_encoder_identity(weights_hash: str, random_init: bool, seed: int) -> str:
    """What determines a frozen encoder's weights: a random one's also depend on its seed."""
    return f"{weights_hash}+seed:{seed}" if random_init else weights_hash


class FeatureCache:
    """Per-sentence feature rows of one frozen encoder at one maxLength and pooling."""

    def __init__(self, folder: Path, encoder_identity: str, max_length: int, pooling: str) -> None:
        identity = {
            "encoder": encoder_identity,
            "maxLength": max_length,
            "pooling": pooling,
            "recipe": FEATURE_RECIPE,
        }
        self.bank = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
        self.folder = folder / self.bank

    def _row_path(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}.f32"

    def _read_row(self, digest: str) -> np.ndarray | None:
        try:
            data = self._row_path(digest).read_bytes()
        except FileNotFoundError:
            return None
        return np.frombuffer(data, dtype="<f4") if data else None

    def _write_row(self, digest: str, row: np.ndarray) -> None:
        path = self._row_path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(np.ascontiguousarray(row, dtype="<f4").tobytes())
        os.replace(temp_name, path)

    def features(
        self, texts: list[str], encode: Callable[[list[str]], np.ndarray]
    ) -> CachedFeatures:
        """Rows for `texts`, encoding (with `encode`) and storing only the sentences not cached."""
        if not texts:
            raise ValueError("no sentences to compute features for")

        digests = [sentence_hash(text) for text in texts]
        rows: dict[str, np.ndarray] = {}
        missing: dict[str, str] = {}
        for digest, text in zip(digests, texts, strict=True):
            if digest in rows or digest in missing:
                continue
            row = self._read_row(digest)
            if row is None:
                missing[digest] = text
            else:
                rows[digest] = row

        if missing:
            computed = encode(list(missing.values()))
            for digest, row in zip(missing, computed, strict=True):
                self._write_row(digest, row)
                rows[digest] = row

        matrix = np.stack([rows[digest] for digest in digests]).astype(np.float32, copy=False)
        return CachedFeatures(matrix, len(missing))
