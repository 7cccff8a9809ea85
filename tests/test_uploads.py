"""Uploads are saved under safe names, inside the corpus folder, never overwriting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.uploads import safe_filename, save_upload

ARTICLE = b"Lumen-4 ships\nPublished: 2026-02-10\nNorthwind Labs released Lumen-4 today."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x.md", "x.md"),
        ("/etc/passwd.md", "passwd.md"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("a\x00b.txt", "ab.txt"),
        ("CON.txt", "CON-file.txt"),
        ("..hidden.md", "hidden.md"),
        ("Report.PDF", "Report.pdf"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_name_lands_inside_the_uploads_folder(tmp_path_factory, name):
    corpus = tmp_path_factory.mktemp("corpus")
    result = save_upload(corpus, name + ".md", ARTICLE, max_mb=1)
    assert result.path is not None
    assert result.path.resolve().parent == (corpus / "uploads").resolve()
    assert len(result.path.name) <= 130


def test_never_overwrites_and_recognises_the_same_file(tmp_path):
    first = save_upload(tmp_path, "a.txt", ARTICLE, max_mb=1)
    same = save_upload(tmp_path, "a.txt", ARTICLE, max_mb=1)
    other = save_upload(tmp_path, "a.txt", ARTICLE + b" More.", max_mb=1)
    assert first.status == "saved" and same.status == "same" and same.path == first.path
    assert other.status == "saved" and other.path.name == "a-2.txt"
    assert first.path.read_bytes() == ARTICLE


def test_type_is_checked_by_content_and_size_is_capped(tmp_path):
    assert "does not look like a .pdf" in save_upload(tmp_path, "x.pdf", ARTICLE, 1).reason
    assert "unsupported" in save_upload(tmp_path, "x.exe", ARTICLE, 1).reason
    assert "over the" in save_upload(tmp_path, "x.txt", b"a" * 3000, max_mb=0.001).reason
    assert save_upload(tmp_path, "x.txt", b"\x00\x01binary" * 10, 1).status == "refused"
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())
