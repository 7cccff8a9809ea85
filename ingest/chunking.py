"""Splitting a document into chunks on its structure and sentence boundaries.

Why not LangChain's RecursiveCharacterTextSplitter: we need exact character offsets for
citations, page-bounded chunks for PDFs, whole table rows, and sentence splitting that
understands pasted articles whose paragraphs are glued together ("weeks.The"). The same
sentence segmentation (kb.text) is what the answerer quotes from, so chunks and quotes agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.timing import stage
from kb.entities import recognise, tags
from kb.text import sentence_spans
from kb.types import Chunk, Document


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    page: int | None
    heading: bool


def _is_heading(text: str) -> bool:
    return len(text) <= 120 and "\n" not in text and not re.search(r"[.!?:;,|]$", text)


def _units(doc: Document, size: int) -> list[_Unit]:
    """Sentences (and table rows, headings) with offsets; over-long ones split between words."""
    units: list[_Unit] = []
    for block in re.finditer(r"[^\n](?:.|\n(?!\n))*", doc.text):
        spans = sentence_spans(doc.text, block.start(), block.end())
        heading = len(spans) == 1 and _is_heading(block.group(0).strip())
        for a, b in spans:
            page = doc.page_at(a)
            while b - a > size:
                cut = doc.text.rfind(" ", a + size // 2, a + size)
                if cut <= a:
                    cut = a + size  # one enormous token: nothing better to cut at
                units.append(_Unit(a, cut, page, False))
                a = cut
                while a < b and doc.text[a].isspace():
                    a += 1
            if b > a:
                units.append(_Unit(a, b, page, heading))
    return units


def chunk_document(doc: Document, size: int = 800, overlap: int = 150) -> list[Chunk]:
    """Chunks of about `size` characters, never crossing a PDF page, never ending on a heading,
    repeating up to `overlap` characters of whole sentences from the previous chunk."""
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
            while current and current[-1].heading and len(current) > 1:
                carry.insert(0, current.pop())
            groups.append(current)
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

    # one batch per document: a name's kind and folding are decided from the whole document
    with stage("extract"):
        entities = recognise([f"{doc.title}\n{doc.text[g[0].start : g[-1].end]}" for g in groups])
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{doc.content_hash[:12]}:{index:04d}",
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
                entities=tags(entities[index]),
            )
        )
    return chunks
