"""Splitting a document into chunks on its structure and sentence boundaries.

Why not LangChain's RecursiveCharacterTextSplitter: we need exact character offsets for
citations, page-bounded chunks for PDFs, whole table rows, and sentence splitting that
understands pasted articles whose paragraphs are glued together ("weeks.The"). The same
sentence segmentation (kb.text) is what the answerer quotes from, so chunks and quotes agree.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest.timing import stage
from kb.entities import recognise, tags
from kb.errors import LoadError
from kb.settings import Settings
from kb.text import sentence_spans
from kb.types import Chunk, Document, chunk_id

# Most chunks one document may become, unless the caller passes the setting's own value.
MAX_DOCUMENT_CHUNKS: int = Settings.model_fields["max_document_chunks"].default

# Paragraphs: lines joined by single line breaks. Lines as the repeated unit (not characters)
# keep the regex engine's memory flat: a per-character group took 600 MB on a 5 MB line.
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# Where an over-long token (a URL, a data blob, a line without spaces) may be cut, best first.
_TOKEN_CUTS = ("/", "&", ",", ";", "=", "-", "_", ".", ":")


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    page: int | None
    heading: bool


_CARRY = 3  # headings carried to the next chunk at most (a run of them is no heading)


def _is_heading(text: str) -> bool:
    """A short line that is not a sentence and not a table row ("a | b | c"), and does not
    start in lower case (a video caption's line, a chat message: unpunctuated text)."""
    return (
        len(text) <= 120
        and "\n" not in text
        and " | " not in text
        and not text[:1].islower()
        and not re.search(r"[.!?:;,|]$", text)
    )


def _page_at(doc: Document, offset: int) -> int | None:
    """`doc.page_at(offset)` by bisection: the page of every unit, linear in the pages."""
    if not doc.page_starts:
        return None
    return max(1, bisect_right(doc.page_starts, offset))


def _cut(text: str, a: int, size: int) -> int:
    """Where to end a piece of an over-long sentence starting at `a`: the last space in its
    second half, else after a separator inside an over-long token ("a/b", "x=1&y=2"), else
    at `size` characters: no piece, and so no "word", is ever longer than `size`."""
    low, high = a + size // 2, a + size
    cut = text.rfind(" ", low, high)
    if cut > a:
        return cut
    for mark in _TOKEN_CUTS:
        cut = text.rfind(mark, low, high - 1)
        if cut > a:
            return cut + 1
    return high


def _units(doc: Document, size: int) -> Iterator[_Unit]:
    """Sentences (and table rows, headings) with offsets; over-long ones split between words."""
    text = doc.text
    for block in _BLOCK.finditer(text):
        spans = sentence_spans(text, block.start(), block.end())
        heading = len(spans) == 1 and _is_heading(block.group(0).strip())
        for a, b in spans:
            page = _page_at(doc, a)
            while b - a > size:
                cut = _cut(text, a, size)
                yield _Unit(a, cut, page, False)
                a = cut
                while a < b and text[a].isspace():
                    a += 1
            if b > a:
                yield _Unit(a, b, page, heading)


def entity_tags(title: str, texts: Sequence[str]) -> list[tuple[str, ...]]:
    """The stored entity tags of each chunk of one document (its chunk texts, in order).

    One batch per document: a name's kind and folding are decided from the whole document,
    each chunk read with its document's title. A re-tag after a recogniser upgrade calls
    this on the stored chunk texts, so its tags equal a fresh ingest's."""
    with stage("extract"):
        return [tags(found) for found in recognise([f"{title}\n{text}" for text in texts])]


def _too_many_chunks(doc: Document, limit: int) -> LoadError:
    return LoadError(
        doc.source,
        f"the text would make more than {limit:,} chunks (it has {len(doc.text):,} "
        "characters); not ingested",
        "Split the file into smaller documents, or raise the limit with "
        "KB_MAX_DOCUMENT_CHUNKS (each chunk costs embedding time and memory).",
    )


def chunk_document(
    doc: Document, size: int = 800, overlap: int = 150, max_chunks: int = MAX_DOCUMENT_CHUNKS
) -> list[Chunk]:
    """Chunks of about `size` characters, never crossing a PDF page, never ending on a heading,
    repeating up to `overlap` characters of whole sentences from the previous chunk.

    Linear in the text's length. A document that would make more than `max_chunks` chunks
    raises a `LoadError` naming it, as soon as the count is passed: before any entity
    recognition or embedding."""
    units = _units(doc, size)
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        length = unit.end - current[0].start if current else 0
        page_break = bool(current) and unit.page != current[-1].page
        too_long = bool(current) and length > size
        heading_break = (
            unit.heading and bool(current) and (current[-1].end - current[0].start > size * 0.35)
        )
        if current and (page_break or too_long or heading_break):
            # a chunk never ends on a heading: carry it over
            carry: list[_Unit] = []
            while current and current[-1].heading and len(current) > 1 and len(carry) < _CARRY:
                carry.insert(0, current.pop())
            groups.append(current)
            if len(groups) > max_chunks:
                raise _too_many_chunks(doc, max_chunks)
            tail: list[_Unit] = []
            if not page_break and not heading_break and not carry:
                for prev in reversed(current[1:]):
                    if current[-1].end - prev.start > overlap or prev.heading:
                        break
                    tail.insert(0, prev)
            current = tail + carry
        current.append(unit)
    if current:
        groups.append(current)
    if len(groups) > max_chunks:
        raise _too_many_chunks(doc, max_chunks)

    entities = entity_tags(doc.title, [doc.text[g[0].start : g[-1].end] for g in groups])
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                chunk_id=chunk_id(doc.doc_id, doc.content_hash, index),
                doc_id=doc.doc_id,
                index=index,
                text=doc.text[start:end],
                start=start,
                end=end,
                source=doc.source,
                title=doc.title,
                published=doc.published,
                publisher=doc.publisher,
                page=group[0].page,
                content_hash=doc.content_hash,
                entities=entities[index],
            )
        )
    return chunks
