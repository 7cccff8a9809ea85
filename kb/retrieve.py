"""Hybrid retrieval: dense search in Chroma plus BM25 keyword search, fused by weighted
reciprocal rank, restricted to live chunks, filtered and diversified."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.entities import entity_key, stored_keys
from kb.keyword import KeywordIndex
from kb.query import exact_phrases
from kb.settings import Settings
from kb.store import ChromaStore, published_ord
from kb.text import normalize, tokenize
from kb.types import Chunk, Hit


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval by publication date (inclusive ISO dates), source, publisher, entity."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sources or self.publishers or self.entities)

    def where(self) -> dict[str, Any] | None:
        """The same filters as a Chroma `where` clause (entities are applied afterwards)."""
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"published_ord": {"$gte": published_ord(self.since)}})
        if self.until:
            clauses.append({"published_ord": {"$lte": published_ord(self.until)}})
            clauses.append({"published_ord": {"$gt": 0}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.publishers:
            clauses.append({"publisher": {"$in": list(self.publishers)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, chunk: Chunk) -> bool:
        """All the filters, checked on one chunk in Python (what `where()` and `accepts()`
        do together in retrieval)."""
        published = chunk.published or ""
        if self.since and (not published or published < self.since):
            return False
        if self.until and (not published or published > self.until):
            return False
        if self.sources and chunk.source not in self.sources:
            return False
        if self.publishers and chunk.publisher not in self.publishers:
            return False
        return self.accepts(chunk)

    def accepts(self, chunk: Chunk) -> bool:
        if not self.entities:
            return True
        return bool({entity_key(e) for e in self.entities} & stored_keys(chunk.entities))


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
    ) -> list[Hit]:
        settings = self.settings
        k = k or settings.top_k
        filters = filters or Filters()
        n = settings.candidates
        vector = self.embed_query(query) if query_vector is None else query_vector

        dense = [
            (chunk, sim)
            for chunk, sim in self.store.query(vector, n, filters.where())
            if self._is_live(chunk) and filters.accepts(chunk)
        ]
        mask = self.keyword.mask(
            since=filters.since,
            until=filters.until,
            sources=filters.sources,
            publishers=filters.publishers,
            entities=filters.entities,
        )
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
        hits: list[Hit] = []
        per_doc: dict[str, int] = {}
        for cid in ranked:
            chunk = by_id[cid]
            if per_doc.get(chunk.doc_id, 0) >= settings.max_chunks_per_doc:
                continue
            per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
            hits.append(
                Hit(
                    chunk=chunk,
                    score=scores[cid],
                    dense_rank=dense_rank.get(cid),
                    keyword_rank=keyword_rank.get(cid),
                    dense_similarity=similarity.get(cid),
                )
            )
            if len(hits) >= k:
                break
        return hits
