"""Saving files uploaded in the browser into the corpus folder, safely.

Names are sanitised (no path parts, no NUL or control characters, no reserved device names,
at most 120 characters and 200 bytes of UTF-8, the extension kept), the type is checked by
content as well as by extension, the size is capped, nothing is ever written outside the
corpus folder, and an existing file is never overwritten: identical content is recognised,
different content gets a new name.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES, sniff_matches
from ingest.pipeline import RETAG_PER_UPDATE, FileResult, Ingestor, IngestReport, Progress
from kb.embedders import Embedder
from kb.settings import Settings

_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
MAX_NAME = 120  # characters
# File systems allow 255 bytes per name; 200 leaves room for a "-999" suffix. 120 characters
# of CJK text are 360 bytes: the page crashed on such a name and dropped the rest of the batch.
MAX_NAME_BYTES = 200
_SHOWN_NAME = 200  # characters of an uploaded name repeated in a report


@dataclass(frozen=True)
class SavedUpload:
    original_name: str
    path: Path | None  # where it was saved (None when refused)
    status: str  # saved | same | refused
    reason: str = ""


def safe_filename(name: str) -> str:
    """A plain file name that cannot escape a folder or name a device."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\x00", "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"[^\w.\- ]", "_", name).strip()
    name = re.sub(r"\s+", "-", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,10}", suffix):
        stem, suffix = name, ""
    stem = stem.strip(".-_ ") or "upload"
    if stem.lower() in _RESERVED:
        stem = f"{stem}-file"
    suffix = suffix.lower()
    stem = _cut_utf8(stem[: MAX_NAME - len(suffix) - 1], MAX_NAME_BYTES - len(suffix) - 1)
    stem = stem.rstrip(".-_ ") or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def _cut_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, on a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _shown(name: str) -> str:
    """An uploaded name as a report shows it: printable, and not endless."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name or "") or "(no name)"
    return name if len(name) <= _SHOWN_NAME else name[: _SHOWN_NAME - 1] + "…"


def save_upload(corpus_dir: Path, name: str, data: bytes, max_mb: float) -> SavedUpload:
    """Save one uploaded file into `corpus_dir` (uploads/ subfolder); refuse with a reason."""
    clean = safe_filename(name)
    suffix = "." + clean.rsplit(".", 1)[-1] if "." in clean else ""
    if suffix not in SUPPORTED_SUFFIXES:
        return SavedUpload(
            name,
            None,
            "refused",
            f"unsupported file type {suffix or '(none)'}; use " + ", ".join(SUPPORTED_SUFFIXES),
        )
    if len(data) > max_mb * 1_000_000:
        return SavedUpload(
            name,
            None,
            "refused",
            f"file is {len(data) / 1_000_000:.1f} MB, over the {max_mb:g} MB limit",
        )
    if not data.strip():
        return SavedUpload(name, None, "refused", "empty file")
    if not sniff_matches(clean, data):
        return SavedUpload(name, None, "refused", f"the content does not look like a {suffix} file")
    folder = (Path(corpus_dir) / "uploads").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / clean).resolve()
    if target.parent != folder:  # belt and braces: never outside the corpus folder
        return SavedUpload(name, None, "refused", "unsafe file name")
    stem, ext = target.stem, target.suffix
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        for n in range(1, 1000):
            if n > 1:
                target = folder / f"{stem}-{n}{ext}"
            if target.exists() and target.read_bytes() == data:
                return SavedUpload(name, target, "same", "already in the corpus")
            try:
                os.link(tmp, target)  # fails if the name exists: never overwrites
            except FileExistsError:
                continue
            return SavedUpload(name, target, "saved")
        return SavedUpload(name, None, "refused", "too many files with this name")
    finally:
        os.unlink(tmp)


def ingest_uploads(
    settings: Settings,
    embedder: Embedder,
    files: Sequence[tuple[str, bytes]],
    progress: Progress | None = None,
) -> IngestReport:
    """Save uploaded files (name, content) into `<corpus>/uploads` and ingest the saved ones.

    A refused file (unsafe name, wrong content, too large) or one that cannot be saved (a
    file-system error) is reported as failed with its reason, and never stops the rest of
    the batch."""
    saved: list[str] = []
    refused: list[FileResult] = []
    for name, data in files:
        try:
            result = save_upload(Path(settings.corpus_dir), name, data, settings.max_file_mb)
        except OSError as exc:  # the reason only: never a server path
            reason = f"could not be saved ({exc.strerror or type(exc).__name__})"
            result = SavedUpload(name, None, "refused", reason)
        if result.path is not None:
            saved.append(str(result.path))
        else:
            refused.append(FileResult(_shown(name), "failed", error=result.reason))
    report = (
        Ingestor(settings, embedder, progress=progress, retag_limit=RETAG_PER_UPDATE).run(saved)
        if saved
        else IngestReport()
    )
    report.results[:0] = refused
    return report
