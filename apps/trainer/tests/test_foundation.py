"""Config, artifact store, contracts and transforms: the pieces the worker stands on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ttpgrid_trainer.artifacts import ArtifactCorrupt, ArtifactNotFound, LocalArtifactStore
from ttpgrid_trainer.config import ConfigError, load_settings
from ttpgrid_trainer.contracts import ContractError, Contracts
from ttpgrid_trainer.transforms import reverse_lines, uppercase


def test_settings_have_documented_defaults() -> None:
    settings = load_settings({"TTPGRID_ARTIFACT_DIR": "/tmp/x"})

    assert settings.temporal_address == "127.0.0.1:7233"
    assert settings.temporal_namespace == "default"
    assert settings.task_queue == "ttpgrid-gpu"
    assert settings.metrics_port == 9465
    assert settings.max_concurrent == 1
    assert settings.grace_seconds == 30
    assert settings.artifact_dir == Path("/tmp/x")
    assert settings.resume_dir.parts[-2:] == (".data", "resume")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TTPGRID_TRAINER_METRICS_PORT", "http"),
        ("TTPGRID_TRAINER_METRICS_PORT", "70000"),
        ("TTPGRID_TRAINER_MAX_CONCURRENT", "0"),
        ("TTPGRID_TRAINER_GRACE_SECONDS", "-1"),
        ("TEMPORAL_ADDRESS", "no-port"),
    ],
)
def test_a_bad_setting_names_its_environment_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


def test_store_writes_content_addressed_blobs_atomically(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path)
    data = b'{"text":"a","label":"T1059"}\n'
    key = store.put(data)

    assert key == hashlib.sha256(data).hexdigest()
    assert (tmp_path / key[:2] / key).read_bytes() == data
    assert store.put(data) == key
    assert sorted(p.name for p in (tmp_path / key[:2]).iterdir()) == [key]
    assert store.get(key, verify=True) == data


def test_store_verify_detects_corruption_and_missing_blobs(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path)
    key = store.put(b"original")
    store.path_of(key).write_bytes(b"tampered")

    assert store.get(key) == b"tampered"
    with pytest.raises(ArtifactCorrupt):
        store.get(key, verify=True)
    with pytest.raises(ArtifactNotFound):
        store.get("0" * 64)
    with pytest.raises(ValueError, match="artifact key"):
        store.get("../../etc/passwd")


def test_contracts_fill_zod_defaults(contracts_schema: Path) -> None:
    contracts = Contracts(contracts_schema)
    spec = contracts.validate(
        "TrainStageInput",
        {
            "contractVersion": 1,
            "stageKey": "s1",
            "encoder": {"name": "minilm-l6"},
            "mode": "finetune",
            "init": {"kind": "pretrained"},
            "trainingSetKey": "a" * 64,
            "devSetKey": "b" * 64,
            "labelSetKey": "c" * 64,
            "seed": 1,
            "precision": "fp32",
            "hyperparameters": {"epochs": 3},
        },
    )

    recipe = spec["hyperparameters"]
    assert recipe["epochs"] == 3
    assert recipe["learningRate"] == 2e-5
    assert recipe["batchSize"] == 16
    assert recipe["warmupSteps"] == 1000
    assert recipe["evaluate"] == "final"


def test_contracts_report_every_violation(contracts_schema: Path) -> None:
    contracts = Contracts(contracts_schema)
    with pytest.raises(ContractError) as error:
        contracts.validate("TransformArtifactInput", {"contractVersion": 2, "transform": "x"})

    message = str(error.value)
    assert "inputKey" in message
    assert "contractVersion" in message
    assert "transform" in message


def test_schema_names_match_the_activities(contracts_schema: Path) -> None:
    names = set(json.loads(contracts_schema.read_text())["$defs"])
    assert {"TrainStageInput", "EvaluateInput", "TransformArtifactOutput"} <= names


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\nb\n", b"b\na\n"),
        (b"a\nb", b"b\na"),
        (b"", b""),
        (b"\n", b"\n"),
        (b"one\n\nthree\n", b"three\n\none\n"),
    ],
)
def test_reverse_lines_keeps_the_final_terminator(data: bytes, expected: bytes) -> None:
    assert reverse_lines(data) == expected


def test_uppercase_touches_ascii_letters_only() -> None:
    assert uppercase("straße é z".encode()) == "STRAßE é Z".encode()
