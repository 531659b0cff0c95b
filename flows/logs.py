"""Secrets never reach the logs: tokens, API keys, passwords and Authorization headers are
redacted from every log record of the process (any logger, any handler, Prefect's too).

`install()` (idempotent) wraps the logging record factory, so a record is cleaned when it
is made, before any handler formats or ships it (Prefect sends run logs to its API).
`RedactingFilter` does the same for a single handler. Values of environment variables whose
names look secret (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*API_KEY*`, ...) are redacted too.
"""

from __future__ import annotations

import logging
import os
import re

MASK = "[REDACTED]"
_SECRET_NAME = re.compile(r"(?i)(token|secret|passw(or)?d|api[_-]?key|credential|auth)")
_PATTERNS = [
    # Authorization / Proxy-Authorization headers, in dict reprs or raw header text
    (
        re.compile(
            r"(?i)((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)(?:bearer|basic|token)?\s*"
            r"[^'\"\s,}]+"
        ),
        r"\1" + MASK,
    ),
    # key=value / "key": "value" for secret-looking keys (query strings, JSON, kwargs)
    (
        re.compile(
            r"(?i)(\b[\w-]*(?:token|secret|passw(?:or)?d|api[_-]?key|apikey|client[_-]?"
            r"secret|access[_-]?key)[\w-]*['\"]?\s*[:=]\s*['\"]?)[^'\"\s&,}]+"
        ),
        r"\1" + MASK,
    ),
    # credentials inside URLs: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@"), r"\1" + MASK + "@"),
    # well-known token shapes (GitHub, Prefect Cloud, Slack, JWT)
    (
        re.compile(
            r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|pnu_[A-Za-z0-9]{20,}|xox[abpr]-[\w-]{10,}|"
            r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,})"
        ),
        MASK,
    ),
]


def _secret_values() -> list[str]:
    return sorted(
        (v for k, v in os.environ.items() if _SECRET_NAME.search(k) and len(v) >= 8),
        key=len,
        reverse=True,
    )


def redact(text: str) -> str:
    """`text` with anything that looks like a secret replaced by [REDACTED]."""
    for value in _secret_values():
        text = text.replace(value, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def _clean(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to logging's own error path
        return record
    cleaned = redact(message)
    if cleaned != message or record.args:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    return record


class RedactingFilter(logging.Filter):
    """A handler or logger filter that redacts secrets from each record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _clean(record)
        return True


_installed = False


def install() -> None:
    """Redact every log record made in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _clean(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
