"""Market facts in SQLite: filtered, sorted and counted with SQL, kept in step with Chroma.

The facts are an index derived from the chunks in Chroma, like the keyword index: a writer
updates it at the end of each ingest and stamps it with the store's revision; a reader whose
file is missing, unreadable or from another revision rebuilds it from the chunks (so a Chroma
server deployment needs nothing but the server). Rows carry the document's content hash, and
readers keep only the rows of the version their store view holds live, so a reader never
cites a fact of a version that is gone.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.entities import entity_key
from kb.errors import StoreBusyError
from kb.lock import WriteLock
from kb.types import Chunk

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    date TEXT,
    dated_by TEXT NOT NULL DEFAULT '',
    modality TEXT NOT NULL DEFAULT 'stated',
    doc_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    published TEXT,
    publisher TEXT,
    page INTEGER,
    text TEXT NOT NULL,
    start INTEGER NOT NULL DEFAULT -1,
    fields TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    amount REAL,
    unit TEXT,
    status TEXT,
    region TEXT
);
CREATE INDEX IF NOT EXISTS facts_kind_date ON facts (kind, date);
CREATE INDEX IF NOT EXISTS facts_doc ON facts (doc_id);
CREATE TABLE IF NOT EXISTS fact_entities (
    fact_id INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fact_entities_key ON fact_entities (key);
CREATE INDEX IF NOT EXISTS fact_entities_fact ON fact_entities (fact_id);
"""

# the numeric field each kind is sorted and summed by, and the field naming its subject
_AMOUNT_FIELD = {
    "funding": "amount",
    "investment": "amount",
    "acquisition": "amount",
    "legal": "amount",
    "price": "value",
}


@dataclass(frozen=True)
class StoredFact:
    """A market fact as the index holds it. `chunk` is a stand-in (no text) carrying the
    document's metadata and the chunk id, which the engine fetches before citing."""

    kind: str
    date: str | None
    dated_by: str
    modality: str
    entities: tuple[str, ...]
    fields: Mapping[str, Any]
    chunk: Chunk
    text: str  # the sentence or table row that states it
    start: int
    id: int = 0

    @property
    def source(self) -> str:
        return self.chunk.source

    def about(self, key: str) -> bool:
        """Whether an entity with this key (or a family name: "gemini") is among its
        entities."""
        return bool(key) and any(
            entity_key(name) == key or entity_key(name).startswith(key) for name in self.entities
        )

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "date": self.date,
            "entities": list(self.entities),
            "fields": dict(self.fields),
            "modality": self.modality,
            "source": self.chunk.source,
            "title": self.chunk.title,
            "published": self.chunk.published,
            "page": self.chunk.page,
            "text": self.text,
        }


@dataclass
class FactQuery:
    """What to select: every condition is optional."""

    kinds: tuple[str, ...] = ()
    entity: str | None = None  # a name; matched by entity key, families included
    since: str | None = None  # ISO date or prefix ("2026", "2026-03")
    until: str | None = None
    sources: tuple[str, ...] = ()
    include_unconfirmed: bool = False  # forecasts and rumours
    extra: dict[str, Any] = field(default_factory=dict)


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _row_values(fact: Any, content_hash: str) -> tuple:
    fields = dict(fact.fields)
    chunk: Chunk = fact.chunk
    entities = [e for e in fact.entities if e]
    return (
        fact.kind,
        fact.date,
        fact.dated_by or "",
        fact.modality or "stated",
        chunk.doc_id,
        content_hash or chunk.content_hash,
        chunk.chunk_id,
        chunk.index,
        chunk.source,
        chunk.title,
        chunk.published,
        chunk.publisher,
        chunk.page,
        fact.text,
        fact.start,
        json.dumps(fields, default=str, separators=(",", ":")),
        entity_key(entities[0]) if entities else "",
        _number(fields.get(_AMOUNT_FIELD.get(fact.kind, ""))),
        fields.get("unit") or None,
        fields.get("status") or None,
        fields.get("region") or None,
    )


_INSERT = (
    "INSERT INTO facts (kind, date, dated_by, modality, doc_id, content_hash, chunk_id, "
    "chunk_index, source, title, published, publisher, page, text, start, fields, subject, "
    "amount, unit, status, region) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _insert(conn: sqlite3.Connection, facts: Iterable[Any], content_hash: str) -> int:
    n = 0
    for fact in facts:
        cur = conn.execute(_INSERT, _row_values(fact, content_hash))
        fact_id = cur.lastrowid
        names = list(dict.fromkeys(e for e in fact.entities if e))
        conn.executemany(
            "INSERT INTO fact_entities (fact_id, key, name, position) VALUES (?,?,?,?)",
            [(fact_id, entity_key(name), name, i) for i, name in enumerate(names)],
        )
        n += 1
    return n


class FactIndex:
    """The fact database of one store (a file beside the keyword index)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    # --- reading -------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
        return conn

    @staticmethod
    def stamp(path: Path) -> tuple[int, str] | None:
        """(revision, schema version) of the file, or None when it is missing or unreadable."""
        if not Path(path).is_file():
            return None
        try:
            with closing(_connect(path)) as conn:
                rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            return int(rows["revision"]), rows.get("schema", "")
        except (sqlite3.Error, KeyError, ValueError):
            return None

    @property
    def revision(self) -> int | None:
        stamp = self.stamp(self.path)
        return stamp[0] if stamp and stamp[1] == SCHEMA_VERSION else None

    def select(self, query: FactQuery, live: Mapping[str, str] | None = None) -> list[StoredFact]:
        """Facts matching `query`, oldest first; with `live` (doc_id -> content hash), only
        those of the live version of each document."""
        where: list[str] = ["1=1"]
        args: list[Any] = []
        if query.kinds:
            where.append(f"f.kind IN ({','.join('?' * len(query.kinds))})")
            args.extend(query.kinds)
        if not query.include_unconfirmed:
            where.append("f.modality = 'stated'")
        if query.entity:
            key = entity_key(query.entity)
            where.append(
                "f.id IN (SELECT fact_id FROM fact_entities "
                "WHERE key = ? OR key LIKE ? ESCAPE '\\')"
            )
            like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args.extend([key, like])
        if query.since:
            where.append("f.date >= ?")
            args.append(query.since)
        if query.until:
            where.append("substr(f.date, 1, ?) <= ?")
            args.extend([len(query.until), query.until])
        if query.sources:
            where.append(f"f.source IN ({','.join('?' * len(query.sources))})")
            args.extend(query.sources)
        sql = (
            "SELECT f.id, f.kind, f.date, f.dated_by, f.modality, f.doc_id, f.content_hash, "
            "f.chunk_id, f.chunk_index, f.source, f.title, f.published, f.publisher, f.page, "
            "f.text, f.start, f.fields FROM facts f WHERE "
            + " AND ".join(where)
            + " ORDER BY f.date IS NULL, f.date, f.source, f.chunk_index, f.start, f.id"
        )
        try:
            conn = self._reader()
            rows = conn.execute(sql, args).fetchall()
            ids = [r[0] for r in rows]
            names: dict[int, list[str]] = {}
            for start in range(0, len(ids), 900):
                part = ids[start : start + 900]
                for fact_id, name in conn.execute(
                    "SELECT fact_id, name FROM fact_entities WHERE fact_id IN "
                    f"({','.join('?' * len(part))}) ORDER BY fact_id, position",
                    part,
                ):
                    names.setdefault(fact_id, []).append(name)
        except sqlite3.Error as exc:
            log.warning("could not read the fact index %s: %s", self.path, exc)
            return []
        out = []
        for r in rows:
            (fid, kind, date, dated_by, modality, doc_id, content_hash, chunk_id, index) = r[:9]
            source, title, published, publisher, page, text, start, fields = r[9:]
            if live is not None and live.get(doc_id) != content_hash:
                continue
            chunk = Chunk(
                chunk_id=chunk_id,
                doc_id=doc_id,
                index=index,
                text="",
                start=0,
                end=0,
                source=source,
                title=title,
                published=published,
                publisher=publisher,
                page=page,
                content_hash=content_hash,
            )
            out.append(
                StoredFact(
                    kind=kind,
                    date=date,
                    dated_by=dated_by,
                    modality=modality,
                    entities=tuple(names.get(fid, ())),
                    fields=json.loads(fields),
                    chunk=chunk,
                    text=text,
                    start=start,
                    id=fid,
                )
            )
        return out

    def counts(self, live: Mapping[str, str] | None = None) -> dict[str, int]:
        """Stated facts per kind."""
        out: dict[str, int] = {}
        for f in self.select(FactQuery(), live):
            out[f.kind] = out.get(f.kind, 0) + 1
        return out

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(_connect(self.path)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            with conn:
                yield conn

    def apply(
        self,
        changed: Mapping[str, tuple[str, Sequence[Any]]],
        live: Mapping[str, str],
        revision: int,
        touched: Iterable[str] | None = None,
    ) -> None:
        """One transaction: the facts of `changed` documents (doc_id -> (content hash,
        facts)) replace their older rows, rows of versions no longer live go, and the index
        is stamped with `revision`. With `touched` (the documents whose live version may
        have changed since the index's revision) only their rows are checked against `live`,
        so one article's update does not scan every fact."""
        with self._writer() as conn:
            for doc_id, (content_hash, facts) in changed.items():
                conn.execute(
                    "DELETE FROM facts WHERE doc_id = ? AND content_hash = ?",
                    (doc_id, content_hash),
                )
                _insert(conn, facts, content_hash)
            if touched is None:
                stored = conn.execute("SELECT DISTINCT doc_id, content_hash FROM facts").fetchall()
            else:
                stored = [
                    row
                    for doc_id in dict.fromkeys(touched)
                    for row in conn.execute(
                        "SELECT DISTINCT doc_id, content_hash FROM facts WHERE doc_id = ?",
                        (doc_id,),
                    )
                ]
            gone = [(d, h) for d, h in stored if live.get(d) != h]
            conn.executemany("DELETE FROM facts WHERE doc_id = ? AND content_hash = ?", gone)
            _stamp(conn, revision)

    def replace_all(self, documents: Iterable[tuple[str, Sequence[Any]]], revision: int) -> None:
        """Write a fresh index (content hash, facts per document) and swap it in atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-", suffix=".sqlite")
        os.close(fd)
        try:
            with closing(_connect(tmp)) as conn:
                conn.executescript(_SCHEMA)
                with conn:
                    for content_hash, facts in documents:
                        _insert(conn, facts, content_hash)
                    _stamp(conn, revision)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        self._local = threading.local()


def _stamp(conn: sqlite3.Connection, revision: int) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("revision", str(revision)), ("schema", SCHEMA_VERSION)],
    )


def document_chunks(store: Any, live: Mapping[str, str]) -> Iterator[list[Chunk]]:
    """The chunks of each live document version in Chroma, in order (for a rebuild)."""
    from kb.store import chunk_from_record

    by_doc: dict[str, list[Chunk]] = {}
    for ids, texts, metas in store.iter_chunks():
        for chunk_id, text, meta in zip(ids, texts, metas, strict=True):
            chunk = chunk_from_record(chunk_id, text, meta)
            if live.get(chunk.doc_id) == chunk.content_hash:
                by_doc.setdefault(chunk.doc_id, []).append(chunk)
    for chunks in by_doc.values():
        yield sorted(chunks, key=lambda c: c.index)


def extracted(store: Any, live: Mapping[str, str]) -> Iterator[tuple[str, list[Any]]]:
    """(content hash, facts) of every live document, extracted afresh from its chunks."""
    from kb.marketfacts import extract_facts

    for chunks in document_chunks(store, live):
        yield chunks[0].content_hash, extract_facts(chunks)


def load_or_build(
    store: Any, path: Path, live: Mapping[str, str], revision: int, lock_path: Path | None = None
) -> FactIndex:
    """The fact index at `revision`: the file when it is stamped so, else rebuilt from Chroma
    (saved only when no ingest holds the lock; otherwise kept in a private temporary file)."""
    index = FactIndex(path)
    if index.revision == revision:
        return index
    log.info("rebuilding the fact index from Chroma (revision %s)", revision)
    try:
        if lock_path is None:
            index.replace_all(extracted(store, live), revision)
            return index
        with WriteLock(lock_path, timeout=0):
            index.replace_all(extracted(store, live), revision)
            return index
    except StoreBusyError:
        pass  # an ingest is running: it writes the index for its own final revision
    except OSError as exc:  # a read-only store still answers from a private copy
        log.warning("could not save the fact index to %s: %s", path, exc)
    private = FactIndex(Path(tempfile.mkdtemp(prefix="kb-facts-")) / "facts.sqlite")
    private.replace_all(extracted(store, live), revision)
    return private
