"""The Chroma adapter: embedded (`PersistentClient`) by default, a Chroma server when configured.

Three collections per knowledge base:
- `<name>`: one record per chunk, with its embedding (computed by us, never by Chroma) and
  metadata; the collection metadata is the *manifest* (embedder, chunking, revision, state).
- `<name>-docs`: one record per document (the registry): source, hashes, status. A document's
  chunks are *live* only while their `content_hash` equals the registry's, so a reader never
  sees a mix of two versions, and chunks left behind by an interrupted write are orphans that
  `repair()` removes.
  A chunk's entity tags are the one field rewritten in place: when the recogniser changes,
  an ingest re-tags stored chunks (`set_chunk_entities`), then stamps each document's record
  with the recogniser's version, then the manifest (`end_write(recogniser=...)`) once every
  document is re-tagged; a crash in between leaves records or a manifest of the old
  version, and the next ingest re-tags what is left.
- `<name>-feeds`: one record per news-feed subscription and its refresh state (created on
  first use). It lives with the store so every process using a Chroma server shares it, and
  it survives `reset()`: subscriptions are settings, not derived data.

Chroma is touched only in this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, overload
from urllib.parse import urlparse

import numpy as np
import orjson

from kb.errors import StoreMismatchError, StoreUnavailableError
from kb.lock import WriteLock
from kb.neardup import NearDuplicateIndex, band_keys, similarity
from kb.settings import Settings
from kb.types import Chunk

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: chunks carry recognised entities
_DOCS_SUFFIX = "-docs"
_FEEDS_SUFFIX = "-feeds"
_PACKED = "packed"  # a registry record kept as one JSON text
_PLACEHOLDER_VECTOR = [1.0]  # the registry needs no embedding; Chroma requires one


def with_changes(
    records: dict[str, DocRecord], changes: Mapping[str, DocRecord | None]
) -> dict[str, DocRecord]:
    """`records` (changed in place and returned) with writes applied: a record replaces its
    document's, None removes it."""
    for doc_id, record in changes.items():
        if record is None:
            records.pop(doc_id, None)
        else:
            records[doc_id] = record
    return records


@dataclass(frozen=True)
class DocRecord:
    """A document as the registry knows it."""

    doc_id: str
    source: str
    title: str
    content_hash: str
    raw_hash: str = ""
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    format: str = ""
    path: str = ""  # absolute path of the file it came from ("" for URLs)
    chunks: int = 0
    status: str = "stored"  # "stored" or "duplicate"
    duplicate_of: str = ""
    ingested_at: str = ""
    minhash: str = ""  # MinHash signature of the text, for near-duplicate detection
    original_hash: str = ""  # for a duplicate: the content hash of the original it matched
    rankings: str = ""  # its ranking facts as JSON ("" when stored before they were extracted)
    date_inferred: bool = False  # `published` read from the text's opening, not a date line
    recogniser: int = 0  # the kb.entities.RECOGNISER_VERSION its chunks were tagged by (0: older)
    reader: int = 0  # the ingest.loaders.READER_VERSION that read its text (0: older)

    def to_metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "doc_id"}

    @classmethod
    def from_metadata(cls, doc_id: str, meta: dict[str, Any]) -> DocRecord:
        fields = cls.__dataclass_fields__
        return cls(doc_id=doc_id, **{k: v for k, v in meta.items() if k in fields})


@dataclass(frozen=True)
class FeedItem:
    """What a feed subscription remembers of one item, so a refresh can skip it."""

    link: str  # the item's canonical link (its document's source)
    entry: str  # fingerprint of the feed entry as listed (title, dates, text, link)
    etag: str = ""  # the article page's validators, for a conditional request
    last_modified: str = ""
    page_hash: str = ""  # sha256 of the bytes ingested (the page, or the feed's own text)
    seen: str = ""  # when a refresh last found it in the feed
    failures: int = 0  # consecutive failed attempts with this same entry


@dataclass(frozen=True)
class FeedRecord:
    """A news-feed subscription and the state its refreshes keep."""

    url: str  # canonical (no credentials or tracking parameters): shown and matched
    fetch_url: str = ""  # the URL as subscribed, credentials included: what is fetched
    title: str = ""
    added: str = ""
    last_checked: str = ""
    last_new_item: str = ""
    items_seen: int = 0
    last_error: str = ""
    etag: str = ""  # the feed's validators ("" when the last refresh left work undone)
    last_modified: str = ""
    items: tuple[FeedItem, ...] = ()

    def to_text(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_text(cls, text: str) -> FeedRecord:
        data = json.loads(text)
        fields = cls.__dataclass_fields__
        item_fields = FeedItem.__dataclass_fields__
        items = tuple(
            FeedItem(**{k: v for k, v in item.items() if k in item_fields})
            for item in data.get("items") or ()
        )
        return cls(**{**{k: v for k, v in data.items() if k in fields}, "items": items})


def published_ord(published: str | None) -> int:
    """YYYYMMDD as an int for range filters (Chroma compares numbers only); 0 when unknown."""
    if not published:
        return 0
    digits = published[:10].replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "source": chunk.source,
        "title": chunk.title,
        "published_ord": published_ord(chunk.published),
        "content_hash": chunk.content_hash,
        "entities": "|".join(chunk.entities),
    }
    if chunk.published:
        meta["published"] = chunk.published
    if chunk.publisher:
        meta["publisher"] = chunk.publisher
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    entities = meta.get("entities") or ""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=meta["doc_id"],
        index=int(meta.get("index", 0)),
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        source=meta.get("source", ""),
        title=meta.get("title", ""),
        published=meta.get("published"),
        publisher=meta.get("publisher"),
        page=meta.get("page"),
        content_hash=meta.get("content_hash", ""),
        entities=tuple(e for e in entities.split("|") if e),
    )


_CACHE_FORMAT = 2  # 2: SQLite, read on demand
_RECORD_FIELDS = list(DocRecord.__dataclass_fields__)  # a cached row: these, in this order
_CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, row BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_hash ON records (content_hash);
CREATE TABLE IF NOT EXISTS bands (
    band INTEGER NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY (band, doc_id)
) WITHOUT ROWID;
"""


def _encode(record: DocRecord) -> bytes:
    return orjson.dumps([getattr(record, name) for name in _RECORD_FIELDS])


def _decode(row: bytes) -> DocRecord:
    return DocRecord(*orjson.loads(row))


def _decode_all(rows: list[tuple]) -> dict[str, DocRecord]:
    """Records from their rows, decoded in one call (a large registry has many)."""
    values = orjson.loads(b"[" + b",".join(row for (row,) in rows) + b"]")
    return {v[0]: DocRecord(*v) for v in values}


def _band_rows(record: DocRecord) -> list[tuple[int, str]]:
    """The LSH bands a stored record is found by (none for duplicates or short texts)."""
    if record.status != "stored" or not record.minhash:
        return []
    return [(band, record.doc_id) for band in band_keys(record.minhash)]


class RegistryCache:
    """The registry as of one store revision, in a local SQLite file (beside the keyword
    index), so an ingest into a large store reads only the records it needs (by document id,
    content hash or near-duplicate band) and writes only the ones it changed, instead of
    reading every record back from Chroma.

    A cache is stamped with the collection's id (a new one after `reset()`) and the store
    revision it was saved at, and is used only when both match the store: any write by
    another process moves the revision, and a cache that is missing, unreadable or stale
    means reading Chroma. The writer updates it in one transaction, under the write lock,
    for the revision its run ends at (a crash rolls the transaction back, leaving a stale
    cache); a reader saves one only when no ingest is running."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        # an ingest reads it from its parse-ahead thread too (CachedRecords serialises that)
        conn = sqlite3.connect(
            str(self.path), timeout=30, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
        conn.execute("PRAGMA synchronous = NORMAL")  # a lost last commit leaves it stale
        return conn

    def _at(self, conn: sqlite3.Connection, stamp: tuple[str, int]) -> bool:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return (
            meta.get("format") == str(_CACHE_FORMAT)
            and meta.get("fields") == ",".join(_RECORD_FIELDS)
            and [meta.get("collection"), meta.get("revision")] == [stamp[0], str(stamp[1])]
        )

    def load(self, stamp: tuple[str, int]) -> dict[str, DocRecord] | None:
        """The cached registry if it was saved at `stamp` (see `ChromaStore.stamp`), else None."""
        if not self.path.is_file():
            return None
        try:
            with closing(self._connect()) as conn:
                conn.execute("BEGIN")  # the stamp and the rows from one snapshot
                if not self._at(conn, stamp):
                    return None
                rows = conn.execute("SELECT row FROM records ORDER BY rowid").fetchall()
                conn.execute("COMMIT")
            return _decode_all(rows)
        except Exception as exc:  # unreadable or from another version: read Chroma instead
            log.info("registry cache at %s not usable (%s); reading Chroma", self.path, exc)
            return None

    def open(self, stamp: tuple[str, int]) -> CachedRecords | None:
        """The cached registry at `stamp`, read on demand (for a writer, who holds the write
        lock, so the cache cannot move meanwhile); None when stale or unreadable."""
        if not self.path.is_file():
            return None
        try:
            conn = self._connect()
            if self._at(conn, stamp):
                return CachedRecords(conn)
            conn.close()
        except Exception as exc:
            log.info("registry cache at %s not usable (%s); reading Chroma", self.path, exc)
        return None

    def save(self, stamp: tuple[str, int], records: Mapping[str, DocRecord]) -> None:
        """Write `records` as the registry at `stamp`, in one transaction (never half)."""
        self._write(lambda conn: self._replace_all(conn, records), stamp)

    def update(
        self,
        found: tuple[str, int],
        stamp: tuple[str, int],
        writes: Mapping[str, DocRecord | None],
    ) -> bool:
        """Apply one run's registry writes (doc_id -> record, None when deleted) to the cache
        at `found`, stamping it `stamp`; False, and nothing written, if it is not at `found`."""

        def apply(conn: sqlite3.Connection) -> bool:
            if not self._at(conn, found):
                return False
            for doc_id, record in writes.items():
                old = conn.execute("SELECT row FROM records WHERE doc_id = ?", (doc_id,))
                for (row,) in old.fetchall():
                    conn.executemany(
                        "DELETE FROM bands WHERE band = ? AND doc_id = ?", _band_rows(_decode(row))
                    )
                if record is None:
                    conn.execute("DELETE FROM records WHERE doc_id = ?", (doc_id,))
                    continue
                conn.execute(
                    "INSERT OR REPLACE INTO records (doc_id, content_hash, row) VALUES (?,?,?)",
                    (doc_id, record.content_hash, _encode(record)),
                )
                conn.executemany("INSERT OR IGNORE INTO bands VALUES (?,?)", _band_rows(record))
            return True

        return self._write(apply, stamp)

    @staticmethod
    def _replace_all(conn: sqlite3.Connection, records: Mapping[str, DocRecord]) -> bool:
        conn.execute("DELETE FROM records")
        conn.execute("DELETE FROM bands")
        conn.executemany(
            "INSERT INTO records (doc_id, content_hash, row) VALUES (?,?,?)",
            ((r.doc_id, r.content_hash, _encode(r)) for r in records.values()),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO bands VALUES (?,?)",
            sorted(b for r in records.values() for b in _band_rows(r)),  # in index order
        )
        return True

    def _write(self, change: Callable[[sqlite3.Connection], bool], stamp: tuple[str, int]) -> bool:
        """Run `change` and stamp the cache in one transaction; nothing is written when
        `change` returns False."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(2):
            try:
                with closing(self._connect()) as conn:
                    conn.executescript(_CACHE_SCHEMA)
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        if not change(conn):
                            conn.execute("ROLLBACK")
                            return False
                        conn.executemany(
                            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                            [
                                ("format", str(_CACHE_FORMAT)),
                                ("fields", ",".join(_RECORD_FIELDS)),
                                ("collection", stamp[0]),
                                ("revision", str(stamp[1])),
                            ],
                        )
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                return True
            except sqlite3.OperationalError:  # locked, disk full: not the file's fault
                raise
            except sqlite3.DatabaseError as exc:  # a damaged file: start a new one
                if attempt:
                    raise
                log.info("registry cache at %s is damaged (%s); writing it afresh", self.path, exc)
                for suffix in ("", "-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
        raise AssertionError("unreachable")


class CachedRecords:
    """The registry in the local cache, read on demand."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def get(self, doc_id: str) -> DocRecord | None:
        rows = self._rows("SELECT row FROM records WHERE doc_id = ?", (doc_id,))
        return _decode(rows[0][0]) if rows else None

    def with_hash(self, content_hash: str) -> list[DocRecord]:
        rows = self._rows(
            "SELECT row FROM records WHERE content_hash = ? ORDER BY rowid", (content_hash,)
        )
        return [_decode(row) for (row,) in rows]

    def sharing_a_band(self, sig: str) -> set[str]:
        found = band_keys(sig)
        if not found:
            return set()
        rows = self._rows(
            f"SELECT DISTINCT doc_id FROM bands WHERE band IN ({','.join('?' * len(found))})",
            found,
        )
        return {doc_id for (doc_id,) in rows}

    def all(self) -> dict[str, DocRecord]:
        return _decode_all(self._rows("SELECT row FROM records ORDER BY rowid"))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class MemoryRecords:
    """The registry read whole (from Chroma), with the same lookups as `CachedRecords`."""

    def __init__(self, records: dict[str, DocRecord]) -> None:
        self._records = records
        self._by_hash: dict[str, list[DocRecord]] | None = None
        self._lsh: NearDuplicateIndex | None = None

    def get(self, doc_id: str) -> DocRecord | None:
        return self._records.get(doc_id)

    def with_hash(self, content_hash: str) -> list[DocRecord]:
        if self._by_hash is None:
            self._by_hash = {}
            for record in self._records.values():
                self._by_hash.setdefault(record.content_hash, []).append(record)
        return self._by_hash.get(content_hash, [])

    def sharing_a_band(self, sig: str) -> set[str]:
        if self._lsh is None:
            self._lsh = NearDuplicateIndex()
            for record in self._records.values():
                if record.status == "stored":
                    self._lsh.add(record.doc_id, record.minhash)
        return self._lsh.candidates(sig)

    def all(self) -> dict[str, DocRecord]:
        return dict(self._records)

    def close(self) -> None:
        pass


class _Missing:
    """No default given (so `Registry.pop` raises, as a dict's does)."""


_MISSING = _Missing()


class Registry:
    """The registry as an ingest works on it: the records as the run found them (`found`:
    from the local cache, read on demand, or read whole from Chroma) plus the run's own
    changes, so one article's ingest reads only the records it touches."""

    def __init__(self, found: CachedRecords | MemoryRecords) -> None:
        self._found = found
        self._changes: dict[str, DocRecord | None] = {}
        # the records this run put in, by content hash and (stored ones) by LSH band
        self._hashes: dict[str, set[str]] = {}
        self._lsh = NearDuplicateIndex()

    def found(self, doc_id: str) -> DocRecord | None:
        """The record as the run found it."""
        return self._found.get(doc_id)

    def all_found(self) -> dict[str, DocRecord]:
        """Every record as the run found it (reads them all)."""
        return self._found.all()

    def get(self, doc_id: str, default: DocRecord | None = None) -> DocRecord | None:
        if doc_id in self._changes:
            return self._changes[doc_id] or default
        record = self._found.get(doc_id)
        return default if record is None else record

    def __getitem__(self, doc_id: str) -> DocRecord:
        record = self.get(doc_id)
        if record is None:
            raise KeyError(doc_id)
        return record

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.get(doc_id) is not None

    def __setitem__(self, doc_id: str, record: DocRecord) -> None:
        self._changes[doc_id] = record
        self._hashes.setdefault(record.content_hash, set()).add(doc_id)
        self._lsh.remove(doc_id)
        if record.status == "stored":
            self._lsh.add(doc_id, record.minhash)

    @overload
    def pop(self, doc_id: str) -> DocRecord: ...

    @overload
    def pop(self, doc_id: str, default: None) -> DocRecord | None: ...

    def pop(self, doc_id: str, default: None | _Missing = _MISSING) -> DocRecord | None:
        record = self.get(doc_id)
        if record is None:
            if default is None:
                return None
            raise KeyError(doc_id)
        self._changes[doc_id] = None
        self._lsh.remove(doc_id)
        return record

    def items(self) -> Iterator[tuple[str, DocRecord]]:
        """Every record (reads them all: for prune and remove, not for one article)."""
        return iter(list(with_changes(self._found.all(), self._changes).items()))

    def values(self) -> Iterator[DocRecord]:
        return (record for _, record in self.items())

    def stored_with_hash(self, content_hash: str, exclude: str) -> DocRecord | None:
        """A stored document other than `exclude` with this content hash, if any."""
        put = sorted(self._hashes.get(content_hash, ()))  # may have changed since: checked
        for doc_id in [*(r.doc_id for r in self._found.with_hash(content_hash)), *put]:
            current = self.get(doc_id)
            if (
                current is not None
                and current.content_hash == content_hash
                and current.status == "stored"
                and current.doc_id != exclude
            ):
                return current
        return None

    def similar(self, sig: str, threshold: float, exclude: str) -> list[tuple[DocRecord, float]]:
        """Stored documents whose text is at least `threshold` similar (MinHash), most
        similar first; candidates come from LSH bands, so this does not grow with the store."""
        keys = (self._found.sharing_a_band(sig) | self._lsh.candidates(sig)) - {exclude}
        out = []
        for key in keys:
            record = self.get(key)
            if record is not None and record.status == "stored" and record.minhash:
                score = similarity(sig, record.minhash)
                if score >= threshold:
                    out.append((record, score))
        return sorted(out, key=lambda kv: (-kv[1], kv[0].doc_id))

    def close(self) -> None:
        self._found.close()


LOCKED_WAIT_S = 60.0  # how long opening an embedded store waits out another process's write


def while_locked(
    open_store: Callable[[], Any],
    wait_s: float = LOCKED_WAIT_S,
    on_retry: Callable[[], None] | None = None,
) -> Any:
    """`open_store()`, tried again while Chroma's SQLite file is locked by another process
    (two ingests, or an ingest and the app, creating or migrating the same new store at once:
    "database is locked"), for up to `wait_s` seconds; other errors are raised at once."""
    deadline = time.monotonic() + wait_s
    pause = 0.1
    while True:
        try:
            return open_store()
        except Exception as exc:
            if "database is locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            if on_retry is not None:
                on_retry()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _forget_failed_clients() -> None:
    """Chroma caches one client system per path in the process; a failed open may leave a
    half-started one there, which the next try would reuse."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001 - an older or newer chromadb: nothing to clear
        log.debug("could not clear Chroma's client cache", exc_info=True)


def _make_client(settings: Settings) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreUnavailableError(
                f"Not a Chroma server URL: {settings.chroma_url!r}",
                "Use the form http://HOST:PORT, e.g. http://127.0.0.1:8000.",
            )
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreUnavailableError(
                f"Cannot reach the Chroma server at {settings.chroma_url}: {exc}",
                "Start it with `chroma run --path DIR --port PORT`, check the URL, or unset "
                "KB_CHROMA_URL / --chroma-url to use the embedded store.",
            ) from exc
        return client
    path = Path(settings.store_dir) / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
        # one process at a time creates or migrates the store's SQLite file: two at once
        # failed with "database is locked" or "table collections already exists"
        with WriteLock(path.parent / ".chroma-open.lock", timeout=LOCKED_WAIT_S):
            return while_locked(
                lambda: chromadb.PersistentClient(path=str(path), settings=chroma_settings),
                on_retry=_forget_failed_clients,
            )
    except Exception as exc:
        raise StoreUnavailableError(
            f"Cannot open the Chroma store at {path}: {exc}",
            "Check that the directory is writable, or choose another with --store / KB_STORE_DIR.",
        ) from exc


class ChromaStore:
    """Chunks, their vectors and the document registry in Chroma."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.location = settings.chroma_url or str(Path(settings.store_dir) / "chroma")
        self._client = _make_client(settings)
        wait = 0.0 if settings.chroma_url else LOCKED_WAIT_S
        try:
            self._chunks = while_locked(
                lambda: self._client.get_or_create_collection(
                    settings.collection,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                ),
                wait,
            )
            self._docs = while_locked(
                lambda: self._client.get_or_create_collection(
                    settings.collection + _DOCS_SUFFIX, embedding_function=None
                ),
                wait,
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc
        self._feeds: Any = None  # created on first use
        self._max_batch = self._safe_max_batch()
        # registry writes since `track_registry_writes()`: doc_id -> record (None: deleted)
        self._registry_writes: dict[str, DocRecord | None] | None = None

    # --- errors -------------------------------------------------------------------------

    def _unavailable(self, exc: Exception) -> StoreUnavailableError:
        if self.settings.chroma_url:
            return StoreUnavailableError(
                f"The Chroma server at {self.settings.chroma_url} failed: {exc}",
                "Check that `chroma run` is still up; nothing already stored was lost. "
                "Re-run the same command once it is back.",
            )
        return StoreUnavailableError(
            f"The Chroma store at {self.location} failed: {exc}",
            "Check the disk and permissions of the store directory.",
        )

    def _safe_max_batch(self) -> int:
        try:
            return max(1, min(5000, int(self._client.get_max_batch_size())))
        except Exception:
            return 1000

    # --- manifest -------------------------------------------------------------------------

    @property
    def manifest(self) -> dict[str, Any]:
        try:
            meta = self._client.get_collection(
                self.settings.collection, embedding_function=None
            ).metadata
        except Exception as exc:
            raise self._unavailable(exc) from exc
        return dict(meta or {})

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        try:
            self._chunks.modify(metadata=manifest)
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def ensure_manifest(
        self, *, embedder: str, dimension: int, chunk_size: int, chunk_overlap: int
    ) -> None:
        """Record the build settings in a new store; refuse a store built with others."""
        wanted = {
            "embedder": embedder,
            "dimension": dimension,
            "chunk_size": chunk_size,
            "chunk_overlap": chunk_overlap,
            "schema": SCHEMA_VERSION,
        }
        current = self.manifest
        if not current.get("embedder"):
            self._write_manifest({**wanted, "revision": 0, "state": "clean"})
            return
        differences = [
            f"{key}: store has {current.get(key)!r}, settings say {value!r}"
            for key, value in wanted.items()
            if current.get(key) != value
        ]
        if differences:
            raise StoreMismatchError(
                f"The store at {self.location} was built with other settings ("
                + "; ".join(differences)
                + ").",
                "Re-run `python -m ingest --rebuild` to rebuild it with the current settings, "
                "or restore the settings it was built with (KB_EMBEDDER, KB_CHUNK_SIZE, "
                "KB_CHUNK_OVERLAP), or use another --store.",
            )

    def check_readable(self, *, embedder: str) -> None:
        """For readers: the store must have been built with this embedder."""
        current = self.manifest
        if current.get("embedder") and current["embedder"] != embedder:
            raise StoreMismatchError(
                f"The store at {self.location} holds vectors from {current['embedder']!r}, "
                f"but the embedder is {embedder!r}.",
                "Set KB_EMBEDDER back to the model the store was built with, or rebuild it "
                "with `python -m ingest --rebuild`.",
            )

    def stamp(self) -> tuple[str, int]:
        """(the chunk collection's id, the revision), read together: a store rebuilt with
        `reset()`, here or by another process, has a new id, and every write a new revision."""
        try:
            collection = self._client.get_collection(
                self.settings.collection, embedding_function=None
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc
        return str(collection.id), int((collection.metadata or {}).get("revision", 0))

    @property
    def revision(self) -> int:
        return int(self.manifest.get("revision", 0))

    def begin_write(self) -> int:
        """Mark the store as being written and move to a new revision; returns it."""
        manifest = self.manifest
        manifest["revision"] = int(manifest.get("revision", 0)) + 1
        manifest["state"] = "writing"
        self._write_manifest(manifest)
        return int(manifest["revision"])

    def end_write(self, *, last_ingest: str, recogniser: int | None = None) -> int:
        """Mark the write finished under a new revision (readers notice and reload); returns it.
        `recogniser`: the version every stored document's chunks are now tagged by."""
        manifest = self.manifest
        manifest["revision"] = int(manifest.get("revision", 0)) + 1
        manifest["state"] = "clean"
        manifest["last_ingest"] = last_ingest
        if recogniser is not None:
            manifest["recogniser"] = recogniser
        self._write_manifest(manifest)
        return int(manifest["revision"])

    @property
    def tagged_by(self) -> int:
        """The recogniser version every stored document was tagged by, as the last ingest
        that finished left it (0: not known, so each record's own version decides)."""
        return int(self.manifest.get("recogniser", 0))

    @property
    def interrupted(self) -> bool:
        """True when a write started and never finished (a killed ingest)."""
        return self.manifest.get("state") == "writing"

    def reset(self) -> None:
        """Drop every chunk and document (for `--rebuild`)."""
        for name in (self.settings.collection, self.settings.collection + _DOCS_SUFFIX):
            try:
                self._client.delete_collection(name)
            except Exception:
                log.debug("collection %s did not exist", name)
        self.__init__(self.settings)  # type: ignore[misc]

    # --- documents ------------------------------------------------------------------------

    def documents(self, *, batch: int = 20_000) -> dict[str, DocRecord]:
        """The registry. A record is one JSON text (Chroma reads one text three times faster
        than fifteen metadata keys); records written before that keep their keys. Read in
        pages: one read of about 220,000 records fails in Chroma ("too many SQL variables")."""
        records: dict[str, DocRecord] = {}
        while True:
            try:
                result = self._docs.get(
                    include=["documents", "metadatas"], limit=batch, offset=len(records)
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc
            for doc_id, text, meta in zip(
                result["ids"], result["documents"] or [], result["metadatas"] or [], strict=False
            ):
                if (meta or {}).get(_PACKED):
                    meta = json.loads(text)
                records[doc_id] = DocRecord.from_metadata(doc_id, meta or {})
            if len(result["ids"]) < batch:
                return records

    def track_registry_writes(self) -> dict[str, DocRecord | None]:
        """Start recording what this object writes to the registry; returns the record
        (doc_id -> record, None when deleted), filled in as each write succeeds. Lets a
        writer holding the lock know the registry after its run without reading it back."""
        self._registry_writes = {}
        return self._registry_writes

    def put_document(self, record: DocRecord) -> None:
        self.put_documents([record])

    def put_documents(self, records: Sequence[DocRecord]) -> None:
        for i in range(0, len(records), self._max_batch):
            part = records[i : i + self._max_batch]
            try:
                self._docs.upsert(
                    ids=[r.doc_id for r in part],
                    embeddings=[_PLACEHOLDER_VECTOR] * len(part),
                    documents=[json.dumps(r.to_metadata()) for r in part],
                    metadatas=[{_PACKED: 1}] * len(part),
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc
            if self._registry_writes is not None:
                self._registry_writes.update((r.doc_id, r) for r in part)

    def delete_document(self, doc_id: str) -> None:
        """Remove a document: registry first (its chunks stop being live), then chunks."""
        try:
            self._docs.delete(ids=[doc_id])
            if self._registry_writes is not None:
                self._registry_writes[doc_id] = None
            self._chunks.delete(where={"doc_id": doc_id})
        except Exception as exc:
            raise self._unavailable(exc) from exc

    # --- feed subscriptions ---------------------------------------------------------------

    def _feeds_collection(self) -> Any:
        if self._feeds is None:
            try:
                self._feeds = self._client.get_or_create_collection(
                    self.settings.collection + _FEEDS_SUFFIX, embedding_function=None
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc
        return self._feeds

    @staticmethod
    def _feed_id(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]

    def feeds(self) -> dict[str, FeedRecord]:
        """Every feed subscription, by its canonical URL."""
        try:
            result = self._feeds_collection().get(include=["documents"])
        except Exception as exc:
            raise self._unavailable(exc) from exc
        records = (FeedRecord.from_text(text) for text in result["documents"] or [] if text)
        return {r.url: r for r in sorted(records, key=lambda r: r.url)}

    def put_feed(self, record: FeedRecord) -> None:
        try:
            self._feeds_collection().upsert(
                ids=[self._feed_id(record.url)],
                embeddings=[_PLACEHOLDER_VECTOR],
                documents=[record.to_text()],
                metadatas=[{"url": record.url}],
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def delete_feed(self, url: str) -> None:
        """Forget a subscription (its documents stay)."""
        try:
            self._feeds_collection().delete(ids=[self._feed_id(url)])
        except Exception as exc:
            raise self._unavailable(exc) from exc

    # --- chunks ---------------------------------------------------------------------------

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        for i in range(0, len(chunks), self._max_batch):
            part = chunks[i : i + self._max_batch]
            try:
                self._chunks.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=embeddings[i : i + self._max_batch],
                    documents=[c.text for c in part],
                    metadatas=[chunk_metadata(c) for c in part],
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc

    def set_chunk_entities(self, entities: Mapping[str, Sequence[str]]) -> None:
        """Rewrite chunks' entity tags in place (chunk id -> tags): their text, vectors and
        other metadata stay (Chroma merges the keys given into the stored metadata)."""
        ids = list(entities)
        for i in range(0, len(ids), self._max_batch):
            part = ids[i : i + self._max_batch]
            try:
                self._chunks.update(
                    ids=part, metadatas=[{"entities": "|".join(entities[c])} for c in part]
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc

    def delete_stale_chunks(self, doc_id: str, content_hash: str) -> None:
        """Delete a document's chunks from any version other than `content_hash`."""
        try:
            self._chunks.delete(
                where={"$and": [{"doc_id": doc_id}, {"content_hash": {"$ne": content_hash}}]}
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def count(self) -> int:
        try:
            return int(self._chunks.count())
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def query(
        self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks to `embedding` as (chunk, cosine similarity)."""
        nearest = self.nearest(embedding, n, where)
        by_id = {c.chunk_id: c for c in self.get_chunks([cid for cid, _ in nearest])}
        return [(by_id[cid], sim) for cid, sim in nearest if cid in by_id]

    def nearest(
        self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Ids of the nearest chunks to `embedding` and their cosine similarity, nearest first.

        Only ids and distances: Chroma's query reads metadata about three times slower than
        its `get` by id (measured at 1M chunks: 8.6 ms for 40 with metadata, 2.2 ms without,
        2.8 ms to get the 40 with text and metadata), so callers fetch the chunks with
        `get_chunks`, together with any others they need."""
        if n <= 0:
            return []
        try:
            result = self._chunks.query(
                query_embeddings=[np.asarray(embedding, dtype=np.float32)],
                n_results=n,
                where=where or None,
                include=["distances"],
            )
        except Exception as exc:
            raise self._unavailable(exc) from exc
        return [
            (chunk_id, 1.0 - float(distance))
            for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=False)
        ]

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of these chunk ids Chroma holds (ids only: at 1M chunks about half the time
        of reading the chunks)."""
        if not ids:
            return set()
        try:
            result = self._chunks.get(ids=list(dict.fromkeys(ids)), include=[])
        except Exception as exc:
            raise self._unavailable(exc) from exc
        return set(result["ids"])

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        if not ids:
            return []
        by_id: dict[str, Chunk] = {}
        unique = list(dict.fromkeys(ids))  # Chroma refuses repeated ids
        for start in range(0, len(unique), 5000):  # bounded requests on large stores
            try:
                result = self._chunks.get(
                    ids=unique[start : start + 5000], include=["documents", "metadatas"]
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc
            for cid, text, meta in zip(
                result["ids"], result["documents"], result["metadatas"], strict=False
            ):
                by_id[cid] = chunk_from_record(cid, text or "", meta or {})
        return [by_id[i] for i in ids if i in by_id]

    def iter_chunks(
        self, *, include_text: bool = True, batch: int = 5000
    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """All chunks, in pages: (ids, texts, metadatas)."""
        include = ["documents", "metadatas"] if include_text else ["metadatas"]
        offset = 0
        while True:
            try:
                result = self._chunks.get(include=include, limit=batch, offset=offset)
            except Exception as exc:
                raise self._unavailable(exc) from exc
            ids = result["ids"]
            if not ids:
                return
            texts = result["documents"] if include_text else [""] * len(ids)
            yield ids, list(texts or []), list(result["metadatas"] or [])
            offset += len(ids)
            if len(ids) < batch:
                return

    def chunk_ids(self, *, batch: int = 50_000) -> list[str]:
        """The ids of all chunks."""
        ids: list[str] = []
        while True:
            try:
                page = self._chunks.get(include=[], limit=batch, offset=len(ids))["ids"]
            except Exception as exc:
                raise self._unavailable(exc) from exc
            ids.extend(page)
            if len(page) < batch:
                return ids

    def repair(self) -> int:
        """Delete chunks that no registry record makes live (left by an interrupted write)."""
        live = {
            doc_id: rec.content_hash
            for doc_id, rec in self.documents().items()
            if rec.status == "stored"
        }
        orphans = [
            chunk_id
            for ids, _, metas in self.iter_chunks(include_text=False)
            for chunk_id, meta in zip(ids, metas, strict=False)
            if live.get(str((meta or {}).get("doc_id"))) != (meta or {}).get("content_hash")
        ]
        for i in range(0, len(orphans), self._max_batch):
            try:
                self._chunks.delete(ids=orphans[i : i + self._max_batch])
            except Exception as exc:
                raise self._unavailable(exc) from exc
        return len(orphans)
