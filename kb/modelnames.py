"""Names shaped like a versioned model, in running text: a capitalised name and a version
number ("Plinth Code 3", "Lumen-4", "Gemini 2.5 Pro"), for names no list knows. Not a month,
a funding round, a rank, a quarter, a table or figure number, nor an amount ("Series 2",
"No. 3", "Q4 2026", "Table 2", "Kairo 40 million"), nor a date ("On 2026-03-02", "In 2026")."""

from __future__ import annotations

import re

from kb.text import STOPWORDS
from kb.vocabulary import MONTH_RE, NOT_MODEL_WORDS

VERSION_WORDS = (
    r"Pro|Flash|Turbo|Fast|mini|nano|Mini|Nano|Ultra|Max|Lite|Plus|Sonnet|Opus|Haiku|Scout|"
    r"Maverick|Behemoth|Alpha|Beta|Preview|Instant|High|Large|Small"
)
# a determiner or possessive opening the run is no part of the name ("Its Qingyun Max 2");
# the version is a number ("Lumen-4", "Gemini 2.5") or a letter and one or two digits
# ("Moyuan-R2", "Cinder X3")
MODEL_SHAPE = re.compile(
    r"(?<![\w-])(?!(?:Its|Their|Our|His|Her|The|This|That|These|Those|A|An)\s)"
    r"[A-Z][\w]*(?:[ -][A-Z][\w]*){0,2}[ -](?:v?\d+(?:\.\d+)?[a-z]?|[A-Z]\d{1,2})"
    rf"(?:[ -](?:{VERSION_WORDS}))*(?![\w-]|\.\d)"
)
_NOT_A_FAMILY = frozenset(("Series", "Phase", "Q", "Table", "Figure", "No", "SB", "FY", "Top"))
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE_REST = re.compile(r"[-/.]\d{1,2}(?!\d)")  # "2026-03", "2026/3": a year that opens a date


def year_not_version(name: str, version: str, text: str = "", end: int = 0) -> bool:
    """Whether "<name> <version>" is a date, not a model: the version is a year opening a
    date ("On 2026-03-02"; `text[end:]` follows the version), or the name is only stop words
    ("In 2026", "By 2030"). A year or an ISO date is never a model's name."""
    if all(w.lower() in STOPWORDS for w in re.split(r"[\s-]+", name) if w):
        return True
    return bool(_YEAR.fullmatch(version)) and bool(_DATE_REST.match(text, end))


_AMOUNT_AFTER = re.compile(r"\s*(?:million|billion|trillion|thousand|per\b|%|euros|dollars)")


def _dated(m: re.Match[str], text: str) -> bool:
    number = re.search(r"\d+(?:\.\d+)?", m.group(0))
    if number is None:
        return False
    name = m.group(0)[: number.start()].rstrip(" -v")
    return year_not_version(name, number.group(0), text, m.start() + number.end())


def model_shaped(text: str) -> list[re.Match[str]]:
    """The spans of `text` shaped like a versioned model's name, in order."""
    out = []
    for m in MODEL_SHAPE.finditer(text):
        first = m.group(0).split()[0].split("-")[0]
        if (
            first in NOT_MODEL_WORDS
            or first in _NOT_A_FAMILY
            or re.fullmatch(MONTH_RE, first, re.I)
            or re.search(MONTH_RE, m.group(0), re.I)
            or _AMOUNT_AFTER.match(text, m.end())
            or _dated(m, text)
        ):
            continue
        out.append(m)
    return out
