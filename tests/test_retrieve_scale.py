"""Retrieval reads a candidate's chunk from Chroma only when it is a hit, or when the query's
exact phrases must be looked for in its text; until then the chunk's document, version and
entity tags come from the keyword index (at 1M chunks, reading every candidate's metadata
cost more than the nearest-neighbour search). The hits must be those of reading every
candidate first, as retrieval did before: compared here with that procedure, written out."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import Ingestor
from kb.engine import KnowledgeBase
from kb.filters import Filters
from kb.query import exact_phrases
from kb.retrieve import Retriever
from kb.settings import Settings
from kb.text import normalize, tokenize
from kb.types import Hit
from tests.conftest import DATA

QUERIES = [
    "Northwind funding round",  # no exact phrase: only the hits are read
    "How much did Northwind raise?",
    "Kestrel Video 2.5 rank",  # an exact phrase: every candidate's text is read
    "Which model led the arena in March?",
    "Lumen 4 release price",
    "chip export price",
]
FILTERS = [Filters(), Filters(entities=("Northwind",)), Filters(since="2026-01-01")]


def every_candidate_read(
    r: Retriever, query: str, filters: Filters, per_doc: int | None = None
) -> list[Hit]:
    """Hybrid retrieval as it was written before: both paths' chunks read, then fused."""
    settings, k, n = r.settings, r.settings.top_k, r.settings.candidates
    vector = r.embed_query(query)
    dense = [
        (c, sim)
        for c, sim in r.store.query(vector, n, filters.where(r.keyword.publisher_spellings))
        if r.live.get(c.doc_id) == c.content_hash and filters.admits_entities(c.entities)
    ]
    keyword = r.keyword.search(tokenize(query), n, filters.mask(r.keyword))
    by_id = {c.chunk_id: c for c, _ in dense}
    for chunk in r.store.get_chunks([cid for cid, _ in keyword if cid not in by_id]):
        by_id[chunk.chunk_id] = chunk
    live = [(cid, s) for cid, s in keyword if cid in by_id]
    live = [(cid, s) for cid, s in live if r.live.get(by_id[cid].doc_id) == by_id[cid].content_hash]
    scores: dict[str, float] = {}
    ranks: dict[str, list] = {}
    for rank, (c, sim) in enumerate(dense, start=1):
        scores[c.chunk_id] = settings.dense_weight / (settings.rrf_k + rank)
        ranks[c.chunk_id] = [rank, None, sim]
    for rank, (cid, _) in enumerate(live, start=1):
        scores[cid] = scores.get(cid, 0.0) + settings.keyword_weight / (settings.rrf_k + rank)
        ranks.setdefault(cid, [None, None, None])[1] = rank
    phrases = exact_phrases(query)
    for cid in scores:
        text = normalize(f"{by_id[cid].title} {by_id[cid].text}")
        bonus = settings.keyword_weight / (settings.rrf_k + 1)
        scores[cid] += bonus * sum(1 for p in phrases if p.search(text))
    hits: list[Hit] = []
    capped: list[str] = []
    taken_from: dict[str, int] = {}
    for cid in sorted(scores, key=lambda c: -scores[c]):
        doc = by_id[cid].doc_id
        if taken_from.get(doc, 0) >= (per_doc or settings.max_chunks_per_doc):
            capped.append(cid)
            continue
        taken_from[doc] = taken_from.get(doc, 0) + 1
        hits.append(Hit(by_id[cid], scores[cid], *ranks[cid]))
        if len(hits) >= k:
            break
    if hits and len(hits) >= k:  # a capped chunk between two of its document's hits
        taken = {(h.chunk.doc_id, h.chunk.index) for h in hits}
        hits += [
            Hit(by_id[cid], scores[cid], *ranks[cid])
            for cid in capped
            if scores[cid] > hits[k - 1].score
            and (by_id[cid].doc_id, by_id[cid].index - 1) in taken
            and (by_id[cid].doc_id, by_id[cid].index + 1) in taken
        ]
    return hits


@pytest.fixture(scope="module")
def store(tmp_path_factory, real_embedder) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("retrieve")
    shutil.copytree(DATA / "articles", root / "articles")
    settings = Settings(store_dir=root / "store", corpus_dir=root / "articles", chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(root / "articles")])
    assert not report.failed, report.failed
    return KnowledgeBase(settings, real_embedder)


@pytest.mark.parametrize("per_doc", [None, 4], ids=["cap", "wider"])
@pytest.mark.parametrize("filters", FILTERS, ids=["none", "entity", "since"])
@pytest.mark.parametrize("query", QUERIES)
def test_hits_are_those_of_reading_every_candidate(store, query, filters, per_doc):
    r = store.views.current().retriever
    hits = r.search(query, filters=filters, per_doc=per_doc)
    assert hits == every_candidate_read(r, query, filters, per_doc)
    assert all(h.chunk.text and h.chunk.title for h in hits)  # whole chunks, not stand-ins


def test_every_chunk_id_finds_its_keyword_row(store):
    index = store.views.current().keyword
    assert index.rows_of(index.ids) == list(range(index.size))
    assert index.rows_of(["no-such-chunk", ""]) == [None, None]


@pytest.mark.parametrize("query", ["How much did Northwind raise?", "Kestrel Video 2.5 rank"])
def test_a_candidate_chroma_no_longer_holds_is_never_a_hit(tmp_path, real_embedder, query):
    """The keyword index of a view still lists a document whose chunks left Chroma (as
    while an ingest moves on): the hits leave it out, ranked as if it were never there."""
    shutil.copytree(DATA / "articles", tmp_path / "articles")
    settings = Settings(store_dir=tmp_path / "store", chroma_url=None)
    Ingestor(settings, real_embedder).run([str(tmp_path / "articles")])
    kb = KnowledgeBase(settings, real_embedder)
    r = kb.views.current().retriever
    gone = r.search(query)[0].chunk.doc_id
    kb.store.delete_document(gone)
    hits = r.search(query)
    assert hits and gone not in {h.chunk.doc_id for h in hits}
    assert hits == every_candidate_read(r, query, Filters())
