"""PyTorch side of the classification throughput benchmark (benchmarks/classify/throughput.ts).

Loads a trained checkpoint through the trainer package (`inference.load_classifier`, the code
path of evaluateCheckpoint), optionally exports it to ONNX with the trainer's exportOnnx activity,
then times batched CPU inference on the given sentences for each batch size: tokenization
(`features.tokenize`), longest-first batches padded per batch (`features.collate`), forward pass,
softmax. Prints one JSON object on stdout:

    {"manifestKey": str | null, "threads": int, "results": [{"batchSize", "sentences",
     "seconds", "sentencesPerSecond"}]}

    TTPGRID_ARTIFACT_DIR=... PYTHONPATH=apps/trainer/src $VENV/bin/python \\
        benchmarks/classify/torch_throughput.py --checkpoint <key> --labels labels.json \\
        --sentences sentences.jsonl --max-length 256 --batch-sizes 1,8,32 --threads 2 --export
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch
from ttpgrid_trainer.activities import TrainerActivities
from ttpgrid_trainer.artifacts import put_json
from ttpgrid_trainer.config import load_settings
from ttpgrid_trainer.contracts import CONTRACT_VERSION
from ttpgrid_trainer.data import parse_jsonl
from ttpgrid_trainer.features import collate, tokenize
from ttpgrid_trainer.inference import load_classifier
from ttpgrid_trainer.modeling import load_tokenizer
from ttpgrid_trainer.stage import resolve_or_fail


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="minilm-l6")
    parser.add_argument("--checkpoint", required=True, help="artifact key of a finetune checkpoint")
    parser.add_argument("--labels", required=True, help="JSON array of label IDs (train order)")
    parser.add_argument("--sentences", required=True, help="JSON Lines of {text}")
    parser.add_argument("--max-length", type=int, default=256, help="tokens per sentence")
    parser.add_argument("--batch-sizes", default="1,8,32", help="comma-separated")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--warmup", type=int, default=8, help="sentences run before timing")
    parser.add_argument("--export", action="store_true", help="also export to ONNX first")
    return parser.parse_args()


def _classify(model: Any, tokenizer: Any, texts: list[str], batch: int, max_length: int) -> None:
    """Tokenize, batch longest first, pad per batch, forward, softmax: what serving does."""
    tokens = tokenize(tokenizer, texts, max_length)
    order = sorted(range(len(texts)), key=lambda index: -len(tokens.input_ids[index]))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            ids, mask, _ = collate(tokens, order[start : start + batch], torch.device("cpu"))
            torch.softmax(model(input_ids=ids, attention_mask=mask)["logits"], dim=-1)


def _time(model: Any, tokenizer: Any, texts: list[str], batch: int, args: Any) -> dict[str, Any]:
    _classify(model, tokenizer, texts[: args.warmup], batch, args.max_length)
    started = time.perf_counter()
    _classify(model, tokenizer, texts, batch, args.max_length)
    seconds = time.perf_counter() - started
    return {
        "batchSize": batch,
        "sentences": len(texts),
        "seconds": seconds,
        "sentencesPerSecond": len(texts) / seconds,
    }


def main() -> int:
    args = _arguments()
    torch.set_num_threads(args.threads)
    settings = load_settings()
    activities = TrainerActivities(settings)
    labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))
    spec = {
        "contractVersion": CONTRACT_VERSION,
        "encoder": {"name": args.encoder},
        "mode": "finetune",
        "checkpointKey": args.checkpoint,
        "labelSetKey": put_json(activities.store, labels),
        "maxLength": args.max_length,
    }

    manifest_key = activities.export_onnx(spec)["manifestKey"] if args.export else None
    encoder = resolve_or_fail(spec["encoder"], settings.encoder_dir)
    model, _ = load_classifier(spec, activities.store, encoder)
    tokenizer = load_tokenizer(encoder)
    rows = parse_jsonl(Path(args.sentences).read_bytes(), "sentences", need_label=False)
    texts = [row["text"] for row in rows]

    batches = [int(size) for size in args.batch_sizes.split(",")]
    results = [_time(model, tokenizer, texts, batch, args) for batch in batches]
    output = {"manifestKey": manifest_key, "threads": args.threads, "results": results}
    sys.stdout.write(json.dumps(output) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
