"""Reading publication dates and cleaning titles, whatever shape a source gives them in."""

from __future__ import annotations

import re

from kb.dates import parse_date

__all__ = ["DATE_LINE", "as_text", "clean_title", "parse_date", "title_from_filename"]

# "Published: 2026-07-21", "Date - July 21, 2026", "Published on 21 July 2026"
DATE_LINE = re.compile(
    r"^\s*(?:published(?:\s+on)?|date|posted(?:\s+on)?|updated|first published|"
    # a Korean news site's "Input 2026.11.04 06:12" (입력), a chat export's "Exported: ..."
    r"input|exported(?:\s+on)?|generated|created|as of|last updated|last modified)"
    r"\s*[:\-–]?\s*(.+)$",
    re.IGNORECASE,
)


def clean_title(title: str | None, max_len: int = 300) -> str:
    title = re.sub(r"\s+", " ", title or "").strip().strip("#▲►•").strip()
    return title[:max_len]


def title_from_filename(name: str) -> str:
    """A readable title from a file's own name, for a document that has none: no folders, no
    extension, no URL query ("uploads/sub/zorblax_long-title.txt" -> "Zorblax long title")."""
    name = re.split(r"[?#]", name, maxsplit=1)[0].rstrip("/\\")
    name = re.split(r"[/\\]", name)[-1]
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name)
    stem = re.sub(r"[-_.\s]+", " ", stem).strip()
    return stem[:1].upper() + stem[1:] if stem else "Untitled"


def as_text(value: object) -> str | None:
    """A metadata value as a clean string, or None."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v)
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None
