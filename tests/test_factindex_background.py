"""The fact index after an upgrade, or missing on a large store: readers answer at once (from
the file they have, or without facts) while one background thread rebuilds it and swaps it
in; `kb stats --json` says which; an ingest that adds nothing brings it current. Real Chroma
stores of the invented market articles (tests/data/market), the real extractor."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from kb import factstore
from kb.__main__ import main as kb_main
from kb.engine import KnowledgeBase
from kb.factfields import EXTRACTOR_VERSION
from kb.factstore import SCHEMA_VERSION, FactIndex, FactQuery
from kb.lock import WriteLock, lock_path
from kb.marketfacts import KINDS
from kb.settings import Settings
from kb.store import ChromaStore

DATA = Path(__file__).parent / "data" / "market"
ROOT = Path(__file__).parent.parent
OLD_SCHEMA = f"2.{EXTRACTOR_VERSION - 1}"
EVERY = FactQuery(kinds=KINDS, include_unconfirmed=True)  # the index's kinds (not rankings)


@pytest.fixture
def store(tmp_path: Path, real_embedder) -> Settings:
    """A store of the market articles, ingested now (each test changes its fact file)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=corpus, chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(corpus)])
    assert not report.failed, report.failed
    return settings


@pytest.fixture
def held(monkeypatch) -> Iterator[threading.Event]:
    """Background rebuilds wait at their start until the test sets the event (at most 60 s),
    so a test sees readers answer while one runs; the rebuild itself is the real one."""
    release = threading.Event()
    real = factstore.extracted

    def waiting(store, live):  # noqa: ANN001, ANN202
        release.wait(60)
        yield from real(store, live)

    monkeypatch.setattr(factstore, "extracted", waiting)
    yield release
    release.set()


def age(settings: Settings, *, schema: str = OLD_SCHEMA, revision_back: int = 0) -> None:
    """Make the fact file look written by an older release (its texts marked "Old: ")."""
    with sqlite3.connect(settings.facts_path()) as conn:
        conn.execute("UPDATE facts SET text = 'Old: ' || text")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (schema,))
        conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE key = 'revision'",
            (revision_back,),
        )


def finish_rebuild(settings: Settings, release: threading.Event | None = None) -> None:
    thread = factstore.rebuild_thread(settings.facts_path())
    assert thread is not None, "no background rebuild was started"
    if release is not None:
        release.set()
    thread.join(60)
    assert not thread.is_alive()


def stats_json(settings: Settings, capsys) -> dict:  # noqa: ANN001
    capsys.readouterr()
    assert kb_main(["stats", "--json", "--store", str(settings.store_dir)]) == 0
    return json.loads(capsys.readouterr().out)["fact_index"]


def texts(facts) -> list[str]:  # noqa: ANN001
    return [f.text for f in facts]


@pytest.mark.parametrize("older", ["extractor", "revision"])
def test_an_older_index_answers_at_once_and_is_swapped_for_a_rebuilt_one(
    store, real_embedder, held, capsys, caplog, older
):
    kb = KnowledgeBase(store, real_embedder)
    ingested = [f.to_json() for f in kb.facts(EVERY)]
    assert ingested
    if older == "extractor":
        age(store)
    else:
        age(store, schema=SCHEMA_VERSION, revision_back=1)
    stamp = FactIndex.stamp(store.facts_path())
    assert stamp is not None
    caplog.set_level(logging.INFO, logger="kb.factstore")

    kb = KnowledgeBase(store, real_embedder)
    stale = kb.facts(EVERY)  # answered while the rebuild waits: the old rows
    assert len(stale) == len(ingested)
    assert all(t.startswith("Old: ") for t in texts(stale))
    assert stats_json(store, capsys) == {
        "state": "rebuilding",
        "schema": stamp[1],
        "revision": stamp[0],
    }

    finish_rebuild(store, held)
    revision = ChromaStore(store).revision
    assert FactIndex.stamp(store.facts_path()) == (revision, SCHEMA_VERSION)
    # the same engine, the same store view: its readers now read the new file
    assert [f.to_json() for f in kb.facts(EVERY)] == ingested
    assert stats_json(store, capsys) == {
        "state": "current",
        "schema": SCHEMA_VERSION,
        "revision": revision,
    }
    logged = [r.getMessage() for r in caplog.records if r.name == "kb.factstore"]
    assert any("rebuilding from Chroma in the background" in m for m in logged), logged
    assert any("background rebuild done" in m for m in logged), logged


def test_a_busy_write_lock_means_no_rebuild_and_no_crash(store, real_embedder, capsys):
    age(store)
    with WriteLock(lock_path(store), timeout=0):  # as an ingest holds it
        kb = KnowledgeBase(store, real_embedder)
        stale = kb.facts(EVERY)
        finish_rebuild(store)
        assert stale and all(t.startswith("Old: ") for t in texts(kb.facts(EVERY)))
    assert FactIndex.stamp(store.facts_path()) == (ChromaStore(store).revision, OLD_SCHEMA)
    assert stats_json(store, capsys)["state"] == "stale"


def test_a_large_store_without_a_fact_file_answers_without_facts_until_built(
    store, real_embedder, held, capsys, monkeypatch
):
    ingested = [f.to_json() for f in KnowledgeBase(store, real_embedder).facts(EVERY)]
    store.facts_path().unlink()
    monkeypatch.setattr(factstore, "INLINE_BUILD_CHUNKS", 1)  # this store counts as large
    kb = KnowledgeBase(store, real_embedder)
    assert kb.facts(EVERY) == []
    assert stats_json(store, capsys) == {"state": "rebuilding", "schema": None, "revision": None}
    finish_rebuild(store, held)
    assert [f.to_json() for f in kb.facts(EVERY)] == ingested
    assert stats_json(store, capsys)["state"] == "current"


def test_kb_stats_json_reports_a_stale_fact_index(store):
    age(store)
    done = subprocess.run(
        [sys.executable, "-m", "kb", "stats", "--json", "--store", str(store.store_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    revision = ChromaStore(store).revision
    assert json.loads(done.stdout)["fact_index"] == {
        "state": "stale",
        "schema": OLD_SCHEMA,
        "revision": revision,
    }


@pytest.mark.parametrize("command", [[], ["--if-empty"]], ids=["plain", "if-empty"])
def test_an_ingest_that_adds_nothing_brings_an_old_index_current(store, real_embedder, command):
    ingested = [f.to_json() for f in KnowledgeBase(store, real_embedder).facts(EVERY)]
    age(store)
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(store.corpus_dir), "--store", str(store.store_dir)]
        + ["--quiet", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    if command:
        assert "fact index was brought up to date" in done.stdout
    else:
        assert "0 added, 0 updated" in done.stdout
    revision = ChromaStore(store).revision
    assert FactIndex.stamp(store.facts_path()) == (revision, SCHEMA_VERSION)
    documents = ChromaStore(store).documents().values()
    live = {r.doc_id: r.content_hash for r in documents if r.status == "stored"}
    rows = FactIndex(store.facts_path()).select(EVERY, live)
    assert sorted(json.dumps(f.to_json(), sort_keys=True) for f in rows) == sorted(
        json.dumps(f, sort_keys=True) for f in ingested
    )


def test_a_question_from_the_command_line_answers_and_leaves_no_temporary_file(store):
    """`kb ask` on an old index answers from it; the rebuild it starts either finishes or is
    cut short at exit, and the next rebuild sweeps what a killed one left."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    leftover = store.facts_path().parent / f".facts-{gone.stdout.strip()}-killed.sqlite"
    leftover.write_bytes(b"half a rebuild")
    age(store)
    done = subprocess.run(
        [sys.executable, "-m", "kb", "ask", "Which companies raised money?"]
        + ["--store", str(store.store_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert not list(store.facts_path().parent.glob(".facts-*"))
