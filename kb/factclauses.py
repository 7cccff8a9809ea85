"""How a market statement is hedged and when it happened (kb.marketfacts).

A statement at sentence[a:b] lives in a clause (between "; ", ": ", ", but", ", while" ...);
its modality is read from that clause and the sentence: None when it is negated or denied,
"rumour" ("reportedly", "people familiar"), "forecast" ("could", "is expected to") or
"stated". Its date is the one its clause states, else the sentence's, else the article's.
"""

from __future__ import annotations

import re

from kb.dates import stated_date
from kb.types import Chunk

_DENIAL = re.compile(
    r"\b(?:den(?:ied|ies|y|ying)|not true|rejected (?:a|the) (?:report|suggestion|claim)|"
    r"dismissed (?:a|the) report)",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|no plans? to|n't|without|neither|nor|none|nothing)\b|n't\b", re.I
)
_RUMOUR = re.compile(
    r"\b(?:reportedly|is said to|are said to|was said to|rumou?r(?:ed|s)?|people familiar|"
    r"according to (?:\w+ )?(?:people|sources|a person|reports|media)|reports? that|"
    r"media reports|was reported|had been reported|in talks|in discussions)\b",
    re.I,
)
_FORECAST = re.compile(
    r"\b(?:could|might|(?-i:may)|would|will|shall|expected to|expects? to|likely to|plans? to|"
    r"planned "
    r"to|planning to|aims? to|intends? to|set to|due to|hopes? to|wants? to|poised to|"
    r"considering|to be)\b",
    re.I,
)
_BOUNDARY = re.compile(
    r";|:\s|,\s+(?:and|but|while|whereas|although|though|ending|after)\b|\s+but\s+"
)


def clause_span(sentence: str, a: int, b: int) -> tuple[int, int]:
    """The clause around sentence[a:b]: from the boundary before it to the one after it."""
    start = 0
    for m in _BOUNDARY.finditer(sentence, 0, a):
        start = m.end()
    after = _BOUNDARY.search(sentence, b)
    return start, after.start() if after else len(sentence)


def modality_of(
    sentence: str, a: int, b: int, *, committed: bool = False, negation_ok: bool = False
) -> str | None:
    """ "stated", "forecast", "rumour", or None when the statement is negated or denied."""
    start, _ = clause_span(sentence, a, b)
    before = sentence[max(start, a - 80) : a]
    if _DENIAL.search(sentence):
        return None
    if not negation_ok and _NEGATION.search(sentence[start:b]):
        return None
    if _RUMOUR.search(sentence):
        return "rumour"
    cue = _FORECAST.search(before)
    if cue and not (
        committed and cue.group(0).lower() in ("will", "would", "plans to", "plan to", "planned to")
    ):
        return "forecast"
    return "stated"


_QUARTER = re.compile(
    r"\b(?:(?:first|second|third|fourth|1st|2nd|3rd|4th) (?:quarter|half) of|Q[1-4]|H[12])\s+"
    r"((?:19|20)\d{2})\b"
)
_YEAR = re.compile(
    r"\b(?:in|since|during|by|for|of)\s+(?:early\s+|late\s+|mid-)?((?:19|20)\d{2})\b"
)


def date_in(text: str, published: str | None) -> str | None:
    date = stated_date(text, published)
    if date:
        return date
    if m := _QUARTER.search(text):
        return m.group(1)
    if m := _YEAR.search(text):
        return m.group(1)
    return None


def date_of(sentence: str, a: int, b: int, chunk: Chunk) -> tuple[str | None, str]:
    """The date of the statement at sentence[a:b]: its clause's, else the sentence's, else the
    article's."""
    start, end = clause_span(sentence, a, b)
    for part in (sentence[a:end], sentence[start:a], sentence):
        if date := date_in(part, chunk.published):
            return date, "text"
    if chunk.published:
        return chunk.published, "article"
    return None, ""


AMOUNT_FILLER = (
    r"(?:(?:a|an|its|the|about|roughly|around|nearly|almost|more than|over|at least|some|"
    r"a further|another|an additional|a total of|up to|further|new)\s+)*"
)
