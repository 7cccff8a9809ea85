"""PDF reports via pypdf: text per page (page numbers kept for citations), title and author from
the PDF metadata, and tables turned into readable rows ("Model: GPT-4o | Input: $2.50 | ...").
pypdf is touched only in this module."""

from __future__ import annotations

import io
import logging
import re

from ingest.loaders.base import Loaded, require_text
from ingest.metadata import DATE_LINE, as_text, clean_title, parse_date, title_from_filename
from kb.errors import LoadError

logging.getLogger("pypdf").setLevel(logging.ERROR)

_GAP = re.compile(r"\S(?:\S| (?! ))*")  # runs of text separated by 2+ spaces
_PUBLISHER_LINE = re.compile(r"^\s*(?:source|publisher|published by)\s*:\s*(.+)$", re.I)


def _cells(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _GAP.finditer(line)]


def _is_table_line(line: str) -> bool:
    return len(_cells(line)) >= 2 and re.search(r"\S {3,}\S", line.strip()) is not None


def _merge_row(lines: list[str], columns: list[int]) -> list[str]:
    """Cells of one table row that may wrap over several lines, assigned to columns by x."""
    row = [""] * len(columns)
    for line in lines:
        for x, text in _cells(line):
            col = max((i for i, start in enumerate(columns) if start <= x + 2), default=0)
            row[col] = f"{row[col]} {text}".strip()
    return row


def _table_rows(block: list[list[str]]) -> list[str]:
    """Rows of a table (each a group of physical lines) as self-describing text lines."""
    header_cells = _cells(block[0][0]) if len(block[0]) == 1 else []
    if not header_cells:
        header_cells = _cells(max(block[0], key=lambda s: len(_cells(s))))
    columns = [x for x, _ in header_cells]
    header = _merge_row(block[0], columns)
    rows = []
    for group in block[1:]:
        cells = _merge_row(group, columns)
        if not any(cells):
            continue
        rows.append(
            " | ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False) if c)
        )
    return rows if rows else [" | ".join(header)]


def _join_prose(lines: list[str]) -> list[str]:
    """Physical lines to paragraphs; short lines (titles, date lines) stay on their own."""
    blocks: list[str] = []
    text = ""
    for line in lines:
        part = line.strip()
        if text and (DATE_LINE.match(part) or _PUBLISHER_LINE.match(part)):
            blocks.append(text)  # a metadata line never continues the title above it
            text = ""
        if text.endswith("-") and text[-2:-1].isalpha() and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}".strip()
        if len(part) < 60 or DATE_LINE.match(part):
            blocks.append(text)
            text = ""
    if text:
        blocks.append(text)
    return [re.sub(r"\s+", " ", b) for b in blocks]


def page_to_text(layout: str) -> str:
    """Layout-mode page text to blocks: prose paragraphs joined, tables as labelled rows.

    Layout mode keeps columns apart with runs of spaces, and separates table rows by blank
    lines; a row whose cells wrap spans several physical lines (fragments above and below).
    """
    groups: list[list[str]] = [[]]
    for line in layout.split("\n"):
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    blocks: list[str] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if len(table) >= 2:
            blocks.append("\n".join(_table_rows(table)))
        elif table:
            blocks.append(" | ".join(t for _, t in _cells(" ".join(table[0]))))
        table.clear()

    for group in groups:
        if not group:
            continue
        table_lines = [i for i, line in enumerate(group) if _is_table_line(line)]
        if not table_lines:
            flush_table()
            blocks.extend(_join_prose(group))
            continue
        # prose lines glued above a table (no blank line between) stay prose
        first = table_lines[0]
        lead = group[:first]
        while lead and (len(lead[-1].strip()) < 40 and not lead[-1].strip().endswith(".")):
            first -= 1
            lead = lead[:-1]
        if lead:
            flush_table()
            blocks.extend(_join_prose(lead))
        last = table_lines[-1]
        tail = group[last + 1 :]
        row_tail: list[str] = []
        while tail and len(tail[0].strip()) < 40 and not tail[0].strip().endswith("."):
            row_tail.append(tail.pop(0))
        table.append(group[first : last + 1] + row_tail)
        if tail:
            flush_table()
            blocks.extend(_join_prose(tail))
    flush_table()
    return "\n\n".join(b for b in blocks if b)


def load_pdf(data: bytes, source: str) -> Loaded:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.strip():
        raise LoadError(source, "empty file: there is no PDF to read")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoadError(
            source,
            "not a PDF (the file does not start with %PDF)",
            "Check the file; rename it if it is another format.",
        )
    if b"%%EOF" not in data[-2048:]:
        raise LoadError(
            source,
            "truncated PDF: the end-of-file marker is missing",
            "The download or copy was cut short; fetch the file again.",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(
                source,
                "encrypted PDF: it needs a password",
                "Save an unencrypted copy and ingest that.",
            )
        layouts = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
        info: dict = dict(reader.metadata or {})
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(
            source,
            f"corrupt PDF: {exc}",
            "Open it in a PDF viewer to check; fetch or export it again.",
        ) from exc

    pages: list[str] = [page_to_text(layout) for layout in layouts]
    text = ""
    page_starts: list[int] = []
    for page_text in pages:
        if text:
            text += "\n\n"
        page_starts.append(len(text))
        text += page_text.strip()
    if not text.strip():
        raise LoadError(
            source,
            "no extractable text in this PDF (is it a scan?)",
            "Run OCR on it first (e.g. ocrmypdf) and ingest the result.",
        )
    require_text(text, source, "PDF")

    first_lines = [line.strip() for line in pages[0].split("\n") if line.strip()][:12]
    published = publisher = None
    for line in first_lines:
        for piece in re.split(r"\s*[|·]\s*", line):
            if not published and (m := DATE_LINE.match(piece)):
                published = parse_date(m.group(1))
            if not publisher and (m := _PUBLISHER_LINE.match(piece)):
                publisher = as_text(m.group(1))
    published = published or parse_date(info.get("/CreationDate"))
    title = clean_title(as_text(info.get("/Title"))) or (
        clean_title(first_lines[0]) if first_lines else ""
    )
    return Loaded(
        title=title or title_from_filename(source),
        text=text,
        format="pdf",
        published=published,
        publisher=publisher,
        author=as_text(info.get("/Author")),
        page_starts=tuple(page_starts),
    )
