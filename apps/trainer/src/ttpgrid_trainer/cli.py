"""ttpgrid trainer: Temporal worker, encoder registry, and a debug training run.

Run from apps/trainer with the project's virtual environment (`VENV=~/.cache/ttpgrid/venv-<hash>`):

    # the worker, as TypeScript launches it (env: TEMPORAL_ADDRESS, TTPGRID_TRAINER_TASK_QUEUE, ...)
    PYTHONPATH=src $VENV/bin/python -m ttpgrid_trainer worker

    # the encoder registry with availability and weights hashes; imports no torch
    PYTHONPATH=src $VENV/bin/python -m ttpgrid_trainer encoders --json

    # a short CPU training run on JSON Lines files of {"text", "label"} rows
    PYTHONPATH=src $VENV/bin/python -m ttpgrid_trainer train --encoder minilm-l6 \\
        --data train.jsonl --dev dev.jsonl --epochs 1 --limit 64 --max-length 64 --json

    # the paper's recipe (section 3.2) on a GPU: 50 epochs, batch 16, lr 2e-5, 1,000 warmup steps
    PYTHONPATH=src $VENV/bin/python -m ttpgrid_trainer train --encoder cti-bert \\
        --data train.jsonl --dev dev.jsonl --device cuda --precision bf16 --json

    # a linear probe on frozen mean-pooled features (lr 1e-3 is the probe default)
    PYTHONPATH=src $VENV/bin/python -m ttpgrid_trainer train --mode probe --encoder minilm-l6 \\
        --data train.jsonl --dev dev.jsonl --epochs 20 --warmup-steps 0 --json

`train` stores its inputs in the artifact store (TTPGRID_ARTIFACT_DIR) and runs the same code as the
trainStage activity, resuming from TTPGRID_TRAINER_RESUME_DIR/<stage key> when a run with the same
--stage-key was interrupted. Results go to stdout as JSON (TrainStageOutput); logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .config import ConfigError, load_settings
from .logs import configure_logging


def _add_train_arguments(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("data")
    data.add_argument("--data", required=True, help="training JSON Lines file of {text, label}")
    data.add_argument("--dev", required=True, help="dev JSON Lines file of {text, label}")
    data.add_argument(
        "--labels", help="JSON array of label IDs (output order); default: sorted labels of --data"
    )
    data.add_argument(
        "--limit", type=int, default=0, help="use the first N training rows (0 = all)"
    )
    data.add_argument("--dev-limit", type=int, default=0, help="use the first N dev rows (0 = all)")

    model = parser.add_argument_group("model")
    model.add_argument("--encoder", default="minilm-l6", help="registry name (see `encoders`)")
    model.add_argument("--encoder-path", help="local encoder folder overriding the registry")
    model.add_argument("--mode", choices=["finetune", "probe"], default="finetune")
    model.add_argument("--init-checkpoint", help="artifact key of a parent stage's checkpoint")

    recipe = parser.add_argument_group("recipe (defaults: paper section 3.2)")
    recipe.add_argument("--epochs", type=int, default=50)
    recipe.add_argument("--batch-size", type=int, default=16, help="sentences per optimizer step")
    recipe.add_argument(
        "--lr", type=float, default=None, help="peak learning rate (default 2e-5; probe 1e-3)"
    )
    recipe.add_argument("--warmup-steps", type=int, default=1000, help="optimizer steps; 0 = none")
    recipe.add_argument("--weight-decay", type=float, default=0.01)
    recipe.add_argument("--max-length", type=int, default=256, help="tokens per sentence")
    recipe.add_argument("--evaluate", choices=["final", "best"], default="final")
    recipe.add_argument("--batching", choices=["shuffle", "bucket"], default="shuffle")
    recipe.add_argument("--seed", type=int, default=0)

    runtime = parser.add_argument_group("runtime")
    runtime.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    runtime.add_argument("--device", default=None, help="auto, cpu or cuda[:N] (default: auto)")
    runtime.add_argument("--stage-key", help="resume key; default: derived from the inputs")
    runtime.add_argument("--json", action="store_true", help="print TrainStageOutput as JSON")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ttpgrid_trainer",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("worker", help="poll the Temporal task queue until SIGTERM/SIGINT")

    encoders = commands.add_parser("encoders", help="list the encoder registry")
    encoders.add_argument("--json", action="store_true", help="print JSON for TypeScript")
    encoders.add_argument("--no-hash", action="store_true", help="skip hashing weight files")

    train = commands.add_parser("train", help="one debug training stage (same code as trainStage)")
    _add_train_arguments(train)
    return parser


def _print(value: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(value, indent=2) + "\n")
        return
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        sys.stdout.write(f"{key}: {item}\n")


def _command_encoders(args: argparse.Namespace) -> int:
    from .encoders import registry_report

    settings = load_settings()
    report = registry_report(settings.encoder_dir, with_hash=not args.no_hash)
    if args.json:
        _print(report, True)
        return 0

    for entry in report["encoders"]:
        state = "available" if entry["available"] else "unavailable"
        sys.stdout.write(
            f"{entry['name']:<20} {state:<12} {entry.get('path') or entry['reason']}\n"
        )
    return 0


def _command_train(args: argparse.Namespace) -> int:
    from .debug_train import run_debug_training

    result = run_debug_training(args, load_settings())
    _print(result, args.json)
    return 0


def _command_worker() -> int:
    import asyncio

    from .worker import serve

    asyncio.run(serve(load_settings()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging()
    try:
        if args.command == "worker":
            return _command_worker()
        if args.command == "encoders":
            return _command_encoders(args)
        return _command_train(args)
    except ConfigError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
