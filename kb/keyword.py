"""BM25 keyword search over the same chunks as Chroma (local Chroma has no sparse index).

The index is rebuilt from Chroma itself, stamped with the store revision it was built from,
and saved atomically beside the store. A reader whose index is missing, unreadable or from
another revision rebuilds it, so it can never drift from Chroma. bm25s is touched only here.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.store import ChromaStore, published_ord
from kb.text import tokenize

log = logging.getLogger(__name__)

_FORMAT = 2  # bump when tokenisation changes: saved indexes are rebuilt


def index_text(title: str, text: str) -> str:
    """What the keyword path (and the embedder) reads for a chunk: its title, then its text."""
    return f"{title}\n{text}" if title else text


@dataclass
class KeywordIndex:
    """A BM25 index plus the per-chunk fields that filters need."""

    revision: int
    ids: list[str]
    doc_ids: list[str]
    sources: list[str]
    publishers: list[str]
    published: np.ndarray  # int YYYYMMDD, 0 when unknown
    content_hashes: list[str]
    entities: list[str]
    doc_freq: dict[str, int]
    retriever: Any  # bm25s.BM25 or None when empty

    @property
    def size(self) -> int:
        return len(self.ids)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, store: ChromaStore, revision: int | None = None) -> KeywordIndex:
        import bm25s

        revision = store.revision if revision is None else revision
        ids: list[str] = []
        doc_ids: list[str] = []
        sources: list[str] = []
        publishers: list[str] = []
        published: list[int] = []
        hashes: list[str] = []
        entities: list[str] = []
        corpus_tokens: list[list[str]] = []
        doc_freq: Counter[str] = Counter()
        for page_ids, texts, metas in store.iter_chunks():
            for chunk_id, text, meta in zip(page_ids, texts, metas, strict=False):
                meta = meta or {}
                tokens = tokenize(index_text(meta.get("title", ""), text or ""))
                corpus_tokens.append(tokens or [""])
                doc_freq.update(set(tokens))
                ids.append(chunk_id)
                doc_ids.append(meta.get("doc_id", ""))
                sources.append(meta.get("source", ""))
                publishers.append(meta.get("publisher", "") or "")
                published.append(int(meta.get("published_ord") or 0))
                hashes.append(meta.get("content_hash", ""))
                entities.append(meta.get("entities", "") or "")
        retriever = None
        if ids:
            retriever = bm25s.BM25()
            retriever.index(corpus_tokens, show_progress=False)
        return cls(
            revision=revision,
            ids=ids,
            doc_ids=doc_ids,
            sources=sources,
            publishers=publishers,
            published=np.asarray(published, dtype=np.int64),
            content_hashes=hashes,
            entities=entities,
            doc_freq=dict(doc_freq),
            retriever=retriever,
        )

    # --- persistence ----------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write to a temporary folder, then swap it in, so a reader never sees half an index."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keyword-", dir=directory.parent))
        try:
            meta = {
                "format": _FORMAT,
                "revision": self.revision,
                "ids": self.ids,
                "doc_ids": self.doc_ids,
                "sources": self.sources,
                "publishers": self.publishers,
                "published": self.published.tolist(),
                "content_hashes": self.content_hashes,
                "entities": self.entities,
                "doc_freq": self.doc_freq,
            }
            (tmp / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")
            if self.retriever is not None:
                self.retriever.save(str(tmp / "bm25"))
            old = directory.with_name(directory.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            if directory.exists():
                os.replace(directory, old)
            os.replace(tmp, directory)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when it is missing or unreadable."""
        import bm25s

        directory = Path(directory)
        try:
            meta = json.loads((directory / "chunks.json").read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT:
                return None
            retriever = None
            if meta["ids"]:
                retriever = bm25s.BM25.load(str(directory / "bm25"))
            return cls(
                revision=int(meta["revision"]),
                ids=meta["ids"],
                doc_ids=meta["doc_ids"],
                sources=meta["sources"],
                publishers=meta["publishers"],
                published=np.asarray(meta["published"], dtype=np.int64),
                content_hashes=meta["content_hashes"],
                entities=meta.get("entities") or [""] * len(meta["ids"]),
                doc_freq={k: int(v) for k, v in meta["doc_freq"].items()},
                retriever=retriever,
            )
        except Exception as exc:  # missing, truncated or from another version: rebuild
            log.info("keyword index at %s not usable (%s); it will be rebuilt", directory, exc)
            return None

    # --- searching ------------------------------------------------------------------------

    def idf(self, token: str) -> float:
        n = max(1, self.size)
        df = self.doc_freq.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def mask(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        sources: Sequence[str] | None = None,
        publishers: Sequence[str] | None = None,
        entities: Sequence[str] | None = None,
    ) -> np.ndarray | None:
        """Boolean mask of chunks passing the filters, or None when there are no filters."""
        if not (since or until or sources or publishers or entities):
            return None
        keep = np.ones(self.size, dtype=bool)
        if since:
            keep &= self.published >= published_ord(since)
        if until:
            keep &= (self.published <= published_ord(until)) & (self.published > 0)
        if sources:
            wanted = set(sources)
            keep &= np.fromiter((s in wanted for s in self.sources), bool, self.size)
        if publishers:
            wanted_p = {p.lower() for p in publishers}
            keep &= np.fromiter((p.lower() in wanted_p for p in self.publishers), bool, self.size)
        if entities:
            from kb.entities import entity_key, stored_keys

            wanted_e = {entity_key(e) for e in entities}
            keep &= np.fromiter(
                (bool(wanted_e & stored_keys(e.split("|"))) for e in self.entities),
                bool,
                self.size,
            )
        return keep

    def search(
        self, tokens: Sequence[str], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Top `n` (chunk id, BM25 score) for the query tokens, best first; zero scores dropped."""
        if self.retriever is None or not tokens:
            return []
        known = [t for t in tokens if t in self.doc_freq]
        if not known:
            return []
        weight = None if mask is None else mask.astype(np.float32)
        scores = self.retriever.get_scores(list(known), weight_mask=weight)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def load_or_build(
    store: ChromaStore, directory: Path, lock_path: Path | None = None
) -> KeywordIndex:
    """The keyword index for the store's current revision: loaded if fresh, else rebuilt from
    Chroma. A rebuilt index is saved only when no ingest holds `lock_path` (the writer saves
    its own at the end), so a reader never races a writer on disk."""
    from kb.errors import StoreBusyError
    from kb.lock import WriteLock

    revision = store.revision
    index = KeywordIndex.load(directory)
    if index is not None and index.revision == revision and index.size == store.count():
        return index
    log.info("rebuilding the keyword index from Chroma (revision %s)", revision)
    index = KeywordIndex.build(store, revision)
    try:
        if lock_path is None:
            index.save(directory)
        else:
            with WriteLock(lock_path, timeout=0):
                index.save(directory)
    except StoreBusyError:
        pass  # an ingest is running; it will save the index for its final revision
    except OSError as exc:  # a read-only store still answers; it rebuilds next time
        log.warning("could not save the keyword index to %s: %s", directory, exc)
    return index
