"""Uploads are saved under safe names, inside the corpus folder, never overwriting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.uploads import MAX_NAME_BYTES, ingest_uploads, safe_filename, save_upload

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
    assert len(result.path.name.encode("utf-8")) <= MAX_NAME_BYTES + 4  # "-999" at most


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


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("市场报告" * 75 + ".md", ".md"),  # 300 characters, 3 bytes each
        ("é" * 300 + ".txt", ".txt"),
        ("Überblick über den KI-Markt " * 11 + ".TXT", ".txt"),
        ("😀" * 300 + ".md", ".md"),  # no word characters: a fallback stem
        ("a" * 300 + ".md", ".md"),
    ],
)
def test_long_non_ascii_names_are_cut_in_bytes_keeping_the_extension(tmp_path, name, suffix):
    clean = safe_filename(name)
    assert len(clean.encode("utf-8")) <= MAX_NAME_BYTES
    assert clean.endswith(suffix) and len(clean) > len(suffix) + 1
    result = save_upload(tmp_path, name, ARTICLE, max_mb=1)
    assert result.status == "saved" and result.path.read_bytes() == ARTICLE
    again = save_upload(tmp_path, name, ARTICLE + b" More.", max_mb=1)  # a second, longer name
    assert again.status == "saved" and len(again.path.name.encode()) <= MAX_NAME_BYTES + 4


def test_one_bad_upload_never_drops_the_rest_of_the_batch(settings, embedder):
    uploads = settings.corpus_dir / "uploads"
    (uploads / "squatted.txt").mkdir(parents=True)  # a folder holds this name: cannot save
    long_name = "Обзор рынка ИИ " * 20 + ".txt"
    files = [
        ("squatted.txt", ARTICLE + b" Squatted."),
        (long_name, b"Kestrel report\nPublished: 2026-03-03\nHalvard AI shipped Kestrel."),
        ("notes.exe", ARTICLE),
        ("good.md", b"# Good\n\nNorthwind Labs released Lumen-4 today, at $2 per million."),
    ]
    report = ingest_uploads(settings, embedder, files)
    failed = {r.source: r.error for r in report.failed}
    assert failed["squatted.txt"].startswith("could not be saved (Is a directory)")
    assert str(settings.corpus_dir) not in failed["squatted.txt"]  # no server path shown
    assert "unsupported file type" in failed["notes.exe"]
    assert report.to_json()["documents"]["added"] == 2
    saved = sorted(p.name for p in uploads.iterdir() if p.is_file())
    assert "good.md" in saved and any(n.startswith("Обзор-рынка-ИИ") for n in saved)
