"""The keyword index an ingest updates is the index a full rebuild from Chroma would make."""

from __future__ import annotations

import numpy as np
import pytest

import kb.keyword
from ingest.pipeline import Ingestor
from kb.keyword import KeywordDelta, KeywordIndex, delta_path, index_text, load_or_build
from kb.settings import Settings
from kb.store import ChromaStore
from kb.text import tokenize

QUERIES = [
    "Northwind funding round",
    "Kestrel Video 2.5 rank",
    "chip export price",
    "Southwind investors",
    "arena leaderboard",
]


def run(settings: Settings, embedder, inputs, **kw):  # noqa: ANN001, ANN003, ANN201
    return Ingestor(settings, embedder).run([str(i) for i in inputs], **kw)


def rows_by_id(index: KeywordIndex) -> dict[str, tuple]:
    return {
        cid: (
            index.doc_ids[i],
            index.sources[i],
            index.publishers[i],
            int(index.published[i]),
            index.content_hashes[i],
            index.entities[i],
        )
        for i, cid in enumerate(index.ids)
    }


def scores_by_id(index: KeywordIndex, query: str) -> dict[str, float]:
    return dict(index.search(tokenize(query), n=index.size))


def assert_same_index(updated: KeywordIndex, rebuilt: KeywordIndex) -> None:
    assert sorted(updated.ids) == sorted(rebuilt.ids)
    assert rows_by_id(updated) == rows_by_id(rebuilt)
    assert updated.doc_freq == rebuilt.doc_freq
    for query in QUERIES:
        got, want = scores_by_id(updated, query), scores_by_id(rebuilt, query)
        assert got.keys() == want.keys(), query
        assert np.allclose([got[k] for k in want], list(want.values()), rtol=1e-5), query


@pytest.fixture
def no_full_rebuild(monkeypatch):
    """Fail if an ingest falls back to re-tokenising the whole store."""

    def refuse(cls, store, revision=None):  # noqa: ANN001, ANN202
        pytest.fail("the ingest rebuilt the keyword index instead of updating it")

    monkeypatch.setattr(KeywordIndex, "build", classmethod(refuse))
    return monkeypatch


def test_updates_match_a_full_rebuild_after_adds_edits_and_prunes(
    settings, embedder, articles, no_full_rebuild
):
    spare = articles.parent / "spare"
    spare.mkdir()
    (articles / "tessellate-chip.htm").rename(spare / "tessellate-chip.htm")
    run(settings, embedder, [articles])  # first ingest: from the empty index
    path = articles / "northwind-funding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Northwind", "Southwind"), "utf-8")
    (spare / "tessellate-chip.htm").rename(articles / "tessellate-chip.htm")
    report = run(settings, embedder, [articles]).to_json()
    assert report["documents"]["updated"] == 1 and report["documents"]["added"] == 1
    # new date and publisher, same text: the same chunk ids with new metadata
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("date: 2026-03-12", "date: 2026-03-19")
        .replace('source: "Ledger Street"', 'source: "Ledger Weekly"'),
        "utf-8",
    )
    assert run(settings, embedder, [articles]).to_json()["documents"]["updated"] == 1
    (articles / "halvard-report.pdf").unlink()
    assert run(settings, embedder, [articles], prune=True).to_json()["documents"]["removed"] == 1
    no_full_rebuild.undo()

    store = ChromaStore(settings)
    updated = KeywordIndex.load(settings.keyword_dir(), with_tokens=True)
    assert updated is not None and updated.revision == store.revision
    rebuilt = KeywordIndex.build(store)
    assert_same_index(updated, rebuilt)
    assert "southwind" in updated.doc_freq
    assert "halvard-report.pdf" not in updated.sources
    rows = zip(updated.sources, updated.publishers, strict=True)
    assert {publisher for source, publisher in rows if source == path.name} == {"Ledger Weekly"}


def test_an_index_without_token_rows_is_rebuilt_in_full(settings, embedder, articles):
    run(settings, embedder, [articles])
    (settings.keyword_dir() / "terms.npy").unlink()
    path = articles / "northwind-funding.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA late correction.\n", "utf-8")
    run(settings, embedder, [articles])
    index = KeywordIndex.load(settings.keyword_dir(), with_tokens=True)
    assert index is not None and index.terms is not None
    assert_same_index(index, KeywordIndex.build(ChromaStore(settings)))


def test_an_update_that_disagrees_with_chroma_is_refused():
    base = KeywordIndex.empty(revision=1)
    rows = base.rows_for_update()
    rows.add("doc:abc:0000", "Acme ships a video model", {"doc_id": "doc", "source": "a.md"})
    assert KeywordIndex.updated(base, rows, ["doc:abc:0000"], revision=2) is not None
    # a chunk Chroma does not hold, or a Chroma chunk the index would miss: no update
    assert KeywordIndex.updated(base, rows, [], revision=2) is None
    assert KeywordIndex.updated(base, rows, ["doc:abc:0000", "other:0"], revision=2) is None


def test_our_bm25_matrix_scores_as_bm25s_own_index(settings, embedder, articles):
    """The vectorised BM25 matrix against bm25s building one from the same token lists."""
    import bm25s

    run(settings, embedder, [articles])
    ours = KeywordIndex.load(settings.keyword_dir(), with_tokens=True)
    assert ours is not None and ours.size > 5
    store = ChromaStore(settings)
    texts = {
        cid: index_text(meta.get("title", ""), text)
        for ids, page, metas in store.iter_chunks()
        for cid, text, meta in zip(ids, page, metas, strict=True)
    }
    corpus = [tokenize(texts[cid]) or [""] for cid in ours.ids]
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    for query in QUERIES:
        tokens = [t for t in tokenize(query) if t in ours.doc_freq]
        assert tokens, query
        want = reference.get_scores(tokens)
        got = ours.retriever.get_scores(tokens)
        assert np.allclose(got, want, rtol=1e-5, atol=1e-6), query
        assert (want > 0).any(), query


def test_a_reader_opens_the_saved_index_without_rebuilding_it(
    settings, embedder, articles, monkeypatch
):
    """Issue 19: a reader loads the index an ingest saved, with the BM25 matrix left on disk
    (memory-mapped) and a document's repeated fields held once, and it scores as a rebuild."""
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    rebuilt = KeywordIndex.build(store)

    def refuse(cls, store, revision=None):  # noqa: ANN001, ANN202
        pytest.fail("the reader rebuilt the keyword index instead of loading it")

    monkeypatch.setattr(KeywordIndex, "build", classmethod(refuse))
    index = load_or_build(store, settings.keyword_dir())
    assert index.revision == store.revision and index.size == store.count()
    assert isinstance(index.retriever.scores["data"], np.memmap)
    first = index.doc_ids[0]
    same = [i for i, d in enumerate(index.doc_ids) if d == first]
    assert len(same) > 1 and all(index.doc_ids[i] is first for i in same)
    assert all(index.sources[i] is index.sources[same[0]] for i in same)
    assert_same_index(index, rebuilt)


def edit_add_and_prune(settings: Settings, embedder, articles) -> None:  # noqa: ANN001
    """After a first ingest: one article edited, one added, one re-dated, one pruned."""
    path = articles / "northwind-funding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Northwind", "Southwind"), "utf-8")
    (articles.parent / "spare" / "tessellate-chip.htm").rename(articles / "tessellate-chip.htm")
    assert run(settings, embedder, [articles]).to_json()["documents"]["added"] == 1
    path.write_text(path.read_text(encoding="utf-8").replace("2026-03-12", "2026-03-19"), "utf-8")
    assert run(settings, embedder, [articles]).to_json()["documents"]["updated"] == 1
    (articles / "halvard-report.pdf").unlink()
    assert run(settings, embedder, [articles], prune=True).to_json()["documents"]["removed"] == 1


def live_rows(index: KeywordIndex) -> dict[str, tuple]:
    rows = rows_by_id(index)  # a later row of an id wins: a gone saved row comes first
    gone = index.gone if index.gone is not None else np.zeros(index.size, bool)
    return {cid: rows[cid] for cid, dead in zip(index.ids, gone, strict=True) if not dead}


def test_ingests_append_to_a_delta_that_readers_apply_and_a_later_ingest_merges(
    settings, embedder, articles, no_full_rebuild
):
    """Each ingest is a new process in effect (a new Ingestor reading the files back): the
    delta carries the index across them without rewriting it, and is merged once grown."""
    spare = articles.parent / "spare"
    spare.mkdir()
    (articles / "tessellate-chip.htm").rename(spare / "tessellate-chip.htm")
    run(settings, embedder, [articles])  # from the empty store: a whole index
    saved = KeywordIndex.head(settings.keyword_dir())
    assert saved is not None and not delta_path(settings.keyword_dir()).exists()

    no_full_rebuild.setattr(kb.keyword, "DELTA_SHARE", 100.0)  # never due
    edit_add_and_prune(settings, embedder, articles)
    store = ChromaStore(settings)
    assert KeywordIndex.head(settings.keyword_dir()) == saved, "the saved index was rewritten"
    delta = KeywordDelta.load(delta_path(settings.keyword_dir()))
    assert delta is not None and delta.revision == store.revision and delta.dead

    reader = load_or_build(store, settings.keyword_dir())  # no rebuild allowed here either
    assert reader.revision == store.revision and reader.live_size == store.count()
    no_full_rebuild.undo()
    rebuilt = KeywordIndex.build(store)
    assert live_rows(reader) == rows_by_id(rebuilt)
    for query in [*QUERIES, "Southwind", "Halvard"]:  # statistics lag; matches do not
        assert scores_by_id(reader, query).keys() == scores_by_id(rebuilt, query).keys(), query
    assert "halvard-report.pdf" in reader.sources, "the pruned rows are marked, not dropped"
    assert "halvard-report.pdf" not in {row[1] for row in live_rows(reader).values()}

    no_full_rebuild.setattr(KeywordIndex, "build", classmethod(lambda *a, **k: pytest.fail()))
    no_full_rebuild.setattr(kb.keyword, "DELTA_SHARE", 0.0)  # due at the next ingest
    path = articles / "northwind-funding.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA late correction.\n", "utf-8")
    assert run(settings, embedder, [articles]).to_json()["documents"]["updated"] == 1
    no_full_rebuild.undo()
    assert not delta_path(settings.keyword_dir()).exists()
    merged = KeywordIndex.load(settings.keyword_dir(), with_tokens=True)
    assert merged is not None and merged.revision == store.revision
    assert_same_index(merged, KeywordIndex.build(store))


def test_a_delta_of_another_revision_is_ignored_and_the_index_rebuilt(
    settings, embedder, articles, monkeypatch
):
    monkeypatch.setattr(kb.keyword, "DELTA_SHARE", 100.0)
    run(settings, embedder, [articles])
    path = articles / "northwind-funding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Northwind", "Southwind"), "utf-8")
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    where = delta_path(settings.keyword_dir())
    delta = KeywordDelta.load(where)
    assert delta is not None and delta.revision == store.revision
    # as if a writer died after moving the store on but before saving its delta
    store.begin_write()
    store.end_write(last_ingest="elsewhere")
    reader = load_or_build(store, settings.keyword_dir())
    assert reader.revision == store.revision and reader.gone is None and reader.delta is None
    assert_same_index(reader, KeywordIndex.build(store))
    assert not where.exists(), "the reader's rebuilt index leaves the stale delta behind"

    delta.save(where)  # stale again, for the next writer
    store.begin_write()
    store.end_write(last_ingest="elsewhere")
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA late correction.\n", "utf-8")
    run(settings, embedder, [articles])
    assert not where.exists()
    index = KeywordIndex.load(settings.keyword_dir(), with_tokens=True)
    assert index is not None and index.revision == ChromaStore(settings).revision
    assert_same_index(index, KeywordIndex.build(ChromaStore(settings)))
