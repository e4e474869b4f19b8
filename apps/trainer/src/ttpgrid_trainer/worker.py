"""The Temporal worker: polls the trainer task queue with every activity registered.

SIGTERM or SIGINT starts a graceful shutdown: polling stops at once, running activities get
TTPGRID_TRAINER_GRACE_SECONDS to finish (a training stage stops at its next step and is retried
from its last epoch checkpoint), then the process exits.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from .activities import TrainerActivities
from .config import TrainerSettings
from .logs import get_logger
from .telemetry import start_metrics_server

log = get_logger(__name__)


def build_worker(client: Client, settings: TrainerSettings, executor: ThreadPoolExecutor) -> Worker:
    activities = TrainerActivities(settings)
    return Worker(
        client,
        task_queue=settings.task_queue,
        activities=activities.all(),
        activity_executor=executor,
        max_concurrent_activities=settings.max_concurrent,
        graceful_shutdown_timeout=timedelta(seconds=settings.grace_seconds),
        # A cancel reaches an activity only with a heartbeat response; the SDK otherwise sends
        # heartbeats every 0.8 x heartbeat timeout, which would make cancelling that slow.
        max_heartbeat_throttle_interval=timedelta(seconds=settings.heartbeat_seconds),
        default_heartbeat_throttle_interval=timedelta(seconds=settings.heartbeat_seconds),
    )


def _import_training_stack() -> None:
    """Imports torch and transformers before polling.

    Loading their native libraries holds the GIL for seconds; done inside the first activity it
    would starve the event loop that sends heartbeats, and a short heartbeat timeout would fire.
    """
    started = time.monotonic()
    from . import stage  # noqa: F401 - imported for its side effect: torch and transformers loaded

    log.info("training stack imported", seconds=round(time.monotonic() - started, 2))


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)


async def _stop_when_orphaned(stop: asyncio.Event, interval: float = 1.0) -> None:
    """Sets `stop` once the process that started this one has gone (we are re-parented)."""
    parent = os.getppid()
    while not stop.is_set():
        await asyncio.sleep(interval)
        if os.getppid() != parent:
            log.warning("parent process gone; stopping", parentPid=parent)
            stop.set()


async def connect(settings: TrainerSettings, attempts: int = 30) -> Client:
    """Connects to Temporal, retrying for about `attempts` seconds while the server starts."""
    for attempt in range(1, attempts + 1):
        try:
            return await Client.connect(
                settings.temporal_address, namespace=settings.temporal_namespace
            )
        except RuntimeError as error:
            if attempt == attempts:
                raise
            log.warning("temporal not reachable yet", address=settings.temporal_address,
                        attempt=attempt, error=str(error))  # fmt: skip
            await asyncio.sleep(1.0)
    raise AssertionError("unreachable")


async def serve(settings: TrainerSettings, stop: asyncio.Event | None = None) -> None:
    """Runs the worker until `stop` is set (by a signal when none is given)."""
    if stop is None:
        stop = asyncio.Event()
        _install_signal_handlers(stop)

    orphan_watch = (
        asyncio.create_task(_stop_when_orphaned(stop)) if settings.exit_with_parent else None
    )
    start_metrics_server(settings)
    _import_training_stack()
    client = await connect(settings)
    with ThreadPoolExecutor(max_workers=settings.max_concurrent + 1) as executor:
        worker = build_worker(client, settings, executor)
        log.info(
            "worker started",
            address=settings.temporal_address,
            namespace=settings.temporal_namespace,
            taskQueue=settings.task_queue,
            maxConcurrent=settings.max_concurrent,
            pid=os.getpid(),
        )
        running = asyncio.create_task(worker.run())

        await _wait_for_stop_or_exit(stop, running)
        log.info("worker stopping", graceSeconds=settings.grace_seconds)
        await worker.shutdown()
        await running
    if orphan_watch is not None:
        orphan_watch.cancel()
    log.info("worker stopped")


async def _wait_for_stop_or_exit(stop: asyncio.Event, running: asyncio.Task[None]) -> None:
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({stopping, running}, return_when=asyncio.FIRST_COMPLETED)
    if running in done:
        stopping.cancel()
        running.result()  # re-raises a worker failure
