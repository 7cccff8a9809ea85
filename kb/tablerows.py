"""Amounts and table rows as articles write them, for market facts (kb.marketfacts).

Two jobs that the prose and table readers share:
- amounts: "$1.4 billion", "€15 million", "15 million euros", "EUR 600M", "$45m", "117B" as a
  value in the stated currency's units, the currency, and the text as written;
- tables in chunk text, in the two shapes the loaders write:
  PDF rows with the header in each cell ("Model: o3 | Vendor: OpenAI | Input: $2.00"), and
  Markdown rows as text, a header line ("Model | Vendor | Price per second") followed by rows
  ("Veo 3 | Google | $0.40"), separator lines and blank lines optional. A table may continue
  into the next chunk of its document, so `TableReader` is fed a document's lines in order and
  keeps the header, the caption (a heading line just above) and the paragraphs around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb.dates import parse_date, period_date, stated_date
from kb.types import Chunk
from kb.vocabulary import MONTH_RE

# --- amounts ----------------------------------------------------------------------------------

MULTIPLIERS = {
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    # dollars and reais written with a country's letters: "CA$4 million", "A$5m", "R$0.55"
    "ca$": "CAD",
    "c$": "CAD",
    "au$": "AUD",
    "a$": "AUD",
    "hk$": "HKD",
    "nz$": "NZD",
    "sg$": "SGD",
    "s$": "SGD",
    "nt$": "TWD",
    "mx$": "MXN",
    "r$": "BRL",
}
_CODES = ("USD", "EUR", "GBP", "CHF", "CNY", "RMB", "JPY", "CAD", "AUD", "INR", "KRW", "NOK", "SEK")
_WORDS = {
    "us dollars": "USD",
    "dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "won": "KRW",
    "rupees": "INR",
    "kroner": "NOK",
    "kronor": "SEK",
    "cents": "USD",  # "90 cents a resolution": a hundredth of a dollar (see _find_money)
}
# "CA$", "HK$", "R$" (the letters _SYMBOLS knows, longest first) or a bare "$"
_DOLLAR_LETTERS = sorted(
    (k[:-1].upper() for k in _SYMBOLS if k.endswith("$") and k != "$"), key=len
)
_DOLLAR_PREFIX = f"(?:{'|'.join(reversed(_DOLLAR_LETTERS))})?"
CURRENCY_SIGN = rf"(?:{_DOLLAR_PREFIX}\$|[€£¥])"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"trillion|billion|million|thousand|bn|tn|mn|[mMbBkKtT]"
_CODE = "|".join(_CODES)
_WORD = r"US dollars|dollars|euros?|pounds|yuan|renminbi|yen|won|rupees|kroner|kronor|cents"
MONEY = re.compile(
    rf"(?P<pre>(?<![A-Za-z]){_DOLLAR_PREFIX}\$|€|£|¥|(?:{_CODE})\s?)(?P<num>{_NUM})(?:\s?(?P<mult>{_MULT})(?![A-Za-z]))?"
    rf"(?:\s(?P<post>{_WORD})\b)?"
    rf"|(?<![\w.$€£¥])(?P<num2>{_NUM})(?:\s?(?P<mult2>{_MULT})(?![A-Za-z]))?\s(?P<post2>{_WORD}|"
    rf"{_CODE})\b"
)
"""An amount of money with its currency written as a symbol, a code or a word."""


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    text: str
    start: int
    end: int


def _number(num: str, mult: str | None) -> float:
    value = float(num.replace(",", ""))
    if mult:
        value *= MULTIPLIERS[mult.lower()]
    return value


def find_money(text: str) -> list[Money]:
    """Every amount of money in `text`, in order."""
    return list(_find_money(text))


# The fact readers ask about one sentence or cell several times (one reader per fact kind):
# nine calls in ten on corpus/ repeat one.
@lru_cache(maxsize=4096)
def _find_money(text: str) -> tuple[Money, ...]:
    out = []
    for m in MONEY.finditer(text):
        if m["num"]:
            pre = m["pre"].strip()
            currency = _SYMBOLS.get(pre.lower()) or ("CNY" if pre == "RMB" else pre)
            if m["post"]:
                currency = _WORDS.get(m["post"].lower(), currency)
            value = _number(m["num"], m["mult"])
        else:
            post = m["post2"]
            currency = _WORDS.get(post.lower()) or ("CNY" if post == "RMB" else post)
            value = _number(m["num2"], m["mult2"])
        if (m["post"] or m["post2"] or "").lower() == "cents":
            value /= 100
        out.append(Money(value, currency, m.group(0).strip(), m.start(), m.end()))
    return tuple(out)


def currency_named(text: str) -> str:
    """The currency a header, caption or note names ("USD per million tokens", "in US
    dollars", "€"), "" if none."""
    for code in _CODES:
        if re.search(rf"\b{code}\b", text):
            return "CNY" if code == "RMB" else code
    low = text.lower()
    for word, code in _WORDS.items():
        if re.search(rf"\b{word}\b", low):
            return code
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    return ""


_CELL_NUMBER = re.compile(
    rf"^(?:about|around|roughly|approx\.?|approximately|up to|over|more than|~|≈)?\s*"
    rf"(?P<sign>[+\-−–])?\s*(?P<cur>{_DOLLAR_PREFIX}\$|€|£|¥|(?:{_CODE})\s)?\s*(?P<num>{_NUM})"
    rf"(?:\s?(?P<mult>{_MULT})(?![A-Za-z]))?\s*(?P<pct>%)?"
)


_RATING_STARS = "★☆⭐✩✪✭✮✯ "  # a review site's stars before the score they draw


def cell_number(cell: str) -> float | None:
    """The number a table cell reads as ("$0.40" -> 0.4, "256 GB" -> 256.0, "117B" -> 1.17e11,
    "-47% (September 2025)" -> -47.0, "★★★★☆ 4.4/5" -> 4.4), None for text, dates and
    years-as-dates; a struck-through figure ("~~4.2/5~~") is no longer the row's."""
    text = cell.strip().lstrip(_RATING_STARS).strip()
    if not text or re.search(rf"^{MONTH_RE}", text, re.I) or parse_date(text) == text[:10]:
        return None
    m = _CELL_NUMBER.match(text)
    if not m:
        return None
    value = _number(m["num"], m["mult"])
    if m["sign"] and m["sign"] != "+":
        value = -value
    return value


def cell_date(cell: str) -> str | None:
    """The date a cell states ("2026-01-20", "Jan 2023", "-47% (September 2025)", "2023")."""
    text = cell.strip()
    iso = re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    if iso:
        return parse_date(iso.group(0))
    if re.search(rf"{MONTH_RE}", text, re.I):
        return stated_date(text, None) or period_date(text)
    if re.fullmatch(r"(?:19|20)\d{2}", text):
        return text
    return None


# --- tables -----------------------------------------------------------------------------------

_RANK_CELL = re.compile(r"^\s*(?:#|No\.\s?)?\d{1,3}\.?\s*$|^\s*[-–—]?\s*$", re.I)
_KEY_CELL = re.compile(r"^(?P<key>[^:|]{1,40}?):\s*(?P<value>.*)$")
_SEPARATOR = re.compile(r"^:?-{2,}:?$")


@dataclass
class Table:
    """One table of a document: its caption, the paragraph before it and the first line after it
    (where units and currency are often stated: "Prices are in US dollars per million tokens")."""

    caption: str = ""
    intro: str = ""
    note: str = ""
    columns: tuple[str, ...] = ()

    @property
    def context(self) -> str:
        return " ".join(p for p in (self.caption, self.intro, self.note) if p)


# columns of the dates a product stops ("Shutdown date", "Retired on", "Deprecated on"): they
# describe the product, not the row's figures
LIFECYCLE_COLUMNS = ("shutdown", "shut down", "retire", "sunset", "end of life", "deprecat")


@lru_cache(maxsize=256)
def _word_start(word: str) -> re.Pattern[str]:
    """`word` at the start of a word: compiled once (asked for every column of every row)."""
    return re.compile(rf"\b{re.escape(word)}")


@dataclass(frozen=True)
class TableRow:
    table: Table
    columns: tuple[str, ...]
    cells: dict[str, str]
    chunk: Chunk
    text: str  # the row as written
    start: int  # offset in chunk.text

    @property
    def name(self) -> str:
        """What the row is about: its first cell, after any leading rank cells ("#", "1",
        "No. 2", "–") a ranked table starts with."""
        return self.cells.get(self.name_column, "") if self.columns else ""

    @property
    def name_column(self) -> str:
        """The column of the row's name (see `name`)."""
        for column in self.columns:
            if not _RANK_CELL.match(self.cells.get(column, "")):
                return column
        return self.columns[0] if self.columns else ""

    def numbers(self) -> dict[str, float]:
        out = {}
        for column, cell in self.cells.items():
            value = cell_number(cell)
            if value is not None:
                out[column] = value
        return out

    def column(self, *words: str, exclude: tuple[str, ...] = ()) -> str | None:
        """The first column whose header contains one of `words` (whole words, any case)."""
        for col in self.columns:
            low = col.lower()
            if any(_word_start(w).search(low) for w in words) and not any(
                _word_start(x).search(low) for x in exclude
            ):
                return col
        return None

    def date(self) -> str | None:
        """The row's own date: a date column's cell, else any cell that states a date."""
        col = self.column(
            "date", "period", "month", "when", "as of", "effective", exclude=LIFECYCLE_COLUMNS
        )
        if col and (d := cell_date(self.cells[col])):
            return d
        # "Corvid Reason 1 (until March 16, 2026)": a name qualified by the date its figures held
        qualified = re.search(r"\(([^)]*\d{4}[^)]*)\)", self.name)
        if qualified and (d := cell_date(qualified.group(1))):
            return d
        for col in self.columns[1:]:
            if col.lower() in ("released", "announced", "first released", "launched") or any(
                w in col.lower() for w in LIFECYCLE_COLUMNS
            ):
                continue  # a release or shutdown date describes the model, not the figures
            dated = re.search(rf"{MONTH_RE}\s+\d|\d{{4}}-\d{{2}}", self.cells[col], re.I)
            if dated and (d := cell_date(self.cells[col])):
                return d
        return None


def _split(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def is_heading(line: str) -> bool:
    """A caption or section heading: one short line without sentence punctuation at its end."""
    text = line.strip()
    return (
        0 < len(text) <= 120
        and not re.search(r"[.!?;,:]$", text)
        and not re.match(r"^(?:[-*•]|\d+\.\s)", text)
        and len(text.split()) <= 16
    ) or bool(re.match(r"^Table\s+\d+[.:]", text))


def _looks_like_header(cells: list[str]) -> bool:
    return all(
        c and len(c) <= 60 and cell_number(c) is None and not find_money(c) and not cell_date(c)
        for c in cells
    )


@dataclass
class TableReader:
    """Reads a document's lines in order; `line` returns the table row a line is, if any."""

    tables: list[Table] = field(default_factory=list)
    _table: Table | None = None
    _open: bool = False  # the current table may still get rows
    _heading: str = ""  # a heading line just above
    _paragraph: str = ""  # the last paragraph line read
    _last_was_heading: bool = False
    _awaiting_note: Table | None = None

    def line(self, text: str, chunk: Chunk, start: int) -> TableRow | None:
        stripped = text.strip()
        if "|" not in stripped or stripped.count("|") < 1 or len(_split(stripped)) < 2:
            self._prose(stripped)
            return None
        cells = _split(stripped)
        if all(_SEPARATOR.match(c) or not c for c in cells):
            return None
        keyed = [_KEY_CELL.match(c) for c in cells]
        if all(keyed):
            columns = tuple(m["key"].strip() for m in keyed if m)
            values = {m["key"].strip(): m["value"].strip() for m in keyed if m}
            if not (self._open and self._table and self._table.columns == columns):
                self._new_table(columns)
            self._last_was_heading = False
            assert self._table is not None
            return TableRow(self._table, columns, values, chunk, stripped, start)
        table = self._table
        if table and tuple(cells) == table.columns:
            return None  # the header again, at the start of the next (overlapping) chunk
        if self._open and table and len(table.columns) == len(cells):
            self._last_was_heading = False
            return TableRow(
                table,
                table.columns,
                dict(zip(table.columns, cells, strict=True)),
                chunk,
                stripped,
                start,
            )
        if _looks_like_header(cells):
            self._new_table(tuple(cells))
            self._last_was_heading = False
            return None
        # a row without a header line: number its columns
        columns = tuple(f"column {i + 1}" for i in range(len(cells)))
        self._new_table(columns)
        self._last_was_heading = False
        assert self._table is not None
        return TableRow(
            self._table, columns, dict(zip(columns, cells, strict=True)), chunk, stripped, start
        )

    def _new_table(self, columns: tuple[str, ...]) -> None:
        caption = self._heading if self._last_was_heading else ""
        self._table = Table(caption=caption, intro=self._paragraph, columns=columns)
        self.tables.append(self._table)
        self._open = True
        self._awaiting_note = self._table

    def _prose(self, text: str) -> None:
        if not text:
            return
        if is_heading(text):
            self._heading = text
            self._last_was_heading = True
            self._open = False
            return
        if self._open or self._awaiting_note is not None:
            if self._awaiting_note is not None and self._awaiting_note is self._table:
                self._table.note = text
            self._awaiting_note = None
        self._open = False
        self._last_was_heading = False
        self._paragraph = text


__all__ = [
    "MONEY",
    "Money",
    "Table",
    "TableReader",
    "TableRow",
    "cell_date",
    "cell_number",
    "currency_named",
    "find_money",
    "is_heading",
]
