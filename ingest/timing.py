"""Seconds per ingest stage, for the benchmark: where an ingest's time goes.

A `StageTimer` is made current for a thread while an ingest runs there; code anywhere on that
thread marks its work with `stage(name)`, which costs nothing when no timer is current.
`switch_stage(name)` moves on to the next stage without a block.
Stages nest exclusively: time inside an inner stage (entity recognition while chunking) is
counted for the inner one only. The parse-ahead thread and the embedding thread run at the
same time, so the stages' seconds add up to more than the wall time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

STAGES = ("parse", "chunk", "extract", "embed", "write", "index")

_current = threading.local()


class StageTimer:
    """Accumulates seconds per stage across threads."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    @contextmanager
    def current(self) -> Iterator[StageTimer]:
        """Make this the timer that `stage()` on this thread reports to."""
        previous = getattr(_current, "timer", None)
        _current.timer, _current.stack = self, []
        try:
            yield self
        finally:
            _current.timer, _current.stack = previous, []


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time of this block as `name` on the current thread's timer, if any."""
    timer: StageTimer | None = getattr(_current, "timer", None)
    if timer is None:
        yield
        return
    stack: list[list] = _current.stack
    now = time.perf_counter()
    if stack:  # pause the enclosing stage
        outer = stack[-1]
        timer.add(outer[0], now - outer[1])
    frame: list[Any] = [name, now]
    stack.append(frame)
    try:
        yield
    finally:
        end = time.perf_counter()
        stack.pop()
        timer.add(frame[0], end - frame[1])  # the name switch_stage gave it last, if any
        if stack:
            stack[-1][1] = end  # resume it


def switch_stage(name: str) -> None:
    """End the current thread's innermost stage here and count what follows as `name`."""
    timer: StageTimer | None = getattr(_current, "timer", None)
    if timer is None or not _current.stack:
        return
    frame, now = _current.stack[-1], time.perf_counter()
    timer.add(frame[0], now - frame[1])
    frame[0], frame[1] = name, now
