"""BM25 keyword search over the same chunks as Chroma (local Chroma has no sparse index).

The index is stamped with the store revision it was built from and saved atomically beside
the store. A reader whose index is missing, unreadable or from another revision rebuilds it
from Chroma, so it can never drift from Chroma.

Each chunk's tokens are kept on disk too (vocabulary ids, beside the BM25 matrix), so an
ingest updates the index instead of re-tokenising the whole store: the rows of chunks still in
Chroma are reused, the new chunks' rows are added, and BM25 is recomputed from token ids. The
update is checked against Chroma's chunk ids; any mismatch falls back to a full rebuild.
bm25s is touched only here.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kb.store import ChromaStore, chunk_metadata, published_ord
from kb.text import tokenize
from kb.types import Chunk

log = logging.getLogger(__name__)

_FORMAT = 3  # bump when tokenisation or the files change: saved indexes are rebuilt
_EMPTY = ""  # the token of a chunk with no tokens (vocabulary id 0)


def _bm25s() -> Any:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # its import sets it to DEBUG
    return bm25s


def index_text(title: str, text: str) -> str:
    """What the keyword path (and the embedder) reads for a chunk: its title, then its text."""
    return f"{title}\n{text}" if title else text


@dataclass
class KeywordRows:
    """Chunk rows of a keyword index under construction: ids, filter fields and token ids."""

    vocab: dict[str, int] = field(default_factory=lambda: {_EMPTY: 0})
    ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    content_hashes: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    tokens: list[np.ndarray] = field(default_factory=list)  # int32 vocabulary ids per chunk

    def add(self, chunk_id: str, text: str, meta: dict[str, Any]) -> None:
        """A chunk as Chroma stores it: its text and metadata."""
        words = tokenize(index_text(meta.get("title", ""), text or ""))
        ids = [self.vocab.setdefault(w, len(self.vocab)) for w in words]
        self._append(chunk_id, meta, np.asarray(ids or [0], dtype=np.int32))

    def add_chunks(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            self.add(chunk.chunk_id, chunk.text, chunk_metadata(chunk))

    def _append(self, chunk_id: str, meta: dict[str, Any], tokens: np.ndarray) -> None:
        self.ids.append(chunk_id)
        self.doc_ids.append(meta.get("doc_id", ""))
        self.sources.append(meta.get("source", ""))
        self.publishers.append(meta.get("publisher", "") or "")
        self.published.append(int(meta.get("published_ord") or 0))
        self.content_hashes.append(meta.get("content_hash", ""))
        self.entities.append(meta.get("entities", "") or "")
        self.tokens.append(tokens)

    def __len__(self) -> int:
        return len(self.ids)


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
    vocab: list[str] = field(default_factory=list)  # token of each vocabulary id
    tokens: np.ndarray | None = None  # every chunk's token ids, one after another
    offsets: np.ndarray | None = None  # chunk i's tokens are tokens[offsets[i]:offsets[i+1]]

    @property
    def size(self) -> int:
        return len(self.ids)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def empty(cls, revision: int = 0) -> KeywordIndex:
        return cls._assemble(KeywordRows(), revision, {})

    @classmethod
    def build(cls, store: ChromaStore, revision: int | None = None) -> KeywordIndex:
        """Tokenise every chunk in Chroma (the full rebuild)."""
        revision = store.revision if revision is None else revision
        rows = KeywordRows()
        for page_ids, texts, metas in store.iter_chunks():
            for chunk_id, text, meta in zip(page_ids, texts, metas, strict=False):
                rows.add(chunk_id, text, meta or {})
        doc_freq: Counter[str] = Counter()
        words = list(rows.vocab)
        for tokens in rows.tokens:
            doc_freq.update(words[t] for t in np.unique(tokens) if t)
        return cls._assemble(rows, revision, dict(doc_freq))

    @classmethod
    def updated(
        cls,
        previous: KeywordIndex,
        added: KeywordRows,
        live_ids: Sequence[str],
        revision: int,
    ) -> KeywordIndex | None:
        """`previous` with the chunks gone from Chroma dropped and `added` (tokenised against
        `previous.vocab`) put in; None unless the result holds exactly Chroma's `live_ids`."""
        if previous.tokens is None or previous.offsets is None:
            return None
        live = set(live_ids)
        new_at = {cid: i for i, cid in enumerate(added.ids)}  # a later copy of an id wins
        if len(live) != len(live_ids) or not set(new_at) <= live:
            return None
        keep = [i for i, cid in enumerate(previous.ids) if cid in live and cid not in new_at]
        if len(keep) + len(new_at) != len(live):
            return None
        kept_set = set(keep)
        rows = KeywordRows(vocab=added.vocab)
        tokens, offsets = previous.tokens, previous.offsets
        for i in keep:
            meta = {
                "doc_id": previous.doc_ids[i],
                "source": previous.sources[i],
                "publisher": previous.publishers[i],
                "published_ord": int(previous.published[i]),
                "content_hash": previous.content_hashes[i],
                "entities": previous.entities[i],
            }
            rows._append(previous.ids[i], meta, tokens[offsets[i] : offsets[i + 1]])
        for i in sorted(new_at.values()):
            meta = {
                "doc_id": added.doc_ids[i],
                "source": added.sources[i],
                "publisher": added.publishers[i],
                "published_ord": added.published[i],
                "content_hash": added.content_hashes[i],
                "entities": added.entities[i],
            }
            rows._append(added.ids[i], meta, added.tokens[i])
        # document frequencies: the previous ones, less the rows that went, plus the new rows
        words = list(added.vocab)
        doc_freq: Counter[str] = Counter(previous.doc_freq)
        for i in range(previous.size):
            if i not in kept_set:
                gone = np.unique(tokens[offsets[i] : offsets[i + 1]])
                doc_freq.subtract(words[t] for t in gone if t)
        for i in new_at.values():
            doc_freq.update(words[t] for t in np.unique(added.tokens[i]) if t)
        return cls._assemble(rows, revision, {w: n for w, n in doc_freq.items() if n > 0})

    def rows_for_update(self) -> KeywordRows:
        """An empty row set that tokenises new chunks against this index's vocabulary."""
        return KeywordRows(vocab={w: i for i, w in enumerate(self.vocab)} or {_EMPTY: 0})

    @classmethod
    def _assemble(cls, rows: KeywordRows, revision: int, doc_freq: dict[str, int]) -> KeywordIndex:
        bm25s = _bm25s()
        lengths = np.fromiter((len(t) for t in rows.tokens), np.int64, len(rows))
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        tokens = np.concatenate(rows.tokens) if rows.tokens else np.zeros(0, np.int32)
        retriever = None
        if rows.ids:
            retriever = bm25s.BM25()
            retriever.index(
                ([t.tolist() for t in rows.tokens], dict(rows.vocab)),
                create_empty_token=False,
                show_progress=False,
            )
        return cls(
            revision=revision,
            ids=rows.ids,
            doc_ids=rows.doc_ids,
            sources=rows.sources,
            publishers=rows.publishers,
            published=np.asarray(rows.published, dtype=np.int64),
            content_hashes=rows.content_hashes,
            entities=rows.entities,
            doc_freq=doc_freq,
            retriever=retriever,
            vocab=list(rows.vocab),
            tokens=tokens.astype(np.int32, copy=False),
            offsets=offsets,
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
            if self.tokens is not None and self.offsets is not None:
                (tmp / "vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")
                np.save(tmp / "tokens.npy", self.tokens)
                np.save(tmp / "offsets.npy", self.offsets)
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
    def load(cls, directory: Path, *, with_tokens: bool = False) -> KeywordIndex | None:
        """The saved index, or None when it is missing or unreadable. Readers leave the token
        rows on disk; an ingest that updates the index asks for them (`with_tokens`)."""
        bm25s = _bm25s()
        directory = Path(directory)
        try:
            meta = json.loads((directory / "chunks.json").read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT:
                return None
            retriever = None
            if meta["ids"]:
                retriever = bm25s.BM25.load(str(directory / "bm25"))
            vocab, tokens, offsets = [], None, None
            if with_tokens:
                vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
                tokens = np.load(directory / "tokens.npy")
                offsets = np.load(directory / "offsets.npy")
                if len(offsets) != len(meta["ids"]) + 1 or offsets[-1] != len(tokens):
                    raise ValueError("token rows do not match the chunk list")
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
                vocab=vocab,
                tokens=tokens,
                offsets=offsets,
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
