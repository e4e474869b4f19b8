"""Prometheus metrics of the trainer, served on TTPGRID_TRAINER_METRICS_PORT (0 turns it off).

The same numbers as the training status lines (`train/loss`, `eval/macro_f1`), as namespaced
gauges and counters. GPU gauges are filled only when CUDA is in use.
"""

from __future__ import annotations

import contextlib
import threading

from prometheus_client import Counter, Gauge, start_http_server

from .config import TrainerSettings
from .logs import get_logger

log = get_logger(__name__)

STAGE_PROGRESS = Gauge(
    "ttpgrid_trainer_stage_progress",
    "Fraction of the running stage's optimizer steps done (0..1)",
    ["stage_key"],
)
TOKENS_PER_SECOND = Gauge(
    "ttpgrid_trainer_tokens_per_second",
    "Non-padding training tokens per second over the last epoch",
    ["stage_key"],
)
TRAIN_LOSS = Gauge(
    "ttpgrid_trainer_train_loss", "Mean training loss of the last epoch", ["stage_key"]
)
EVAL_MACRO_F1 = Gauge(
    "ttpgrid_trainer_eval_macro_f1", "Dev Macro-F1 of the last epoch", ["stage_key"]
)
STAGES_TOTAL = Counter(
    "ttpgrid_trainer_stages_total",
    "Training stages ended, by mode and outcome (completed, failed, cancelled)",
    ["mode", "outcome"],
)
GPU_UTILIZATION = Gauge("ttpgrid_trainer_gpu_utilization_ratio", "GPU busy fraction (0..1)")
GPU_MEMORY_USED = Gauge("ttpgrid_trainer_gpu_memory_bytes", "GPU memory allocated by torch")
GPU_MEMORY_PEAK = Gauge("ttpgrid_trainer_gpu_memory_peak_bytes", "Peak GPU memory allocated")

_server_lock = threading.Lock()
_server_started = False


def start_metrics_server(settings: TrainerSettings) -> None:
    """Starts the HTTP exporter once per process; port 0 leaves it off."""
    global _server_started
    if settings.metrics_port == 0:
        log.info("metrics server off", port=0)
        return

    with _server_lock:
        if _server_started:
            return
        try:
            start_http_server(settings.metrics_port, addr=settings.metrics_host)
        except OSError as error:
            # A busy port (two trainers on one host) must not stop training: warn and go on.
            log.warning("metrics server not started", port=settings.metrics_port, error=str(error))
            return
        _server_started = True
    log.info("metrics server started", host=settings.metrics_host, port=settings.metrics_port)


def record_gpu_usage(device_type: str) -> None:
    """Samples CUDA memory (and utilisation where NVML is present) into the gauges."""
    if device_type != "cuda":
        return

    import torch

    GPU_MEMORY_USED.set(torch.cuda.memory_allocated())
    GPU_MEMORY_PEAK.set(torch.cuda.max_memory_allocated())
    # Utilisation needs NVML (pynvml); without it the gauge stays unset rather than fail a stage.
    with contextlib.suppress(Exception):
        GPU_UTILIZATION.set(torch.cuda.utilization() / 100.0)
