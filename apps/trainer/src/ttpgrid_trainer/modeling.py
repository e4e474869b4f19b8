"""The classifier: a pretrained encoder, mean pooling over real tokens, dropout, one linear layer.

Equivalent to AutoModelForSequenceClassification except for the pooling: we mean-pool the last
hidden states over the attention mask instead of using BERT's [CLS] pooler (dense + tanh), because
(a) sentence encoders such as all-MiniLM-L6-v2 are trained for mean pooling, (b) RoBERTa-style
encoders (SecureBERT) ship no trained pooler, and (c) the probe mode uses the same features, so
probe and fine-tune differ only in what is frozen. Dropout uses the encoder's hidden_dropout_prob.

Checkpoints are safetensors files whose metadata names the format, mode, encoder, its weights hash,
pooling and label set: a fine-tune checkpoint holds encoder and head, a probe checkpoint the head.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import nn

from .encoders import ResolvedEncoder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()
# Load reports (e.g. the unused BERT pooler we skip) are expected, not worth a warning.
hf_logging.set_verbosity_error()

CHECKPOINT_FORMAT = "ttpgrid-classifier-v1"
POOLING = "mean"


def load_tokenizer(encoder: ResolvedEncoder) -> Any:
    return AutoTokenizer.from_pretrained(str(encoder.tokenizer_path), local_files_only=True)


def load_encoder(encoder: ResolvedEncoder, seed: int, **options: Any) -> nn.Module:
    """The pretrained encoder (no pooler); `random-bert-base` is initialised from `seed`."""
    if encoder.random_init:
        torch.manual_seed(seed)
        return BertModel(BertConfig(**options), add_pooling_layer=False)

    path = str(encoder.path)
    try:
        return AutoModel.from_pretrained(
            path, local_files_only=True, add_pooling_layer=False, **options
        )
    except TypeError:  # architectures without a pooler take no such argument
        return AutoModel.from_pretrained(path, local_files_only=True, **options)


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the hidden states of real (unpadded) tokens, computed in fp32."""
    mask = attention_mask.unsqueeze(-1).to(torch.float32)
    summed = (hidden.to(torch.float32) * mask).sum(dim=1)
    return summed / mask.sum(dim=1).clamp(min=1.0)


def init_head(head: nn.Linear, std: float) -> None:
    nn.init.normal_(head.weight, mean=0.0, std=std)
    nn.init.zeros_(head.bias)


class SentenceClassifier(nn.Module):
    """Encoder + mean pooling + dropout + linear head; returns logits (and loss with labels)."""

    def __init__(self, encoder: nn.Module, num_labels: int) -> None:
        super().__init__()
        config = encoder.config
        self.encoder = encoder
        self.dropout = nn.Dropout(getattr(config, "hidden_dropout_prob", 0.1))
        self.head = nn.Linear(config.hidden_size, num_labels)
        init_head(self.head, getattr(config, "initializer_range", 0.02))

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        labels: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.head(self.dropout(mean_pool(hidden, attention_mask)))
        if labels is None:
            return {"logits": logits}
        return {"logits": logits, "loss": nn.functional.cross_entropy(logits.float(), labels)}


@dataclass
class CheckpointInfo:
    mode: str
    encoder: str
    encoder_weights_hash: str
    labels: list[str]
    pooling: str = POOLING
    # Only for randomly initialised encoders, whose weights are drawn from the stage's seed.
    encoder_seed: int | None = None

    def metadata(self) -> dict[str, str]:
        seed = {} if self.encoder_seed is None else {"encoderSeed": str(self.encoder_seed)}
        return seed | {
            "format": CHECKPOINT_FORMAT,
            "mode": self.mode,
            "encoder": self.encoder,
            "encoderWeightsHash": self.encoder_weights_hash,
            "pooling": self.pooling,
            "labels": json.dumps(self.labels),
        }


def checkpoint_bytes(state: dict[str, torch.Tensor], info: CheckpointInfo) -> bytes:
    """Safetensors bytes; equal tensors and info give equal bytes (hence equal artifact keys)."""
    tensors = {name: tensor.detach().to("cpu").contiguous() for name, tensor in state.items()}
    return canonical_safetensors(save_safetensors(tensors, metadata=info.metadata()))


def canonical_safetensors(data: bytes) -> bytes:
    """The same file with its JSON header's keys sorted.

    safetensors writes `__metadata__` in hash-map order, which changes from process to process;
    the tensor bytes and their offsets do not depend on the header, so only the header is redone
    (space-padded to a multiple of 8 bytes, as safetensors itself aligns it).
    """
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_length])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + data[8 + header_length :]


def read_checkpoint(data: bytes) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    tensors = load_safetensors(data)
    metadata = _safetensors_metadata(data)
    if metadata.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"not a {CHECKPOINT_FORMAT} checkpoint (format={metadata.get('format')})")
    return tensors, metadata


def _safetensors_metadata(data: bytes) -> dict[str, str]:
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_length])
    return header.get("__metadata__", {})
