"""The default answerer: no LLM. It quotes the best evidence sentences from the retrieved
chunks, one per part of the question, each with its citation, and abstains when nothing
answers the question well enough or when the evidence is about another year, quarter or
version than the one asked about."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from kb.answer.base import CorpusStats, EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.answer.scope import known_places
from kb.answer.support import numbers_in
from kb.dates import parse_date, stated_date
from kb.embedders import english_words
from kb.entities import Entity, entity_key, find_entities, untag
from kb.lead_in import split_lead_in
from kb.modelnames import VERSION_WORDS
from kb.query import (
    CONCEPTS,
    DATE,
    DURATION,
    MONEY,
    NUMBER,
    PERCENT,
    PRICE_SIGN,
    Question,
    answer_terms,
    concepts_of,
    expected_type,
    finance_years,
    listed_kind,
    nominal_head,
    parse_question,
    quarters_in,
    version_pattern,
    versions_in,
)
from kb.settings import Settings
from kb.tablerows import find_money
from kb.text import (
    SPEAKER_TURN,
    STOPWORDS,
    menu_line,
    normalize,
    one_edit,
    sentence_spans,
    stem,
    tokenize,
)
from kb.types import Answer, Citation, Claim, Hit
from kb.vocabulary import FULL_MONTH_NAMES, MONTH_NAMES, MONTH_RE, NOW_CUES, PRICE_WORDS
from kb.wordstats import zipf

_REASON = re.compile(
    r"\b(because|after|following|due to|amid|as a result|since|so that|"
    r"in order to|citing|over|reason|led to|driven by|response to)\b",
    re.I,
)
# a named place: "in the European Union", "from Paris", "across Europe", "outside China"
_PLACE = re.compile(
    r"\b(?:in|from|across|outside|throughout)\s+(?:the\s+)?"
    r"(?!(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|Q[1-4])\b)[A-Z][\w.]+"
    r"|\b[A-Z][a-z]+-based\b"
)
# A position on a board, or a move on it: "No. 2", "first place", "ranked considerably lower"
_RANK = re.compile(
    r"\b(?:rank\w*|No\.\s?\d+|number (?:one|two|three|\d+)|\d+(?:st|nd|rd|th)|first|second|third|"
    r"top|lead(?:s|ing|er)?|led|places?|placed|spot|position|ahead|behind|higher|lower|above|below|"
    r"trail\w*|overtook|dethron\w*)\b",
    re.I,
)
_NAME = re.compile(r"\b[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*")
# capitalised but naming no one: a month or weekday ("founded in February" says when), a
# funding round ("raised $140 million in a Series B" says how)
_NOT_A_WHO = re.compile(
    rf"(?:{'|'.join(FULL_MONTH_NAMES)}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday)(?:\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))?"
    r"|Series\s+[A-K]\d?|Seed|Pre-seed"
)
_HARD_TYPES = {"money", "percent", "percent_or_money", "number", "date", "duration"}


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    rank: int
    sentence: str
    start: int  # offset of the sentence inside the chunk text
    tokens: frozenset[str]  # the sentence's tokens, synonyms folded in (kb.query.concepts_of)
    context: frozenset[str]  # the sentence before it in the same chunk (who "it" is)
    chunk_tokens: frozenset[str]  # the whole chunk with its title
    context_text: str  # the sentence before it (or a table's caption)
    section: frozenset[str] = frozenset()  # the heading it sits under ("5. Vantor V9")
    # the question the text asked just before it, which it answers (an FAQ's "Is the Legacy
    # plan still available?", an interviewer's question)
    asked: str = ""
    opens_answer: bool = False  # the first sentence after that question: its direct answer
    opener: str = ""  # that first sentence ("Not for new customers."), when it is not this one
    with_opener: bool = False  # quoted after its block's first sentence (see `_quoted`)


def _type_ok(expects: str, sentence: str, question: str) -> bool:
    if expects == "money":
        return bool(MONEY.search(sentence))
    if expects == "percent_or_money":
        return bool(MONEY.search(sentence) or PERCENT.search(sentence))
    if expects == "percent":
        return bool(PERCENT.search(sentence))
    if expects == "number":
        return bool(NUMBER.search(sentence))
    if expects == "duration":
        return bool(DURATION.search(sentence))
    if expects == "date":
        return bool(DATE.search(sentence))
    if expects == "entity":
        # a name (run of capitalised words) none of whose words the question already names;
        # not the speaker's label of a transcript ("MARISOL ALDANA: You mean HelpdeskArena.")
        if turn := SPEAKER_TURN.match(sentence):
            sentence = sentence[turn.end() :]
        asked = set(tokenize(question))
        return any(
            not set(tokenize(name)) & asked and not _NOT_A_WHO.fullmatch(name)
            for name in _NAME.findall(sentence[1:])
        )
    if expects == "reason":
        return bool(_REASON.search(sentence))
    if expects == "place":
        return bool(_PLACE.search(sentence))
    if expects == "rank":
        return bool(_RANK.search(sentence))
    return True


def specifier_gaps(
    spec: Question,
    ev: Evidence,
    doc_tokens: frozenset[str],
    spelled: Callable[[str], str | None],
) -> tuple[str, ...]:
    """What the question pins down that this evidence does not match: a version the chunk
    never names, a year neither the sentence (with its context) nor the article's date has,
    a quarter, or a name (known to the corpus) that its article never mentions."""
    chunk = ev.hit.chunk
    text = normalize(f"{chunk.title}\n{ev.hit.lead_in}\n{chunk.text}")
    heading = _release_heading(chunk.text, ev.start)
    gaps = [
        v
        for v in spec.versions
        if not _names_version(v, text)
        or (heading is not None and _release_of(v) not in (None, heading))
    ]
    if " | " in ev.sentence:
        # a table row is about the version its first naming cell gives ("Kerlann Agent 1.1 |
        # ... | replaced by 1.2" is 1.1's row, not 1.2's)
        row = normalize(ev.sentence)
        for v in spec.versions:
            family, _, code = v.partition(" ")
            first = re.search(rf"(?<![\w-]){re.escape(family)}[\s-]?#?(\d+(?:\.\d+)*)\b", row)
            if first and code and first.group(1) != code and v not in gaps:
                gaps.append(v)
    local = normalize(f"{ev.context_text} {ev.sentence}")
    year_of_doc = (chunk.published or "")[:4]
    # a sentence that states its own years is about them: its context's years do not count
    stated = set(_YEARS.findall(ev.sentence)) | set(finance_years(ev.sentence))  # "FY25"
    gaps += [
        y
        for y in spec.years
        if (
            y not in stated
            if stated
            else y != year_of_doc and not re.search(rf"(?<!\d){y}(?!\d)", local)
        )
    ]
    gaps += _other_subject(spec, ev)
    asked_places = known_places(spec.text)
    said_places = known_places(ev.sentence)
    if asked_places and said_places and not said_places.keys() & asked_places.keys():
        gaps.append(next(iter(asked_places.values())))  # "in the U.S." is not "in the E.U."
    said_quarters = set(quarters_in(ev.sentence))
    for q in spec.quarters:
        ordinal = {"q1": "first", "q2": "second", "q3": "third", "q4": "fourth"}[q]
        if q not in text and f"{ordinal} quarter" not in text and f"{q[1]}q" not in text:
            gaps.append(q.upper())
        elif said_quarters and q not in said_quarters:
            gaps.append(q.upper())  # "for the fourth quarter we expect" is not Q3's figure
    for name in spec.names:
        if _first_word(spec.text, name):
            continue  # "Compare", "List": capitalised because it starts the question
        form = spelled(name)  # the corpus's spelling ("Googel" -> "google"), None if unknown
        # a name the corpus never mentions: nothing here is about it; a known one must be in
        # the evidence's article. An acronym ("NYT") may stand for the article's own words.
        if (form is None or form not in doc_tokens) and not _spells_out(
            spec.text, name, f"{chunk.title}\n{chunk.text}"
        ):
            gaps.append(name)
    # "Series C" is not "Series D"; of two rounds asked ("from Series B to C"), one will do
    if spec.rounds and not any(r in local for r in spec.rounds):
        # the round the text spoke of last, a few sentences up ("announced its Series B ...
        # Sure. We raised $85 million.")
        earlier = re.findall(
            r"\bseries [a-k]\b", normalize(chunk.text[max(0, ev.start - 400) : ev.start])
        )
        if not (earlier and earlier[-1] in spec.rounds):
            gaps += [r.title() for r in spec.rounds]
    for month, year in spec.months:  # "in May 2024": evidence from then, not from the autumn
        dated_then = (chunk.published or "").startswith(f"{year}-{month:02d}")
        said_then = re.search(
            rf"\b{MONTH_NAMES[month]}[a-z]*\.?,?\s+(?:\d{{1,2}},?\s+)?{year}", local
        )
        if not (dated_then or said_then):
            gaps.append(f"{MONTH_NAMES[month].title()} {year}")
    return tuple(gaps)


def _names_version(version: str, text: str) -> bool:
    """Whether a (normalised) chunk names a versioned model: as written ("vantor v9"), or by
    its family and its model code apart ("Vantor Semiconductor ... announced the V9"); a
    bare number ("llama 4") is not a code."""
    if version_pattern(version).search(text):
        return True
    name, _, code = version.partition(" ")
    if re.fullmatch(r"\d+\.\d+(?:\.\d+)?", code):
        # release notes call a release by its number ("v4.3", "version 4.3") on the
        # product's own page: the family named there and the number written as a version
        alone = re.compile(rf"(?<![\w.-])(?:v|version\s+){re.escape(code)}(?![\w-]|\.\d)")
    elif code and re.search(r"[a-z]", code) and re.search(r"\d", code):
        alone = re.compile(rf"(?<![\w.-]){re.escape(code)}(?![\w-]|\.\d)")
    else:
        return False
    return bool(alone.search(text)) and re.search(rf"\b{re.escape(name)}\b", text) is not None


# a release's heading in release notes: "v4.3 — November 10, 2026", "Version 2.1", "## 4.3.0"
_RELEASE_HEADING = re.compile(
    r"#*\s*(?:v|version\s+|release\s+)?(\d+\.\d+(?:\.\d+)?)(?:\s*(?:[—–:(-]|$))", re.I
)


def _release_heading(text: str, start: int) -> str | None:
    """The release number of the nearest release heading above a sentence ("v4.1 — June 16,
    2026"), when the lines above have one: under it, a sentence is about that release. Only
    a line that opens with the number is one (not a table row, not "Claude 3.5 Sonnet
    pricing")."""
    for line in reversed(text[:start].splitlines()):
        line = line.strip()
        if line and "|" not in line and (m := _RELEASE_HEADING.match(line)):
            return m.group(1)
    return None


def _release_of(version: str) -> str | None:
    """The release number a versioned name asks for ("ternwell 4.3" -> "4.3"), if it is a
    dotted number and nothing else."""
    code = version.partition(" ")[2]
    return code if re.fullmatch(r"\d+\.\d+(?:\.\d+)?", code) else None


def _own_versions(question: Question) -> tuple[str, ...]:
    """The versions a question names itself, not those inherited from the earlier turn."""
    if not question.history:
        return question.versions
    return tuple(v for v in question.versions if v in parse_question(question.text).versions)


_YEARS = re.compile(r"(?<![\d.,$€£])(?:19|20)\d\d(?![\d%])")


def _other_subject(spec: Question, ev: Evidence) -> list[str]:
    """The question's vendor (or model), when the sentence is about another one of the same
    kind and does not name the one asked about: "Nvidia reported revenue of $22.6 billion"
    does not say what OpenAI reported, whatever the sentence before it named. A sentence with
    no name of its own ("The company said") leans on its context and is not judged here."""
    asked = [e for e in spec.entities if e.kind in ("vendor", "model")]
    if not asked:
        return []
    if _only_modifies(spec, asked, ev):
        return []  # "the DeepSeek sell-off": the Nasdaq's fall that day, whoever it names
    models = [e for e in asked if e.kind == "model"]
    specific = models or asked  # "When did OpenAI release GPT-4.1?" is about GPT-4.1
    for e in specific:
        if all(t in ev.tokens for t in tokenize(e.name)):
            if (
                e.kind == "model"
                and _only_as_edition(ev.sentence, e.name)
                and not _only_as_edition(spec.text, e.name)
            ):
                return [e.name]  # "Guará 2 Mini costs R$0.55" is not Guará 2's price (but
                # "Gemini Ultra scored" answers a question about Gemini Ultra)
            return []  # names it, version and all ("Seedance 1.0" does not name "Seedance 2.0")
    if any(
        e.kind == "vendor" and " " in e.name and _mentions(ev.sentence, e.name.split()[0])
        for e in specific
    ):
        return []  # by the first word of its name ("ZT's chief executive" for ZT Systems)
    if any(_by_own_word(ev.sentence, e.name) for e in specific if e.kind == "model"):
        return []  # by the word of its name that is its own ("Bürgerchat" for Lotse Bürgerchat)
    # a name the sentence only compares with ("still cheaper than AWS") is not its subject
    found = find_entities(_COMPARED_WITH.sub(" ", ev.sentence))
    if {e.key for e in found} & {e.key for e in specific}:
        return []  # by another of its names ("Mistral" for Mistral AI)
    if models and any(e.kind == "model" for e in found):
        return [models[0].name]  # "OpenAI first released o3 ..." is not about GPT-4.1
    if models and _names_a_version(ev.sentence):
        return [models[0].name]  # "Corrie 3 Pro climbs to No. 2" is not about Tolsta T4
    if any(all(t in ev.tokens for t in tokenize(e.name)) for e in asked):
        return []  # the asked model's vendor, and no other model
    subject = next((e for e in found if e.kind in ("vendor", "model")), None)
    if subject is None:  # a name the curated lists lack, recognised at ingest ("SSI raised")
        subject = _tagged_subject(ev, ev.sentence)
    if (
        subject is None
        and _PRONOUN_SUBJECT.match(ev.sentence)
        and not any(all(t in ev.context for t in tokenize(e.name)) for e in asked)
    ):
        # "It raised a $22 million Series A": the company of the sentence before ("Gorseway
        # builds agents ..."), when that sentence does not name the one asked about
        subject = _tagged_subject(ev, ev.context_text)
    if subject is None or any(_related(subject, e) for e in asked):
        return []  # "the company said"; a vendor's model; a model's vendor
    return [asked[0].name]


def _related(subject: Entity, asked: Entity) -> bool:
    """Whether a sentence about `subject` may speak of `asked`: another kind of thing (a
    vendor, for a model) unless it is a vendor and the model's known maker is another one
    ("Plinth AI will charge $10" says nothing of Larchmont AI's Larch 3); or its maker."""
    if entity_key(subject.maker or "") == asked.key:
        return True
    if subject.kind == "vendor" and asked.kind == "model" and asked.maker:
        return entity_key(asked.maker) == subject.key
    return subject.kind != asked.kind


def _tagged_subject(ev: Evidence, sentence: str) -> Entity | None:
    """The vendor or model the chunk's stored entity tags find where a sentence's subject
    stands, in its first four words ("SSI raised $1 billion"): not one named in passing
    ("a board chaired by Bret Taylor, a former chief executive of Salesforce")."""
    label = SPEAKER_TURN.match(sentence)  # "MK: We're at ...": the speaker, no subject
    start = label.end() if label else 0
    opening = start + len(" ".join(sentence[start:].split(" ")[:4]))
    first: tuple[int, Entity] | None = None
    for tag in ev.hit.chunk.entities:
        entity = untag(tag)
        if entity.kind not in ("vendor", "model"):
            continue
        # a company by the first word of its name too ("Gorseway builds" for Gorseway AI)
        short = entity.name.split()[0] if entity.kind == "vendor" and " " in entity.name else ""
        at = [
            a
            for a in _mentions(sentence, entity.name)
            + (_mentions(sentence, short) if len(short) >= 4 else [])
            if start <= a < opening
        ]
        if at and (first is None or at[0] < first[0]):
            first = (at[0], entity)
    return first[1] if first else None


_AMOUNT_OF = {"money": MONEY, "percent": PERCENT, "percent_or_money": MONEY, "number": NUMBER}


_EDITION_AFTER = re.compile(rf"[\s-]+(?:{VERSION_WORDS})\b")


def _only_as_edition(sentence: str, name: str) -> bool:
    """Whether a sentence names a model only inside a longer edition's name ("Guará 2 Mini"
    for Guará 2): every mention is followed by an edition word."""
    ends = [m + len(name) for m in _mentions(sentence, name)]
    exact = [
        e for e in ends if sentence[e : e + 1] in ("", " ", "-", ",", ".", ";", ":", ")", "'", "’")
    ]
    return bool(exact) and all(_EDITION_AFTER.match(sentence, e) for e in exact)


def _by_own_word(sentence: str, name: str) -> bool:
    """Whether a sentence names a many-word product by a later word of its name that is no
    everyday word and no number ("Bürgerchat" for "Lotse Bürgerchat"); the first word is
    often a family or vendor shared with other products ("Qingyun" Max 2 and Lite)."""
    words = name.split()[1:]
    return any(
        len(w) >= 5 and w.isalpha() and w.lower() not in english_words() and _mentions(sentence, w)
        for w in words
    )


def _mentions(sentence: str, name: str) -> list[int]:
    """Where a name occurs in a sentence, however it is spaced or hyphenated."""
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", name.strip()) if p]
    if not parts:
        return []
    pattern = re.compile(r"(?<!\w)" + r"[\s\-]?".join(parts) + r"(?!\w)", re.I)
    return [m.start() for m in pattern.finditer(sentence)]


def _amount_of_another(spec: Question, ev: Evidence) -> bool:
    """Whether every amount of the kind asked belongs to another vendor or model the sentence
    names: "Gemini 2.5 Pro is priced at $1.25 ..., and DeepSeek-R1 remains far cheaper" gives
    no price of DeepSeek-R1. An amount belongs to the nearest name of the same kind (model or
    vendor) before it. Not when the question's vendor only qualifies what it asks about ("the
    Nasdaq's fall on the day of the DeepSeek sell-off")."""
    sentence = ev.sentence
    pattern = _AMOUNT_OF.get(spec.expects)
    asked = [e for e in spec.entities if e.kind in ("vendor", "model")]
    if pattern is None or not asked or " | " in sentence or _only_modifies(spec, asked, ev):
        return False  # a table row's cells are labelled; it is judged by its row name
    kinds = {e.kind for e in asked}
    mine = {e.key for e in asked}

    def is_mine(key: str) -> bool:  # "R1" in a sentence is DeepSeek-R1 asked about
        return any(key == k or k.endswith(key) or key.endswith(k) for k in mine)

    named = [e for e in find_entities(sentence) if e.kind in kinds]
    if all(is_mine(e.key) for e in named):
        return False  # only the asked subject (or none) is named
    owners = sorted((pos, is_mine(e.key)) for e in named for pos in _mentions(sentence, e.name))
    if not owners:
        return False
    for m in pattern.finditer(sentence):
        before = [own for pos, own in owners if pos < m.start()]
        if before[-1:] == [True] or (not before and owners[0][1]):
            return False
    return True


_UNIT = (
    r"(?:1m\s+|1k\s+|one\s+|a\s+)?(?:million\s+|thousand\s+)?"
    r"(?:(?:input|output|cached|prompt|completion)\s+)?(second|minute|hour|day|week|month|"
    r"year|token|character|word|image|video|clip|seat|user|request|query|page|gpu-hour|call|"
    r"task|mo|yr|hr|sec|min)s?\b"
)
_ASKED_UNIT = re.compile(r"\b(?:per|a|an|/)\s*" + _UNIT, re.I)
_PRICE_UNIT = re.compile(r"[$€£¥₩]\s?\d[\d,.]*\s*(?:[a-z]+\s+)?(?:per|a|an|/)\s*" + _UNIT, re.I)
# "annual plan price": a price per year asked by its adjective; "$24/mo": per month
_ASKED_BY_ADJECTIVE = re.compile(r"\b(annual|annually|yearly|monthly|hourly|weekly|daily)\b", re.I)
_UNIT_OF = {
    "mo": "month",
    "yr": "year",
    "hr": "hour",
    "sec": "second",
    "min": "minute",
    "annual": "year",
    "annually": "year",
    "yearly": "year",
    "monthly": "month",
    "hourly": "hour",
    "weekly": "week",
    "daily": "day",
}


def _units(pattern: re.Pattern[str], text: str) -> set[str]:
    return {_UNIT_OF.get(u, u) for u in (m.group(1).lower() for m in pattern.finditer(text))}


def _price_per_another_unit(part: str, sentence: str) -> bool:
    """Whether the question asks a price per one unit ("price per second") and the sentence
    prices only per others ("a plan priced at $249.99 a month"): another price."""
    asked = _units(_ASKED_UNIT, part) | _units(_ASKED_BY_ADJECTIVE, part)
    if not asked or not re.search(r"\b(?:price|pric\w+|cost\w*|charge\w*|fee|rate)\b|\$", part):
        return False
    said = _units(_PRICE_UNIT, sentence)
    return bool(said) and not said & asked


# a currency a question asks its amount in: "cadmara node price in euros"
_ASKED_CURRENCY = {
    "EUR": r"euros?|eur|€",
    "USD": r"dollars?|usd|us\$",
    "GBP": r"pounds?|sterling|gbp|£",
    "JPY": r"yen|jpy",
    "KRW": r"won|krw",
    "CNY": r"yuan|rmb|renminbi|cny",
    "INR": r"rupees?|inr",
    "CHF": r"swiss francs?|chf",
}
_IN_CURRENCY = re.compile(
    r"\b(?:in|into|as)\s+(?:(?P<code>"
    + "|".join(f"(?P<{code}>{words})" for code, words in _ASKED_CURRENCY.items())
    + r"))(?![\w])",
    re.I,
)


def _in_another_currency(part: str, sentence: str) -> bool:
    """Whether the question asks an amount in one currency ("price in euros") and the
    sentence gives none in it ("$189,000"; a conversion beside it counts)."""
    asked = _IN_CURRENCY.search(part)
    if asked is None:
        return False
    code = next(c for c in _ASKED_CURRENCY if asked.group(c))
    if code in {m.currency for m in find_money(sentence)}:
        return False
    # no amount in it, unless its own way of writing one names it ("420 Mio. Euro")
    return not re.search(rf"(?<![\w])(?:{_ASKED_CURRENCY[code]})(?![\w])", sentence, re.I)


_SIDES = re.compile(r"\b(input|output)s?\b", re.I)


def _another_side(part: str, sentence: str) -> bool:
    """Whether the question asks one side of a token price ("output price") and the sentence
    names only the other ("costs $0.55 per million input tokens")."""
    asked = {m.lower() for m in _SIDES.findall(part)}
    said = {m.lower() for m in _SIDES.findall(sentence)}
    return len(asked) == 1 and bool(said) and not said & asked


_PLAN_NAME = re.compile(r"\b([\w-]+)\s+(?:plan|tier)s?\b", re.I)
_NO_PLAN_NAME = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "their",
        "our",
        "your",
        "this",
        "that",
        "which",
        "what",
        "each",
        "every",
        "per",
        "price",
        "pricing",
        "current",
        "new",
        "old",
        "cheapest",
        "top",
        "base",
        "paid",
    ]
)


def _plan_names(text: str) -> set[str]:
    return {w.lower() for w in _PLAN_NAME.findall(text)} - _NO_PLAN_NAME


def _another_plan(part: str, sentence: str) -> bool:
    """Whether the question names a plan ("growth plan") and the sentence names only others
    ("the Resolve Enterprise plan ... $6,000 per month")."""
    asked = _plan_names(part)
    said = _plan_names(sentence)
    return bool(asked) and bool(said) and not asked & said


def _amount_of_another_year(spec: Question, sentence: str) -> bool:
    """Whether every amount of the kind asked belongs to another year than the one asked,
    in a sentence that states several: "revenue more than tripled in fiscal 2024 and more
    than doubled again in fiscal 2025, to $115.2 billion" gives no 2024 revenue. An amount
    belongs to the nearest year stated before it."""
    pattern = _AMOUNT_OF.get(spec.expects)
    if pattern is None or not spec.years or " | " in sentence:
        return False
    years = [(m.start(), m.group(0)) for m in _YEARS.finditer(sentence)]
    if len({y for _, y in years}) < 2 or not {y for _, y in years} & set(spec.years):
        return False
    amounts = [m.start() for m in pattern.finditer(sentence)]
    for at in amounts:
        before = [y for pos, y in years if pos < at]
        if not before or before[-1] in spec.years:
            return False
    return bool(amounts)


# An amount per unit states a price without saying "price": "$0.006 per minute of audio"
_PRICED = re.compile(
    r"[$€£¥]\s?\d[\d.,]*\s*(?:[mbk]n?\b|million|billion)?\s*(?:per|a|/)\s*\w"
    r"|\bfor\s+(?:about\s+|around\s+|roughly\s+)?[$€£¥]\s?\d"  # "acquire X for $4.9 billion"
)


_RANK_VERBS = frozenset(tokenize("land landed finish finished end ended come came sit sits"))


def _names_of_kind(ev: Evidence, kind: str) -> int:
    """How many of the entities of a kind that ingest tagged in its chunk a sentence names."""
    prefix = f"{kind}:"
    names = {t[len(prefix) :] for t in ev.hit.chunk.entities if t.startswith(prefix)}
    return sum(1 for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", ev.sentence))


def _says_asked(
    asked: Sequence[str],
    ev: Evidence,
    names: Sequence[str] = (),
    in_a_place: bool = False,
    priced: bool = False,
) -> bool:
    """Whether the evidence (or the sentence before it) says one of the asked words, or, for
    a price (asked in words, or by its sign: "sorrel 3 mini output $ per 1m tok"), states an
    amount per unit, or an amount beside the name asked about ("codewren is $19 now", a
    table row), or,
    for whether something holds in a place, names the thing and the place together; true
    when nothing in particular is asked."""
    if not asked or any(_said(t, ev.tokens | ev.context) for t in asked):
        return True
    if in_a_place and all(n in ev.tokens for n in names):
        # "is osprey-3 available in são paulo": "São Paulo has no date yet for Osprey-3"
        return True
    if not (priced or _asks_price(asked)):
        return False
    return bool(_PRICED.search(ev.sentence)) or (
        bool(names) and all(n in ev.tokens for n in names) and bool(MONEY.search(ev.sentence))
    )


# "is osprey-3 available in são paulo": whether something holds in a place
_IN_A_PLACE = re.compile(
    r"\b(?:available|availability|launch(?:ed)?|live|offered|sold|open|supported|coming|"
    r"rolled out|released?|allowed|banned|blocked|paused)\b.*\b(?:in|to)\s+\w[\w .'’-]*\??\s*$",
    re.I,
)


def _asks_in_a_place(question: Question) -> bool:
    """Whether the question asks whether something holds in a place it names, by more than
    one name ("is osprey-3 available in são paulo")."""
    return len(question.names) >= 2 and bool(_IN_A_PLACE.search(question.text))


def _asks_price(asked: Sequence[str]) -> bool:
    """Whether the question asks what something costs or what was paid."""
    return any(CONCEPTS.get(t) in (CONCEPTS.get("cost"), CONCEPTS.get("paid")) for t in asked)


_HOW_MANY = re.compile(r"\b(?:how many|number of|count of|no\. of)\s+([a-z]+)", re.I)


def _counted(question: str) -> re.Pattern[str] | None:
    """For "how many X" / "number of X": a number followed closely by X (its stem) in a
    sentence ("will enrol 64 healthy volunteers"), which is then the kind of answer wanted:
    "on 7 October 2026 the first volunteer was dosed" has numbers but not that one."""
    m = _HOW_MANY.search(question)
    if not m:
        return None
    head = stem(m.group(1).lower())
    if len(head) < 3:
        return None
    return re.compile(
        rf"\b\d[\d,.]*(?:\s+(?:million|billion|thousand))?\s+"
        rf"(?:(?!(?:the|a|an|that|of|to|in|on)\b)[\w-]+\s+){{0,2}}"
        rf"{re.escape(head)}",
        re.I,
    )


def _spells_out(question: str, token: str, text: str) -> bool:
    """Whether an all-capitals word of the question ("NYT", "GA") is the initials of words
    in a row in the text: capitalised ("New York Times"), or long lower-case words ("general
    availability"; short ones would spell too much by chance). Typed in lower case ("ipo"),
    only the lower-case words count ("initial public offering"; "nyt" is not the Times)."""
    written = re.search(rf"\b({re.escape(token)})\b", question, re.I)
    if not written or not 2 <= len(token) <= 6 or not _typed_as_acronym(written.group(1)):
        return False
    initials = written.group(1).upper()
    lower = r"\s+".join(rf"{c.lower()}[a-z]{{5,}}" for c in initials)
    if written.group(1).islower():  # "ipo": words in lower case ("initial public offering")
        return re.search(rf"\b{lower}\b", text) is not None
    capitalised = r"\s+".join(rf"{c}[a-z][\w'-]*" for c in initials)
    return re.search(rf"\b(?:{capitalised}|{lower})\b", text) is not None


_INITIALISM_WORDS = (2, 3, 4)  # words in a row a text may write by their initials


def _initialisms(question: str) -> dict[str, frozenset[str]]:
    """The initials of each run of two to four words of the question, with the terms of the
    run ("requests per minute" -> "rpm": request, minut); runs of everyday short words
    ("is it a") spell nothing worth reading."""
    words = re.findall(r"[A-Za-z][\w'-]*", question)
    out: dict[str, frozenset[str]] = {}
    for n in _INITIALISM_WORDS:
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            terms = frozenset(concepts_of(tokenize(" ".join(run))))
            if len(terms) >= 2 and run[0].lower() not in STOPWORDS:
                out.setdefault("".join(w[0] for w in run).lower(), terms)
    return out


def _initialised(initialisms: dict[str, frozenset[str]], tokens: frozenset[str]) -> frozenset[str]:
    """The terms of the runs whose initials the tokens hold ("rpm" -> request, minut)."""
    return frozenset(t for short, terms in initialisms.items() if short in tokens for t in terms)


def _typed_as_acronym(word: str) -> bool:
    """Written in capitals ("NYT"), or in lower case as chat writes them and no everyday
    word ("ipo", "eol", "tvpi"; not "cut" or "ceo", whose words would be matched anyway)."""
    return word.isupper() or (word.islower() and len(word) >= 3 and zipf(word) < _EVERYDAY_ZIPF)


_EVERYDAY_ZIPF = 4.0
_COMPARISON_WORDS = frozenset(t for w in ("vs", "versus", "compared") for t in tokenize(w))
# words that ask what happened to the subject, whatever it was: no topic of their own
_EVENT_WORDS = frozenset(
    t for w in ("happened", "happening", "news", "latest", "updates", "going") for t in tokenize(w)
)


def _only_modifies(spec: Question, asked: Sequence[Entity], ev: Evidence) -> bool:
    """Whether every vendor or model the question names only qualifies another noun ("How
    much did the Nasdaq fall on the day of the DeepSeek sell-off?") and the sentence names
    another name the question asks about (the Nasdaq)."""
    if not all(
        re.search(rf"\bthe\s+{re.escape(e.name)}\s+(?!'s)[a-z][\w-]*", spec.text) for e in asked
    ):
        return False
    theirs = {t for e in asked for t in tokenize(e.name)}
    others = [n for n in spec.names if n not in theirs]
    return bool(others) and all(n in ev.tokens for n in others)


def _names_a_version(sentence: str) -> bool:
    """Whether a sentence opens with a versioned model as its subject ("Corrie 3 Pro climbs
    two places"), a name the curated lists need not know; one in brackets or further on
    ("previously $0.009 for Vox 2") is not its subject."""
    plain = re.sub(r"\([^)]*\)", " ", sentence)
    opening = " ".join(plain.split()[:_SUBJECT_WORDS])
    return bool(versions_in(opening))


_SUBJECT_WORDS = 4  # the words a sentence's subject is read from


_COMPARED_WITH = re.compile(
    r"\b(?:than|unlike|vs\.?|versus)\s+(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*"
)


def _first_word(text: str, token: str) -> bool:
    """Whether a name token is just the question's first word, an English word capitalised
    because it starts the question ("Compare", "List"); not a name at the start, typed in
    lower case ("tessaly coding agent price") or not ("Trelane q3 revenue")."""
    first = re.match(r"\W*([\w'.-]+)", text)
    return (
        first is not None
        and first.group(1)[:1].isupper()
        and first.group(1).lower() in english_words()
        and tokenize(first.group(1)) == [token]
    )


# A correction's account of the error: "An earlier version of this post said the plan costs
# $99", "This article previously misstated ...", "incorrectly reported that ...". What it
# quotes is what the article no longer says; the sentence after it gives the right figure.
_RETRACTED = re.compile(
    r"\b(?:(?:an\s+)?earlier\s+version\s+of\s+this\s+(?:post|article|story|report|piece|page|"
    r"newsletter|note)|(?:this|the)\s+(?:post|article|story|report|piece)\s+(?:previously|"
    r"originally))\s+(?:said|stated|reported|misstated|gave|listed|described|claimed|"
    r"put|quoted)\b|\b(?:incorrectly|wrongly|mistakenly|erroneously)\s+(?:said|stated|reported|"
    r"gave|listed|described|claimed)\b",
    re.I,
)


def _column_names(row: str) -> bool:
    """Whether a table's first row only names its columns: three cells or more, each a short
    label, no figure ("Date | Round | Amount | Lead investor"); a two-cell row is a fact
    ("Founders | Ada Lund; Bo Berg")."""
    cells = [c.strip() for c in row.strip(" |").split("|")]
    return (
        len(cells) >= 3 and not _FIGURE.search(row) and all(0 < len(c.split()) <= 3 for c in cells)
    )


# a short labelled statement of a figure: "Fine: €11.2 million.", "Price: $189,000 per unit"
_LABELLED = re.compile(r"[A-Z][\w'’&/-]*(?:\s+[\w'’&/-]+){0,2}:\s+\S")


def _labelled(sentence: str) -> bool:
    """A short "Label: figure" statement, which says whose figure only with the sentences
    before it on its line (a list item's heading) and leans on them."""
    return (
        len(sentence) <= 120
        and bool(_LABELLED.match(sentence))
        and bool(_FIGURE.search(sentence))
        and not SPEAKER_TURN.match(sentence)
    )


def _is_heading(sentence: str) -> bool:
    """A title-like line (not a statement, a list item, a table row or a record of
    comma-separated values: "Brightlake Compute,GPU cloud H200,On-demand,GPU-hour,3.10,USD")."""
    return (
        len(sentence) < 90
        and sentence[:1].isupper()
        and not re.search(r"[.!?\"”):;]$", sentence)
        and "$" not in sentence
        and len(_RECORD_COMMA.findall(sentence)) < 3
    )


_RECORD_COMMA = re.compile(r",(?=\S)")  # a comma with no space after it separates fields


_DAY_OF_MONTH = re.compile(rf"\b({MONTH_RE})\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)


# what a deal is worth is its value, not a company's valuation
_DEAL_WORTH = re.compile(
    r"\b((?:contract|deal|agreement|order|tender|award|package|grant)s?\b(?:\s+[\w-]+){0,2}?)"
    r"\s+worth\b",
    re.I,
)


# raising a price is no funding round ("raised the price of Aster Video 3 by 20%")
_PRICE_RAISED = re.compile(
    r"\brais(?:e|ed|es|ing)\s+((?:the\s+|its\s+|their\s+)?(?:list\s+)?(?:price|fee|cost|rate)s?)\b",
    re.I,
)


# "was number one" is first place, as "No. 1" and "#1" are
_NUMBER_PLACE = re.compile(r"\bnumber (one|two|three)\b", re.I)
_ORDINAL = {"one": "1st", "two": "2nd", "three": "3rd"}


def _sentence_tokens(sentence: str) -> frozenset[str]:
    """A sentence's tokens with synonyms folded in; a day of the month is a number but no
    concept ("July 1" does not say "first"); a deal's worth is no valuation, a raised price
    no round; a quarter however written ("the fourth quarter" says "q4")."""
    plain = _PRICE_RAISED.sub(r"increased \1", _DAY_OF_MONTH.sub(r"\1", sentence))
    plain = _NUMBER_PLACE.sub(lambda m: _ORDINAL[m.group(1).lower()], plain)
    tokens = concepts_of(tokenize(_DEAL_WORTH.sub(r"\1", plain)))
    return frozenset(tokens | set(tokenize(sentence)) | set(quarters_in(sentence)))


_FIGURE = re.compile(r"\d")
# a sentence under a question of the text's this similar to the user's (embeddings' cosine:
# a paraphrase, not a neighbouring question of the same FAQ) scores this much more, the
# answer's first sentence twice as much
ASKED_SIMILARITY = 0.7
ASKED_BONUS = 0.1
_FILLER = 12  # characters: "Sure.", "Thanks.", "Right, yes." say nothing of their own


def _candidates(question: Question, hits: Sequence[Hit]) -> list[Evidence]:
    out: list[Evidence] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        # where it was said counts as said there ("tallyhawk price on product hunt")
        where = hit.chunk.publisher or ""
        chunk_tokens = frozenset(
            concepts_of(tokenize(f"{hit.chunk.title} {where} {hit.lead_in} {text}"))
        )
        # the first sentence leans on what the chunk continues (else on the title)
        heading, before = split_lead_in(hit.lead_in)
        previous_text = before or hit.chunk.title
        previous: frozenset[str] = frozenset(
            concepts_of(tokenize(f"{hit.chunk.title} {hit.lead_in}"))
        )
        section = frozenset(concepts_of(tokenize(heading)))
        header, header_text = previous, previous_text
        post: list[str] = []  # the sentences since the last speaker's label
        columns: frozenset[str] = frozenset()  # the header row of the table being read
        in_table = False
        asked = ""  # the question the text last asked
        opener = ""  # the first sentence after it
        answering = False  # the sentence before was that question
        corrected: frozenset[str] = frozenset()  # what a correction's sentence was about
        paragraph: list[str] = []  # the sentences before this one on its line
        for a, b in sentence_spans(text):
            sentence = text[a:b].strip()
            just_asked, answering = answering, False
            if _SPEAKER.fullmatch(sentence):
                # "u/lint_trap:" opens a reply: it answers the post before it, all of it
                if post:
                    previous_text = " ".join(post)
                    previous = frozenset(concepts_of(tokenize(previous_text)))
                post = []
                continue
            at_line_start = a == 0 or text[a - 1] == "\n"
            if at_line_start:
                paragraph = []
            if at_line_start and post and SPEAKER_TURN.match(sentence):
                # "RAFAEL OSTRANDER: Sure. We raised $85 million.": a new turn answers the
                # turn before it, all of it
                previous_text = " ".join(post)
                previous = frozenset(concepts_of(tokenize(previous_text)))
                post = []
            post.append(sentence)
            tokens = _sentence_tokens(sentence)
            retracted = bool(_RETRACTED.search(sentence))
            if corrected and not retracted:
                # "The correct figure is $79 per month.": the figure of the thing the
                # retracted sentence named ("... said Murrow's Studio plan costs $99")
                tokens, corrected = tokens | corrected, frozenset()
            if retracted:
                corrected = tokens
            # a row's cell may hold several sentences ("... 1.2 added. Sparrowhawk 4.5 added."):
            # the later ones are still the row's, not a caption for the rows below
            line_start = text.rfind("\n", 0, a) + 1
            line_end = text.find("\n", a)
            is_row = " | " in sentence or (
                line_start < a and " | " in text[line_start : line_end if line_end >= 0 else None]
            )
            header_row = False
            if is_row and not in_table:  # the table's header row: "Model | Vendor | ..."
                columns, in_table = tokens, True
                header_row = _column_names(sentence)
            if is_row:
                # a table row's context is the caption above the table and its header row
                # ("Vendor" says who makes the row's model), not its neighbour
                previous, previous_text = header | columns, header_text
            else:
                header, header_text = tokens, sentence
                in_table = False
            is_question = sentence.rstrip("\"”’') ").endswith("?")
            if is_question:
                asked, opener, answering = sentence, "", True
            elif _is_heading(sentence):
                section, asked = tokens, ""
            elif just_asked:
                opener = sentence
            keep = (
                not is_question
                and not _HANDLE_LINE.fullmatch(sentence)  # "u/pip_ferngate [verified · CEO]"
                and not (is_row and menu_line(sentence))  # "new | past | comments | ask"
                and not header_row  # "Date | Round | Amount": the columns' names say nothing
                and not retracted  # what a corrected article used to say
                and (
                    is_row
                    or (len(sentence) >= 25 and not _is_heading(sentence))
                    or (just_asked and len(sentence) >= _FILLER)  # "Not for new customers."
                    or (sentence[:1].islower() and len(sentence) >= 12)
                    or (
                        len(sentence) >= 12
                        and sentence.endswith(".")
                        and len(sentence.split()) >= 3
                        and _FIGURE.search(sentence)
                    )
                )
            )  # list items, short statements of a figure ("We raised $85 million."); a
            # question in the text is never an answer
            if keep:
                context, context_text = previous, previous_text
                if paragraph and _labelled(sentence):
                    # "Fine: €11.2 million." closing a list item: the item says whose fine
                    context_text = " ".join(paragraph)
                    context = previous | frozenset(concepts_of(tokenize(context_text)))
                out.append(
                    Evidence(
                        hit,
                        rank,
                        sentence,
                        a,
                        tokens,
                        context,
                        chunk_tokens,
                        context_text,
                        section,
                        asked,
                        just_asked,
                        "" if just_asked else opener,
                    )
                )
            paragraph.append(sentence)
            said = sentence[m.end() :] if (m := SPEAKER_TURN.match(sentence)) else sentence
            if len(said) < _FILLER and not is_row and not _is_heading(sentence):
                # "Sure.", "RAFAEL OSTRANDER: Sure.": a filler leans on what came before
                previous_text = f"{previous_text} {sentence}"
                previous = previous | tokens
            else:
                previous, previous_text = tokens, sentence
    return out


_FIRST_CUES = re.compile(r"\b(?:first|originally|initially|earliest)\b", re.I)


def _prefer_newest(
    scores: np.ndarray, evidence: Sequence[Evidence], floor: float, *, oldest: bool = False
) -> np.ndarray:
    """For "now", "still", "latest" questions: of the evidence that answers nearly as well as
    the best (within 0.15), the newest article's wins; for "when did X first ..." (`oldest`),
    the one stating the oldest date (a sentence's own date, else its article's: a timeline
    row from "August 2024" is older than a December 2024 article)."""
    best = float(scores.max()) if len(scores) else -1.0
    close = [i for i, s in enumerate(scores) if s >= max(floor, best - 0.15)]
    when: dict[int, str] = {}
    if oldest:
        for i in close:
            published = evidence[i].hit.chunk.published
            if said := stated_date(evidence[i].sentence, published) or published:
                # a vaguer date sorts at the end of its period: "in February" after Feb 15
                when[i] = said + "-99" * ((10 - len(said)) // 3)
        close = list(when)
    if len(close) < 2:
        return scores
    if oldest:
        pick = min(close, key=lambda i: (when[i], -float(scores[i])))
    else:
        # of one article's, the one said latest (a channel's or changelog's newer post), when
        # each is dated: an undated one may be the newest entry as well as the oldest
        said_at = {i: _said_when(evidence[i]) for i in close}
        dated = all(said_at.values())
        pick = max(
            close,
            key=lambda i: (
                evidence[i].hit.chunk.published or "",
                said_at[i] if dated else "",
                float(scores[i]),
            ),
        )
    boosted = scores.copy()
    boosted[pick] = best + 0.01
    return boosted


# "is it available again": of the sentences that answer, the one said latest (not a "now"
# cue for the market answers: a status restored is their answer, later news or not)
_AGAIN = re.compile(r"\bagain\b", re.I)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_POSTED_BEFORE = 400  # characters read back for the date a post or entry is headed with


def _said_when(ev: Evidence) -> str:
    """When a sentence was said, as far as its chunk tells: the date it states (a record's own
    numeric date too), else the last date written on the lines above it (a post's
    "[10/14/2026 6:00 PM]", a changelog entry's "November 4, 2026" heading); "" when none."""
    published = ev.hit.chunk.published
    if said := stated_date(ev.sentence, published):
        return said
    # a record's own numeric date ("...,3.10,USD,2026-10-15,current"), before any above it
    if (own := _NUMERIC_DATE.search(ev.sentence)) and (said := _numeric_date(own.group(0))):
        return said
    text = ev.hit.chunk.text
    above = text[max(0, ev.start - _POSTED_BEFORE) : text.rfind("\n", 0, ev.start) + 1]
    for line in reversed(above.splitlines()):
        numeric = _NUMERIC_DATE.search(line)
        if when := (_numeric_date(numeric.group(0)) if numeric else stated_date(line, published)):
            return when
    return ""


def _numeric_date(value: str) -> str | None:
    """A numeric date; "10/06/2026", which could be either, read month first, as the chat
    and export tools that stamp posts so write it (only the order of one article's posts
    rests on it)."""
    if when := parse_date(value):
        return when
    month, day, year = (int(x) for x in value.split("/")) if "/" in value else (0, 0, 0)
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _changes_over_time(question: Question) -> bool:
    """Questions about a value that moves (the current price, whether something is still
    offered), not pinned to a time: "now", "still", "latest", or an amount with no date."""
    if question.years or question.months or question.quarters:
        return False
    if NOW_CUES.search(question.text):
        return True
    return question.expects in ("money", "percent_or_money") and bool(
        PRICE_WORDS.search(question.text)
    )


def _subject(text: str) -> str | None:
    """The first model (else vendor) a text names, as an entity key."""
    found = find_entities(text)
    first = next((e for e in found if e.kind == "model"), None) or next(
        (e for e in found if e.kind == "vendor"), None
    )
    return first.key if first else None


_COMPARES = re.compile(r"\b(?:than|against|compared|same as|level with|versus|vs)\b", re.I)


def _recency(evidence: Sequence[Evidence]) -> list[float]:
    """0 for the oldest article among the candidates, 1 for the newest (undated: 0)."""
    dates = sorted({e.hit.chunk.published for e in evidence if e.hit.chunk.published})
    if len(dates) < 2:
        return [0.0] * len(evidence)
    rank = {d: i / (len(dates) - 1) for i, d in enumerate(dates)}
    return [rank.get(e.hit.chunk.published or "", 0.0) for e in evidence]


# The noun after "which"/"what" names the kind of answer wanted ("which company is behind X")
_WH_HEAD = re.compile(r"^\W*(?:and\s+)?(?:which|what)\s+([a-z]+)\b", re.I)
# Concepts a sentence says by saying another: a maker by launching or releasing the product
# (who launched a model made it; a product restored or resumed is available again)
_IMPLIED = {"maker": frozenset({"~launch"}), "discontinu": frozenset({"~reopen"})}


def _matched(term: str, tokens: frozenset[str]) -> bool:
    return term in tokens or ("~" + CONCEPTS[term] in tokens if term in CONCEPTS else False)


def _said(term: str, tokens: frozenset[str]) -> bool:
    """Whether the tokens say the term, loosely: itself, a synonym, or a word of the same
    family (its first six letters: "developed" and "developer")."""
    if _matched(term, tokens):
        return True
    if CONCEPTS.get(term) in _IMPLIED and _IMPLIED[CONCEPTS[term]] & tokens:
        return True  # who launched a model made it
    head = term[:6]
    return len(head) >= 4 and any(t.startswith(head) for t in tokens)


class _SentencePicker:
    """Picks and quotes evidence sentences for one question, over one store view's word
    statistics."""

    def __init__(self, settings: Settings, embed_texts: EmbedTexts, corpus: CorpusStats) -> None:
        self.settings = settings
        self.embed_texts = embed_texts
        self.idf = corpus.idf
        self.doc_freq = corpus.doc_freq
        self._synonyms: dict[str, list[str]] = {}
        for word, concept in CONCEPTS.items():
            self._synonyms.setdefault(concept, []).append(word)

    def spelled(self, token: str) -> str | None:
        """A token as the corpus spells it: itself when the corpus mentions it, else the most
        frequent token one letter away ("googel" -> "googl"), else None (also for an English
        word the corpus never uses: "honey" is not a misspelt "money")."""
        if self.doc_freq(token) > 0:
            return token
        if len(token) < 5 or token in english_words():
            return None  # too short to tell, or a real word the corpus does not use
        found = [(self.doc_freq(t), t) for t in {stem(e) for e in one_edit(token)}]
        best = max(found, default=(0, ""))
        return best[1] if best[0] > 0 else None

    def term_weight(self, term: str) -> float:
        """idf, capped; a word found nowhere in the corpus (nor any synonym of it) is most
        likely a typo or slang ("dosh"), so it weighs little instead of a lot."""
        if not self._used(term):
            return 0.5
        return min(self.idf(term), 8.0)

    def _used(self, term: str) -> bool:
        """Whether the corpus uses the word or a synonym of it."""
        words = self._synonyms.get(CONCEPTS[term], [term]) if term in CONCEPTS else [term]
        return any(self.doc_freq(w) for w in words)

    def score(
        self,
        question: Question,
        part: str,
        part_vector: np.ndarray,
        evidence: list[Evidence],
        sentence_vectors: np.ndarray,
        asked_similarity: np.ndarray | None = None,
    ) -> np.ndarray:
        """Evidence score per sentence: embedding similarity to the question, plus how much of
        the question (idf-weighted, synonyms folded) the sentence covers, with half credit for
        words in the sentence before it and in the title, and how much its chunk covers;
        sentences of the wrong kind (no amount for "how much") are penalised."""
        others = [t for p in question.parts if p != part for t in answer_terms(p)]
        weights = self._weights(answer_terms(part), [*question.context_terms, *others])
        total = sum(weights.values()) or 1.0
        expects = question.expects if len(question.parts) == 1 else _part_type(part)
        scores = np.zeros(len(evidence), dtype=np.float32)
        dense = sentence_vectors @ part_vector if len(evidence) else scores
        # "now", "currently", "latest", "still": the newest evidence wins a close call
        recency = _recency(evidence) if NOW_CUES.search(part) else None
        places = known_places(part).keys()  # "in the E.U.": a sentence naming it says more
        counted = _counted(part) if expects == "number" else None
        # "which chinese models": a sentence naming models says more, one naming none less
        listed = listed_kind(part)
        naming = [_names_of_kind(ev, listed) for ev in evidence] if listed else []
        if not any(naming):
            listed = None
        if counted is not None and not any(counted.search(ev.sentence) for ev in evidence):
            counted = None  # no sentence counts them: any number will do, as before
        # acronyms as written ("GA"), said by their words ("general availability")
        acronyms = [
            t
            for t in weights
            if (typed := re.search(rf"\b{re.escape(t)}\b", question.text, re.I))
            and _typed_as_acronym(typed.group(0))
        ]
        # words of the question a text writes by their initials: "requests per minute" is a
        # table's "RPM" column
        initialisms = _initialisms(part)
        for i, ev in enumerate(evidence):
            own = near = in_chunk = 0.0
            said, nearby = ev.tokens, ev.context | ev.section
            if initialisms:
                said = said | _initialised(initialisms, said)
                nearby = nearby | _initialised(initialisms, nearby)
            for term, weight in weights.items():
                if _matched(term, said) or (
                    term in acronyms and _spells_out(question.text, term, ev.sentence)
                ):
                    own += weight
                elif _matched(term, nearby):
                    near += weight
                if _matched(term, ev.chunk_tokens):
                    in_chunk += weight
            # a table row's caption is its real context ("prices per million tokens"), and so
            # is the sentence a pronoun-led one continues ("There 140 positions are cut")
            leans = (
                " | " in ev.sentence
                or bool(_PRONOUN_SUBJECT.match(ev.sentence))
                or _labelled(ev.sentence)
            )
            coverage = (own + (1.0 if leans else 0.5) * near) / total
            s = self.settings.dense_share * float(dense[i]) + (1 - self.settings.dense_share) * (
                0.7 * coverage + 0.3 * in_chunk / total
            )
            # the kind of answer asked for ("number of volunteers": a number of volunteers)
            if counted is not None:
                s += 0.16 if counted.search(ev.sentence) else -0.24
            elif expects:
                s += 0.16 if _type_ok(expects, ev.sentence, part) else -0.24
            s += 0.02 / (1 + ev.rank)
            if recency is not None:
                s += 0.1 * recency[i]
            if places and places & known_places(ev.sentence).keys():
                s += 0.1
            if listed:
                s += 0.08 * min(naming[i], 3) if naming[i] else -0.1
            if asked_similarity is not None and asked_similarity[i] >= ASKED_SIMILARITY:
                # the text asks the user's question itself (an FAQ, an interviewer): what
                # follows answers it, its first sentence most directly
                s += ASKED_BONUS * (2 if ev.opens_answer else 1)
            scores[i] = s
        return scores

    def known(self, term: str) -> bool:
        """Whether the corpus uses the word (or a synonym, or its one-letter-off spelling)."""
        return self._used(term) or self.spelled(term) is not None

    def asked_words(self, question: Question, part: str) -> list[str]:
        """What the question asks about its subject, in words the corpus uses: its content
        words other than names, versions, years and the words the corpus has never used.
        An answer must say at least one of them (or the sentence before it must): "How many
        employees does X have?" is not answered by a sentence about X's funding."""
        named = {t for n in question.names for t in tokenize(n)}
        named |= {t for e in question.entities for t in tokenize(e.name)}
        named |= {t for v in question.versions for t in tokenize(v)}
        # a hyphenated code whose parts are named ("CX-7", read as the version "cx 7")
        named |= {t for t in tokenize(part) if "-" in t and set(t.split("-")) <= named}
        if head := _WH_HEAD.match(part):  # "which company ...": the kind of answer, not a topic
            named |= set(tokenize(head.group(1)))
        if whose := re.search(r"\bwhose\s+([a-z]+)", part, re.I):  # "whose model is it"
            named |= set(tokenize(whose.group(1)))
        # "chief" says only that a role follows: the role's own word must be said
        # ("chief technology officer" is not answered by "chief executive")
        if re.search(r"\bchief\s+\w", part, re.I):
            named.add("chief")
        if question.expects == "rank":  # "where did X land on Y": the verb asks for a rank
            named |= _RANK_VERBS
        named |= _COMPARISON_WORDS  # "tack 3 vs lathe 2 on kessock": "vs" is no topic
        named |= _EVENT_WORDS  # "what's happening to quarry assist": whatever happened
        if (noun := nominal_head(part)) and self.known(noun) and noun not in named:
            return [noun]  # "pairloom annual revenue": revenue, whatever else is annual
        counted = _HOW_MANY.search(part)
        if counted and (thing := stem(counted.group(1).lower())) in named and self.known(thing):
            # "how many gpus will the bursztyn cluster have": the GPUs are counted, though
            # the word, rare here, was read as a name; "cluster" only says which
            return [thing]
        return [
            t
            for t in dict.fromkeys(answer_terms(part))
            if t not in named and not t.isdigit() and self.known(t)
        ]

    def outside_corpus(self, question: Question) -> list[str]:
        """The question's words the corpus has never used, when they carry most of what it
        asks ("how do bees make honey", "what do corvids eat"): then nothing here answers it.
        Weighed by idf (an unseen word weighs most); for a question that asks for an amount,
        a date or a number, half as much, since an unknown word there is often slang for the
        quantity asked ("how much dosh did X raise"). Two-letter words are left out."""
        terms = list(dict.fromkeys(answer_terms(question.text)))
        if not terms:
            return []
        unknown = [t for t in terms if len(t) >= 3 and not self.known(t)]
        if not unknown:
            return []
        share = 0.5 if question.expects in _HARD_TYPES else 1.0
        outside = share * sum(self.idf(t) for t in unknown)
        inside = sum(min(self.idf(t), 8.0) for t in terms if t not in unknown)
        if outside <= inside:
            return []
        words = re.findall(r"[\w'-]+", question.text)
        return [w for w in words if tokenize(w) and tokenize(w)[0] in unknown]

    def _viable(
        self, question: Question, evidence: Sequence[Evidence], gaps: Sequence[tuple[str, ...]]
    ) -> bool:
        """Whether some evidence matches what the question pins down and says what it asks."""
        asked = self.asked_words(question, question.parts[0] if question.parts else question.text)
        return any(not g and _says_asked(asked, ev) for ev, g in zip(evidence, gaps, strict=True))

    def _weights(self, terms: Sequence[str], context: Sequence[str]) -> dict[str, float]:
        weights = {t: self.term_weight(t) for t in terms}
        for t in context:
            weights.setdefault(t, 0.5 * self.term_weight(t))
        return weights

    def answer(self, question: Question, hits: Sequence[Hit], query_vector: np.ndarray) -> Answer:
        parts = list(question.parts)
        specs = (
            [question]
            if len(parts) == 1
            else [_part_spec(question, p, first=i == 0) for i, p in enumerate(parts)]
        )
        evidence = _candidates(question, hits)
        doc_tokens: dict[str, set[str]] = {}
        for ev in evidence:
            doc_tokens.setdefault(ev.hit.chunk.doc_id, set()).update(ev.chunk_tokens)
        frozen = {d: frozenset(t) for d, t in doc_tokens.items()}

        def gaps_of(specs: Sequence[Question]) -> list[list[tuple[str, ...]]]:
            return [
                [
                    specifier_gaps(sp, ev, frozen[ev.hit.chunk.doc_id], self.spelled)
                    for ev in evidence
                ]
                for sp in specs
            ]

        gaps = gaps_of(specs)
        own = _own_versions(question)
        if own != question.versions and not self._viable(question, evidence, gaps[0]):
            # a follow-up inherits the earlier turn's version ("What is Corvid Reason 2?" ->
            # "who is the CEO?"); when nothing names it, the company's answer still holds
            gaps = gaps_of([replace(spec, versions=own) for spec in specs])
        if not evidence or all(all(g) for g in gaps):
            # only what no passage has: "not about 2031", not "not about Lexmoor" when the
            # interview names Lexmoor but not 2031
            missing = sorted(
                {x for per in gaps for g in per for x in g if all(x in h for h in per)}
            )
            return self._abstain(question, hits, missing)
        unknown = self.outside_corpus(question) if len(parts) == 1 else []
        if unknown:
            return self._abstain(question, hits, [], unused=unknown)
        asked_texts = sorted({e.asked for e in evidence if e.asked})
        extra = parts if len(parts) > 1 else []
        vectors = self.embed_texts([e.sentence for e in evidence] + extra + asked_texts)
        sentence_vectors = vectors[: len(evidence)]
        part_vectors = (
            list(vectors[len(evidence) : len(evidence) + len(extra)]) if extra else [query_vector]
        )
        asked_vectors = dict(zip(asked_texts, vectors[len(evidence) + len(extra) :], strict=True))

        in_a_place = _asks_in_a_place(question)
        priced = bool(PRICE_SIGN.search(question.text))  # "sorrel 3 mini output $ per 1m tok"
        per_part: list[np.ndarray] = []
        for p, (part, part_vector) in enumerate(zip(parts, part_vectors, strict=False)):
            similar = np.array(
                [float(asked_vectors[e.asked] @ part_vector) if e.asked else 0.0 for e in evidence]
            )
            scores = self.score(question, part, part_vector, evidence, sentence_vectors, similar)
            if p == 0:
                answered = {
                    e.sentence
                    for e, x in zip(evidence, similar, strict=True)
                    if x >= ASKED_SIMILARITY
                }
            expects = question.expects if len(parts) == 1 else _part_type(part)
            asked = self.asked_words(question, part)
            for i, ev in enumerate(evidence):
                if gaps[p][i]:  # about another year, version or name than the one asked
                    scores[i] = -1.0
                elif not _says_asked(asked, ev, question.names, in_a_place, priced):
                    scores[i] = -1.0  # says nothing of what is asked about its subject
                elif expects in _HARD_TYPES and not _type_ok(expects, ev.sentence, part):
                    scores[i] = -1.0  # "how much" is never answered without an amount
                elif len(parts) == 1 and _amount_of_another(question, ev):
                    scores[i] = -1.0  # its figures are another product's
                elif len(parts) == 1 and _amount_of_another_year(question, ev.sentence):
                    scores[i] = -1.0  # its figures are another year's
                elif _price_per_another_unit(part, ev.sentence):
                    scores[i] = -1.0  # "$249.99 a month" is no price per second
                elif _in_another_currency(part, ev.sentence):
                    scores[i] = -1.0  # "$189,000" is no price in euros
                elif _another_side(part, ev.sentence) or _another_plan(part, ev.sentence):
                    scores[i] = -1.0  # the input price for the output's; another plan's
            per_part.append(scores)
        if len(parts) == 1 and (NOW_CUES.search(question.text) or _AGAIN.search(question.text)):
            per_part[0] = _prefer_newest(per_part[0], evidence, self.settings.min_evidence)
        elif len(parts) == 1 and question.expects == "date" and _FIRST_CUES.search(question.text):
            per_part[0] = _prefer_newest(
                per_part[0], evidence, self.settings.min_evidence, oldest=True
            )
        chosen = self._choose(per_part, evidence)
        if len(parts) == 1 and chosen and _changes_over_time(question):
            earlier = self._earlier(question, chosen[0], per_part[0], evidence)
            if earlier is not None:
                return self._compose_change(question, chosen[0], earlier)
        if len(parts) == 1 and chosen:
            chosen += self._complement(parts[0], chosen[0], per_part[0], evidence)
        if not chosen:
            return self._abstain(question, hits, [])
        chosen = [
            (replace(ev, with_opener=True) if ev.sentence in answered and ev.opener else ev, s)
            for ev, s in chosen
        ]
        return self._compose(question, chosen[: self.settings.max_answer_sentences])

    def _earlier(
        self,
        question: Question,
        newest: tuple[Evidence, float],
        scores: np.ndarray,
        evidence: list[Evidence],
    ) -> tuple[Evidence, float] | None:
        """For a value that changes over time (a price, a status), the best answer from an
        older article that states something else: what the newest answer replaced."""
        ev0, best = newest
        date0 = ev0.hit.chunk.published or ""
        amounts0 = numbers_in(ev0.sentence)
        subject = _subject(question.text)
        if subject is None or _subject(ev0.sentence) != subject:
            return None
        found: list[tuple[str, float, Evidence]] = []
        for i in np.argsort(-scores)[1:8]:
            ev, s = evidence[int(i)], float(scores[int(i)])
            if s < max(self.settings.min_evidence, 0.85 * best):
                break
            date = ev.hit.chunk.published or ""
            if (
                not date
                or not date0
                or date >= date0
                or ev.hit.chunk.doc_id == ev0.hit.chunk.doc_id
            ):
                continue
            if _subject(ev.sentence) != subject:
                continue  # "GPT-4.1 is cheaper than GPT-4o" is not about GPT-4o's price
            amounts = numbers_in(ev.sentence)
            if question.expects in ("money", "percent_or_money") and (
                amounts <= amounts0 or _COMPARES.search(ev.sentence)
            ):
                continue  # no new figures, or figures of something it is compared with
            found.append((date, s, ev))
        if not found:
            return None
        _, s, ev = max(found, key=lambda f: (f[0], f[1]))  # the state just before the newest
        return ev, s

    def _compose_change(
        self, question: Question, newest: tuple[Evidence, float], earlier: tuple[Evidence, float]
    ) -> Answer:
        """ "As of D1: <newest> [1]  Earlier, as of D0: <older> [2]": both cited, newest first."""
        (ev1, s1), (ev0, s0) = newest, earlier
        c1 = Citation(1, ev1.hit.chunk, ev1.sentence, ev1.start, s1)
        c0 = Citation(2, ev0.hit.chunk, ev0.sentence, ev0.start, s0)
        newer, older = _tidy(_quoted(ev1)), _tidy(_quoted(ev0))
        text = (
            f"As of {ev1.hit.chunk.published}: {newer} [1]\n\n"
            f"Earlier, as of {ev0.hit.chunk.published}: {older} [2]"
        )
        claims = (Claim(newer, (1,)), Claim(older, (2,)))
        return cited_answer(question.text, text, (c1, c0), claims=claims, shape="sentences")

    def _choose(
        self, per_part: list[np.ndarray], eligible: list[Evidence]
    ) -> list[tuple[Evidence, float]]:
        """One sentence per part, all different, maximising the total score (parts whose best
        evidence is too weak are left out)."""
        floor = self.settings.min_evidence
        tops = [[int(i) for i in np.argsort(-s)[:5] if s[int(i)] >= floor] for s in per_part]
        best: tuple[float, list[int | None]] = (-1.0, [])

        options: list[list[int | None]] = [list(t) or [None] for t in tops]
        for combo in product(*options):
            picked = [i for i in combo if i is not None]
            if len({eligible[i].sentence for i in picked}) < len(picked):
                continue
            total = sum(float(per_part[p][i]) for p, i in enumerate(combo) if i is not None)
            if total > best[0]:
                best = (total, list(combo))
        out: list[tuple[Evidence, float]] = []
        for p, i in enumerate(best[1]):
            if i is not None and all(eligible[i].sentence != e.sentence for e, _ in out):
                out.append((eligible[i], float(per_part[p][i])))
        return out

    def _complement(
        self, part: str, first: tuple[Evidence, float], scores: np.ndarray, eligible: list[Evidence]
    ) -> list[tuple[Evidence, float]]:
        """A second sentence for a one-part question, when it states asked-about words the
        first leaves out and scores nearly as well."""
        ev0, best = first
        asked = [t for t in answer_terms(part) if self.term_weight(t) > 1.0]
        uncovered = [t for t in asked if not _matched(t, ev0.tokens)]
        # a price asked about and answered without a figure ("Lintel Transcribe's Team plan
        # price went up."): the sentence that gives the figures says what changed
        figureless = _asks_price(answer_terms(part)) and not MONEY.search(ev0.sentence)
        if not uncovered and not figureless:
            return []
        for i in np.argsort(-scores)[1:6]:
            ev, s = eligible[int(i)], float(scores[int(i)])
            if s < max(self.settings.min_evidence, 0.85 * best):
                break
            if ev.sentence == ev0.sentence:
                continue
            if any(_matched(t, ev.tokens) for t in uncovered) or (
                figureless and MONEY.search(ev.sentence)
            ):
                return [(ev, s)]
        return []

    def _compose(self, question: Question, chosen: list[tuple[Evidence, float]]) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        claims: list[Claim] = []
        for ev, score in chosen:
            cid = ev.hit.chunk.chunk_id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                citations.append(Citation(numbers[cid], ev.hit.chunk, ev.sentence, ev.start, score))
            claims.append(Claim(_tidy(_quoted(ev)), (numbers[cid],)))
        text = " ".join(f"{c.text} [{c.citations[0]}]" for c in claims)
        return cited_answer(question.text, text, citations, claims=claims, shape="sentences")

    def _abstain(
        self,
        question: Question,
        hits: Sequence[Hit],
        missing: list[str],
        unused: Sequence[str] = (),
    ) -> Answer:
        text = f'The corpus does not say. None of the articles answers "{question.text}"'
        if unused:
            quoted = [f'"{w}"' for w in dict.fromkeys(unused)]
            listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
            text += f" — no article uses the word{'s' if len(quoted) > 1 else ''} {listed}."
        elif missing:
            text += (
                " — the closest articles are not about "
                + ", ".join(dict.fromkeys(_display(g, question.text) for g in missing))
                + "."
            )
        else:
            text += "."
        return Answer(
            question=question.text,
            text=text,
            abstained=True,
            nearest=tuple(hits[:3]),
            shape="sentences",
        )


def _part_spec(question: Question, part: str, first: bool) -> Question:
    """What one part of a multi-part question pins down. A later part that names nothing
    ("and what was the valuation?") is about what the question named before it."""
    spec = parse_question(part, list(question.history))
    if not first and not (spec.names or spec.versions):
        spec = replace(
            spec,
            names=question.names,
            versions=question.versions,
            years=question.years or spec.years,
            rounds=question.rounds,
        )
    return spec


def _display(specifier: str, asked: str = "") -> str:
    """A gap as the user wrote it: "Seedance 2.0", "China", never a stem ("seedanc")."""
    name, _, version = specifier.partition(" ")
    for word in re.findall(r"[\w.\-]+", asked):
        if tokenize(word) == [name]:
            name = word.strip(".")
            break
    else:
        name = name.capitalize() if version else name
    return f"{name} {version}" if version else name


def _part_type(part: str) -> str:
    return expected_type(part)


# a speaker's label on its own line: "u/lint_trap:", "Analyst (Brennard Bank):", "A:"
_SPEAKER = re.compile(
    r"(?:[\w.-]*[/@_][\w./@-]+|[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|\([^()]{1,40}\))){0,4}):"
)


# a forum user's handle on its own line, with the flair the site shows beside it
_HANDLE_LINE = re.compile(r"(?:u/|@)?[\w.-]*[_/@][\w.-]+(?:\s*\[[^\]\n]{1,80}\])?")

_TERSE = 40  # characters: a sentence shorter than this is read with the next on its line


def _quoted(ev: Evidence) -> str:
    """What an answer quotes for an evidence sentence: a terse one with the sentence after it
    on its line, else the sentence with the list items that follow it; a sentence whose
    subject is a pronoun ("It's also the top of the board") opens with the sentences on its
    line that say who "it" is."""
    quote = _with_next_if_terse(ev) or _with_list(ev)
    if ev.with_opener and len(ev.opener) < _TERSE and ev.opener not in quote:
        return f"{ev.opener} [...] {quote}"  # "Not for new customers. [...] If you are ..."
    antecedent = _antecedent(ev)
    return f"{antecedent} {quote}" if antecedent else quote


# "It's", "They're" too; and a deal named only by its kind ("The acquisition is completed on
# 20 November"): the sentence before says whose it is
_PRONOUN_SUBJECT = re.compile(
    r"(?:It|They|He|She)\b|"
    # a place or set the sentence before named: "There 140 positions are to be cut", "Of
    # these, 22 are joining"
    r"(?:There|Here|Of\s+(?:these|those|them|which))\b(?!\s+(?:is|are|was|were|will|has|have)\b)|(?:The|This|That)\s+(?:acquisition|deal|merger|purchase|takeover|"
    r"transaction|sale|round|investment|agreement)\b|"
    # after a time or place put first: "On 12 November 2024 it launched Kindling"
    r"(?:On|In|By|Since|From|After|Before|Later|Then|Earlier)\s+[^,.;:]{1,25}?,?\s+"
    r"(?:it|they|he|she)\s+(?!is\b|was\b|will\b|would\b)[a-z]"
)
_ANTECEDENT_LIMIT = 2  # sentences read back for the name a pronoun stands for


def _antecedent(ev: Evidence) -> str | None:
    """The sentences before a pronoun-led sentence, on the same line, back to the first one
    that does not open with a pronoun (at most two), or None when there is none."""
    if not _PRONOUN_SUBJECT.match(ev.sentence):
        return None
    text = ev.hit.chunk.text
    line_start = text.rfind("\n", 0, ev.start) + 1
    before = [s for s in sentence_spans(text, line_start, ev.start) if s[1] <= ev.start]
    for n, (a, _b) in enumerate(reversed(before[-_ANTECEDENT_LIMIT:]), start=1):
        if not _PRONOUN_SUBJECT.match(text[a:]):
            return " ".join(text[x:y].strip() for x, y in before[-n:])
    return None


def _with_next_if_terse(ev: Evidence) -> str | None:
    """A terse sentence ("tabbit shut down.") with the one that follows it on its line ("they
    announced it in october and the servers go off on january 31"), else None."""
    if len(ev.sentence) >= _TERSE or not ev.sentence.endswith("."):
        return None
    text, end = ev.hit.chunk.text, ev.start + len(ev.sentence)
    following = sentence_spans(text, end)[:1]
    if following and "\n" not in text[end : following[0][0]]:
        return text[ev.start : following[0][1]]
    return None


def _with_list(ev: Evidence) -> str:
    """A sentence that introduces a list ("three changes:") or is a list item, with the list
    items that follow it in the chunk, as one sentence."""
    text = ev.hit.chunk.text
    items: list[str] = []
    intro = ev.sentence.rstrip().endswith(":")
    previous_end = ev.start + len(ev.sentence)
    for a, b in sentence_spans(text, previous_end):
        line = text[a:b].strip()
        bullet = line.startswith(("-", "*", "•"))
        if not (line[:1].islower() or bullet) or len(items) >= 6 or _SPEAKER.fullmatch(line):
            break
        if "\n" not in text[previous_end:a] or (
            not (bullet or intro) and "\n\n" in text[previous_end:a]
        ):
            break  # items are lines; a new paragraph in lower case (a forum post) is none
        items.append(line.lstrip("-*• ").rstrip(".;"))
        previous_end = b
    if not items:
        return ev.sentence
    if intro:
        return ev.sentence.rstrip() + " " + "; ".join(items) + "."
    return ev.sentence.rstrip(".;") + "; " + "; ".join(items) + "."


def _tidy(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence.lstrip("-*• ").strip()


class SentenceAnswerer:
    """The default answerer: quotes the best evidence sentences, each cited, or abstains."""

    name = "sentences"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer:
        """The best sentence per part of the question, each with its citation; for values
        that change over time, the newest and what it replaced; an abstention (with the
        nearest sources) when nothing answers well enough."""
        picker = _SentencePicker(self.settings, embed, prepared.corpus)
        answer = picker.answer(prepared.question, prepared.hits, prepared.vector)
        if not answer.abstained:
            return answer
        answer = _in_own_words(answer, prepared)
        # before saying the corpus does not say: read more of the best articles than the
        # per-document cap let in (their opening paragraph, the rest of a table)
        seen = {h.chunk.chunk_id for h in prepared.hits}
        wider = list(prepared.wider_hits())
        if not any(h.chunk.chunk_id not in seen for h in wider):
            return answer
        second = picker.answer(prepared.question, wider, prepared.vector)
        return answer if second.abstained else second


def _in_own_words(answer: Answer, prepared: Prepared) -> Answer:
    """An abstention quotes the question as the user typed it, not as it was re-cased or
    re-spelt for reading ("seedance 2.0 release date", not "Seedance 2.0 release date"), and
    names a re-spelt name as typed."""
    read, typed = prepared.question.text, prepared.asked
    if read == typed:
        return answer
    text = answer.text.replace(f'"{read}"', f'"{typed}"', 1)
    head, quoted, rest = text.partition(f'"{typed}"')
    read_words, typed_words = read.split(), typed.split()
    if quoted and len(read_words) == len(typed_words):
        # "not about Lexmoor" names the word as typed: "not about lexmoar"
        for r, t in zip(read_words, typed_words, strict=True):
            if r != t and r.lower() != t.lower():
                rest = re.sub(rf"(?<![\w-]){re.escape(r)}(?![\w-])", t, rest)
        text = head + quoted + rest
    return replace(answer, text=text)
