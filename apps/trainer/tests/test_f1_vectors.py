"""Dev metrics agree with the shared vectors that the TypeScript metrics package also passes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ttpgrid_trainer.f1 import f1_scores

from .conftest import REPO_ROOT

VECTORS_FILE = REPO_ROOT / "packages/metrics/vectors/f1.json"


def _vectors() -> list[dict[str, Any]]:
    if not VECTORS_FILE.is_file():
        pytest.fail(f"shared metric vectors missing: {VECTORS_FILE}")
    return json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", _vectors(), ids=lambda vector: vector["name"])
def test_f1_matches_shared_vector(vector: dict[str, Any]) -> None:
    scores = f1_scores(vector["gold"], vector["predicted"])

    assert scores["labels"] == vector["labels"]
    assert scores["microF1"] == pytest.approx(vector["microF1"], abs=1e-12)
    assert scores["macroF1"] == pytest.approx(vector["macroF1"], abs=1e-12)
    assert set(scores["perClass"]) == set(vector["perClass"])
    for label, expected in vector["perClass"].items():
        got = scores["perClass"][label]
        assert got["support"] == expected["support"]
        for field in ("precision", "recall", "f1"):
            assert got[field] == pytest.approx(expected[field], abs=1e-12), (label, field)
