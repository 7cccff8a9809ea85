"""Hybrid retrieval: dense search in Chroma plus BM25 keyword search, fused by weighted
reciprocal rank, restricted to live chunks, filtered and diversified."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
    ) -> list[Hit]:
        """The top `k` chunks for `query`, at most `per_doc` (default the setting) from one
        document, then any capped chunk worth reading (see below)."""
        settings = self.settings
        k = k or settings.top_k
        cap = per_doc or settings.max_chunks_per_doc
        filters = filters or Filters()
        n = settings.candidates
        vector = self.embed_query(query) if query_vector is None else query_vector

        dense = [
            (chunk, sim)
            for chunk, sim in self.store.query(
                vector, n, filters.where(self.keyword.publisher_spellings)
            )
            if self._is_live(chunk) and filters.admits_entities(chunk.entities)
        ]
        mask = filters.mask(self.keyword)
        tokens = tokenize(query) + list(extra_terms)
        keyword = self.keyword.search(tokens, n, mask)

        by_id: dict[str, Chunk] = {c.chunk_id: c for c, _ in dense}
        missing = [cid for cid, _ in keyword if cid not in by_id]
        for chunk in self.store.get_chunks(missing):
            by_id[chunk.chunk_id] = chunk
        keyword = [(cid, s) for cid, s in keyword if cid in by_id and self._is_live(by_id[cid])]

        scores: dict[str, float] = {}
        dense_rank: dict[str, int] = {}
        keyword_rank: dict[str, int] = {}
        similarity: dict[str, float] = {}
        for rank, (chunk, sim) in enumerate(dense, start=1):
            dense_rank[chunk.chunk_id] = rank
            similarity[chunk.chunk_id] = sim
            scores[chunk.chunk_id] = settings.dense_weight / (settings.rrf_k + rank)
        for rank, (cid, _) in enumerate(keyword, start=1):
            keyword_rank[cid] = rank
            scores[cid] = scores.get(cid, 0.0) + settings.keyword_weight / (settings.rrf_k + rank)

        # Exact phrases ("$52.7 billion", "Seedance 2.0", "H100") must win where embeddings
        # blur them: a chunk containing one counts as if ranked first on one more path.
        phrases = exact_phrases(query)
        if phrases:
            bonus = settings.keyword_weight / (settings.rrf_k + 1)
            for cid in scores:
                text = normalize(f"{by_id[cid].title} {by_id[cid].text}")
                scores[cid] += bonus * sum(1 for p in phrases if p.search(text))

        ranked = sorted(scores, key=lambda cid: -scores[cid])

        def hit(cid: str) -> Hit:
            return Hit(
                chunk=by_id[cid],
                score=scores[cid],
                dense_rank=dense_rank.get(cid),
                keyword_rank=keyword_rank.get(cid),
                dense_similarity=similarity.get(cid),
            )

        hits: list[Hit] = []
        deferred: list[str] = []
        taken_from: dict[str, int] = {}
        for cid in ranked:
            chunk = by_id[cid]
            if taken_from.get(chunk.doc_id, 0) >= cap:
                deferred.append(cid)
                continue
            taken_from[chunk.doc_id] = taken_from.get(chunk.doc_id, 0) + 1
            hits.append(hit(cid))
            if len(hits) >= k:
                break
        # Diversity caps a document's chunks in the top k, but a capped chunk that outscored
        # the k-th hit and lies next to a chunk of its document that is in (the middle of a
        # long table, the opening paragraph before the two sections that won) is still worth
        # reading: it follows the top k, so the answerer sees it and the ranking keeps its
        # spread of documents.
        if hits and len(hits) >= k:
            floor = hits[-1].score
            taken = {(h.chunk.doc_id, h.chunk.index) for h in hits}
            hits += [
                hit(cid)
                for cid in deferred
                if scores[cid] > floor
                and (by_id[cid].doc_id, by_id[cid].index - 1) in taken
                and (by_id[cid].doc_id, by_id[cid].index + 1) in taken
            ]
        return hits
