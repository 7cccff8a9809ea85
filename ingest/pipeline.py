"""The ingest pipeline: files and URLs in, a consistent Chroma store and keyword index out.

Per document the write order is: new chunks (tagged with the new content hash) -> registry
record (makes them live) -> old chunks deleted. A crash at any point leaves either the old or
the new version live plus orphans that `ChromaStore.repair` removes on the next run.

Old versions' chunks are deleted at the end of the run, after the store has moved to a new
revision: a reader that took its view of the registry before a document switched versions
still finds that version's chunks, and any reader that looks after the deletions start sees
the new revision and reloads the registry first.

A recogniser upgrade (kb.entities.RECOGNISER_VERSION) re-tags the documents stored before
it, at the end of the next ingest, from their stored chunk texts: their vectors and ids stay.
Tags are rewritten in place first, then each record is stamped with the version, then the
manifest once all are done; a crash leaves the rest to the next run (see kb.store).

A reader upgrade (ingest.loaders.READER_VERSION) re-reads the documents an older reader
stored, on the next ingest of their files: one that reads the same is only stamped with the
version; one that reads otherwise is stored again like an edited file.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import numpy as np

from ingest.chunking import chunk_document, entity_tags
from ingest.http import FetchPolicy
from ingest.loaders import READER_VERSION, Loaded, load_url, loader_for
from ingest.sources import Input, Skipped, discover, doc_id_for
from ingest.timing import StageTimer, stage, switch_stage
from kb.dates import dateline_date
from kb.embedders import Embedder
from kb.entities import RECOGNISER_VERSION
from kb.errors import KBError, LoadError
from kb.factstore import FactIndex, bring_current, document_chunks, extracted
from kb.keyword import KeywordDelta, KeywordIndex, delta_path, index_text
from kb.lock import WriteLock, lock_path
from kb.marketfacts import extract_facts
from kb.neardup import signature
from kb.ner import start_loading as start_loading_ner
from kb.rankings import extract_rankings, facts_to_json, names_a_leaderboard
from kb.settings import Settings
from kb.store import (
    ChromaStore,
    DocRecord,
    MemoryRecords,
    Registry,
    RegistryCache,
    with_changes,
)
from kb.text import normalize
from kb.types import Chunk, Document, chunk_id

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_PREFETCH = 8  # files parsed ahead of the one being embedded
_WRITE_BATCH = 256  # chunks embedded and stored together (bounds memory on huge corpora)
_RETAG_BATCH = 256  # chunks re-tagged and written together
RETAG_PER_UPDATE = 200
"""Documents an upload, a feed refresh or a removal re-tags after a recogniser upgrade (a
full `python -m ingest` re-tags every one left)."""


@dataclass
class FileResult:
    source: str
    status: str  # added | updated | unchanged | duplicate | removed | failed | skipped
    chunks: int = 0
    title: str = ""
    error: str = ""
    hint: str = ""
    duplicate_of: str = ""
    similarity: float = 0.0  # for near-duplicates: estimated share of shared text

    def to_json(self) -> dict:
        out = {"source": self.source, "status": self.status, "chunks": self.chunks}
        for key in ("title", "error", "hint", "duplicate_of", "similarity"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    chunks_added: int = 0
    seconds: float = 0.0
    repaired_chunks: int = 0
    retagged_documents: int = 0  # stored documents re-tagged by a newer recogniser

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def to_json(self) -> dict:
        return {
            "documents": {
                "added": self.count("added"),
                "updated": self.count("updated"),
                "unchanged": self.count("unchanged"),
                "duplicates": self.count("duplicate"),
                "removed": self.count("removed"),
            },
            "chunks_added": self.chunks_added,
            "failed": [{"source": r.source, "error": r.error} for r in self.failed],
            "skipped": [
                {"source": r.source, "reason": r.error}
                for r in self.results
                if r.status == "skipped"
            ],
            "seconds": round(self.seconds, 3),
            "repaired_chunks": self.repaired_chunks,
            "retagged_documents": self.retagged_documents,
            "files": [r.to_json() for r in self.results],
        }


@dataclass(frozen=True)
class LoadedInput(Input):
    """A document already fetched and read by the caller: `loaded` is stored under `source`,
    and `data` (the bytes it was read from) tells an unchanged version by its hash."""

    loaded: Loaded = field(default_factory=lambda: Loaded(title="", text="", format=""))
    data: bytes = b""


@dataclass
class _Pending:
    item: Input
    doc: Document
    record: DocRecord
    chunks: list[Chunk]
    status: str
    market_facts: list = field(default_factory=list)


def text_hash(text: str) -> str:
    """Content hash of a document's text, blind to whitespace and case differences."""
    return hashlib.sha256(" ".join(normalize(text).split()).encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ingestor:
    """Runs ingests against one store with one embedder (both built once by the caller)."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChromaStore | None = None,
        progress: Progress | None = None,
        timer: StageTimer | None = None,
        retag_limit: int | None = None,
    ) -> None:
        """`retag_limit`: at most this many documents re-tagged per run after a recogniser
        upgrade (None: all). An upload or a feed item should not wait for a large store to be
        re-tagged whole: each such ingest does a share, and a full `python -m ingest` the rest."""
        self.settings = settings
        self.retag_limit = retag_limit
        self.timer = timer or StageTimer()  # seconds per stage, summed over this one's runs
        self.embedder = embedder
        start_loading_ner()  # chunks are tagged by the recogniser; load it while the store opens
        self.store = store or ChromaStore(settings)
        self.progress = progress or (lambda stage, done, total: None)
        # the keyword delta this run appends to (None: the index is rebuilt at the end)
        self._keyword_delta: KeywordDelta | None = None
        self._facts = FactIndex(settings.facts_path())
        self._new_facts: dict[str, tuple[str, list]] = {}
        # updated documents: doc_id -> the live content hash; older chunks go at the end
        self._stale: dict[str, str] = {}
        # the registry as the run works on it, the stamp it was found at, whether from the
        # local cache, and what the run wrote to it in Chroma since
        self.registry = Registry(MemoryRecords({}))
        self._registry_found: tuple[str, int] = ("", 0)
        self._registry_cached = False
        self._registry_writes: dict[str, DocRecord | None] = {}

    def lock(self, on_wait: Callable[[], None] | None = None) -> WriteLock:
        return WriteLock(lock_path(self.settings), on_wait=on_wait)

    def run(
        self,
        inputs: list[str],
        *,
        prune: bool = False,
        rebuild: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        items, skipped, missing = discover(inputs, Path(self.settings.corpus_dir))
        for s in missing:
            report.results.append(
                FileResult(s.source, "failed", error=s.reason, hint="Check the path.")
            )
        self._store_items(items, report, prune=prune, rebuild=rebuild, on_wait=on_wait)
        report.results.extend(FileResult(s.source, "skipped", error=s.reason) for s in skipped)
        report.results.sort(key=lambda r: r.source)
        report.seconds = time.perf_counter() - started
        return report

    def run_loaded(
        self, documents: Sequence[LoadedInput], *, on_wait: Callable[[], None] | None = None
    ) -> IngestReport:
        """Ingest documents the caller has already fetched and read (news-feed items), with
        the same checks, write order and lock as `run`. Nothing is written for an empty list."""
        started = time.perf_counter()
        report = IngestReport()
        if documents:
            self._store_items(list(documents), report, prune=False, rebuild=False, on_wait=on_wait)
        report.results.sort(key=lambda r: r.source)
        report.seconds = time.perf_counter() - started
        return report

    def remove(
        self, sources: Sequence[str], *, on_wait: Callable[[], None] | None = None
    ) -> IngestReport:
        """Remove documents by their source, as a prune of exactly those documents: registry
        record and chunks go, a duplicate whose original goes is dropped too, and the revision,
        the keyword index and the market facts move with them. An unknown source is "failed".
        Files on disk are left alone: ingesting their folder again adds them back."""
        started = time.perf_counter()
        report = IngestReport()
        self._store_items(
            [], report, prune=False, rebuild=False, on_wait=on_wait, remove=tuple(sources)
        )
        report.results.sort(key=lambda r: r.source)
        report.seconds = time.perf_counter() - started
        return report

    def _store_items(
        self,
        items: list[Input],
        report: IngestReport,
        *,
        prune: bool,
        rebuild: bool,
        on_wait: Callable[[], None] | None,
        remove: Sequence[str] = (),
    ) -> None:
        with self.lock(on_wait), self.timer.current():
            try:
                self._store_locked(items, report, prune=prune, rebuild=rebuild, remove=remove)
            finally:
                self.registry.close()

    def _store_locked(
        self,
        items: list[Input],
        report: IngestReport,
        *,
        prune: bool,
        rebuild: bool,
        remove: Sequence[str],
    ) -> None:
        with stage("write"):
            if rebuild:
                self.store.reset()
            self.store.ensure_manifest(
                embedder=self.embedder.name,
                dimension=self.embedder.dimension,
                chunk_size=self.settings.chunk_size,
                chunk_overlap=self.settings.chunk_overlap,
            )
            if self.store.interrupted:
                report.repaired_chunks = self.store.repair()
            cached = self._read_registry()
            self._registry_writes = self.store.track_registry_writes()
        with stage("index"):
            self._start_keyword_update(registry_cached=cached)
            facts_in_step = self._facts.revision == self.store.revision
        self._new_facts = {}
        with stage("write"):
            self.store.begin_write()
        # A crash from here on leaves state "writing": the next run repairs, and readers
        # rebuild the keyword index because its revision no longer matches.
        if prune:
            report.results.extend(self._prune())
        if remove:
            report.results.extend(self._remove(remove))
        self._stale = {}
        self._process(items, report)
        report.retagged_documents, left = self._retag()
        with stage("write"):
            if self._stale:
                self.store.begin_write()  # readers reload the registry before chunks go
                for doc_id, content_hash in self._stale.items():
                    self.store.delete_stale_chunks(doc_id, content_hash)
            revision = self.store.end_write(
                last_ingest=_now(), recogniser=None if left else RECOGNISER_VERSION
            )
        with stage("index"):
            self._rebuild_keyword_index(revision)
            self._save_registry_cache()
            self._update_facts(revision, in_step=facts_in_step and not rebuild)

    def _read_registry(self) -> bool:
        """Open the registry: the local cache when it is of this store's current revision (the
        caller holds the write lock, so it cannot move), read on demand; else read whole from
        Chroma. True if cached."""
        self.registry.close()
        self._registry_found = self.store.stamp()
        cached = RegistryCache(self.settings.registry_cache_path()).open(self._registry_found)
        self._registry_cached = cached is not None
        self.registry = Registry(
            cached if cached is not None else MemoryRecords(self.store.documents())
        )
        return self._registry_cached

    def _save_registry_cache(self) -> None:
        """Bring the local cache to the revision the run ends at: this run's writes applied to
        the cache it found, else (no usable cache) the whole registry written."""
        cache = RegistryCache(self.settings.registry_cache_path())
        stamp = self.store.stamp()
        if self._registry_cached and cache.update(
            self._registry_found, stamp, self._registry_writes
        ):
            return
        cache.save(stamp, self._registry_after_run())

    def _after_run(self, doc_id: str) -> DocRecord | None:
        """A document's record as this run left it in Chroma."""
        if doc_id in self._registry_writes:
            return self._registry_writes[doc_id]
        return self.registry.found(doc_id)

    def _registry_after_run(self) -> dict[str, DocRecord]:
        """The whole registry as this run left it in Chroma: as found, plus this run's writes
        (read whole: for rebuilds, not for one article)."""
        return with_changes(self.registry.all_found(), self._registry_writes)

    # --- prune ---------------------------------------------------------------------------

    def _prune(self) -> list[FileResult]:
        gone = {
            doc_id
            for doc_id, rec in self.registry.items()
            if rec.path and not Path(rec.path).exists()
        }
        # a dropped duplicate whose file is still there is stored afresh by this run
        return [
            FileResult(rec.source, "removed", title=rec.title)
            for rec in self._drop(gone)
            if not rec.path or not Path(rec.path).exists()
        ]

    def _remove(self, sources: Sequence[str]) -> list[FileResult]:
        by_source = {rec.source: doc_id for doc_id, rec in self.registry.items()}
        source_of = {doc_id: rec.source for doc_id, rec in self.registry.items()}
        results = [
            FileResult(
                source,
                "failed",
                error="no document with this source in the store",
                hint="See the stored sources with `python -m kb stats --json`.",
            )
            for source in dict.fromkeys(sources)
            if source not in by_source
        ]
        for rec in self._drop({by_source[s] for s in sources if s in by_source}):
            results.append(
                FileResult(
                    rec.source,
                    "removed",
                    chunks=rec.chunks,
                    title=rec.title,
                    duplicate_of=source_of.get(rec.duplicate_of, ""),
                )
            )
        return results

    def _drop(self, gone: set[str]) -> list[DocRecord]:
        """Delete these documents, and every duplicate of one of them, from the registry and
        the store; returns their records, by source."""
        # a duplicate whose original goes is dropped too (it has no chunks of its own)
        gone = gone | {d for d, rec in self.registry.items() if rec.duplicate_of in gone}
        dropped = []
        for doc_id in sorted(gone, key=lambda d: self.registry[d].source):
            dropped.append(self.registry.pop(doc_id))
            self.store.delete_document(doc_id)
        return dropped

    # --- processing ----------------------------------------------------------------------

    def _process(self, items: list[Input], report: IngestReport) -> None:
        queue = list(items)
        requeued: set[str] = set()
        by_source = {i.source: i for i in items}
        while queue:
            pending: list[_Pending] = []
            pending_chunks = 0
            total = len(queue)
            for done, (item, outcome) in enumerate(self._prepared(queue), start=1):
                self.progress("files", done, total)
                if isinstance(outcome, LoadError):
                    report.results.append(
                        FileResult(item.source, "failed", error=outcome.message, hint=outcome.hint)
                    )
                    continue
                if isinstance(outcome, FileResult):
                    report.results.append(outcome)
                    continue
                pending.append(outcome)
                pending_chunks += len(outcome.chunks)
                if pending_chunks >= _WRITE_BATCH:
                    self._write(pending, report)
                    pending, pending_chunks = [], 0
            self._write(pending, report)
            # duplicates whose original changed or went away are stored afresh
            records = ((s, self.registry.get(doc_id_for(s))) for s in by_source)
            stale = [
                by_source[source]
                for source, rec in records
                if rec is not None
                and rec.status == "duplicate"
                and rec.source == source
                and source not in requeued
                and self._original_hash(rec) != (rec.original_hash or rec.content_hash)
            ]
            for item in stale:
                requeued.add(item.source)
                self.registry.pop(doc_id_for(item.source), None)
                report.results = [r for r in report.results if r.source != item.source]
            queue = stale

    def _prepared(
        self, queue: list[Input]
    ) -> Iterator[tuple[Input, _Pending | FileResult | LoadError]]:
        """Each item with its parsed and chunked outcome, in order. Parsing runs a few files
        ahead in a worker thread, so it overlaps with embedding (ONNX Runtime and torch release
        the GIL); the window is bounded, so memory stays flat however large the corpus."""

        def prepare(item: Input) -> _Pending | FileResult | LoadError:
            with self.timer.current(), stage("parse"):  # on the parse-ahead thread
                try:
                    return self._prepare(item)
                except LoadError as exc:
                    return exc

        items = iter(queue)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-parse") as pool:
            window: deque[tuple[Input, Future]] = deque(
                (item, pool.submit(prepare, item)) for item in islice(items, _PREFETCH)
            )
            while window:
                item, future = window.popleft()
                following = next(items, None)
                if following is not None:
                    window.append((following, pool.submit(prepare, following)))
                yield item, future.result()

    def _original_hash(self, rec: DocRecord) -> str | None:
        original = self.registry.get(rec.duplicate_of)
        return original.content_hash if original and original.status == "stored" else None

    def _read(self, item: Input) -> tuple[Loaded, bytes]:
        if isinstance(item, LoadedInput):
            return item.loaded, item.data
        limit = int(self.settings.max_file_mb * 1_000_000)
        if item.is_url:
            return load_url(item.url or item.source, FetchPolicy.from_settings(self.settings))
        assert item.path is not None
        loader = loader_for(item.path.name)
        try:
            size = item.path.stat().st_size
            if size > limit:
                raise LoadError(
                    item.source,
                    f"file is {size / 1_000_000:.1f} MB, over the {self.settings.max_file_mb:g} "
                    "MB limit",
                    "Split it, or raise the limit with KB_MAX_FILE_MB.",
                )
            data = item.path.read_bytes()
        except OSError as exc:
            raise LoadError(
                item.source,
                f"cannot read the file: {exc.strerror or exc}",
                "Check that the file exists and is readable.",
            ) from exc
        return _Lazy(loader, data, item.source), data  # type: ignore[return-value]

    def _prepare(self, item: Input) -> _Pending | FileResult:
        doc_id = doc_id_for(item.source)
        loaded, data = self._read(item)
        raw_hash = hashlib.sha256(data).hexdigest()
        old = self.registry.get(doc_id)
        path = str(item.path.resolve()) if item.path else ""
        if old and old.path and path and old.path != path and Path(old.path).exists():
            raise LoadError(
                item.source,
                f"another file already has the source name "
                f"{item.source!r} in this store ({old.path})",
                "Rename one of them, or ingest them into different stores.",
            )
        if (
            old
            and old.raw_hash == raw_hash
            and old.reader == READER_VERSION
            and (
                old.status == "stored"
                or self._original_hash(old) == (old.original_hash or old.content_hash)
            )
        ):
            return FileResult(
                item.source,
                "unchanged",
                chunks=old.chunks,
                title=old.title,
                duplicate_of=self._source_of(old.duplicate_of),
            )
        if isinstance(loaded, _Lazy):
            loaded = loaded()
        content_hash = text_hash(loaded.text)
        # no date line: the first dateline-like statement, marked as inferred
        inferred = None if loaded.published else dateline_date(loaded.text, item.source)
        doc = Document(
            doc_id=doc_id,
            source=item.source,
            title=loaded.title,
            text=loaded.text,
            published=loaded.published or inferred,
            publisher=loaded.publisher,
            author=loaded.author,
            url=loaded.url or (item.source if item.is_url else None),
            format=loaded.format,
            page_starts=loaded.page_starts,
            content_hash=content_hash,
        )
        record = DocRecord(
            doc_id=doc_id,
            source=item.source,
            title=doc.title,
            content_hash=content_hash,
            raw_hash=raw_hash,
            published=doc.published,
            publisher=doc.publisher,
            author=doc.author,
            url=doc.url,
            format=doc.format,
            path=path,
            ingested_at=_now(),
            date_inferred=inferred is not None,
            recogniser=RECOGNISER_VERSION,
            reader=READER_VERSION,
        )
        if old and _read_alike(old, record):  # an older reader read the same: stamp it
            stamped = replace(old, raw_hash=raw_hash, path=path, reader=READER_VERSION)
            self.store.put_document(stamped)
            self.registry[doc_id] = stamped
            return FileResult(item.source, "unchanged", chunks=old.chunks, title=old.title)
        original = self.registry.stored_with_hash(content_hash, exclude=doc_id)
        similar = 1.0
        minhash = signature(doc.text)
        if original is None:
            original, similar = self._near_duplicate(doc_id, minhash)
        record = DocRecord(**{**record.__dict__, "minhash": minhash})
        if original is not None:
            dup = DocRecord(
                **{
                    **record.__dict__,
                    "status": "duplicate",
                    "duplicate_of": original.doc_id,
                    "original_hash": original.content_hash,
                }
            )
            if old and old.status == "stored":
                self.store.delete_document(doc_id)
            self.store.put_document(dup)
            self.registry[doc_id] = dup
            return FileResult(
                item.source,
                "duplicate",
                title=doc.title,
                duplicate_of=original.source,
                similarity=round(similar, 3),
            )
        switch_stage("chunk")
        chunks = chunk_document(
            doc,
            self.settings.chunk_size,
            self.settings.chunk_overlap,
            max_chunks=self.settings.max_document_chunks,
        )
        switch_stage("extract")  # all that follows until the chunks are embedded
        rankings, market = _read_facts(chunks)
        record = DocRecord(**{**record.__dict__, "chunks": len(chunks), "rankings": rankings})
        status = "updated" if old else "added"
        # claim the content now so a second copy later in this run is seen as a duplicate
        self.registry[doc_id] = record
        return _Pending(item, doc, record, chunks, status, market)

    # --- re-tagging after a recogniser upgrade ----------------------------------------------

    def _retag(self) -> tuple[int, int]:
        """Re-tag the stored documents whose chunks another recogniser version tagged, from
        their stored chunk texts (no embedding), at most `retag_limit` of them; returns how
        many were, and how many are left for a later run. Nothing is read when the manifest
        says every document is tagged by this version (the usual run)."""
        if self.store.tagged_by == RECOGNISER_VERSION:
            return 0, 0
        todo = {
            doc_id: record
            for doc_id, record in self.registry.items()
            if record.status == "stored" and record.recogniser != RECOGNISER_VERSION
        }
        left = 0
        if self.retag_limit is not None and len(todo) > self.retag_limit:
            left = len(todo) - self.retag_limit
            todo = dict(list(todo.items())[: self.retag_limit])
        if not todo:
            return 0, left
        log.info("re-tagging %d documents (recogniser version %s)", len(todo), RECOGNISER_VERSION)
        done = 0
        self.progress("re-tagging", 0, len(todo))
        with stage("write"):  # reading chunks back; recognition counts as "extract"
            batch: list[list[Chunk]] = []
            for chunks in self._stored_chunks(todo):
                batch.append(chunks)
                if sum(map(len, batch)) >= _RETAG_BATCH:
                    done += self._retag_batch(batch, todo)
                    batch = []
                    self.progress("re-tagging", done, len(todo))
            done += self._retag_batch(batch, todo)
        self.progress("re-tagging", len(todo), len(todo))
        return done, left

    def _stored_chunks(self, todo: dict[str, DocRecord]) -> Iterator[list[Chunk]]:
        """Each document's stored chunks, in order: by their ids (the version's prefix and
        the index) when the records count them, so a few documents are read without a pass
        over the whole store's metadata; else by that pass."""
        if any(not r.chunks for r in todo.values()):
            yield from document_chunks(self.store, {d: r.content_hash for d, r in todo.items()})
            return
        for doc_id, record in todo.items():
            ids = [chunk_id(doc_id, record.content_hash, i) for i in range(record.chunks)]
            chunks = sorted(self.store.get_chunks(ids), key=lambda c: c.index)
            if chunks:
                yield chunks

    def _retag_batch(self, batch: list[list[Chunk]], todo: dict[str, DocRecord]) -> int:
        """Recognise a few documents' chunks again (each document in one batch, as chunking
        does), write the tags that changed, then stamp the records: a crash before the
        stamp leaves them to be re-tagged again. What reads the tags follows: the keyword
        index (their rows written again), rankings in the record, market facts."""
        changed: dict[str, tuple[str, ...]] = {}
        records: list[DocRecord] = []
        retagged: list[Chunk] = []
        for old in batch:
            fresh = entity_tags(old[0].title, [c.text for c in old])
            chunks = [replace(c, entities=t) for c, t in zip(old, fresh, strict=True)]
            changed.update(
                (c.chunk_id, c.entities)
                for c, o in zip(chunks, old, strict=True)
                if c.entities != o.entities
            )
            with stage("extract"):
                rankings, market = _read_facts(chunks)
            record = replace(todo[old[0].doc_id], recogniser=RECOGNISER_VERSION, rankings=rankings)
            self._new_facts[record.doc_id] = (record.content_hash, market)
            records.append(record)
            retagged.extend(chunks)
        self.store.set_chunk_entities(changed)
        if self._keyword_delta is not None:  # their rows replace the saved ones, as an update's
            with stage("index"):
                self._keyword_delta.add_chunks(retagged)
        self.store.put_documents(records)
        for record in records:
            self.registry[record.doc_id] = record
        return len(records)

    def _near_duplicate(self, doc_id: str, minhash: str) -> tuple[DocRecord | None, float]:
        """The stored document this text is a lightly edited copy of (syndication), if any.
        LSH bands of the stored signatures (kept in the registry cache) keep this from
        growing with the store."""
        threshold = self.settings.near_duplicate_threshold
        if threshold > 1 or len(minhash) == 0:
            return None, 0.0
        for match, score in self.registry.similar(minhash, threshold, exclude=doc_id):
            return match, score
        return None, 0.0

    def _source_of(self, doc_id: str) -> str:
        rec = self.registry.get(doc_id)
        return rec.source if rec else ""

    def _write(self, pending: list[_Pending], report: IngestReport) -> None:
        """Embed a batch of documents and store them: all their chunks first, then their
        registry records (which make the new chunks live); any old version's chunks go at the
        end of the run. A crash anywhere in between leaves the old version live and orphans
        to repair."""
        if not pending:
            return
        chunks = [c for p in pending for c in p.chunks]
        self.progress("embedding", 0, len(chunks))
        with stage("embed"):
            vectors = self.embed_chunks(chunks)
        with stage("write"):
            self.store.add_chunks(chunks, vectors)
        if self._keyword_delta is not None:
            with stage("index"):
                self._keyword_delta.add_chunks(chunks)
        with stage("write"):
            self.store.put_documents([p.record for p in pending])
        for p in pending:
            self._new_facts[p.doc.doc_id] = (p.doc.content_hash, p.market_facts)
            if p.status == "updated":  # a new document has no older chunks to delete
                self._stale[p.doc.doc_id] = p.doc.content_hash
            report.chunks_added += len(p.chunks)
            report.results.append(
                FileResult(p.item.source, p.status, chunks=len(p.chunks), title=p.doc.title)
            )
        self.progress("embedding", len(chunks), len(chunks))

    def embed_chunks(self, chunks: list[Chunk]) -> np.ndarray:
        texts = [index_text(c.title, c.text) for c in chunks]
        return self.embedder.embed(texts)

    def _start_keyword_update(self, *, registry_cached: bool) -> None:
        """Take the keyword index of the store as it is now (the saved index's header and
        its delta), to append to rather than rebuild. Its revision must be the store's; so
        must its size, unless the registry came from the cache of this revision (the run
        that saved the cache saved the index just before; counting a large Chroma
        collection takes a while), and the end of the run checks the count anyway."""
        self._keyword_delta = None
        revision = self.store.revision
        count = None if registry_cached else self.store.count()
        directory = self.settings.keyword_dir()
        head = KeywordIndex.head(directory)
        if count == 0:  # an empty store: whatever is saved goes
            head = {"revision": revision, "base_id": "", "size": 0}
        if head is None:
            return
        delta = KeywordDelta.load(delta_path(directory))
        if delta is None or delta.base_id != head["base_id"] or delta.revision < head["revision"]:
            delta = KeywordDelta(head["base_id"], head["revision"], head["size"])
        if delta.revision == revision and count in (None, delta.live_size):
            self._keyword_delta = delta

    def _update_facts(self, revision: int, *, in_step: bool) -> None:
        """Bring the fact index to `revision`: this run's documents replace their older
        facts and removed versions' facts go, when the index was in step at the start of the
        run; else it is rebuilt from the chunks in Chroma."""
        if in_step:  # only the documents this run wrote can have facts of a gone version
            touched = {d: self._after_run(d) for d in self._registry_writes}
            self._facts.apply(
                self._new_facts,
                {d: r.content_hash for d, r in touched.items() if r and r.status == "stored"},
                revision,
                touched=touched,
            )
            self._new_facts = {}
            return
        registry = self._registry_after_run()
        live = {d: r.content_hash for d, r in registry.items() if r.status == "stored"}
        if all(self._new_facts.get(d, ("",))[0] == h for d, h in live.items()):
            # every live document was written by this run (a rebuild): no need to re-read
            self._facts.replace_all(
                ((h, facts) for d, (h, facts) in self._new_facts.items() if live.get(d) == h),
                revision,
            )
        else:
            log.info("rebuilding the fact index from Chroma (revision %s)", revision)
            self._facts.replace_all(extracted(self.store, live), revision)
        self._new_facts = {}

    def _rebuild_keyword_index(self, revision: int) -> None:
        """Bring the keyword index to `revision`: this run's chunks appended to the delta
        (merged into the index once it has grown) when the index the run started from is
        intact, else rebuilt from Chroma. Either way it must hold Chroma's chunk count: the
        run holds the write lock, so a mismatch means something else changed the store."""
        directory = self.settings.keyword_dir()
        delta, self._keyword_delta = self._keyword_delta, None
        if delta is not None:

            def version(record: DocRecord | None) -> tuple[str, int] | None:
                if record is None or record.status != "stored":
                    return None
                return record.content_hash, record.chunks

            written = {}
            for doc_id in self._registry_writes:
                now = version(self._after_run(doc_id))
                written[doc_id] = (version(self.registry.found(doc_id)), now and now[0])
            delta.settle(written)
            delta.deduplicated()
            delta.revision = revision
            if delta.live_size != self.store.count():
                log.info("the store holds other chunks than this run expects; rebuilding")
            elif not delta.due():
                delta.save(delta_path(directory))
                return
            else:
                index = self._merged_keyword_index(delta, revision)
                if index is not None:
                    self._save_keyword_index(index)
                    return
                log.info("keyword index merge did not match Chroma; rebuilding it")
        self._save_keyword_index(KeywordIndex.build(self.store, revision))

    def _merged_keyword_index(self, delta: KeywordDelta, revision: int) -> KeywordIndex | None:
        directory = self.settings.keyword_dir()
        if delta.base_id:
            base = KeywordIndex.load(directory, with_tokens=True)
            if base is None or base.base_id != delta.base_id:
                return None
        else:
            base = KeywordIndex.empty()
        return base.merged(delta, revision)

    def _save_keyword_index(self, index: KeywordIndex) -> None:
        """Save a whole index; the delta of the one it replaces no longer applies."""
        index.save(self.settings.keyword_dir())
        delta_path(self.settings.keyword_dir()).unlink(missing_ok=True)


# what a reader gives a document: a re-read that gives the same needs no new chunks
_READ_FIELDS = ("content_hash", "title", "published", "publisher", "author", "url", "format")


def _read_alike(old: DocRecord, new: DocRecord) -> bool:
    """Whether a stored document, read again (by a newer reader), reads the same."""
    return (
        old.status == "stored"
        and old.date_inferred == new.date_inferred
        and all(getattr(old, f) == getattr(new, f) for f in _READ_FIELDS)
    )


def _read_facts(chunks: list[Chunk]) -> tuple[str, list]:
    """What a document's chunks say that its record and the fact index keep: its ranking
    facts (as the record's JSON) and its market facts. Both read the chunks' entity tags."""
    facts = extract_rankings(chunks) if names_a_leaderboard(chunks) else []
    return facts_to_json(facts), extract_facts(chunks)


class _Lazy:
    """Parse only when needed: an unchanged file is recognised by its bytes alone."""

    def __init__(self, loader: Callable[[bytes, str], Loaded], data: bytes, source: str) -> None:
        self.loader, self.data, self.source = loader, data, source

    def __call__(self) -> Loaded:
        try:
            return self.loader(self.data, self.source)
        except KBError:
            raise
        except RecursionError as exc:
            raise LoadError(self.source, "the document is nested too deeply to parse") from exc
        except Exception as exc:  # a parser bug must not stop the batch
            log.exception("loader crashed on %s", self.source)
            raise LoadError(
                self.source,
                f"could not be parsed ({type(exc).__name__}: {exc})",
                "Please report this file as a bug.",
            ) from exc


def bring_facts_current(
    settings: Settings,
    store: ChromaStore | None = None,
    on_wait: Callable[[], None] | None = None,
) -> bool:
    """Rebuild the fact index from the chunks in Chroma when it is not of the store's revision
    and this extractor, for a command that writes no document (`--if-empty` on a store that
    has some, a feed refresh): so an upgrade's rebuild happens at ingest, not at the first
    question. Nothing for a store with no chunks. True when it rebuilt."""
    store = store or ChromaStore(settings)
    if not store.count():
        return False

    def live() -> dict[str, str]:
        documents = RegistryCache(settings.registry_cache_path()).load(store.stamp())
        if documents is None:
            documents = store.documents()
        return {d: r.content_hash for d, r in documents.items() if r.status == "stored"}

    return bring_current(store, settings.facts_path(), live, lock_path(settings), on_wait)


def ingest(
    inputs: list[str],
    settings: Settings,
    embedder: Embedder,
    *,
    prune: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs into the store the settings point at."""
    return Ingestor(settings, embedder, progress=progress).run(inputs, prune=prune, rebuild=rebuild)


__all__ = [
    "FileResult",
    "IngestReport",
    "Ingestor",
    "LoadedInput",
    "Skipped",
    "bring_facts_current",
    "ingest",
    "text_hash",
]
