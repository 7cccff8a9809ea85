"""Plain-text articles as people paste them: title on the first line, maybe a date line,
then the body, often with no paragraph breaks and cut off mid-sentence."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

from ingest.loaders.base import Loaded, decode_text, require_text
from ingest.loaders.layout import (
    aligned_tables,
    comma_tables,
    issue_date,
    join_lines,
    split_columns,
    without_furniture,
    wrap_width,
    wrapped,
)
from ingest.metadata import (
    DATE_LINE,
    as_text,
    clean_title,
    parse_date,
    title_from_filename,
)
from kb.entities import find_entities
from kb.text import glued_sentence_ends, menu_line
from kb.wordstats import is_common_word, zipf

_META_LINE = re.compile(r"^\s*(source|publisher|by|author|url)\s*:\s*(.+)$", re.IGNORECASE)
_HEADER_LINES = 8  # metadata is looked for this many non-empty lines from the top
# a date closing the first line after a separator, as social posts print it ("· Nov 9, 2026")
_TRAILING_DATE = re.compile(
    r"\s+[·|—–-]\s+((?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})|(?:\d{1,2} [A-Z][a-z]{2,8} \d{4}))\s*$"
)
_TITLE_BLOCK = 3  # lines: a display title set in capitals runs over a few short lines
# Pasted web articles lose their line breaks, gluing each subheading to the sentence after it:
# "... to the top of the boardHappyHorse first surfaced". A lower-case word running straight
# into a capitalised one marks the seam ("DeepSeek", "ByteDance", "iPhone" start otherwise).
_GLUED_HEADING = re.compile(r"(?<=\s)([a-z]{2,})(?=[A-Z][a-z])")
_RUN_ON = 400  # only lines this long (a paste without paragraph breaks) are mended
_END = re.compile(r"[.!?…:;,|]")  # a glued subheading has no punctuation of its own
# A subheading glued to a sentence that starts with a capital, with no punctuation between,
# in a line of any length: "Paused in the European UnionEurope is still waiting", "to the top
# of the boardKestrel first ...". A capital inside a word is also how names are spelled
# ("HappyHorse", "DeepSeek", "YouTube"), so such a seam is split only on the document's
# evidence (see `_glued_heading_start`).
_CAMEL = re.compile(r"(?<![\w'’.&/@-])([A-Z][a-z]+|[a-z]{2,})([A-Z][a-z]+)(?=[ \t]+[\w\"'“‘(])")
_RUN_STOP = re.compile(r"[.!?…:;,()\"“”|]")  # the last of these before a seam starts its run
_HEADING_WORDS = 12  # a run longer than this is a sentence, not a subheading
_WRITTEN = re.compile(r"(?<![\w'’-])[A-Za-z]+(?![\w-])")
_PAIR = re.compile(r"(?<![\w'’])([A-Za-z]+)[ \t-]+(?=([A-Za-z]+)(?![\w]))")


# a header field that is a date: "Rechenwerk Online | Economy | 17. November 2026, 14:32 Uhr"
_DATE_STARTS = re.compile(r"(?:\d{1,2}(?:\.|st|nd|rd|th|er)?\s+[^\W\d]{3,}|[A-Z][a-z]{2,}\.?\s+\d)")


def _date_field(line: str) -> str | None:
    """The date a header line of fields gives in a field of its own: labelled like a date
    line ('Sheet: "Prices" | exported 2026-11-24 09:15'), or bare among three fields or more
    ("Rechenwerk Online | Economy | 17. November 2026, 14:32 Uhr"); else None."""
    if "|" not in line:
        return None
    for field in (f.strip() for f in line.split("|")):
        if (m := DATE_LINE.match(field)) and (found := parse_date(m.group(1))):
            return found
        bare = line.count("|") >= 2 and _DATE_STARTS.match(field) and len(field) <= 40
        if bare and (found := parse_date(field)):
            return found
    return None


def load_txt(data: bytes, source: str) -> Loaded:
    raw = decode_text(data, source)
    # a printed page's running heads and feet go; a scan's two columns, one after the other
    # (and a spreadsheet's comma-separated rows, as a table's)
    laid_out = comma_tables(aligned_tables(split_columns(without_furniture(raw.split("\n")))))
    lines = [line.strip() for line in laid_out]
    nonempty = [i for i, line in enumerate(lines) if line]
    title = ""
    published = publisher = author = url = None
    used: set[int] = set()
    if nonempty and (issue := issue_date(lines[nonempty[0]])):
        # a scan's page header holds the issue's month, and the title comes after it
        published = issue
        used.add(nonempty.pop(0))
    if nonempty and menu_line(lines[nonempty[0]]):
        # a site's menu copied with the page ("Hacker News new | past | comments | ask"):
        # neither its title nor its text
        used.add(nonempty.pop(0))
    if nonempty and len(lines[nonempty[0]]) <= 250:
        first, block = _title_block(lines, nonempty)
        used.update(block)
        # a post's header line: "Teodora Rennick @teo_rennick · Nov 9, 2026"
        if (stamp := _TRAILING_DATE.search(first)) and (found := parse_date(stamp.group(1))):
            published, first = found, first[: stamp.start()]
        title = clean_title(first)
        used.add(nonempty[0])
    for i in nonempty[:_HEADER_LINES]:
        if i in used or len(lines[i]) > 200:
            continue
        m = DATE_LINE.match(lines[i])
        if (m and (found := parse_date(m.group(1)))) or (found := _date_field(lines[i])):
            published = published or found
            used.add(i)
        elif m := _META_LINE.match(lines[i]):
            key, value = m.group(1).lower(), as_text(m.group(2))
            if key in ("source", "publisher"):
                publisher = value
            elif key in ("by", "author"):
                author = value
            else:
                url = value
            used.add(i)
    whole = "\n".join(lines)  # the title too: "... but Europe still has to wait"
    doc = _Written(Counter(_WRITTEN.findall(whole)), whole)
    used |= _related_links(lines)
    kept = [(i, line) for i, line in enumerate(lines) if line and i not in used]
    width = wrap_width([line for _, line in kept])
    known = {w.lower() for w in doc.counts}
    body = "\n\n".join(_unglue(line, doc) for line in _unwrapped(kept, width, known))
    return Loaded(
        title=title or title_from_filename(source),
        text=require_text(body, source),
        format="txt",
        published=published,
        publisher=publisher,
        author=author,
        url=url,
    )


def _title_block(lines: list[str], nonempty: list[int]) -> tuple[str, list[int]]:
    """The first line, and the lines after it while a title set in capitals runs on over
    several short lines ("COLD COMFORT: LIQUID" / "COOLING HEADS NORTH")."""
    first = lines[nonempty[0]]
    if not (first.isupper() and len(first) <= 60):
        return first, []
    i = nonempty[0] + 1
    while (
        i < len(lines)
        and i - nonempty[0] < _TITLE_BLOCK
        and lines[i].isupper()
        and len(lines[i]) <= 60
        and not re.search(r"^BY\s|\d", lines[i])  # a by-line, a dateline: not the title
    ):
        first += " " + lines[i]
        i += 1
    return first, list(range(nonempty[0] + 1, i))


# the label of the links a news page lists after its article, as a paste keeps them
_RELATED_LABEL = re.compile(
    r"^(?:related(?: news| stories| articles| coverage| reading| posts)?|read more|read also|"
    r"also read|see also|more on this(?: story| topic)?|more from \w+(?: \w+)?|most read|"
    r"recommended(?: for you)?|you may also like)\s*:?$",
    re.I,
)
_LINK_LINE = 160  # characters: a listed headline is shorter than this


def _related_links(lines: list[str]) -> set[int]:
    """The lines of a trailing "Related news:" block: the label and the headlines listed
    after it, to the end of the text (the page's links, not the article); none when any
    line after the label reads as prose (a full stop ending a long line)."""
    for i in range(len(lines) - 1, -1, -1):
        if _RELATED_LABEL.match(lines[i]):
            after = [j for j in range(i + 1, len(lines)) if lines[j]]
            if after and all(
                len(lines[j]) <= _LINK_LINE and not lines[j].endswith(".") for j in after
            ):
                return {i, *after}
            return set()
    return set()


# a line ending mid-sentence: no closing punctuation (nor a closing bracket or quote)
_OPEN_END = re.compile(r"[^.!?…:;,)\]\"”’|]$")


def _unwrapped(
    lines: list[tuple[int, str]], width: int | None = None, known: Collection[str] = ()
) -> list[str]:
    """Lines broken inside a sentence joined again: a line with no closing punctuation and
    the line right after it starting in lower case are one sentence wrapped (a video's
    captions, a mail wrapped at 72 columns: "the corvane book air 13 with corvane's own" /
    "c2 chip and the rookwood"); in a text hard-wrapped at `width` (a PDF's export), a line
    the next line's first word would not have fitted on runs on into it, whatever its case.
    A word hyphenated across the break is whole again. A line after a blank one starts a
    paragraph."""
    out: list[str] = []
    last = -2
    previous = ""  # the last line as it was, before any joining
    for i, line in lines:
        follows = bool(out) and i == last + 1
        run_on = follows and bool(_OPEN_END.search(out[-1])) and line[:1].islower()
        hard_wrapped = (
            follows
            and width is not None
            and wrapped(previous, line, width)
            and not previous.isupper()
        )
        if run_on or hard_wrapped:
            out[-1] = join_lines(out[-1], line, known)
        else:
            out.append(line)
        last, previous = i, line
    return out


def _unglue(line: str, doc: _Written) -> str:
    """Put back the breaks a paste lost: a paragraph break after a subheading glued to its
    text (run-on lines only), and a space, or a paragraph break before a glued subheading,
    where a sentence runs straight into the next ("launch.The timing"), so that source cards
    show them apart. Where the sentences split is kb.text's decision."""
    if len(line) >= _RUN_ON:
        line = _GLUED_HEADING.sub(lambda m: m.group(1) + "\n\n", line)
    line = _split_glued_headings(line, doc)
    ends = glued_sentence_ends(line)
    if not ends:
        return line
    breaks = [m.start() for m in re.finditer("\n", line)] + [len(line)]
    parts: list[str] = []
    last = nxt = 0
    for end in ends:
        while breaks[nxt] < end:
            nxt += 1
        following = line[end : breaks[nxt]]
        heading = nxt < len(breaks) - 1 and len(following) <= 120 and not _END.search(following)
        parts += [line[last:end], "\n\n" if heading else " "]
        last = end
    parts.append(line[last:])
    return "".join(parts)


@dataclass
class _Written:
    """A document's words as written: how often each is written, and the whole text."""

    counts: Counter[str]
    text: str

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Every two words written side by side ("Happy Horse", "Happy-Horse"); read once, on
        the first seam that needs it, so that checking every seam stays linear."""
        return frozenset((m[1], m[2]) for m in _PAIR.finditer(self.text))


def _split_glued_headings(line: str, doc: _Written) -> str:
    """A paragraph break at each seam of a capitalised subheading glued to the sentence after
    it ("... European UnionEurope is ..."), and before that subheading when a sentence ends
    just before it ("... the year. Paused in the ...")."""
    cuts: list[tuple[int, int]] = []  # (start, end) of the text a paragraph break replaces
    for m in _CAMEL.finditer(line):
        run_start = _glued_heading_start(line, m, doc)
        if run_start is None:
            continue
        gap = re.match(r"[ \t]+", line[run_start:])
        if gap and run_start > 0:  # "... the year. Paused in the ...": after a sentence end
            cuts.append((run_start, run_start + gap.end()))
        cuts.append((m.end(1), m.end(1)))
    for start, end in reversed(cuts):
        line = line[:start] + "\n\n" + line[end:]
    return line


def _glued_heading_start(line: str, m: re.Match[str], doc: _Written) -> int | None:
    """Where the subheading starts when the seam in `m` ("UnionEurope") glues one to the next
    sentence, else None. The document must say the word is two: the joined form is written
    once and is neither an English word nor a listed name; the right part is written on its
    own elsewhere, and so is the left (or it is an everyday word); the two are never written
    side by side; and the left part ends a short run of words with no punctuation, begun at
    a sentence end or at the start of the line."""
    left, right = m.group(1), m.group(2)
    counts = doc.counts
    if counts[left + right] != 1 or counts[right] < 1:
        return None
    if counts[left] < 1 and not is_common_word(left):
        return None
    stops = list(_RUN_STOP.finditer(line, max(0, m.start() - 120), m.start()))
    stop = stops[-1].start() if stops else -1
    if stops and (
        line[stop] not in ".!?…"
        or line[stop - 1 : stop].isdigit()
        and line[stop + 1 : stop + 2].isdigit()
    ):
        return None  # after a comma, a bracket or in a number ("2.5"): inside a sentence
    if not stops and m.start() > 120:
        return None
    run_start = stops[-1].end() if stops else 0
    if len(line[run_start : m.end(1)].split()) > _HEADING_WORDS:
        return None
    if (
        zipf((left + right).lower()) > 0
        or find_entities(left + right)
        or (left, right) in doc.pairs
    ):
        return None  # a word ("YouTube"), a listed name ("MiniMax"), or also "Happy Horse"
    return run_start
