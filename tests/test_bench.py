"""`python -m eval.bench --json` prints one object with every figure the README reports.

Only the shape is checked: speed is never asserted in tests (the machine is shared)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT

KEYS = {
    "embed_backend": str,
    "ingest_chunks_per_s": float,
    "raw_encode_chunks_per_s": float,
    "ingest_vs_raw": float,
    "raw_encode_same_batch_chunks_per_s": float,
    "ingest_vs_raw_same_batch": float,
    "retrieve_p50_ms": dict,
    "retrieve_p95_ms": dict,
    "answer_p50_ms": dict,
    "add_one_doc_s": dict,
    "cold_start_s": float,
    "peak_rss_mb": float,
    "ingest_stage_s": dict,
    "raw_int8_encode_chunks_per_s": float,
    "ingest_vs_int8_ceiling": float,
    "ingest_vs_best_torch": float,
    "ingest_curated_tagging_chunks_per_s": float,
    "ingest_vs_curated_tagging": float,
    "serve_peak_rss_mb": dict,
    "serve_retrieve_peak_rss_mb": dict,
    "load_average": dict,
}
STAGES = {"parse", "chunk", "extract", "embed", "write", "index"}


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eval.bench", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


# About two and a half minutes (a corpus ingest, a 1k store, torch encodes): `make test-slow`
@pytest.mark.slow
def test_bench_json_is_one_object_with_every_figure(tmp_path):
    chart = tmp_path / "bench.svg"
    # one round of each short timing: the figures' shape is checked, not their speed
    done = bench("--json", "--sizes", "1k", "--rounds", "1", "--chart", str(chart))
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["rounds"] == 1
    for key, kind in KEYS.items():
        assert isinstance(data[key], kind), (key, data.get(key))
    for key in ("retrieve_p50_ms", "retrieve_p95_ms", "answer_p50_ms", "add_one_doc_s"):
        assert set(data[key]) == {"1k"} and data[key]["1k"] > 0, key
    assert data["retrieve_p95_ms"]["1k"] >= data["retrieve_p50_ms"]["1k"]
    assert data["store_chunks"]["1k"] >= 900
    ratio = data["ingest_chunks_per_s"] / data["raw_encode_chunks_per_s"]
    assert abs(data["ingest_vs_raw"] - ratio) < 1e-9
    # where the corpus ingest spent its time: every stage, and embedding took some
    assert set(data["ingest_stage_s"]) == STAGES and data["ingest_stage_s"]["embed"] > 0
    assert set(data["add_one_doc_stage_s"]["1k"]) == STAGES
    ceiling = data["ingest_chunks_per_s"] / data["raw_int8_encode_chunks_per_s"]
    assert abs(data["ingest_vs_int8_ceiling"] - ceiling) < 1e-9
    best = max(data["raw_encode_chunks_per_s"], data["raw_encode_same_batch_chunks_per_s"])
    assert abs(data["ingest_vs_best_torch"] - data["ingest_chunks_per_s"] / best) < 1e-9
    plain = data["ingest_curated_tagging_chunks_per_s"]
    assert abs(data["ingest_vs_curated_tagging"] - data["ingest_chunks_per_s"] / plain) < 1e-9
    assert data["serve_peak_rss_mb"]["1k"] > 100 and data["synthetic_sizes"] == []
    assert data["serve_retrieve_peak_rss_mb"]["1k"] > 100 and data["load_average"]["1k"] >= 0
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "embed" in svg and "1k" in svg


def test_bench_refuses_an_unknown_size():
    done = bench("--sizes", "1k,5m")
    assert done.returncode == 2 and "unknown size 5m" in done.stderr


def test_bench_reuses_a_built_store_only_for_the_1m_size(tmp_path):
    done = bench("--sizes", "1k", "--store-1m", str(tmp_path))
    assert done.returncode == 2 and "--store-1m needs --sizes with 1m" in done.stderr


@pytest.mark.slow  # builds a store from copies of the corpus's chunks: about 45 s
def test_the_synthetic_store_is_a_real_store_the_engine_answers_from(
    tmp_path, real_embedder, settings, monkeypatch
):
    """The 1m store's recipe at a small size: chunks, registry, keyword index, registry
    cache and fact index written by the real code, so the engine opens it and answers
    without rebuilding anything (issue 19: a 1m store without a fact index was re-read
    from Chroma by the first market question, for over 15 minutes)."""
    from eval import bench
    from eval.bench import corpus_chunks, corpus_market_facts, synthetic_store
    from ingest.pipeline import Ingestor
    from kb import factstore
    from kb.engine import KnowledgeBase
    from kb.factstore import FactIndex, FactQuery
    from kb.keyword import KeywordIndex, index_text
    from kb.store import ChromaStore, RegistryCache

    corpus = settings.model_copy(update={"store_dir": tmp_path / "corpus"})
    Ingestor(corpus, real_embedder).run([str(ROOT / "corpus")])
    records = {d: r for d, r in ChromaStore(corpus).documents().items() if r.status == "stored"}
    chunks = corpus_chunks(corpus)
    vectors = real_embedder.embed([index_text(c.title, c.text) for c in chunks])
    big = settings.model_copy(update={"store_dir": tmp_path / "big"})
    corpus_facts = corpus_market_facts(corpus)
    written = synthetic_store(
        big,
        real_embedder.name,
        chunks,
        vectors,
        records,
        corpus_facts,
        3 * len(chunks),
        lambda _: None,
    )
    store = ChromaStore(big)
    assert store.count() == written >= 3 * len(chunks)
    documents = store.documents()
    assert len({r.publisher for r in documents.values()}) > 10
    assert len({r.published for r in documents.values()}) > 10
    assert RegistryCache(big.registry_cache_path()).load(store.stamp()) == documents
    index = KeywordIndex.load(big.keyword_dir())
    assert index is not None and index.revision == store.revision and index.size == written

    facts = FactIndex(big.facts_path())
    assert facts.revision == store.revision
    live = {d: r.content_hash for d, r in documents.items()}
    copied = facts.select(FactQuery(include_unconfirmed=True), live)
    originals = sum(len(f) for f in corpus_facts.values())
    assert len(copied) >= 2 * originals > 0
    assert all(f.source.startswith("synthetic/") for f in copied)

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        pytest.fail("the engine rebuilt an index of the synthetic store")

    monkeypatch.setattr(factstore, "extracted", refuse)
    monkeypatch.setattr(KeywordIndex, "build", classmethod(refuse))
    kb = KnowledgeBase(big, real_embedder)
    answer = kb.ask("Which company released Happy Horse 1.1?")
    sources = {c.chunk.source for c in answer.citations}
    assert sources and all(s.startswith("synthetic/") for s in sources), sources
    assert kb.ask("How much did OpenAI cut o3 prices?").citations

    # --store-1m: a store built by an earlier run is measured as it is
    big.facts_path().unlink()
    assert bench.reuse_synthetic_store(big, corpus_facts, lambda _: None) == written
    assert FactIndex(big.facts_path()).revision == store.revision
    # ... and one whose fact index an older extractor filled is written afresh, not read
    with sqlite3.connect(big.facts_path()) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        conn.execute("DELETE FROM facts")
    assert FactIndex(big.facts_path()).revision is None
    assert bench.reuse_synthetic_store(big, corpus_facts, lambda _: None) == written
    assert FactIndex(big.facts_path()).revision == store.revision
    assert len(FactIndex(big.facts_path()).select(FactQuery(include_unconfirmed=True))) == len(
        copied
    )
