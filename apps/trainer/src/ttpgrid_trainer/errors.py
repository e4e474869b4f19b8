"""Failures the TypeScript workflows can act on, as Temporal application errors.

Non-retryable types mean "the same input will fail again": fix the spec rather than retry.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ApplicationError

BAD_SPEC = "BadSpec"
ENCODER_UNAVAILABLE = "EncoderUnavailable"
EMPTY_DATASET = "EmptyDataset"
UNKNOWN_LABEL = "UnknownLabel"
ARTIFACT_MISSING = "ArtifactMissing"
WORKER_SHUTDOWN = "WorkerShutdown"
STAGE_BUSY = "StageBusy"
RESULT_TOO_LARGE = "ResultTooLarge"


def non_retryable(error_type: str, message: str, **details: object) -> ApplicationError:
    if details:
        return ApplicationError(message, details, type=error_type, non_retryable=True)
    return ApplicationError(message, type=error_type, non_retryable=True)


def bad_spec(message: str) -> ApplicationError:
    return non_retryable(BAD_SPEC, message)


# A stopping worker's in-flight polls can still receive the immediate retry and fail it again; the
# delay lets that worker exit first so the retry lands on a live one.
WORKER_SHUTDOWN_RETRY_DELAY = timedelta(seconds=10)


def worker_shutdown(message: str) -> ApplicationError:
    """Retryable: another worker (or this one, restarted) resumes from the last checkpoint."""
    return ApplicationError(
        message,
        type=WORKER_SHUTDOWN,
        non_retryable=False,
        next_retry_delay=WORKER_SHUTDOWN_RETRY_DELAY,
    )


def stage_busy(message: str) -> ApplicationError:
    """Retryable: the attempt this one replaces has not stopped yet."""
    return ApplicationError(
        message, type=STAGE_BUSY, non_retryable=False, next_retry_delay=timedelta(seconds=30)
    )
