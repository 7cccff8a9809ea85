"""A recogniser upgrade re-tags stored chunks on the next ingest, without re-embedding."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import ingest.chunking as chunking
import ingest.pipeline as pipeline
from ingest.__main__ import _summary
from ingest.pipeline import Ingestor
from ingest.uploads import ingest_uploads
from kb.engine import KnowledgeBase
from kb.entities import RECOGNISER_VERSION
from kb.filters import Filters
from kb.keyword import KeywordIndex
from kb.settings import Settings
from kb.store import ChromaStore
from tests.conftest import DATA, ROOT, free_port
from tests.test_server_store import start_chroma

OLDER = RECOGNISER_VERSION - 1
STORED = 6  # the fixture articles: 7 files, one an exact copy (a duplicate has no chunks)


def older_recogniser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recogniser as it was one version ago: it found no models and no leaderboards (so
    no ranking facts either) and took companies for places (so fewer market facts)."""
    real = chunking.recognise

    def older(texts, ner=None):  # noqa: ANN001, ANN202
        return [
            [
                replace(e, kind="place") if e.kind in ("vendor", "investor") else e
                for e in found
                if e.kind not in ("model", "leaderboard")
            ]
            for found in real(texts, ner)
        ]

    monkeypatch.setattr(chunking, "recognise", older)
    monkeypatch.setattr(pipeline, "RECOGNISER_VERSION", OLDER)


def chunks_of(settings: Settings) -> dict[str, tuple[str, dict, list[float]]]:
    """chunk id -> (text, metadata, embedding), as Chroma holds them."""
    got = ChromaStore(settings)._chunks.get(include=["documents", "metadatas", "embeddings"])
    return {
        cid: (text, meta, list(vector))
        for cid, text, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    }


def tags_of(settings: Settings) -> dict[str, str]:
    return {cid: meta["entities"] for cid, (_, meta, _) in chunks_of(settings).items()}


def facts_of(kb: KnowledgeBase) -> list[tuple]:
    """Every market and ranking fact, as the answers read them."""
    return sorted(
        (f.kind, f.text, tuple(f.entities), json.dumps(f.fields, sort_keys=True), f.source)
        for f in kb.facts()
    )


def keyword_tags(settings: Settings) -> dict[str, str]:
    index = KeywordIndex.load_current(settings.keyword_dir())
    assert index is not None and index.revision == ChromaStore(settings).revision
    return dict(zip(index.ids, index.entities, strict=True))


def lumen_hits(kb: KnowledgeBase) -> list[str]:
    hits = kb.retrieve("Lumen-4 release", filters=Filters(entities=("Lumen-4",)))
    return [h.chunk.chunk_id for h in hits]


def test_an_upgrade_retags_stored_chunks_in_place_and_every_view_sees_it(
    settings, embedder, articles, fixture_store, monkeypatch
):
    older_recogniser(monkeypatch)
    first = Ingestor(settings, embedder).run([str(articles)])
    assert first.retagged_documents == 0 and first.count("added") == STORED
    before = chunks_of(settings)
    kb = KnowledgeBase(settings, embedder)
    reference = KnowledgeBase(fixture_store, embedder)  # the articles tagged by this recogniser
    assert "Lumen-4" not in {e.name for e in kb.entities()}
    assert lumen_hits(kb) == [] and kb.timeline("Lumen-4").events == ()
    assert facts_of(kb) != facts_of(reference)
    monkeypatch.undo()

    embedded = embedder.texts
    with monkeypatch.context() as patch:  # the keyword index is updated, not rebuilt
        patch.setattr(KeywordIndex, "build", lambda *a, **k: pytest.fail("rebuilt"))
        report = Ingestor(settings, embedder).run([str(articles)])
    assert report.retagged_documents == STORED
    assert report.to_json()["retagged_documents"] == STORED
    assert report.count("unchanged") == 7 and embedder.texts == embedded  # nothing embedded
    after = chunks_of(settings)
    assert after.keys() == before.keys()
    assert all(after[c][2] == before[c][2] for c in before)  # the same vectors
    assert all(after[c][0] == before[c][0] for c in before)  # the same texts
    fresh = tags_of(fixture_store)  # the same articles ingested by this recogniser
    assert {c: m["entities"] for c, (_, m, _) in after.items()} == fresh
    assert sum(before[c][1]["entities"] != fresh[c] for c in before) > 0
    for c in before:  # only the tags changed
        assert {**before[c][1], "entities": ""} == {**after[c][1], "entities": ""}
    assert keyword_tags(settings) == fresh

    # the reader opened before the re-tag sees the new tags once the store moved on
    assert "Lumen-4" in {e.name for e in kb.entities()}
    assert lumen_hits(kb) and kb.timeline("Lumen-4").events
    assert facts_of(kb) == facts_of(reference)
    rankings = {r.source: r.rankings for r in ChromaStore(settings).documents().values()}
    expected = ChromaStore(fixture_store).documents().values()
    assert rankings == {r.source: r.rankings for r in expected}


def test_a_second_ingest_retags_nothing_and_reads_no_chunk_back(
    settings, embedder, articles, monkeypatch
):
    with monkeypatch.context() as patch:
        older_recogniser(patch)
        Ingestor(settings, embedder).run([str(articles)])
    assert Ingestor(settings, embedder).run([str(articles)]).retagged_documents == STORED
    assert ChromaStore(settings).tagged_by == RECOGNISER_VERSION

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        pytest.fail("re-tagged again")

    monkeypatch.setattr(pipeline, "entity_tags", fail)
    monkeypatch.setattr(pipeline, "document_chunks", fail)
    again = Ingestor(settings, embedder).run([str(articles)])
    assert again.retagged_documents == 0 and again.to_json()["retagged_documents"] == 0
    assert "re-tagged" not in _summary(again.to_json())


def test_adding_one_article_from_the_app_retags_the_others(
    settings, embedder, articles, fixture_store, monkeypatch
):
    late = articles / "kestrel-video-launch.txt"
    data = late.read_bytes()
    late.unlink()
    with monkeypatch.context() as patch:
        older_recogniser(patch)
        Ingestor(settings, embedder).run([str(articles)])
    report = ingest_uploads(settings, embedder, [("kestrel-video-launch.txt", data)])
    assert report.count("added") == 1 and report.retagged_documents == STORED - 1
    assert "re-tagged 5 stored documents" in _summary(report.to_json())
    fresh = tags_of(fixture_store)
    retagged = {
        c: meta["entities"]
        for c, (_, meta, _) in chunks_of(settings).items()
        if "kestrel" not in meta["source"]  # the uploaded article was tagged as it came in
    }
    assert retagged and retagged == {c: fresh[c] for c in retagged}
    assert keyword_tags(settings) == tags_of(settings)


def test_a_crash_mid_retag_is_finished_by_the_next_ingest(
    settings, embedder, articles, fixture_store, monkeypatch
):
    with monkeypatch.context() as patch:
        older_recogniser(patch)
        Ingestor(settings, embedder).run([str(articles)])
    monkeypatch.setattr(pipeline, "_RETAG_BATCH", 1)  # one document per batch
    real = ChromaStore.set_chunk_entities
    calls = []

    def killed_on_the_second_batch(self, entities):  # noqa: ANN001, ANN202
        calls.append(len(entities))
        real(self, entities)  # the tags are written...
        if len(calls) == 2:  # ...and the process dies before the records are stamped
            raise KeyboardInterrupt

    monkeypatch.setattr(ChromaStore, "set_chunk_entities", killed_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        Ingestor(settings, embedder).run([str(articles)])
    monkeypatch.undo()

    store = ChromaStore(settings)
    assert store.interrupted and store.tagged_by != RECOGNISER_VERSION
    stamped = [r for r in store.documents().values() if r.recogniser == RECOGNISER_VERSION]
    assert len(stamped) == 1
    KnowledgeBase(settings, embedder).entities()  # a reader repairs the store meanwhile
    assert not store.interrupted and store.tagged_by != RECOGNISER_VERSION

    report = Ingestor(settings, embedder).run([str(articles)])
    assert report.retagged_documents == STORED - 1
    store = ChromaStore(settings)
    assert store.tagged_by == RECOGNISER_VERSION and not store.interrupted
    assert all(
        r.recogniser == RECOGNISER_VERSION
        for r in store.documents().values()
        if r.status == "stored"
    )
    assert tags_of(settings) == tags_of(fixture_store)
    assert keyword_tags(settings) == tags_of(fixture_store)
    kb = KnowledgeBase(settings, embedder)
    assert facts_of(kb) == facts_of(KnowledgeBase(fixture_store, embedder))


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server"), free_port())
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.parametrize("where", ["embedded", "server"])
def test_set_chunk_entities_keeps_vectors_texts_and_other_metadata(
    where, settings, embedder, articles, request
):
    if where == "server":
        url = request.getfixturevalue("chroma_server")
        settings = Settings(chroma_url=url, store_dir=settings.store_dir, collection="retag_test")
    Ingestor(settings, embedder).run([str(articles / "lumen-4-release.md")])
    before = chunks_of(settings)
    target = sorted(before)[0]
    ChromaStore(settings).set_chunk_entities({target: ("vendor:Acme", "model:Acme-1")})
    after = chunks_of(settings)
    assert after[target][1] == {**before[target][1], "entities": "vendor:Acme|model:Acme-1"}
    assert np.allclose(after[target][2], before[target][2])
    assert after[target][0] == before[target][0]
    assert {c: v for c, v in after.items() if c != target} == {
        c: v for c, v in before.items() if c != target
    }


def test_the_command_line_reports_retagged_documents(tmp_path: Path, embedder, monkeypatch):
    store = tmp_path / "store"
    settings = Settings(store_dir=store, corpus_dir=DATA / "articles", chroma_url=None)
    with monkeypatch.context() as patch:
        older_recogniser(patch)
        Ingestor(settings, embedder).run([str(DATA / "articles")])
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(DATA / "articles"), "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["retagged_documents"] == STORED and data["chunks_added"] == 0


def test_an_update_retags_a_share_and_a_full_ingest_the_rest(
    settings, embedder, articles, fixture_store, monkeypatch
):
    with monkeypatch.context() as patch:
        older_recogniser(patch)
        Ingestor(settings, embedder).run([str(articles)])
    # an upload-sized run re-tags at most its share, read by chunk id (no pass over the store)
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "document_chunks", lambda *a, **k: pytest.fail("whole pass"))
        some = Ingestor(settings, embedder, retag_limit=2).run([str(articles)])
    assert some.retagged_documents == 2
    store = ChromaStore(settings)
    assert store.tagged_by != RECOGNISER_VERSION  # not all done: the next run goes on
    assert sum(r.recogniser == RECOGNISER_VERSION for r in store.documents().values()) == 2
    rest = Ingestor(settings, embedder).run([str(articles)])
    assert rest.retagged_documents == STORED - 2
    assert ChromaStore(settings).tagged_by == RECOGNISER_VERSION
    assert tags_of(settings) == tags_of(fixture_store)
