"""Per-sentence feature rows: the same in any batch, cached once, keyed by what fixes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ttpgrid_trainer.encoders import resolve_encoder
from ttpgrid_trainer.features import (
    FEATURE_RECIPE,
    FeatureCache,
    encode_sentences,
    frozen_encoder_identity,
    length_groups,
    tokenize,
)
from ttpgrid_trainer.modeling import load_encoder, load_tokenizer

from .tram_slice import tram_slice

TRAIN, DEV = tram_slice(techniques=5, train_per_class=8, dev_per_class=4)
TEXTS = [row["text"] for row in TRAIN + DEV]


def fake_rows(texts: list[str]) -> np.ndarray:
    """A stand-in encoder for the cache's unit tests: a row derived from the text alone."""
    return np.array([[len(text), sum(map(ord, text)) % 997, 1.0] for text in texts], np.float32)


class CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return fake_rows(texts)


def test_batches_hold_sentences_of_one_length_only() -> None:
    tokenizer = load_tokenizer(resolve_encoder("minilm-l6", Path("/nonexistent")))
    tokens = tokenize(tokenizer, TEXTS, 64)
    batches = length_groups(tokens, batch_size=4)

    assert sorted(index for batch in batches for index in batch) == list(range(len(TEXTS)))
    assert all(len({len(tokens.input_ids[i]) for i in batch}) == 1 for batch in batches)
    assert max(len(batch) for batch in batches) <= 4


@pytest.mark.slow
def test_a_sentences_row_is_bitwise_the_same_in_any_batch() -> None:
    encoder_ref = resolve_encoder("minilm-l6", Path("/nonexistent"))
    tokenizer = load_tokenizer(encoder_ref)
    encoder = load_encoder(encoder_ref, 0)
    device = torch.device("cpu")

    def rows(texts: list[str], batch_size: int = 64) -> np.ndarray:
        return encode_sentences(encoder, tokenize(tokenizer, texts, 64), "mean", device, batch_size)

    together = rows(TEXTS)
    subset = TEXTS[::3]
    alone = np.stack([rows([text])[0] for text in subset])
    reversed_small_batches = rows(subset[::-1], batch_size=2)[::-1]

    assert np.array_equal(together[::3], alone)
    assert np.array_equal(alone, reversed_small_batches)


def test_the_cache_encodes_each_sentence_once(tmp_path: Path) -> None:
    cache = FeatureCache(tmp_path, "weights-a", 64, "mean")
    encoder = CountingEncoder()

    first = cache.features(TEXTS[:10] + TEXTS[:2], encoder)
    second = cache.features(TEXTS[5:15], encoder)

    assert (first.computed, second.computed) == (10, 5)
    assert encoder.seen == TEXTS[:10] + TEXTS[10:15]
    assert np.array_equal(first.matrix, fake_rows(TEXTS[:10] + TEXTS[:2]))
    assert np.array_equal(second.matrix, fake_rows(TEXTS[5:15]))


def test_rows_are_kept_apart_by_encoder_length_and_pooling(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    caches = [
        FeatureCache(tmp_path, "weights-a", 64, "mean"),
        FeatureCache(tmp_path, "weights-b", 64, "mean"),
        FeatureCache(tmp_path, "weights-a", 128, "mean"),
        FeatureCache(tmp_path, "weights-a", 64, "cls"),
    ]
    for cache in caches:
        cache.features(TEXTS[:3], encoder)

    assert len({cache.bank for cache in caches}) == 4
    assert len(encoder.seen) == 12


def test_a_random_encoders_identity_includes_its_seed() -> None:
    assert frozen_encoder_identity("h", False, 1) == frozen_encoder_identity("h", False, 2)
    assert frozen_encoder_identity("h", True, 1) != frozen_encoder_identity("h", True, 2)


def test_no_sentences_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no sentences"):
        FeatureCache(tmp_path, "weights-a", 64, "mean").features([], CountingEncoder())


def test_the_typescript_side_names_the_same_feature_recipe() -> None:
    contracts = Path(__file__).parents[3] / "packages" / "contracts" / "src" / "trainer.ts"
    assert f"TRAINER_FEATURE_RECIPE = '{FEATURE_RECIPE}'" in contracts.read_text()
