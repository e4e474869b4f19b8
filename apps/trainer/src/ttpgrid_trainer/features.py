"""Tokenised batches, and frozen-encoder sentence features cached as artifacts.

Features (probe mode, embedSentences) are float32 little-endian row-major matrices. A cache entry is
keyed by (encoder weights hash, SHA-256 of the texts, maxLength, pooling) and points to the matrix's
artifact; entries live in `$TTPGRID_TRAINER_CACHE_DIR/features/<key>.json`. Features are always
computed in fp32 so an entry does not depend on the device that made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .artifacts import ArtifactStore
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


@torch.no_grad()
def encode_sentences(
    encoder: nn.Module,
    tokens: Tokenized,
    pooling: str,
    device: torch.device,
    batch_size: int = 64,
) -> np.ndarray:
    """Pooled fp32 sentence features of a frozen encoder, in input order."""
    encoder.eval()
    # Longest first keeps padding low; rows go back to input order below.
    order = sorted(range(len(tokens.input_ids)), key=lambda i: -len(tokens.input_ids[i]))
    output = np.zeros((len(order), encoder.config.hidden_size), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        ids, mask, _ = collate(tokens, chunk, device)
        hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float()
        pooled = mean_pool(hidden, mask) if pooling == "mean" else hidden[:, 0]
        output[chunk] = pooled.cpu().numpy()
    return output


def matrix_bytes(matrix: np.ndarray) -> bytes:
    return np.ascontiguousarray(matrix, dtype="<f4").tobytes()


def matrix_from_bytes(data: bytes, count: int, dimension: int) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").reshape(count, dimension).copy()


def texts_hash(texts: list[str]) -> str:
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()


class FeatureCache:
    """Index from (weights hash, texts, maxLength, pooling) to a feature matrix artifact."""

    def __init__(self, folder: Path, store: ArtifactStore) -> None:
        self.folder = folder
        self.store = store

    @staticmethod
    def key(weights_hash: str, texts: list[str], max_length: int, pooling: str) -> str:
        identity = {
            "encoderWeightsHash": weights_hash,
            "textsHash": texts_hash(texts),
            "maxLength": max_length,
            "pooling": pooling,
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()

    def get(self, key: str) -> np.ndarray | None:
        entry_path = self.folder / f"{key}.json"
        if not entry_path.is_file():
            return None
        entry = json.loads(entry_path.read_text())
        if not self.store.exists(entry["artifactKey"]):
            return None
        data = self.store.get(entry["artifactKey"])
        return matrix_from_bytes(data, entry["count"], entry["dimension"])

    def put(self, key: str, matrix: np.ndarray) -> str:
        artifact = self.store.put(matrix_bytes(matrix))
        entry = {"artifactKey": artifact, "count": matrix.shape[0], "dimension": matrix.shape[1]}
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(entry, handle)
        os.replace(temp_name, self.folder / f"{key}.json")
        return artifact
