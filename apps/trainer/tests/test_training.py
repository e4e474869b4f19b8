"""Real training on a TRAM slice with minilm-l6 on CPU: learning, determinism, kill and resume."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import subprocess_env
from .tram_slice import tram_slice, write_jsonl

pytestmark = pytest.mark.slow

# Three short epochs of 4 steps each; lr 1e-4 with 4 warmup steps learns visibly in that time.
RECIPE = [
    "--encoder", "minilm-l6", "--epochs", "3", "--batch-size", "16", "--max-length", "64",
    "--warmup-steps", "4", "--lr", "1e-4", "--seed", "7", "--json",
]  # fmt: skip


@pytest.fixture(scope="module")
def tram_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tram")
    train, dev = tram_slice()
    return {
        "train": write_jsonl(folder / "train.jsonl", train),
        "dev": write_jsonl(folder / "dev.jsonl", dev),
    }


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, contracts_schema: Path) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    return subprocess_env(
        {
            "TTPGRID_ARTIFACT_DIR": str(folder / "artifacts"),
            "TTPGRID_TRAINER_RESUME_DIR": str(folder / "resume"),
            "TTPGRID_TRAINER_CACHE_DIR": str(folder / "cache"),
            "TTPGRID_CONTRACTS_SCHEMA": str(contracts_schema),
            "TTPGRID_TRAINER_METRICS_PORT": "0",
            "TTPGRID_TRAINER_LOG_EVERY": "1",
            "TTPGRID_TRAINER_DEVICE": "cpu",
        }
    )


def cli_command(files: dict[str, Path], stage_key: str) -> list[str]:
    return [
        sys.executable, "-m", "ttpgrid_trainer", "train", "--data", str(files["train"]),
        "--dev", str(files["dev"]), "--stage-key", stage_key, *RECIPE,
    ]  # fmt: skip


def run_cli(env: dict[str, str], command: list[str]) -> tuple[dict[str, Any], str]:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout), done.stderr


@pytest.fixture(scope="module")
def uninterrupted(tram_files: dict[str, Path], cli_env: dict[str, str]) -> dict[str, Any]:
    result, _ = run_cli(cli_env, cli_command(tram_files, "uninterrupted"))
    return result


def majority_macro_f1(dev_labels: list[str]) -> float:
    """Macro-F1 of always predicting the most frequent dev label (over the labels present)."""
    majority = max(sorted(set(dev_labels)), key=dev_labels.count)
    share = dev_labels.count(majority) / len(dev_labels)
    return (2 * share / (1 + share)) / len(set(dev_labels))


def test_training_loss_falls_every_epoch(uninterrupted: dict[str, Any]) -> None:
    losses = [point["trainLoss"] for point in uninterrupted["devCurve"]]

    assert len(losses) == 3
    assert losses[0] > losses[1] > losses[2]
    assert uninterrupted["steps"] == 3 * uninterrupted["stepsPerEpoch"] == 12
    assert uninterrupted["resumedFromEpoch"] == 0


def test_dev_macro_f1_beats_the_majority_baseline(
    uninterrupted: dict[str, Any], tram_files: dict[str, Path]
) -> None:
    dev_rows = tram_files["dev"].read_text().splitlines()
    baseline = majority_macro_f1([json.loads(row)["label"] for row in dev_rows])

    final = uninterrupted["devCurve"][-1]["devMacroF1"]
    assert final > baseline + 0.2, (final, baseline)


class StderrLines:
    """Reads a child's stderr on a thread so waiting for a line can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stderr is not None
        threading.Thread(target=self._pump, args=(process.stderr,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, *needles: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if all(needle in line for needle in needles):
                return line
        raise AssertionError(f"no line with {needles} in {seconds}s:\n{''.join(self.seen[-30:])}")


def test_killed_run_resumes_bit_identical(
    uninterrupted: dict[str, Any], tram_files: dict[str, Path], cli_env: dict[str, str]
) -> None:
    command = cli_command(tram_files, "killed-and-resumed")
    process = subprocess.Popen(
        command, env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        stderr = StderrLines(process)
        stderr.wait_for("checkpoint saved", "epoch=1", seconds=240)
        stderr.wait_for("train epoch=2", seconds=120)  # one step into the 2nd of 3 epochs
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert (Path(cli_env["TTPGRID_TRAINER_RESUME_DIR"]) / "killed-and-resumed/state.pt").is_file()

    resumed, log = run_cli(cli_env, command)

    resume_lines = [line for line in log.splitlines() if "resuming from checkpoint" in line]
    assert len(resume_lines) == 1 and " epoch=1 " in resume_lines[0], log[-3000:]
    assert resumed["resumedFromEpoch"] == 1
    assert resumed["checkpointKey"] == uninterrupted["checkpointKey"]  # same bytes, same key
    assert resumed["devCurve"] == uninterrupted["devCurve"]
    assert resumed["steps"] == uninterrupted["steps"]
    assert not (Path(cli_env["TTPGRID_TRAINER_RESUME_DIR"]) / "killed-and-resumed").exists()


def test_a_second_stage_starts_from_the_parent_weights_head_included(
    uninterrupted: dict[str, Any], tram_files: dict[str, Path], cli_env: dict[str, str]
) -> None:
    import torch

    from ttpgrid_trainer.artifacts import LocalArtifactStore
    from ttpgrid_trainer.config import load_settings
    from ttpgrid_trainer.contracts import Contracts
    from ttpgrid_trainer.debug_train import build_spec
    from ttpgrid_trainer.modeling import read_checkpoint
    from ttpgrid_trainer.progress import StageProgress
    from ttpgrid_trainer.stage import StageTrainer

    settings = load_settings(cli_env)
    store = LocalArtifactStore(settings.artifact_dir)
    parent_key = uninterrupted["checkpointKey"]
    args = _cli_arguments(tram_files, "second-stage", "--init-checkpoint", parent_key)
    spec = Contracts(settings.contracts_schema).validate("TrainStageInput", build_spec(args, store))

    trainer = StageTrainer(spec, settings, store)
    trainer.progress = StageProgress(1.0)
    trainer._prepare()

    parent, _ = read_checkpoint(store.get(parent_key))
    loaded = trainer.task.model.state_dict()
    assert "head.weight" in parent
    assert all(torch.equal(loaded[name], tensor) for name, tensor in parent.items())
    assert trainer.schedule.last_epoch == 0 and not trainer.optimizer.state  # fresh


def _cli_arguments(files: dict[str, Path], stage_key: str, *extra: str) -> Any:
    from ttpgrid_trainer.cli import _parser

    command = cli_command(files, stage_key)
    return _parser().parse_args([*command[3:], *extra])
