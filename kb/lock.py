"""One writer at a time: an advisory file lock beside the store."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from kb.errors import StoreBusyError
from kb.settings import Settings


class WriteLock:
    """Exclusive lock on `path`; waits up to `timeout` seconds, then refuses.

    The operating system releases it when the process dies, so a killed ingest never leaves
    the store locked.
    """

    def __init__(
        self, path: Path, timeout: float = 600.0, on_wait: Callable[[], None] | None = None
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.on_wait = on_wait
        self._fd: int | None = None

    def __enter__(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not warned and self.on_wait:
                    self.on_wait()
                    warned = True
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreBusyError(
                        f"Another ingest is writing to this store (lock {self.path}).",
                        "Wait for it to finish and run the command again.",
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lock_path(settings: Settings) -> Path:
    """The write lock of the store the settings point at: beside it, or for a Chroma server
    beside (never inside) the keyword index folder, which a save replaces whole."""
    if settings.chroma_url:
        keyword = Path(settings.keyword_dir())
        return keyword.with_name(f"{keyword.name}-ingest.lock")
    return Path(settings.store_dir) / "ingest.lock"
