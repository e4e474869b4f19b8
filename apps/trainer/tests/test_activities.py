"""Activities called directly (no server): spec errors, probe mode, evaluation, embeddings, ONNX."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from temporalio.exceptions import ApplicationError

from ttpgrid_trainer.activities import TrainerActivities
from ttpgrid_trainer.artifacts import put_json, put_jsonl
from ttpgrid_trainer.config import TrainerSettings
from ttpgrid_trainer.encoders import resolve_encoder
from ttpgrid_trainer.inference import _probabilities, load_classifier
from ttpgrid_trainer.modeling import load_tokenizer
from ttpgrid_trainer.runtime import choose_runtime

from .tram_slice import tram_slice

TRAIN, DEV = tram_slice(techniques=5, train_per_class=8, dev_per_class=4)
LABELS = sorted({row["label"] for row in TRAIN})


def stage_spec(activities: TrainerActivities, **changes: Any) -> dict[str, Any]:
    store = activities.store
    spec: dict[str, Any] = {
        "contractVersion": 1,
        "stageKey": "activity-test",
        "encoder": {"name": "minilm-l6"},
        "mode": "probe",
        "init": {"kind": "pretrained"},
        "trainingSetKey": put_jsonl(store, TRAIN),
        "devSetKey": put_jsonl(store, DEV),
        "labelSetKey": put_json(store, LABELS),
        "seed": 3,
        "precision": "fp32",
        "hyperparameters": {
            "learningRate": 1e-3,
            "epochs": 40,
            "batchSize": 8,
            "maxLength": 64,
            "warmupSteps": 0,
        },
    }
    spec.update(changes)
    return spec


@pytest.fixture
def activities(settings: TrainerSettings) -> TrainerActivities:
    return TrainerActivities(settings.model_copy(update={"device": "cpu"}))


def failure_of(activities: TrainerActivities, spec: dict[str, Any]) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        activities.train_stage(spec)
    return raised.value


def test_an_invalid_spec_is_a_non_retryable_bad_spec(activities: TrainerActivities) -> None:
    spec = stage_spec(activities, mode="distill", seed=-1)
    error = failure_of(activities, spec)

    assert (error.type, error.non_retryable) == ("BadSpec", True)
    assert "mode" in error.message and "seed" in error.message


def test_an_unknown_encoder_names_the_known_ones(activities: TrainerActivities) -> None:
    error = failure_of(activities, stage_spec(activities, encoder={"name": "gpt-17"}))

    assert (error.type, error.non_retryable) == ("EncoderUnavailable", True)
    assert "gpt-17" in error.message and "minilm-l6" in error.message


def test_a_missing_local_encoder_names_the_places_tried(
    activities: TrainerActivities, settings: TrainerSettings
) -> None:
    error = failure_of(activities, stage_spec(activities, encoder={"name": "cti-bert"}))

    assert (error.type, error.non_retryable) == ("EncoderUnavailable", True)
    assert str(settings.encoder_dir / "cti-bert") in error.message
    assert str(settings.encoder_dir / "ibm-research/CTI-BERT") in error.message


def test_an_empty_training_set_is_refused(activities: TrainerActivities) -> None:
    empty = activities.store.put(b"")
    error = failure_of(activities, stage_spec(activities, trainingSetKey=empty))

    assert (error.type, error.non_retryable) == ("EmptyDataset", True)


def test_a_label_outside_the_label_set_is_refused(activities: TrainerActivities) -> None:
    rows = [*TRAIN, {"text": "Adversaries may abuse cron.", "label": "T1053.003"}]
    spec = stage_spec(activities, trainingSetKey=put_jsonl(activities.store, rows))
    error = failure_of(activities, spec)

    assert (error.type, error.non_retryable) == ("UnknownLabel", True)
    assert "T1053.003" in error.message


def test_a_wrong_weights_hash_is_refused(activities: TrainerActivities) -> None:
    spec = stage_spec(activities, encoder={"name": "minilm-l6", "weightsHash": "0" * 64})
    error = failure_of(activities, spec)

    assert (error.type, error.non_retryable) == ("EncoderUnavailable", True)


@pytest.mark.slow
def test_probe_learns_and_reuses_cached_features(
    activities: TrainerActivities, caplog: pytest.LogCaptureFixture
) -> None:
    first = activities.train_stage(stage_spec(activities))
    second = activities.train_stage(stage_spec(activities, stageKey="activity-test-again"))

    curve = first["devCurve"]
    assert curve[-1]["trainLoss"] < curve[0]["trainLoss"]
    assert curve[-1]["devMacroF1"] > 0.4
    assert second["checkpointKey"] == first["checkpointKey"]
    feature_lines = [line for line in caplog.text.splitlines() if "probe features" in line]
    # First stage: training and dev sentences encoded; second: every row from the cache.
    assert "computed=0" not in feature_lines[0]
    assert all("computed=0" in line for line in feature_lines[-2:])


@pytest.mark.slow
def test_probe_evaluation_on_cached_features_matches_the_full_model(
    activities: TrainerActivities, settings: TrainerSettings
) -> None:
    spec = stage_spec(activities, hyperparameters={"learningRate": 1e-3, "epochs": 5})
    trained = activities.train_stage(spec)
    evaluate = {"contractVersion": 1, "encoder": {"name": "minilm-l6"}, "mode": "probe",
                "checkpointKey": trained["checkpointKey"], "labelSetKey": spec["labelSetKey"],
                "evalSetKey": spec["devSetKey"], "maxLength": 64, "batchSize": 16,
                "precision": "fp32"}  # fmt: skip
    cached = activities.evaluate_checkpoint(evaluate)
    rows = [json.loads(line) for line in activities.store.get(cached["predictionsKey"]).split(b"\n")
            if line]  # fmt: skip

    # The same checkpoint as a whole classifier over padded token batches.
    encoder = resolve_encoder("minilm-l6", settings.encoder_dir)
    model, _ = load_classifier(evaluate, activities.store, encoder)
    runtime = choose_runtime("cpu", "fp32")
    texts = [row["text"] for row in DEV]
    full = _probabilities(model, texts, load_tokenizer(encoder), evaluate, runtime)

    assert [row["predicted"] for row in rows] == [LABELS[int(i)] for i in full.argmax(axis=1)]
    top = np.array([row["top5"][0]["probability"] for row in rows])
    assert np.allclose(top, full.max(axis=1), atol=1e-5)


@pytest.mark.slow
def test_evaluate_embed_and_export_a_probe_checkpoint(activities: TrainerActivities) -> None:
    spec = stage_spec(activities, hyperparameters={"learningRate": 1e-3, "epochs": 5})
    trained = activities.train_stage(spec)
    common = {"contractVersion": 1, "encoder": {"name": "minilm-l6"}, "mode": "probe"}
    common |= {"checkpointKey": trained["checkpointKey"], "labelSetKey": spec["labelSetKey"]}

    evaluated = activities.evaluate_checkpoint(
        {**common, "evalSetKey": spec["devSetKey"], "maxLength": 64, "batchSize": 16,
         "precision": "fp32"}
    )  # fmt: skip
    rows = activities.store.get(evaluated["predictionsKey"]).decode().splitlines()
    first_row = json.loads(rows[0])
    assert evaluated["sentences"] == len(rows) == len(DEV)
    assert first_row["predicted"] == first_row["top5"][0]["label"]
    assert len(first_row["top5"]) == 5

    embedded = activities.embed_sentences(
        {"contractVersion": 1, "encoder": {"name": "minilm-l6"}, "sentencesKey": spec["devSetKey"]}
    )
    matrix = np.frombuffer(activities.store.get(embedded["embeddingsKey"]), dtype="<f4")
    matrix = matrix.reshape(embedded["count"], embedded["dimension"])
    assert matrix.shape == (len(DEV), 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)

    exported = activities.export_onnx({**common, "maxLength": 64})
    manifest = json.loads(activities.store.get(exported["manifestKey"]))
    assert set(manifest["files"]) == {"model.onnx", "tokenizer.json", "labels.json"}
    assert json.loads(activities.store.get(manifest["files"]["labels.json"])) == LABELS


@pytest.mark.slow
def test_a_parent_checkpoint_must_fit_the_child_stage(activities: TrainerActivities) -> None:
    parent = activities.train_stage(stage_spec(activities, hyperparameters={"epochs": 2}))
    init = {"kind": "parent", "checkpointKey": parent["checkpointKey"], "parentStageKey": "p"}

    child = activities.train_stage(
        stage_spec(activities, stageKey="child", init=init, hyperparameters={"epochs": 1})
    )
    assert child["steps"] == child["stepsPerEpoch"]

    error = failure_of(activities, stage_spec(activities, stageKey="wrong", mode="finetune",
                                              init=init))  # fmt: skip
    assert (error.type, error.non_retryable) == ("BadSpec", True)
    assert "mode" in error.message


@pytest.mark.slow
def test_evaluate_best_keeps_the_best_dev_epoch(activities: TrainerActivities) -> None:
    recipe = {"learningRate": 3e-2, "epochs": 6, "batchSize": 8, "maxLength": 64,
              "warmupSteps": 0, "evaluate": "best"}  # fmt: skip
    result = activities.train_stage(stage_spec(activities, stageKey="best", hyperparameters=recipe))

    scores = [point["devMacroF1"] for point in result["devCurve"]]
    assert result["bestEpoch"] == scores.index(max(scores)) + 1
    assert activities.store.exists(result["checkpointKey"])
    assert not (activities.settings.resume_dir / "best").exists()
