"""PyTorch side of the classifier parity test: evaluate and export one checkpoint via the trainer.

Runs the trainer's own activity code (`TrainerActivities.evaluate_checkpoint` and `.export_onnx`,
input contracts validated) on a checkpoint that `python -m ttpgrid_trainer train` produced, and
prints one JSON object on stdout:

    {"manifestKey", "opset", "predictions": [PredictionRow...], "tokenIds": [[int...]...]}

`tokenIds` are the trainer's own token ids of each evaluation sentence (features.tokenize), so
the TypeScript tokenizer is compared id for id, not only through probabilities.

    TTPGRID_ARTIFACT_DIR=/tmp/x PYTHONPATH=apps/trainer/src $VENV/bin/python parity_driver.py \\
        --encoder minilm-l6 --checkpoint <key> --labels labels.json --eval test.jsonl \\
        --max-length 64
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ttpgrid_trainer.activities import TrainerActivities
from ttpgrid_trainer.artifacts import put_json, put_jsonl
from ttpgrid_trainer.config import load_settings
from ttpgrid_trainer.contracts import CONTRACT_VERSION
from ttpgrid_trainer.data import parse_jsonl
from ttpgrid_trainer.features import tokenize
from ttpgrid_trainer.modeling import load_tokenizer
from ttpgrid_trainer.stage import resolve_or_fail


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="minilm-l6")
    parser.add_argument("--checkpoint", required=True, help="artifact key of the checkpoint")
    parser.add_argument("--labels", required=True, help="JSON array of label IDs (train order)")
    parser.add_argument("--eval", required=True, help="JSON Lines of {text, label}")
    parser.add_argument("--max-length", type=int, required=True, help="tokens per sentence")
    parser.add_argument("--batch-size", type=int, default=16, help="sentences per forward pass")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    settings = load_settings()
    activities = TrainerActivities(settings)
    store = activities.store

    rows = parse_jsonl(Path(args.eval).read_bytes(), args.eval)
    labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))
    common = {
        "contractVersion": CONTRACT_VERSION,
        "encoder": {"name": args.encoder},
        "mode": "finetune",
        "checkpointKey": args.checkpoint,
        "labelSetKey": put_json(store, labels),
        "maxLength": args.max_length,
    }

    evaluated = activities.evaluate_checkpoint(
        {
            **common,
            "evalSetKey": put_jsonl(store, rows),
            "batchSize": args.batch_size,
            "precision": "fp32",
        }
    )
    exported = activities.export_onnx(common)

    predictions = [json.loads(line) for line in store.get(evaluated["predictionsKey"]).splitlines()]
    tokenizer = load_tokenizer(resolve_or_fail(common["encoder"], settings.encoder_dir))
    token_ids = tokenize(tokenizer, [row["text"] for row in rows], args.max_length).input_ids

    result = {
        "manifestKey": exported["manifestKey"],
        "opset": exported["opset"],
        "predictions": predictions,
        "tokenIds": token_ids,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
