"""One training stage (trainStage): resumable, deterministic, heartbeating.

The paper's recipe (section 3.2): AdamW (beta1 0.9, beta2 0.999, weight decay 0.01), batch 16,
peak learning rate 2e-5, 1,000 warmup steps then inverse square-root decay, 50 epochs, the final
epoch's weights evaluated. Probe stages use the same loop on a linear head; their peak learning
rate should be 1e-3 (the TypeScript spec passes it: the contract's default of 2e-5 is the fine-tune
rate).

Determinism: given seed, device, settings and torch build, two runs give bit-identical weights.
Every epoch ends with a rolling checkpoint in TTPGRID_TRAINER_RESUME_DIR/<stage key>/state.pt:
weights, optimizer, schedule, all RNG states (python, numpy, torch, CUDA) and the data-order
generator. A retried activity (or a rerun of the debug CLI with the same stage key) resumes from it
and ends bit-identical to an uninterrupted run; the folder is removed when the stage completes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import telemetry
from .artifacts import ArtifactStore
from .config import TrainerSettings
from .contracts import CONTRACT_VERSION
from .data import check_examples, load_dataset, load_label_set
from .encoders import ResolvedEncoder, resolve_encoder
from .errors import ARTIFACT_MISSING, ENCODER_UNAVAILABLE, bad_spec, non_retryable
from .f1 import f1_scores
from .logs import get_logger
from .modeling import CheckpointInfo, checkpoint_bytes, read_checkpoint
from .progress import StageLock, StageProgress
from .runtime import (
    batches_of,
    build_optimizer,
    build_schedule,
    capture_rng_state,
    choose_runtime,
    restore_rng_state,
    seed_everything,
)
from .tasks import FinetuneTask, ProbeTask

log = get_logger(__name__)

RESUME_FORMAT = 1
# Dense bf16 peak of common training GPUs, for model FLOP utilisation; unknown GPUs report null.
PEAK_BF16_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "A10": 125e12}


def resolve_or_fail(encoder_ref: dict[str, Any], encoder_dir: Path) -> ResolvedEncoder:
    """The encoder's folder and hash, or a non-retryable EncoderUnavailable naming places tried."""
    resolved = resolve_encoder(encoder_ref["name"], encoder_dir, encoder_ref.get("path"))
    if not resolved.available:
        raise non_retryable(ENCODER_UNAVAILABLE, resolved.reason, placesTried=resolved.places_tried)

    expected = encoder_ref.get("weightsHash")
    if expected and expected != resolved.weights_hash:
        raise non_retryable(
            ENCODER_UNAVAILABLE,
            f"encoder {resolved.name} at {resolved.path} has weights hash {resolved.weights_hash},"
            f" the stage asks for {expected}",
        )
    return resolved


def stage_folder_name(stage_key: str) -> str:
    """The stage key itself when it is a safe file name, otherwise its SHA-256."""
    if re.fullmatch(r"[A-Za-z0-9._-]{1,120}", stage_key) and stage_key not in (".", ".."):
        return stage_key
    return hashlib.sha256(stage_key.encode()).hexdigest()


@dataclass
class StageState:
    """What a rolling checkpoint carries besides tensors and RNG states."""

    epoch: int = 0
    step: int = 0
    curve: list[dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    best_macro_f1: float = -1.0
    tokens: int = 0
    training_seconds: float = 0.0
    eval_seconds: float = 0.0
    # Mid-epoch position, set while an epoch runs (a cancellation checkpoint resumes from here).
    epoch_order: list[int] | None = None
    batches_done: int = 0
    epoch_loss_sum: float = 0.0
    epoch_tokens: int = 0
    epoch_seconds: float = 0.0


class StageTrainer:
    """Trains one stage of a TrainStageInput; `train()` returns its TrainStageOutput."""

    def __init__(self, spec: dict[str, Any], settings: TrainerSettings, store: ArtifactStore):
        self.spec = spec
        self.recipe = spec["hyperparameters"]
        self.settings = settings
        self.store = store
        self.state = StageState()
        self.resumed_from_epoch = 0
        self.resume_path = settings.resume_dir / stage_folder_name(spec["stageKey"]) / "state.pt"
        self.fingerprint = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()

    def train(self) -> dict[str, Any]:
        started = time.monotonic()
        # Heartbeats start before loading anything: a slow model load must not look like a hang.
        with (
            StageProgress(self.settings.heartbeat_seconds) as progress,
            StageLock(self.resume_path.parent, progress),
        ):
            self.progress = progress
            self._prepare()
            self._maybe_resume()
            self._log_retry(progress)
            for epoch in range(self.state.epoch + 1, self.recipe["epochs"] + 1):
                train_loss = self._run_epoch(epoch)
                self._evaluate_dev(epoch, train_loss)
                self._save_checkpoint(epoch)

            checkpoint_key = self._final_checkpoint()
            self._clear_resume()
        telemetry.STAGES_TOTAL.labels(self.spec["mode"], "completed").inc()
        return self._result(checkpoint_key, time.monotonic() - started)

    # -- preparation -------------------------------------------------------------------------

    def _prepare(self) -> None:
        self._load_data()
        self.encoder = resolve_or_fail(self.spec["encoder"], self.settings.encoder_dir)
        self.runtime = choose_runtime(self.settings.device, self.spec["precision"])
        seed_everything(self.spec["seed"])

        self.progress.check()
        self.task = self._build_task()
        self.progress.check()
        self.task.prepare(self.train_set, self.dev_set, self.recipe["maxLength"])
        self._load_parent()
        self.progress.check()

        self.task.model.train()
        self.optimizer = build_optimizer(self.task.model, self.recipe, self.runtime.device)
        self.schedule = build_schedule(self.optimizer, self.recipe["warmupSteps"])
        self.data_order = torch.Generator().manual_seed(self.spec["seed"])
        self.steps_per_epoch = math.ceil(len(self.train_set) / self.recipe["batchSize"])
        log.info(
            "stage prepared",
            stageKey=self.spec["stageKey"],
            mode=self.spec["mode"],
            encoder=self.encoder.name,
            device=str(self.runtime.device),
            precision=self.runtime.precision,
            examples=len(self.train_set),
            stepsPerEpoch=self.steps_per_epoch,
            epochs=self.recipe["epochs"],
        )

    def _load_data(self) -> None:
        self.labels = load_label_set(self.store, self.spec["labelSetKey"])
        self.label_index = {label: index for index, label in enumerate(self.labels)}
        self.train_set = load_dataset(self.store, self.spec["trainingSetKey"], "training set")
        self.dev_set = load_dataset(self.store, self.spec["devSetKey"], "dev set")
        check_examples(self.train_set, self.labels, "training set")
        check_examples(self.dev_set, self.labels, "dev set")
        self.train_targets = torch.tensor([self.label_index[e.label] for e in self.train_set])

    def _build_task(self) -> FinetuneTask | ProbeTask:
        if self.encoder.random_init:
            log.warning("randomly initialised encoder", encoder=self.encoder.name)
        if self.spec["mode"] == "probe":
            cache_dir = self.settings.cache_dir / "features"
            return ProbeTask(self.encoder, self.labels, self.spec["seed"], self.runtime, cache_dir)
        return FinetuneTask(
            self.encoder, self.labels, self.spec["seed"], self.runtime, self.settings.compile
        )

    def _load_parent(self) -> None:
        """Parent's final weights, head included; optimizer and schedule stay fresh (paper 2.3)."""
        init = self.spec["init"]
        if init["kind"] != "parent":
            return

        key = init["checkpointKey"]
        if not self.store.exists(key):
            raise non_retryable(
                ARTIFACT_MISSING, f"parent checkpoint {key} of {init['parentStageKey']} is gone"
            )
        try:
            tensors, metadata = read_checkpoint(self.store.get(key))
        except ValueError as error:
            raise bad_spec(f"parent checkpoint {key}: {error}") from None

        problems = self._parent_mismatches(metadata)
        if problems:
            raise bad_spec(f"parent {init['parentStageKey']} does not fit: {'; '.join(problems)}")
        self.task.load_parent(tensors)
        log.info("initialised from parent", parentStageKey=init["parentStageKey"], key=key)

    def _parent_mismatches(self, metadata: dict[str, str]) -> list[str]:
        expected = {
            "mode": self.spec["mode"],
            "encoderWeightsHash": self.encoder.weights_hash,
            "labels": json.dumps(self.labels),
        }
        return [
            f"{name} is {metadata.get(name)!r}, expected {value!r}"
            for name, value in expected.items()
            if metadata.get(name) != value
        ]

    # -- resume ------------------------------------------------------------------------------

    def _maybe_resume(self) -> None:
        if not self.resume_path.is_file():
            return

        saved = torch.load(self.resume_path, map_location="cpu", weights_only=False)
        if saved.get("format") != RESUME_FORMAT or saved.get("fingerprint") != self.fingerprint:
            log.warning("ignoring resume checkpoint of another spec", path=str(self.resume_path))
            return
        try:
            # Checked before anything is restored, so a bad file never leaves a half-resumed stage.
            state = StageState(**saved["state"])
        except (TypeError, KeyError) as error:
            log.warning("ignoring unreadable resume checkpoint", path=str(self.resume_path),
                        error=str(error))  # fmt: skip
            return

        self.task.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.schedule.load_state_dict(saved["schedule"])
        self.data_order.set_state(saved["data_order"])
        restore_rng_state(saved["rng"])
        self.state = state
        self.resumed_from_epoch = self.state.epoch
        log.info(
            "resuming from checkpoint",
            stageKey=self.spec["stageKey"],
            epoch=self.state.epoch,
            batchesIntoNextEpoch=self.state.batches_done,
            step=self.state.step,
            path=str(self.resume_path),
        )

    def _log_retry(self, progress: StageProgress) -> None:
        details = progress.last_attempt_details()
        if details:
            log.info(
                "retried attempt", attempt=progress.attempt(), lastHeartbeat=details,
                resumedFromEpoch=self.resumed_from_epoch,
            )  # fmt: skip

    def _save_checkpoint(self, epoch: int, batches_done: int = 0) -> None:
        """Atomically replaces the stage's rolling checkpoint (after `epoch`, plus any batches)."""
        self.resume_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": RESUME_FORMAT,
            "fingerprint": self.fingerprint,
            "model": self.task.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "data_order": self.data_order.get_state(),
            "rng": capture_rng_state(),
            "state": asdict(self.state),
        }
        temp_path = self.resume_path.with_suffix(f".{os.getpid()}.tmp")
        torch.save(payload, temp_path)
        os.replace(temp_path, self.resume_path)
        log.info(
            "checkpoint saved", stageKey=self.spec["stageKey"], epoch=epoch, batches=batches_done
        )

    def _clear_resume(self) -> None:
        shutil.rmtree(self.resume_path.parent, ignore_errors=True)

    # -- training ----------------------------------------------------------------------------

    def _epoch_order(self) -> list[int]:
        count = len(self.train_set)
        order = torch.randperm(count, generator=self.data_order).tolist()
        if self.recipe["batching"] != "bucket":
            return order

        # Length buckets: sort each window of 50 batches by length, then shuffle the batches.
        lengths = self.task.lengths()
        window = self.recipe["batchSize"] * 50
        batches: list[list[int]] = []
        for start in range(0, count, window):
            chunk = sorted(order[start : start + window], key=lambda index: lengths[index])
            batches.extend(batches_of(chunk, self.recipe["batchSize"]))
        shuffled = torch.randperm(len(batches), generator=self.data_order).tolist()
        return [index for position in shuffled for index in batches[position]]

    def _start_or_continue_epoch(self, epoch: int) -> None:
        state = self.state
        if state.epoch_order is not None:
            log.info("epoch continued", stageKey=self.spec["stageKey"], epoch=epoch,
                     batch=state.batches_done)  # fmt: skip
            return
        state.epoch_order = self._epoch_order()
        state.batches_done, state.epoch_loss_sum = 0, 0.0
        state.epoch_tokens, state.epoch_seconds = 0, 0.0
        log.info("epoch started", stageKey=self.spec["stageKey"], epoch=epoch)

    def _run_epoch(self, epoch: int) -> float:
        self._start_or_continue_epoch(epoch)
        state = self.state
        batches = list(batches_of(state.epoch_order or [], self.recipe["batchSize"]))
        # The loss stays on the device: no host synchronisation per step.
        loss_sum = torch.tensor(state.epoch_loss_sum, device=self.runtime.device)
        started = time.monotonic() - state.epoch_seconds

        for indices in batches[state.batches_done :]:
            self._stop_if_asked(epoch, loss_sum, started)
            loss, tokens = self._train_step(indices)
            loss_sum += loss.detach() * len(indices)
            state.epoch_tokens += tokens
            state.batches_done += 1
            self._report_step(epoch, loss, state.epoch_tokens, time.monotonic() - started)

        seconds = time.monotonic() - started
        state.tokens += state.epoch_tokens
        state.training_seconds += seconds
        telemetry.TOKENS_PER_SECOND.labels(self.spec["stageKey"]).set(state.epoch_tokens / seconds)
        state.epoch_order, state.batches_done = None, 0
        return loss_sum.item() / len(self.train_set)

    def _stop_if_asked(self, epoch: int, loss_sum: torch.Tensor, started: float) -> None:
        """On cancellation or worker shutdown: checkpoint where we are, then stop."""
        try:
            self.progress.check()
        except BaseException:
            self.state.epoch_loss_sum = loss_sum.item()
            self.state.epoch_seconds = time.monotonic() - started
            self._save_checkpoint(epoch - 1, self.state.batches_done)
            raise

    def _train_step(self, indices: list[int]) -> tuple[torch.Tensor, int]:
        targets = self.train_targets[indices].to(self.runtime.device, non_blocking=True)
        logits, tokens = self.task.train_logits(indices)
        loss = nn.functional.cross_entropy(logits, targets)

        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.schedule.step()
        self.state.step += 1
        return loss, tokens

    def _report_step(self, epoch: int, loss: torch.Tensor, tokens: int, seconds: float) -> None:
        step = self.state.step
        total_steps = self.steps_per_epoch * self.recipe["epochs"]
        telemetry.STAGE_PROGRESS.labels(self.spec["stageKey"]).set(step / max(total_steps, 1))
        if step % self.settings.log_every_steps != 0:
            self.progress.update(epoch=epoch, step=step)
            return

        # Every log_every steps (default 20) one sync for the loss and one status line.
        loss_value = loss.item()
        self.progress.update(epoch=epoch, step=step, loss=loss_value)
        telemetry.record_gpu_usage(self.runtime.device.type)
        log.info(
            "train", epoch=epoch, step=step, loss=loss_value, lr=self.schedule.get_last_lr()[0],
            tokensPerSecond=round(tokens / max(seconds, 1e-9)),
        )  # fmt: skip

    def _evaluate_dev(self, epoch: int, train_loss: float) -> None:
        started = time.monotonic()
        predicted = self.task.predict_dev(max(self.recipe["batchSize"], 32))
        self.task.model.train()
        scores = f1_scores([e.label for e in self.dev_set], [self.labels[i] for i in predicted])
        self.state.eval_seconds += time.monotonic() - started

        point = {
            "epoch": epoch,
            "trainLoss": train_loss,
            "devMicroF1": scores["microF1"],
            "devMacroF1": scores["macroF1"],
        }
        self.state.curve.append(point)
        self.state.epoch = epoch
        self.progress.update(epoch=epoch, loss=train_loss)
        if scores["macroF1"] > self.state.best_macro_f1:
            self.state.best_epoch, self.state.best_macro_f1 = epoch, scores["macroF1"]
            if self.recipe["evaluate"] == "best":
                self._remember_best()

        telemetry.TRAIN_LOSS.labels(self.spec["stageKey"]).set(train_loss)
        telemetry.EVAL_MACRO_F1.labels(self.spec["stageKey"]).set(scores["macroF1"])
        log.info("epoch finished", stageKey=self.spec["stageKey"], **point)

    # -- results -----------------------------------------------------------------------------

    def _checkpoint_bytes(self) -> bytes:
        info = CheckpointInfo(
            self.spec["mode"],
            self.encoder.name,
            self.encoder.weights_hash,
            self.labels,
            encoder_seed=self.spec["seed"] if self.encoder.random_init else None,
        )
        return checkpoint_bytes(self.task.checkpoint_state(), info)

    def _remember_best(self) -> None:
        """Best-epoch weights wait in the resume folder: only the chosen ones reach the store."""
        path = self.resume_path.with_name("best.safetensors")
        path.parent.mkdir(parents=True, exist_ok=True)
        temp_path = path.with_suffix(f".{os.getpid()}.tmp")
        temp_path.write_bytes(self._checkpoint_bytes())
        os.replace(temp_path, path)

    def _final_checkpoint(self) -> str:
        if self.recipe["evaluate"] == "best":
            return self.store.put(self.resume_path.with_name("best.safetensors").read_bytes())
        return self.store.put(self._checkpoint_bytes())

    def _model_flop_utilization(self) -> float | None:
        if self.runtime.device.type != "cuda" or self.state.training_seconds <= 0:
            return None
        name = torch.cuda.get_device_name(self.runtime.device)
        peak = next((flops for gpu, flops in PEAK_BF16_FLOPS.items() if gpu in name), None)
        if peak is None or self.runtime.precision != "bf16":
            return None
        parameters = sum(p.numel() for p in self.task.model.parameters() if p.requires_grad)
        # 6 FLOPs per parameter per token (forward + backward), attention FLOPs left out.
        return 6 * parameters * self.state.tokens / self.state.training_seconds / peak

    def _result(self, checkpoint_key: str, total_seconds: float) -> dict[str, Any]:
        state = self.state
        final_epoch = self.recipe["epochs"]
        best_epoch = state.best_epoch if self.recipe["evaluate"] == "best" else final_epoch
        return {
            "contractVersion": CONTRACT_VERSION,
            "stageKey": self.spec["stageKey"],
            "checkpointKey": checkpoint_key,
            "devCurve": state.curve,
            "bestEpoch": best_epoch,
            "steps": state.step,
            "stepsPerEpoch": self.steps_per_epoch,
            "trainingExamples": len(self.train_set),
            "truncatedSentences": self.task.truncated,
            "tokensPerSecond": state.tokens / state.training_seconds
            if state.training_seconds
            else 0.0,
            "modelFlopUtilization": self._model_flop_utilization(),
            "device": str(self.runtime.device),
            "precision": self.runtime.precision,
            "resumedFromEpoch": self.resumed_from_epoch,
            "seconds": {
                "total": total_seconds,
                "training": state.training_seconds,
                "eval": state.eval_seconds,
            },
        }


def train_stage(
    spec: dict[str, Any], settings: TrainerSettings, store: ArtifactStore
) -> dict[str, Any]:
    trainer = StageTrainer(spec, settings, store)
    try:
        return trainer.train()
    except BaseException as error:
        outcome = "cancelled" if type(error).__name__ == "CancelledError" else "failed"
        telemetry.STAGES_TOTAL.labels(spec["mode"], outcome).inc()
        raise
