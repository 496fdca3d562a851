"""Diagnostics on standard error: map -v and -q to levels of the ``checker`` logger."""

from __future__ import annotations

import logging
from typing import TextIO

from checker.i18n import _

_LEVELS = {-2: logging.CRITICAL, -1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


class _PrefixFormatter(logging.Formatter):
    """Write ``warning: message`` lines, the form compilers and linters use."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            return _("error: %(message)s") % {"message": message}
        if record.levelno >= logging.WARNING:
            return _("warning: %(message)s") % {"message": message}
        if record.levelno <= logging.DEBUG:
            return f"debug: {record.name}: {message}"
        return message


def configure_logging(verbosity: int, stream: TextIO) -> logging.Handler:
    """Send the ``checker`` logger to ``stream`` at the level ``verbosity`` selects.

    ``verbosity`` is the count of ``-v`` minus the count of ``-q``. Returns the handler so
    that the caller can remove it when the run ends.
    """
    level = _LEVELS[max(-2, min(2, verbosity))]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_PrefixFormatter())
    logger = logging.getLogger("checker")
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return handler


def remove_logging(handler: logging.Handler) -> None:
    """Detach a handler added by :func:`configure_logging`."""
    logging.getLogger("checker").removeHandler(handler)
