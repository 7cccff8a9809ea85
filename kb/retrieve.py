"""Hybrid retrieval: dense search in Chroma plus BM25 keyword search, fused by weighted
reciprocal rank, restricted to live chunks, filtered and diversified."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from kb.filters import Filters
from kb.keyword import KeywordIndex
from kb.query import exact_phrases
from kb.settings import Settings
from kb.store import ChromaStore
from kb.text import normalize, tokenize
from kb.types import Chunk, Hit

__all__ = ["Filters", "Retriever"]


class Retriever:
    """Finds the chunks most likely to answer a query."""

    def __init__(
        self,
        store: ChromaStore,
        keyword: KeywordIndex,
        embed_query: Callable[[str], np.ndarray],
        settings: Settings,
        live: dict[str, str],
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.embed_query = embed_query
        self.settings = settings
        self.live = live  # doc_id -> content hash of the version that is live
        # the keyword path runs beside the dense query (see `search`): threads made as
        # concurrent searches need them, ended when the retriever (its view) is collected
        self._beside = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kb-keyword")

    def _is_live(self, chunk: Chunk) -> bool:
        return self.live.get(chunk.doc_id) == chunk.content_hash

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
        extra_terms: Sequence[str] = (),
        per_doc: int | None = None,
        names: Sequence[str] = (),
    ) -> list[Hit]:
        """The top `k` chunks for `query`, at most `per_doc` (default the setting) from one
        document, then any capped chunk worth reading (see `_with_neighbours`)."""
        settings = self.settings
        k = k or settings.top_k
        cap = per_doc or settings.max_chunks_per_doc
        filters = filters or Filters()
        n = settings.candidates
        vector = self.embed_query(query) if query_vector is None else query_vector

        mask = filters.mask(self.keyword)
        tokens = tokenize(query) + list(extra_terms)
        phrases = exact_phrases(query)
        # BM25 (numpy) runs beside Chroma's nearest-neighbour query (its Rust core): on two
        # cores they overlap. Chroma's own requests stay on this thread: run side by side,
        # they slowed each other (measured at 1M chunks).
        keyword_path = self._beside.submit(self._keyword_candidates, tokens, n, mask)
        nearest = self.store.nearest(vector, n, filters.where(self.keyword.publisher_spellings))
        keyword = keyword_path.result()
        named, named_docs = self._naming(names, n, mask)
        # A candidate's text is needed only if it is a hit, or when phrases are searched for:
        # until then its document, version and entity tags come from the keyword index, so
        # without phrases only the hits are read from Chroma (at 1M chunks, reading 40
        # chunks' metadata cost more than the nearest-neighbour search itself). A keyword
        # candidate Chroma does not hold is dropped before ranking, as a read of all did.
        index = self.keyword
        near_ids = [cid for cid, _ in nearest]
        tags = dict(zip(near_ids, index.rows_of(near_ids), strict=True))
        if not phrases:  # (with phrases, the read of every candidate tells)
            held = self.store.existing([cid for cid, _, _ in keyword if cid not in tags])
            keyword = [row for row in keyword if row[0] in tags or row[0] in held]
        # (under an entity filter the dense candidates' tags are Chroma's own, as before)
        read = [cid for cid in near_ids if phrases or filters.entities or tags[cid] is None]
        read += [cid for cid, _, _ in keyword if phrases and cid not in tags]
        by_id: dict[str, Chunk] = {c.chunk_id: c for c in self.store.get_chunks(read)}
        # with phrases every candidate was read: one Chroma did not return is gone
        unread = {} if phrases else {cid: m for cid, _, m in keyword if cid not in by_id}
        for cid in near_ids:
            row = tags[cid]
            if cid not in by_id and row is not None:
                unread[cid] = (index.doc_ids[row], index.content_hashes[row])

        def admitted(cid: str) -> bool:
            if cid in by_id:
                chunk = by_id[cid]
                return self._is_live(chunk) and filters.admits_entities(chunk.entities)
            row = tags[cid]
            return (
                row is not None
                and self.live.get(index.doc_ids[row]) == index.content_hashes[row]
                and filters.admits_entities(
                    tuple(e for e in (index.entities[row] or "").split("|") if e)
                )
            )

        dense = [(cid, sim) for cid, sim in nearest if admitted(cid)]
        # the one document holding the question's rare name may give more of the top k (an
        # FAQ page's answer is in any of its chunks; no other article can be about the name)
        sole = next(iter(named_docs)) if len(named_docs) == 1 else None
        hits, capped = self._ranked(dense, keyword, by_id, unread, phrases, k, cap, named, sole)
        floor = hits[-1].score if hits and len(hits) >= k else None
        maybe = [h for h in capped if floor is not None and h.score > floor]
        wanted = [h.chunk.chunk_id for h in hits + maybe if h.chunk.chunk_id not in by_id]
        if wanted:
            for chunk in self.store.get_chunks(wanted):
                by_id[chunk.chunk_id] = chunk
            if all(cid in by_id for cid in wanted):
                return _with_neighbours(
                    [replace(h, chunk=by_id[h.chunk.chunk_id]) for h in hits],
                    [replace(h, chunk=by_id[h.chunk.chunk_id]) for h in maybe],
                )
            # a chosen chunk that left Chroma since it was found (an ingest moving on): read
            # them all and rank again
            for chunk in self.store.get_chunks([cid for cid in unread if cid not in by_id]):
                by_id[chunk.chunk_id] = chunk
            dense = [(cid, sim) for cid, sim in nearest if cid in by_id and admitted(cid)]
            hits, capped = self._ranked(dense, keyword, by_id, {}, phrases, k, cap, named, sole)
            floor = hits[-1].score if hits and len(hits) >= k else None
            maybe = [h for h in capped if floor is not None and h.score > floor]
        return _with_neighbours(hits, maybe)

    def _ranked(
        self,
        dense: list[tuple[str, float]],
        keyword: list[tuple[str, float, tuple[str, str]]],
        by_id: dict[str, Chunk],
        unread: dict[str, tuple[str, str]],
        phrases: Sequence[re.Pattern[str]],
        k: int,
        cap: int,
        named: frozenset[str] = frozenset(),
        sole: str | None = None,
    ) -> tuple[list[Hit], list[Hit]]:
        """Both paths fused by weighted reciprocal rank, live chunks only: the top `k`, at
        most `cap` per document, and the candidates the cap passed over on the way (best
        first). A chunk of `unread` (its doc id and content hash) is a stand-in without
        text."""
        settings = self.settings

        def doc_of(cid: str) -> tuple[str, str]:
            if cid in by_id:
                return by_id[cid].doc_id, by_id[cid].content_hash
            return unread[cid]

        listed = [
            (cid, s)
            for cid, s, _ in keyword
            if (cid in by_id or cid in unread) and self.live.get(doc_of(cid)[0]) == doc_of(cid)[1]
        ]

        scores: dict[str, float] = {}
        dense_rank: dict[str, int] = {}
        keyword_rank: dict[str, int] = {}
        similarity: dict[str, float] = {}
        for rank, (cid, sim) in enumerate(dense, start=1):
            dense_rank[cid] = rank
            similarity[cid] = sim
            scores[cid] = settings.dense_weight / (settings.rrf_k + rank)
        for rank, (cid, _) in enumerate(listed, start=1):
            keyword_rank[cid] = rank
            scores[cid] = scores.get(cid, 0.0) + settings.keyword_weight / (settings.rrf_k + rank)

        # Exact phrases ("$52.7 billion", "Seedance 2.0", "H100") must win where embeddings
        # blur them: a chunk containing one counts as if ranked first on one more path.
        if phrases:
            bonus = settings.keyword_weight / (settings.rrf_k + 1)
            for cid in scores:
                text = normalize(f"{by_id[cid].title} {by_id[cid].text}")
                scores[cid] += bonus * sum(1 for p in phrases if p.search(text))

        # A chunk that holds a rare name the question asks about ("Mobileye") counts as if
        # ranked first on one more path: found by one path only, it lost to chunks both
        # paths found lower down.
        for cid in named & scores.keys():
            scores[cid] += settings.keyword_weight / (settings.rrf_k + 1)

        ranked = sorted(scores, key=lambda cid: -scores[cid])
        sole_cap = max(cap, k * SOLE_DOCUMENT_SHARE // 3)

        def hit(cid: str, doc_id: str, content_hash: str) -> Hit:
            return Hit(
                chunk=by_id.get(cid) or _stand_in(cid, doc_id, content_hash),
                score=scores[cid],
                dense_rank=dense_rank.get(cid),
                keyword_rank=keyword_rank.get(cid),
                dense_similarity=similarity.get(cid),
            )

        hits: list[Hit] = []
        capped: list[Hit] = []
        taken_from: dict[str, int] = {}
        for cid in ranked:
            doc_id, content_hash = doc_of(cid)
            if taken_from.get(doc_id, 0) >= (sole_cap if doc_id == sole else cap):
                capped.append(hit(cid, doc_id, content_hash))
                continue
            taken_from[doc_id] = taken_from.get(doc_id, 0) + 1
            hits.append(hit(cid, doc_id, content_hash))
            if len(hits) >= k:
                break
        return hits, capped

    def _naming(
        self, names: Sequence[str], n: int, mask: np.ndarray | None
    ) -> tuple[frozenset[str], frozenset[str]]:
        """Chunks holding one of the question's rare names (tokens in at most 2% of chunks,
        or 3), and their documents: a common name ("OpenAI") tells nothing apart."""
        index = self.keyword
        rare = [t for t in names if 0 < index.doc_freq.get(t, 0) <= max(3, index.size // 50)]
        if not rare:
            return frozenset(), frozenset()
        rows = [i for i, _ in index.search_rows(rare, n, mask)]
        return frozenset(index.ids[i] for i in rows), frozenset(index.doc_ids[i] for i in rows)

    def _keyword_candidates(
        self, tokens: list[str], n: int, mask: np.ndarray | None
    ) -> list[tuple[str, float, tuple[str, str]]]:
        """The top `n` BM25 (chunk id, score, (doc id, content hash))."""
        index = self.keyword
        return [
            (index.ids[i], s, (index.doc_ids[i], index.content_hashes[i]))
            for i, s in index.search_rows(tokens, n, mask)
        ]


# thirds of the top k the one document naming the question's rare name may fill (4 of 6)
SOLE_DOCUMENT_SHARE = 2


def _with_neighbours(hits: list[Hit], capped: list[Hit]) -> list[Hit]:
    """The hits, then the capped chunks (those that outscored the k-th hit) lying between two
    chunks of their document that are in.

    Diversity caps a document's chunks in the top k, but a capped chunk between two kept
    ones (the middle of a long table) is still worth reading: it follows the top k, so the
    answerer sees it and the ranking keeps its spread of documents. An opening paragraph
    left out is read on the answerer's second look (`Prepared.wider_hits`)."""
    taken = {(h.chunk.doc_id, h.chunk.index) for h in hits}
    return hits + [
        h
        for h in capped
        if (h.chunk.doc_id, h.chunk.index - 1) in taken
        and (h.chunk.doc_id, h.chunk.index + 1) in taken
    ]


def _stand_in(chunk_id: str, doc_id: str, content_hash: str) -> Chunk:
    """A hit's chunk before its text is read (replaced before `search` returns)."""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=doc_id,
        index=0,
        text="",
        start=0,
        end=0,
        source="",
        title="",
        content_hash=content_hash,
    )
