"""Chunking caps: no token longer than a chunk, no document beyond the chunks-per-document cap."""

from __future__ import annotations

import pytest

from ingest.chunking import MAX_DOCUMENT_CHUNKS, chunk_document
from ingest.pipeline import Ingestor
from kb.errors import LoadError
from kb.types import Document


def _doc(text: str, source: str = "blob.txt", page_starts: tuple[int, ...] = ()) -> Document:
    return Document("d", source, "A title", text, page_starts=page_starts, content_hash="0" * 20)


def test_a_5_mb_line_without_spaces_is_refused_by_name_with_the_fix():
    with pytest.raises(LoadError) as caught:
        chunk_document(_doc("x" * 5_000_000, source="uploads/blob.txt"))
    error = caught.value
    assert error.source == "uploads/blob.txt"
    assert f"more than {MAX_DOCUMENT_CHUNKS:,} chunks" in error.message
    assert "KB_MAX_DOCUMENT_CHUNKS" in error.hint and "Split" in error.hint


def test_an_overlong_token_is_cut_at_its_separators_and_never_beyond_the_chunk_size():
    url = "https://example.com/" + "/".join(f"segment{i:03d}" for i in range(300))
    text = f"The report is at {url} and nowhere else."
    chunks = chunk_document(_doc(text), size=200, overlap=0)
    assert len(chunks) > 10
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.text == text[c.start : c.end] for c in chunks)
    inner = [c for c in chunks if "segment" in c.text][1:-1]
    assert inner and all(c.text.endswith("/") for c in inner)  # cut after a separator
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_spaceless_text_without_separators_is_cut_at_the_chunk_size():
    chunks = chunk_document(_doc("y" * 2_000), size=500, overlap=0, max_chunks=10)
    assert [len(c.text) for c in chunks] == [500, 500, 500, 500]


def test_cap_counts_chunks_and_pages_still_bound_them():
    text = "Page one says hello. " * 10 + "Page two says more. " * 10
    doc = _doc(text, page_starts=(0, 210))
    chunks = chunk_document(doc, size=200, overlap=0)
    assert {c.page for c in chunks} == {1, 2}
    assert all(c.page == (1 if c.start < 210 else 2) for c in chunks)
    with pytest.raises(LoadError, match="more than 2 chunks"):
        chunk_document(doc, size=200, overlap=0, max_chunks=2)


def test_pipeline_reports_the_oversized_document_and_stores_the_rest(settings, embedder, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "Northwind Labs released Lumen-4 in March, and analysts took note of it."
    (folder / "long.txt").write_text("Long one\n\n" + " ".join([sentence] * 60))
    (folder / "short.txt").write_text("Short one\n\n" + sentence)
    capped = settings.model_copy(update={"max_document_chunks": 3})
    report = Ingestor(capped, embedder).run([str(folder)])
    (failed,) = report.failed
    assert failed.source.endswith("long.txt")
    assert "more than 3 chunks" in failed.error
    assert "KB_MAX_DOCUMENT_CHUNKS" in failed.hint
    assert report.to_json()["documents"]["added"] == 1
