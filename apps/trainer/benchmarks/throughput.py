"""Training throughput: this trainer's loop against a plain Hugging Face `Trainer` loop.

Both train the same classifier (ttpgrid's SentenceClassifier: encoder + mean pooling + linear head)
on the same TRAM slice, with the same batch size, maxLength, AdamW settings, epochs, device and
precision, and dynamic padding per batch. Throughput is real (non-padding) training tokens per
second of training time; our figure excludes the per-epoch dev evaluation and checkpoint, the
Trainer runs with evaluation, logging and saving off.

    # CPU (a few minutes on 2 cores)
    PYTHONPATH=src:. $VENV/bin/python benchmarks/throughput.py --examples 96 --epochs 2
    # GPU, the paper's shape
    PYTHONPATH=src:. $VENV/bin/python benchmarks/throughput.py --device cuda --precision bf16 \\
        --examples 754 --epochs 2 --max-length 256

The Hugging Face Trainer needs `accelerate` (not in requirements.txt); without it the script says
so and measures only this trainer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch
from tests.tram_slice import tram_slice

from ttpgrid_trainer.artifacts import LocalArtifactStore, put_json, put_jsonl
from ttpgrid_trainer.config import load_settings
from ttpgrid_trainer.encoders import resolve_encoder
from ttpgrid_trainer.logs import configure_logging
from ttpgrid_trainer.modeling import SentenceClassifier, load_encoder, load_tokenizer
from ttpgrid_trainer.stage import train_stage


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--encoder", default="minilm-l6")
    parser.add_argument("--examples", type=int, default=96, help="training rows (TRAM slice)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=64, help="tokens per sentence")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2, help="alternating runs; medians reported")
    return parser.parse_args()


def _rows(count: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    per_class = max(count // 8, 1)
    train, dev = tram_slice(techniques=8, train_per_class=per_class, dev_per_class=2)
    return train[:count], dev


def measure_ours(
    args: argparse.Namespace, train: list[dict[str, str]], dev: list[dict[str, str]], folder: Path
) -> dict[str, Any]:
    settings = load_settings().model_copy(
        update={
            "artifact_dir": folder / "artifacts",
            "resume_dir": folder / "resume",
            "cache_dir": folder / "cache",
            "device": args.device,
            "log_every_steps": 10_000,
        }
    )
    store = LocalArtifactStore(settings.artifact_dir)
    labels = sorted({row["label"] for row in train})
    spec = {
        "contractVersion": 1,
        "stageKey": "benchmark",
        "encoder": {"name": args.encoder},
        "mode": "finetune",
        "init": {"kind": "pretrained"},
        "trainingSetKey": put_jsonl(store, train),
        "devSetKey": put_jsonl(store, dev),
        "labelSetKey": put_json(store, labels),
        "seed": args.seed,
        "precision": args.precision,
        "hyperparameters": {
            "learningRate": 2e-5, "batchSize": args.batch_size, "epochs": args.epochs,
            "maxLength": args.max_length, "warmupSteps": 1000, "weightDecay": 0.01,
            "beta1": 0.9, "beta2": 0.999, "evaluate": "final", "batching": "shuffle",
        },
    }  # fmt: skip
    result = train_stage(spec, settings, store)
    return {"tokensPerSecond": result["tokensPerSecond"], "seconds": result["seconds"]["training"]}


class _TokenizedRows(torch.utils.data.Dataset):
    def __init__(self, features: list[dict[str, Any]]) -> None:
        self.features = features

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.features[index]


def measure_hugging_face(
    args: argparse.Namespace, train: list[dict[str, str]]
) -> dict[str, Any] | None:
    try:
        import accelerate  # noqa: F401
    except ImportError:
        print("accelerate is not installed: the Hugging Face Trainer cannot run", file=sys.stderr)
        return None
    from transformers import DataCollatorWithPadding, Trainer, TrainingArguments

    settings = load_settings()
    encoder = resolve_encoder(args.encoder, settings.encoder_dir)
    tokenizer = load_tokenizer(encoder)
    labels = sorted({row["label"] for row in train})
    torch.manual_seed(args.seed)
    model = SentenceClassifier(load_encoder(encoder, args.seed), len(labels))

    encoded = tokenizer([row["text"] for row in train], truncation=True, max_length=args.max_length)
    features = [
        {"input_ids": ids, "attention_mask": mask, "labels": labels.index(row["label"])}
        for ids, mask, row in zip(
            encoded["input_ids"], encoded["attention_mask"], train, strict=True
        )
    ]
    tokens = sum(len(ids) for ids in encoded["input_ids"]) * args.epochs

    with tempfile.TemporaryDirectory() as output_dir:
        training_args = TrainingArguments(
            output_dir=output_dir, per_device_train_batch_size=args.batch_size,
            num_train_epochs=args.epochs, learning_rate=2e-5, warmup_steps=1000,
            weight_decay=0.01, adam_beta1=0.9, adam_beta2=0.999, optim="adamw_torch_fused",
            lr_scheduler_type="inverse_sqrt", bf16=args.precision == "bf16",
            use_cpu=args.device == "cpu", save_strategy="no", eval_strategy="no",
            logging_strategy="no", report_to=[], dataloader_num_workers=0, seed=args.seed,
            disable_tqdm=True, max_grad_norm=0.0,  # no clipping: our recipe (paper 3.2) has none
        )  # fmt: skip
        trainer = Trainer(
            model=model, args=training_args, train_dataset=_TokenizedRows(features),
            data_collator=DataCollatorWithPadding(tokenizer),
        )  # fmt: skip
        started = time.monotonic()
        metrics = trainer.train().metrics
        wall = time.monotonic() - started
    seconds = metrics.get("train_runtime", wall)
    return {"tokensPerSecond": tokens / seconds, "seconds": seconds}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> int:
    args = _arguments()
    configure_logging("WARNING")
    train, dev = _rows(args.examples)

    ours_runs: list[float] = []
    theirs_runs: list[float] = []
    for repeat in range(args.repeats):
        # Alternate the order so neither loop always runs on a warmer (or busier) machine.
        first_ours = repeat % 2 == 0
        for which in ("ours", "theirs") if first_ours else ("theirs", "ours"):
            if which == "ours":
                with tempfile.TemporaryDirectory() as folder:
                    ours_runs.append(
                        measure_ours(args, train, dev, Path(folder))["tokensPerSecond"]
                    )
            else:
                theirs = measure_hugging_face(args, train)
                if theirs is not None:
                    theirs_runs.append(theirs["tokensPerSecond"])

    ours = _median(ours_runs)
    theirs = _median(theirs_runs) if theirs_runs else None
    report = {
        "encoder": args.encoder, "device": args.device, "precision": args.precision,
        "examples": len(train), "epochs": args.epochs, "batchSize": args.batch_size,
        "maxLength": args.max_length, "torchThreads": torch.get_num_threads(),
        "ttpgridTokensPerSecond": ours, "huggingFaceTokensPerSecond": theirs,
        "ratio": ours / theirs if theirs else None, "runs": {"ttpgrid": ours_runs,
        "huggingFace": theirs_runs},
    }  # fmt: skip
    print(json.dumps(report, indent=2))
    verdict = f"ratio {ours / theirs:.2f}" if theirs else "Hugging Face Trainer not measured"
    print(f"ttpgrid {ours:.0f} tok/s, Hugging Face Trainer {theirs or 0:.0f} tok/s, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
