"""evaluateCheckpoint and embedSentences: a trained checkpoint, or a frozen encoder, on text."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from .artifacts import ArtifactNotFound, ArtifactStore, put_jsonl
from .config import TrainerSettings
from .contracts import CONTRACT_VERSION
from .data import load_dataset, load_label_set, load_texts
from .encoders import ResolvedEncoder
from .errors import ARTIFACT_MISSING, EMPTY_DATASET, bad_spec, non_retryable
from .features import (
    FeatureCache,
    collate,
    encode_sentences,
    frozen_encoder_identity,
    tokenize,
)
from .logs import get_logger
from .modeling import (
    POOLING,
    SentenceClassifier,
    load_encoder,
    load_tokenizer,
    read_checkpoint,
)
from .runtime import Runtime, choose_runtime
from .stage import resolve_or_fail

log = get_logger(__name__)


def _checked_checkpoint(
    spec: dict[str, Any], store: ArtifactStore, encoder: ResolvedEncoder
) -> tuple[dict[str, torch.Tensor], dict[str, str], list[str]]:
    """The checkpoint's tensors, metadata and labels, refused when they do not match the spec."""
    try:
        tensors, metadata = read_checkpoint(store.get(spec["checkpointKey"]))
    except ArtifactNotFound as error:
        raise non_retryable(ARTIFACT_MISSING, str(error)) from None
    except ValueError as error:
        raise bad_spec(f"checkpoint {spec['checkpointKey']}: {error}") from None

    labels = load_label_set(store, spec["labelSetKey"])
    expected = {"mode": spec["mode"], "labels": json.dumps(labels)}
    expected["encoderWeightsHash"] = encoder.weights_hash
    wrong = [name for name, value in expected.items() if metadata.get(name) != value]
    if wrong:
        raise bad_spec(f"checkpoint {spec['checkpointKey']} does not match the spec: {wrong}")
    return tensors, metadata, labels


def load_classifier(
    spec: dict[str, Any], store: ArtifactStore, encoder: ResolvedEncoder, **options: Any
) -> tuple[nn.Module, list[str]]:
    """The trained classifier of a checkpoint (probe heads get their frozen encoder back)."""
    tensors, metadata, labels = _checked_checkpoint(spec, store, encoder)
    seed = int(metadata.get("encoderSeed", "0"))
    model = SentenceClassifier(load_encoder(encoder, seed, **options), len(labels))
    if spec["mode"] == "probe":
        # Probe heads see features without dropout; eval() below turns dropout off anyway.
        model.head.load_state_dict({k.removeprefix("head."): v for k, v in tensors.items()})
    else:
        model.load_state_dict(tensors, strict=True)
    return model.eval(), labels


@torch.no_grad()
def _probabilities(
    model: nn.Module, texts: list[str], tokenizer: Any, spec: dict[str, Any], runtime: Runtime
) -> np.ndarray:
    tokens = tokenize(tokenizer, texts, spec["maxLength"])
    order = sorted(range(len(texts)), key=lambda index: -len(tokens.input_ids[index]))
    output = np.zeros((len(texts), model.head.out_features), dtype=np.float32)
    for start in range(0, len(order), spec["batchSize"]):
        chunk = order[start : start + spec["batchSize"]]
        ids, mask, _ = collate(tokens, chunk, runtime.device)
        with runtime.autocast():
            logits = model(input_ids=ids, attention_mask=mask)["logits"]
        output[chunk] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
    return output


def _prediction_rows(
    probabilities: np.ndarray, gold: list[str], labels: list[str]
) -> list[dict[str, Any]]:
    rows = []
    top = min(5, len(labels))
    for index, row in enumerate(probabilities):
        # Stable sort: equal probabilities keep label-set order.
        ranked = np.argsort(-row, kind="stable")[:top]
        rows.append(
            {
                "index": index,
                "gold": gold[index],
                "predicted": labels[int(ranked[0])],
                "top5": [
                    {"label": labels[int(i)], "probability": round(float(row[i]), 6)}
                    for i in ranked
                ],
            }
        )
    return rows


def evaluate_checkpoint(
    spec: dict[str, Any], settings: TrainerSettings, store: ArtifactStore
) -> dict[str, Any]:
    started = time.monotonic()
    encoder = resolve_or_fail(spec["encoder"], settings.encoder_dir)
    runtime = choose_runtime(settings.device, spec["precision"])
    examples = load_dataset(store, spec["evalSetKey"], "eval set")
    if not examples:
        raise non_retryable(EMPTY_DATASET, f"eval set {spec['evalSetKey']} has no examples")

    texts = [example.text for example in examples]
    if spec["mode"] == "probe":
        probabilities, labels = _probe_probabilities(spec, settings, store, encoder, texts)
    else:
        model, labels = load_classifier(spec, store, encoder)
        model.to(runtime.device)
        probabilities = _probabilities(model, texts, load_tokenizer(encoder), spec, runtime)

    rows = _prediction_rows(probabilities, [example.label for example in examples], labels)
    predictions_key = put_jsonl(store, rows)
    log.info("checkpoint evaluated", checkpointKey=spec["checkpointKey"], sentences=len(rows))
    return {
        "contractVersion": CONTRACT_VERSION,
        "predictionsKey": predictions_key,
        "sentences": len(rows),
        "seconds": time.monotonic() - started,
    }


@torch.no_grad()
def _probe_probabilities(
    spec: dict[str, Any],
    settings: TrainerSettings,
    store: ArtifactStore,
    encoder: ResolvedEncoder,
    texts: list[str],
) -> tuple[np.ndarray, list[str]]:
    """A probe head on the cached frozen features: the same rows its training and dev used."""
    tensors, metadata, labels = _checked_checkpoint(spec, store, encoder)
    seed = int(metadata.get("encoderSeed", "0"))
    head = nn.Linear(tensors["head.weight"].shape[1], len(labels))
    head.load_state_dict({name.removeprefix("head."): value for name, value in tensors.items()})

    features = cached_features(settings, encoder, texts, spec["maxLength"], POOLING, seed)
    logits = head(torch.from_numpy(features))
    return torch.softmax(logits, dim=-1).numpy(), labels


def cached_features(
    settings: TrainerSettings,
    encoder: ResolvedEncoder,
    texts: list[str],
    max_length: int,
    pooling: str,
    seed: int = 0,
) -> np.ndarray:
    """Frozen-encoder features of `texts` (fp32), encoding only sentences not yet cached."""
    identity = frozen_encoder_identity(encoder.weights_hash, encoder.random_init, seed)
    cache = FeatureCache(settings.cache_dir / "features", identity, max_length, pooling)

    def encode(missing: list[str]) -> np.ndarray:
        runtime = choose_runtime(settings.device, "fp32")
        tokens = tokenize(load_tokenizer(encoder), missing, max_length)
        model = load_encoder(encoder, seed).to(runtime.device)
        return encode_sentences(model, tokens, pooling, runtime.device)

    cached = cache.features(texts, encode)
    log.info("features", featureBank=cache.bank, rows=len(texts), computed=cached.computed)
    return cached.matrix


def embed_sentences(
    spec: dict[str, Any], settings: TrainerSettings, store: ArtifactStore
) -> dict[str, Any]:
    """L2-normalised pooled embeddings of a pretrained encoder (for auxiliary-data selection)."""
    encoder = resolve_or_fail(spec["encoder"], settings.encoder_dir)
    texts = load_texts(store, spec["sentencesKey"], "sentences")
    if not texts:
        return {
            "contractVersion": CONTRACT_VERSION,
            "embeddingsKey": store.put(b""),
            "count": 0,
            "dimension": model_dimension(encoder),
        }

    features = cached_features(settings, encoder, texts, spec["maxLength"], spec["pooling"])
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    normalised = (features / np.maximum(norms, 1e-12)).astype("<f4")
    embeddings_key = store.put(normalised.tobytes())
    log.info("sentences embedded", count=len(texts), embeddingsKey=embeddings_key)
    return {
        "contractVersion": CONTRACT_VERSION,
        "embeddingsKey": embeddings_key,
        "count": len(texts),
        "dimension": int(features.shape[1]),
    }


def model_dimension(encoder: ResolvedEncoder) -> int:
    """Hidden size from config.json (random-bert-base has none: BERT-base's 768)."""
    config = json.loads((encoder.path / "config.json").read_text()) if encoder.path else {}
    return int(config.get("hidden_size", 768))
