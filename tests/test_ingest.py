"""Ingest: every format, idempotence, updates, duplicates, prune, settings mismatch, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from ingest.pipeline import Ingestor
from kb.errors import StoreMismatchError
from kb.keyword import KeywordIndex
from kb.settings import Settings
from kb.store import CachedRecords, ChromaStore, RegistryCache
from tests.conftest import DATA, ROOT

BROKEN = DATA / "broken"


def run(settings: Settings, embedder, inputs, **kw):
    return Ingestor(settings, embedder).run([str(i) for i in inputs], **kw)


def all_chunks(settings: Settings) -> list[tuple[str, str, dict]]:
    store = ChromaStore(settings)
    return [
        (cid, text, meta)
        for ids, texts, metas in store.iter_chunks()
        for cid, text, meta in zip(ids, texts, metas, strict=False)
    ]


def test_mixed_folder_counts_then_everything_unchanged(settings, embedder, articles):
    first = run(settings, embedder, [articles]).to_json()
    assert first["documents"] == {
        "added": 6,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 1,
        "removed": 0,
    }
    assert first["failed"] == [] and first["chunks_added"] > 6
    embedded = embedder.texts

    second = run(settings, embedder, [articles]).to_json()
    assert second["documents"]["unchanged"] == 7
    assert second["chunks_added"] == 0
    assert embedder.texts == embedded, "an unchanged corpus must compute no embeddings"


def test_every_document_gets_title_date_publisher_and_source(settings, embedder, articles):
    run(settings, embedder, [articles])
    docs = {d.source: d for d in ChromaStore(settings).documents().values()}
    assert set(docs) == {
        "kestrel-video-launch.txt",
        "lumen-4-release.md",
        "lumen-4-release-copy.md",
        "northwind-funding.md",
        "openjudge-arena-march.html",
        "tessellate-chip.htm",
        "halvard-report.pdf",
    }
    assert docs["kestrel-video-launch.txt"].published == "2026-03-02"
    assert docs["lumen-4-release.md"].published == "2026-02-10"
    assert docs["lumen-4-release.md"].url == "https://example.test/lumen-4"
    assert docs["openjudge-arena-march.html"].published == "2026-03-20"
    assert docs["tessellate-chip.htm"].published == "2026-04-05"
    assert docs["halvard-report.pdf"].published == "2026-05-12"
    for doc in docs.values():
        assert doc.title and doc.title != doc.source
    assert docs["openjudge-arena-march.html"].publisher


def test_chunks_carry_metadata_offsets_and_pages(settings, embedder, articles):
    run(settings, embedder, [articles])
    chunks = all_chunks(settings)
    pdf_pages = {m["page"] for _, _, m in chunks if m["source"] == "halvard-report.pdf"}
    assert pdf_pages == {1, 2}
    for _, text, meta in chunks:
        assert meta["end"] - meta["start"] == len(text)
        assert meta["title"] and meta["source"]
        assert len(text) <= Settings().chunk_size + 200


def test_chunks_never_cut_inside_a_word_or_number(settings, embedder, articles):
    run(settings, embedder, [articles])
    for _, text, _ in all_chunks(settings):
        assert text == text.strip()
        # a chunk starts at a sentence or line start and ends at a sentence end or line end
        assert text[0].isupper() or text[0].isdigit() or text[0] in "\"'“$(#-*", text[:40]


def test_html_page_chrome_never_reaches_the_index(settings, embedder, articles):
    run(settings, embedder, [articles])
    html_text = " ".join(
        t for _, t, m in all_chunks(settings) if m["source"].endswith((".html", ".htm"))
    )
    assert "OpenJudge" in html_text
    for chrome in ("Accept all cookies", "Subscribe", "Related stories", "All rights reserved"):
        assert chrome.lower() not in html_text.lower(), chrome


def test_pdf_table_rows_come_out_as_readable_rows(settings, embedder, articles):
    run(settings, embedder, [articles])
    pdf_text = "\n".join(t for _, t, m in all_chunks(settings) if m["source"].endswith(".pdf"))
    rows = [line for line in pdf_text.split("\n") if "Kestrel Video 2.5" in line and "|" in line]
    assert rows, pdf_text
    assert "Rank: 1" in rows[0] or rows[0].startswith("1 |"), rows[0]


def test_changed_file_replaces_all_its_old_chunks(settings, embedder, articles):
    run(settings, embedder, [articles])
    path = articles / "northwind-funding.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Northwind", "Southwind"), encoding="utf-8")
    report = run(settings, embedder, [articles]).to_json()
    assert report["documents"]["updated"] == 1 and report["documents"]["unchanged"] == 6
    texts = [t for _, t, m in all_chunks(settings) if m["source"] == "northwind-funding.md"]
    assert texts and all("Northwind" not in t for t in texts)
    index = KeywordIndex.load(settings.keyword_dir())
    assert index is not None and sorted(index.ids) == sorted(c for c, _, _ in all_chunks(settings))


def test_duplicate_is_stored_once_and_reported(settings, embedder, articles):
    report = run(settings, embedder, [articles]).to_json()
    dup = [f for f in report["files"] if f["status"] == "duplicate"]
    assert len(dup) == 1 and {dup[0]["source"], dup[0]["duplicate_of"]} == {
        "lumen-4-release.md",
        "lumen-4-release-copy.md",
    }
    sources = {m["source"] for _, _, m in all_chunks(settings)}
    assert len(sources & {"lumen-4-release.md", "lumen-4-release-copy.md"}) == 1


def test_prune_removes_documents_whose_file_is_gone(settings, embedder, articles):
    run(settings, embedder, [articles])
    (articles / "tessellate-chip.htm").unlink()
    without_prune = run(settings, embedder, [articles]).to_json()
    assert without_prune["documents"]["removed"] == 0
    report = run(settings, embedder, [articles], prune=True).to_json()
    assert report["documents"]["removed"] == 1
    assert all(m["source"] != "tessellate-chip.htm" for _, _, m in all_chunks(settings))
    index = KeywordIndex.load(settings.keyword_dir())
    assert index is not None and "tessellate-chip.htm" not in index.sources


def test_pruning_the_original_keeps_its_duplicate_searchable(settings, embedder, articles):
    run(settings, embedder, [articles])
    original = [
        d.source
        for d in ChromaStore(settings).documents().values()
        if d.status == "stored" and d.source.startswith("lumen-4-release")
    ][0]
    (articles / original).unlink()
    report = run(settings, embedder, [articles], prune=True).to_json()
    assert report["documents"]["removed"] == 1 and report["documents"]["added"] == 1
    sources = {m["source"] for _, _, m in all_chunks(settings)}
    assert ({"lumen-4-release.md", "lumen-4-release-copy.md"} - {original}) <= sources


def kb_json(settings: Settings, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "kb", *args, "--store", str(settings.store_dir), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_remove_takes_documents_out_of_stats_retrieval_facts_and_keyword_index(
    settings, embedder, articles
):
    from kb.engine import KnowledgeBase

    run(settings, embedder, [articles])
    facts_before = kb_json(settings, "facts", "--kind", "funding")
    assert any(f["source"] == "northwind-funding.md" for f in facts_before["facts"]), facts_before
    original = next(  # one of the two Lumen-4 copies is stored, the other is its duplicate
        d.source
        for d in ChromaStore(settings).documents().values()
        if d.status == "stored" and d.source.startswith("lumen-4-release")
    )
    revision = ChromaStore(settings).revision

    report = Ingestor(settings, embedder).remove(["northwind-funding.md", original, "nope.md"])
    statuses = {r.source: (r.status, r.error) for r in report.results}
    assert statuses["northwind-funding.md"][0] == "removed"
    assert statuses[original][0] == "removed"
    duplicate = ({"lumen-4-release.md", "lumen-4-release-copy.md"} - {original}).pop()
    assert statuses[duplicate][0] == "removed"  # a duplicate whose original goes is dropped
    assert statuses["nope.md"] == ("failed", "no document with this source in the store")
    assert (articles / "northwind-funding.md").exists()  # files on disk are left alone

    store = ChromaStore(settings)
    assert store.revision > revision
    stats = kb_json(settings, "stats")
    sources = {s["source"] for s in stats["sources"]}
    assert "northwind-funding.md" not in sources and original not in sources
    assert duplicate not in sources and stats["documents"] == 4
    assert "northwind-funding.md" not in {m["source"] for _, _, m in all_chunks(settings)}
    index = KeywordIndex.load(settings.keyword_dir())
    assert index is not None and index.revision == store.revision
    assert index.size == store.count() and "northwind-funding.md" not in index.sources
    facts = kb_json(settings, "facts", "--kind", "funding")
    assert all(f["source"] != "northwind-funding.md" for f in facts["facts"]), facts
    answer = KnowledgeBase(settings, embedder).ask("How much did Northwind Labs raise?")
    assert all(c.chunk.source != "northwind-funding.md" for c in answer.citations)
    assert all(h.chunk.source != "northwind-funding.md" for h in answer.nearest)

    again = run(settings, embedder, [articles]).to_json()  # the files are still on disk
    assert again["documents"]["added"] == 2 and again["documents"]["duplicates"] == 1


def test_store_refuses_other_chunk_settings_and_rebuild_fixes_it(settings, embedder, articles):
    run(settings, embedder, [articles / "lumen-4-release.md"])
    other = settings.model_copy(update={"chunk_size": 500})
    with pytest.raises(StoreMismatchError) as err:
        run(other, embedder, [articles / "lumen-4-release.md"])
    assert "chunk_size" in err.value.message and "--rebuild" in err.value.hint
    report = run(other, embedder, [articles / "lumen-4-release.md"], rebuild=True).to_json()
    assert report["documents"]["added"] == 1
    assert ChromaStore(other).manifest["chunk_size"] == 500


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty"),
        ("whitespace.md", "empty"),
        ("junk.txt", "binary"),
        ("truncated.pdf", "truncated"),
        ("not-a-pdf.pdf", "not a pdf"),
        ("latin1.txt", "not utf-8"),
        ("slides.pptx", "unsupported file type"),
    ],
)
def test_bad_file_is_reported_by_name_and_the_batch_goes_on(
    settings, embedder, articles, name, reason
):
    shutil.copy(BROKEN / name, articles / name)
    report = run(settings, embedder, [articles]).to_json()
    problems = {f["source"]: f["error"] for f in report["failed"]}
    problems.update({s["source"]: s["reason"] for s in report["skipped"]})
    assert name in problems and reason in problems[name].lower(), problems
    assert report["documents"]["added"] == 6
    assert all(m["source"] != name for _, _, m in all_chunks(settings))


def test_unreadable_and_oversized_files_are_reported(settings, embedder, articles, tmp_path):
    (articles / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    small = settings.model_copy(update={"max_file_mb": 0.002})
    report = run(small, embedder, [articles]).to_json()
    errors = {f["source"]: f["error"] for f in report["failed"]}
    assert "cannot read" in errors["gone.txt"]
    assert any("over the" in e and "MB limit" in e for e in errors.values())


def test_cli_json_is_one_object_and_exit_code_reports_failures(settings, articles):
    shutil.copy(BROKEN / "truncated.pdf", articles / "truncated.pdf")
    cmd = [
        sys.executable,
        "-m",
        "ingest",
        str(articles),
        "--store",
        str(settings.store_dir),
        "--json",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) >= {"documents", "chunks_added", "failed", "skipped", "seconds"}
    assert report["failed"][0]["source"] == "truncated.pdf"

    (articles / "truncated.pdf").unlink()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["chunks_added"] == 0


def test_cli_usage_and_configuration_errors_exit_2(settings, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "--store", str(tmp_path), "--chroma-url", "http://x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest",
            str(DATA / "articles"),
            "--chroma-url",
            "http://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Cannot reach the Chroma server" in proc.stderr and "hint:" in proc.stderr


def test_lightly_edited_copy_is_stored_once_as_a_near_duplicate(settings, embedder, articles):
    original = (articles / "northwind-funding.md").read_text(encoding="utf-8")
    syndicated = original.replace("Ledger Street", "Wire Desk").replace(
        "the company said on Wednesday", "the startup announced on Wednesday"
    )
    (articles / "northwind-funding-syndicated.md").write_text(syndicated, encoding="utf-8")
    report = run(settings, embedder, [articles]).to_json()
    pair = {"northwind-funding.md", "northwind-funding-syndicated.md"}
    (dup,) = [f for f in report["files"] if f["source"] in pair and f["status"] == "duplicate"]
    assert dup["duplicate_of"] == (pair - {dup["source"]}).pop()
    assert 0.8 <= dup["similarity"] < 1
    sources = {m["source"] for _, _, m in all_chunks(settings)}
    assert dup["source"] not in sources and dup["duplicate_of"] in sources
    # other articles about the same company are not duplicates
    duplicates = {f["source"] for f in report["files"] if f["status"] == "duplicate"}
    assert duplicates - {dup["source"]} <= {"lumen-4-release.md", "lumen-4-release-copy.md"}
    again = run(settings, embedder, [articles]).to_json()
    assert again["documents"]["unchanged"] == 8 and again["chunks_added"] == 0


def test_near_duplicate_index_finds_copies_among_many_without_false_matches():
    import random

    from kb.neardup import NearDuplicateIndex, signature, similarity

    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(5000)]
    texts = {f"doc{i}": " ".join(rng.choices(vocabulary, k=300)) for i in range(1500)}
    index = NearDuplicateIndex()
    for key, text in texts.items():
        index.add(key, signature(text))
    words = texts["doc42"].split()
    edited = " ".join(words[:140] + ["inserted", "by", "the", "wire", "desk"] + words[140:])
    sig = signature(edited)
    (match,) = index.matches(sig, 0.8)
    assert match[0] == "doc42"
    assert match[1] == pytest.approx(similarity(sig, signature(texts["doc42"])))
    assert index.matches(signature(" ".join(rng.choices(vocabulary, k=300))), 0.8) == []
    index.remove("doc42")
    assert index.matches(sig, 0.8) == []
    assert index.matches(sig, 0.8, exclude="doc42") == []


def test_registry_records_written_before_packing_are_still_read(settings, embedder, articles):
    from kb.store import _PLACEHOLDER_VECTOR, DocRecord

    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    packed = store.documents()
    old = DocRecord(
        doc_id="old-style",
        source="old.md",
        title="An article stored by an earlier version",
        content_hash="c0ffee",
        published="2025-01-02",
        chunks=0,
    )
    # the earlier layout: every field a metadata key, the title as the text
    store._docs.upsert(
        ids=[old.doc_id],
        embeddings=[_PLACEHOLDER_VECTOR],
        documents=[old.title],
        metadatas=[old.to_metadata()],
    )
    records = store.documents()
    assert records["old-style"] == old
    assert {k: v for k, v in records.items() if k != "old-style"} == packed
    assert all(r.title and r.content_hash for r in packed.values())


# --- the registry cache ------------------------------------------------------------------


def _statuses(report) -> dict[str, str]:
    return {f["source"]: f["status"] for f in report.to_json()["files"]}


def test_registry_cache_is_saved_for_the_revision_the_ingest_ends_at(settings, embedder, articles):
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    cached = RegistryCache(settings.registry_cache_path()).load(store.stamp())
    assert cached == store.documents() and len(cached) == 7


def test_registry_cache_is_not_used_once_another_writer_moved_the_store(
    settings, embedder, articles
):
    run(settings, embedder, [articles])
    # a writer that does not know this cache (another machine on a Chroma server, an older
    # version) deletes a document and moves the store on
    other = ChromaStore(settings)
    doc_id = next(d for d, r in other.documents().items() if r.source == "kestrel-video-launch.txt")
    other.begin_write()
    other.delete_document(doc_id)
    other.end_write(last_ingest="elsewhere")
    cache = RegistryCache(settings.registry_cache_path())
    assert cache.load(other.stamp()) is None, "a cache of an older revision must not load"

    report = run(settings, embedder, [articles])
    assert _statuses(report)["kestrel-video-launch.txt"] == "added"
    assert report.to_json()["documents"]["unchanged"] == 6
    assert cache.load(other.stamp()) == other.documents()


@pytest.mark.parametrize("shift", ["current", "older", "newer", "other store"])
def test_registry_cache_is_used_only_at_its_own_store_and_revision(
    settings, embedder, articles, shift
):
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    collection, revision = store.stamp()
    stamp = {
        "current": (collection, revision),
        "older": (collection, revision - 1),
        "newer": (collection, revision + 1),
        "other store": ("a-rebuilt-collection", revision),
    }[shift]
    # a cache that has lost one document: an ingest that trusts it stores that one again
    registry = {d: r for d, r in store.documents().items() if r.source != "tessellate-chip.htm"}
    RegistryCache(settings.registry_cache_path()).save(stamp, registry)

    status = _statuses(run(settings, embedder, [articles]))["tessellate-chip.htm"]
    assert status == ("added" if shift == "current" else "unchanged")


def test_one_more_article_reads_only_the_registry_records_it_needs(
    settings, embedder, articles, monkeypatch
):
    """With the cache in step, an ingest looks records up (by id, content hash and LSH band)
    instead of reading the registry whole, and still sees copies of stored articles."""
    original = articles / "lumen-4-release.md"
    (articles / "lumen-4-release-copy.md").unlink()
    extra = articles.parent / "extra"
    extra.mkdir()
    (articles / "kestrel-video-launch.txt").rename(extra / "kestrel-video-launch.txt")
    run(settings, embedder, [articles])

    def whole(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        pytest.fail("the ingest read the whole registry")

    monkeypatch.setattr(ChromaStore, "documents", whole)
    monkeypatch.setattr(CachedRecords, "all", whole)
    text = original.read_text(encoding="utf-8")
    (extra / "lumen-exact.md").write_text(text, encoding="utf-8")
    edited = text.replace("fourth-generation", "fourth generation", 1)
    assert edited != text
    (extra / "lumen-edited.md").write_text(edited, encoding="utf-8")
    for name, status in [
        ("lumen-exact.md", "duplicate"),  # found by its content hash
        ("lumen-edited.md", "duplicate"),  # found by its LSH bands
        ("kestrel-video-launch.txt", "added"),
    ]:
        report = run(settings, embedder, [extra / name])
        (result,) = report.to_json()["files"]
        assert (result["status"], result.get("duplicate_of")) == (
            status,
            "lumen-4-release.md" if status == "duplicate" else None,
        ), name
    monkeypatch.undo()
    store = ChromaStore(settings)
    assert RegistryCache(settings.registry_cache_path()).load(store.stamp()) == store.documents()


def test_a_cache_update_from_another_revision_is_refused(settings, embedder, articles):
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    cache = RegistryCache(settings.registry_cache_path())
    collection, revision = store.stamp()
    before = cache.load((collection, revision))
    assert before is not None
    writes = {"new-doc": next(iter(before.values()))}
    assert not cache.update((collection, revision - 1), (collection, revision + 1), writes)
    assert cache.load((collection, revision)) == before, "a refused update wrote something"
    assert cache.update((collection, revision), (collection, revision + 1), {})
    assert cache.load((collection, revision + 1)) == before


def test_a_rebuilt_store_never_reads_the_old_stores_cache(settings, embedder, articles):
    run(settings, embedder, [articles])
    old = ChromaStore(settings).stamp()
    (articles / "tessellate-chip.htm").unlink()
    report = run(settings, embedder, [articles], rebuild=True)
    assert report.to_json()["documents"]["added"] == 5
    store = ChromaStore(settings)
    assert store.stamp()[0] != old[0]
    cached = RegistryCache(settings.registry_cache_path()).load(store.stamp())
    assert cached == store.documents()
    assert "tessellate-chip.htm" not in {r.source for r in cached.values()}


def test_the_registry_is_read_in_pages(settings, embedder, articles):
    """A large registry is read in pages (one read of ~220,000 records fails in Chroma)."""
    run(settings, embedder, [articles])
    store = ChromaStore(settings)
    whole = store.documents()
    assert len(whole) == 7
    assert store.documents(batch=2) == whole and store.documents(batch=7) == whole


def test_stage_seconds_go_to_the_stage_switched_to_until_the_block_ends():
    """The bench's seconds per stage: after switch_stage("extract") inside a "parse" block,
    the rest of the block is extraction (it was counted as parsing)."""
    import time

    from ingest.timing import StageTimer, stage, switch_stage

    timer = StageTimer()
    with timer.current(), stage("parse"):
        switch_stage("chunk")
        with stage("extract"):  # nested: recognition while chunking
            pass
        switch_stage("extract")
        time.sleep(0.05)  # the block's last stretch, after the switch
    assert timer.seconds["extract"] >= 0.05
    assert timer.seconds["parse"] < 0.05


def test_a_reader_upgrade_rereads_stored_documents_without_a_rebuild(
    settings, embedder, articles, monkeypatch
):
    """A loader fix reaches documents stored by an older reader on the next ingest: one the
    new reader reads the same is only stamped, one it reads otherwise is stored again."""
    import ingest.loaders.html as html
    import ingest.pipeline as pipeline

    run(settings, embedder, [articles])
    embedded = embedder.texts
    monkeypatch.setattr(pipeline, "READER_VERSION", pipeline.READER_VERSION + 1)
    same = run(settings, embedder, [articles])
    counts = same.to_json()["documents"]
    assert (counts["unchanged"], counts["duplicates"], same.chunks_added) == (6, 1, 0)
    assert embedder.texts == embedded, "a re-read that reads the same embeds nothing"
    stamped = ChromaStore(settings).documents().values()
    assert {r.reader for r in stamped} == {pipeline.READER_VERSION}

    monkeypatch.setattr(pipeline, "READER_VERSION", pipeline.READER_VERSION + 1)
    read_before = html.load_html

    def fixed_reader(data: bytes, source: str):
        loaded = read_before(data, source)
        return replace(loaded, text=loaded.text + "\n\nA caption the new reader keeps.")

    monkeypatch.setitem(pipeline.loader_for.__globals__["LOADERS"], ".htm", fixed_reader)
    again = _statuses(run(settings, embedder, [articles]))
    assert again["tessellate-chip.htm"] == "updated"
    assert again["kestrel-video-launch.txt"] == "unchanged"
    chunks = all_chunks(settings)
    texts = [text for _, text, meta in chunks if meta["source"] == "tessellate-chip.htm"]
    assert any("the new reader keeps" in t for t in texts)
