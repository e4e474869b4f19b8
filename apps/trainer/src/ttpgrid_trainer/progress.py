"""Progress of a running stage: heartbeats from a side thread, cancellation at step boundaries.

Inside a Temporal activity a daemon thread heartbeats {epoch, step, loss} every few seconds, so a
stalled step (a long eval, a slow first CUDA kernel) does not look like a dead worker; the training
loop calls `check()` between steps, which stops the stage when Temporal cancels the activity or the
worker shuts down. Outside an activity (the debug CLI) both are no-ops.
"""

from __future__ import annotations

import contextvars
import fcntl
import threading
import time
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.exceptions import CancelledError

from .errors import stage_busy, worker_shutdown
from .logs import get_logger

log = get_logger(__name__)


class StageProgress:
    def __init__(self, interval_seconds: float) -> None:
        self.interval_seconds = interval_seconds
        self.in_activity = activity.in_activity()
        self._details: dict[str, Any] = {"epoch": 0, "step": 0, "loss": None}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def last_attempt_details(self) -> dict[str, Any] | None:
        """What the previous attempt heartbeated last, when this is a retry."""
        if not self.in_activity:
            return None
        details = activity.info().heartbeat_details
        return details[0] if details else None

    def attempt(self) -> int:
        return activity.info().attempt if self.in_activity else 1

    def update(self, **details: Any) -> None:
        with self._lock:
            self._details.update(details)

    def _beat_forever(self) -> None:
        while not self._stopped.wait(self.interval_seconds):
            with self._lock:
                details = dict(self._details)
            activity.heartbeat(details)

    def __enter__(self) -> StageProgress:
        if self.in_activity:
            # The activity context lives in a contextvar: the thread runs in a copy of it.
            context = contextvars.copy_context()
            self._thread = threading.Thread(
                target=context.run, args=(self._beat_forever,), name="heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval_seconds + 5)

    def check(self) -> None:
        """Raises when the activity was cancelled or the worker is shutting down."""
        if not self.in_activity:
            return
        if activity.is_cancelled():
            log.warning("stage cancelled", details=self._details)
            raise CancelledError("trainStage cancelled")
        if activity.is_worker_shutdown():
            log.warning("worker shutting down: stopping stage", details=self._details)
            raise worker_shutdown("worker shut down; retry resumes from the last epoch checkpoint")


class StageLock:
    """One training process per stage on this host (an exclusive flock in its resume folder).

    A retry that lands while the attempt it replaces is still stopping (it noticed a cancel or a
    timed-out heartbeat only at its next step) waits here, heartbeating, instead of training the
    same stage twice; after `wait_seconds` it gives up with a retryable StageBusy.
    """

    def __init__(self, folder: Path, progress: StageProgress, wait_seconds: float = 120.0) -> None:
        self.path = folder / ".lock"
        self.progress = progress
        self.wait_seconds = wait_seconds

    def __enter__(self) -> StageLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")  # held until __exit__
        deadline = time.monotonic() + self.wait_seconds
        while not self._try_lock():
            if time.monotonic() > deadline:
                self.handle.close()
                raise stage_busy(f"another process still trains this stage ({self.path})")
            log.warning("waiting for the previous attempt to stop", lock=str(self.path))
            self.progress.check()
            time.sleep(1.0)
        return self

    def _try_lock(self) -> bool:
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
