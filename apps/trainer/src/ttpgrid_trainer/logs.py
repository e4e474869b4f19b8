"""Structured logging: a fixed message plus fields, one logger per module or class.

`log.info("epoch finished", epoch=2, loss=0.41)` prints `epoch finished epoch=2 loss=0.41`, or one
JSON object per line when TTPGRID_LOG_FORMAT=json. Info for lifecycle, warning when degrading or
giving up, error on failure; per-step noise goes to debug.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return json.dumps(text) if (" " in text or not text) else text


class _KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        head = (
            f"{self.formatTime(record)} {record.levelname:<5} {record.name}: {record.getMessage()}"
        )
        return f"{head}\n{self.formatException(record.exc_info)}" if record.exc_info else head


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": getattr(record, "event", record.getMessage()),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class EventLogger:
    """A thin wrapper over `logging.Logger` that takes structured fields as keywords."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def _emit(self, level: int, message: str, fields: dict[str, Any], exc_info: bool) -> None:
        if not self._logger.isEnabledFor(level):
            return
        # The text line carries the fields too, so any handler (pytest's included) shows them.
        pairs = " ".join(f"{key}={_format_value(value)}" for key, value in fields.items())
        text = f"{message} {pairs}" if pairs else message
        extra = {"fields": fields, "event": message}
        self._logger.log(level, "%s", text, extra=extra, exc_info=exc_info)

    def debug(self, message: str, **fields: Any) -> None:
        self._emit(logging.DEBUG, message, fields, False)

    def info(self, message: str, **fields: Any) -> None:
        self._emit(logging.INFO, message, fields, False)

    def warning(self, message: str, **fields: Any) -> None:
        self._emit(logging.WARNING, message, fields, False)

    def error(self, message: str, *, exc_info: bool = False, **fields: Any) -> None:
        self._emit(logging.ERROR, message, fields, exc_info)


def get_logger(name: str) -> EventLogger:
    return EventLogger(name)


def configure_logging(level: str | None = None) -> None:
    """Sends logs to stderr (stdout stays free for --json results)."""
    handler = logging.StreamHandler(sys.stderr)
    json_format = os.environ.get("TTPGRID_LOG_FORMAT", "text") == "json"
    handler.setFormatter(_JsonFormatter() if json_format else _KeyValueFormatter())

    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("TTPGRID_LOG_LEVEL", "INFO").upper())
    # The Temporal SDK and Hugging Face are chatty at info.
    logging.getLogger("temporalio").setLevel(logging.WARNING)
    logging.getLogger("transformers").setLevel(logging.ERROR)
