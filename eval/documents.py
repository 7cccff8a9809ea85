"""The documents of a folder, read and chunked as an ingest would, without a store: for
evals and benches that measure extraction on their own (no embedding, no Chroma)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.loaders import SUPPORTED_SUFFIXES, loader_for
from kb.types import Chunk, Document


def chunked_documents(folder: Path) -> Iterator[tuple[Path, list[Chunk]]]:
    """(path, chunks) of every supported file of `folder` but its README, by name."""
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.lower() == "readme.md":
            continue
        loaded = loader_for(path.name)(path.read_bytes(), path.name)
        doc = Document(
            doc_id=path.stem,
            source=path.name,
            title=loaded.title,
            text=loaded.text,
            published=loaded.published,
            format=loaded.format,
            page_starts=loaded.page_starts,
            content_hash=hashlib.sha256(loaded.text.encode()).hexdigest(),
        )
        yield path, chunk_document(doc)
