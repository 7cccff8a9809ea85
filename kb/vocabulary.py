"""The engine's words: month names, cue words and the words that are never names.

One module owns them so that the question reader, the answerers, the date reader and the
entity recogniser agree. These lists are priors for rules, not the definition of the world:
names themselves are recognised by shape and from the corpus (kb.entities).
"""

from __future__ import annotations

import calendar
import re

# --- months ---------------------------------------------------------------------------------

MONTHS: dict[str, int] = {calendar.month_abbr[i].lower(): i for i in range(1, 13)}
"""Three-letter abbreviation -> month number ("may" -> 5)."""
MONTH_NAMES: dict[int, str] = {i: name for name, i in MONTHS.items()}
"""Month number -> three-letter abbreviation (5 -> "may")."""
FULL_MONTH_NAMES: tuple[str, ...] = tuple(calendar.month_name[i] for i in range(1, 13))
MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
"""Any spelling of a month as a whole word ("Sept", "September", "may"); use with \\b."""
MONTH_RE = MONTH_WORD + r"\.?(?!\w)"
"""A month, abbreviated with or without a dot ("Sept.", "Aug", "March")."""


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation ("Sept." -> 9), else None."""
    word = word.lower().rstrip(".")
    number = MONTHS.get(word[:3])
    if number is None:
        return None
    full = calendar.month_name[number].lower()
    return number if full.startswith(word) or word in ("sept",) else None


# --- cue words --------------------------------------------------------------------------------

NOW_CUES = re.compile(
    r"\b(now|currently|current|latest|newest|most recent|still|today|these days|"
    r"at the moment|as of now|presently|rn|atm|yet|anymore|any more|any longer)\b",
    # "rn", "atm": right now, at the moment; "GA yet", "sold anymore": the state now
    re.IGNORECASE,
)
"""Words that ask for the value that holds now ("still", "latest")."""
TIME_CUE_WORDS = frozenset(
    {
        "now",
        "currently",
        "current",
        "latest",
        "newest",
        "recent",
        "still",
        "today",
        "presently",
        "rn",
        "atm",
    }
)
"""Tokens that say *when* an answer should hold, not what it should contain."""

PRICE_WORDS = re.compile(r"\b(?:cost|costs|price|prices|priced|charge|charges)\b", re.IGNORECASE)

# --- words that are never names -------------------------------------------------------------

QUESTION_WORDS = frozenset(
    {
        "tell",
        "give",
        "list",
        "name",
        "explain",
        "describe",
        "is",
        "are",
        "was",
        "were",
        "did",
        "does",
        "do",
        "can",
        "could",
        "should",
        "would",
        "will",
        "which",
        "what",
        "who",
        "how",
        "when",
        "where",
        "why",
        "and",
        "wat",
        "whats",
        "show",
        "compare",
        "according",
    }
)
"""Capitalised at the start of a question, never part of a name."""

GENERIC_ACRONYMS = frozenset(
    {"ai", "api", "ceo", "us", "eu", "uk", "series", "q1", "q2", "q3", "q4"}
)
"""Capitalised or upper-case words that name no vendor, model or leaderboard."""

CHAT_SHORTHAND = frozenset(
    {"tldr", "eli5", "fyi", "asap", "imo", "imho", "tbh", "afaik", "iirc", "pls", "plz", "thx"}
    | {"whatever", "whichever", "whoever"}  # "whatever happened to X": what happened to X
)
"""What people type in a chat box around a question ("tldr of ..."): never a name, never
what is asked about."""

NOT_QUESTION_NAMES = (
    QUESTION_WORDS | GENERIC_ACRONYMS | CHAT_SHORTHAND | {n.lower() for n in FULL_MONTH_NAMES}
)
"""Tokens of capitalised words in a question that are not names ("Which", "May", "AI")."""

NOT_VERSIONED_NAMES = frozenset(
    {
        "q",
        "no",
        "top",
        "number",
        "rank",
        "ranked",
        "page",
        "table",
        "about",
        "over",
        "under",
        "than",
        "series",
        "fy",
        "h",
        "phase",
        "tier",
        "step",
        "section",
    }
)
"""Words that look like the name in "<name> <number>" but are not ("Series 2", "page 3")."""

NOT_MODEL_WORDS = frozenset(
    {
        "Video",
        "Image",
        "Audio",
        "Text",
        *FULL_MONTH_NAMES,
        "Series",
        "Table",
        "Page",
        "Published",
        "Edition",
        "Section",
        "Period",
        "Rank",
        "Score",
        "Figure",
        "Step",
        "Phase",
        "Version",
        "Fiscal",
        "Model",
        "Tier",
        "Top",
        "Article",
        "Category",
    }
)
"""First words that make "<Word> 2" something other than a model ("Table 2", "May 2024")."""

ROUND_NAME = r"Series [A-K]\d?|pre-seed|seed"  # a funding round's name, as the text writes it
_ROUND_NAME = re.compile(ROUND_NAME, re.I)


def is_round_name(text: str) -> bool:
    """Whether a name is only a funding round's ("Series A"): never a company or an entity."""
    return bool(_ROUND_NAME.fullmatch(text))
