"""Text primitives shared by chunking, keyword search and answering: sentences and tokens."""

from __future__ import annotations

import re
import string
import unicodedata

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "inc",
    "ltd",
    "co",
    "corp",
    "vs",
    "etc",
    "no",
    "nos",
    "fig",
    "approx",
    "est",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "a.m",
    "p.m",
    "al",
    "gen",
    "gov",
    "sen",
    "rep",
    "mt",
    "ft",
    "vol",
    "ed",
    "op",
    "cf",
    # amounts as German, French and finance write them: "420 Mio. Euro", "2,1 Mrd. Euro"
    "mio",
    "mrd",
    "mds",
    "tsd",
    "bzw",
    "ca",
    "nr",
}

# A letter that labels something ends a sentence before a capital: "a Series C. Pallas ..."
_LABEL_LETTER = re.compile(r"\b(?:Series|Class|Round|Tier|Phase|Plan|Type|Grade)\s+[A-Z]$")

# Words that start sentences but rarely follow an initial ("Series C. In 2024, ...").
_SENTENCE_STARTERS = {
    "in",
    "the",
    "a",
    "an",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "on",
    "at",
    "for",
    "he",
    "she",
    "they",
    "we",
    "as",
    "after",
    "before",
    "when",
    "while",
    "by",
    "with",
    "from",
    "there",
    "analysts",
    "investors",
    "however",
    "meanwhile",
    "still",
}

# Candidate sentence boundaries: end punctuation (plus closing quotes/brackets) then either
# whitespace, or directly a capitalised word (raw pasted articles glue paragraphs: "weeks.The").
# Possessive runs and the lookbehind keep the scan linear: a match never restarts inside a run
# of punctuation ("......" of any length is one candidate, tried once).
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?:\s+|(?=[A-Z][a-z]))")
_WORD_CHARS = frozenset(string.ascii_letters + ".")
_LETTERS = re.compile(r"[A-Za-z]+")
# Every decision below looks at a bounded window around the punctuation, never at the whole
# text: splitting is linear in the text's length (it was quadratic: 55 s for 400 KB).
_LOOKBACK = 40  # longer than any abbreviation; a longer "word" is no abbreviation
_LONG_WORD = "\x00long"  # stands for a word longer than the look-back window
_TOKEN_LOOKBACK = 200  # a glued boundary needs a space within this many characters around it
# In the token around a glued boundary ("launch.The"), these mark a URL, a path, an e-mail
# address or a dotted name ("example.com/Foo.Bar", "java.util.List"), not a sentence end.
_NOT_PROSE_BEFORE = re.compile(r"[/\\:@=_]|[A-Za-z]\.[A-Za-z]")
_NOT_PROSE_AFTER = re.compile(r"[/\\@]|[A-Za-z]\.[A-Za-z]")
_SPACE = re.compile(r"\s")


def _word_before(text: str, end: int) -> str | None:
    """The word ending at `end` ("Mr." -> "Mr.", "U.S." -> "U.S."): letters and dots from the
    first letter on; None when there is none, `_LONG_WORD` when it is longer than the window."""
    floor = max(0, end - _LOOKBACK)
    start = end
    while start > floor and text[start - 1] in _WORD_CHARS:
        start -= 1
    if start == floor and floor > 0 and text[floor - 1] in _WORD_CHARS:
        return _LONG_WORD
    while start < end and text[start] == ".":
        start += 1
    return text[start:end] if start < end else None


def _glued_inside_token(text: str, punct: int, after: int) -> bool:
    """Whether punctuation glued to the next word sits inside a URL, path, address or dotted
    name, or in a run too long to be prose: then it is no sentence end."""
    floor = max(0, punct - _TOKEN_LOOKBACK)
    space = max(text.rfind(" ", floor, punct), text.rfind("\t", floor, punct))
    if space < 0 and floor > 0:
        return True  # no space for 200 characters: a blob, not a sentence
    if _NOT_PROSE_BEFORE.search(text, space + 1, punct):
        return True
    ceiling = min(len(text), after + _TOKEN_LOOKBACK)
    found = _SPACE.search(text, after, ceiling)
    if found is None and ceiling < len(text):
        return True
    return bool(_NOT_PROSE_AFTER.search(text, after, found.start() if found else ceiling))


def _is_boundary(text: str, end_punct: int, after: int) -> bool:
    """Whether the punctuation ending at `end_punct` really ends a sentence."""
    nxt = text[after : after + 1]
    if not nxt:
        return True
    if nxt.islower() and text[after - 1].isspace():
        return _lower_case_start(text, end_punct, after)
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([$€£#*-"):
        return False  # "e.g. the", "approx. 40"
    if not text[after - 1].isspace() and _glued_inside_token(text, end_punct - 1, after):
        return False  # "example.com/Foo.Bar", "java.util.List"
    before = _word_before(text, end_punct)
    if before and before is not _LONG_WORD:
        word = before.lower().rstrip(".")
        if word in _ABBREVIATIONS:
            return False
        if len(word) == 1 and text[end_punct - 2 : end_punct - 1].isupper():
            following = _LETTERS.match(text, after, after + 16)  # longer than any starter
            labelled = _LABEL_LETTER.search(text, max(0, end_punct - 13), end_punct - 1)
            if not (following and following.group(0).lower() in _SENTENCE_STARTERS) and not (
                labelled and following and following.group(0)[:1].isupper()
            ):
                return False  # initials: "J. Smith", "U.S." (but "Series C. In 2024")
    return True


# Words that open a sentence written all in lower case, as forum posts and chats are ("they
# changed it in october. the $15 is the old price"); after "e.g." or "approx." they are rare.
_LOWER_STARTERS = frozenset(
    [
        "i",
        "the",
        "they",
        "it",
        "its",
        "this",
        "that",
        "we",
        "you",
        "so",
        "but",
        "my",
        "our",
        "their",
        "there",
        "he",
        "she",
    ]
)


def _lower_case_start(text: str, end_punct: int, after: int) -> bool:
    """Whether punctuation before a lower-case word ends a sentence: a question or an
    exclamation does ("tier? i thought"); a full stop only after a whole word that is no
    abbreviation, before a word that opens sentences ("october. the $15")."""
    if text[end_punct - 1] in "?!":
        return True
    before = _word_before(text, end_punct)
    if before is None:
        return False
    word = "longword" if before is _LONG_WORD else before.lower().rstrip(".")
    following = _LETTERS.match(text, after, after + 16)
    return (
        len(word) >= 3
        and word.isalpha()
        and word not in _ABBREVIATIONS
        and following is not None
        and following.group(0) in _LOWER_STARTERS
    )


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in text[start:end]; line breaks always end a sentence.

    Headings, list items and table rows sit on their own lines, so each becomes its own
    "sentence": a table row can then be quoted on its own. A sentence glued to the next
    ("launch.The timing") is split there; linear in the length of the text.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        line_start, line_end = line.start(), line.end()
        cursor = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            punct_end = match.start() + len(match.group(0).rstrip())
            if _is_boundary(text, match.start() + 1, match.end()):
                _append_span(text, spans, cursor, punct_end)
                cursor = match.end()
        _append_span(text, spans, cursor, line_end)
    return spans


def glued_sentence_ends(text: str) -> list[int]:
    """Offsets where a sentence ends and the next starts with no space between them
    ("launch.The timing"), as `sentence_spans` splits them."""
    spans = sentence_spans(text)
    return [
        a_end
        for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)
        if a_end == b_start
    ]


_LINE = re.compile(r"[^\n]+")


def _append_span(text: str, spans: list[tuple[int, int]], a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


_MENU_ITEM = re.compile(r"[a-z]{2,12}")
_MENU_ITEMS = 3


def menu_line(line: str) -> bool:
    """A page's menu set out with bars, not a table's row or a title: three cells or more
    that are each one lower-case word ("Hacker News new | past | comments | ask | show")."""
    cells = [c.strip() for c in line.split("|")]
    return sum(bool(_MENU_ITEM.fullmatch(c)) for c in cells) >= _MENU_ITEMS


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


# --- tokens -------------------------------------------------------------------------------

# Keeps "gpt-4o", "2.0", "52.7", "o3", "h100" whole; hyphen/dot parts are added separately.
_TOKEN = re.compile(r"[0-9a-z]+(?:[.\-/][0-9a-z]+)*")

_STOPWORD_TEXT = """
a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those there their they them he she his her we our you your i me my
what whats which who whom whose when where why how does do did doing done has have had having
not no so than then too very can could should would will shall may might must about into
over under again further once all any both each few more most other some such only own
same just also up down out off s t per via among said says say tell please much many
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def normalize(text: str) -> str:
    """NFKC, no zero-width characters, lower case, unified dashes and quotes."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    text = text.replace("\u2014", " - ").replace("\u2019", "'").replace("\u2018", "'")
    return text.lower()


# a speaker's turn opening a line of a transcript or an interview: "RAFAEL OSTRANDER: ...",
# "MK: ...", "CEO Renata Kowalczyk: ...", "Analyst (Brennard Bank): ...", "Q: ...", "A: ...";
# not a one-word label ("Note:", "Source:", "From:", "Model: X | ...")
SPEAKER_TURN = re.compile(
    r"(?:[A-Z][A-Z.'’-]{1,}(?:\s+[A-Z][A-Z.'’-]+){0,3}"  # "RAFAEL OSTRANDER:", "HOST:", "MK:"
    r"|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}"  # "CEO Renata Kowalczyk:"
    r"|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s+\([^()]{1,40}\)"  # "Analyst (Brennard Bank):"
    r"|Q|A):\s"
)

# the lower-case letters of Latin-script names, for character classes: "vättermark" is one
# word, not "v" and "ttermark"
LOWER_LETTERS = "a-zß-öø-ÿ\u0101-\u017f"

# letters that do not decompose into a base letter and a mark
_UNMARKED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i"})


def fold_accents(text: str) -> str:
    """Lower-case text with its letters' accents dropped ("vättermark" -> "vattermark",
    "são" -> "sao", "øresund" -> "oresund"), as people type names they cannot spell on
    their keyboard; other scripts are left as they are."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNMARKED))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def stem(token: str) -> str:
    """A light, predictable stemmer: plurals, -ed, -ing and a final -e, so that "paused",
    "pauses", "pausing" and "pause" meet. Names and numbers pass through unchanged."""
    if not token.isalpha() or len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith(("sses", "xes", "zes", "ches", "shes")):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if token.endswith("ing") and len(token) > 5:
        token = token[:-3]
    elif token.endswith("ed") and len(token) > 4:
        token = token[:-2]
    if len(token) > 3 and token[-1] == token[-2] and token[-1] in "bdgmnprt":
        token = token[:-1]  # "planned" -> "plann" -> "plan"
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Search tokens: compound names whole ("gpt-4o", "2.0") plus their parts ("gpt", "4o")."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(fold_accents(normalize(text)).replace("'s ", " ")):
        token = match.group(0).strip(".-/")
        if not token:
            continue
        parts = re.split(r"[\-/]", token) if ("-" in token or "/" in token) else []
        if "-" in token and "/" not in token and token.replace("-", "").isalpha():
            parts.append(token.replace("-", ""))  # "earn-out" is also "earnout", as typed
        for t in [token, *parts]:
            if not t or (not keep_stopwords and t in STOPWORDS):
                continue
            tokens.append(stem(t))
    return tokens


def content_terms(text: str) -> list[str]:
    """Distinct search tokens in order of first appearance."""
    seen: dict[str, None] = {}
    for token in tokenize(text):
        seen.setdefault(token, None)
    return list(seen)


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between a and b, or limit + 1 when it is over limit (rows stop
    early once every cell is over it)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
        if min(row) > limit:
            return limit + 1
    return min(row[-1], limit + 1)


def one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
        | {a + c + b for a, b in splits for c in _ALPHABET}
    )
