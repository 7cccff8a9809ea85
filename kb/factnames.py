"""Names in a sentence, for market facts (kb.marketfacts): products, companies, places and
who a statement is by.

Names come from kb.entities, the chunk's stored entity tags and capitalised runs as a
fallback; `DocNames` holds what the whole document says about them (kinds, makers, full
spellings of short names) and `Referents` the company and product "it" and "the model"
refer to as the document is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kb.embedders import english_words
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
from kb.factclauses import clause_span
from kb.modelnames import MODEL_SHAPE, model_shaped
from kb.rankings import vendor_of
from kb.text import SPEAKER_TURN, STOPWORDS
from kb.types import Chunk
from kb.vocabulary import MONTH_RE

ORG_KINDS = ("vendor", "investor", "org")
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w&.-]*[\w&]|[A-Z])(?:\s+(?:of\s+|&\s+|de\s+)?(?:[A-Z][\w&.-]*[\w&]|"
    r"[A-Z]))*"
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


def regions_in(text: str) -> list[str]:
    out: list[str] = []
    for m in _REGION_RE.finditer(text):
        word = m.group(1)
        if word.lower() in ("us", "uk", "eu") and not word.isupper():
            continue  # "us" the pronoun
        region = _REGIONS[re.sub(r"\s+", " ", word.lower())]
        if region not in out:
            out.append(region)
    return out


# Products the way articles name them without a version number: by the noun around the name
# ("its Reel Remix feature", "the face-swapping app Kinto Face", "its chat assistant, Sartori
# Chat,") or by an edition word at its end ("Larkspur Pro", "Ombra Voice API").
_PRODUCT_NOUN = (
    r"(?:app|apps|feature|features|assistant|chatbot|tool|service|plan|subscription|tier|"
    r"model|platform|product|bot|agent|editor|generator|API)"
)
_NAME_WORDS = r"[A-Z][\w.-]*[\w](?: (?:[A-Z0-9][\w.-]*[\w]|[A-Z0-9])){1,3}"
_NAME_BEFORE_NOUN = re.compile(
    rf"(?<![\w'’-])(?P<n>{_NAME_WORDS}) (?-i:{_PRODUCT_NOUN})(?:\b(?!['’-])|$)"
)
_NOUN_BEFORE_NAME = re.compile(
    rf"\b(?-i:{_PRODUCT_NOUN})(?: (?:for|of) [a-z][\w -]{{1,30}}?)?,? (?:called |named )?"
    rf"(?P<n>{_NAME_WORDS})(?![\w'’-])"
)
_NAME_RUN = re.compile(rf"(?<![\w'’.-])(?:{_NAME_WORDS})(?![\w'’-]| \d)")
_EDITION_WORDS = frozenset(
    ("Pro", "Plus", "Free", "Lite", "Max", "Mini", "Premium", "Enterprise", "API", "App")
    + ("Basic", "Starter", "Team", "Business")
)
_PRODUCT_BLOCKERS = frozenset(w.lower() for w in ("Series", "Table", "Figure", "Phase", "Page"))


def _product_shaped(name: str, curated: dict[str, str]) -> bool:
    """Whether a capitalised name can be a product: two words or more, not a known company, a
    place, a month or a company-suffixed name ("Ombra Cloud", "Oakfern Partners")."""
    words = name.split()
    if len(words) < 2 or words[0].lower() in _NOT_NAMES or words[0].lower() in _PRODUCT_BLOCKERS:
        return False
    if words[-1] in _SUFFIX_WORDS or regions_in(name) or re.match(MONTH_RE, words[0], re.I):
        return False
    return curated.get(entity_key(name)) not in ("vendor", "investor", "leaderboard", "place")


@dataclass
class DocNames:
    """What the whole document tells about names: tags by key, makers, folded spellings, and
    the names it calls products (`product_keys`) or shows to be companies though tagged as
    people (`org_keys`: "Tessel Studio" beside "Tessel Motion 2")."""

    kinds: dict[str, str] = field(default_factory=dict)  # key -> kind from the stored tags
    spelled: dict[str, str] = field(default_factory=dict)  # key -> name as tagged
    makers: dict[str, str] = field(default_factory=dict)  # model key -> vendor
    heads: dict[str, str] = field(default_factory=dict)  # "corvid" -> "Corvid Labs"
    products: list[str] = field(default_factory=list)  # model names, longest first
    product_keys: set[str] = field(default_factory=set)
    org_keys: set[str] = field(default_factory=set)

    def kind_of(self, name: str, kind: str) -> str:
        """A name's kind in this document: a product by its context, a company by its
        products' names, else `kind` as found."""
        key = entity_key(name)
        if key in self.product_keys and kind not in ("vendor", "investor", "leaderboard"):
            return "model"
        if kind == "person" and key in self.org_keys:
            return "org"
        return kind

    def _read_products(self, texts: Sequence[str]) -> None:
        curated: dict[str, str] = {}
        found: dict[str, str] = {}
        first_words: set[str] = set()
        for text in texts:
            for e in find_entities(text):
                curated.setdefault(e.key, e.kind)
        # each text's capitalised runs, canonical: read twice below (heads first, then products)
        runs = [[canonical(m.group(0)) for m in _NAME_RUN.finditer(text)] for text in texts]
        for names in runs:
            for name in names:
                words = name.split()
                if (
                    len(words) >= 2
                    and words[-1] in _SUFFIX_WORDS
                    and curated.get(entity_key(words[0])) != "vendor"
                ):
                    # "Ombra" is short for "Ombra Cloud", even where no tagger saw the company
                    self.heads.setdefault(entity_key(words[0]), " ".join(words))
        for text, names in zip(texts, runs, strict=True):
            for pattern in (_NAME_BEFORE_NOUN, _NOUN_BEFORE_NAME):
                for m in pattern.finditer(text):
                    name = canonical(m.group("n"))
                    if _product_shaped(name, curated):
                        found.setdefault(entity_key(name), name)
            for name in names:
                words = name.split()
                if words and words[-1] in _EDITION_WORDS and _product_shaped(name, curated):
                    found.setdefault(entity_key(name), name)
                elif (
                    len(words) >= 2
                    and (head := self.heads.get(entity_key(words[0])))
                    and not entity_key(head).startswith(entity_key(name))
                    and self.kinds.get(entity_key(name), "person") == "person"
                    and _product_shaped(name, curated)
                ):
                    # "Sartori Chat" in an article about Sartori Labs: named after its maker
                    found.setdefault(entity_key(name), name)
            for m in MODEL_SHAPE.finditer(text):
                first_words.add(m.group(0).split()[0])
        for key, name in found.items():
            self.product_keys.add(key)
            if name not in self.products:
                self.products.append(name)
            first_words.add(name.split()[0])
        product_keys = [entity_key(p) for p in self.products]
        for key, kind in self.kinds.items():
            if kind != "person" or key in self.product_keys:
                continue
            if any(p != key and p.startswith(key) for p in product_keys):
                self.product_keys.add(key)  # "Quenta Whisp" beside "Quenta Whisp 3": the family
            elif self.spelled[key].split()[0] in first_words and " " in self.spelled[key]:
                self.org_keys.add(key)  # "Tessel Studio" beside "Tessel Motion 2": the maker

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> DocNames:
        doc = cls()
        firsts: dict[str, str] = {}
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
                    firsts.setdefault(entity_key(e.name.split()[0]), e.name)
                if e.kind == "model":
                    doc.products.append(e.name)
        for key, name in firsts.items():
            # "Strathorn" for "Strathorn Studio" when nothing else is called Strathorn; not
            # "Wickbourne" for its product "Wickbourne Spot" when Wickbourne is a name itself
            if key not in doc.kinds:
                doc.heads.setdefault(key, name)
        doc._read_products([chunks[0].title, *(c.text for c in chunks)])
        doc.products.sort(key=len, reverse=True)
        return doc

    def fold(self, name: str) -> str:
        """The document's full spelling of a short name ("Corvid" -> "Corvid Labs", "Motion 2"
        -> "Tidewell Motion 2")."""
        key = entity_key(name)
        if key in self.heads:
            return self.heads[key]
        if len(key) < 4 or not re.search(r"\d", key):
            return name  # only a versioned name is a product's short form
        for product in self.products:
            pk = entity_key(product)
            if pk != key and pk.endswith(key):
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


@lru_cache(maxsize=8192)  # nine calls in ten repeat a name
def canonical(name: str) -> str:
    name = re.sub(r"['’]s?$", "", name.strip()).strip(" ,.;:")
    name = re.sub(r"^(?:The|the)\s+(?=[A-Z])", "", name) if not name.startswith("The New") else name
    return name


_AUDIENCE_BEFORE = re.compile(r"\b(?:to|for)\s+(?:the\s+)?$")
_AUDIENCE_AFTER = re.compile(
    r"(?:\s+and\s+[A-Z][\w-]*)?\s+(?:users|subscribers|customers|members)\b"
)


@lru_cache(maxsize=4096)
def _spelling(name: str) -> re.Pattern[str]:
    """A name as a whole word, its words joined by a space, a hyphen or nothing. Compiled
    once per name: built afresh per sentence, these patterns crowded the static ones out of
    `re`'s own cache of 512, which then recompiled them (a tenth of fact extraction)."""
    words = map(re.escape, re.split(r"[\s-]+", name))
    return re.compile(r"(?<![\w-])" + r"[\s\-]?".join(words) + r"(?![\w-])")


def names_in(sentence: str, doc: DocNames, chunk: Chunk) -> list[Name]:
    """The names a sentence mentions, with their spans; the longest wins where they overlap."""
    found: list[Name] = []
    for e in find_entities(sentence):
        spellings = [e.name, *VENDORS.get(e.name, ())]
        for spelling in spellings:
            for m in _spelling(spelling).finditer(sentence):
                found.append(
                    Name(m.start(), m.end(), e.name, "org" if e.kind == "vendor" else e.kind)
                )
    for stored in chunk.entities:
        if stored.startswith("maker:"):
            continue
        e = untag(stored)
        if not e.name or e.name.split()[0] not in sentence:
            continue
        for m in _spelling(e.name).finditer(sentence):
            kind = "org" if e.kind in ("vendor",) else e.kind
            found.append(Name(m.start(), m.end(), canonical(e.name), kind))
    for m in model_shaped(sentence):
        found.append(Name(m.start(), m.end(), m.group(0), "model"))
    for m in _CAPITALISED_RUN.finditer(sentence):
        words = m.group(0).split()
        while words and (
            words[0].lower().strip("'’s") in _NOT_NAMES or words[0].endswith(("-based", "-born"))
        ):
            words.pop(0)  # "Hyderabad-based Lipika Technologies" is Lipika Technologies
        if "of" in words[1:-1]:  # "Qingyun AI of Shenzhen": the company, then where it is
            at = words.index("of", 1)
            where = " ".join(words[at + 1 :])
            if words[at - 1] in _SUFFIX_WORDS and (
                regions_in(where) or doc.kinds.get(entity_key(where)) == "place"
            ):
                words = words[:at]
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
        found.append(Name(start, start + len(text), canonical(text), kind))
    found.sort(key=lambda n: (n.start, -(n.end - n.start), n.kind == ""))
    out: list[Name] = []
    for n in found:
        if sentence[n.end : n.end + 1] == "$":
            continue  # a currency's letters, not a name: "US$18 million", "CA$4 million"
        if out and n.start < out[-1].end:
            prev = out[-1]
            if n.start == prev.start and n.end == prev.end and not prev.kind and n.kind:
                out[-1] = n
            continue
        name = doc.fold(n.name)
        kind = doc.kind_of(name, n.kind or doc.kinds.get(entity_key(name), ""))
        if (
            kind == "model"
            and _AUDIENCE_BEFORE.search(sentence[: n.start])
            and (_AUDIENCE_AFTER.match(sentence[n.end :]))
        ):
            kind = ""  # "available to ChatGPT Pro and Team users": who gets it, not what it is
        if kind == "vendor":
            kind = "org"
        if not kind and regions_in(n.name):
            kind = "place"
        out.append(Name(n.start, n.end, name, kind))
    return out


# --- who a sentence is about

_LEAD = re.compile(
    # a transcript's speaker turn ("MK: ", "Marta Kelso: "; not a mail header's "From: "),
    # then a framing phrase
    rf"^(?:{SPEAKER_TURN.pattern}\s*)?"
    r"(?:(?:On|In|By|Since|As of|Earlier|Later|Meanwhile|Separately|Also|After|Before|From|"
    r"Until|Last|This|Within|Unlike)\b[^,]{0,60},\s*)?"
)
_PRONOUN_START = re.compile(
    r"^(?:It|Its|They|The (?:[\w-]+ ){0,3}?(?:company|startup|firm|lab|group|developer|maker|"
    r"business|chipmaker|vendor|provider))\b"
)
_PRONOUN = re.compile(
    r"\b(?:it|its|the (?:[\w-]+ ){0,2}?(?:company|startup|firm|lab|developer|maker))\b", re.I
)
PRODUCT_REF = re.compile(
    r"\b(?:it|the (?:new |updated )?(?:model|service|app|feature|chatbot|tool|product|system|"
    r"plan|models))\b",
    re.I,
)


@dataclass
class Referents:
    company: str = ""
    product: str = ""
    authority: str = ""  # the last court or regulator that acted: "the board", "the regulator"
    place: str = ""  # the last place a status held in: what "there" means
    # in a conversation (an interview, an AMA, a call), the company it is with: what a
    # speaker's unattributed "a $48m Series B" is of
    host: str = ""


def plausible(n: Name, sentence: str) -> bool:
    """An unknown capitalised opener is a name only if it looks like one ("SSI raised", "Kairo
    Silicon said"), not a capitalised word ("Availability in", "Blocked, paused", "Input
    stays")."""
    if n.kind:
        return True
    if " " not in n.name and n.name.lower() in english_words():
        return False  # "Input stays at $2": an everyday word opening a sentence
    return (
        len(n.name.split()) >= 2
        or n.name.isupper()
        or bool(
            re.match(
                r"\s+(?:has |had |have |is |was |also |then )?[a-z]+(?:ed|s)\b", sentence[n.end :]
            )
        )
        # "Wickbourne, founded in Manchester in 2022, sells ...": described, then its verb
        or bool(
            re.match(
                r",\s+(?:founded|based|headquartered|set up|started|launched|spun out)\b[^,]{0,60},"
                r"\s+(?:has |had |is |was |also |now )?[a-z]+(?:ed|s)\b",
                sentence[n.end :],
            )
        )
    )


def lead_name(sentence: str, names: list[Name]) -> Name | None:
    """The name a sentence opens with (after "On May 2, 2025,"): its grammatical subject."""
    lead = _LEAD.match(sentence)
    offset = lead.end() if lead else 0
    # "Italy's data protection authority, the Garante, ..." -> the Garante
    # "Its closest rival, Hyderabad-based Lipika Technologies, ..." -> Lipika Technologies
    appositive = re.match(
        r"(?:[A-Z][\w ]*['’]s|Its|Their) (?:[a-z][\w-]* ){0,4}?[a-z][\w-]*, (?:the )?",
        sentence[offset:],
    )
    if appositive:
        offset += appositive.end()
    for i, n in enumerate(names):
        if n.start < offset:
            continue
        nxt = names[i + 1] if i + 1 < len(names) else None
        if nxt is not None and _DESCRIPTOR.fullmatch(sentence[offset : nxt.start].strip()):
            continue  # "Chinese AI lab Corvane", "French start-up Corvane": the next name
        if (
            n.kind == "place"
            and nxt is not None
            and re.fullmatch(r"['’]s\s+", sentence[n.end : nxt.start])
            and nxt.kind not in ("place", "person")
        ):
            n = nxt  # "India's Pravaah AI raises ...": the company, not the country
        head = sentence[offset : n.start].strip()
        if _DESCRIPTOR.fullmatch(head):
            # "Hyderabad-based Lipika Technologies", "Denver-based cybersecurity company
            # Palisade Grid", "French start-up Mistral AI"
            head = ""
        if (
            head in ("", "The", "the")
            and n.kind not in ("place", "person")
            and (plausible(n, sentence) or appositive is not None)
            or (
                head in ("", "The")
                and n.kind == "place"
                and sentence[n.end : n.end + 2] in ("'s", "’s")
            )
        ):
            return n
        return None
    return None


# what may stand before a company's name at the start of a sentence, describing it
_DESCRIPTOR = re.compile(
    r"(?:[Tt]he )?(?:[A-Z][\w.]*-(?:based|born)|"
    r"(?:[A-Z][\w.]*-(?:based|born) )?(?:(?:[A-Z][a-z]+|AI|[a-z][\w-]*) ){0,3}?"
    r"(?:company|start-?up|firm|maker|lab|group|provider|developer|chipmaker|vendor|giant))"
)
_DESCRIBED_AS = re.compile(
    r"(?:The|Its|This|Their) (?:company|startup|firm|maker|developer|team|lab)\b[^,]{0,30},\s+"
)


def subject_of(sentence: str, names: list[Name], a: int, ctx: Referents, kinds=ORG_KINDS) -> str:
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
    lead = lead_name(sentence, names)
    clause_start = max(sentence.rfind(mark, 0, a) for mark in (", ", "; ", " — ", " – ")) + 1
    beside = [n for n in names if n.kind in (*kinds, "") and 0 <= a - n.end <= 1]
    if lead and lead.start < clause_start and beside and beside[-1].start >= clause_start:
        # a headline's later clause with its own subject: "Harwick Weekly #88 - Brackenridge
        # closes Sablewing, ..., Carrick raises $220M" is Carrick's round
        return beside[-1].name
    if lead and lead.start < a and (lead.kind in kinds or lead.kind in ("", "place")):
        return lead.name
    if lead and lead.start < a and lead.kind == "model":
        return ""
    lead_words = _LEAD.match(sentence)
    # "The company behind it, Sarn Labs in Dublin, raised ...": the name in apposition
    described = _DESCRIBED_AS.match(sentence)
    if described:
        named = [n for n in names if n.start == described.end() and n.kind in (*kinds, "")]
        if named and named[0].start < a:
            return named[0].name
    if _PRONOUN_START.match(sentence[lead_words.end() if lead_words else 0 :]):
        return ctx.company
    before = [n for n in names if n.end <= a and n.kind in kinds]
    start, _ = clause_span(sentence, a, a)
    in_clause = [n for n in before if n.start >= start]
    if in_clause:
        return in_clause[-1].name
    if _PRONOUN.search(sentence[start:a]):
        # "its" in a later clause: the company the sentence named first, else the last one
        # the text was about ("Asterion Labs, which raised ..., and its Aster Creator plan")
        earlier = [n for n in before if n.end <= start and n.kind in ORG_KINDS]
        return earlier[0].name if earlier else ctx.company
    return before[-1].name if before else ""


def products_in(names: list[Name], a: int = 0, b: int | None = None) -> list[Name]:
    return [n for n in names if n.kind == "model" and n.start >= a and (b is None or n.end <= b)]


def vendor_for(product: str, subject: str, doc: DocNames, ctx: Referents) -> str:
    return doc.vendor_of(product) if product and doc.vendor_of(product) else subject or ctx.company


NAME_LIST = (
    r"(?P<names>(?:the\s+)?[A-Z][\w&.'’-]*(?:\s+(?:[A-Z&][\w&.'’-]*|of))*(?:(?:,\s*|"
    r",?\s+and\s+)(?:the\s+)?[A-Z][\w&.'’-]*(?:\s+(?:[A-Z&][\w&.'’-]*|of))*)*)"
)


def split_names(text: str, doc: DocNames) -> list[str]:
    out = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
        part = canonical(part)
        if not part or part.lower() in _NOT_NAMES or re.match(r"Series\b", part):
            continue
        canon = next((e.name for e in find_entities(part) if e.kind == "vendor"), "")
        out.append(doc.fold(canon if canon and entity_key(canon) == entity_key(part) else part))
    return out


def first_org(names: list[Name], a: int, b: int | None = None, skip: str = "") -> Name | None:
    for n in names:
        if (
            n.start >= a
            and (b is None or n.end <= b)
            and n.kind in (*ORG_KINDS, "", "model")
            and n.name != skip
        ):
            return n
    return None
