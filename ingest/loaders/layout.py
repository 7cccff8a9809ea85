"""Text laid out for print, as a PDF's or a scanner's text export gives it: two columns side
by side, running heads and feet repeated on every page, lines broken at a fixed width and
words hyphenated across the break. Each is undone here so that the loader sees sentences."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Collection

from kb.vocabulary import MONTH_RE, month_number
from kb.wordstats import zipf

_GAP = re.compile(r"\S( {3,})(?=\S)")  # a gutter between two columns: three spaces or more
_MIN_COLUMN_LINES = 6  # lines that must share a gutter's edge before a page is read as columns
_EDGE_SLACK = 2  # characters a right column's edge may wander in a scan
_RULE = re.compile(r"[_=\-–—*·.\s]{10,}")  # a rule across the page: "______", "- - - -"
_PAGE_DIGITS = re.compile(r"\d+")
_RUNNING_MAX = 120  # characters: a running head or foot is one short line
_LAID_OUT = re.compile(r"\s\|\s|\S\s{3,}\S")  # parts of a line set apart by a bar or wide gaps
# an issue's month in a scan's running header: "OCTOBER 2026"
_ISSUE_DATE = re.compile(
    rf"(?<![\w-])(?P<month>(?i:{MONTH_RE}))\.?\s+(?P<year>(?:19|20)\d\d)(?![\w-])"
)
_HEADER_MAX = 160  # characters: a page header, not a paragraph that names a month
_WRAP_LINES = 10  # non-empty lines a text needs before its wrap width is trusted
_WRAP_SHARE = 0.5  # share of the lines that must end near the widest to call it hard-wrapped
_WRAP_BAND = 12  # characters: a wrapped line ends within a long word of the width
_KNOWN_WORD_ZIPF = 2.0  # "counted", "throughout" are words; "multiyear", "selfserve" are not


def split_columns(lines: list[str]) -> list[str]:
    """The lines with each run of two-column layout read as columns: the left column's lines,
    then the right one's. A run is a stretch of lines where the right column's text starts at
    one position (within a character or two) after a gutter of spaces, or a line holds only
    one column; a line whose text crosses that position ends the run."""
    edge = _right_edge(lines)
    if edge is None:
        return lines
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _right_start(lines[i], edge) is None:
            out.append(lines[i])
            i += 1
            continue
        left: list[str] = []
        right: list[str] = []
        while i < len(lines):
            line = lines[i]
            start = _right_start(line, edge)
            if start is not None:
                left.append(line[:start].rstrip())
                right.append(line[start:].strip())
            elif len(line.rstrip()) < edge:
                left.append(line.rstrip())  # the left column alone, or a blank line
                right.append("")
            else:
                break  # text across the gutter: the columns end
            i += 1
        out += _paragraphs(_trim(left)) + [""] + _paragraphs(_trim(right))
    return out


def _paragraphs(column: list[str]) -> list[str]:
    """A column's lines as paragraphs: lines run on until a blank line or a heading set in
    capitals; a blank line stays between paragraphs."""
    known = {w.lower() for line in column for w in re.findall(r"[A-Za-z]+", line)}
    out: list[str] = []
    for line in column:
        text = line.strip()
        if out and out[-1] and text and not out[-1].isupper() and not text.isupper():
            out[-1] = join_lines(out[-1], text, known)
        else:
            out.append(text)
    return out


def _right_edge(lines: list[str]) -> int | None:
    """Where a right column starts, if enough lines start text there after a gutter."""
    starts: Counter[int] = Counter()
    for line in lines:
        gaps = list(_GAP.finditer(line))
        if len(gaps) == 1 and _prose(line[: gaps[0].start(1)]) and _prose(line[gaps[0].end(1) :]):
            starts[gaps[0].end(1)] += 1
        if (lead := len(line) - len(line.lstrip(" "))) >= 20 and line.strip():
            starts[lead] += 1  # a line with only the right column's text
    if not starts:
        return None
    best, count = max(
        (
            (pos, sum(starts[p] for p in range(pos - _EDGE_SLACK, pos + _EDGE_SLACK + 1)))
            for pos in starts
        ),
        key=lambda pc: (pc[1], -pc[0]),
    )
    return best if count >= _MIN_COLUMN_LINES and best >= 20 else None


def _right_start(line: str, edge: int) -> int | None:
    """Where the right column's text starts in a line, if it has text at the edge after a
    gutter (or after nothing but spaces)."""
    gaps = list(_GAP.finditer(line))
    if len(gaps) > 1:
        return None  # a table's row: cells apart, not two columns of prose
    for m in gaps:
        if m.start(1) <= edge and m.end(1) >= edge - _EDGE_SLACK:
            return m.end(1)  # the gutter spans the edge, wherever the text starts
    lead = len(line) - len(line.lstrip(" "))
    if line.strip() and abs(lead - edge) <= _EDGE_SLACK + 4 and lead >= 20:
        return lead
    return None


def _prose(text: str) -> bool:
    """Whether a column's text is words, not figures: two words of letters at least."""
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 2


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


_CELL_GAP = re.compile(r"\s{2,}")  # cells of a table laid out with spaces
_MIN_TABLE_ROWS = 3  # rows, a header included, before aligned lines are read as a table
_MIN_CELLS = 3


def aligned_tables(lines: list[str]) -> list[str]:
    """The lines with each table laid out in spaced columns written as a table's rows, cells
    between bars ("GPU Cloud    412.6    228.9    +80%" -> "GPU Cloud | 412.6 | 228.9 |
    +80%"), as the Markdown and PDF readers write theirs: a run of three lines or more that
    split into the same number of cells (three or more) at gaps of two spaces or more."""
    # a row already between bars ("| marram-2 |   deprecated   |") is left as written
    cells = [
        _CELL_GAP.split(line.strip()) if line.strip() and "|" not in line else [] for line in lines
    ]
    out = list(lines)
    i = 0
    while i < len(lines):
        n = len(cells[i])
        j = i
        while j < len(lines) and len(cells[j]) == n and n >= _MIN_CELLS:
            j += 1
        if j - i >= _MIN_TABLE_ROWS and any(re.search(r"\d", lines[k]) for k in range(i, j)):
            for k in range(i, j):
                out[k] = " | ".join(cells[k])
            i = j
        else:
            i += 1
    return out


_MIN_FIELDS = 4  # fields a line of comma-separated values has before it is read as a record
_FIELD = 80  # characters: a longer field is prose with commas, not a spreadsheet's cell


def _fields(line: str) -> list[str]:
    """A line's comma-separated fields (quoted ones may hold commas), or [] when it does not
    read as a record: too few fields, a long one, or its commas followed by spaces as prose
    writes them ("In 2026, the company, which ...")."""
    if line.count(",") < _MIN_FIELDS - 1 or "|" in line:
        return []
    fields = next(csv.reader([line.strip()]), [])
    bare = len(re.findall(r",(?=\S)", line))
    if len(fields) < _MIN_FIELDS or bare < (len(fields) - 1) / 2:
        return []
    return fields if all(len(f) <= _FIELD for f in fields) else []


def comma_tables(lines: list[str]) -> list[str]:
    """The lines with each block of comma-separated values (a spreadsheet exported or pasted
    as text) written as a table's rows, cells between bars ("Brightlake Compute,GPU cloud
    H200,On-demand,GPU-hour,3.10,USD" -> "Brightlake Compute | GPU cloud H200 | ... | USD"),
    as the Markdown and PDF readers write theirs: a run of three lines or more with the same
    number of fields (four or more), its first line the header."""
    fields = [_fields(line) for line in lines]
    out = list(lines)
    i = 0
    while i < len(lines):
        n = len(fields[i])
        j = i
        while j < len(lines) and n and len(fields[j]) == n:
            j += 1
        if j - i >= _MIN_TABLE_ROWS:
            for k in range(i, j):
                out[k] = " | ".join(f.strip() or "-" for f in fields[k])
            i = j
        else:
            i += 1
    return out


def without_furniture(lines: list[str]) -> list[str]:
    """The lines without a printed page's furniture: rules across the page, the lines that
    run along a rule (a running foot above it, a running head below it: "Corrandale plc |
    Annual Report 2026 | 6", "Strategic report      Segment review"), and short lines
    repeated on several pages with only their numbers changed. A sentence that a page break
    cut runs on: the blank lines around the furniture go with it."""
    furniture = _furniture_lines(lines)
    out: list[str] = []
    skipping = False
    for i, line in enumerate(lines):
        if i in furniture:
            while out and not out[-1].strip():
                out.pop()
            skipping = True
        elif skipping and not line.strip():
            continue
        else:
            skipping = False
            out.append(line)
    return out


def _furniture_lines(lines: list[str]) -> set[int]:
    def shape(line: str) -> str:
        return _PAGE_DIGITS.sub("#", " ".join(line.split()))

    seen = Counter(shape(line) for line in lines if line.strip() and len(line) <= _RUNNING_MAX)
    texts = [i for i, line in enumerate(lines) if line.strip()]
    # a running foot or head: set out in parts, numbered, and on several pages
    out = {
        i
        for i in texts
        if _set_out(lines[i]) and _numbered(lines[i]) and seen[shape(lines[i])] >= 2
    }
    if not out:
        return out  # no page is numbered: rules and gaps are the text's own
    rules = {i for i in texts if _RULE.fullmatch(lines[i].strip())}
    for n, i in enumerate(texts):
        if i in rules and (
            (n > 0 and texts[n - 1] in out) or (n + 1 < len(texts) and texts[n + 1] in out)
        ):
            out.add(i)  # the rule a running foot sits on
    for n, i in enumerate(texts):
        if n > 0 and texts[n - 1] in rules and texts[n - 1] in out and _set_out(lines[i]):
            out.add(i)  # the running head under it: "Strategic report      Segment review"
    return out


def _set_out(line: str) -> bool:
    """Whether a short line is laid out in parts, by bars or wide gaps."""
    return len(line) <= _RUNNING_MAX and bool(_LAID_OUT.search(line.strip()))


def issue_date(line: str) -> str | None:
    """The issue date (its month's first day) of a scanned page's running header, or None
    when the line is not one: a line laid out in parts (a bar, wide gaps) naming a month and
    a year ("28  DATA HALL REVIEW | OCTOBER 2026  COOLING")."""
    if len(line) > _HEADER_MAX or not _LAID_OUT.search(line):
        return None
    m = _ISSUE_DATE.search(line)
    month = month_number(m["month"]) if m else None
    return f"{m['year']}-{month:02d}-01" if m and month else None


def _numbered(line: str) -> bool:
    """Whether a line starts or ends with a page number."""
    return bool(re.search(r"^\d{1,4}\s|\s\d{1,4}$", line.strip()))


def wrap_width(lines: list[str]) -> int | None:
    """The width a text was hard-wrapped at (a PDF's export, a mail), or None when its lines
    are not broken at a fixed width: enough lines, and a good share of them ending within a
    few characters of the widest."""
    lengths = sorted(len(line) for line in lines if line.strip())
    if len(lengths) < _WRAP_LINES:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]  # a few wider lines (a rule, a URL) aside
    if width > 110:
        return None  # paragraphs on one line each: nothing is wrapped
    near = sum(1 for n in lengths if width - _WRAP_BAND <= n <= width + 2)
    return width if near >= _WRAP_SHARE * len(lengths) else None


def wrapped(line: str, following: str, width: int) -> bool:
    """Whether `line` was broken only because the next word did not fit: the first word of
    the following line would have passed the width."""
    first = following.split(maxsplit=1)[0] if following.strip() else ""
    if not re.match(r"[\w$€£\"“‘'(]", first):
        return False  # "[01:45]", "- item", "• item": a line of its own
    return len(line) + 1 + len(first) > width


def join_lines(line: str, following: str, known: Collection[str]) -> str:
    """Two lines of one sentence as one: a word hyphenated across the break is whole again
    ("ac-" + "counted" is "accounted") when the whole is a word (common English, or written
    whole elsewhere in the text); a compound keeps its hyphen ("multi-" + "year")."""
    m = re.search(r"([A-Za-z]+)-$", line)
    nxt = re.match(r"([a-z]+)", following)
    if m and nxt:
        whole = m.group(1) + nxt.group(1)
        if whole.lower() in known or zipf(whole.lower()) >= _KNOWN_WORD_ZIPF:
            return line[:-1] + following
        return line + following
    return f"{line} {following}"
