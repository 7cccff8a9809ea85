"""Market facts: funding rounds, prices, launches, status changes, acquisitions, investments,
partnerships and legal actions, read from one document's prose and table rows at ingest.

Pure rules, no model calls: a fact is a sentence (or row) with a trigger phrase ("raised $40
million", "cut the price of X from $0.12 to $0.08 per second", "paused the rollout in the EU"),
the names around it (kb.entities, the chunk's stored entity tags, capitalised names as a
fallback) and the date it states (kb.dates), else its article's date. "It" and "the company"
refer to the last company a sentence of the document was about; "the model", "the service"
to the last product named.

A statement that is negated or denied ("did not raise", "denied reports that...") gives no
fact; one that is hedged keeps its fact, marked: modality "forecast" ("could raise", "is
expected to") or "rumour" ("reportedly", "according to people familiar"). A stated future
commitment to spend or to buy ("will invest", "agreed to acquire") counts as stated.

Every table row also becomes a "row" fact (kb.tablerows reads the tables); a price-grid row
gives price facts and a funding-table row a funding fact as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kb.dates import stated_date
from kb.entities import (
    GENERIC,
    INVESTOR_SUFFIXES,
    ORG_SUFFIXES,
    VENDORS,
    entity_key,
    find_entities,
    org_head,
    untag,
)
from kb.rankings import vendor_of
from kb.tablerows import Money, TableReader, TableRow, currency_named, find_money
from kb.text import STOPWORDS, sentence_spans
from kb.types import Chunk
from kb.vocabulary import MONTH_RE, NOT_MODEL_WORDS

KINDS = (
    "funding",
    "price",
    "launch",
    "status",
    "acquisition",
    "investment",
    "partnership",
    "legal",
    "row",
)


@dataclass(frozen=True)
class MarketFact:
    """One market fact and the sentence or table row that states it.

    `entities` names what the fact is about, subject first: the company then its investors
    (funding), the product then its vendor (price, launch, status), acquirer then target,
    investor then target, the parties, plaintiff or authority then defendant (legal), the
    row's names (row). `fields` holds the kind's keys (see the module's tests), all present."""

    kind: str
    date: str | None
    dated_by: str  # "text" | "article" | ""
    entities: tuple[str, ...]
    fields: Mapping[str, Any]
    chunk: Chunk
    text: str
    start: int  # offset of `text` in chunk.text, -1 for the title
    modality: str = "stated"  # "stated" | "forecast" | "rumour"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "date": self.date,
            "dated_by": self.dated_by,
            "entities": list(self.entities),
            "fields": dict(self.fields),
            "modality": self.modality,
            "source": self.chunk.source,
            "title": self.chunk.title,
            "published": self.chunk.published,
            "page": self.chunk.page,
            "chunk_id": self.chunk.chunk_id,
            "text": self.text,
        }


# --- names in a sentence ----------------------------------------------------------------------

ORG_KINDS = ("vendor", "investor", "org")
_VERSION_WORDS = (
    r"Pro|Flash|Turbo|Fast|mini|nano|Mini|Nano|Ultra|Max|Lite|Plus|Sonnet|Opus|Haiku|Scout|"
    r"Maverick|Behemoth|Alpha|Beta|Preview|Instant|High|Large|Small"
)
_VERSIONED_NAME = re.compile(
    r"(?<![\w-])[A-Z][\w]*(?:[ -][A-Z][\w]*){0,2}[ -]v?\d+(?:\.\d+)?[a-z]?"
    rf"(?:[ -](?:{_VERSION_WORDS}))*(?![\w-])"
)
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w&.-]*[\w&]|[A-Z])(?:\s+(?:of\s+|&\s+|de\s+)?(?:[A-Z][\w&.-]*[\w&]|[A-Z]))*"  # noqa: E501
)
_SUFFIX_WORDS = ORG_SUFFIXES | INVESTOR_SUFFIXES | {"Pharma", "Telecom", "Logistics", "Airways"}
_NOT_NAMES = (
    GENERIC
    | STOPWORDS
    | {
        "it",
        "its",
        "the",
        "analysts",
        "investors",
        "shares",
        "lawyers",
        "critics",
        "developers",
        "customers",
        "users",
        "several",
        "most",
        "some",
        "none",
        "neither",
        "both",
        "unlike",
        "earlier",
        "later",
        "key",
        "why",
        "what",
        "who",
        "how",
        "part",
        "under",
        "according",
        "for",
        "at",
    }
)


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    name: str
    kind: str  # vendor | investor | org | model | place | person | leaderboard | ""


_REGIONS = {
    "united states": "United States",
    "u.s.": "United States",
    "us": "United States",
    "usa": "United States",
    "united kingdom": "United Kingdom",
    "u.k.": "United Kingdom",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "european union": "European Union",
    "e.u.": "European Union",
    "eu": "European Union",
    "europe": "Europe",
    "china": "China",
    "mainland china": "China",
    "japan": "Japan",
    "canada": "Canada",
    "india": "India",
    "italy": "Italy",
    "germany": "Germany",
    "france": "France",
    "netherlands": "Netherlands",
    "south korea": "South Korea",
    "korea": "South Korea",
    "switzerland": "Switzerland",
    "brazil": "Brazil",
    "australia": "Australia",
    "nordics": "Nordics",
    "asia": "Asia",
    "spain": "Spain",
    "norway": "Norway",
    "sweden": "Sweden",
    "denmark": "Denmark",
    "ireland": "Ireland",
    "singapore": "Singapore",
    "international": "international",
    "worldwide": "worldwide",
}
_REGION_RE = re.compile(
    r"(?<![\w.])(?:the\s+)?("
    + "|".join(
        re.escape(k).replace(r"\ ", r"\s+")
        for k in sorted(_REGIONS, key=len, reverse=True)
        if k not in ("us", "uk", "eu")
    )
    + r"|US|UK|EU)(?![\w])",
    re.IGNORECASE,
)


def _regions(text: str) -> list[str]:
    out: list[str] = []
    for m in _REGION_RE.finditer(text):
        word = m.group(1)
        if word.lower() in ("us", "uk", "eu") and not word.isupper():
            continue  # "us" the pronoun
        region = _REGIONS[re.sub(r"\s+", " ", word.lower())]
        if region not in out:
            out.append(region)
    return out


@dataclass
class _Doc:
    """What the whole document tells about names: tags by key, makers, folded spellings."""

    kinds: dict[str, str] = field(default_factory=dict)  # key -> kind from the stored tags
    spelled: dict[str, str] = field(default_factory=dict)  # key -> name as tagged
    makers: dict[str, str] = field(default_factory=dict)  # model key -> vendor
    heads: dict[str, str] = field(default_factory=dict)  # "corvid" -> "Corvid Labs"
    products: list[str] = field(default_factory=list)  # model names, longest first

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> _Doc:
        doc = cls()
        for chunk in chunks:
            for stored in chunk.entities:
                if stored.startswith("maker:"):
                    model, _, vendor = stored[6:].partition(">")
                    doc.makers.setdefault(entity_key(model), vendor)
                    continue
                e = untag(stored)
                if not e.name:
                    continue
                doc.kinds.setdefault(e.key, e.kind)
                doc.spelled.setdefault(e.key, e.name)
                if e.kind in ("vendor", "investor") and org_head(e.name):
                    doc.heads.setdefault(entity_key(org_head(e.name)), e.name)
                elif e.kind in ("vendor", "investor") and " " in e.name:
                    doc.heads.setdefault(entity_key(e.name.split()[0]), e.name)
                if e.kind == "model":
                    doc.products.append(e.name)
        doc.products.sort(key=len, reverse=True)
        return doc

    def fold(self, name: str) -> str:
        """The document's full spelling of a short name ("Corvid" -> "Corvid Labs", "Motion 2"
        -> "Tidewell Motion 2")."""
        key = entity_key(name)
        if key in self.heads:
            return self.heads[key]
        for product in self.products:
            pk = entity_key(product)
            if pk != key and pk.endswith(key) and len(key) >= 4 and re.search(r"\d", key):
                return product
        return name

    def vendor_of(self, product: str) -> str:
        key = entity_key(product)
        if key in self.makers:
            return self.makers[key]
        for model, vendor in self.makers.items():
            if key.startswith(model) and len(model) >= 3:
                return vendor
        return vendor_of(product) or ""


def _canonical(name: str) -> str:
    name = re.sub(r"['’]s?$", "", name.strip()).strip(" ,.;:")
    name = re.sub(r"^(?:The|the)\s+(?=[A-Z])", "", name) if not name.startswith("The New") else name
    return name


def _names(sentence: str, doc: _Doc, chunk: Chunk) -> list[Name]:
    """The names a sentence mentions, with their spans; the longest wins where they overlap."""
    found: list[Name] = []
    for e in find_entities(sentence):
        spellings = [e.name, *VENDORS.get(e.name, ())]
        for spelling in spellings:
            pattern = r"(?<![\w-])" + r"[\s\-]?".join(map(re.escape, re.split(r"[\s-]+", spelling)))
            for m in re.finditer(pattern + r"(?![\w-])", sentence):
                found.append(
                    Name(m.start(), m.end(), e.name, "org" if e.kind == "vendor" else e.kind)
                )
    for stored in chunk.entities:
        if stored.startswith("maker:"):
            continue
        e = untag(stored)
        if not e.name or e.name.split()[0] not in sentence:
            continue
        pattern = r"(?<![\w-])" + r"[\s\-]?".join(map(re.escape, re.split(r"[\s-]+", e.name)))
        for m in re.finditer(pattern + r"(?![\w-])", sentence):
            kind = "org" if e.kind in ("vendor",) else e.kind
            found.append(Name(m.start(), m.end(), _canonical(e.name), kind))
    for m in _VERSIONED_NAME.finditer(sentence):
        first = m.group(0).split()[0].split("-")[0]
        if (
            first in NOT_MODEL_WORDS
            or re.fullmatch(MONTH_RE, first, re.I)
            or first
            in (
                "Series",
                "Phase",
                "Q",
                "Table",
                "No",
                "SB",
                "FY",
            )
        ):
            continue
        if re.search(MONTH_RE, m.group(0), re.I) or re.match(
            r"\s*(?:million|billion|trillion|thousand|per\b|%|euros|dollars)", sentence[m.end() :]
        ):
            continue
        found.append(Name(m.start(), m.end(), m.group(0), "model"))
    for m in _CAPITALISED_RUN.finditer(sentence):
        words = m.group(0).split()
        while words and words[0].lower().strip("'’s") in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        text = " ".join(words)
        start = m.start() + m.group(0).find(words[0])
        if re.fullmatch(MONTH_RE + r".*", text, re.I) or text.lower() in _NOT_NAMES:
            continue
        if words[-1] in _SUFFIX_WORDS and len(words) >= 2:
            kind = "investor" if words[-1] in INVESTOR_SUFFIXES else "org"
        else:
            kind = ""
        found.append(Name(start, start + len(text), _canonical(text), kind))
    found.sort(key=lambda n: (n.start, -(n.end - n.start), n.kind == ""))
    out: list[Name] = []
    for n in found:
        if out and n.start < out[-1].end:
            prev = out[-1]
            if n.start == prev.start and n.end == prev.end and not prev.kind and n.kind:
                out[-1] = n
            continue
        name = doc.fold(n.name)
        kind = n.kind or doc.kinds.get(entity_key(name), "")
        if kind == "vendor":
            kind = "org"
        if not kind and _regions(n.name):
            kind = "place"
        out.append(Name(n.start, n.end, name, kind))
    return out


# --- modality, negation, clauses, dates -------------------------------------------------------

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
    r"\b(?:could|might|(?-i:may)|would|will|shall|expected to|expects? to|likely to|plans? to|planned "  # noqa: E501
    r"to|planning to|aims? to|intends? to|set to|due to|hopes? to|wants? to|poised to|"
    r"considering|to be)\b",
    re.I,
)
_BOUNDARY = re.compile(
    r";|:\s|,\s+(?:and|but|while|whereas|although|though|ending|after)\b|\s+but\s+"
)


def _clause(sentence: str, a: int, b: int) -> tuple[int, int]:
    """The clause around sentence[a:b]: from the boundary before it to the one after it."""
    start = 0
    for m in _BOUNDARY.finditer(sentence, 0, a):
        start = m.end()
    after = _BOUNDARY.search(sentence, b)
    return start, after.start() if after else len(sentence)


def _modality(
    sentence: str, a: int, b: int, *, committed: bool = False, negation_ok: bool = False
) -> str | None:
    """ "stated", "forecast", "rumour", or None when the statement is negated or denied."""
    start, _ = _clause(sentence, a, b)
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


def _date_in(text: str, published: str | None) -> str | None:
    date = stated_date(text, published)
    if date:
        return date
    if m := _QUARTER.search(text):
        return m.group(1)
    if m := _YEAR.search(text):
        return m.group(1)
    return None


def _date(sentence: str, a: int, b: int, chunk: Chunk) -> tuple[str | None, str]:
    """The date of the statement at sentence[a:b]: its clause's, else the sentence's, else the
    article's."""
    start, end = _clause(sentence, a, b)
    for part in (sentence[a:end], sentence[start:a], sentence):
        if date := _date_in(part, chunk.published):
            return date, "text"
    if chunk.published:
        return chunk.published, "article"
    return None, ""


# --- who a sentence is about ------------------------------------------------------------------

_LEAD = re.compile(
    r"^(?:(?:On|In|By|Since|As of|Earlier|Later|Meanwhile|Separately|Also|After|Before|From|"
    r"Until|Last|This|Within|Unlike)\b[^,]{0,60},\s*)"
)
_PRONOUN_START = re.compile(
    r"^(?:It|Its|They|The (?:[\w-]+ ){0,3}?(?:company|startup|firm|lab|group|developer|maker|"
    r"business|chipmaker|vendor|provider))\b"
)
_PRONOUN = re.compile(
    r"\b(?:it|its|the (?:[\w-]+ ){0,2}?(?:company|startup|firm|lab|developer|maker))\b", re.I
)
_PRODUCT_REF = re.compile(
    r"\b(?:it|the (?:new |updated )?(?:model|service|app|feature|chatbot|tool|product|system|"
    r"plan|models))\b",
    re.I,
)


@dataclass
class _Context:
    company: str = ""
    product: str = ""


def _plausible(n: Name, sentence: str) -> bool:
    """An unknown capitalised opener is a name only if it looks like one ("SSI raised", "Kairo
    Silicon said"), not a capitalised word ("Availability in", "Blocked, paused")."""
    if n.kind:
        return True
    return (
        len(n.name.split()) >= 2
        or n.name.isupper()
        or bool(
            re.match(
                r"\s+(?:has |had |have |is |was |also |then )?[a-z]+(?:ed|s)\b", sentence[n.end :]
            )
        )
    )


def _lead_name(sentence: str, names: list[Name]) -> Name | None:
    """The name a sentence opens with (after "On May 2, 2025,"): its grammatical subject."""
    lead = _LEAD.match(sentence)
    offset = lead.end() if lead else 0
    # "Italy's data protection authority, the Garante, ..." -> the Garante
    appositive = re.match(
        r"[A-Z][\w ]*['’]s (?:[a-z][\w-]* ){1,4}?[a-z][\w-]*, (?:the )?", sentence[offset:]
    )
    if appositive:
        offset += appositive.end()
    for n in names:
        if n.start < offset:
            continue
        head = sentence[offset : n.start].strip()
        if (
            head in ("", "The", "the")
            and n.kind not in ("place", "person")
            and _plausible(n, sentence)
            or (
                head in ("", "The")
                and n.kind == "place"
                and sentence[n.end : n.end + 2] in ("'s", "’s")
            )
        ):
            return n
        return None
    return None


def _subject(sentence: str, names: list[Name], a: int, ctx: _Context, kinds=ORG_KINDS) -> str:
    """The company a statement at sentence[a:] is by: the sentence's opening name, else a
    pronoun's referent, else the nearest name before it."""
    rel = [
        n
        for n in names
        if n.kind in (*kinds, "")
        and re.fullmatch(r",?\s+which\s+(?:had\s+|has\s+|have\s+)?", sentence[n.end : a])
    ]
    if rel:
        return rel[-1].name
    lead = _lead_name(sentence, names)
    if lead and lead.start < a and (lead.kind in kinds or lead.kind in ("", "place")):
        return lead.name
    if lead and lead.start < a and lead.kind == "model":
        return ""
    if _PRONOUN_START.match(sentence[(_LEAD.match(sentence) or re.match("", sentence)).end() :]):
        return ctx.company
    before = [n for n in names if n.end <= a and n.kind in kinds]
    start, _ = _clause(sentence, a, a)
    in_clause = [n for n in before if n.start >= start]
    if in_clause:
        return in_clause[-1].name
    if _PRONOUN.search(sentence[start:a]):
        return ctx.company
    return before[-1].name if before else ""


def _products(names: list[Name], a: int = 0, b: int | None = None) -> list[Name]:
    return [n for n in names if n.kind == "model" and n.start >= a and (b is None or n.end <= b)]


def _vendor(product: str, subject: str, doc: _Doc, ctx: _Context) -> str:
    return doc.vendor_of(product) if product and doc.vendor_of(product) else subject or ctx.company


_NAME_LIST = r"(?P<names>(?:the\s+)?[A-Z][\w&.'’-]*(?:\s+(?:[A-Z&][\w&.'’-]*|of))*(?:(?:,\s*|,?\s+and\s+)(?:the\s+)?[A-Z][\w&.'’-]*(?:\s+(?:[A-Z&][\w&.'’-]*|of))*)*)"  # noqa: E501


def _split_names(text: str, doc: _Doc) -> list[str]:
    out = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
        part = _canonical(part)
        if not part or part.lower() in _NOT_NAMES or re.match(r"Series\b", part):
            continue
        canon = next((e.name for e in find_entities(part) if e.kind == "vendor"), "")
        out.append(doc.fold(canon if canon and entity_key(canon) == entity_key(part) else part))
    return out


def _fields(kind: str, **values: Any) -> dict[str, Any]:
    keys = {
        "funding": (
            "company",
            "round",
            "amount",
            "amount_text",
            "currency",
            "valuation",
            "valuation_text",
            "investors",
        ),
        "price": (
            "product",
            "vendor",
            "value",
            "currency",
            "unit",
            "old_value",
            "change_pct",
            "price_text",
        ),
        "launch": ("vendor", "product", "version", "region", "platform", "action"),
        "status": ("product", "vendor", "status", "region", "reason"),
        "acquisition": ("acquirer", "target", "amount", "amount_text", "currency"),
        "investment": ("investor", "target", "amount", "amount_text", "currency", "purpose"),
        "partnership": ("parties", "purpose"),
        "legal": (
            "action",
            "plaintiff",
            "defendant",
            "amount",
            "amount_text",
            "currency",
            "topic",
            "outcome",
        ),
        "row": ("table", "columns", "cells", "name", "numbers"),
    }[kind]
    empty: dict[str, Any] = {
        "investors": [],
        "parties": [],
        "columns": [],
        "cells": {},
        "numbers": {},
    }
    out = {}
    for k in keys:
        v = values.get(k)
        if v is None:
            v = empty.get(
                k, None if k in ("amount", "valuation", "value", "old_value", "change_pct") else ""
            )
        out[k] = v
    return out


@dataclass
class _Found:
    kind: str
    a: int  # trigger span in the sentence
    b: int
    fields: dict[str, Any]
    entities: tuple[str, ...]
    committed: bool = False
    negation_ok: bool = False


def _money_fields(m: Money | None) -> dict[str, Any]:
    if m is None:
        return {"amount": None, "amount_text": "", "currency": ""}
    return {"amount": m.value, "amount_text": m.text, "currency": m.currency}


# --- the kinds, from prose --------------------------------------------------------------------

_FILLER = r"(?:(?:a|an|its|the|about|roughly|around|nearly|almost|more than|over|at least|some|a further|another|an additional|a total of|up to|further|new)\s+)*"  # noqa: E501
_RAISE = re.compile(
    rf"\b(?:rais(?:ed|es|e|ing)|secured|secures|landed|pulled in|took in|brought in)\s+{_FILLER}(?=[$€£¥]|(?:USD|EUR|GBP)\s?\d|\d[\d.,]*\s?(?:million|billion|[mbMB])?\s?(?:euros|dollars|pounds))"  # noqa: E501
)
_CLOSED = re.compile(
    rf"\b(?:closed|closes|completed|announced|finali[sz]ed)\s+{_FILLER}(?=[$€£¥]|(?:USD|EUR|GBP)\s?\d)"  # noqa: E501
)
_RAISE_ROUND = re.compile(
    r"\brais(?:ed|es|ing)\s+(?:a|an|its|the)\s+(?:new\s+)?(?=Series [A-K]\b|seed\b)|\brais(?:ed|es|ing|e)\s+(?:money|funds|capital)\b"  # noqa: E501
)
_RAISE_FUTURE = re.compile(
    r"\b(?:to|could|would|will|may|might)\s+raise\b(?!\s+(?:the\s+|its\s+|their\s+)?(?:price|prices|rates?|concerns?|questions?|capital spending))"  # noqa: E501
)
_ROUND = re.compile(
    r"\b(Series [A-K]\d?\b(?: extension)?|pre-seed|seed)(?= round| funding| financing|\b)"
)
_VALUATION_BEFORE = re.compile(
    r"(?:valu(?:ation|ed|ing)\b[^$€£.;]{0,30}|at a (?:post-money |pre-money )?)$", re.I
)
_VALUATION_AFTER = re.compile(r"^\s*(?:post-money |pre-money )?valuation", re.I)
_INVESTORS = [
    re.compile(
        r"\b(?:co-led by|led by|backed by|investors? (?:including|such as|like)|participation (?:from|of)|funding from|investment from|from investors including)\s+"  # noqa: E501
        + _NAME_LIST
    ),
    re.compile(
        r"\bwith\s+" + _NAME_LIST + r"\s+(?:as co-leads|also investing|participating|joining)"
    ),
]
_LED_ROUND = re.compile(
    r"^(?:The|Its|This) (?:\w+ )?(?:round|raise|financing) was (?:co-)?led by\s+" + _NAME_LIST
)


def _funding(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    money = find_money(sentence)
    trigger = None
    amount: Money | None = None
    for pattern in (_RAISE, _CLOSED):
        for m in pattern.finditer(sentence):
            after = [x for x in money if x.start == m.end()]
            if not after:
                continue
            if pattern is _CLOSED and not re.match(
                r"\s*(?:[\w-]+\s+){0,3}?(?:round|raise|financing|funding)", sentence[after[0].end :]
            ):
                continue
            trigger, amount = m, after[0]
            break
        if trigger:
            break
    if trigger is None:
        trigger = _RAISE_ROUND.search(sentence) or _RAISE_FUTURE.search(sentence)
        if trigger is None:
            return []
    a, b = trigger.start(), trigger.end()
    if (
        amount is None
        and trigger.re is _RAISE_FUTURE
        and not re.search(r"\b(?:round|funding|money|capital|again)\b", sentence[b : b + 60])
    ):
        return []
    company = _subject(sentence, names, a, ctx)
    if not company:
        return []
    future = trigger.re is _RAISE_FUTURE
    rounds = [m for m in _ROUND.finditer(sentence) if m.start() >= a] or (
        [] if future else list(_ROUND.finditer(sentence))
    )
    rnd = rounds[0].group(1) if rounds else ""
    valuation = None
    for m in money:
        if m is amount:
            continue
        if _VALUATION_BEFORE.search(
            sentence[max(0, m.start - 40) : m.start]
        ) or _VALUATION_AFTER.match(sentence[m.end :]):
            valuation = m
            break
    investors: list[str] = []
    for pattern in [] if future else _INVESTORS:
        for m in pattern.finditer(sentence):
            for name in _split_names(m.group("names"), doc):
                if name not in investors and entity_key(name) != entity_key(company):
                    investors.append(name)
    fields = _fields(
        "funding",
        company=company,
        round=rnd,
        **_money_fields(amount),
        valuation=valuation.value if valuation else None,
        valuation_text=valuation.text if valuation else "",
        investors=investors,
    )
    if amount is None and valuation is not None:
        fields["currency"] = valuation.currency
    return [_Found("funding", a, b, fields, (company, *investors))]


_UNIT = re.compile(
    r"^\s*(?:per|a|an|/|each|for each)\s*(?P<unit>"
    r"(?:1M|1 ?million|million|one million|M)\s+(?:(?P<io>input|output|prompt|completion)\s+)?(?:tokens?|characters)"  # noqa: E501
    r"|(?:1,000|1K|1k|thousand|one thousand)\s+(?:(?P<io2>input|output)\s+)?(?:tokens?|characters)"
    r"|(?:[\w-]+\s+){0,2}?(?:second|minute|hour|image|month|year|request|call|query|seat|user|page|task|GB|TB|clip|video)s?"  # noqa: E501
    r"(?:\s+(?:of\s+(?:generated\s+)?(?:video|audio)|per\s+(?:call leg|month|user|year)))?)(?![\w-])",  # noqa: E501
    re.I,
)
_PRICE_CUT = re.compile(
    r"\b(?:cut|cuts|lower(?:ed|s)?|reduc(?:ed|es|tion)|slash(?:ed|es)?|fell|falls|drop(?:ped|s)?|down|cheaper)\b",  # noqa: E501
    re.I,
)
_PRICE_RISE = re.compile(r"\b(?:rais(?:ed|es)|rose|rises|increas(?:ed|es)|hik(?:ed|es)|up)\b", re.I)
_PERCENT = re.compile(r"(?:by\s+)?([+\-−]?\d+(?:\.\d+)?)\s?%")


def _unit(m: re.Match[str]) -> str:
    unit = " ".join(m["unit"].split())
    low = unit.lower()
    io = (m["io"] or m["io2"] or "").lower()
    io = {"prompt": "input", "completion": "output"}.get(io, io)
    if "token" in low or "character" in low:
        thing = "tokens" if "token" in low else "characters"
        scale = "1K" if re.match(r"(?:1,000|1k|thousand|one thousand)", low) else "1M"
        return f"{scale} {io + ' ' if io else ''}{thing}"
    for plain in ("second", "minute", "image", "month", "year", "request"):
        if re.fullmatch(rf"{plain}s?(?: of .*)?", low):
            return plain
    return unit


def _price(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    money = find_money(sentence)
    if not money:
        return []
    priced: list[tuple[Money, str, re.Match[str] | None]] = []
    for i, m in enumerate(money):
        u = _UNIT.match(sentence[m.end :])
        if u:
            priced.append((m, _unit(u), u))
        elif i + 1 < len(money) and re.fullmatch(r"\s*to\s*", sentence[m.end : money[i + 1].start]):
            continue  # "from $0.12 to $0.08 per second": the unit follows the second amount
    if not priced:
        return []
    found = []
    olds: list[float] = []
    down_from = re.search(r"\b(?:down|up) from\s+((?:[^,.;]|\.\d)+)", sentence)
    if down_from:
        olds = [m.value for m in find_money(down_from.group(1))]
        start = down_from.start(1)
        priced = [p for p in priced if p[0].start < start]
    last_product, last_end = "", 0
    for idx, (m, unit, u) in enumerate(priced):
        end = m.end + (u.end() if u else 0)
        old = None
        pre = sentence[max(0, m.start - 40) : m.start]
        frm = re.search(r"\bfrom\s+$|\bto\s+$", pre)
        if frm and frm.group(0).startswith("to"):
            prev = [
                x
                for x in money
                if x.end <= m.start
                and re.fullmatch(r"\s*(?:per [\w ]+?)?\s*to\s+", sentence[x.end : m.start])
            ]
            if prev:
                old = prev[-1].value
        if old is None and olds and idx < len(olds):
            old = olds[idx]
        if old is None and (
            prev_m := re.match(r"\s*\(?(?:previously|was|from)\s+", sentence[end:])
        ):
            nxt = [x for x in money if x.start == end + prev_m.end()]
            old = nxt[0].value if nxt else None
        if unit == "1M tokens" and (
            io := re.findall(r"\b(input|output)\b", sentence[max(0, m.start - 80) : m.start])
        ):
            unit = f"1M {io[-1]} tokens"
        clause_a, clause_b = _clause(sentence, m.start, end)
        pct = None
        for p in _PERCENT.finditer(sentence[clause_a:clause_b]):
            pct = float(p.group(1).replace("−", "-"))
        if pct is None and idx == 0 and len(priced) <= 2:
            whole = list(_PERCENT.finditer(sentence))
            pct = float(whole[0].group(1).replace("−", "-")) if len(whole) == 1 else None
        if pct is not None and pct > 0:
            cut = _PRICE_CUT.search(sentence)
            rise = _PRICE_RISE.search(sentence)
            if cut and not (rise and rise.start() < cut.start()):
                pct = -pct
            elif not rise and old is None:
                pct = None  # "64% of problems": not a change in price
        if pct is None and old:
            pct = round((m.value - old) / old * 100, 1)
        # the product: "for X" after the price, else the nearest named before it, else after
        product = ""
        after_for = re.match(r"\s+(?:for|on)\s+(?:the\s+)?", sentence[end:])
        following = [n for n in _products(names) if after_for and n.start == end + after_for.end()]
        priced_named = re.search(
            r"\bpriced\s+(?P<p>[A-Z\w][\w.-]*(?:\s[A-Z][\w.-]*)?)\s+(?:,[^,]*,\s*)?at\s*$",
            sentence[: m.start],
        )
        before = _products(names, 0, m.start)
        if following:
            product = following[0].name
        elif priced_named and not before:
            product = doc.fold(priced_named.group("p"))
        elif before:
            product = before[-1].name
        elif after := _products(names, m.end):
            product = after[0].name
        elif _PRODUCT_REF.search(sentence[: m.start]):
            product = ctx.product
        if last_product and not _products(names, last_end, m.start) and not following:
            product = last_product  # "priced R1 at $0.55 ... and $2.19 ...": the same product
        if not product:
            continue
        last_product, last_end = product, end
        subject = _subject(sentence, names, m.start, ctx)
        vendor = _vendor(product, subject, doc, ctx)
        fields = _fields(
            "price",
            product=product,
            vendor=vendor,
            value=m.value,
            currency=m.currency,
            unit=unit,
            old_value=old,
            change_pct=pct,
            price_text=sentence[m.start : end].strip(),
        )
        found.append(
            _Found("price", m.start, end, fields, tuple(x for x in (product, vendor) if x))
        )
    return found


_LAUNCH = re.compile(
    r"\b(?P<v>launch(?:ed|es)?|releas(?:ed|es|e)|unveil(?:ed|s)?|introduc(?:ed|es)|debut(?:ed|s)|"
    r"rolled out|rolls out|started shipping|starts shipping|ship(?:ped|s)|open-sourced|"
    r"previewed|previews|showed|shows|presented|announced|announces|"
    r"made (?:\w+ )?generally available|general availability of)\b"
)
_ACTIONS = [
    (re.compile(r"generally available|general availability", re.I), "generally available"),
    (re.compile(r"open-sourced|open weights|open-weight", re.I), "open-sourced"),
    (re.compile(r"preview|showed|shows|in beta|experimental", re.I), "previewed"),
    (re.compile(r"unveil|announc|present|introduc|debut", re.I), "unveiled"),
    (re.compile(r"releas", re.I), "released"),
]
_PLATFORM = re.compile(
    r"\b(?:through|via|on)\s+(?:the\s+|its\s+|an?\s+)?(?P<p>(?:[A-Z][\w.'’-]*|iOS|Android|API)(?:\s+(?:[A-Z][\w.'’-]*|API|app|apps|Marketplace|Studio))*(?:\s+(?:API|app))?)"  # noqa: E501
)


def _version(product: str) -> str:
    m = re.search(r"(?<![A-Za-z])v?(\d+(?:\.\d+)*[a-z]?)(?:\s|$|-)", product + " ")
    return m.group(1) if m else ""


def _platforms(text: str, regions: list[str]) -> str:
    out = []
    for m in _PLATFORM.finditer(text):
        p = m.group("p").strip()
        if _regions(p) or re.match(MONTH_RE, p, re.I) or p in ("Monday", "Sunday", "Saturday"):
            continue
        if p not in out:
            out.append(p)
    return ", ".join(out)


def _launch(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    found = []
    for m in _LAUNCH.finditer(sentence):
        a, b = m.start(), m.end()
        if re.match(
            r"\s+(?:a|its|the)?\s*(?:partnership|deal|integration|plan|cut|price|results?)\b",
            sentence[b:],
        ):
            continue
        _, end = _clause(sentence, a, b)
        stop = re.search(
            r",\s+(?:a|an|the|its|which|who|ten|one|two)\b|\s+(?:to|for|with)\s+(?:the\s+)?(?:public|subscribers|customers|users|developers)\b",  # noqa: E501
            sentence[b:end],
        )
        window_end = b + stop.start() if stop else end
        products = [
            n
            for n in _products(names, b, window_end)
            if not re.search(r"\bby\s+$", sentence[max(0, n.start - 4) : n.start])
        ]
        if products and products[0].start - b > 60:
            products = []
        if not products:
            # "Tidewell Motion 2 launched on ...", "Trillium, which it made generally available"
            start, _ = _clause(sentence, a, b)
            intransitive = re.match(r"launch|releas|debut|ship|made|roll", m.group("v"))
            just_before = [
                n
                for n in _products(names, start, a)
                if intransitive
                and re.fullmatch(
                    r"\s*(?:,\s*which\s+(?:it|\w+)\s+|(?:was|is|has been|were)\s+|(?:first\s+)?)",
                    sentence[n.end : a],
                )
            ]
            products = just_before[-1:]
        if not products:
            continue
        if m.group("v").startswith(("announc", "show", "present")) and not re.search(
            r"\d|[A-Z]{2}", products[0].name
        ):
            continue  # "announced Copilot features": a launch needs a named, versioned product
        subject = _subject(sentence, names, a, ctx)
        action = next((act for pat, act in _ACTIONS if pat.search(m.group("v"))), "launched")
        if "research preview" in sentence or re.search(r"\bpreview\b", sentence[b:end]):
            action = "previewed"
        tail = sentence[b:end]
        regions = [r for r in _regions(re.split(r"\bbut not\b", tail)[0])]
        for p in products:
            vendor = _vendor(p.name, subject if subject != p.name else "", doc, ctx)
            fields = _fields(
                "launch",
                vendor=vendor,
                product=p.name,
                version=_version(p.name),
                region=", ".join(regions),
                platform=_platforms(tail, regions),
                action=action,
            )
            found.append(_Found("launch", a, b, fields, tuple(x for x in (p.name, vendor) if x)))
        break
    return found


_STATUSES = [
    (
        "unavailable",
        r"not (?:yet |officially |publicly |currently )?available|unavailable|but not in",
    ),
    (
        "discontinued",
        r"discontinu(?:ed|es|e)|shut (?:down|off)|shuts down|retired|retires|retire|turn(?:ed|s)? off|withdr(?:ew|awn)|sunset(?:ted|s)?|pulled the plug on",  # noqa: E501
    ),
    ("paused", r"paus(?:ed|es|e)|suspend(?:ed|s)|halted|halts"),
    ("shelved", r"shelved|shelves"),
    (
        "restored",
        r"restor(?:ed|es)|returned to|re-?released|resumed|reinstated|came back|back online|re-?enabled",  # noqa: E501
    ),
    ("banned", r"bann(?:ed|s)|barred"),
    ("blocked", r"block(?:ed|s)"),
    ("delayed", r"delay(?:ed|s)|postpon(?:ed|es)|pushed back|held back"),
    (
        "available",
        r"(?:is|are|was|were|became|become|remains?|remained|now|generally|widely) available|available (?:now|today|starting|from)|made available",  # noqa: E501
    ),
]
_STATUS = re.compile("|".join(rf"(?P<{k}>\b(?:{p})\b)" for k, p in _STATUSES))
_REASON = re.compile(
    r"\b(?:after|because(?: of)?|over|due to|saying|citing|following|amid|while|until)\s+(?P<r>[^;]{6,160}?)(?=[.;]|, (?:and|but|while)\b|$)"  # noqa: E501
)


def _status(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    found = []
    for m in _STATUS.finditer(sentence):
        status = m.lastgroup or ""
        a, b = m.start(), m.end()
        start, end = _clause(sentence, a, b)
        if status == "unavailable" and m.group(0) == "but not in":
            products = _products(names, 0, a)[:1]
            end = len(sentence)
        else:
            after = [n for n in _products(names, b, end) if n.start - b < 50]
            before = _products(names, start, a)
            if status in ("available", "unavailable", "restored", "delayed", "blocked") and before:
                products = before[-1:]
            else:
                products = after[:1] or before[-1:]
        obj_pronoun = re.match(r"\s+(?:it|them)\b", sentence[b:])
        if obj_pronoun:
            earlier = _products(names, 0, a)
            product = earlier[0].name if earlier else ctx.product
        elif products:
            product = products[0].name
        elif (
            ctx.product
            and (
                re.match(
                    r"\s+(?:the|this) (?:model|service|app|feature|chatbot|tool|product)\b",
                    sentence[b:],
                )
                or re.match(
                    r"(?:the|this) (?:new |updated )?(?:model|service|app|feature|chatbot|tool|product)s?\b|it\b",  # noqa: E501
                    sentence[start:a].strip(),
                    re.I,
                )
            )
        ):
            product = ctx.product
        else:
            product = ""
        subject = _subject(sentence, names, a, ctx)
        if not product and not any(n.name == subject and n.kind in ORG_KINDS for n in names):
            continue
        if not product and status in ("available", "unavailable", "restored"):
            continue
        if (
            status == "available"
            and not _regions(sentence[b:end])
            and not re.search(r"\b(?:through|on|via|in)\b", sentence[b:end])
        ):
            continue
        region_text = (
            sentence[b:end]
            if status != "unavailable" or m.group(0) == "but not in"
            else sentence[a:end]
        )
        if status != "unavailable":
            region_text = re.split(r"\bbut not\b", region_text)[0]
        lead_region = [
            r
            for r in _regions(sentence[start:a])
            if re.search(r"\b(?:international|the E\.?U\.?|EU)\b", sentence[start:a])
        ]
        regions = _regions(region_text) or lead_region
        reason = _REASON.search(sentence, b)
        vendor = _vendor(product, subject if subject != product else "", doc, ctx)
        fields = _fields(
            "status",
            product=product,
            vendor=vendor,
            status=status,
            region=", ".join(regions),
            reason=reason.group("r").strip() if reason and status not in ("available",) else "",
        )
        negation_ok = status == "unavailable"
        committed = status == "delayed"
        found.append(
            _Found(
                "status",
                a,
                b,
                fields,
                tuple(x for x in (product, vendor) if x),
                committed,
                negation_ok,
            )
        )
    return found


_ACQUIRE = re.compile(
    r"\b(?:(?:agreed|agrees|agreeing|plans?|planned|offered|set|moved|decided|is to|was to) to (?:acquire|buy|purchase)|"  # noqa: E501
    r"to (?:acquire|buy|purchase)|acquir(?:ed|es)|bought|buys|purchased|completed (?:the|its) (?:acquisition|purchase) of|takeover of|acquisition of)\b"  # noqa: E501
)
_PASSIVE_ACQUIRE = re.compile(
    r"\b(?:(?:was|were|is|being|be|been|to be|had been) (?:acquired|bought|purchased)) by\b"
)


def _first_org(names: list[Name], a: int, b: int | None = None, skip: str = "") -> Name | None:
    for n in names:
        if (
            n.start >= a
            and (b is None or n.end <= b)
            and n.kind in (*ORG_KINDS, "", "model")
            and n.name != skip
        ):
            return n
    return None


def _acquisition(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    money = find_money(sentence)
    passive = _PASSIVE_ACQUIRE.search(sentence)
    m = passive or _ACQUIRE.search(sentence)
    if not m:
        return []
    a, b = m.start(), m.end()
    _, end = _clause(sentence, a, b)
    if passive:
        by = _first_org(names, b, end)
        acquirer = by.name if by else ""
        target = _subject(sentence, names, a, ctx)
    else:
        rel = re.search(
            r"\bwhich\s+(?P<who>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*|it)\s+(?:had\s+|has\s+)?$",
            sentence[max(0, a - 60) : a],
        )
        if rel:
            who = rel.group("who")
            acquirer = ctx.company if who == "it" else doc.fold(_canonical(who))
            first = _first_org(names, 0, a, skip=acquirer)
            target = first.name if first else ""
        else:
            acquirer = _subject(sentence, names, a, ctx)
            obj = _first_org(names, b, end)
            target = obj.name if obj and obj.start - b < 40 else ""
            if not target and re.match(r"\s+it\b", sentence[b:]):
                target = ctx.company
    if not acquirer or not target or entity_key(acquirer) == entity_key(target):
        return []
    price = next(
        (
            x
            for x in money
            if x.start > b
            and re.search(
                r"\bfor\s+(?:about\s+|up to\s+|roughly\s+)?$",
                sentence[max(0, x.start - 20) : x.start],
            )
        ),
        None,
    )
    fields = _fields("acquisition", acquirer=acquirer, target=target, **_money_fields(price))
    return [_Found("acquisition", a, b, fields, (acquirer, target), committed=True)]


_INVEST = re.compile(
    rf"\b(?:invest(?:ed|s|ing)?|spend(?:s|ing)?|committed|commits|pledged)\s+{_FILLER}(?=[$€£¥]|(?:USD|EUR|GBP)\s?\d)"  # noqa: E501
)
_INVEST_IN = re.compile(r"\binvest(?:ed|s|ing)?\s+(?:heavily\s+|\w+ly\s+)?in\s+(?=[A-Z])")
_BUILDOUT = re.compile(
    r"(?P<what>(?:(?:global|AI|cloud|new|data[- ]cent(?:re|er)|infrastructure|computing)\s+){1,4}(?:buildout|build-out|investment|expansion|spending plan|programme|program))\b"  # noqa: E501
)


def _investment(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    money = find_money(sentence)
    m = _INVEST.search(sentence)
    amount = None
    target = purpose = ""
    if m:
        amount = next((x for x in money if x.start == m.end()), None)
        a, b = m.start(), m.end()
        rest = sentence[amount.end if amount else b :]
        obj = re.match(
            r"\s+(?:in|into|on)\s+(?:a\s+|an\s+|the\s+|its\s+)?(?P<o>[^,.;]{3,90})", rest
        )
        if obj:
            o = obj.group("o").strip()
            o = re.split(
                r"\s+(?:over|by|in|from|during|through)\s+(?:the\s+)?(?:next|\d|its|20\d\d|"
                + MONTH_RE
                + r")",
                o,
            )[0]
            if o[:1].isupper() and not _regions(o.split()[0]):
                target = doc.fold(_canonical(re.split(r"\s+(?:to|for)\s+", o)[0]))
            else:
                purpose = o
    elif (m := _INVEST_IN.search(sentence)) is not None:
        a, b = m.start(), m.end()
        obj = _first_org(names, b)
        if obj is None or obj.start != b:
            return []
        target = obj.name
    else:
        build = _BUILDOUT.search(sentence)
        if not build:
            return []
        amount = next(
            (x for x in money if re.fullmatch(r"\s*", sentence[x.end : build.start()])), None
        )
        if amount is None:
            return []
        a, b = amount.start, build.end()
        purpose = build.group("what")
    investor = ""
    rel = re.search(
        r"(?P<t>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*),?\s+in which\s+(?:it|they|\w+)\s+(?:had\s+|has\s+)?$",  # noqa: E501
        sentence[:a],
    )
    if rel:
        target = doc.fold(_canonical(rel.group("t")))
        other = _first_org(names, 0, rel.start(), skip=target)
        investor = other.name if other else ctx.company
    else:
        investor = _subject(sentence, names, a, ctx)
        if (
            investor
            and (lead := _lead_name(sentence, names))
            and lead.kind == "model"
            and lead.name == investor
        ):
            investor = doc.vendor_of(investor) or ctx.company
        if not investor:
            lead = _lead_name(sentence, names)
            investor = (
                doc.vendor_of(lead.name) if lead and lead.kind == "model" else ""
            ) or ctx.company
    if not investor or (amount is None and not target):
        return []
    fields = _fields(
        "investment", investor=investor, target=target, **_money_fields(amount), purpose=purpose
    )
    return [
        _Found(
            "investment", a, b, fields, tuple(x for x in (investor, target) if x), committed=True
        )
    ]


_PARTNER = re.compile(
    r"\b(?:partner(?:ed|s|ing)?|team(?:s|ed)? up|collaborat(?:e|es|ed|ing)|"
    r"(?:partnership|alliance|collaboration|integration|joint venture|(?:supply|licensing|distribution) (?:agreement|deal)s?|deals?|agreements?))\s+with\s+"  # noqa: E501
)


def _partnership(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    m = _PARTNER.search(sentence)
    if not m:
        return []
    a, b = m.start(), m.end()
    if re.search(r"\b(?:talks|seek|negotiat)", sentence[max(0, a - 30) : a]):
        return []
    stop = re.search(r"\s+(?:to|which|that|who|under|for)\s+|[;.]", sentence[b:])
    end = b + (stop.start() if stop else len(sentence) - b)
    parties = [
        n.name
        for n in names
        if b <= n.start < end and n.kind in (*ORG_KINDS, "", "model") and not _regions(n.name)
    ]
    subject = _subject(sentence, names, a, ctx)
    if not subject or not parties:
        return []
    parties = [subject] + [p for p in parties if entity_key(p) != entity_key(subject)]
    purpose = ""
    if p := re.search(
        r"\b(?:to|which will|that will|who will|will)\s+(?P<p>[a-z][^.;]{3,140})", sentence[b:]
    ):
        purpose = p.group("p").strip()
    fields = _fields("partnership", parties=parties, purpose=purpose)
    return [_Found("partnership", a, b, fields, tuple(parties))]


_TOPICS = [
    ("copyright", r"copyright|pirated|infring"),
    ("privacy", r"privacy|personal data|data protection|users' data|GDPR"),
    ("antitrust", r"antitrust|competition law|monopol"),
    ("patent", r"patent"),
    ("defamation", r"defamation|libel"),
    ("trademark", r"trademark"),
    ("safety", r"safety"),
]
_LEGAL = [
    (
        "lawsuit",
        re.compile(
            r"\b(?:sued|sues|sue|suing)\s+|\b(?:filed|brought|brings|files)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:lawsuit|suit|complaint|class action)\s+against\s+|['’]s?\s+(?:lawsuit|suit)\s+against\s+"  # noqa: E501
        ),
    ),
    (
        "fine",
        re.compile(
            r"\bfined\s+|\bfines\s+(?=[A-Z])|\b(?:imposed|issued)\s+an?\s+(?=[$€£\d][^.]{0,30}fine\s+on)"  # noqa: E501
        ),
    ),
    (
        "settlement",
        re.compile(
            r"\b(?:agreed|agrees|to) (?:to )?pay\s+(?=[^.]{0,40}\bto settle\b)|\bsettled\s+(?:the|a|its)\s+"  # noqa: E501
        ),
    ),
    ("ruling", re.compile(r"\b(?:ruled|rules|found) that\s+")),
    ("order", re.compile(r"\bordered\s+(?=[A-Z])")),
    (
        "investigation",
        re.compile(
            r"\b(?:opened|launched|began|started|opens)\s+an?\s+(?:investigation|inquiry|probe)\s+into\s+|\binvestigating\s+(?=[A-Z])"  # noqa: E501
        ),
    ),
]


def _legal(sentence: str, names: list[Name], ctx: _Context, doc: _Doc) -> list[_Found]:
    found = []
    money = find_money(sentence)
    topic = next((t for t, p in _TOPICS if re.search(p, sentence, re.I)), "")
    for action, pattern in _LEGAL:
        m = pattern.search(sentence)
        if not m:
            continue
        a, b = m.start(), m.end()
        _, end = _clause(sentence, a, b)
        subject = _subject(sentence, names, a, ctx, kinds=(*ORG_KINDS, "place", "person", ""))
        if action == "lawsuit" and sentence[a] in "'’":
            before = [n for n in names if n.end <= a + 1]
            subject = before[-1].name if before else subject
        defendants = []
        stop = re.search(
            r"\s+(?:to|for|over|in|on|after|which|who|accusing)\s+|[;,.]\s", sentence[b:]
        )
        obj_end = b + (stop.start() if stop else len(sentence) - b)
        for n in names:
            if (
                b <= n.start <= obj_end + 1
                and n.kind in (*ORG_KINDS, "", "model", "person")
                and n.name != subject
            ):
                defendants.append(n.name)
        if action in ("settlement",):
            defendants, subject = [subject], ""
            by = re.search(
                r"\bbrought by\s+(?:the\s+)?(?P<p>[\w' -]{2,40}?)(?=\s+who|,|\.|$)", sentence
            )
            subject = by.group("p") if by else ""
        if action in ("lawsuit", "fine", "order", "investigation") and not defendants:
            continue
        if not subject and action not in ("settlement",):
            continue
        amount = (
            next((x for x in money if x.start >= b - 1), None)
            if action in ("fine", "settlement")
            else None
        )
        outcome = ""
        if action == "ruling":
            outcome = sentence[b:end].strip()
        elif action == "order":
            to = re.search(
                r"\bto\s+(?P<o>[^.;]+?)(?=\s+on\s+" + MONTH_RE + r"|[.;]|,\s|$)", sentence[b:]
            )
            outcome = to.group("o") if to else ""
        elif action == "settlement":
            outcome = "settled"
        fields = _fields(
            "legal",
            action=action,
            plaintiff=subject,
            defendant=" and ".join(defendants),
            **_money_fields(amount),
            topic=topic,
            outcome=outcome,
        )
        found.append(_Found("legal", a, b, fields, tuple(x for x in (subject, *defendants) if x)))
    case = re.search(
        r"\b(?P<p>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*) v\.? (?P<d>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*)",
        sentence,
    )
    if case and not found and re.search(r"\b(?:lawsuit|suit|case)\b", sentence):
        fields = _fields(
            "legal",
            action="lawsuit",
            plaintiff=case["p"],
            defendant=doc.fold(case["d"]),
            topic=topic,
        )
        found.append(
            _Found("legal", case.start(), case.end(), fields, (case["p"], doc.fold(case["d"])))
        )
    return found


_EXTRACTORS = (_funding, _price, _launch, _status, _acquisition, _investment, _partnership, _legal)
_TRIGGERS = re.compile(
    r"rais|secur|closed|complet|announc|finali|pric|cost|charg|pay|per\b|/|launch|releas|unveil|"
    r"introduc|debut|roll|ship|open-sourced|preview|show|present|available|discontinu|shut|"
    r"retir|turn|withdr|sunset|paus|suspend|halt|shelv|restor|return|resum|reinstat|back|"
    r"bann|barred|block|delay|postpon|acqui|bought|buy|purchas|takeover|invest|spend|commit|"
    r"pledg|buildout|partner|team|collaborat|deal|agreement|alliance|integration|sue|suing|"
    r"lawsuit|fine|settle|ruled|found that|order|investigat|probe|inquiry| v\.? ",
    re.I,
)


# --- the kinds, from table rows ---------------------------------------------------------------

_PRODUCT_COLUMNS = ("model", "product", "plan", "accelerator", "name", "service", "tier")
_VENDOR_COLUMNS = ("vendor", "developer", "company", "maker", "provider", "lab")


def _row_fact(row: TableRow, date: str | None, dated_by: str) -> MarketFact:
    numbers = row.numbers()
    names = [row.name] if row.name else []
    for col in (row.column(*_VENDOR_COLUMNS), row.column("investor", "lead")):
        if col and row.cells.get(col) and cell_is_name(row.cells[col]):
            names.extend(
                p.strip() for p in re.split(r",\s*|\s+and\s+", row.cells[col]) if p.strip()
            )
    fields = _fields(
        "row",
        table=row.table.caption,
        columns=list(row.columns),
        cells=dict(row.cells),
        name=row.name,
        numbers=numbers,
    )
    return MarketFact(
        "row", date, dated_by, tuple(dict.fromkeys(names)), fields, row.chunk, row.text, row.start
    )


def cell_is_name(cell: str) -> bool:
    return (
        bool(cell)
        and cell[0].isupper()
        and not find_money(cell)
        and not re.match(r"Series\b|n/a|N/A", cell)
    )


def _table_unit(header: str, context: str) -> str:
    """The unit a price column is in, from its header, else the table's caption and notes."""
    for text in (header, context):
        low = text.lower()
        io = (
            "input "
            if re.search(r"\binput\b", header, re.I)
            else "output "
            if re.search(r"\boutput\b", header, re.I)
            else ""
        )
        if re.search(r"(?:per |/ ?)?(?:1m|1 million|million|m) tokens|per million|per 1m", low):
            return f"1M {io}tokens"
        if re.search(r"(?:per |/ ?)(?:1k|1,000|thousand) tokens", low):
            return f"1K {io}tokens"
        for unit in ("second", "minute", "image", "month", "year", "request", "hour"):
            if re.search(rf"\bper {unit}\b|/ ?{unit}\b|\ba {unit}\b", low):
                return unit
    return ""


def _row_prices(
    row: TableRow, date: str | None, dated_by: str, doc: _Doc, ctx: _Context
) -> list[MarketFact]:
    name_col = row.column(*_PRODUCT_COLUMNS) or row.columns[0]
    product = re.sub(r"\s*\(.*?\)\s*$", "", row.cells.get(name_col, "")).strip()
    if not product:
        return []
    vendor_col = row.column(*_VENDOR_COLUMNS)
    vendor = row.cells.get(vendor_col, "") if vendor_col else ""
    vendor = vendor or doc.vendor_of(product) or ctx.company
    change_col = row.column("change", "cut", "difference")
    facts = []
    for col in row.columns:
        low = col.lower()
        if col in (name_col, vendor_col, change_col) or re.search(
            r"\b(?:old|previous|prior|was|before)\b", low
        ):
            continue
        if not re.search(r"\b(?:price|input|output|cost|fee|rate|per)\b|\bnew\b", low):
            continue
        money = find_money(row.cells[col])
        value = money[0].value if money else None
        if value is None:
            continue
        unit = _table_unit(col, row.table.context)
        if not unit:
            continue
        qualifier = "input" if "input" in low else "output" if "output" in low else ""
        old_col = next(
            (
                c
                for c in row.columns
                if re.search(r"\b(?:old|previous|prior|was|before)\b", c.lower())
                and (not qualifier or qualifier in c.lower())
            ),
            None,
        )
        old_money = find_money(row.cells[old_col]) if old_col else []
        old = old_money[0].value if old_money else None
        pct = None
        if change_col:
            change = row.cells[change_col]
            pcts = list(re.finditer(r"([+\-−]?\d+(?:\.\d+)?)\s?%\s*(\w+)?", change))
            chosen = [p for p in pcts if qualifier and p.group(2) == qualifier] or pcts[:1]
            if chosen:
                pct = float(chosen[0].group(1).replace("−", "-"))
        if pct is None and old:
            pct = round((value - old) / old * 100, 1)
        currency = money[0].currency or currency_named(col) or currency_named(row.table.context)
        fields = _fields(
            "price",
            product=product,
            vendor=vendor,
            value=value,
            currency=currency,
            unit=unit,
            old_value=old,
            change_pct=pct,
            price_text=row.cells[col],
        )
        facts.append(
            MarketFact(
                "price",
                date,
                dated_by,
                tuple(x for x in (product, vendor) if x),
                fields,
                row.chunk,
                row.text,
                row.start,
            )
        )
    return facts


def _row_funding(row: TableRow, date: str | None, dated_by: str) -> list[MarketFact]:
    company_col = row.column("company", "startup", "developer", "firm")
    amount_col = row.column("amount", "raised", "size", "round size", exclude=("valuation",))
    if not company_col or not amount_col:
        return []
    money = find_money(row.cells[amount_col])
    if not money:
        return []
    company = row.cells[company_col]
    valuation_col = row.column("valuation")
    valuation = find_money(row.cells[valuation_col]) if valuation_col else []
    round_col = row.column("round", "stage", "series")
    rnd = row.cells[round_col] if round_col else ""
    investors: list[str] = []
    investor_col = row.column("investor", "lead", "backer")
    if investor_col:
        cell = row.cells[investor_col]
        if re.match(r"(?:Series [A-K]\b|seed\b|pre-seed\b)", cell, re.I):
            rnd = rnd or cell
        elif cell_is_name(cell):
            investors = [p.strip() for p in re.split(r",\s*|\s+and\s+", cell) if p.strip()]
    fields = _fields(
        "funding",
        company=company,
        round=rnd,
        amount=money[0].value,
        amount_text=row.cells[amount_col],
        currency=money[0].currency,
        valuation=valuation[0].value if valuation else None,
        valuation_text=row.cells[valuation_col] if valuation else "",
        investors=investors,
    )
    return [
        MarketFact(
            "funding", date, dated_by, (company, *investors), fields, row.chunk, row.text, row.start
        )
    ]


def _table_facts(row: TableRow, doc: _Doc, ctx: _Context) -> list[MarketFact]:
    published = row.chunk.published
    own = row.date()
    if own:
        date, dated_by = own, "text"
    elif (caption := _date_in(row.table.caption, published)) is not None:
        date, dated_by = caption, "text"
    elif (intro := stated_date(row.table.intro, published)) is not None:
        date, dated_by = intro, "text"
    else:
        date, dated_by = published, "article" if published else ""
    facts = [_row_fact(row, date, dated_by)]
    facts += _row_funding(row, date, dated_by)
    if not any(f.kind == "funding" for f in facts):
        facts += _row_prices(row, date, dated_by, doc, ctx)
    return facts


# --- one document -----------------------------------------------------------------------------


def _sentence_facts(
    sentence: str, chunk: Chunk, start: int, ctx: _Context, doc: _Doc, names: list[Name]
) -> list[MarketFact]:
    facts = []
    for extract in _EXTRACTORS:
        for f in extract(sentence, names, ctx, doc):
            modality = _modality(
                sentence, f.a, f.b, committed=f.committed, negation_ok=f.negation_ok
            )
            if modality is None:
                continue
            date, dated_by = (
                _date(sentence, f.a, f.b, chunk)
                if start >= 0
                else (chunk.published, "article" if chunk.published else "")
            )
            entities = tuple(dict.fromkeys(e for e in f.entities if e))
            facts.append(
                MarketFact(
                    f.kind, date, dated_by, entities, f.fields, chunk, sentence, start, modality
                )
            )
    return facts


def _update(ctx: _Context, sentence: str, names: list[Name]) -> None:
    lead = _lead_name(sentence, names)
    if lead and lead.kind in (*ORG_KINDS, "") and not _regions(lead.name):
        ctx.company = lead.name
    elif lead and lead.kind == "place" and re.match(r"[A-Z][\w ]*['’]s ", sentence):
        pass
    products = _products(names)
    if products:
        ctx.product = products[-1].name


def _attach_investors(facts: list[MarketFact], sentence: str, doc: _Doc) -> None:
    """ "The round was led by X, with Y as co-leads": the investors of the round just named."""
    m = _LED_ROUND.match(sentence)
    if not m:
        return
    for i in range(len(facts) - 1, -1, -1):
        f = facts[i]
        if f.kind == "funding" and not f.fields["investors"]:
            investors = _split_names(m.group("names"), doc)
            for pattern in _INVESTORS[1:]:
                for extra in pattern.finditer(sentence):
                    investors += [
                        n for n in _split_names(extra.group("names"), doc) if n not in investors
                    ]
            fields = {**f.fields, "investors": investors}
            facts[i] = replace(f, fields=fields, entities=(f.entities[0], *investors))
            return


def _key(f: MarketFact) -> tuple:
    main = {
        "funding": ("amount",),
        "price": ("value", "unit"),
        "launch": ("action",),
        "status": ("status",),
        "acquisition": ("amount",),
        "investment": ("amount",),
        "partnership": (),
        "legal": ("action",),
    }.get(f.kind, ())
    return (
        f.kind,
        entity_key(f.entities[0]) if f.entities else "",
        *(f.fields.get(k) for k in main),
    )


def extract_facts(chunks: Sequence[Chunk]) -> list[MarketFact]:
    """All market facts of ONE document, its chunks given in order: prose and table rows of
    every chunk, and the title (facts the body states again are kept from the body only).
    Overlapping chunks repeat sentences; each sentence and row is read once."""
    if not chunks:
        return []
    doc = _Doc.of(chunks)
    ctx = _Context()
    reader = TableReader()
    facts: list[MarketFact] = []
    seen: set[str] = set()
    rows: list[tuple[int, TableRow, _Context]] = []
    for chunk in chunks:
        for line in re.finditer(r"[^\n]+", chunk.text):
            row = reader.line(
                line.group(0),
                chunk,
                line.start() + (len(line.group(0)) - len(line.group(0).lstrip())),
            )
            if row is not None:
                if row.text not in seen:
                    seen.add(row.text)
                    rows.append((len(facts), row, _Context(ctx.company, ctx.product)))
                continue
            if "|" in line.group(0):
                continue
            for a, b in sentence_spans(chunk.text, line.start(), line.end()):
                sentence = chunk.text[a:b]
                if sentence in seen:
                    continue
                seen.add(sentence)
                if not _TRIGGERS.search(sentence) and not re.search(r"[A-Z]", sentence[1:]):
                    continue
                names = _names(sentence, doc, chunk)
                if _TRIGGERS.search(sentence):
                    facts += _sentence_facts(sentence, chunk, a, ctx, doc, names)
                    _attach_investors(facts, sentence, doc)
                _update(ctx, sentence, names)
    # table rows are turned into facts once the whole document is read: a table's unit or
    # currency is often stated in the note below it
    table_facts = [(at, _table_facts(row, doc, row_ctx)) for at, row, row_ctx in rows]
    merged: list[MarketFact] = []
    cursor = 0
    for at, found in table_facts:
        merged += facts[cursor:at]
        cursor = max(cursor, at)
        merged += found
    merged += facts[cursor:]
    title = chunks[0].title
    if title and title not in seen:
        title_ctx = _Context()
        names = _names(title, doc, chunks[0])
        body = {_key(f) for f in merged}
        for f in _sentence_facts(title, chunks[0], -1, title_ctx, doc, names):
            if _key(f) not in body:
                merged.insert(0, f)
    return merged


__all__ = ["KINDS", "MarketFact", "extract_facts"]
