"""Atomic file writes, so a report is either the old file or the complete new one."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger(__name__)


def write_atomic(path: Path, writer: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` through ``writer`` into a temporary file, then rename it into place.

    The temporary file lives in the same folder so that :func:`os.replace` is a rename on
    one file system. On any exception the temporary file is removed, ``path`` keeps its
    old content (or stays absent), and the exception propagates.
    """
    descriptor, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            writer(stream)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file with mode 0600. Reports are shared artifacts, so they get
        # the mode that a plain open() would give, under the process umask.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    _sync_folder(path.parent)


def _current_umask() -> int:
    # NOTE: Python can only read the umask by setting it, so a file that another thread
    # creates between these two calls ignores the umask. The CLI writes reports from one thread.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of the rename to disk where the platform allows it."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        logger.debug("failed to open folder %s to sync the rename: %s", folder, exc)
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:
        logger.debug("failed to sync folder %s: %s", folder, exc)
    finally:
        os.close(descriptor)
