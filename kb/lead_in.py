"""What a chunk continues: the heading in effect where it starts and the sentence before it,
read from the chunk before it in its document.

A chunk cut in the middle of a section loses what its first sentences lean on: "Halden
Motors is the first named customer" sits under "5. Vantor V9" and after "Vantor
Semiconductor announced the V9", both in the chunk before. The answerer reads them as the
chunk's context (names, versions, who "it" is), never as text to quote."""

from __future__ import annotations

import re

from kb.text import sentence_spans

MAX_HEADING = 90  # characters: a longer line is prose, not a heading


def _is_heading(line: str) -> bool:
    """A title-like line: short, capitalised or numbered, not ending as a sentence does."""
    line = line.strip().lstrip("#").strip()
    return (
        0 < len(line) < MAX_HEADING
        and (line[:1].isupper() or line[:1].isdigit())
        and not re.search(r"[.!?\"”):;,]$", line)
        and "|" not in line
    )


def lead_in(previous: str, chunk: str) -> str:
    """The heading in effect at the end of `previous` (the chunk before `chunk` in the same
    document) and the sentence just before `chunk` starts, as "heading\nsentence" (either
    may be empty; "" when both are). Chunks overlap: text `chunk` repeats from `previous` is
    not part of the lead-in."""
    first = sentence_spans(chunk)
    probe = " ".join(chunk[first[0][0] : first[0][1]].split()) if first else ""
    at = previous.rfind(probe) if probe else -1
    before = previous[:at] if at >= 0 else previous
    heading = ""
    for line in reversed(before.splitlines()):
        if _is_heading(line):
            heading = line.strip().lstrip("#").strip()
            break
    spans = sentence_spans(before)
    last = " ".join(before[spans[-1][0] : spans[-1][1]].split()) if spans else ""
    if last == heading or _is_heading(last):
        last = ""
    return f"{heading}\n{last}" if heading or last else ""


def split_lead_in(text: str) -> tuple[str, str]:
    """A lead-in's heading and sentence."""
    heading, _, sentence = text.partition("\n")
    return heading, sentence
