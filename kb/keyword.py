"""BM25 keyword search over the same chunks as Chroma (local Chroma has no sparse index).

The index is stamped with the store revision it was built from and saved atomically beside
the store. A reader whose index is missing, unreadable or from another revision rebuilds it
from Chroma, so it can never drift from Chroma.

Each chunk's tokens are kept on disk too (vocabulary ids, beside the BM25 matrix), so a merge
(below) updates the index instead of re-tokenising the whole store: the rows of chunks still
in Chroma are reused, the new chunks' rows are added, and BM25 is recomputed from token ids.
Every update is checked against Chroma's chunk count; any mismatch falls back to a full
rebuild.

Rewriting a large index for every article would make one article's ingest grow with the
store, so an ingest appends to a *delta* instead (`KeywordDelta`, one small file beside the
index): the rows of the chunks it wrote, and the document versions whose rows in the saved
index are gone. The delta names the saved index it extends (a random id each save gets) and
the store revision it brings that index to; a delta of another index or an older revision is
ignored, and the index is then rebuilt from Chroma as before. Once the delta holds more than
`DELTA_SHARE` of the index's rows, the ingest merges it: the whole index is written afresh
and the delta goes. Until then the delta's rows are scored with the saved index's statistics
(document frequencies, average length), as a search engine scores new segments between
merges: their BM25 scores drift from a fresh build's until the merge, most for words new to
the store (scored as if rare).
bm25s is touched only here.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from kb.errors import StoreBusyError
from kb.lock import WriteLock
from kb.store import ChromaStore, chunk_metadata
from kb.text import tokenize
from kb.types import Chunk

log = logging.getLogger(__name__)

_FORMAT = 6  # bump when tokenisation or the files change: saved indexes are rebuilt
_EMPTY = ""  # the token of a chunk with no tokens (vocabulary id 0)
# a delta holding more rows (added plus gone) than this share of the saved index's is merged
# into it: the merge rewrites the index (about 1 s at 100k chunks), so it happens about once
# per this share of new chunks, and the delta's scores stay within it of a fresh build's
DELTA_SHARE = 0.02


def _bm25s() -> Any:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # its import sets it to DEBUG
    return bm25s


def index_text(title: str, text: str) -> str:
    """What the keyword path (and the embedder) reads for a chunk: its title, then its text."""
    return f"{title}\n{text}" if title else text


@dataclass
class KeywordRows:
    """Chunk rows of a keyword index under construction: ids, filter fields and, per chunk,
    its distinct token ids (sorted), how often each occurs, and its length in tokens."""

    vocab: dict[str, int] = field(default_factory=lambda: {_EMPTY: 0})
    ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    content_hashes: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    terms: list[np.ndarray] = field(default_factory=list)  # int32
    counts: list[np.ndarray] = field(default_factory=list)  # int32
    lengths: list[int] = field(default_factory=list)

    def add(self, chunk_id: str, text: str, meta: dict[str, Any]) -> None:
        """A chunk as Chroma stores it: its text and metadata."""
        words = tokenize(index_text(meta.get("title", ""), text or ""))
        ids = [self.vocab.setdefault(w, len(self.vocab)) for w in words] or [0]
        terms, counts = np.unique(np.asarray(ids, dtype=np.int32), return_counts=True)
        self._append(chunk_id, meta, terms, counts.astype(np.int32), len(ids))

    def add_chunks(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            self.add(chunk.chunk_id, chunk.text, chunk_metadata(chunk))

    def _append(
        self,
        chunk_id: str,
        meta: dict[str, Any],
        terms: np.ndarray,
        counts: np.ndarray,
        length: int,
    ) -> None:
        self.ids.append(chunk_id)
        self.doc_ids.append(meta.get("doc_id", ""))
        self.sources.append(meta.get("source", ""))
        self.publishers.append(meta.get("publisher", "") or "")
        self.published.append(int(meta.get("published_ord") or 0))
        self.content_hashes.append(meta.get("content_hash", ""))
        self.entities.append(meta.get("entities", "") or "")
        self.terms.append(terms)
        self.counts.append(counts)
        self.lengths.append(int(length))

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, at: Sequence[int]) -> KeywordRows:
        """These rows only (same vocabulary)."""
        rows = KeywordRows(vocab=self.vocab)
        for name in _ROW_FIELDS:
            values = getattr(self, name)
            setattr(rows, name, [values[i] for i in at])
        return rows

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in _ROW_FIELDS}
        out["terms"] = [t.tolist() for t in self.terms]
        out["counts"] = [c.tolist() for c in self.counts]
        return {**out, "vocab": list(self.vocab)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeywordRows:
        rows = cls(vocab={w: i for i, w in enumerate(data["vocab"])})
        for name in _ROW_FIELDS:
            setattr(rows, name, list(data[name]))
        rows.terms = [np.asarray(t, dtype=np.int32) for t in data["terms"]]
        rows.counts = [np.asarray(c, dtype=np.int32) for c in data["counts"]]
        if len({len(getattr(rows, name)) for name in _ROW_FIELDS}) != 1:
            raise ValueError("keyword rows of different lengths")
        return rows


_ROW_FIELDS = (
    "ids",
    "doc_ids",
    "sources",
    "publishers",
    "published",
    "content_hashes",
    "entities",
    "terms",
    "counts",
    "lengths",
)


def bm25_retriever(
    vocab: dict[str, int],
    terms: np.ndarray,
    counts: np.ndarray,
    offsets: np.ndarray,
    lengths: np.ndarray,
) -> Any:
    """A bm25s retriever over chunks given as term counts (chunk i's distinct token ids are
    terms[offsets[i]:offsets[i+1]]), its BM25 matrix computed in a few array operations.

    bm25s builds the same matrix (its default Lucene variant, k1=1.5, b=0.75) with a Python
    loop over every chunk's token list, which took most of an ingest into a large store; its
    query scoring, saving and loading are used as they are. Tests check both give the same
    scores."""
    import scipy.sparse

    retriever = _bm25s().BM25()
    k1, b = retriever.k1, retriever.b
    n_docs, n_vocab = len(lengths), len(vocab)
    doc_freq = np.bincount(terms, minlength=n_vocab)
    idf = np.zeros(n_vocab, dtype=np.float64)
    seen = doc_freq > 0
    idf[seen] = np.log(1 + (n_docs - doc_freq[seen] + 0.5) / (doc_freq[seen] + 0.5))
    doc_len = np.repeat(lengths.astype(np.float64), np.diff(offsets))
    tf = counts.astype(np.float64)
    tfc = tf / (k1 * ((1 - b) + b * doc_len / max(float(lengths.mean()), 1e-9)) + tf)
    by_doc = scipy.sparse.csr_matrix(
        ((idf[terms] * tfc).astype(np.float32), terms, offsets), shape=(n_docs, n_vocab)
    )
    by_term = by_doc.tocsc()
    retriever.scores = {
        "data": by_term.data.astype(np.float32),
        "indices": by_term.indices.astype(np.int32),
        "indptr": by_term.indptr,
        "num_docs": n_docs,
    }
    retriever.vocab_dict = dict(vocab)
    retriever.unique_token_ids_set = set(vocab.values())
    retriever.nonoccurrence_array = None
    return retriever


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
    # the token rows an ingest updates the index from (see KeywordRows); readers skip them
    vocab: list[str] = field(default_factory=list)  # token of each vocabulary id
    terms: np.ndarray | None = None  # chunk i's distinct token ids: terms[offsets[i]:offsets[i+1]]
    counts: np.ndarray | None = None  # how often each of those occurs
    offsets: np.ndarray | None = None
    lengths: np.ndarray | None = None  # chunk lengths in tokens
    base_id: str = ""  # a new random id each time the index is saved (deltas name it)
    avgdl: float = 0.0  # average chunk length in tokens (scores a delta's rows)
    # with a delta applied (`with_delta`): its rows follow the saved index's, and `gone`
    # marks the saved rows of versions no longer live
    delta: _DeltaScorer | None = None
    gone: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Rows, including saved rows a delta marks gone (filter masks cover them all)."""
        return len(self.ids)

    @property
    def live_size(self) -> int:
        """Rows of chunks in Chroma."""
        return self.size - (int(self.gone.sum()) if self.gone is not None else 0)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def empty(cls, revision: int = 0) -> KeywordIndex:
        return cls._assemble(KeywordRows(), revision)

    @classmethod
    def build(cls, store: ChromaStore, revision: int | None = None) -> KeywordIndex:
        """Tokenise every chunk in Chroma (the full rebuild)."""
        revision = store.revision if revision is None else revision
        rows = KeywordRows()
        for page_ids, texts, metas in store.iter_chunks():
            for chunk_id, text, meta in zip(page_ids, texts, metas, strict=False):
                rows.add(chunk_id, text, meta or {})
        return cls._assemble(rows, revision)

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
        terms, counts = previous.terms, previous.counts
        offsets, lengths = previous.offsets, previous.lengths
        if terms is None or counts is None or offsets is None or lengths is None:
            return None
        live = set(live_ids)
        new_at = {cid: i for i, cid in enumerate(added.ids)}  # a later copy of an id wins
        if len(live) != len(live_ids) or not set(new_at) <= live:
            return None
        keep = [i for i, cid in enumerate(previous.ids) if cid in live and cid not in new_at]
        if len(keep) + len(new_at) != len(live):
            return None
        # the kept rows' token spans gathered with array operations (a store can be large)
        at = np.asarray(keep, dtype=np.int64)
        starts, sizes = offsets[at], offsets[at + 1] - offsets[at]
        kept_offsets = np.zeros(len(at) + 1, dtype=np.int64)
        np.cumsum(sizes, out=kept_offsets[1:])
        gather = np.arange(kept_offsets[-1]) + np.repeat(starts - kept_offsets[:-1], sizes)
        new = sorted(new_at.values())

        every = len(keep) == previous.size  # the usual case: nothing of the index went

        def merged(old: Sequence[Any] | np.ndarray, fresh: Sequence[Any]) -> list[Any]:
            return (list(old) if every else [old[i] for i in keep]) + [fresh[i] for i in new]

        return cls._from_arrays(
            revision,
            vocab=list(added.vocab),
            ids=merged(previous.ids, added.ids),
            doc_ids=merged(previous.doc_ids, added.doc_ids),
            sources=merged(previous.sources, added.sources),
            publishers=merged(previous.publishers, added.publishers),
            published=np.asarray(merged(previous.published, added.published), dtype=np.int64),
            content_hashes=merged(previous.content_hashes, added.content_hashes),
            entities=merged(previous.entities, added.entities),
            terms=np.concatenate([terms[gather], *(added.terms[i] for i in new)]),
            counts=np.concatenate([counts[gather], *(added.counts[i] for i in new)]),
            sizes=np.concatenate([sizes, np.asarray([len(added.terms[i]) for i in new], np.int64)]),
            lengths=np.concatenate(
                [lengths[at], np.asarray([added.lengths[i] for i in new], dtype=np.int64)]
            ),
        )

    def rows_for_update(self) -> KeywordRows:
        """An empty row set that tokenises new chunks against this index's vocabulary."""
        return KeywordRows(vocab={w: i for i, w in enumerate(self.vocab)} or {_EMPTY: 0})

    @classmethod
    def _assemble(cls, rows: KeywordRows, revision: int) -> KeywordIndex:
        n = len(rows)
        return cls._from_arrays(
            revision,
            vocab=list(rows.vocab),
            ids=rows.ids,
            doc_ids=rows.doc_ids,
            sources=rows.sources,
            publishers=rows.publishers,
            published=np.asarray(rows.published, dtype=np.int64),
            content_hashes=rows.content_hashes,
            entities=rows.entities,
            terms=np.concatenate(rows.terms) if n else np.zeros(0, np.int32),
            counts=np.concatenate(rows.counts) if n else np.zeros(0, np.int32),
            sizes=[len(t) for t in rows.terms],
            lengths=np.asarray(rows.lengths, dtype=np.int64),
        )

    @classmethod
    def _from_arrays(
        cls,
        revision: int,
        *,
        vocab: list[str],
        terms: np.ndarray,
        counts: np.ndarray,
        sizes: Sequence[int] | np.ndarray,
        lengths: np.ndarray,
        **fields: Any,
    ) -> KeywordIndex:
        """The index over rows given as arrays: chunk i has `sizes[i]` distinct terms, which
        follow chunk i-1's in `terms` and `counts`."""
        n = len(lengths)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.asarray(sizes, dtype=np.int64), out=offsets[1:])
        words = {w: i for i, w in enumerate(vocab)}
        frequency = np.bincount(terms, minlength=len(vocab))
        doc_freq = {vocab[t]: int(frequency[t]) for t in np.flatnonzero(frequency) if t != 0}
        return cls(
            revision=revision,
            doc_freq=doc_freq,
            avgdl=float(lengths.mean()) if n else 0.0,
            retriever=bm25_retriever(words, terms, counts, offsets, lengths) if n else None,
            vocab=vocab,
            terms=terms.astype(np.int32, copy=False),
            counts=counts.astype(np.int32, copy=False),
            offsets=offsets,
            lengths=lengths,
            **fields,
        )

    # --- persistence ----------------------------------------------------------------------

    _ROW_FILES = ("terms", "counts", "offsets", "lengths")

    def save(self, directory: Path) -> None:
        """Write to a temporary folder, then swap it in, so a reader never sees half an index."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keyword-", dir=directory.parent))
        self.base_id = uuid.uuid4().hex
        try:
            header = {
                "format": _FORMAT,
                "revision": self.revision,
                "base_id": self.base_id,
                "size": self.size,
                "avgdl": self.avgdl,
            }
            # what an ingest needs to know of the index, without reading its chunk list
            (tmp / "header.json").write_bytes(orjson.dumps(header))
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
            # orjson: a large store's chunk list encodes 20 times faster than with json
            (tmp / "chunks.json").write_bytes(orjson.dumps(meta))
            if all(getattr(self, name) is not None for name in self._ROW_FILES):
                (tmp / "vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")
                for name in self._ROW_FILES:
                    np.save(tmp / f"{name}.npy", getattr(self, name))
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
            header = cls.head(directory)
            meta = orjson.loads((directory / "chunks.json").read_bytes())
            if header is None or meta.get("format") != _FORMAT:
                return None
            for name in ("doc_ids", "sources", "publishers", "content_hashes", "entities"):
                _share_repeats(meta.get(name) or [])
            retriever = None
            if meta["ids"]:
                # memory-mapped: a query reads only its terms' columns of the BM25 matrix,
                # so a large store's matrix stays on disk (in the page cache) (issue 19)
                retriever = bm25s.BM25.load(str(directory / "bm25"), mmap=True)
            vocab: list[str] = []
            rows: dict[str, np.ndarray | None] = dict.fromkeys(cls._ROW_FILES)
            if with_tokens:
                vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
                rows = {name: np.load(directory / f"{name}.npy") for name in cls._ROW_FILES}
                offsets = rows["offsets"]
                assert offsets is not None and rows["terms"] is not None
                if len(offsets) != len(meta["ids"]) + 1 or offsets[-1] != len(rows["terms"]):
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
                base_id=str(header["base_id"]),
                avgdl=float(header["avgdl"]),
                terms=rows["terms"],
                counts=rows["counts"],
                offsets=rows["offsets"],
                lengths=rows["lengths"],
            )
        except Exception as exc:  # missing, truncated or from another version: rebuild
            log.info("keyword index at %s not usable (%s); it will be rebuilt", directory, exc)
            return None

    @staticmethod
    def head(directory: Path) -> dict[str, Any] | None:
        """The saved index's header (format, revision, base_id, size, avgdl), read without
        its chunk list; None when missing, unreadable or of another format."""
        try:
            header = orjson.loads((Path(directory) / "header.json").read_bytes())
            if header.get("format") != _FORMAT:
                return None
            return {
                "revision": int(header["revision"]),
                "base_id": str(header["base_id"]),
                "size": int(header["size"]),
                "avgdl": float(header["avgdl"]),
            }
        except Exception:  # missing or truncated: the index is rebuilt
            return None

    @classmethod
    def load_current(cls, directory: Path) -> KeywordIndex | None:
        """The saved index with its delta applied, when the delta extends it (for readers)."""
        index = cls.load(directory)
        if index is None:
            return None
        delta = KeywordDelta.load(delta_path(directory))
        if delta is None or delta.base_id != index.base_id or delta.revision <= index.revision:
            return index
        return index.with_delta(delta)

    def with_delta(self, delta: KeywordDelta) -> KeywordIndex:
        """This index (as saved) with a delta's rows after its own and its gone rows marked."""
        rows = delta.rows
        gone = None
        if delta.dead:
            dead = {(d, h) for d, h, _ in delta.dead}
            gone = np.fromiter(
                ((d, h) in dead for d, h in zip(self.doc_ids, self.content_hashes, strict=True)),
                dtype=bool,
                count=self.size,
            )
            gone = np.concatenate([gone, np.zeros(len(rows), dtype=bool)])
        doc_freq = dict(self.doc_freq)
        words = list(rows.vocab)
        for terms in rows.terms:
            for t in terms.tolist():
                if t != 0:
                    doc_freq[words[t]] = doc_freq.get(words[t], 0) + 1
        return KeywordIndex(
            revision=delta.revision,
            ids=self.ids + rows.ids,
            doc_ids=self.doc_ids + rows.doc_ids,
            sources=self.sources + rows.sources,
            publishers=self.publishers + rows.publishers,
            published=np.concatenate([self.published, np.asarray(rows.published, np.int64)]),
            content_hashes=self.content_hashes + rows.content_hashes,
            entities=self.entities + rows.entities,
            doc_freq=doc_freq,
            retriever=self.retriever,
            base_id=self.base_id,
            avgdl=self.avgdl,
            delta=_DeltaScorer(rows, self.size, self.doc_freq, self.avgdl) if len(rows) else None,
            gone=gone,
        )

    def merged(self, delta: KeywordDelta, revision: int) -> KeywordIndex | None:
        """This index (loaded with its token rows) with the delta merged in, as one index at
        `revision`; None when they do not fit together (then the caller rebuilds)."""
        added = self.rows_for_update()
        vocab = added.vocab
        to_index = np.asarray(
            [vocab.setdefault(w, len(vocab)) for w in delta.rows.vocab], dtype=np.int32
        )
        rows = delta.rows
        if np.array_equal(to_index, np.arange(len(to_index))):
            # the delta's ids are the index's (a first ingest, into an empty index): its rows
            # go in as they are, not copied (a large first ingest holds many)
            added = KeywordRows(vocab=vocab, **{n: getattr(rows, n) for n in _ROW_FIELDS})
        else:
            for i in range(len(rows)):
                ids = to_index[rows.terms[i]]
                order = np.argsort(ids, kind="stable")
                meta = {
                    "doc_id": rows.doc_ids[i],
                    "source": rows.sources[i],
                    "publisher": rows.publishers[i],
                    "published_ord": rows.published[i],
                    "content_hash": rows.content_hashes[i],
                    "entities": rows.entities[i],
                }
                added._append(rows.ids[i], meta, ids[order], rows.counts[i][order], rows.lengths[i])
        dead = {(d, h) for d, h, _ in delta.dead}
        kept = [
            c
            for c, d, h in zip(self.ids, self.doc_ids, self.content_hashes, strict=True)
            if (d, h) not in dead
        ]
        return KeywordIndex.updated(self, added, kept + added.ids, revision)

    # --- searching ------------------------------------------------------------------------

    def idf(self, token: str) -> float:
        n = max(1, self.size)
        df = self.doc_freq.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    @functools.cached_property
    def publisher_spellings(self) -> frozenset[str]:
        """Every publisher as the chunks store it (for filters that fold case)."""
        return frozenset(self.publishers)

    @functools.cached_property
    def _id_hashes(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows sorted by their chunk id's hash, and those hashes (for `rows_of`): 16 bytes
        a row, built on the first lookup (0.2 s at 1M chunks)."""
        hashes = np.fromiter((hash(i) for i in self.ids), dtype=np.int64, count=len(self.ids))
        order = np.argsort(hashes, kind="stable")
        return order, hashes[order]

    def rows_of(self, chunk_ids: Sequence[str]) -> list[int | None]:
        """The row of each chunk id, None for one the index does not hold."""
        order, hashes = self._id_hashes
        out: list[int | None] = []
        for cid in chunk_ids:
            h = hash(cid)
            at = int(np.searchsorted(hashes, h))
            row = None
            while at < len(hashes) and hashes[at] == h:
                if self.ids[int(order[at])] == cid:
                    row = int(order[at])
                    break
                at += 1
            out.append(row)
        return out

    def search(
        self, tokens: Sequence[str], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Top `n` (chunk id, BM25 score) for the query tokens, best first; zero scores dropped."""
        return [(self.ids[i], score) for i, score in self.search_rows(tokens, n, mask)]

    def search_rows(
        self, tokens: Sequence[str], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """`search` as (row, score): a row indexes `ids`, `doc_ids`, `content_hashes`..."""
        if self.retriever is None or not tokens:
            return []
        known = [t for t in tokens if t in self.doc_freq]
        if not known:
            return []
        if self.delta is None and self.gone is None:
            weight = None if mask is None else mask.astype(np.float32)
            scores = self.retriever.get_scores(list(known), weight_mask=weight)
        else:
            scores = self._scores_with_delta(known, mask)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _scores_with_delta(self, known: list[str], mask: np.ndarray | None) -> np.ndarray:
        saved = self.size - (self.delta.size if self.delta else 0)
        scores = np.zeros(self.size, dtype=np.float32)
        if self.retriever is not None:
            vocab = self.retriever.vocab_dict
            in_saved = [t for t in known if t in vocab]
            if in_saved:
                scores[:saved] = self.retriever.get_scores(in_saved)
        if self.delta is not None:
            scores[saved:] = self.delta.scores(known, self.retriever)
        if self.gone is not None:
            scores[self.gone] = 0
        if mask is not None:
            scores *= mask
        return scores


def _share_repeats(values: list[str]) -> None:
    """Make equal strings of a column one object, in place: a document's chunks repeat its
    id, source, publisher and content hash, and as separate objects these took most of a
    million-chunk index's memory (issue 19)."""
    seen: dict[str, str] = {}
    for i, value in enumerate(values):
        values[i] = seen.setdefault(value, value)


def load_or_build(
    store: ChromaStore, directory: Path, lock_path: Path | None = None
) -> KeywordIndex:
    """The keyword index for the store's current revision: loaded if fresh, else rebuilt from
    Chroma. A rebuilt index is saved only when no ingest holds `lock_path` (the writer saves
    its own at the end), so a reader never races a writer on disk."""
    revision = store.revision
    index = KeywordIndex.load_current(directory)
    if index is not None and index.revision == revision and index.live_size == store.count():
        return index
    log.info("rebuilding the keyword index from Chroma (revision %s)", revision)
    index = KeywordIndex.build(store, revision)
    try:
        if lock_path is None:
            index.save(directory)
            delta_path(directory).unlink(missing_ok=True)  # it extended the index replaced
        else:
            with WriteLock(lock_path, timeout=0):
                index.save(directory)
                delta_path(directory).unlink(missing_ok=True)
    except StoreBusyError:
        pass  # an ingest is running; it will save the index for its final revision
    except OSError as exc:  # a read-only store still answers; it rebuilds next time
        log.warning("could not save the keyword index to %s: %s", directory, exc)
    return index


def delta_path(directory: Path) -> Path:
    """Where the delta of the index saved in `directory` lives: beside it (a save replaces
    the folder whole)."""
    directory = Path(directory)
    return directory.with_name(directory.name + "-delta.json")


@dataclass
class KeywordDelta:
    """What ingests wrote since the index `base_id` was saved: the rows of the chunks they
    added (`rows`, tokenised against a vocabulary of their own), and the document versions
    whose saved rows are gone (`dead`: doc id, content hash, chunks). It brings that index
    to `revision`."""

    base_id: str
    revision: int
    base_size: int  # rows of the saved index
    rows: KeywordRows = field(default_factory=KeywordRows)
    dead: list[list[Any]] = field(default_factory=list)
    # the versions whose rows the delta held before this ingest appended to it
    _earlier: set[tuple[str, str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._earlier = set(zip(self.rows.doc_ids, self.rows.content_hashes, strict=True))

    @property
    def live_size(self) -> int:
        """Chunks the saved index plus this delta hold (Chroma's count when in step)."""
        return self.base_size - sum(n for _, _, n in self.dead) + len(self.rows)

    def due(self) -> bool:
        """Whether it has grown enough to be merged into the index."""
        return len(self.rows) + sum(n for _, _, n in self.dead) > DELTA_SHARE * self.base_size

    def add_chunks(self, chunks: Iterable[Chunk]) -> None:
        self.rows.add_chunks(chunks)

    def settle(self, written: dict[str, tuple[tuple[str, int] | None, str | None]]) -> None:
        """Record what an ingest wrote: per document, the version it had (content hash,
        chunks; None when it had no chunks) and its live hash now (None: no chunks). Rows of
        other versions go. An index in step with the store holds one copy of each live
        chunk: the version a document had is either in this delta's earlier rows or in the
        saved index, whose rows of it go whether the version changed or was written again
        (the new rows replace them)."""
        versions = zip(self.rows.doc_ids, self.rows.content_hashes, strict=True)
        keep = [i for i, (d, h) in enumerate(versions) if d not in written or h == written[d][1]]
        if len(keep) != len(self.rows):
            self.rows = self.rows.subset(keep)
        for doc_id, (was, _) in written.items():
            if was is not None and (doc_id, was[0]) not in self._earlier:
                self.dead.append([doc_id, was[0], was[1]])

    def deduplicated(self) -> None:
        """A chunk written twice (one document twice in a run) keeps its later row."""
        last = {cid: i for i, cid in enumerate(self.rows.ids)}
        if len(last) != len(self.rows):
            self.rows = self.rows.subset(sorted(last.values()))

    @classmethod
    def load(cls, path: Path) -> KeywordDelta | None:
        """The saved delta, or None when missing or unreadable."""
        try:
            data = orjson.loads(Path(path).read_bytes())
            if data.get("format") != _FORMAT:
                return None
            return cls(
                base_id=str(data["base_id"]),
                revision=int(data["revision"]),
                base_size=int(data["base_size"]),
                rows=KeywordRows.from_json(data["rows"]),
                dead=list(data["dead"]),
            )
        except FileNotFoundError:
            return None
        except Exception as exc:  # truncated or from another version: rebuilt
            log.info("keyword delta at %s not usable (%s); ignoring it", path, exc)
            return None

    def save(self, path: Path) -> None:
        """Write atomically (a reader never sees half a delta)."""
        data = {
            "format": _FORMAT,
            "base_id": self.base_id,
            "revision": self.revision,
            "base_size": self.base_size,
            "rows": self.rows.to_json(),
            "dead": self.dead,
        }
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=".keyword-delta-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(orjson.dumps(data))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class _DeltaScorer:
    """BM25 scores of a delta's rows, with the saved index's statistics (its chunk count,
    document frequencies and average length), the way bm25s scores the saved rows."""

    def __init__(
        self, rows: KeywordRows, saved: int, doc_freq: dict[str, int], avgdl: float
    ) -> None:
        self.size = len(rows)
        self._saved, self._doc_freq = saved, doc_freq
        self._avgdl = max(avgdl, 1e-9)
        self._vocab = rows.vocab
        self._postings: dict[int, tuple[list[int], list[float]]] = {}
        for i, (terms, counts) in enumerate(zip(rows.terms, rows.counts, strict=True)):
            for t, count in zip(terms.tolist(), counts.tolist(), strict=True):
                at, tf = self._postings.setdefault(t, ([], []))
                at.append(i)
                tf.append(float(count))
        self._lengths = np.asarray(rows.lengths, dtype=np.float64)

    def scores(self, tokens: Sequence[str], retriever: Any) -> np.ndarray:
        k1 = retriever.k1 if retriever is not None else 1.5
        b = retriever.b if retriever is not None else 0.75
        out = np.zeros(self.size, dtype=np.float64)
        n = self._saved
        for token in tokens:
            found = self._postings.get(self._vocab.get(token, -1))
            if found is None:
                continue
            at, tf = np.asarray(found[0]), np.asarray(found[1])
            df = self._doc_freq.get(token, 0)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            norm = k1 * ((1 - b) + b * self._lengths[at] / self._avgdl)
            out[at] += idf * tf / (norm + tf)
        return out.astype(np.float32)
