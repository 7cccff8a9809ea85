"""Plain-text articles as people paste them: title on the first line, maybe a date line,
then the body, often with no paragraph breaks and cut off mid-sentence."""

from __future__ import annotations

import re

from ingest.loaders.base import Loaded, decode_text, require_text
from ingest.metadata import DATE_LINE, as_text, clean_title, parse_date, title_from_filename
from kb.text import glued_sentence_ends

_META_LINE = re.compile(r"^\s*(source|publisher|by|author|url)\s*:\s*(.+)$", re.IGNORECASE)
_HEADER_LINES = 8  # metadata is looked for this many non-empty lines from the top
# Pasted web articles lose their line breaks, gluing each subheading to the sentence after it:
# "... to the top of the boardHappyHorse first surfaced". A lower-case word running straight
# into a capitalised one marks the seam ("DeepSeek", "ByteDance", "iPhone" start otherwise).
_GLUED_HEADING = re.compile(r"(?<=\s)([a-z]{2,})(?=[A-Z][a-z])")
_RUN_ON = 400  # only lines this long (a paste without paragraph breaks) are mended
_END = re.compile(r"[.!?…:;,|]")  # a glued subheading has no punctuation of its own


def load_txt(data: bytes, source: str) -> Loaded:
    raw = decode_text(data, source)
    lines = [line.strip() for line in raw.split("\n")]
    nonempty = [i for i, line in enumerate(lines) if line]
    title = ""
    published = publisher = author = url = None
    used: set[int] = set()
    if nonempty and len(lines[nonempty[0]]) <= 250:
        title = clean_title(lines[nonempty[0]])
        used.add(nonempty[0])
    for i in nonempty[:_HEADER_LINES]:
        if i in used or len(lines[i]) > 200:
            continue
        if (m := DATE_LINE.match(lines[i])) and (found := parse_date(m.group(1))):
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
    body = "\n\n".join(_unglue(line) for i, line in enumerate(lines) if line and i not in used)
    return Loaded(
        title=title or title_from_filename(source),
        text=require_text(body, source),
        format="txt",
        published=published,
        publisher=publisher,
        author=author,
        url=url,
    )


def _unglue(line: str) -> str:
    """Put back the breaks a paste lost: a paragraph break after a subheading glued to its
    text (run-on lines only), and a space, or a paragraph break before a glued subheading,
    where a sentence runs straight into the next ("launch.The timing"), so that source cards
    show them apart. Where the sentences split is kb.text's decision."""
    if len(line) >= _RUN_ON:
        line = _GLUED_HEADING.sub(lambda m: m.group(1) + "\n\n", line)
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
