"""The audit log: append-only JSON lines, newest first, safe with several writers."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from kb import audit
from kb.settings import Settings

ROOT = Path(__file__).parent.parent

# Each writer says it is ready, then waits for "go", so both really append at the same time.
WRITER = """
import sys, time
from pathlib import Path
from kb import audit
from kb.settings import Settings

log, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
settings = Settings(audit_file=log)
(log.parent / f"ready-{name}").touch()
for _ in range(1200):
    if (log.parent / "go").exists():
        break
    time.sleep(0.05)
for n in range(count):
    audit.record(settings, sys.argv[2], "add_document", f"doc-{n}.md", "x" * (n % 300))
"""


def test_entries_are_read_back_newest_first(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "store")
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    audit.record(settings, "alice", "add_document", "corpus/a.md", "3 chunks", now=start)
    audit.record(
        settings, "bob", "remove_document", "corpus/a.md", now=start + timedelta(minutes=1)
    )
    audit.record(settings, "alice", "add_feed", "https://example.org/feed.xml")

    path = tmp_path / "store" / "audit.jsonl"
    assert settings.audit_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entries = audit.read(settings)
    assert [(e.user, e.action) for e in entries] == [
        ("alice", "add_feed"),
        ("bob", "remove_document"),
        ("alice", "add_document"),
    ]
    assert entries[2].detail == "3 chunks" and entries[2].target == "corpus/a.md"
    assert entries[2].time == "2026-12-01T09:00:00.000+00:00"
    assert datetime.fromisoformat(entries[0].time).utcoffset() == timedelta(0)
    assert [e.action for e in audit.read(settings, limit=1)] == ["add_feed"]


def test_times_are_stored_in_utc(tmp_path: Path) -> None:
    settings = Settings(audit_file=tmp_path / "a.jsonl")
    paris = timezone(timedelta(hours=1))
    entry = audit.record(
        settings, "a", "add_document", "x", now=datetime(2026, 12, 1, 10, 0, tzinfo=paris)
    )
    assert entry.time == "2026-12-01T09:00:00.000+00:00"


def test_each_entry_is_one_line_whatever_it_holds(tmp_path: Path) -> None:
    settings = Settings(audit_file=tmp_path / "logs" / "audit.jsonl")
    audit.record(settings, "eve", "add_document", 'evil\n{"user": "admin"}\r\n', "ünïcode\u2028")
    lines = (tmp_path / "logs" / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 1
    (entry,) = audit.read(settings)
    assert entry.user == "eve" and entry.target == 'evil\n{"user": "admin"}\r\n'
    assert entry.detail == "ünïcode\u2028"


def test_a_missing_log_is_empty_and_damaged_lines_are_passed_over(tmp_path: Path) -> None:
    settings = Settings(audit_file=tmp_path / "audit.jsonl")
    assert audit.read(settings) == []
    audit.record(settings, "a", "add_document", "one")
    with open(tmp_path / "audit.jsonl", "a") as handle:
        handle.write('{"time": "2026-12-01", "user": "b", "act\n')
    audit.record(settings, "c", "add_document", "two")
    assert [e.user for e in audit.read(settings)] == ["c", "a"]


def test_reading_from_the_end_across_block_boundaries(tmp_path: Path) -> None:
    settings = Settings(audit_file=tmp_path / "audit.jsonl")
    for n in range(40):
        audit.record(settings, f"user{n}", "add_document", f"doc-{n}", "d" * (n * 7))
    expected = [f"user{n}" for n in reversed(range(40))]
    for block in (1, 7, 64, 333, 1 << 20):
        lines = list(audit._lines_from_end(settings.audit_path(), block=block))
        assert [json.loads(line)["user"] for line in lines] == expected
    assert [e.user for e in audit.read(settings, limit=5)] == expected[:5]


def test_two_processes_appending_at_once_lose_and_tear_nothing(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    count = 2000
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log), name, str(count)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("app-1", "ingest-2")
    ]
    for _ in range(1200):
        if all((tmp_path / f"ready-{n}").exists() for n in ("app-1", "ingest-2")):
            break
        if any(proc.poll() is not None for proc in writers):
            break
        time.sleep(0.05)
    (tmp_path / "go").touch()
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err

    lines = log.read_text().splitlines()
    assert len(lines) == 2 * count
    entries = [json.loads(line) for line in lines]  # every line is whole, valid JSON
    for name in ("app-1", "ingest-2"):
        mine = [e["target"] for e in entries if e["user"] == name]
        assert mine == [f"doc-{n}.md" for n in range(count)]  # each writer's order kept
    assert len(audit.read(Settings(audit_file=log), limit=5000)) == 2 * count
