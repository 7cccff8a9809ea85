"""Names shaped like a versioned model, in running text: a capitalised name and a version
number ("Plinth Code 3", "Lumen-4", "Gemini 2.5 Pro"), for names no list knows. Not a month,
a funding round, a rank, a quarter, a table or figure number, nor an amount ("Series 2",
"No. 3", "Q4 2026", "Table 2", "Kairo 40 million")."""

from __future__ import annotations

import re

from kb.vocabulary import MONTH_RE, NOT_MODEL_WORDS

VERSION_WORDS = (
    r"Pro|Flash|Turbo|Fast|mini|nano|Mini|Nano|Ultra|Max|Lite|Plus|Sonnet|Opus|Haiku|Scout|"
    r"Maverick|Behemoth|Alpha|Beta|Preview|Instant|High|Large|Small"
)
MODEL_SHAPE = re.compile(
    r"(?<![\w-])[A-Z][\w]*(?:[ -][A-Z][\w]*){0,2}[ -]v?\d+(?:\.\d+)?[a-z]?"
    rf"(?:[ -](?:{VERSION_WORDS}))*(?![\w-])"
)
_NOT_A_FAMILY = frozenset(("Series", "Phase", "Q", "Table", "Figure", "No", "SB", "FY", "Top"))
_AMOUNT_AFTER = re.compile(r"\s*(?:million|billion|trillion|thousand|per\b|%|euros|dollars)")


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
        ):
            continue
        out.append(m)
    return out
