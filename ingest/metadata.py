"""Reading publication dates and cleaning titles, whatever shape a source gives them in."""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})(\d{2})")

# "Published: 2026-07-21", "Date - July 21, 2026", "Published on 21 July 2026"
DATE_LINE = re.compile(
    r"^\s*(?:published(?:\s+on)?|date|posted(?:\s+on)?|updated|first published)\s*[:\-–]?\s*(.+)$",
    re.IGNORECASE,
)


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, datetime or common string form, else None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if m := _PDF_DATE.match(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO.search(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if (m := _MONTH_FIRST.search(text)) and m[1].lower() in _MONTHS:
        return _valid(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    if (m := _DAY_FIRST.search(text)) and m[2].lower() in _MONTHS:
        return _valid(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    return None


def clean_title(title: str | None, max_len: int = 300) -> str:
    title = re.sub(r"\s+", " ", title or "").strip().strip("#").strip()
    return title[:max_len]


def title_from_filename(name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name)
    stem = re.sub(r"[-_]+", " ", stem).strip()
    return stem[:1].upper() + stem[1:] if stem else "Untitled"


def as_text(value: object) -> str | None:
    """A metadata value as a clean string, or None."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value if v)
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None
