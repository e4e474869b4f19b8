"""The `train` debug command: files in, TrainStageOutput out, through the trainStage code path."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from .artifacts import LocalArtifactStore, put_json, put_jsonl
from .config import TrainerSettings
from .contracts import CONTRACT_VERSION, Contracts
from .data import parse_jsonl
from .stage import train_stage

PROBE_LEARNING_RATE = 1e-3
FINETUNE_LEARNING_RATE = 2e-5


def _rows(path: str, limit: int) -> list[dict[str, str]]:
    rows = parse_jsonl(Path(path).read_bytes(), path)
    return rows[:limit] if limit > 0 else rows


def build_spec(args: argparse.Namespace, store: LocalArtifactStore) -> dict[str, Any]:
    train_rows = _rows(args.data, args.limit)
    dev_rows = _rows(args.dev, args.dev_limit)
    if args.labels:
        labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))
    else:
        labels = sorted({row["label"] for row in train_rows})

    learning_rate = args.lr
    if learning_rate is None:
        learning_rate = PROBE_LEARNING_RATE if args.mode == "probe" else FINETUNE_LEARNING_RATE
    encoder: dict[str, Any] = {"name": args.encoder}
    if args.encoder_path:
        encoder["path"] = args.encoder_path

    init: dict[str, Any] = {"kind": "pretrained"}
    if args.init_checkpoint:
        init = {"kind": "parent", "checkpointKey": args.init_checkpoint, "parentStageKey": "cli"}

    spec = {
        "contractVersion": CONTRACT_VERSION,
        "stageKey": "",
        "encoder": encoder,
        "mode": args.mode,
        "init": init,
        "trainingSetKey": put_jsonl(store, train_rows),
        "devSetKey": put_jsonl(store, dev_rows),
        "labelSetKey": put_json(store, labels),
        "seed": args.seed,
        "precision": args.precision,
        "hyperparameters": {
            "learningRate": learning_rate,
            "batchSize": args.batch_size,
            "epochs": args.epochs,
            "maxLength": args.max_length,
            "warmupSteps": args.warmup_steps,
            "weightDecay": args.weight_decay,
            "evaluate": args.evaluate,
            "batching": args.batching,
        },
    }
    identity = json.dumps(spec, sort_keys=True).encode()
    spec["stageKey"] = args.stage_key or f"cli-{hashlib.sha256(identity).hexdigest()[:16]}"
    return spec


def run_debug_training(args: argparse.Namespace, settings: TrainerSettings) -> dict[str, Any]:
    if args.device:
        settings = settings.model_copy(update={"device": args.device})
    store = LocalArtifactStore(settings.artifact_dir)
    contracts = Contracts(settings.contracts_schema)

    spec = contracts.validate("TrainStageInput", build_spec(args, store))
    result = train_stage(spec, settings, store)
    return contracts.validate("TrainStageOutput", result)
