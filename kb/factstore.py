"""Market facts in SQLite: filtered, sorted and counted with SQL, kept in step with Chroma.

The facts are an index derived from the chunks in Chroma, like the keyword index: a writer
updates it at the end of each ingest and stamps it with the store's revision and the
extractor's version; a reader whose file is missing, unreadable or from another revision
rebuilds it from the chunks (so a Chroma server deployment needs nothing but the server).
Rows carry the document's content hash, and readers keep only the rows of the version their
store view holds live, so a reader never cites a fact of a version that is gone.

A reader never waits long for a rebuild: a file of the same table layout but an older
extractor or store revision answers at once while one background thread per file rebuilds it
and swaps it in (readers re-open the new file); with no usable file, a small store builds it
inline (seconds) and a larger one in the background, answering without facts meanwhile. An
ingest brings the index current whatever it writes, so an upgrade's rebuild is paid there.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kb.entities import entity_key
from kb.errors import StoreBusyError
from kb.factfields import EXTRACTOR_VERSION
from kb.lock import WriteLock
from kb.types import Chunk
from kb.vocabulary import MONTH_WORD, is_round_name

log = logging.getLogger(__name__)

# the table layout (2: subject and amount as the answers read them), and the extractor
LAYOUT_VERSION = "2"
SCHEMA_VERSION = f"{LAYOUT_VERSION}.{EXTRACTOR_VERSION}"

INLINE_BUILD_CHUNKS = 5_000
"""A store of at most this many chunks with no usable fact index builds one before answering:
extraction reads about 1-2 ms a chunk here (0.9 ms at a million chunks, 2.1 ms on corpus/), so
at most about ten seconds; a larger store builds it in the background and answers without
facts meanwhile."""

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
CREATE INDEX IF NOT EXISTS facts_chunk ON facts (chunk_id);
CREATE INDEX IF NOT EXISTS facts_kind_subject ON facts (kind, subject);
CREATE TABLE IF NOT EXISTS fact_entities (
    fact_id INTEGER NOT NULL REFERENCES facts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fact_entities_key ON fact_entities (key);
CREATE INDEX IF NOT EXISTS fact_entities_fact ON fact_entities (fact_id);
CREATE INDEX IF NOT EXISTS fact_entities_names ON fact_entities (fact_id, position, name);
"""
# added after the layout was stamped "2": a file without them answers the same, slower, and
# gains them on its next write (or when a reader finds it current: `load_or_build`)
_LATER_INDEXES = ("fact_entities_names",)

# the field naming what a fact of each kind is about (a list's item: "Which companies raised")
SUBJECT_FIELD = {
    "funding": "company",
    "price": "product",
    "launch": "product",
    "status": "product",
    "acquisition": "target",
    "investment": "investor",
    "partnership": "parties",
    "legal": "defendant",
}


def amount_of(kind: str, fields: Mapping[str, Any]) -> float | None:
    """The figure a fact is compared by ("more than $1 billion"): a price's value, else its
    amount."""
    value = fields.get("value" if kind == "price" else "amount")
    return float(value) if isinstance(value, (int, float)) else None


def subject_of(kind: str, fields: Mapping[str, Any], entities: Sequence[str]) -> str:
    """What a fact is about: its kind's subject field (several parties joined with "and"),
    else its first entity."""
    value = fields.get(SUBJECT_FIELD.get(kind, ""), "")
    if isinstance(value, (list, tuple)):
        value = " and ".join(str(v) for v in value if v)
    return str(value or (entities[0] if entities else ""))


def subject_key(kind: str, fields: Mapping[str, Any], entities: Sequence[str]) -> str:
    """The entity key of `subject_of`, else of the first entity (the index's subject column)."""
    return entity_key(subject_of(kind, fields, entities)) or (
        entity_key(entities[0]) if entities else ""
    )


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
    article_dates: bool = False  # since/until read an undated fact by its article's date
    minimum: float | None = None  # `amount_of` above this (facts without one are left out)
    maximum: float | None = None  # ... below this
    # names: facts that may be about one of them: an entity's key or the subject's key
    # starts with a name's key, or the text names one (ignoring case). A prefilter read in
    # SQL, for callers that decide aboutness themselves: it may keep a few facts more
    # (texts with the two letters whose lower case is ASCII), and keeps every fact when a
    # name is not ASCII (SQLite folds ASCII case only).
    about: tuple[str, ...] = ()
    # names: facts whose subject (`subject_key`) starts with a name's key (none when no
    # name has a key)
    subjects: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    # words (lower-case ASCII, e.g. stems): facts whose sentence or fields contain one of
    # them as a substring (a prefilter: whole-word and stem checks are the caller's)
    words: tuple[str, ...] = ()
    # copies of one statement (facts equal in all but their document and chunk: the same
    # sentence, fields, entities, dates and modality) come back as the first and the last
    # of them in the select's order, grouped in SQL. For answers that rank, list or look up
    # one fact per item, which read only those two of a statement's copies (not for counts
    # or citations of every copy); at scale a statement may have thousands of copies.
    copies: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _row_values(fact: Any, content_hash: str) -> tuple:
    fields_json = json.dumps(dict(fact.fields), default=str, separators=(",", ":"))
    fields = json.loads(fields_json)  # as a reader will see them
    chunk: Chunk = fact.chunk
    entities = list(dict.fromkeys(e for e in fact.entities if e))
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
        fields_json,
        subject_key(fact.kind, fields, entities),
        amount_of(fact.kind, fields),
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


DATE_CELL = re.compile(
    rf"^(?:(?:FY|Q[1-4]\s*)?(?:19|20)\d\d|{MONTH_WORD}\.?(?:\s+\d{{1,2}},?)?\s+(?:19|20)\d\d|"
    r"(?:19|20)\d\d-\d\d(?:-\d\d)?)$",
    re.I,
)
NUMERIC_CELL = re.compile(r"^[\s$€£~<>+\-.,%\d]*(?:[kmb]n?|gb|tb|x|%)?[\s\d.,/]*$", re.I)


def row_name_of(fields: Mapping[str, Any]) -> str:
    """What a table row is about: its first cell that is neither a date nor a number."""
    cells = fields.get("cells") or {}
    for value in cells.values():
        text = str(value or "").strip()
        if text and not DATE_CELL.match(text) and not NUMERIC_CELL.match(text):
            return text
    return str(fields.get("name") or "")


def _fields(text: str) -> dict[str, Any]:
    """A fact's fields from their JSON (orjson: a large selection decodes twice as fast)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, which json.dumps writes and orjson refuses
        return json.loads(text)


def _glob_prefix(text: str) -> str:
    """A GLOB pattern for strings starting with `text` (case-sensitive, as keys are stored;
    unlike LIKE, SQLite reads it from an index)."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in text) + "*"


def _about(names: Sequence[str]) -> tuple[str, list[Any]]:
    """The SQL condition of FactQuery.about, and its values."""
    keys = [k for k in (entity_key(n) for n in names if n) if k]
    conditions: list[str] = []
    values: list[Any] = []
    for key in keys:
        conditions.append("f.subject GLOB ?")
        values.append(_glob_prefix(key))
    if keys:
        conditions.append(
            "f.id IN (SELECT fact_id FROM fact_entities WHERE "
            + " OR ".join("key GLOB ?" for _ in keys)
            + ")"
        )
        values.extend(_glob_prefix(k) for k in keys)
    for name in (n for n in names if n):
        conditions.append("f.text LIKE ? ESCAPE '\\'")
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values.append(f"%{escaped}%")
    # U+0130 and U+212A (the Kelvin sign): the letters whose Python lower case is ASCII
    conditions.append("f.text GLOB ?")
    values.append("*[\u0130\u212a]*")
    return "(" + " OR ".join(conditions) + ")", values


def _conditions(query: FactQuery) -> tuple[str, list[Any]]:
    """The SQL condition on `facts f` that selects `query`, and its values."""
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
            "f.id IN (SELECT fact_id FROM fact_entities WHERE key = ? OR key LIKE ? ESCAPE '\\')"
        )
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args.extend([key, like])
    date = (
        "COALESCE(NULLIF(f.date, ''), NULLIF(f.published, ''), '')"
        if query.article_dates
        else "f.date"
    )
    if query.since:
        where.append(f"{date} >= ?")
        args.append(query.since)
    if query.until:
        where.append(f"substr({date}, 1, ?) <= ?")
        args.extend([len(query.until), query.until])
    if query.minimum is not None:
        where.append("f.amount > ?")
        args.append(query.minimum)
    if query.maximum is not None:
        where.append("f.amount < ?")
        args.append(query.maximum)
    if query.sources:
        where.append(f"f.source IN ({','.join('?' * len(query.sources))})")
        args.extend(query.sources)
    if query.chunk_ids:
        where.append(f"f.chunk_id IN ({','.join('?' * len(query.chunk_ids))})")
        args.extend(query.chunk_ids)
    if query.subjects:
        keys = [k for k in (entity_key(n) for n in query.subjects) if k]
        where.append("(" + (" OR ".join("f.subject GLOB ?" for _ in keys) or "0") + ")")
        args.extend(_glob_prefix(k) for k in keys)
    if query.words and all(w.isascii() for w in query.words):
        patterns = [
            "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for w in query.words
        ]
        where.append(
            "("
            + " OR ".join(
                "f.text LIKE ? ESCAPE '\\' OR f.fields LIKE ? ESCAPE '\\'" for _ in patterns
            )
            + ")"
        )
        args.extend(v for p in patterns for v in (p, p))
    if query.about and all(n.isascii() for n in query.about):
        condition, values = _about(query.about)
        where.append(condition)
        args.extend(values)
    return " AND ".join(where), args


_COLUMNS = (
    "f.id, f.kind, f.date, f.dated_by, f.modality, f.doc_id, f.content_hash, f.chunk_id, "
    "f.chunk_index, f.source, f.title, f.published, f.publisher, f.page, f.text, f.start, "
    "f.fields"
)
_ORDER = "f.date IS NULL, f.date, f.source, f.chunk_index, f.start, f.id"
_SELECT_SQL = f"SELECT {_COLUMNS} FROM facts f WHERE {{where}} ORDER BY {_ORDER}"
# Copies of a statement: grouped by everything an answer reads of a fact but its document and
# chunk (the subject and amount first: cheap to compare). Within a group the date is one, so
# the select's order is that of (source, chunk index, start, id), which this key sorts by as
# text (the numbers zero-padded, the id last); the first and last of each group are read.
_ORDER_KEY = "f.source || char(1) || printf('%012d %012d %015d', f.chunk_index, f.start + 1, f.id)"
_ENTITY_NAMES = (
    "(SELECT group_concat(name, char(31)) FROM "
    "(SELECT name FROM fact_entities e WHERE e.fact_id = f.id ORDER BY position))"
)
_COPIES_SQL = (
    f"WITH picked AS (SELECT min({_ORDER_KEY}) AS a, max({_ORDER_KEY}) AS b FROM facts f "
    "WHERE {where} GROUP BY f.subject, f.amount, f.kind, f.date, f.published, f.modality, "
    f"f.dated_by, f.text, f.fields, {_ENTITY_NAMES}) "
    f"SELECT {_COLUMNS} FROM facts f WHERE f.id IN "
    "(SELECT CAST(substr(a, -15) AS INTEGER) FROM picked "
    "UNION SELECT CAST(substr(b, -15) AS INTEGER) FROM picked) "
    f"ORDER BY {_ORDER}"
)


def copy_key(fact: StoredFact) -> tuple:
    """What copies of one statement share (`FactQuery.copies`): all but document and chunk."""
    fields = json.dumps(dict(fact.fields), default=str, separators=(",", ":"))
    return (
        fact.kind,
        fact.date,
        fact.chunk.published,
        fact.modality,
        fact.dated_by,
        fact.text,
        fields,
        fact.entities,
    )


def collapse_copies(facts: Sequence[StoredFact]) -> list[StoredFact]:
    """The first and the last of each statement's copies (`copy_key`), in the given order."""
    first: dict[tuple, int] = {}
    last: dict[tuple, int] = {}
    for i, fact in enumerate(facts):
        key = copy_key(fact)
        first.setdefault(key, i)
        last[key] = i
    keep = sorted(set(first.values()) | set(last.values()))
    return [facts[i] for i in keep]


class FactIndex:
    """The fact database of one store (a file beside the keyword index)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._names: list[str] | None = None  # see known_names()
        self._names_file: int | None = None  # the file (inode) they were read from
        # the stamp a file must carry before this index reads it (`awaiting`), else None
        self._awaiting: tuple[int, str] | None = None

    # --- reading -------------------------------------------------------------------------

    def _file_id(self) -> int | None:
        try:
            return os.stat(self.path).st_ino
        except OSError:
            return None

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection to the file now at `path`: opened again when a rebuild
        swapped another file in (an open connection keeps reading the file it opened)."""
        local = self._local
        conn = getattr(local, "conn", None)
        file_id = self._file_id()
        if conn is None or getattr(local, "file_id", None) != file_id:
            conn = _connect(self.path)
            local.conn, local.file_id = conn, file_id
        return conn

    def awaiting(self, revision: int) -> None:
        """Read nothing (no facts, no names) until a file stamped with `revision` and this
        extractor is at `path`: while a background build writes the first one."""
        self._awaiting = (revision, SCHEMA_VERSION)

    def _waiting(self) -> bool:
        if self._awaiting is not None and self.stamp(self.path) == self._awaiting:
            self._awaiting = None
        return self._awaiting is not None

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

    def known_names(self) -> list[str]:
        """Every name the facts are about (their entities, and each table row's name), longest
        first, read once per index object (a store view's) and file: for recognising known
        names in a question without reading the facts themselves."""
        if self._waiting():
            return []
        file_id = self._file_id()
        if self._names is None or self._names_file != file_id:
            try:
                conn = self._reader()
                found = {r[0] for r in conn.execute("SELECT DISTINCT name FROM fact_entities")}
                rows = conn.execute("SELECT DISTINCT fields FROM facts WHERE kind = 'row'")
                rows_named = {row_name_of(json.loads(r[0])) for r in rows}
            except sqlite3.Error as exc:
                log.warning("could not read the fact index %s: %s", self.path, exc)
                return []
            names = {n for n in found if len(n) >= 3 and not DATE_CELL.match(n)}
            # a funding table's row is named by its round ("Series A"): no entity's name
            names |= {n for n in rows_named if 3 <= len(n) <= 40 and not is_round_name(n)}
            self._names = sorted(names, key=lambda n: (-len(n), n))
            self._names_file = file_id
        return self._names

    def select(self, query: FactQuery, live: Mapping[str, str] | None = None) -> list[StoredFact]:
        """Facts matching `query`, oldest first; with `live` (doc_id -> content hash), only
        those of the live version of each document."""
        if self._waiting():
            return []
        where, args = _conditions(query)
        try:
            if query.copies:
                picked = self._facts(_COPIES_SQL.format(where=where), args)
                if live is None or all(live.get(f.chunk.doc_id) == h for f, h in picked):
                    return [f for f, _ in picked]
                # a copy that is no longer live may be the first or last of its statement:
                # group the live ones here instead (rare: only while an ingest moves on)
                plain = self._facts(_SELECT_SQL.format(where=where), args)
                return collapse_copies([f for f, h in plain if live.get(f.chunk.doc_id) == h])
            rows = self._facts(_SELECT_SQL.format(where=where), args)
        except sqlite3.Error as exc:
            log.warning("could not read the fact index %s: %s", self.path, exc)
            return []
        return [f for f, h in rows if live is None or live.get(f.chunk.doc_id) == h]

    def _facts(self, sql: str, args: Sequence[Any]) -> list[tuple[StoredFact, str]]:
        """(fact, its document's content hash) of each row `sql` selects, in its order."""
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
        out = []
        for r in rows:
            (fid, kind, date, dated_by, modality, doc_id, content_hash, chunk_id, index) = r[:9]
            source, title, published, publisher, page, text, start, fields = r[9:]
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
            fact = StoredFact(
                kind=kind,
                date=date,
                dated_by=dated_by,
                modality=modality,
                entities=tuple(names.get(fid, ())),
                fields=_fields(fields),
                chunk=chunk,
                text=text,
                start=start,
                id=fid,
            )
            out.append((fact, content_hash))
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

    def _write_schema(self) -> None:
        with self._writer():
            pass

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
        self._names = None
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
        self._names = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # named by the process, so one that ends mid-rebuild can be swept (`_sweep`)
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".facts-{os.getpid()}-", suffix=".sqlite"
        )
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
        # readers of this object re-open (they would anyway: `_reader` sees another file)
        self._local = threading.local()
        self._names = None


def _stamp(conn: sqlite3.Connection, revision: int) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("revision", str(revision)), ("schema", SCHEMA_VERSION)],
    )


def document_chunks(
    store: Any, live: Mapping[str, str], *, page: int = 2000
) -> Iterator[list[Chunk]]:
    """The chunks of each live document version in Chroma, in order (for a rebuild).

    Streamed, so a rebuild of a large store holds about `page` chunk texts at a time, not
    the store's: a first pass reads only metadata to group chunk ids by document, then the
    chunks are fetched a few documents at a time (each document whole)."""
    by_doc: dict[str, list[str]] = {}
    for ids, _, metas in store.iter_chunks(include_text=False):
        for chunk_id, meta in zip(ids, metas, strict=True):
            doc_id = meta.get("doc_id")
            if doc_id is not None and live.get(doc_id) == meta.get("content_hash", ""):
                by_doc.setdefault(doc_id, []).append(chunk_id)
    wanted: list[str] = []
    for doc_id in list(by_doc):
        wanted.extend(by_doc.pop(doc_id))
        if len(wanted) >= page or not by_doc:
            grouped: dict[str, list[Chunk]] = {}
            for chunk in store.get_chunks(wanted):
                grouped.setdefault(chunk.doc_id, []).append(chunk)
            for chunks in grouped.values():
                yield sorted(chunks, key=lambda c: c.index)
            wanted = []


def _add_later_indexes(path: Path, lock_path: Path | None) -> None:
    """Create the indexes a current file may predate (`_LATER_INDEXES`): seconds at a
    million facts, once; skipped while an ingest holds the lock or the file is read-only."""
    try:
        with closing(_connect(path)) as conn:
            have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        if all(name in have for name in _LATER_INDEXES):
            return
        if lock_path is None:
            FactIndex(path)._write_schema()
            return
        with WriteLock(lock_path, timeout=0):
            FactIndex(path)._write_schema()
    except (StoreBusyError, OSError, sqlite3.Error) as exc:
        log.info("fact index %s keeps its older indexes for now: %s", path, exc)


def extracted(store: Any, live: Mapping[str, str]) -> Iterator[tuple[str, list[Any]]]:
    """(content hash, facts) of every live document, extracted afresh from its chunks."""
    from kb.marketfacts import extract_facts

    for chunks in document_chunks(store, live):
        yield chunks[0].content_hash, extract_facts(chunks)


def _same_layout(stamp: tuple[int, str] | None) -> bool:
    return stamp is not None and stamp[1].split(".")[0] == LAYOUT_VERSION


def readable(path: Path) -> bool:
    """Whether the file holds an index this code can read (the same table layout), whatever
    its extractor and revision."""
    return _same_layout(FactIndex.stamp(path))


@dataclass(frozen=True)
class FactIndexState:
    """How the fact index stands against a store revision (`kb stats`): "current" (this
    extractor, this revision), "stale" (the same layout from an older extractor or
    revision: read as it is), "missing" (no file to answer from: none, damaged, another
    layout, or of a later revision than the store's), or "rebuilding" (a background rebuild
    in this process is writing it). `schema` and `revision` are the file's stamp (None
    without one)."""

    state: str
    schema: str | None
    revision: int | None

    def to_json(self) -> dict:
        return asdict(self)


def state_of(path: Path, revision: int) -> FactIndexState:
    """The fact index at `path` against the store's `revision`."""
    stamp = FactIndex.stamp(path)
    if stamp == (revision, SCHEMA_VERSION):
        state = "current"
    elif rebuilding(path):
        state = "rebuilding"
    else:
        state = "stale" if _usable(stamp, revision) else "missing"
    return FactIndexState(state, stamp[1] if stamp else None, stamp[0] if stamp else None)


def _usable(stamp: tuple[int, str] | None, revision: int) -> bool:
    """Whether a reader may answer from a file with this stamp while it is rebuilt: the same
    layout, and not of a later revision than the store's (a store rebuilt since starts its
    revisions again; such a file may hold documents the store no longer has)."""
    return _same_layout(stamp) and stamp is not None and stamp[0] <= revision


def _sweep(folder: Path, *, mine: bool = False) -> None:
    """Remove the temporary files of rebuilds that will never finish: this process's (at
    exit, when a background rebuild is cut short), or with `mine` False those of processes
    that are gone (the caller holds the write lock, so no other writer is mid-rebuild)."""
    for leftover in folder.glob(".facts-*"):
        pid = leftover.name.split("-")[1]
        if not pid.isdigit():
            continue
        ours = int(pid) == os.getpid()
        if ours if mine else not ours and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Rebuilds:
    """The background rebuilds of this process: at most one thread per fact-index file. A
    process that exits mid-rebuild (a one-question `kb ask`) leaves no temporary file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: dict[Path, threading.Thread] = {}
        self.closing = False  # the process is exiting: a rebuild not yet writing does not start
        atexit.register(self._cut_short)

    def _cut_short(self) -> None:
        self.closing = True
        with self._lock:
            folders = {key.parent for key, t in self._threads.items() if t.is_alive()}
        for folder in folders:
            _sweep(folder, mine=True)

    def start(self, path: Path, run: Any) -> threading.Thread | None:
        """Start `run` in a daemon thread unless one for `path` is still running."""
        key = Path(path).resolve()
        with self._lock:
            running = self._threads.get(key)
            if running is not None and running.is_alive():
                return None
            thread = threading.Thread(target=run, name=f"fact-index {key.name}", daemon=True)
            self._threads[key] = thread
            thread.start()
            return thread

    def last(self, path: Path) -> threading.Thread | None:
        with self._lock:
            return self._threads.get(Path(path).resolve())


_REBUILDS = _Rebuilds()  # per process, as the files they write are


def rebuilding(path: Path) -> bool:
    """Whether a background rebuild of this file is running in this process."""
    thread = _REBUILDS.last(path)
    return thread is not None and thread.is_alive()


def rebuild_thread(path: Path) -> threading.Thread | None:
    """The latest background rebuild of this file in this process (running or finished)."""
    return _REBUILDS.last(path)


def _lock(lock_path: Path | None) -> AbstractContextManager[object]:
    return nullcontext() if lock_path is None else WriteLock(lock_path, timeout=0)


def _rebuild_in_background(
    index: FactIndex, store: Any, live: Mapping[str, str], revision: int, lock_path: Path | None
) -> None:
    """Rebuild `index` at `revision` in a daemon thread, when no ingest holds the lock (one
    that does writes the index itself) and none has moved the store on; the file is swapped
    in whole and `index`'s readers re-open it."""

    def rebuild() -> str:
        try:
            with _lock(lock_path):
                if lock_path is not None:
                    _sweep(index.path.parent)
                if store.revision != revision:
                    return "left to the ingest that moved the store on"
                if FactIndex.stamp(index.path) == (revision, SCHEMA_VERSION):
                    return "not needed (another process wrote it)"
                if _REBUILDS.closing:
                    return "not started: the process is exiting"
                index.replace_all(extracted(store, live), revision)
                return "done"
        except StoreBusyError:
            return "skipped: an ingest holds the lock and writes the index itself"
        except OSError as exc:  # a read-only store: a private copy for this process
            private = FactIndex(Path(tempfile.mkdtemp(prefix="kb-facts-")) / "facts.sqlite")
            private.replace_all(extracted(store, live), revision)
            saved_to, index.path = index.path, private.path
            return f"kept in {private.path} (could not save to {saved_to}: {exc})"

    def run() -> None:
        started = time.perf_counter()
        log.info(
            "fact index %s: rebuilding from Chroma in the background (revision %s, schema %s)",
            index.path,
            revision,
            SCHEMA_VERSION,
        )
        try:
            outcome = rebuild()
        except Exception:  # a daemon thread that dies says why; readers keep what they read
            log.exception("fact index %s: the background rebuild failed", index.path)
            return
        log.info(
            "fact index %s: background rebuild %s in %.1f s",
            index.path,
            outcome,
            time.perf_counter() - started,
        )

    if lock_path is not None:
        # what a killed rebuild left is swept now, not only by the thread (a one-question
        # process may exit before its thread gets that far)
        try:
            with WriteLock(lock_path, timeout=0):
                _sweep(index.path.parent)
        except (StoreBusyError, OSError):
            pass  # an ingest holds the lock; the next rebuild sweeps
    _REBUILDS.start(index.path, run)


def load_or_build(
    store: Any, path: Path, live: Mapping[str, str], revision: int, lock_path: Path | None = None
) -> FactIndex:
    """The fact index for `revision`, without a long wait: the file when it is stamped so;
    a file of this layout from an older extractor or revision as it is, rebuilt in the
    background; with no usable file, one built now for a small store (saved only when no
    ingest holds the lock; otherwise kept in a private temporary file), or in the background
    for a larger one (no facts meanwhile)."""
    index = FactIndex(path)
    stamp = FactIndex.stamp(path)
    if stamp == (revision, SCHEMA_VERSION):
        _add_later_indexes(path, lock_path)
        return index
    if _usable(stamp, revision):
        _rebuild_in_background(index, store, live, revision, lock_path)
        return index
    if store.count() > INLINE_BUILD_CHUNKS:
        index.awaiting(revision)
        _rebuild_in_background(index, store, live, revision, lock_path)
        return index
    log.info("rebuilding the fact index from Chroma (revision %s)", revision)
    try:
        with _lock(lock_path):
            index.replace_all(extracted(store, live), revision)
            return index
    except StoreBusyError:
        pass  # an ingest is running: it writes the index for its own final revision
    except OSError as exc:  # a read-only store still answers from a private copy
        log.warning("could not save the fact index to %s: %s", path, exc)
    private = FactIndex(Path(tempfile.mkdtemp(prefix="kb-facts-")) / "facts.sqlite")
    private.replace_all(extracted(store, live), revision)
    return private


def bring_current(
    store: Any,
    path: Path,
    live: Callable[[], Mapping[str, str]],
    lock_path: Path,
    on_wait: Callable[[], None] | None = None,
) -> bool:
    """At ingest: rebuild the fact index when it is not of the store's revision and this
    extractor, waiting for the write lock (an upgrade's rebuild is paid here, where waiting
    is expected, not by the first question). `live` gives doc_id -> live content hash.
    True when it rebuilt."""
    with WriteLock(lock_path, on_wait=on_wait):
        revision = store.revision
        if FactIndex.stamp(path) == (revision, SCHEMA_VERSION):
            return False
        log.info("rebuilding the fact index from Chroma (revision %s)", revision)
        FactIndex(path).replace_all(extracted(store, live()), revision)
        return True
