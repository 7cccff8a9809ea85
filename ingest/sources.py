"""Which files an ingest run reads, and the source name and id each document gets."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import LOADERS, clean_source, is_url

IGNORE_FILE = ".kbignore"


@dataclass(frozen=True)
class Input:
    """One thing to ingest: a file (with its source name) or a URL."""

    source: str
    path: Path | None = None  # None for URLs
    explicit: bool = False  # named on the command line rather than found in a folder
    url: str | None = None  # the URL to fetch, credentials included; `source` never has them

    @property
    def is_url(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


def doc_id_for(source: str) -> str:
    """Deterministic document id from the normalised source."""
    normal = unicodedata.normalize("NFC", source.strip()).replace("\\", "/")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:20]


def _ignore_patterns(root: Path) -> list[str]:
    try:
        lines = (root / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _source_for_file(path: Path, corpus_dir: Path) -> str:
    resolved = path.resolve()
    for root in (corpus_dir.resolve(), Path.cwd().resolve()):
        try:
            return resolved.relative_to(root).as_posix()
        except ValueError:
            continue
    return resolved.as_posix()


def discover(
    inputs: list[str], corpus_dir: Path
) -> tuple[list[Input], list[Skipped], list[Skipped]]:
    """Expand arguments into inputs. Returns (inputs, skipped, missing).

    A folder is walked recursively; its files get sources relative to it. Hidden files and
    folders and patterns in the folder's `.kbignore` are passed over silently; files of an
    unsupported type are reported as skipped. A path that does not exist is `missing`.
    """
    found: list[Input] = []
    skipped: list[Skipped] = []
    missing: list[Skipped] = []
    seen: set[str] = set()

    def add(item: Input) -> None:
        if item.source not in seen:
            seen.add(item.source)
            found.append(item)

    for arg in inputs or [str(corpus_dir)]:
        if is_url(arg):
            add(Input(source=clean_source(arg), explicit=True, url=arg.strip()))
            continue
        path = Path(arg).expanduser()
        if path.is_dir():
            patterns = _ignore_patterns(path)
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
                for name in sorted(filenames):
                    file = Path(dirpath) / name
                    rel = file.relative_to(path).as_posix()
                    if name.startswith(".") or _ignored(rel, patterns):
                        continue
                    if file.suffix.lower() not in LOADERS:
                        reason = f"unsupported file type {file.suffix or '(none)'}"
                        skipped.append(Skipped(rel, reason))
                        continue
                    add(Input(source=rel, path=file))
        elif path.exists():
            add(Input(source=_source_for_file(path, corpus_dir), path=path, explicit=True))
        else:
            missing.append(Skipped(arg, "no such file or folder"))
    return found, skipped, missing
