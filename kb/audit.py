"""The audit log: who added, updated or removed which document or feed, and when.

One JSON object per line in `Settings.audit_path()` (default `<store_dir>/audit.jsonl`), only
ever appended to. Each entry is written with a single `write` on a descriptor opened with
`O_APPEND`, so entries from several processes (two apps and an ingest) never interleave inside
a line. JSON escapes newlines, so an entry is always exactly one line.

Actions are short verbs on a target, e.g. `add_document`, `update_document`,
`remove_document`, `add_feed`, `remove_feed`; the target is the document's source or the
feed's URL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.errors import ConfigError
from kb.settings import Settings

# A detail is a note (a title, a chunk count), not a document: keep every line small.
MAX_FIELD = 2000
_BLOCK = 64 * 1024


@dataclass(frozen=True)
class AuditEntry:
    """One thing someone did. `time` is ISO 8601 in UTC."""

    time: str
    user: str
    action: str
    target: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def record(
    settings: Settings,
    user: str,
    action: str,
    target: str,
    detail: str = "",
    *,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    entry = AuditEntry(
        time=moment.isoformat(timespec="milliseconds"),
        user=str(user)[:MAX_FIELD],
        action=str(action)[:MAX_FIELD],
        target=str(target)[:MAX_FIELD],
        detail=str(detail)[:MAX_FIELD],
    )
    line = (json.dumps(entry.to_json(), ensure_ascii=True) + "\n").encode("ascii")
    path = settings.audit_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigError(
            f"Cannot open the audit log {path}: {exc.strerror}.",
            "Check the folder's permissions, or set KB_AUDIT_FILE to a writable file.",
        ) from exc
    try:
        written = os.write(fd, line)
    finally:
        os.close(fd)
    if written != len(line):  # a full disk; a second write could interleave with another writer
        raise OSError(f"audit log {path}: wrote {written} of {len(line)} bytes")
    return entry


def read(settings: Settings, limit: int = 200) -> list[AuditEntry]:
    """The newest `limit` entries, newest first. Reads the file from its end, so a long log
    costs no more than the entries asked for; a damaged line is passed over."""
    entries: list[AuditEntry] = []
    for line in _lines_from_end(settings.audit_path()):
        if len(entries) >= limit:
            break
        try:
            data = json.loads(line)
            entries.append(
                AuditEntry(
                    time=data["time"],
                    user=data["user"],
                    action=data["action"],
                    target=data["target"],
                    detail=data.get("detail", ""),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def _lines_from_end(path: Path, block: int = _BLOCK) -> Iterator[str]:
    """The file's non-empty lines, last first, reading `block` bytes at a time."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except FileNotFoundError:
        return
    try:
        position = handle.seek(0, os.SEEK_END)
        tail = b""
        while position > 0:
            step = min(block, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            parts = tail.split(b"\n")
            tail = parts[0]  # may be the end of a line that starts in an earlier block
            for part in reversed(parts[1:]):
                if part.strip():
                    yield part.decode("utf-8", errors="replace")
        if tail.strip():
            yield tail.decode("utf-8", errors="replace")
    finally:
        handle.close()
