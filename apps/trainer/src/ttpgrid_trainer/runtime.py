"""Device, precision, seeding, optimizer and learning-rate schedule of a training stage."""

from __future__ import annotations

import contextlib
import math
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .logs import get_logger

log = get_logger(__name__)

# Deterministic cuBLAS needs this before CUDA initialises (torch.use_deterministic_algorithms).
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


@dataclass(frozen=True)
class Runtime:
    device: torch.device
    precision: str  # what actually runs: 'bf16' only on CUDA

    @property
    def autocast_dtype(self) -> torch.dtype | None:
        return torch.bfloat16 if self.precision == "bf16" else None

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)


def choose_runtime(requested_device: str, requested_precision: str) -> Runtime:
    """bf16 autocast and TF32 on CUDA when asked for bf16; plain fp32 on CPU (bf16 downgraded)."""
    if requested_device == "auto":
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        device = torch.device(requested_device)

    precision = requested_precision
    if device.type != "cuda" and precision == "bf16":
        log.warning("bf16 asked for on CPU: training in fp32", device=str(device))
        precision = "fp32"

    if device.type == "cuda":
        # Deterministic kernels (CUBLAS_WORKSPACE_CONFIG is set by the worker before CUDA starts).
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)
        # TF32 for the matmuls that autocast leaves in fp32; strict fp32 when fp32 was asked for.
        torch.set_float32_matmul_precision("high" if precision == "bf16" else "highest")
    return Runtime(device, precision)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def capture_rng_state() -> dict[str, Any]:
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def inverse_sqrt_factor(step: int, warmup: int) -> float:
    """Vaswani et al. (2017) as the paper uses it (section 3.2), peak 1 at step == warmup.

    lr(step) = base * min(step / warmup, sqrt(warmup / step)), with step counted from 1. Without
    warmup (0) the rate stays at base.
    """
    if warmup <= 0:
        return 1.0
    step = max(step, 1)
    return min(step / warmup, math.sqrt(warmup / step))


class InverseSqrtSchedule:
    """Picklable LambdaLR factor: optimizer step k (0-based in LambdaLR) runs at lr(k + 1)."""

    def __init__(self, warmup: int) -> None:
        self.warmup = warmup

    def __call__(self, completed_steps: int) -> float:
        return inverse_sqrt_factor(completed_steps + 1, self.warmup)


def _decay_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """No weight decay on biases and LayerNorm weights (the Hugging Face Trainer's convention)."""
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        is_norm = "LayerNorm" in name or "layer_norm" in name or name.endswith(".norm.weight")
        (no_decay if parameter.ndim < 2 or is_norm else decay).append(parameter)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def build_optimizer(
    model: nn.Module, recipe: dict[str, Any], device: torch.device
) -> torch.optim.AdamW:
    """AdamW with the recipe's betas and decay; fused kernels where this torch offers them."""
    groups = _decay_groups(model, recipe["weightDecay"])
    options = {"lr": recipe["learningRate"], "betas": (recipe["beta1"], recipe["beta2"])}
    try:
        return torch.optim.AdamW(groups, fused=True, **options)
    except (RuntimeError, ValueError) as error:
        log.warning("fused AdamW unavailable: using foreach", device=str(device), reason=str(error))
        return torch.optim.AdamW(groups, foreach=True, **options)


def build_schedule(
    optimizer: torch.optim.Optimizer, warmup: int
) -> torch.optim.lr_scheduler.LambdaLR:
    return torch.optim.lr_scheduler.LambdaLR(optimizer, InverseSqrtSchedule(warmup))


def batches_of(order: list[int], batch_size: int) -> Iterator[list[int]]:
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
