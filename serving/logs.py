"""Structured JSON logs that never carry free text or identifiers.

Only whitelisted fields leave the process: a log call may pass anything in ``extra``, but
the formatter keeps the message, the level, the logger and the fields listed below.
"""

from __future__ import annotations

import json
import logging
import sys

SAFE_FIELDS = (
    "method",
    "route",
    "status",
    "duration_ms",
    "key_id",
    "role",
    "count",
    "model",
    "version",
    "error",
    "reason",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in SAFE_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            # The exception's type only: its message or traceback may quote personal data.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("aiguillage")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
