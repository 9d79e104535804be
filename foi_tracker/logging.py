"""Log records as JSON lines, for a log collector (FOI_LOG_FORMAT=json)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# The attributes every LogRecord has; anything else on a record came from `extra=`.
STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extras and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """What the caller added with `extra=`; Django's request object becomes its method and path."""
    fields: dict[str, Any] = {}
    for name, value in record.__dict__.items():
        if name in STANDARD_ATTRIBUTES or name.startswith("_"):
            continue
        if name == "request":
            fields["method"] = getattr(value, "method", None)
            fields["path"] = getattr(value, "path", None)
            continue
        fields[name] = value if _is_json(value) else str(value)
    return fields


def _is_json(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)
