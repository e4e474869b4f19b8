"""What differs between the two training modes: the model being optimised and its batches.

- finetune: the whole classifier (encoder + head) learns from token batches;
- probe: the encoder stays frozen; a linear head learns from cached mean-pooled features.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .data import Example
from .encoders import ResolvedEncoder
from .features import (
    FeatureCache,
    Tokenized,
    collate,
    encode_sentences,
    frozen_encoder_identity,
    tokenize,
)
from .logs import get_logger
from .modeling import POOLING, SentenceClassifier, init_head, load_encoder, load_tokenizer
from .runtime import Runtime

log = get_logger(__name__)


class FinetuneTask:
    """Fine-tunes encoder and head together on right-padded token batches."""

    mode = "finetune"

    def __init__(
        self,
        encoder: ResolvedEncoder,
        labels: list[str],
        seed: int,
        runtime: Runtime,
        compile_model: bool = False,
    ) -> None:
        self.runtime = runtime
        self.tokenizer = load_tokenizer(encoder)
        self.model = SentenceClassifier(load_encoder(encoder, seed), len(labels)).to(runtime.device)
        if compile_model:
            # In place: parameter names (and so checkpoints) stay those of the plain module.
            self.model.compile(dynamic=True)

    def prepare(self, train: list[Example], dev: list[Example], max_length: int) -> None:
        self.train_tokens = tokenize(self.tokenizer, [e.text for e in train], max_length)
        self.dev_tokens = tokenize(self.tokenizer, [e.text for e in dev], max_length)
        self.truncated = self.train_tokens.truncated

    def lengths(self) -> list[int]:
        return self.train_tokens.lengths()

    def train_logits(self, indices: list[int]) -> tuple[torch.Tensor, int]:
        ids, mask, real_tokens = collate(self.train_tokens, indices, self.runtime.device)
        with self.runtime.autocast():
            logits = self.model(input_ids=ids, attention_mask=mask)["logits"]
        return logits.float(), real_tokens

    @torch.no_grad()
    def predict_dev(self, batch_size: int) -> list[int]:
        self.model.eval()
        tokens = self.dev_tokens
        order = sorted(range(len(tokens.input_ids)), key=lambda i: -len(tokens.input_ids[i]))
        predicted = [0] * len(order)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask, _ = collate(tokens, chunk, self.runtime.device)
            with self.runtime.autocast():
                logits = self.model(input_ids=ids, attention_mask=mask)["logits"]
            for index, label in zip(chunk, logits.argmax(dim=-1).tolist(), strict=True):
                predicted[index] = label
        self.model.train()
        return predicted

    def load_parent(self, tensors: dict[str, torch.Tensor]) -> None:
        self.model.load_state_dict(tensors, strict=True)

    def checkpoint_state(self) -> dict[str, torch.Tensor]:
        return self.model.state_dict()


class ProbeTask:
    """Trains a linear head on frozen, cached mean-pooled features (no dropout)."""

    mode = "probe"

    def __init__(
        self,
        encoder: ResolvedEncoder,
        labels: list[str],
        seed: int,
        runtime: Runtime,
        cache_dir: Path,
    ) -> None:
        self.runtime = runtime
        self.encoder_ref = encoder
        self.cache_dir = cache_dir
        self.seed = seed
        self.num_labels = len(labels)
        self.extraction_tokens = 0
        self.extraction_seconds = 0.0

    def _features(self, texts: list[str], max_length: int) -> tuple[np.ndarray, Tokenized]:
        tokens = tokenize(self.tokenizer, texts, max_length)
        identity = frozen_encoder_identity(
            self.encoder_ref.weights_hash, self.encoder_ref.random_init, self.seed
        )
        cache = FeatureCache(self.cache_dir, identity, max_length, POOLING)
        started = time.monotonic()
        cached = cache.features(texts, lambda missing: self._encode(missing, max_length))
        log.info(
            "probe features",
            featureBank=cache.bank,
            rows=len(texts),
            computed=cached.computed,
            seconds=round(time.monotonic() - started, 3),
        )
        return cached.matrix, tokens

    def _encode(self, texts: list[str], max_length: int) -> np.ndarray:
        started = time.monotonic()
        tokens = tokenize(self.tokenizer, texts, max_length)
        features = encode_sentences(self._frozen_encoder(), tokens, POOLING, self.runtime.device)
        self.extraction_seconds += time.monotonic() - started
        self.extraction_tokens += sum(tokens.lengths())
        return features

    def _frozen_encoder(self) -> nn.Module:
        if getattr(self, "_encoder", None) is None:
            # Feature extraction is always fp32 on CPU or GPU: cache entries are device-free.
            self._encoder = load_encoder(self.encoder_ref, self.seed).to(self.runtime.device)
            self._encoder.requires_grad_(False)
        return self._encoder

    def prepare(self, train: list[Example], dev: list[Example], max_length: int) -> None:
        self.tokenizer = load_tokenizer(self.encoder_ref)
        train_features, train_tokens = self._features([e.text for e in train], max_length)
        dev_features, _ = self._features([e.text for e in dev], max_length)
        self._encoder = None  # free the encoder: only the head trains from here on

        self.truncated = train_tokens.truncated
        self._lengths = train_tokens.lengths()
        self.train_features = torch.from_numpy(train_features).to(self.runtime.device)
        self.dev_features = torch.from_numpy(dev_features).to(self.runtime.device)

        torch.manual_seed(self.seed)
        self.model = nn.Linear(self.train_features.shape[1], self.num_labels).to(
            self.runtime.device
        )
        init_head(self.model, 0.02)

    def lengths(self) -> list[int]:
        return self._lengths

    def train_logits(self, indices: list[int]) -> tuple[torch.Tensor, int]:
        rows = torch.tensor(indices, dtype=torch.long, device=self.runtime.device)
        tokens = sum(self._lengths[index] for index in indices)
        return self.model(self.train_features[rows]), tokens

    @torch.no_grad()
    def predict_dev(self, batch_size: int) -> list[int]:
        return self.model(self.dev_features).argmax(dim=-1).tolist()

    def load_parent(self, tensors: dict[str, torch.Tensor]) -> None:
        head = {name.removeprefix("head."): tensor for name, tensor in tensors.items()}
        self.model.load_state_dict(head, strict=True)

    def checkpoint_state(self) -> dict[str, torch.Tensor]:
        return {f"head.{name}": tensor for name, tensor in self.model.state_dict().items()}
