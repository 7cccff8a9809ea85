"""Recognising vendors, investors, models, leaderboards, people and places in text, offline.

Two layers:
- `find_entities`: the curated lists of AI vendors, model families and rankings, plus rules for
  model-name shapes ("Lumen-4", "Kestrel Video 2.5", "GPT-4o", "Seedance 2.0"). Aliases fold
  onto one canonical name ("Alibaba Cloud" -> "Alibaba", "Lumen 4" -> "Lumen-4"). Cheap; the
  answerers use it on questions and passages.
- `recognise`: for ingest. The curated lists and shape rules are the prior; a statistical
  recogniser (kb.ner) proposes the names nobody listed, and precision rules decide what they
  are: organisation suffixes ("Labs", "AI", "Capital"), investor phrasing ("led by X"), a
  model's maker ("Halvard AI's Kestrel Video 2"), no generic words ("API", "The company"),
  and the sentence around a name: what companies do ("Halvard AI said"), what only
  organisations have ("shares of UBS", "Jefferies analysts"), how results are written
  ("placed second on X", "the X benchmark"), where places are ("near X", "built at X").
  `consolidate` folds the stored tags across the corpus ("Veridian" -> "Veridian Labs").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kb.modelnames import year_not_version
from kb.text import STOPWORDS, one_edit, sentence_spans
from kb.vocabulary import MONTH_RE, NOT_MODEL_WORDS
from kb.wordstats import is_common_word, zipf

# Bump by hand whenever `recognise` (or what it reads: the lists, rules, the NER model) can
# give other entities for the same text: the next ingest then re-tags every stored chunk
# from its stored text (ingest.pipeline), without re-embedding, so entity pages, the entity
# filter and timelines see the new recogniser's names in documents stored before it. A re-tag
# also re-reads each document's ranking facts (kept in its record) from the fresh tags, so it
# is bumped for a change of the ranking reader too (10: ranked Markdown and pasted tables).
RECOGNISER_VERSION = 10

VENDORS: dict[str, tuple[str, ...]] = {
    "OpenAI": ("OpenAI",),
    "Google": ("Google", "Google DeepMind", "DeepMind", "Alphabet"),
    "Anthropic": ("Anthropic",),
    "Meta": ("Meta", "Meta Platforms"),
    "Microsoft": ("Microsoft",),
    "Amazon": ("Amazon", "AWS", "Amazon Web Services"),
    "Nvidia": ("Nvidia", "NVIDIA"),
    "AMD": ("AMD",),
    "Apple": ("Apple",),
    "Alibaba": ("Alibaba", "Alibaba Cloud"),
    "ByteDance": ("ByteDance", "Volcano Engine"),
    "Baidu": ("Baidu",),
    "Tencent": ("Tencent",),
    "DeepSeek": ("DeepSeek",),
    "Mistral AI": ("Mistral AI", "Mistral"),
    "xAI": ("xAI",),
    "Kuaishou": ("Kuaishou",),
    "MiniMax": ("MiniMax",),
    "Runway": ("Runway",),
    "Midjourney": ("Midjourney",),
    "Stability AI": ("Stability AI",),
    "Inflection AI": ("Inflection AI", "Inflection"),
    "SoftBank": ("SoftBank",),
    "Oracle": ("Oracle",),
    "Hugging Face": ("Hugging Face",),
    "ASML": ("ASML",),
}
MODEL_FAMILIES = (
    "GPT",
    "ChatGPT",
    "Claude",
    "Gemini",
    "Gemma",
    "Llama",
    "Qwen",
    "Grok",
    "Sora",
    "Veo",
    "Kling",
    "Seedance",
    "Happy Horse",
    "HappyHorse",
    "DeepSeek",
    "Mixtral",
    "Mistral Large",
    "Mistral Small",
    "Ernie",
    "Doubao",
    "Imagen",
    "Hailuo",
    "Wan",
    "Copilot",
    "Bard",
    "gpt-oss",
    "Trainium",
    "Trillium",
)
LEADERBOARDS: dict[str, tuple[str, ...]] = {
    "LMArena": ("LMArena", "Chatbot Arena", "LMSYS Chatbot Arena", "LMSYS"),
    "Artificial Analysis Video Arena": ("Artificial Analysis Video Arena",),
    "WebDev Arena": ("WebDev Arena",),
    "MMLU": ("MMLU",),
    "SWE-bench": ("SWE-bench", "SWE-bench Verified"),
    "Humanity's Last Exam": ("Humanity's Last Exam",),
}

_VERSION = (
    r"\d+(?:\.\d+)?[a-z]?(?:\s(?:Pro|Flash|Turbo|Mini|mini|Ultra|Nano|Opus|Sonnet|Haiku|Max))?"
)
_MODEL_SHAPES = [
    # Family plus version: "GPT-4o", "Claude 3.5 Sonnet", "Gemini 2.5 Pro", "Seedance 2.0"
    re.compile(
        r"\b(?P<name>"
        + "|".join(re.escape(f) for f in sorted(MODEL_FAMILIES, key=len, reverse=True))
        + r")[\s-](?P<version>(?:\d+(?:\.\d+)?[a-z]?|[A-Z]\d+)(?:\s(?:Pro|Flash|Turbo|mini|"
        r"Mini|Ultra|Nano|Opus|Sonnet|Haiku|Max|Scout|Maverick|Behemoth))?)\b"
    ),
    # Claude's newer naming: "Claude Opus 4", "Claude Sonnet 4"
    re.compile(r"\b(?P<name>Claude (?:Opus|Sonnet|Haiku))\s(?P<version>\d+(?:\.\d+)?)\b"),
    # Any capitalised name with a hyphenated or spaced version: "Lumen-4", "Kestrel Video 2.5"
    re.compile(
        r"\b(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?:-|\s)(?P<version>\d+(?:\.\d+)+|"
        r"\d+(?=-))\b"
    ),
    re.compile(
        r"\b(?P<name>[A-Z][a-z]+)-(?P<version>\d+[a-z]?(?:\s(?:Pro|Flash|Turbo|Mini|Ultra|Nano|"
        r"Max|Lite|Plus))?)\b"  # "Lumen-4 Mini": an edition is a model of its own
    ),
    # a family and a one-letter code after a hyphen: "Moyuan-R2", "Kaldo-X3"
    re.compile(r"\b(?P<name>[A-Z][a-z]{2,})-(?P<version>[A-Z]\d{1,2})\b"),
    # Chips and model codes: H100, MI300X, B200, TX-9, o3
    re.compile(r"\b(?P<name>(?:H|B|MI|GB|TX-?)\d{1,4}[A-Z]?)\b"),
    re.compile(r"\b(?P<name>o[134](?:-(?:mini|pro|preview))?)\b"),
]
_DIGIT = re.compile(r"\d")  # what every match of every shape above holds (as `\d` there)
# Products often named without a version; each is also an entity of its own.
_PRODUCTS = (
    "Sora",
    "ChatGPT",
    "Copilot",
    "Bard",
    "Kling",
    "Doubao",
    "Ernie",
    "Grok",
    "Gemini",
    "Claude",
    "Llama",
    "Qwen",
    "Veo",
    "Midjourney",
    "Hailuo",
    "Seedance",
    "HappyHorse",
    "Happy Horse",
)


@dataclass(frozen=True)
class Entity:
    name: str  # canonical display name
    kind: str  # vendor | investor | model | leaderboard | person | place
    maker: str = ""  # a model's vendor, when the text names it ("Halvard AI's Kestrel Video 2")

    @property
    def key(self) -> str:
        return entity_key(self.name)


@lru_cache(maxsize=65536)  # tens of thousands of calls per corpus ingest, on a few names
def entity_key(name: str) -> str:
    """The canonical id: lower case, without spaces or hyphens, so that "Lumen 4" ==
    "Lumen-4" and "Happy Horse 1.1" == "HappyHorse 1.1"."""
    return _KEY_GAPS.sub("", name.strip().lower())


_KEY_GAPS = re.compile(r"[\s\-]+")


def _alias_patterns(
    table: dict[str, tuple[str, ...]],
) -> list[tuple[str, re.Pattern[str], str]]:
    """(alias, whole-word pattern, canonical name); the plain alias is a cheap substring test
    run before the regex, which keeps entity tagging fast at ingest."""
    return [
        (alias, re.compile(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])"), canonical)
        for canonical, aliases in table.items()
        for alias in sorted(aliases, key=len, reverse=True)
    ]


_VENDOR_PATTERNS = _alias_patterns(VENDORS)
# Rankings named like "OpenJudge Arena", "Artificial Analysis Intelligence Index"
_BOARD_SHAPE = re.compile(r"\b(?:[A-Z][\w\-]*\s){1,3}(?:Arena|Leaderboard|Index)\b")
_BOARD_PATTERNS = _alias_patterns(LEADERBOARDS)
_PRODUCT_PATTERNS = _alias_patterns({p: (p,) for p in _PRODUCTS})


def _model_name(name: str, version: str | None, written: str = "") -> str:
    """Family plus version, joined as the family spells it ("GPT-4o", "Gemini 2.5 Pro") or,
    for other names, as the text wrote it ("Reel-3", "Kestrel Video 2.5")."""
    if not version:
        return name
    hyphen = bool(re.fullmatch(r"GPT|gpt-oss|DeepSeek|Qwen", name)) or (
        written[len(name) : len(name) + 1] == "-" and name not in MODEL_FAMILIES
    )
    return f"{name}{'-' if hyphen else ' '}{version}"


def find_entities(text: str) -> list[Entity]:
    """Entities mentioned in `text`, each once, in order of first mention."""
    return list(_find_entities(text))


# An ingest asks about the same text several times (the recogniser, the fact reader's
# sentences and products, the rankings reader): two thirds of the calls on corpus/ repeat one.
@lru_cache(maxsize=8192)
def _find_entities(text: str) -> tuple[Entity, ...]:
    found: dict[str, Entity] = {}

    def add(entity: Entity) -> None:
        found.setdefault(entity.key, entity)

    for alias, pattern, canonical in _BOARD_PATTERNS:
        if alias in text and pattern.search(text):
            add(Entity(canonical, "leaderboard"))
    shaped = "Arena" in text or "Leaderboard" in text or "Index" in text
    for m in _BOARD_SHAPE.finditer(text) if shaped else ():  # the shape ends in one of them
        name = m.group(0)
        first, _, rest = name.partition(" ")
        if first.lower() in STOPWORDS and " " in rest:
            name = rest  # "On Timbre Arena": a sentence's preposition, not the board's name
        if not any(
            entity_key(a) in entity_key(name) for aliases in LEADERBOARDS.values() for a in aliases
        ) and name.split()[0] not in ("The", "A", "An", "Its"):
            add(Entity(name, "leaderboard"))
    for alias, pattern, canonical in _VENDOR_PATTERNS:
        if alias in text and pattern.search(text):
            add(Entity(canonical, "vendor"))
    spans: list[tuple[int, int]] = []
    # every model shape holds a digit: a text without one (a third of those asked) is not scanned
    shapes = _MODEL_SHAPES if _DIGIT.search(text) else ()
    matches = [m for shape in shapes for m in shape.finditer(text)]
    matches.sort(key=lambda m: (m.start(), -(m.end() - m.start())))
    for m in matches:
        if any(a <= m.start() and m.end() <= b for a, b in spans):
            continue  # "Claude 3.5" inside "Claude 3.5 Sonnet"
        name = m.group("name")
        version = m.groupdict().get("version")
        if name.split()[0] in NOT_MODEL_WORDS or (name in VENDORS and not version):
            continue
        if version and year_not_version(name, version, text, m.end("version")):
            continue  # "On 2026-03-02": a date, never a model
        if name not in MODEL_FAMILIES and is_licence(text, m.start(), m.end()):
            continue  # "the Apache 2.0 licence": a licence has a version too, but is no model
        spans.append((m.start(), m.end()))
        add(Entity(_model_name(name, version, m.group(0)), "model"))
    for product, pattern, _ in _PRODUCT_PATTERNS:
        if product in text and pattern.search(text):
            add(Entity(product, "model"))
    return tuple(found.values())


_LICENCE_AFTER = re.compile(r"[\s-]*(?:licen[cs]e[ds]?|licen[cs]ing)\b", re.IGNORECASE)
_LICENCE_BEFORE = re.compile(
    r"\b(?:(?:(?:released|published|licen[cs]ed|available|distributed|shared|open-sourced|"
    r"offered)\s+under|licen[cs]ed as)\s+(?:the\s+|an?\s+)?(?:permissive\s+)?|"
    r"licen[cs]es?\s*[:|]\s*|"  # a table's field: "Licence: Apache 2.0"
    r"permissive\s*\(\s*|"  # "from permissive (Apache 2.0, MIT) to custom licences"
    r"open[\s-](?:weights?|source),\s+)$",  # terms listed with it: "Open weights, Apache 2.0"
    re.IGNORECASE,
)


_VERSION_NEXT = re.compile(r"[\s-]v?\d")
_ARTICLE_BEFORE = re.compile(r"\b(?i:the|a|an)\s+$")
_NOUN_AFTER = re.compile(r"\s+[a-z]+\b(?!\s+(?:by|that|which))")


def _used_as_licence(text: str, name: str) -> bool:
    """Whether some mention of the name in the text is a licence (see `is_licence`)."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        whole = (start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "-_")) and (
            end == len(text) or not (text[end].isalnum() or text[end] == "_")
        )
        if whole and is_licence(text, start, end):
            return True
        start = text.find(name, end)
    return False


def is_licence(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is used as a licence: "the Apache 2.0 licence",
    "MIT-licensed", "released under Apache 2.0"."""
    return bool(
        _LICENCE_AFTER.match(text, end) or _LICENCE_BEFORE.search(text[max(0, start - 40) : start])
    )


def mentions(entity_name: str, text: str) -> bool:
    """Whether `text` mentions the entity under any of its spellings."""
    key = entity_key(entity_name)
    return any(e.key == key for e in find_entities(text)) or bool(
        re.search(
            r"(?<![\w-])" + r"[\s\-]?".join(map(re.escape, key.split())) + r"(?![\w-])",
            text,
            re.IGNORECASE,
        )
    )


def keys(entities: Iterable[Entity]) -> tuple[str, ...]:
    return tuple(e.key for e in entities)


def tag(entity: Entity) -> str:
    """How an entity is stored in chunk metadata: "kind:Name"."""
    return f"{entity.kind}:{entity.name}"


def untag(stored: str) -> Entity:
    kind, _, name = stored.partition(":")
    return Entity(name, kind)


def stored_keys(stored: Iterable[str]) -> set[str]:
    """Canonical keys of entities as stored in chunk metadata."""
    return {untag(s).key for s in stored if s}


def tags(entities: Iterable[Entity]) -> tuple[str, ...]:
    """Stored tags of a passage's entities: "kind:Name" each (what every reader reads), plus
    "maker:Model>Vendor" for a model whose vendor the text names (read by `consolidate`)."""
    out: list[str] = []
    for e in entities:
        out.append(tag(e))
        if e.maker:
            out.append(f"{MAKER}:{e.name}>{e.maker}")
    return tuple(out)


# --- recognising names nobody listed --------------------------------------------------------

MAKER = "maker"  # the kind of a stored model -> vendor link
KINDS = ("vendor", "investor", "model", "leaderboard", "person", "place")


def _wordlist(text: str) -> list[str]:
    return text.split()


# A last word that makes a name an organisation, or an investor.
ORG_SUFFIXES = frozenset(
    _wordlist(
        "Labs Lab AI Inc Inc. Corp Corp. Corporation Co. Ltd Ltd. LLC GmbH Research Robotics "
        "Systems Technologies Technology Group Holdings Networks Dynamics Intelligence Computing "
        "Semiconductor Semiconductors Software Analytics Studios Foundation Institute Cloud "
        "Compute Bio Therapeutics Energy Data Industries Machines Devices"
    )
)
INVESTOR_SUFFIXES = frozenset(
    _wordlist("Capital Ventures Partners Investments Investment Fund Funds Equity Management")
)
# A company's legal form, written after its name ("Corrimal Inc.", "Trelane Systems, Inc.",
# "Corrimal Europe, Unipessoal Lda"): it says the name is an organisation's, and is dropped
# from the name, so "Corrimal Inc" and "Corrimal" are one vendor.
_LEGAL_FORM = re.compile(
    r"(?:,\s*|\s+)(?:Inc\.?|Incorporated|Corp\.?|Ltd\.?|Limited|LLC|L\.L\.C\.|LLP|PLC|plc|GmbH|"
    r"AG|S\.A\.?|SA|S\.L\.|SL|SAS|S\.p\.A\.|SpA|N\.V\.|NV|B\.V\.|BV|AB|ASA|Oy|KK|Pty\.?\s+Ltd\.?|"
    r"L\.?P\.?|(?:Unipessoal\s+)?Lda\.?)$"
)


def without_legal_form(name: str) -> str:
    """The name without a legal form at its end ("Corrimal Inc" -> "Corrimal"); the name
    itself when it has none, or when nothing name-like would be left."""
    bare = _LEGAL_FORM.sub("", name)
    words = _words(bare)
    if bare == name or not words or words[-1] in _CONNECTORS or not bare[0].isupper():
        return name
    return bare


# Words that name an institution, last ("Thornbury Bank", "High Court") or first before "of"
# ("University of Oslo", "Bank of Lisbon"): an organisation, never a person, place or product.
INSTITUTION_WORDS = frozenset(
    _wordlist(
        "Bank Court Authority Commission Ministry Agency Society Association Alliance Council "
        "University College"
    )
)
# A last word that makes a name a ranking ("Tollway Bench", "Quarry Eval"); "Arena",
# "Leaderboard" and "Index" are the shape rules' (`_BOARD_SHAPE`).
BOARD_SUFFIXES = frozenset(_wordlist("Bench Benchmark Benchmarks Eval Evals Exam"))
# Programming languages: a prior for a class the small model calls ORG or PRODUCT ("Python SDK
# 4.3.0 and TypeScript SDK 4.3.0"). A language is no vendor, model or place; a name of this
# class is kept only when the text has it act as a company ("Rust Labs", "X said").
PROGRAMMING_LANGUAGES = frozenset(
    _wordlist(
        "Python TypeScript JavaScript Java Kotlin Swift Rust Go Golang Ruby PHP Perl Scala "
        "Haskell Julia Elixir Erlang Clojure Lua Dart Fortran COBOL MATLAB SQL C C++ C# "
        "Objective-C WebAssembly Bash PowerShell Zig OCaml"
    )
)
# Words that are never a name on their own, whatever the recogniser says.
_MONTHS = _wordlist(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_DAYS = _wordlist("Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday")
GENERIC = frozenset(
    w.lower()
    for w in (
        _MONTHS
        + _DAYS
        + _wordlist(
            "API APIs AI AGI VC VCs LLM LLMs GPU GPUs CPU TPU SDK CLI CEO CTO CFO COO CSO Chief "
            "Executive "
            "President Founder Chair Chairman Director Head Officer Company Companies Firm "
            "Startup Lab Labs Research Inc Group Board Team Model Models Series Round Funding "
            "Video Image Audio Text Chat Cloud Data Platform Market Markets Report Update News "
            "Release Launch Q1 Q2 Q3 Q4 FY H1 H2 Earnings Revenue Benchmark Leaderboard Arena "
            "Index Table Figure Source Sources Note Notes Update Editor Staff Analysis Opinion "
            "Government Inside Outside North South East West Global International National "
            "Internet Web Online Pro Max Mini Ultra Plus Open Beta Preview Today "
            "ARR MRR IPO EBITDA GAAP EPS KPI ROI SaaS YoY QoQ ARPU CAGR"
        )
    )
)
_JUNK_PHRASES = frozenset(
    entity_key(p)
    for p in (
        "The company",
        "the firm",
        "the startup",
        "the lab",
        "chief executive",
        "chief executive officer",
        "artificial intelligence",
        "generative AI",
        "machine learning",
        "the board",
        "Series A",
        "Series B",
        "Series C",
        "Series D",
        "Series E",
        "Series F",
    )
)
# Titles before a person's name: "CEO Mara Olsen" -> "Mara Olsen".
_TITLES = re.compile(
    r"^(?:(?:the|The|CEO|CTO|CFO|COO|Chief|Executive|President|Founder|Co-founder|Dr\.?|Mr\.?|"
    r"Ms\.?|Mrs\.?|Prof\.?|Professor|Chairman|Chair|Director|Analyst|Senator|Minister|Dear)\s+)+"
)
# Openers that are no names, beyond the stop words ("Instead, the ...").
_STARTERS = frozenset(
    _wordlist(
        "because even within instead none several meanwhile however although despite "
        "still yet while whether unlike like last next early late major most many"
    )
)
_CONNECTORS = frozenset(
    _wordlist(
        "of and & de du des la le von van der for the e y et da do dos das del della di und für"
    )
)
_POSSESSIVE = re.compile(r"['’]s?$")
_VERSIONED = re.compile(
    r"(?:[\s-]v?\d+(?:\.\d+)*[a-z]?|-[A-Za-z]*\d[\w.]*|\s[A-Z]{1,2}\d{1,3}[a-z]?)$"  # "Vantor V9"
)
# A table row: cells between bars, a tab, or three numbers in a run ("12 4.5 30%"; the words
# that may lead the numbers change nothing for a search, and leaving them out of the pattern
# makes it 15 times faster).
_TABLE_ROW = re.compile(r"\|.*\||\t|(?:[\d.,%$€£]+\s+){3}")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w&'’.-]*")
_INVESTOR_BEFORE = re.compile(
    r"(?:led by|co-led by|backed by|investors?,? (?:including|such as|like|were|are)|"
    r"participation (?:from|of)|funding from|investment from|money from|joined by)\s+"
    r"(?:[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*(?:,\s*|,?\s+and\s+))*(?:the\s+)?$"
)
_NAME = r"[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3}"
_SUFFIXED = re.compile(
    r"(?<![\w-])(?:(?:[A-Z][\w&'’.-]*|&)\s+){1,3}(?:"
    + "|".join(
        map(
            re.escape,
            sorted(
                ORG_SUFFIXES | INVESTOR_SUFFIXES | INSTITUTION_WORDS | BOARD_SUFFIXES,
                key=len,
                reverse=True,
            ),
        )
    )
    + r")(?![\w-])(?!\s+[A-Z])"  # not "EU AI Act": the suffix ends the capitalised run
)
_INVESTOR_CUES = (
    re.compile(
        r"(?:led by|co-led by|backed by|investors? (?:including|such as|like)|participation "
        r"from|funding from|investment from)\s+(?:the\s+)?(?P<names>"
        + _NAME
        + r"(?:(?:,\s*|,?\s+and\s+)"
        + _NAME
        + r")*)"
    ),
    re.compile(
        r"\bwith\s+(?P<names>"
        + _NAME
        + r"(?:(?:,\s*|,?\s+and\s+)"
        + _NAME
        + r")*)\s+(?:also\s+)?(?:investing|participating|joining|contributing|taking part)\b"
    ),
    re.compile(
        r"(?P<names>" + _NAME + r")\s+(?:led|co-led)\s+(?:the|a|its|this)\s+(?:[\w$.,-]+\s+){0,4}?"
        r"(?:round|raise|financing|investment)"
    ),
)
_MODEL_BEFORE = re.compile(
    r"(?:its|their|the|a|new|latest)\s+(?:new\s+|latest\s+|open\s+|flagship\s+)?"
    r"(?:[\w-]+\s+)?(?:model|chatbot|assistant|agent|chip),?\s+(?:called\s+|named\s+)?$"
)
# The apposition's head is the model word: not "X, the startup behind the Y model".
_APPOSED = r"(?:(?!(?:of|behind|for|from|by|with|at|to|in|on|that|which|who)\s)[\w-]+\s+)"
_MODEL_AFTER = re.compile(
    r"^(?:(?:,?|\s+(?:is|was))\s+(?:an?|the|its|our|their)\s+(?:new\s+)?"
    + _APPOSED
    + r"{0,3}?(?:model|"
    r"chatbot|assistant|agent|chip|LLM|app|browser|feature|tool)\b|,\s+(?:its|their|our)\s+"
    + _APPOSED
    + r"{0,3}?(?:platform|service|product|suite|tool|feature)\b|\s+(?:models?|chatbots?|"
    r"assistants?|agents?|browsers?|APIs?)\b)(?!\s+(?:maker|developer|company|startup|provider|builder|"
    r"firm|lab)s?\b)"
    # a tool that builds apps is a product ("X, the no-code app builder"); a model builder is not
    r"|^,\s+(?:an?|the|its|our|their)\s+" + _APPOSED + r"{0,2}?(?:app|site|website)\s+builder\b"
)
# A person described by their job: "Elodie Marchand, a former Google DeepMind researcher".
_JOB_TITLE = (
    r"(?:Chief|Vice|Senior|Deputy|Executive|Managing|General|Co-founder|Founder|President|"
    r"Director|Head|Analyst|Officer|CEO|CFO|CTO|COO|Chair(?:man|woman)?|Partner|Counsel|"
    r"Commissioner|Minister|Professor|Editor|Reporter|Engineer|Researcher)"
)
_PERSON_ROLE = (
    r"(?:,\s+(?:an?|the|its|[A-Z][\w&.-]*['’]s)\s+(?:[\w&.-]+\s+){0,3}?(?:researcher|analyst|"
    r"engineer|scientist|economist|executive|(?:co-)?founder|director|minister|lawyer|professor|"
    r"spokes(?:man|woman|person)|judge|officer|manager|reporter|partner)\b|"
    # a transcript's speaker ("Paulo Trevanion -- Chief Financial Officer:"), a signature
    # ("Inês Valadares Macedo, President of the CNDA")
    r"\s+[-–—]{1,2}\s+"
    + _JOB_TITLE
    + r"\b|,\s+"
    + _JOB_TITLE
    + r"(?:\s+[A-Z][\w-]*)*\s+(?:of|at)\s)"
)
_PERSON_AFTER = re.compile(r"^(?:,?\s+(?:who|said|says|added|told|wrote)\b|" + _PERSON_ROLE + ")")
_PERSON_BEFORE = re.compile(
    r"(?:said|says|added|according to|(?:co-)?founded by|started by|(?:co-)?founders?,?|"
    r"(?:co-)?founded in \d{4} by)\s+(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?,?\s+and\s+)?$"
)
_INVESTOR_AFTER = re.compile(
    r"^(?:['’]s)?,?\s+(?:led|co-led|invested|participated|backed|also invested|"
    r"wrote\s+(?:a|the)\s+(?:[\w$.,-]+\s+){0,2}?(?:cheque|check)|"  # not "Ana Petrović wrote"
    # an apposition: "Brightwater, an infrastructure investor"; "NVentures, Nvidia's venture arm"
    r"(?:an?|the|its|[A-Z][\w&.-]*['’]s)\s+(?:[\w-]+\s+){0,3}?(?:investor|venture arm)\b|"
    r"(?:also\s+)?joined\s+(?:the|this|its|a)\s+(?:[\w$.,-]+\s+){0,3}?(?:round|raise|financing|"
    r"investment)|(?:also\s+)?joined\s+in\b)\b"  # not "Anders Lie, joined from the university"
)


def _alias_table() -> dict[str, Entity]:
    table: dict[str, Entity] = {}
    for canonical, aliases in VENDORS.items():
        for alias in aliases:
            table[entity_key(alias)] = Entity(canonical, "vendor")
    for canonical, aliases in LEADERBOARDS.items():
        for alias in aliases:
            table[entity_key(alias)] = Entity(canonical, "leaderboard")
    for name in (*_PRODUCTS, *MODEL_FAMILIES):
        table.setdefault(entity_key(name), Entity(name, "model"))
    return table


_KNOWN = _alias_table()  # the curated prior, by key
_NO_KIND = Entity("", "")
_KNOWN_WORDS = frozenset(
    w.lower()
    for k in (*_KNOWN.values(), *(Entity(a, "") for v in VENDORS.values() for a in v))
    for w in re.split(r"[\s-]+", k.name)
)


def _words(name: str) -> list[str]:
    return name.split()


def org_suffix(name: str) -> str:
    """ "investor", "vendor" or "" from a name's last word ("Brightwater Capital" -> investor),
    or from an institution's first word before "of" ("University of Oslo" -> vendor)."""
    words = _words(name)
    if len(words) < 2:
        return ""
    if any(w in INVESTOR_SUFFIXES for w in words[1:]):
        return "investor"  # "Brightwater Capital", "Fidelity Management & Research"
    if (
        len(words) >= 3
        and "of" in words[1:-1]
        and words[words.index("of") - 1] in INSTITUTION_WORDS
    ):
        return "vendor"  # "Court of Appeal", "University of Toronto", "Supreme Court of Lisbon"
    return "vendor" if words[-1] in ORG_SUFFIXES or words[-1] in INSTITUTION_WORDS else ""


def org_head(name: str) -> str:
    """A suffixed organisation's name without its suffix ("Veridian Labs" -> "Veridian")."""
    words = _words(name)
    if org_suffix(name) and len(words) >= 2 and "of" not in words[1:]:
        return " ".join(words[:-1])
    return ""


# Last words that end product names and never people's
_PRODUCT_ENDINGS = frozenset(
    _wordlist("Pro Plus Max Mini Lite Ultra Platform Studio Cloud Suite Enterprise Edition")
)


# A reference marker glued to the last word ("Toronto.[1]", "Kindling[9"): a wiki's footnote.
_CITATION_TAIL = re.compile(r"\.?\[\d{1,3}\]?$")
# "Hyderabad-based Lipika Technologies": where a company sits, not its name.
_BASED_PREFIX = re.compile(r"^[A-Z][\w'’.-]*-based\s+")
# A job title after a name ("Tobias Hobson, Managing Partners" in a by-line): no name's part.
# Two title words at least: "Greyfriars Partners" is a firm.
_TRAILING_TITLE = re.compile(r",?\s+" + _JOB_TITLE + r"(?:\s+" + _JOB_TITLE + r"s?)+$")
# A stock ticker with its exchange suffix ("BWTR.N", "KTRB.O"): no place, no company name.
_TICKER = re.compile(r"[A-Z]{1,5}\.[A-Z]{1,2}")


def clean_name(text: str) -> str:
    """A recognised span as a name: no leading article or title, no possessive, no stray
    punctuation, no footnote marker, no "X-based" or trailing job title; "" when nothing
    name-like is left."""
    name = " ".join(text.split())
    name = _CITATION_TAIL.sub("", name)
    name = _BASED_PREFIX.sub("", name)
    name = _TITLES.sub("", name)
    if " " in name:
        name = _TRAILING_TITLE.sub("", name)
    if _TICKER.fullmatch(name):
        return ""
    name = name.strip(" \t.,;:!?\"'“”‘’()[]{}*-–—")
    name = _POSSESSIVE.sub("", name).rstrip(" .,")
    name = re.sub(r"\s+(?:API|APIs|SDK|app|App)$", "", name)  # "Corvid Studio API": the product
    if ": " in name:
        return ""  # "Merriwell Capital: Hey": a speaker's label and their first word
    if not name or not name[0].isupper() and not name[0].isdigit():
        return ""
    words = _words(name)
    if len(words) > 6 or len(name) < 2:
        return ""
    if entity_key(name) in _JUNK_PHRASES:
        return ""
    if len(words) == 1 and (name in ORG_SUFFIXES or name in INVESTOR_SUFFIXES):
        return ""
    if words[-1].lower() in ("license", "licence", "licensed", "licenced"):
        return ""  # "Mistral Research License": a licence, not an organisation
    if any(not (w[0].isupper() or w[0].isdigit() or w in _CONNECTORS) for w in words):
        return ""  # "Universal sue", "C2PA metadata": a name's words are capitalised
    if words[-1] in _CONNECTORS:
        return ""
    if all(
        w.lower().strip(".,") in GENERIC or w.lower() in STOPWORDS or re.fullmatch(r"[\d.,:/-]+", w)
        for w in words
    ):
        return ""  # "On 2026-03-02", "SDK 4.3.0": no name in it
    if not re.search(r"[A-Za-z]{2}", name) or re.search(r"https?:|@|/|=|\d{4}\s*$", name):
        return ""
    return name


def is_versioned(name: str) -> bool:
    """A name shaped like a model: ends in a version ("Kestrel Video 2", "Quill-3b")."""
    return bool(_VERSIONED.search(name) or _EDITION_VERSIONED.search(name)) and not re.fullmatch(
        r"[\d\s.,-]+", name
    )


# A version and an edition word: "Sorrel 3 Mini", "Kestrel 2 Pro".
_EDITION_VERSIONED = re.compile(
    r"[A-Za-z][\s-]v?\d+(?:\.\d+)*\s(?:" + "|".join(_PRODUCT_ENDINGS) + r")$"
)


def _lower_words(texts: Sequence[str]) -> frozenset[str]:
    """Every word the texts write in lower case: a capitalised sentence opener that is also
    written in lower case ("Revenue ..." / "... revenue") is an ordinary word, not a name."""
    # "press@auralis.example" is no use of "auralis". No address spans two texts (none crosses a
    # line break), so only the texts that can hold one are rewritten: the pattern is slow.
    prose = "\n".join(_ADDRESS.sub(" ", t) if _ADDRESS_MARK.search(t) else t for t in texts)
    return frozenset(re.findall(r"(?<![\w'’-])[a-z][a-z'’-]*", prose))


# E-mail and web addresses: their words are written in lower case whatever they name.
_ADDRESS = re.compile(r"\S*(?:@|://|www\.)\S*|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?\b")
_ADDRESS_MARK = re.compile(r"@|://|www\.|\.[a-z]{2}")  # what every address holds


@lru_cache(maxsize=1024)  # a passage's names, asked once per sentence of the passage
def _known_words(known: tuple[str, ...]) -> frozenset[str]:
    """The listed names and each of their words, in lower case."""
    return frozenset(w.lower() for k in known for w in (k, *re.split(r"[\s-]+", k)))


def _trigger_matches(
    sentence: str, known: Iterable[str], lower_words: frozenset[str]
) -> list[tuple[str, int, int]]:
    """(word, start, end) of each capitalised word that can start a name the rules did not
    find (see `name_triggers`)."""
    if _TABLE_ROW.search(sentence):
        return []
    known_words = _known_words(tuple(known))
    out: list[tuple[str, int, int]] = []
    for i, m in enumerate(_CAPITALISED.finditer(sentence)):
        word = m.group(0).rstrip(".'’").removesuffix("'s").removesuffix("’s")
        low = word.lower()
        if low in GENERIC or low in STOPWORDS or low in known_words or low in _KNOWN_WORDS:
            continue
        if any(c.isdigit() for c in word):
            continue  # "GPT-4.5", "R1": model codes are the shape rules' job
        if (
            i == 0
            and m.start() == 0
            and (low.endswith(("s", "ly")) or low in _STARTERS)
            and re.match(r"\s+[a-z]", sentence[m.end() :])
        ):
            continue  # "Analysts said", "Several companies": an ordinary sentence opener
        if (low in lower_words and not no_english_word(word)) or len(word) < 2:
            continue  # the document writes it in lower case too: an ordinary word ("Order")
        out.append((word, m.start(), m.end()))
    return out


def name_triggers(sentence: str, known: Iterable[str], lower_words: frozenset[str]) -> set[str]:
    """The capitalised words in a sentence that can start a name the rules did not find: not
    a listed name, not a generic or calendar word, not a model code, not a word the document
    also writes in lower case (an ordinary word capitalised in a heading or at a sentence
    start). Table rows are left to the rules (numbers, names already listed)."""
    return {word for word, _, _ in _trigger_matches(sentence, known, lower_words)}


def needs_ner(sentence: str, known: Iterable[str], lower_words: frozenset[str]) -> bool:
    """Whether a sentence can hold a name the rules did not find (see `name_triggers`)."""
    return bool(_trigger_matches(sentence, known, lower_words))


# How many sentences of a document the recogniser reads for one unexplained word: a name's
# later mentions are found by its spelling, so "Mara Olsen" is not recognised ten times over.
_READS_PER_WORD = 2
# Words of context the recogniser reads on each side of the unexplained words. Its view is
# bounded: each token's vector sees 4 tokens either side (4 layers of window 1) and the NER
# state reads a token or two around the entity, so a few words beyond the outermost trigger
# give it the evidence of the whole sentence. Measured on corpus/ and both entity test sets:
# 6 and 8 words give exactly the tags of whole sentences, 4 loses names; 6 reads a third
# fewer characters than whole sentences.
_CONTEXT_WORDS = 6
_WORD = re.compile(r"\S+")


def _ner_windows(
    sentences: dict[str, list[str]], lower_words: frozenset[str]
) -> list[tuple[str, str]]:
    """(sentence, stretch of it) pairs worth the recogniser's time, in document order: each
    stretch covers a run of unexplained words with `_CONTEXT_WORDS` words either side."""
    seen: Counter[str] = Counter()
    chosen: list[tuple[str, str]] = []
    for s, names in sentences.items():
        triggers = _trigger_matches(s, names, lower_words)
        if not any(seen[w] < _READS_PER_WORD for w, _, _ in triggers):
            continue
        seen.update({w for w, _, _ in triggers})
        words = [(m.start(), m.end()) for m in _WORD.finditer(s)]
        ends = [e for _, e in words]
        spans: list[list[int]] = []
        for _, a, b in triggers:
            i = bisect_right(ends, a)  # the word holding the trigger's first letter
            j = min(bisect_left(ends, b), len(words) - 1)  # ... and its last
            lo = max(0, i - _CONTEXT_WORDS)
            hi = min(len(words) - 1, j + _CONTEXT_WORDS)
            if spans and lo <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
        chosen.extend((s, s[words[lo][0] : words[hi][1]]) for lo, hi in spans)
    return chosen


@dataclass
class _Mention:
    """What the texts say about one name, gathered before its kind is decided."""

    name: str
    prior: str = ""  # kind from the curated lists or shape rules
    suffix: str = ""  # kind from the name's last word
    investor: bool = False  # investor phrasing around a mention
    product: bool = False  # the text calls it a model ("its model Quill")
    labels: Counter[str] | None = None
    owned: bool = False  # someone's ("its Azure cloud", "Apple's Siri"): a product, if not a name
    possessed: bool = False  # a named owner's ("Nvidia's Blackwell"): a product, not a company
    org_apposition: bool = False  # "Mila, the Quebec AI institute": an organisation
    beside_companies: bool = False  # in a list with companies or products ("Azure, Amazon ...")
    place: bool = False  # named in a dateline ("OSLO, Nov 17 (Nordwire) -")
    coordinated: str = ""  # the kind of the names it is listed with ("the US and the EU")
    platform: bool = False  # where models run ("available on Vertex AI", "Veo 3 on Vertex AI")
    agent: bool = False  # does what companies do ("X AI said", "X AI's model", "a round in X")
    org_cue: int = 0  # sentences giving it shares, analysts or staff ("shares of X")
    board: int = 0  # sentences calling it a ranking ("scored 71% on X", "the X benchmark")
    person_cue: bool = False  # person phrasing ("said X", "X, a senior analyst at ...")
    launched: int = 0  # sentences where it is what was launched ("introduced Deep Research")
    event: bool = False  # named as an event ("its "Advancing AI" event", "the Build Summit")
    thing: bool = False  # listed among things ("sites such as X"): no person
    place_cue: int = 0  # place votes from the sentences ("state of X", "near X"), not labels
    legal: bool = False  # written with a legal form ("Corrimal Inc."): an organisation
    defined: bool = False  # spelled out in the text ("the Comissão Nacional ... (CNDA)")
    example: bool = False  # named as one of a group ("broadcasters, including NRK")

    def _acts(self) -> bool:
        """Whether any sentence says more of the name than the recogniser's label: it acts,
        owns, invests, is ranked, placed, listed with names or defined ("NIST said", "shares
        of UBS", "an EU rule"). An acronym needs it: most written ones are terms ("VAT")."""
        return bool(
            self.suffix
            or self.legal
            or self.investor
            or self.product
            or self.owned
            or self.possessed
            or self.org_apposition
            or self.beside_companies
            or self.coordinated
            or self.platform
            or self.agent
            or self.org_cue
            or self.person_cue
            or self.launched
            or self.board
            or self.place_cue
            or self.defined
            or self.example
        )

    def kind(self) -> str:
        if self.prior:
            return self.prior
        if self.place:
            return "place"
        if (
            _ACRONYM_NAME.fullmatch(self.name)
            and not self._acts()
            and not _mostly_place(self.labels)  # "US", "UAE": places are often initials
        ):
            return ""  # "VAT", "SSO", "FAQ": an unlisted acronym only the label calls a name
        if self.name in PROGRAMMING_LANGUAGES and not (self.agent or self.org_cue):
            return ""  # "TypeScript SDK": the language a tool is written for
        if self.event and not (self.agent or self.org_cue or self.investor):
            return ""  # "Advancing AI", "the Build Summit": an event, whatever its last word
        if board_suffix(self.name) and not (self.suffix or self.org_cue):
            return "leaderboard"  # "Tollway Bench", "Quarry Eval"; not "the X Evals acquisition"
        if self.board and not (self.suffix or self.org_cue or self.owned or self.possessed):
            return "leaderboard"  # "placed second on Halcyon", "the Halcyon benchmark"
        if self.investor or self.suffix == "investor":
            return "investor"
        if self.suffix and self.launched and not (self.agent or self.org_cue):
            return "model"  # "the company introduced Deep Research": what it launched
        if self.suffix:
            if (
                _weak_suffix(self.name)
                and (self.product or self.owned or self.platform or self.coordinated == "model")
                and not ((self.agent or self.org_cue) and not self.product)
            ):
                return "model"  # "Google Cloud's Vertex AI", "Apple Intelligence": a product
            return self.suffix  # "Norway's Halvard AI said ...": the company
        if is_versioned(self.name) and _words(self.name)[0] in NOT_MODEL_WORDS:
            return ""  # "Tier 4", "Article 6": a numbered tier or article, no model
        if self.product or is_versioned(self.name):
            return "model"
        labels = self.labels or Counter()
        votes = Counter[str]()
        for label, n in labels.items():
            if label in _LABEL_KIND:
                votes[_LABEL_KIND[label]] += n
        if self.coordinated:
            votes[self.coordinated] += 2  # listed with places or products: one of them
        if self.org_cue:
            votes["vendor"] += 2 * self.org_cue  # "shares of UBS", "Jefferies analysts said"
        if self.launched:
            votes["model"] += 2 * self.launched  # "Veltro introduced Market Pulse"
        if not votes:
            return ""
        kind = votes.most_common(1)[0][0]
        placed = self.place_cue >= 2 or self.coordinated == "place"
        if kind == "person" and not self.person_cue and (self.thing or placed):
            # "sites such as Library Genesis"; "the state of X", "near X", "in Y and X": no
            # person's name
            kind = "place" if placed and not self.thing else ""
        if kind == "place" and _ACRONYM.fullmatch(self.name) and not self.place_cue:
            # "UBS": few places are written as acronyms, and a sentence puts something there
            kind = "vendor" if self.coordinated != "place" else kind
        if kind == "place" and self.person_cue and votes["person"] >= votes["place"]:
            kind = "person"  # a tie: the phrasing ("X -- Analyst, Y:") outweighs the label
        if kind in ("person", "place") and self.org_cue and votes["vendor"] >= votes[kind]:
            kind = "vendor"  # a tie: what only organisations have outweighs the label
        if kind in ("person", "place") and self.org_apposition and votes["vendor"] >= votes[kind]:
            kind = "vendor"  # a tie: the text calls it an organisation, the model a person
        if kind == "person" and len(_words(self.name)) < 2:
            return ""  # a lone word taken for a person is more often a company or a slip
        if kind == "person" and not self.person_cue and all(map(is_common_word, _words(self.name))):
            return ""  # "Dark Mode": everyday words, and nothing but the label says a person
        if kind == "person" and any(c.isdigit() for c in self.name):
            return "model"  # "Vantor V9": people's names carry no numbers, product names do
        if kind == "person" and "&" in self.name:
            return "vendor"  # "Hartigan & Vale": a firm's name, never a person's
        if kind == "person" and _words(self.name)[-1] in _PRODUCT_ENDINGS:
            return "model"  # "Pairloom Pro", "Ternwell Platform": an edition, not a surname
        if kind == "vendor" and self.possessed and len(_words(self.name)) == 1:
            return "model"  # "Nvidia's Blackwell accelerators": the owner's product
        if kind == "vendor" and self.owned:
            return "model"  # "its own Tensor Processing Units": what a company has, it makes
        if kind == "model" and set(labels) == {"PRODUCT"} and not self.coordinated:
            # the label alone, on a name no sentence phrases as a product (no version, maker,
            # owner, model word): the small model says PRODUCT of platforms and companies
            # named like one ("commit changes to GitHub"); it is the organisation
            return "vendor"
        if kind == "place" and self.owned:
            return "model"  # places are not owned: "Microsoft's Azure" is a product
        if kind == "place" and self.beside_companies and votes["place"] < 3:
            return ""  # "through Azure, Amazon Bedrock and ...": one of them, not a place
        return kind


_ACRONYM = re.compile(r"[A-Z]{3,5}")
_ACRONYM_NAME = re.compile(r"[A-Z][A-Za-z]?[A-Z]{1,4}s?")  # "EU", "VAT", "MoE", "IDs": initials
_LABEL_KIND = {
    "ORG": "vendor",
    "PRODUCT": "model",
    "WORK_OF_ART": "model",
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
}


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", name) if p]
    return re.compile(r"(?<![\w-])" + r"[\s-]*".join(parts) + r"(?![\w-])")


def _investor_context(sentence: str, name: str) -> bool:
    for m in _name_pattern(name).finditer(sentence):
        if _INVESTOR_BEFORE.search(sentence[max(0, m.start() - 160) : m.start()]):
            return True
        if _INVESTOR_AFTER.match(sentence[m.end() : m.end() + 40]):
            return True
    return False


_MAKER_BEFORE = re.compile(
    r"(?P<v>" + _NAME + r")(?:(?:['’]s|(?<=s)['’])\s+(?:new\s+|latest\s+|own\s+)?"
    r"(?:[a-z-]+\s+){0,2}?|"
    r"\s+(?:said|says|announced|showed)\s+(?:that\s+)?(?:its|a|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:model|system|chatbot|assistant|chip),?\s+|"
    r"\s+(?:released|launched|unveiled|introduced|shipped)\s+(?:(?:its|a|the)\s+(?:[\w-]+\s+)"
    r"{0,3}?(?:model|system|chatbot|assistant|chip),?\s+)?)$"
)
_MAKER_AFTER = re.compile(
    r"^(?:,?\s+(?:(?:an?|the|its)\s+(?:[\w-]+\s+){0,3}?(?:model|system|chatbot|assistant|chip)\s+)?"
    r"(?:from|by|made by|built by|developed by|released by|launched by)\s+|\s*\()"  # "M (V)"
    r"(?P<v>" + _NAME + ")"
)


def _maker_of(sentence: str, model: str, vendors: Iterable[tuple[str, str]]) -> str:
    """The vendor a sentence names as the model's maker: "V's M", "M from V", "M by V",
    "V released its model M". `vendors` are (as written, canonical name) pairs."""
    by_key = {entity_key(w): v for w, v in vendors}
    for m in _name_pattern(model).finditer(sentence):
        before = _MAKER_BEFORE.search(sentence[max(0, m.start() - 120) : m.start()])
        after = _MAKER_AFTER.match(sentence[m.end() : m.end() + 120])
        for found in (before, after):
            if not found:
                continue
            words = _words(found.group("v"))
            for i in range(len(words)):  # "Yesterday Halvard AI": the longest known tail
                vendor = by_key.get(entity_key(" ".join(words[i:])))
                if vendor:
                    return vendor
            for j in range(len(words), 0, -1):  # "Halvard AI Tuesday": the longest known head
                vendor = by_key.get(entity_key(" ".join(words[:j])))
                if vendor:
                    return vendor
    return ""


def _variant_of(known: str, part: str) -> bool:
    """Whether `part` is a listed model or leaderboard with one more word, its variant or
    edition ("Veo 3" + "Fast"); a vendor's name with one more word is a product of its own
    ("Amazon Bedrock")."""
    if _KNOWN.get(entity_key(known), _NO_KIND).kind == "vendor":
        return False
    m = _name_pattern(known).match(part)
    return m is not None and bool(re.fullmatch(r"\s+[A-Z][\w.-]*", part[m.end() :]))


def _split_known(name: str, known: Sequence[str]) -> list[str]:
    """A span that runs two names together ("Halvard AI's Kestrel Video 2", "OpenAI CEO Sam
    Altman") as its parts, with the names the rules already found left out."""
    parts = [p for p in re.split(r"['’]s\s+|(?<=s)['’]\s+", name) if p]
    out: list[str] = []
    for part in parts:
        if maker_product(part.strip(" .,;:")):
            out.append(part)  # "Amazon Bedrock": the vendor's product, not "Bedrock"
            continue
        if any(_variant_of(k, part) for k in known):
            continue  # "Veo 3 Fast", "Gemini Advanced", "SWE-bench Verified": not two names
        if _KNOWN.get(entity_key(part.strip(" .,;:")), _NO_KIND).name in known:
            continue  # "Amazon Web Services": a listed alias of a name the rules found
        for k in sorted(known, key=len, reverse=True):
            part = _name_pattern(k).sub(" ", part)
        part = " ".join(part.split())
        if part:
            out.append(part)
    return out


_INVESTOR_CUE = "INVESTOR"  # the label of a name read from investor phrasing


def _cue_names(sentence: str, lower_words: frozenset[str]) -> list[tuple[str, str]]:
    """Names the rules read without the recogniser: suffixed organisations ("Sable Partners")
    and the names in investor phrasing ("led by Brightwater", "Brightwater led the round")."""
    out: list[tuple[str, str]] = []
    for m in _SUFFIXED.finditer(sentence):
        words = _words(m.group(0))
        while words and (words[0].lower() in STOPWORDS or words[0].lower() in GENERIC):
            words.pop(0)
        if len(words) == 2 and words[0].endswith("ing"):
            continue  # "Advancing AI", "Computing Systems": a verb, not a name
        if (
            _ARTICLE_BEFORE.search(sentence[max(0, m.start() - 6) : m.start()])
            and _NOUN_AFTER.match(sentence, m.end())
            and not board_suffix(" ".join(words))  # "the Quarry Eval results": the ranking's
        ):
            continue  # "the Quebec AI institute": a name's words used as an adjective
        if len(words) >= 2 and not all(w.lower() in lower_words for w in words[:-1]):
            out.append((" ".join(words), ""))
    for cue in _INVESTOR_CUES:
        for m in cue.finditer(sentence) if _may_match(cue, sentence) else ():
            out.extend(
                (n, _INVESTOR_CUE) for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("names"))
            )
    if " API" in sentence:
        for m in _API_CUE.finditer(sentence):
            name = m.group("name")
            if name.lower() not in STOPWORDS and not is_common_word(name):
                out.append((name, ""))
    for cue in (*_NAMING_CUES, _APPOSITION_CUE):  # "shares of Corbel", "on the X benchmark"
        for m in cue.finditer(sentence) if _may_match(cue, sentence) else ():
            words = _words(m.group("name"))
            while words and (words[0].lower() in STOPWORDS or words[0].lower() in GENERIC):
                words.pop(0)
            if words and (len(words) > 1 or words[0].lower() not in lower_words):
                out.append((" ".join(words), ""))
    return out


# A product sold as an API: "the Forge API" (not "the Batch API": an everyday word, a feature).
_API_CUE = re.compile(r"(?<![\w&.'’-])(?P<name>[A-Z][\w-]*[a-z][\w-]*)\s+APIs?\b")


# Phrasings that name an organisation, a ranking, a place or a person whatever the recogniser
# reads: the name is proposed, and its kind is decided from all its sentences like any other's.
_NAMING_CUES = (
    re.compile(
        r"(?:(?:based|headquartered|located|offices?|campus|cent(?:re|er)s?|plants?|factory|"
        r"facility)\s+(?:in|near|outside)|\b(?:near|outside|(?:north|south|east|west)\s+of))"
        r"\s+(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})(?![\w-])"
    ),
    re.compile(
        r"(?<![\w&.'’-])(?P<name>[A-Z][a-zà-ÿ]+(?:\s+[A-Z][\w'’-]+){1,2})(?=" + _PERSON_ROLE + ")"
    ),
    re.compile(r"\b(?i:shares|stock)\s+of\s+(?:the\s+)?(?P<name>" + _NAME + ")"),
    re.compile(
        r"\b(?i:analysts?|economists?|strategists?)\s+at\s+(?:the\s+)?(?P<name>" + _NAME + ")"
    ),
    re.compile(
        r"(?<![\w&.'’-])(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,2})\s+"
        r"(?:analysts?\s+(?:said|say|says|wrote|expect|expects|estimate|noted|[A-Z])|"
        r"(?:benchmark|leaderboard)s?\b)"
    ),
    re.compile(
        r"\b(?i:scor(?:ed|es|ing)|placed|ranks?|ranked|came|finished)\s+(?:[\w.%-]+\s+){0,3}?"
        r"on\s+(?:the\s+)?(?P<name>" + _NAME + r")(?![\w-])"
    ),
)


# What owns a product: a possessive pronoun, a company's name ("Microsoft Azure", "Apple's
# Siri"), or an article with a word of change ("a redesigned Siri"): places take none of them.
_OWNED_BEFORE = re.compile(
    r"(?:\b(?i:its|their|his|her|our)\s+(?:own\s+|new\s+|latest\s+)?|\b(?i:a|an)\s+(?:new|"
    r"redesigned|revamped|updated|upgraded|improved|rebuilt|smarter)\s+|"
    r"(?<![\w-])[A-Z][\w&.-]*(?:['’]s|(?<=s)['’])\s+|(?<![\w-])(?:"
    + "|".join(re.escape(a) for a in sorted({a for v in VENDORS.values() for a in v}, key=len))
    + r")\s+)$"
)
# ...unless what follows makes the name a location again ("its Oslo office").
_PLACE_NOUN_AFTER = re.compile(
    r"\s+(?:office|offices|headquarters|campus|site|sites|plant|factory|facility|facilities|"
    r"hub|branch|region|data cent(?:re|er)s?|operations|team|staff|subsidiary|unit|arm|"
    r"affiliate|entity)\b"
)


_LIST_BEFORE = re.compile(r"(" + _NAME + r")(?:,\s*(?:and\s+)?|\s+and\s+)$")
_LIST_AFTER = re.compile(r"(?:,\s*(?:and\s+)?|\s+and\s+)(" + _NAME + ")")


def _known_company(words: list[str]) -> bool:
    """Whether the words are a vendor or product of the curated lists, or a listed vendor's
    product ("Microsoft Azure")."""
    name = " ".join(words)
    return _KNOWN.get(entity_key(name), _NO_KIND).kind in ("vendor", "model") or bool(
        maker_product(name)
    )


def _beside_companies(sentence: str, name: str) -> bool:
    """Whether the name is listed next to a company or product of the curated lists
    ("through Azure, Amazon Bedrock"; "Microsoft Azure and Databricks")."""
    for m in _name_pattern(name).finditer(sentence):
        if _LOCATIVE_BEFORE.search(sentence[max(0, m.start() - 20) : m.start()]):
            continue  # "In Europe, Mistral AI's round": a place, then a clause
        before = _LIST_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()])
        if before:
            words = _words(before.group(1))
            if any(_known_company(words[i:]) for i in range(len(words))):
                return True
        after = _LIST_AFTER.match(sentence, m.end())
        if after:
            words = _words(after.group(1))
            if any(_known_company(words[:j]) for j in range(1, len(words) + 1)):
                return True
    return False


_LOCATIVE_BEFORE = re.compile(r"\b(?i:in|across|at|from|throughout|outside|inside|to|near)\s+$")


def _owned_context(sentence: str, name: str, places: Collection[str] = ()) -> bool:
    """Whether the sentence writes the name as something owned ("its Azure cloud"); a place
    owns nothing ("Japan's Velmora AI"): `places` are the keys of names read as places."""
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if (
            _OWNED_BEFORE.search(before)
            and not _PLACE_NOUN_AFTER.match(sentence, m.end())
            and not _place_possessor(before, places)
        ):
            return True
    return False


_POSSESSOR_WORDS = re.compile(r"((?:[A-Z][\w&.-]*\s+){0,2}[A-Z][\w&.-]*)(?:['’]s|(?<=s)['’])\s+$")


def _place_possessor(before: str, places: Collection[str]) -> bool:
    """Whether the text before a name ends with a place's possessive ("South Korea's ")."""
    m = _POSSESSOR_WORDS.search(before) if places else None
    if m is None:
        return False
    words = _words(m.group(1))
    return any(entity_key(" ".join(words[i:])) in places for i in range(len(words)))


_PLACE_BEFORE = re.compile(
    r"(?:based|headquartered|located|situated|registered|offices?|campus|cent(?:re|er)s?|sites?|"
    r"plants?|factory|hub|facility|opened|moved|relocated|expanded)\s+(?:in|near|outside)\s+$|"
    r"\b(?i:state|city|province|region|district|county|town|village|port|island)\s+of\s+$|"
    r"\b(?:built|constructed|located|sited)\s+at\s+$"  # "built at Pelotas"; not "analysts at"
)

# A company described by where it is: "an Oslo startup", "the Oslo video startup".
_COMPANY_NOUN_AFTER = re.compile(
    r"(?:\s+[a-z][\w-]*){0,2}?\s+(?:startup|start-up|company|firm|developer|maker|lab|group|"
    r"investor|fund|provider|operator|designer|chipmaker|unicorn|insurer|bank)s?\b"
)

# A version after a recognised name: "Kestrel Video" + " 3" (the recogniser often stops short
# of the number); not a quantity ("Brightwater 120-megawatt", "Veridian 140 employees").
_VERSION_AFTER = re.compile(
    r"(?:\s|-)v?\d{1,3}(?:\.\d+)*[a-z]?(?![\w%.,-]\d|[\w%-])(?!\s*(?:million|billion|trillion|"
    r"percent|per\b|times|x\b|years?|months?|weeks?|days?|hours?|minutes?|seconds?|people|staff|"
    r"employees|megawatts?|gigawatts?|MW|GW|[%$€£]))"
)


# Last words that end products' names as often as companies' ("Vertex AI", "Apple
# Intelligence", "Private Cloud Compute"): the suffix gives way to a product's phrasing.
_WEAK_SUFFIXES = frozenset(_wordlist("AI Intelligence Cloud Compute Data"))


def board_suffix(name: str) -> bool:
    """Whether a name ends as a ranking's does, before any version ("Tollway Bench v2"), or
    is one word joined to a ranking's word ("Tollway-Bench", "TollwayEval", "CodeArena")."""
    words = _words(_VERSIONED.sub("", name))
    if len(words) == 1:
        # "Cairnbench", "Tollarena": a ranking's word run on in lower case, and no English
        # word ("Workbench", "Dashboard" are things, not rankings)
        run_on = _RUN_ON_BOARD.fullmatch(words[0])
        return bool(_BOARD_WORD.fullmatch(words[0])) or (
            run_on is not None
            and zipf(words[0].lower()) < _NAME_ZIPF
            and zipf(run_on.group(1).lower()) < _EVERYDAY_ZIPF  # "Work"+"bench" is a thing
        )
    return len(words) >= 2 and words[-1] in BOARD_SUFFIXES


_BOARD_WORD = re.compile(r"[A-Z][\w.]*?(?:-(?:[Bb]ench|Eval|Arena)|[a-z\d](?:Bench|Eval|Arena))")
_RUN_ON_BOARD = re.compile(r"([A-Z][a-z]{2,})(?:bench|arena|board)")
_EVERYDAY_ZIPF = 4.0  # "work" 5.6, "key" 5.0, "score" 4.4; "cairn" 2.4


def _weak_suffix(name: str) -> bool:
    words = _words(name)
    return len(words) >= 2 and words[-1] in _WEAK_SUFFIXES


# Where a model is offered: "available there and on X", "served through X", "Veo 3 on X".
_PLATFORM_BEFORE = re.compile(
    r"\b(?:available|offered|sold|served|hosted|deployed|runs?|running)\s+(?:(?:there|now|"
    r"also|only|first|too)\s+)?(?:(?:and|or)\s+)?(?:on|through|via)\s+$"
)


def _platform_context(sentence: str, name: str, models: Iterable[str]) -> bool:
    """Whether the sentence names the name as where models are offered ("available on X",
    "Veo 3 on X"); `models` are the model names the rules found."""
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if _PLATFORM_BEFORE.search(before):
            return True
        on = re.search(r"\s+(?:on|through|via)\s+$", before)
        if on and any(
            before[: on.start()].endswith(model) and _name_in(model, before) for model in models
        ):
            return True
    return False


def _with_version(sentence: str, raw: str) -> str:
    """The recognised span with the version written right after it, when every mention of
    it in the sentence has that version ("Kestrel Video 2 ... the original Kestrel Video":
    which one was recognised is unknown, so neither is extended)."""
    versions = {
        v.group(0) if (v := _VERSION_AFTER.match(sentence, m.end())) else ""
        for m in _name_pattern(raw).finditer(sentence)
    }
    return raw + versions.pop() if len(versions) == 1 else raw


_POSSESSOR_BEFORE = re.compile(r"(?<![\w-])[A-Z][\w&.-]*(?:['’]s|(?<=s)['’])\s+$")
# An organisation described in apposition: "Mila, the Quebec AI institute".
_ORG_APPOSITION = re.compile(
    r",\s+(?:(?:an?|the)\s+(?:(?:[a-z][\w.-]*|[A-Z][\w.-]*)\s+){0,3}?(?:institute|university|"
    r"lab|laboratory|startup|start-up|company|firm|developer|[a-z]*maker|group|regulator|agency|"
    r"utility|broadcaster|publisher|non-profit|nonprofit|foundation|consultancy|bank|lender|"
    r"insurer|brokerage)(?![\w'’-])|"
    r"(?:based|headquartered)\s+in\b)"  # "a U.S. drugmaker"; "Kairo Silicon, based in Seoul,"
)
_APPOSITION_CUE = re.compile(
    r"(?<![\w&.'’-])(?P<name>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,2})(?="
    + _ORG_APPOSITION.pattern
    + ")"
)
# Words one of which every match of a cue holds (case as written in the pattern): a sentence
# with none of them is not searched. Scanning every sentence with each cue was a tenth of the
# rules' time; most sentences hold none of these words. A cue not listed is always searched.
# Keep each list in step with its pattern.
_CUE_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _INVESTOR_CUES[0]: (
        "led by",
        "backed by",
        "investor",
        "participation from",
        "funding from",
        "investment from",
    ),
    _INVESTOR_CUES[1]: ("investing", "participating", "joining", "contributing", "taking part"),
    _INVESTOR_CUES[2]: ("round", "raise", "financing", "investment"),
    _NAMING_CUES[0]: (
        *("based", "headquartered", "located", "office", "campus", "centre", "center"),
        *("plant", "factory", "facility", "near", "outside", "north", "south", "east", "west"),
    ),
    _NAMING_CUES[1]: (  # _PERSON_ROLE's jobs
        *("researcher", "analyst", "engineer", "scientist", "economist", "executive"),
        *("founder", "director", "minister", "lawyer", "professor", "spokes", "judge"),
        *("officer", "manager", "reporter", "partner"),
    ),
    _NAMING_CUES[4]: ("analyst", "benchmark", "leaderboard"),
}


def _may_match(cue: re.Pattern[str], sentence: str) -> bool:
    """False when the sentence cannot hold a match of the cue (see `_CUE_WORDS`)."""
    words = _CUE_WORDS.get(cue)
    if words is None:
        return True
    low = sentence.lower()  # the cues read "Chief Financial Officer" as "officer" too
    return any(w in low for w in words)


# An organisation by who works for it: "the chief executive of Quora" (not "the president of
# France": a country has a president too).
_ORG_ROLE_BEFORE = re.compile(
    r"\b(?i:chief executive|CEO|CTO|CFO|COO|(?:co-?)?founders?|chair(?:man|woman)?|board|"
    r"employees|shareholders|investors)\s+(?i:of|at)\s+$"
)


# "the developers' association X", "the regulator X": the noun names what X is.
_ORG_NOUN_BEFORE = re.compile(
    r"\b(?:the|an?|[\w-]+['’]s?)\s+(?:association|regulator|watchdog|authority|agency|startup|"
    r"start-up|company|firm|nonprofit|non-profit|charity|foundation|institute|union|ministry|"
    r"consortium|cooperative)\s+$"
)


def _possessed_context(sentence: str, name: str, places: Collection[str] = ()) -> bool:
    """Whether the sentence writes the name as a named owner's ("Nvidia's Blackwell"), not a
    place's ("Switzerland's KBX")."""
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if _POSSESSOR_BEFORE.search(before) and not _place_possessor(before, places):
            return True
    return False


def _org_apposition(sentence: str, name: str) -> bool:
    """Whether the sentence describes the name as an organisation ("Mila, the ... institute",
    "the developers' association X", "the chief executive of Quora")."""
    return any(
        _ORG_APPOSITION.match(sentence, m.end())
        or _ORG_NOUN_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()]) is not None
        or (
            _ORG_ROLE_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()]) is not None
            and not re.match(r"\s+[A-Z\d]", sentence[m.end() : m.end() + 2])  # a longer name
        )
        for m in _name_pattern(name).finditer(sentence)
    )


# Where something is, without a verb of place: "users in the Nordics", "paused in the
# European Union", "across the Nordics"; not "an office within the Commission". "The" is
# required: products are used "in" too ("edit photos in Pixelmate") but take no article.
# Not where money or a share goes ("$2 billion in the Orvane fund", "a stake in the ..."),
# nor where something is written ("published in the Official Journal").
_IN_PLACE_BEFORE = re.compile(r"(?<![\w-])(?i:in|across|throughout)\s+the\s+$")
_IN_HOLDING_BEFORE = re.compile(
    r"(?i:invest\w*|stakes?|shares?|holdings?|interest|equity|bet|bets|position|roles?|seat|"
    r"involved|participat\w*|\d%|percent|[$€£]\S*|million|billion|trillion|publish\w*|"
    r"publication|report\w*|wrote|written|writing|appear\w*|article|story|op-ed|essay|column|"
    r"interview|post|paper|letter|filing|filed|quoted|cited)\s+"
    r"(?:[\w$.,%-]+\s+){0,1}(?i:in|inside|within)\s+(?:the\s+)?$"
)
# Nouns a name modifies when it is no place: "in Orvane shares", "in the Orvane models".
_HELD_AFTER = frozenset(
    _wordlist(
        "shares stock stocks stake equity bonds debt products product models model chips chip "
        "services service software hardware platform platforms app apps tools tool devices "
        "device ecosystem API account accounts"
    )
)


def _in_place(sentence: str, start: int, end: int) -> bool:
    """Whether the name at sentence[start:end] is where something is ("in the Nordics")."""
    before = sentence[max(0, start - 50) : start]
    if not _IN_PLACE_BEFORE.search(before) or _IN_HOLDING_BEFORE.search(before):
        return False
    if re.match(r"\s+[A-Z\d]|['’]", sentence[end : end + 2]):
        return False  # "in Kestrel" of "in Kestrel Video 2", "in Orvane's lab": another name
    after = re.match(r"\s+([a-z]+)", sentence[end : end + 30])
    return after is None or not (
        after.group(1) in _HELD_AFTER or after.group(1) in _NOT_PLACE_AFTER
    )


def _place_context(sentence: str, name: str) -> bool:
    """Whether the sentence uses the name as a location ("based in Oslo", "an Oslo-based",
    "sold in the Nordics")."""
    for m in _name_pattern(name).finditer(sentence):
        if _PLACE_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()]):
            return True
        if _in_place(sentence, m.start(), m.end()):
            return True
        if sentence.startswith("-based", m.end()):
            return True
        if _ARTICLE_BEFORE.search(sentence[max(0, m.start() - 6) : m.start()]) and (
            _COMPANY_NOUN_AFTER.match(sentence, m.end())
        ):
            return True  # "an Oslo startup", "the Texas developer": where a company is
    return False


# What only organisations have, written around a name: shares, analysts, staff, a chief
# ("shares of Corbel", "analysts at Vexmoor", "Vexmoor analysts said", "Vexmoor's chief
# executive"). A place has none of them, and no person is "shares of" anything. Not "Oslo
# staff" or "Tokyo shares": a place's name modifies those nouns, so they count only with a
# possessive, as "Tokyo's shares" would not be written.
_ORG_CUE_BEFORE = re.compile(
    r"\b(?i:(?:shares|stock|shareholders|bonds)\s+of|stake\s+in|"  # not "listed in Hong Kong"
    r"(?:acquisition|takeover)\s+of|acquired|acquiring|(?:agreed|agrees|plans?)\s+to\s+"
    r"(?:acquire|buy)|"
    r"(?:analysts?|economists?|strategists?|researchers|engineers|executives?|employees|"
    r"spokes(?:man|woman|person)|lawyers|customers|clients|chief executive|CEO|CFO|CTO)\s+"
    r"(?:at|of))\s+(?:the\s+)?$"  # not "the founders of the United States"
)
_ORG_CUE_AFTER = re.compile(
    r"^(?:\s+(?i:analysts?|economists?|strategists?|spokes(?:man|woman|person)|shareholders|"
    r"acquisition|takeover)\b|"
    r"['’]s?\s+(?:(?:own|new|former|top)\s+)?(?i:analysts?|economists?|strategists?|shares|"
    r"stock|shareholders|spokes(?:man|woman|person)|chief executive|chief \w+ officer|CEO|"
    r"CFO|CTO|COO|executives|employees|staff|board)\b)"
)
# What companies do, for a name that ends like one ("Halvard AI"): it speaks, raises, hires
# and ships, owns a model, takes a round. "Vertex AI" and "Apple Intelligence", products
# named the same way, are run on and offered through instead (see `_platform_context`).
_AGENT_AFTER = re.compile(
    r"^(?:,?\s+(?:has\s+|had\s+|have\s+|also\s+|then\s+)?(?:said|says|announced|raised|hired|"
    r"acquired|reported|employs|declined|denied|confirmed|agreed|signed|released|launched|"
    r"unveiled|introduced|shipped|plans|expects|builds|makes|sells|develops|was founded|"
    r"is based|is headquartered)\b|"
    r"\s+[a-z]{3,}\s+its\s+(?!own\b)[a-z]|"  # "KBX cut its forecast": what has an "its" acts
    r"['’]s?\s+(?:(?:own|new|latest|first|flagship)\s+)?(?:[\w-]+\s+){0,2}?(?:models?|"
    r"chatbots?|apps?|API|products?|investors|backers|funding|round)\b)"
)
_AGENT_BEFORE = re.compile(
    r"\b(?i:(?:round|investment|stake|invested|investing)\s+in|backed|acquired|"
    r"(?:co-)?founded|chief executive of|CEO of)\s+(?:the\s+)?$"
)
# A ranking, by how results are written: "scored 71% on X", "placed second on X", "tops
# X", "at the top of X", or the noun after it: "the X benchmark", "X leaderboard".
_BOARD_BEFORE = re.compile(
    r"(?:\b(?i:scor\w*|rank(?:s|ed)?|plac(?:ed|es)|came|finished)|\d\s*(?:%|percent|points?))"
    r"\s+(?:[\w.%-]+\s+){0,3}?on\s+(?:the\s+)?$|\b(?i:tops|topped|top\s+of)\s+(?:the\s+)?$"
)
_BOARD_AFTER = re.compile(
    r"^\s+(?:benchmarks?|leaderboards?|index|suite|rankings?|evals?|evaluations?|scores?|"
    r"results)\b"  # "the X results": a company's are "X's results"
    r"|^,\s+(?:the|an?)\s+(?:[\w-]+\s+){0,3}?(?:leaderboard|benchmark|ranking)\b"
    # "CodeLadder, the independent coding leaderboard"
)
# Nouns after "in X" that make X something other than a place ("in the X results").
_NOT_PLACE_AFTER = frozenset(
    _wordlist(
        "benchmark benchmarks leaderboard leaderboards rankings ranking results index round edition"
    )
)
# Where something is without a verb of place: "near Porto Alegre", "south of Pune", "in
# Curitiba". A bare "in" is the weaker cue: products are used "in" too ("edit in Slack").
_NEAR_BEFORE = re.compile(
    r"(?<![\w-])(?i:near|outside|around|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)"
    r"\s+$"
)
_BARE_IN_BEFORE = re.compile(r"(?<![\w-])(?i:in)\s+$")


# A portfolio after an office: "Minister of Digital Affairs", "Secretary for Energy".
_PORTFOLIO_BEFORE = re.compile(
    r"\b(?:Minister|Secretary|Commissioner)\s+(?:of|for)\s+(?:the\s+)?(?:State\s+for\s+)?$"
)


def _portfolio(sentence: str, name: str) -> bool:
    """Whether every mention of the name in the sentence is an office's portfolio."""
    written = list(_name_pattern(name).finditer(sentence))
    return bool(written) and all(
        _PORTFOLIO_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()]) for m in written
    )


def _org_cue_context(sentence: str, name: str) -> bool:
    """Whether the sentence gives the name shares, analysts or staff ("shares of Corbel")."""
    for m in _name_pattern(name).finditer(sentence):
        if _ORG_CUE_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()]):
            return True
        if _ORG_CUE_AFTER.match(sentence[m.end() : m.end() + 40]):
            return True
    return False


# One of a group the sentence names: "broadcasters, including NRK", "regulators such as the
# CNIL and ...": the name is one of the things the plural noun counts.
_GROUP_BEFORE = re.compile(
    r"\b[A-Za-z][a-z]{2,}s(?:\s+(?:in|from|of|at)\s+[A-Z][\w-]*)?,?\s+(?:including|such\s+as|like|"
    r"among\s+them)\s+(?:the\s+)?"
    r"(?:[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*,?\s+(?:and\s+|or\s+)?(?:the\s+)?)*$"
)


def _example_of_group(sentence: str, name: str) -> bool:
    """Whether the sentence names the name as one of a group ("broadcasters, including NRK")."""
    return any(
        _GROUP_BEFORE.search(sentence[max(0, m.start() - 120) : m.start()])
        for m in _name_pattern(name).finditer(sentence)
    )


def _agent_context(sentence: str, name: str) -> bool:
    """Whether the sentence has the name do what companies do ("Halvard AI said")."""
    for m in _name_pattern(name).finditer(sentence):
        if _AGENT_AFTER.match(sentence[m.end() : m.end() + 60]):
            return True
        if _AGENT_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()]):
            return True
    return False


def _board_context(sentence: str, name: str) -> bool:
    """Whether the sentence writes the name as a ranking ("placed second on X")."""
    for m in _name_pattern(name).finditer(sentence):
        if re.match(r"\s*[A-Z\d]", sentence[m.end() : m.end() + 2]):
            continue  # part of a longer name
        if _BOARD_AFTER.match(sentence[m.end() : m.end() + 60]):
            return True
        if _BOARD_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()]):
            return True
    return False


def _near_place_votes(sentence: str, name: str) -> int:
    """Place votes from a bare locative before the name: 2 for "near X", 1 for "in X"."""
    votes = 0
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 50) : m.start()]
        near = _NEAR_BEFORE.search(before)
        if not (near or _BARE_IN_BEFORE.search(before)) or _IN_HOLDING_BEFORE.search(before):
            continue
        if re.match(r"\s+[A-Z\d]|['’]", sentence[m.end() : m.end() + 2]):
            continue  # "in Kestrel Video 2", "in Orvane's lab": another name
        after = re.match(r"\s+([a-z]+)", sentence[m.end() : m.end() + 30])
        if after and (after.group(1) in _HELD_AFTER or after.group(1) in _NOT_PLACE_AFTER):
            continue
        votes = max(votes, 2 if near else 1)
    return votes


def _mostly_place(labels: Counter[str] | None) -> bool:
    """Whether most of the recogniser's labels for a name are places'."""
    if not labels:
        return False
    return labels["GPE"] + labels["LOC"] > sum(labels.values()) / 2


def _person_context(sentence: str, name: str) -> bool:
    """Whether the sentence uses a full name as a person's ("X, who founded", "said X"); not
    where it names where someone is ("officials in X said")."""
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 60) : m.start()]
        if _PERSON_BEFORE.search(before):
            return True
        if _PERSON_AFTER.match(sentence[m.end() : m.end() + 80]) and not _WHERE_BEFORE.search(
            before
        ):
            return True
    return False


_WHERE_BEFORE = re.compile(
    r"\b(?i:in|at|near|across|throughout)\s+(?:the\s+)?(?:"
    + _NAME
    + r"(?:,\s*(?:and\s+)?|\s+and\s+))?$"  # "officials in Sona Nagar and X said"
)
_MODEL_NOUN_AFTER = re.compile(r"\s+(?:models?|chatbots?|assistants?|agents?|browsers?)\b")


def _model_context(sentence: str, name: str, attributive: bool = True) -> bool:
    """Whether the sentence calls the name a model ("its model Quill", "Quill, a coding
    model"); with `attributive` False, "X models" does not count (for a company's name:
    "Halvard AI models" are the company's)."""
    for m in _name_pattern(name).finditer(sentence):
        if _MODEL_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()]):
            return True
        after = sentence[m.end() : m.end() + 60]
        if _MODEL_AFTER.match(after) and (attributive or not _MODEL_NOUN_AFTER.match(after)):
            return True
    return False


# What a launch is of: "the company introduced Deep Research", "Veltro rolled out Pulse".
# Companies are not launched, and a person is "introduced as" something.
_LAUNCHED_BEFORE = re.compile(
    r"\b(?:launch(?:ed|es)|releas(?:ed|es)|unveil(?:ed|s)|introduc(?:ed|es)|rolled\s+out|"
    r"rolls\s+out|debut(?:ed|s)|previewed|shipped)\s+(?:(?:its|their|a|an|the)\s+)?"
    r"(?:(?:new|first|latest)\s+)?$"
)
# What is retired is a product too: "sunset Trelane Sketchpad", "is killing Sketchpad".
_RETIRED_BEFORE = re.compile(
    r"\b(?:sunset(?:s|ting)?|retir(?:e|es|ing)|discontinu(?:e|es|ed|ing)|deprecat(?:e|es|ed|ing)|"
    r"shut(?:s|ting)?\s+down|kill(?:s|ed|ing)|end-of-life)\s+(?:(?:its|their|our|the)\s+)?$"
)
_NOT_LAUNCHED_AFTER = re.compile(r"(?:['’]s?|\s+as\b|\s+[A-Z\d])")
# An event's name: "its "Advancing AI" event", "the Build Summit": no company, model or person.
_EVENT_AFTER = re.compile(
    r"[\"”’']?\s+(?:event|conference|summit|keynote|expo|festival|hackathon|showcase|"
    r"livestream|webinar|developer\s+day|trade\s+show)s?\b"
)
EVENT_WORDS = frozenset(
    _wordlist("Summit Conference Expo Festival Hackathon Keynote Symposium Congress Convention")
)
# Things, not people, a name is listed as one of: "sites such as X", "platforms like X, Y".
_THING_BEFORE = re.compile(
    r"\b(?i:sites|websites|platforms|services|apps|tools|products|brands|libraries|databases|"
    r"datasets|repositories|archives|marketplaces|networks|outlets|channels|games|companies|"
    r"firms|startups|models|chips|banks|funds|benchmarks|leaderboards)\s+(?:such\s+as|like|"
    r"including)\s+(?:(?:the\s+)?" + _NAME + r"(?:,\s*|,?\s+(?:and|or)\s+))*(?:the\s+)?$"
)


def _launched_context(sentence: str, name: str) -> bool:
    """Whether the sentence has the name launched ("the company introduced Deep Research") or
    retired ("sunset Sketchpad"), not a word it qualifies ("launched Tokyo operations")."""
    for m in _name_pattern(name).finditer(sentence):
        before = sentence[max(0, m.start() - 40) : m.start()]
        if not (_LAUNCHED_BEFORE.search(before) or _RETIRED_BEFORE.search(before)):
            continue
        noun = _LOWER_WORD_AFTER.match(sentence, m.end())
        if not _NOT_LAUNCHED_AFTER.match(sentence, m.end()) and not (
            noun and noun.group(1) not in STOPWORDS
        ):
            return True
    return False


_LOWER_WORD_AFTER = re.compile(r"\s+([a-z]+)")


def _event_context(sentence: str, name: str) -> bool:
    """Whether the sentence names an event by the name ("at its "Advancing AI" event")."""
    return any(
        _EVENT_AFTER.match(sentence, m.end()) for m in _name_pattern(name).finditer(sentence)
    )


def _thing_context(sentence: str, name: str) -> bool:
    """Whether the sentence lists the name as one of some things ("sites such as X")."""
    return any(
        _THING_BEFORE.search(sentence[max(0, m.start() - 160) : m.start()])
        for m in _name_pattern(name).finditer(sentence)
    )


# --- datelines, ordinary words, products named after their maker ----------------------------

# A wire or press-release dateline opening a line: "OSLO, Nov 17 (Nordwire) -", "SAN
# FRANCISCO, Jan. 27, 2026 /PRNewswire/ --", "AUSTIN, Texas (AP) —". Its capitalised words
# are places, whatever the recogniser makes of an all-caps word; the wire service in brackets
# or slashes publishes the story and is no vendor. A date or a wire is required: a
# capitalised heading alone ("UPDATE 2 -") is no dateline.
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:[ \t][A-Z][A-Z.'’-]+){0,3}"
_DATELINE = re.compile(
    rf"^[ \t*_>]*(?P<places>{_CAPS_PLACE}(?:[ \t]*(?:/|&|\band\b)[ \t]*{_CAPS_PLACE})*)"
    r"(?:,[ \t]*(?P<region>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?\.?))?"
    rf"(?:,?[ \t]+(?P<date>(?i:{MONTH_RE})[ \t]*\d{{1,2}}(?:,?[ \t]*\d{{4}})?|"
    rf"\d{{1,2}}[ \t]+(?i:{MONTH_RE})(?:[ \t]+\d{{4}})?))?"
    r"[ \t]*(?:\((?P<wire>[^()\n]{2,40})\)|/(?P<newswire>[^/\n]{2,40})/)?[ \t]*[-–—]{1,2}[ \t]",
    re.MULTILINE,
)
# Datelines open an article: only the first lines of a passage are read for one.
_DATELINE_WINDOW = 400


@dataclass(frozen=True)
class Dateline:
    """What a dateline says: its places, written as names ("Oslo"), and the wire service."""

    places: tuple[str, ...]
    publisher: str = ""


def _title_case(caps: str) -> str:
    """ "SAN JOSE" -> "San Jose", "WINSTON-SALEM" -> "Winston-Salem"."""
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), caps)


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening the text (after a title line, if any), or None."""
    for m in _DATELINE.finditer(text, 0, _DATELINE_WINDOW):
        wire = m["wire"] or m["newswire"] or ""  # "(Nordwire)", "/PRNewswire/"
        if not (m["date"] or wire):
            continue
        places = [
            _title_case(p)
            for p in re.split(r"[ \t]*(?:/|&|\band\b)[ \t]*", m["places"])
            if p and not all(w.lower() in GENERIC or w.lower() in STOPWORDS for w in p.split())
        ]
        if not places or any(without_legal_form(p) != p for p in places):
            continue  # "TRELANE SYSTEMS INC (TRLN) --": a company and its ticker, no dateline
        region = (m["region"] or "").rstrip(".")
        if region and not m["region"].endswith(".") and not re.fullmatch(MONTH_RE, region, re.I):
            places.append(region)  # "AUSTIN, Texas": "Calif." is an abbreviation, left out
        return Dateline(tuple(places), wire.strip())
    return None


# A line written in capitals ("TRELANE SYSTEMS INC (TRLN) -- Q3 2026 EARNINGS CALL"): two
# capitalised words in a run, and no small letter on the line.
_CAPS_RUN = re.compile(r"[A-Z]{3,}[ \t]+[A-Z&]{2,}")
_CAPS_LINE = re.compile(r"^[^a-z\n]*[A-Z]{3,}[ \t]+[A-Z&]{2,}[^a-z\n]*$", re.MULTILINE)


def _caps_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if m.start() and word.lower() in STOPWORDS:
        return word.lower()  # "OF", "AND" inside a name: small words
    cased = word.capitalize()
    if len(word) <= 2 or (
        word.lower() in GENERIC and len(word) <= 4 and not _LEGAL_FORM.fullmatch(" " + cased)
    ):
        return word  # "AI", "EU", "CEO": acronyms stay
    return cased


def _caps_line_cased(m: re.Match[str]) -> str:
    line = m.group(0)
    if find_dateline(line + " ") is not None:
        return line  # "OSLO (Nordwire) --": a dateline's capitals say where
    # words in brackets are codes and tickers ("(TRLN)"), words with digits too ("Q3")
    return re.sub(r"(?<![\w(.'’-])[A-Z][A-Z'’]*(?![\w)])", _caps_word, line)


def title_cased_caps(text: str) -> str:
    """The text with each line written in capitals title-cased, as a name is written: the
    recogniser reads "Trelane Systems Inc", not the shouted "TRELANE SYSTEMS INC"."""
    if not _CAPS_RUN.search(text):
        return text
    return _CAPS_LINE.sub(_caps_line_cased, text)


def _capitalised_anyway(sentence: str, start: int) -> bool:
    """Whether English capitalises any word at sentence[start]: at the start of a sentence,
    line or list item, after an opening "The"/"A", after "the" (a short reference to a
    longer name: "the Times", "the Commission"), or in a headline-cased line."""
    line_start = sentence.rfind("\n", 0, start) + 1
    before = sentence[line_start:start]
    if re.fullmatch(r"[\W_]*(?:(?:The|A|An)\s+)?", before) or re.search(r"\bthe\s+$", before):
        return True
    line_end = sentence.find("\n", start)
    line = sentence[line_start : line_end if line_end >= 0 else len(sentence)]
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) <= 14 and not line.rstrip().endswith(".") and capitalised >= 0.6 * len(words)


def _ordinary_words(mentions: dict[str, _Mention], in_sentence: dict[str, list[str]]) -> set[str]:
    """Keys of unlisted one-word names that are everyday English ("Media", "Search", "Times")
    and that the texts capitalise only where English capitalises any word: nothing says they
    are names. A name has other evidence: a mid-sentence capital ("with Zoom and Slack"), a
    suffix, investor phrasing, a model's context."""
    candidates = {
        k
        for k, m in mentions.items()
        if not (m.prior or m.suffix or m.investor or m.product or m.place)
        and m.kind() in ("vendor", "model", "")  # "Paris", "Georgia" are common and places
        and is_common_word(m.name)
    }
    named: set[str] = set()
    for s, keys_here in in_sentence.items():
        for k in keys_here:
            if k in candidates and k not in named:
                written = _name_pattern(mentions[k].name).finditer(s)
                if any(not _capitalised_anyway(s, m.start()) for m in written):
                    named.add(k)
    return candidates - named


def _headline_line(sentence: str, start: int) -> bool:
    """Whether the line holding sentence[start] is a headline: short, most words capitalised,
    no closing full stop ("Dutch Regulator Fines Brenholt Bank; Shares Slip")."""
    line_start = sentence.rfind("\n", 0, start) + 1
    line_end = sentence.find("\n", start)
    line = sentence[line_start : line_end if line_end >= 0 else len(sentence)]
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(words) <= 24 and not line.rstrip().endswith(".") and capitalised >= 0.6 * len(words)


def _ordinary(word: str, lower_words: frozenset[str]) -> bool:
    """Whether a capitalised word is an everyday word: common in English, or written in lower
    case in the document in some form ("Approves" beside "approved")."""
    low = word.lower()
    stem = re.sub(r"(?:es|ed|ing|s|d)$", "", low)
    forms = {low, stem, stem + "s", stem + "es", stem + "ed", stem + "d", stem + "ing"}
    return zipf(low) >= 4.0 or bool(forms & lower_words)


def _headline_phrases(
    mentions: dict[str, _Mention], in_sentence: dict[str, list[str]], lower_words: frozenset[str]
) -> set[str]:
    """Keys of unlisted names written only in headline-cased lines whose first or last word is
    an everyday one ("Shares Slip", "Maharashtra Approves", "Cheaper Models"): a headline
    capitalises every word, so nothing says the run is a name; and everyday words joined by
    "and" anywhere ("Business and Enterprise"). Names the recogniser reads as places are kept
    ("New Delhi" in a title), and so are suffixed or versioned names."""
    where: dict[str, list[str]] = {}
    for s, keys_here in in_sentence.items():
        for k in keys_here:
            where.setdefault(k, []).append(s)
    out: set[str] = set()
    for k, m in mentions.items():
        words = [w for w in _words(m.name) if w.lower() not in STOPWORDS]
        if m.prior or m.suffix or m.investor or m.place or len(words) < 2 or is_versioned(m.name):
            continue
        if re.search(r"\s(?:and|&)\s", m.name) and all(_ordinary(w, lower_words) for w in words):
            out.add(k)  # "Business and Enterprise": two everyday words joined, not a firm
            continue
        labels = m.labels or Counter()
        if labels["GPE"] + labels["LOC"] > sum(labels.values()) / 2:
            continue
        if not (_ordinary(words[0], lower_words) or _ordinary(words[-1], lower_words)):
            continue
        if all(
            _headline_line(s, w.start())
            for s in where.get(k, ())
            for w in _name_pattern(m.name).finditer(s)
        ):
            out.add(k)
    return out


def _headings_only(mentions: dict[str, _Mention], in_sentence: dict[str, list[str]]) -> set[str]:
    """Keys of unlisted one-word names written only as a line of their own ("Background",
    "FAQ": a page's section headings) with nothing but the recogniser's label to go on."""
    lines: dict[str, bool] = {}
    for s, keys_here in in_sentence.items():
        for k in keys_here:
            m = mentions[k]
            if lines.get(k) is False or " " in m.name:
                continue
            lines[k] = all(
                re.fullmatch(r"[\W_]*", s[s.rfind("\n", 0, w.start()) + 1 : w.start()])
                and re.fullmatch(r"[\W_]*", s[w.end() :].split("\n", 1)[0])
                for w in _name_pattern(m.name).finditer(s)
            )
    return {
        k
        for k, alone in lines.items()
        if alone
        and not (
            (m := mentions[k]).prior
            or m.suffix
            or m.investor
            or m.product
            or m.place
            or m.place_cue
            or m.person_cue
            or m.org_cue
            or m.board
        )
    }


_VENDOR_ALIASES = tuple(sorted({a for v in VENDORS.values() for a in v}, key=len, reverse=True))
_VENDOR_PREFIXES = tuple(alias + " " for alias in _VENDOR_ALIASES)  # same order


def maker_product(name: str) -> str:
    """The curated vendor a name starts with when the rest is one or two capitalised words,
    no title, not all generic words ("Google AI Studio" is a product, "Google Cloud" a
    division), not ending as an organisation's name does ("Meta Superintelligence Labs"), and
    not a listed name: the vendor's product ("Amazon Bedrock" -> "Amazon", "Google Search" ->
    "Google"); else ""."""
    if not name.startswith(_VENDOR_PREFIXES):  # one test for the usual name: no vendor's
        return ""
    for alias, prefix in zip(_VENDOR_ALIASES, _VENDOR_PREFIXES, strict=True):
        if name.startswith(prefix):
            rest = name[len(prefix) :].split()
            ok = (
                1 <= len(rest) <= 2
                and all(
                    w[0].isupper()
                    and not any(c.isdigit() for c in w)
                    and not _TITLES.match(w + " ")
                    for w in rest
                )
                and not all(w.lower() in GENERIC for w in rest)
                and (rest[-1] in _WEAK_SUFFIXES or rest[-1] not in ORG_SUFFIXES | INVESTOR_SUFFIXES)
                and entity_key(name) not in _KNOWN
                and entity_key(" ".join(rest)) not in _KNOWN
            )
            return _KNOWN[entity_key(alias)].name if ok else ""
    return ""


def _batch_head(name: str, mentions: dict[str, _Mention], kinds: dict[str, str]) -> tuple[str, str]:
    """(name, kind) of the company or product of this batch a name starts with, when one or two
    capitalised words follow ("Lexmoor Draft" where Lexmoor is a vendor, "Pairloom Teams" where
    Pairloom is a product): a product or edition, as `maker_product` reads a curated vendor's;
    else ("", "")."""
    words = _words(name)
    for i in range(len(words) - 1, 0, -1):
        head, rest = entity_key(" ".join(words[:i])), words[i:]
        kind = kinds.get(head, "")
        if len(rest) <= 2 and all(w[0].isupper() for w in rest) and kind in ("vendor", "model"):
            return mentions[head].name, kind
        if len(rest) <= 2 and all(w[0].isupper() for w in rest):
            # "Trelane Sketchpad" beside the company "Trelane Systems", named by its head;
            # "Lathe Memory" beside the model "Lathe 2", a feature of its family
            for k, m in mentions.items():
                if (
                    kinds.get(k) == "model"
                    and is_versioned(m.name)
                    and entity_key(_VERSIONED.sub("", m.name)) == head
                ):
                    return m.name, "model"
                if (
                    kinds.get(k) == "vendor"
                    and org_head(m.name)
                    and entity_key(org_head(m.name)) == head
                ):
                    return m.name, "vendor"
    return "", ""


def _maker_product_rest(name: str) -> str:
    """A vendor's product's name without the vendor ("Google Vertex AI" -> "Vertex AI")."""
    maker = maker_product(name)
    alias = next((a for a in _VENDOR_ALIASES if name.startswith(a + " ")), "") if maker else ""
    return name[len(alias) + 1 :] if alias else ""


# "Word N": a capitalised name and a version, with an edition word ("Tack 3", "Cedrus Code 2",
# "Sorrel 3 Mini"). Everyday words are named this way too ("Tier 4", "Article 6", "Round 2"),
# so the shape alone proves nothing: `_versioned_products` asks the text for more.
_EDITIONS = "|".join(sorted(_PRODUCT_ENDINGS | {"Nano", "Flash", "Turbo"}))
_WORD_VERSION = re.compile(
    r"(?<![\w&.'’-])(?P<stem>[A-Z][\w-]*?[a-z][\w-]*(?:[ \t]+[A-Z][\w-]*?[a-z][\w-]*){0,2})"
    r"[ \t](?P<version>\d{1,2}(?:\.\d)?)(?:[ \t](?P<edition>" + _EDITIONS + r"))?"
    r"(?![\w%/-]|[.,]\d|\s*(?:%|percent|per\b|x\b|[$€£]))"
)
# A maker in brackets after a product ("Tack 3 (Trelane)", "Skiff (Pinecastle Labs)").
_BRACKET_MAKER = re.compile(r"\s*\((?:by\s+|from\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,2}\)")
# What is done with a product: run on, moved to, powered, retired, shut down.
_PRODUCT_USE_BEFORE = re.compile(
    r"\b(?:(?:runs?|running|built|based|migrat\w+|mov(?:es|ed|ing|e)|switch\w*|upgrad\w+|"
    r"retrain\w*)\s+(?:on|to)|powers|powered\s+by|retir(?:e|es|ed|ing)|sunset(?:s|ting)?|"
    r"deprecat(?:e|es|ed|ing)|discontinu\w+|kill(?:s|ed|ing)|replac\w+\s+(?:by|with))\s+$"
)
_PRODUCT_USE_AFTER = re.compile(
    r"^\s+(?:runs\s+on|is\s+powered|retires|was\s+(?:shut|retired|deprecated|launched)|"
    r"shut\s+down|(?:is|was)\s+deprecated)\b"
)


def _product_evidence(sentence: str, start: int, end: int) -> int:
    """How surely the text around sentence[start:end] treats it as a product: 2 for a maker's
    possessive before it, a maker in brackets after it, a model word or apposition; 1 for what
    is done with products and with other things too ("runs on X", "moved to X", "sunset X");
    else 0."""
    before = sentence[max(0, start - 60) : start]
    after = sentence[end : end + 60]
    if (
        _POSSESSOR_BEFORE.search(before)
        or _BRACKET_MAKER.match(after)
        or _MODEL_BEFORE.search(before)
        or _MODEL_AFTER.match(after)
    ):
        return 2
    return int(bool(_PRODUCT_USE_BEFORE.search(before) or _PRODUCT_USE_AFTER.match(after)))


def _versioned_products(sentences: Iterable[str], models: Collection[str]) -> list[tuple[str, str]]:
    """(sentence, name) of the "Word N" names the text treats as products: one mention with
    product evidence (see `_product_evidence`) makes every version and edition of its stem a
    product, and so do two versions of one stem ("Sorrel 2" and "Sorrel 3"), or a model of
    that stem found otherwise (`models`, keys). Never a stem the version of which names
    something else ("Tier 4", "Article 6", "September 9"); a stem that is one everyday word
    ("Day 1" and "Day 2", "moved to Level 3") needs a maker or a model word."""
    found: list[tuple[str, str, str]] = []
    proven: set[str] = set()
    surely: set[str] = set()
    everyday: set[str] = set()
    versions: dict[str, set[str]] = {}
    for s in sentences:
        if not any(c.isdigit() for c in s):
            continue
        for m in _WORD_VERSION.finditer(s):
            words = _words(m["stem"])
            while len(words) > 1 and re.search(r"-[a-z]", words[0]):
                words.pop(0)  # "Fine-tuned Sorrel 2": "Sorrel 2"
            stem = " ".join(words)
            if words[0] in NOT_MODEL_WORDS or any(w.lower() in GENERIC for w in words):
                continue
            if year_not_version(stem, m["version"], s, m.end("version")):
                continue
            key = entity_key(stem)
            name = m.group(0)[m.group(0).index(stem) :]
            found.append((s, name, key))
            versions.setdefault(key, set()).add(m["version"])
            if len(words) == 1 and is_common_word(stem):
                everyday.add(key)
            evidence = _product_evidence(s, m.end() - len(name), m.end())
            if evidence == 2:
                surely.add(key)
            if evidence or entity_key(name) in models or len(versions[key]) >= 2:
                proven.add(key)
    return [
        (s, name)
        for s, name, key in found
        if key in surely or (key in proven and key not in everyday)
    ]


# A table whose first column is headed "Model" or "Product": its first cells are names of one.
_TABLE_HEAD = re.compile(r"^[ \t|]*(?:Models?|Products?)[ \t]*\|", re.IGNORECASE | re.MULTILINE)
_FIRST_CELL = re.compile(r"^[ \t|]*(?P<cell>[^|\n]+?)[ \t]*\|", re.MULTILINE)


def _table_products(text: str) -> list[str]:
    """The rows' first cells of each table in the text whose first column says "Model" or
    "Product", without a footnote number after an edition ("Sorrel 3 Max 2")."""
    out: list[str] = []
    for head in _TABLE_HEAD.finditer(text):
        pos = text.find("\n", head.end())
        while pos >= 0:
            line_end = text.find("\n", pos + 1)
            line = text[pos + 1 : line_end if line_end >= 0 else len(text)]
            pos = line_end
            if not line.strip():
                continue
            if "|" not in line:
                break
            cell = _FIRST_CELL.match(line)
            name = cell["cell"] if cell else ""
            if name and not re.fullmatch(r"[\s:-]+", name):
                out.append(re.sub(r"(\d[ \t]+[A-Z][a-z]+)[ \t]+\d$", r"\1", name))
    return out


def _makes_model(sentence: str, name: str, models: Iterable[str]) -> bool:
    """Whether the sentence names the name as a model's maker: its possessive before the
    model ("Trelane's Cedrus Code 2") or in brackets after it ("Tack 3 (Trelane)")."""
    for m in _name_pattern(name).finditer(sentence):
        owner = re.match(r"['’]s\s+", sentence[m.end() : m.end() + 3])
        bracket = sentence[max(0, m.start() - 60) : m.start()].rstrip()
        if not owner and not (bracket.endswith("(") and sentence.startswith(")", m.end())):
            continue
        for model in models:
            if owner and _name_pattern(model).match(sentence, m.end() + owner.end()):
                return True
            if not owner and re.search(_name_pattern(model).pattern + r"\s*\($", bracket):
                return True
    return False


def _bracket_maker(sentence: str, name: str, makers: Collection[str]) -> bool:
    """Whether the name is written with its maker in brackets after it ("Skiff (Pinecastle
    Labs)"); `makers` are the keys of names that are organisations by their suffix or list."""
    for m in _name_pattern(name).finditer(sentence):
        inside = _BRACKET_MAKER.match(sentence, m.end())
        if inside and entity_key(inside.group(0).strip(" ()")) in makers:
            return True
    return False


def recognise(texts: Sequence[str], ner: Any = None) -> list[list[Entity]]:
    """The entities of each text, for tagging a document's passages at ingest.

    `texts` are read together as one batch (usually the passages of one document): a name's
    kind is decided from everything the batch says about it (an "X Capital" or "led by X"
    anywhere makes X an investor everywhere), bare heads fold onto suffixed names seen in the
    batch ("Veridian" -> "Veridian Labs"), and a person's surname onto their full name. The
    recogniser runs once per distinct candidate sentence (see `needs_ner`), in one batch.
    `ner` is a kb.ner.NerModel; by default the cached one is loaded."""
    if ner is None:
        from kb.ner import load_ner  # spaCy loads only when recognition is asked for

        ner = load_ner()
    texts = [title_cased_caps(t) for t in texts]
    ruled = [find_entities(t) for t in texts]
    lower_words = _lower_words(texts)
    sentences: dict[str, list[str]] = {}  # distinct sentence -> names the rules found in it
    per_text: list[list[str]] = []
    for text, found in zip(texts, ruled, strict=True):
        names = [e.name for e in found]
        mine = []
        for a, b in sentence_spans(text):
            sentences.setdefault(text[a:b], names)
            mine.append(text[a:b])
        per_text.append(mine)
    windows = _ner_windows(sentences, lower_words)
    found_spans: dict[str, list[Any]] = {}
    for (s, _), spans in zip(windows, ner.spans([w for _, w in windows]), strict=True):
        found_spans.setdefault(s, []).extend(spans)

    rule_models = {e.name for found in ruled for e in found if e.kind == "model"}
    mentions: dict[str, _Mention] = {}
    for found in ruled:
        for e in found:
            mentions.setdefault(e.key, _Mention(e.name, prior=e.kind))
    in_sentence: dict[str, list[str]] = {}  # sentence -> keys of the new names found there

    vetoed: set[str] = set()
    _note_datelines(texts, per_text, mentions, in_sentence, vetoed)

    def note(s: str, raw: str, label: str) -> None:
        # "the Comissão Nacional de Dados e Algoritmos (CNDA": a name and its acronym
        pieces = [p for p in re.split(r"\s*[()]\s*", raw) if p] if "(" in raw else [raw]
        pieces = [p for piece in pieces for p in _two_names(piece)]
        for part in (part for piece in pieces for part in _split_known(piece, sentences[s])):
            name = clean_name(part)
            if not name:
                continue
            bare = without_legal_form(name)  # "Corrimal Inc." is the vendor Corrimal
            legal, name = bare != name, bare
            key = entity_key(name)
            if label == "NORP" or (
                " " not in name and name.lower() in lower_words and not no_english_word(name)
            ):
                vetoed.add(key)  # "Chinese"; "Verified" also written "verified": a word
                continue
            if key not in _KNOWN and (
                _used_as_licence(s, name)
                or any(_used_as_licence(s, other) for other in _coordinated(s, name))
            ):
                vetoed.add(key)  # "under the Apache 2.0 licence": a licence, whatever its label;
                continue  # "permissive (Apache 2.0, MIT)": listed with one
            if key not in _KNOWN and _part_of_known(s, name, sentences[s]):
                continue  # "Humanity" of "Humanity's Last Exam", "Verified" of "SWE-bench Verified"
            if key not in _KNOWN and _portfolio(s, name):
                continue  # "Minister of Digital Affairs": an office's field, not a name
            prior = _KNOWN.get(key)
            m = mentions.setdefault(
                key,
                _Mention(
                    prior.name if prior else name,
                    prior=prior.kind if prior else "",
                    suffix=org_suffix(name),
                ),
            )
            if legal:
                m.legal = True
                m.suffix = m.suffix or "vendor"
            if maker_product(name):
                m.product = True  # "Amazon Bedrock": a vendor's product
            if label == _INVESTOR_CUE:
                m.investor = True
            elif label:
                if m.labels is None:
                    m.labels = Counter()
                m.labels[label] += 1
            if key not in in_sentence.setdefault(s, []):
                in_sentence[s].append(key)

    for s in sentences:
        for span in found_spans.get(s, ()):
            note(s, span.text, span.label)
            versioned = _with_version(s, span.text)
            if versioned != span.text:  # "Kestrel Video" + " 3": the model, and its family
                note(s, versioned, span.label)
        for name, cue in _cue_names(s, lower_words):
            note(s, name, cue)
    # products named "Word N" that the recogniser missed, and the rows of a table of models
    known_models = {k for k, m in mentions.items() if is_versioned(m.name)}
    products = _versioned_products(sentences, known_models)
    for text, text_sentences in zip(texts, per_text, strict=True):
        for cell in _table_products(text) if "|" in text else ():
            holding = next((s for s in text_sentences if cell in s), None)
            if holding is not None:
                products.append((holding, cell))
    for s, name in products:
        note(s, name, "")
        m = mentions.get(entity_key(clean_name(name)))
        if m is not None and not m.prior:
            m.product = True
    # later mentions of the new names, by their spelling (and bare heads, surnames)
    spellings: list[tuple[str, str]] = []
    short_names = _short_names(mentions)
    for key, m in mentions.items():
        if not m.prior:
            spellings.append((m.name, key))
            if org_head(m.name):
                spellings.append((org_head(m.name), entity_key(org_head(m.name))))
            elif key in short_names:  # "Marlpit told me" after "Marlpit Logistics"
                spellings.append((short_names[key], key))
    for s in sentences:
        for written, key in spellings:
            if (written.split()[0] in s and _name_in(written, s)) or _lower_case_in(written, s):
                listed = in_sentence.setdefault(s, [])
                if key not in listed:
                    listed.append(key)
                    mentions.setdefault(key, _Mention(written, suffix=org_suffix(written)))
    _note_families(mentions, sentences, in_sentence)
    places = {k for k, m in mentions.items() if m.place or _mostly_place(m.labels)}
    companies = {k for k, m in mentions.items() if "vendor" in (m.prior, m.suffix)}
    for s, keys_here in in_sentence.items():
        for key in keys_here:
            m = mentions[key]
            if m.prior:
                continue
            m.investor = m.investor or _investor_context(s, m.name)
            m.product = m.product or _model_context(s, m.name, attributive=not m.suffix)
            if not m.suffix and _bracket_maker(s, m.name, companies):
                m.product = True  # "Skiff (Pinecastle Labs)": the company's product
            m.owned = m.owned or _owned_context(s, m.name, places)
            m.possessed = m.possessed or _possessed_context(s, m.name, places)
            m.launched += _launched_context(s, m.name)
            m.event = m.event or _event_context(s, m.name) or _words(m.name)[-1] in EVENT_WORDS
            m.thing = m.thing or _thing_context(s, m.name)
            if m.suffix and _weak_suffix(m.name):
                m.platform = m.platform or _platform_context(s, m.name, rule_models)
            if not m.suffix and _org_apposition(s, m.name):
                m.labels = m.labels or Counter()
                m.labels["ORG"] += 2  # "Mila, the Quebec AI institute" outweighs a person
                m.org_apposition = True
            m.beside_companies = m.beside_companies or _beside_companies(s, m.name)
            if 2 <= len(_words(m.name)) <= 3 and not m.suffix and _person_context(s, m.name):
                m.labels = m.labels or Counter()
                m.labels["PERSON"] += 2  # the phrasing outweighs one reading as a place
                m.person_cue = True
            if not m.suffix and _place_context(s, m.name):
                m.labels = m.labels or Counter()
                m.labels["GPE"] += 2  # "based in Oslo" outweighs one reading as a company
                m.place_cue += 2
            if _org_cue_context(s, m.name):
                m.org_cue += 1  # "shares of UBS", "Jefferies analyst ...": no place or person
            if (m.suffix or _ACRONYM_NAME.fullmatch(m.name)) and _agent_context(s, m.name):
                m.agent = True  # "Halvard AI said": the company, whatever owns it; "ZTE said"
            if _ACRONYM_NAME.fullmatch(m.name) and not m.example:
                m.example = _example_of_group(s, m.name)
            if not m.suffix and _board_context(s, m.name):
                m.board += 1  # "placed second on Halcyon": a ranking, not a place
            if not (m.suffix or m.board or m.org_cue):
                near = _near_place_votes(s, m.name)
                if near:
                    m.labels = m.labels or Counter()
                    m.labels["GPE"] += near  # "near Porto Alegre"; "in Curitiba" counts less
                    m.place_cue += near

    for s in sentences:
        if "(" in s:
            for m_ in _DEFINED_ACRONYM.finditer(s):
                if (acronym := mentions.get(entity_key(m_["short"]))) is not None:
                    acronym.defined = True
    vetoed |= _ordinary_words(mentions, in_sentence)  # "Media reports", "the Times"
    vetoed |= _headline_phrases(mentions, in_sentence, lower_words)  # "Shares Slip"
    vetoed |= _headings_only(mentions, in_sentence)  # "Background", "FAQ": a section's name
    vetoed |= _everyday_phrases(mentions, texts)  # "Dear Limited Partners" / "our limited partners"
    for k, m in mentions.items():
        head = org_head(m.name)
        if not m.prior and head and entity_key(head) in vetoed and m.name.endswith(" AI"):
            vetoed.add(k)  # "Chinese AI": a group of companies, not one
    kinds = {k: ("" if k in vetoed and not m.prior else m.kind()) for k, m in mentions.items()}
    for k in _numbered_parts(mentions):
        kinds[k] = ""  # "Slide 1" ... "Slide 12", "Retrieved 3": a document's parts, no models
    _note_coordination(mentions, in_sentence, kinds)
    models = [m.name for k, m in mentions.items() if kinds[k] == "model"]
    for k, m in mentions.items():
        family = (
            not m.prior
            and not m.suffix
            and (kinds[k] in ("vendor", "place", "person") or (not kinds[k] and k not in vetoed))
        )  # "Tack" beside "Tack 3", though a lone word read as a person gets no kind
        if family and any(
            v.startswith(m.name) and _VERSION_NEXT.match(v, len(m.name)) for v in models
        ):
            kinds[k] = "model"  # "Kestrel Video" beside "Kestrel Video 2.5": the family
    where: dict[str, list[str]] = {}
    for s, keys_here in in_sentence.items():
        for k in keys_here:
            where.setdefault(k, []).append(s)
    for k, m in mentions.items():
        if m.prior or m.suffix or k in vetoed or is_versioned(m.name):
            continue
        if kinds[k] in ("vendor", "investor", "leaderboard") or (
            kinds[k] == "place" and (m.place or m.place_cue or _mostly_place(m.labels))
        ):
            continue
        if any(_makes_model(s, m.name, models) for s in where.get(k, ())):
            kinds[k] = "vendor"  # "Trelane's Cedrus Code 2", "Tack 3 (Trelane)": the maker
    makers: dict[str, str] = {}
    for k, m in mentions.items():
        if kinds[k] == "person" and not (m.prior or m.person_cue):
            head, head_kind = _batch_head(m.name, mentions, kinds)
            if head:  # "Lexmoor Draft" beside the company Lexmoor: its product, no person;
                kinds[k] = "model"  # "Pairloom Teams" beside the product Pairloom: an edition
                if head_kind == "vendor":
                    makers[k] = head
        elif (
            kinds[k] == "vendor"
            and not (m.prior or m.suffix or m.org_cue or m.investor)
            and _batch_head(m.name, mentions, kinds)[1] == "model"
        ):
            kinds[k] = "model"  # "Lathe Memory" beside "Lathe 2": a feature, no company
    alias = _folds(mentions, kinds)
    for short, full in _acronym_folds(sentences, mentions, kinds).items():
        alias.setdefault(short, full)  # "CAC" -> "Cyberspace Administration of China"

    vendors = [(m.name, mentions[alias.get(k, k)].name) for k, m in mentions.items()]
    vendors += [(org_head(v), v) for _, v in vendors if org_head(v)]  # "Veridian said its..."
    vendors = [(w, v) for w, v in vendors if kinds.get(entity_key(v)) == "vendor"]
    for s in sentences:
        named_vendors = [(w, v) for w, v in vendors if _name_in(w, s)]
        if not named_vendors:
            continue
        for k, m in mentions.items():
            if kinds[k] == "model" and k not in makers and _name_in(m.name, s):
                maker = _maker_of(s, m.name, named_vendors)
                if maker:
                    makers[k] = maker
    for k, m in mentions.items():
        if kinds[k] == "model" and k not in makers and maker_product(m.name):
            makers[k] = maker_product(m.name)  # "Amazon Bedrock" is Amazon's

    out: list[list[Entity]] = []
    for found, text_sentences in zip(ruled, per_text, strict=True):
        here: dict[str, Entity] = {}
        keys_here = [e.key for e in found] + [
            k for s in text_sentences for k in in_sentence.get(s, [])
        ]
        for key in keys_here:
            key = alias.get(key, key)
            kind = kinds.get(key, "")
            if kind:
                here.setdefault(key, Entity(mentions[key].name, kind, makers.get(key, "")))
        out.append(list(here.values()))
    return out


_PHRASE_ZIPF = 4.0  # "limited" 4.9, "partners" 4.6; "tack" 3.0, "lathe" 2.6


def _everyday_phrases(mentions: dict[str, _Mention], texts: Sequence[str]) -> set[str]:
    """Keys of unlisted names of two or more everyday words that the batch also writes in
    lower case as a plain phrase ("Dear Limited Partners," beside "our limited partners"): a
    phrase capitalised by a salutation or a heading, not a name. A forum's lower-case "tack
    pro" is no such phrase: "tack" is no everyday word."""
    out: set[str] = set()
    written: str | None = None  # the batch as written, searched for the lower-case phrase
    for k, m in mentions.items():
        words = _words(m.name)
        if m.prior or len(words) < 2 or not all(w.isalpha() for w in words):
            continue
        if not all(zipf(w.lower()) >= _PHRASE_ZIPF for w in words):
            continue
        written = written if written is not None else "\n".join(texts)
        phrase = m.name.lower()
        if phrase in written and re.search(
            r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", written
        ):
            out.add(k)
    return out


_NUMBERED = re.compile(r"(?P<head>[A-Z][a-z]+) (?P<number>\d+(?:\.\d+)?)")
_NUMBERED_PARTS = 3  # distinct numbers after one everyday word: a numbered series
_PART_ZIPF = 3.5  # "slide" 4.3, "retrieved" 3.8; model families are rarer ("heron" 3.1)


def _two_names(span: str) -> list[str]:
    """A span that joins two many-word names with "and" as the two ("Pipit Health and Pyxis
    Micro"); a firm named for two people stays one ("Procter and Gamble", "Hartigan & Vale")."""
    left, sep, right = span.partition(" and ")
    if sep and len(left.split()) >= 2 and len(right.split()) >= 2 and right[:1].isupper():
        return [left, right]
    return [span]


def _short_names(mentions: dict[str, _Mention]) -> dict[str, str]:
    """key -> the first word a batch may call a many-word name by, when that word is no
    English word and starts no other name of the batch ("Marlpit" for "Marlpit Logistics",
    "Tallyhawk" for "Tallyhawk Sheets"); names with an organisation's suffix have their head
    for it already (see `org_head`)."""
    firsts: dict[str, list[str]] = {}
    for k, m in mentions.items():
        words = _words(m.name)
        if len(words) >= 2:
            firsts.setdefault(words[0], []).append(k)
    return {
        ks[0]: first
        for first, ks in firsts.items()
        if len(ks) == 1
        and not mentions[ks[0]].prior
        and not org_head(mentions[ks[0]].name)
        and first.isalpha()
        and first[0].isupper()
        and no_english_word(first)
    }


def _numbered_parts(mentions: dict[str, _Mention]) -> set[str]:
    """Keys of "Word N" names that number a document's parts, not a product's versions: an
    everyday word followed by three or more numbers in one batch ("Slide 1" to "Slide 12" of a
    deck, a wiki's "Retrieved 3 March" reference list, "Item 1.01"), unless the curated lists
    know the family. A model family rarely shows three versions in one article, and when it
    does its name is seldom an everyday word."""
    series: dict[str, set[str]] = {}
    for k, m in mentions.items():
        if (hit := _NUMBERED.fullmatch(m.name)) and hit["head"] not in MODEL_FAMILIES:
            series.setdefault(hit["head"], set()).add(k)
    return {
        k
        for head, ks in series.items()
        if len(ks) >= _NUMBERED_PARTS
        and zipf(head.lower()) >= _PART_ZIPF
        and entity_key(head) not in _KNOWN
        for k in ks
    }


# A list of names: "the United States and the European Union", "Amazon Bedrock, Google
# Vertex AI or IBM watsonx". A name listed with others is most likely of their kind.
_ITEM_NAME = r"([A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|\d[\w.]*)){0,3})"
_LIST_ITEM = r"(?:the\s+)?" + _ITEM_NAME
_COORD_BEFORE = re.compile(_LIST_ITEM + r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?$")
_COORD_AFTER = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)" + _LIST_ITEM)
_OWNER_AFTER = re.compile(r"['’]s?(?![\w'’])")


def _coordinated(sentence: str, name: str) -> list[str]:
    """The names listed right before and after the name in the sentence, as written."""
    out: list[str] = []
    for m in _name_pattern(name).finditer(sentence):
        if _OWNER_AFTER.match(sentence, m.end()):
            continue  # "Amazon Bedrock and Google Cloud's Vertex AI": the owner is not listed
        before = _COORD_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()])
        if before:
            out.append(before.group(1))
        after = _COORD_AFTER.match(sentence, m.end())
        if after and not _POSSESSIVE.search(after.group(1)):
            out.append(after.group(1))  # not "Meridian Telecom, Japan's largest operator"
    return out


_BRACKETED = re.compile(r"\((?:the\s+)?" + _ITEM_NAME + r"\s*[,;)]")


def _bracket_siblings(sentence: str, name: str) -> list[str]:
    """The other names a sentence writes in the same slot, each opening a bracket, when the
    name opens one too: "`ap-south-1` (Mumbai) and `sa-east-1` (São Paulo)": names in one
    series of brackets are alike."""
    if "(" + _first_word(name) not in sentence.replace("(the ", "("):
        return []
    opened = [m.group(1) for m in _BRACKETED.finditer(sentence)]
    key = entity_key(name)
    if not any(entity_key(o) == key for o in opened):
        return []
    return [o for o in opened if entity_key(o) != key]


def _kind_of_written(written: str, kinds: dict[str, str]) -> str:
    """The kind of a listed name as written, from its longest known tail ("Google Cloud's
    Vertex AI" -> "Vertex AI"): a name of this batch, a curated name, a vendor's product."""
    words = _words(_POSSESSIVE.sub("", re.split(r"['’]s\s+", written)[-1]))
    for i in range(len(words)):
        tail = " ".join(words[i:])
        key = entity_key(tail)
        if maker_product(tail):
            return "model"
        kind = kinds.get(key) or _KNOWN.get(key, _NO_KIND).kind
        if kind:
            return kind
    return ""


def _note_coordination(
    mentions: dict[str, _Mention], in_sentence: dict[str, list[str]], kinds: dict[str, str]
) -> None:
    """A name with no evidence of its kind but the recogniser's label takes the kind of the
    places or products it is listed with ("the United States and the European Union"; "Amazon
    Bedrock and Vertex AI"); `kinds` is updated in place."""
    # a name only the recogniser's label calls an organisation may be a place; one whose
    # weak suffix calls it one ("Vertex AI") may be a place or a product
    weak = {
        k: ("place", "model") if m.suffix else ("place",)
        for k, m in mentions.items()
        if kinds.get(k) in ("vendor", "model")
        and not (m.prior or m.investor or m.product or m.place or is_versioned(m.name))
        and (m.labels if not m.suffix else _weak_suffix(m.name))
    }
    # ... and one only the label calls a person may be a place ("in Sona Nagar and X")
    weak |= {
        k: ("place",)
        for k, m in mentions.items()
        if kinds.get(k) == "person" and not (m.person_cue or m.prior or m.suffix)
    }
    votes: dict[str, Counter[str]] = {}
    for s, keys_here in in_sentence.items():
        for k in keys_here:
            if k in weak:
                listed = _coordinated(s, mentions[k].name)
                for written in listed + _bracket_siblings(s, mentions[k].name):
                    kind = _kind_of_written(written, kinds)
                    if kind in weak[k] and entity_key(written) != k:
                        votes.setdefault(k, Counter())[kind] += 1
    for k, counted in votes.items():
        if len(counted) == 1:  # all of one kind
            mentions[k].coordinated = next(iter(counted))
            kinds[k] = mentions[k].kind()


def _part_of_known(sentence: str, name: str, known: Sequence[str]) -> bool:
    """Whether every mention of the name in the sentence is inside a listed model's or
    leaderboard's name, or the edition word right after one ("SWE-bench Verified", "Veo 3
    Fast"): the recogniser read part of a name the rules found."""
    spans = [  # (start, end, listed): a name of the curated lists, or one a shape rule found
        (m.start(), m.end(), entity_key(k) in _KNOWN)
        for k in known
        if _KNOWN.get(entity_key(k), _NO_KIND).kind != "vendor"
        for m in _name_pattern(k).finditer(sentence)
    ]
    if not spans:
        return False
    written = list(_name_pattern(name).finditer(sentence))

    def inside(w: re.Match[str]) -> bool:
        # inside a shape-found name is its family ("Kestrel Video" of "Kestrel Video 2.5")
        return any(
            (listed and a <= w.start() and w.end() <= b)
            or (" " not in name and re.fullmatch(r"\s+", sentence[b : w.start()]) is not None)
            for a, b, listed in spans
        )

    return bool(written) and all(inside(w) for w in written)


def _note_datelines(
    texts: Sequence[str],
    per_text: Sequence[Sequence[str]],
    mentions: dict[str, _Mention],
    in_sentence: dict[str, list[str]],
    vetoed: set[str],
) -> None:
    """Record each text's dateline: its places as places, named as written in a sentence
    ("Oslo", not "OSLO") and listed in the dateline's sentence; its wire service vetoed."""
    for text, text_sentences in zip(texts, per_text, strict=True):
        dateline = find_dateline(text)
        if dateline is None:
            continue
        if dateline.publisher:
            vetoed.add(entity_key(dateline.publisher))
        for place in dateline.places:
            key = entity_key(place)
            mention = mentions.setdefault(key, _Mention(place))
            mention.place = True
            where = next((s for s in text_sentences if place.upper() in s), None)
            if where is not None and key not in in_sentence.setdefault(where, []):
                in_sentence[where].append(key)


def _note_families(
    mentions: dict[str, _Mention], sentences: Iterable[str], in_sentence: dict[str, list[str]]
) -> None:
    """A versioned model's name written without its version ("the original Kestrel Video"
    beside "Kestrel Video 2", "the Lumen models" beside "Lumen-4"), or an edition's without
    its edition word ("pairloom" beside "Pairloom Pro"): the model family, listed where it is
    written bare, in lower case too when its first word is no English word. Curated families
    are the rules' job."""
    stems: dict[str, str] = {}
    for m in list(mentions.values()):
        if m.prior not in ("", "model") or entity_key(m.name) in _KNOWN:
            continue
        if is_versioned(m.name):
            stem = _VERSIONED.sub("", m.name).strip()
        elif not m.prior and len(_words(m.name)) >= 2 and _words(m.name)[-1] in _PRODUCT_ENDINGS:
            stem = " ".join(_words(m.name)[:-1])  # "Pairloom Pro" -> "Pairloom"
        else:
            continue
        key = entity_key(stem)
        if stem and stem != m.name and key not in _KNOWN and clean_name(stem) == stem:
            stems[key] = stem
    for s in sentences:
        for key, stem in stems.items():
            # the lower-case pattern is built only for a sentence holding its first word
            lower = _lower_pattern(stem) if _first_word(stem).lower() in s else None
            written = [
                *(_name_pattern(stem).finditer(s) if stem.split()[0] in s else ()),
                *(lower.finditer(s) if lower else ()),
            ]
            if any(
                not _VERSION_NEXT.match(s, w.end()) and not _EDITION_NEXT.match(s, w.end())
                for w in written
            ):
                if key not in mentions:
                    mentions[key] = _Mention(stem, product=True)
                listed = in_sentence.setdefault(s, [])
                if key not in listed:
                    listed.append(key)


# An edition word or any other capitalised word after a family's name: a longer name.
_EDITION_NEXT = re.compile(
    r"[\s-](?:[A-Z]|(?:" + "|".join(sorted(_PRODUCT_ENDINGS)).lower() + r")(?![\w-]))"
)


@lru_cache(maxsize=4096)
def _first_word(name: str) -> str:
    return next((p for p in re.split(r"[\s-]+", name) if p), "")


def _name_in(name: str, sentence: str) -> bool:
    # the name's first word is in every match: a substring test spares most regex searches
    return _first_word(name) in sentence and bool(_name_pattern(name).search(sentence))


def no_english_word(word: str) -> bool:
    """Whether a word is no English word at all ("pairloom", "codewren"): written in lower case,
    it is still a name, as forum users write names; "verified", "draft" are words."""
    low = word.lower()
    return len(low) >= 4 and low.isalpha() and low not in STOPWORDS and zipf(low) < _NAME_ZIPF


# Below this a word is no English word: "pairloom" 0, "cohere" 2.0; "oslo" 3.5, "draft" 4.6.
_NAME_ZIPF = 2.5


def maybe_english(word: str, *, typos: bool = True) -> bool:
    """Whether a word the word list lacks may still be English rather than a name: one typo
    from a common word ("pricng"; only with `typos`), an inflection of one ("steepest"), or
    two common words run together ("topline", "chatbot", "headcount")."""
    low = word.lower()
    if zipf(low) >= _NAME_ZIPF:
        return True
    stems = [low[: -len(s)] for s in _INFLECTIONS if low.endswith(s) and len(low) - len(s) >= 3]
    if any(zipf(s) >= _STEM_ZIPF or zipf(s + "e") >= _STEM_ZIPF for s in stems):
        return True
    if any(
        zipf(low[:i]) >= _COMPOUND_ZIPF and zipf(low[i:]) >= _COMPOUND_ZIPF
        for i in range(3, len(low) - 2)
    ):
        return True  # "top"+"line"; not "pair"+"loom", whose "loom" is rarer (3.3)
    return typos and any(zipf(w) >= _TYPO_OF_ZIPF for w in one_edit(low) if w != low)


_INFLECTIONS = ("est", "er", "ed", "ing", "es", "s")
_STEM_ZIPF = 3.5  # "steep" 4.0 in "steepest"; "tessa" 3.2 is a name
_COMPOUND_ZIPF = 3.8  # both halves everyday words: "chat" 4.6 + "bot" 3.8


# a typo is read as this common a word: "pricing" 3.9, "revenue" 4.4; "tessa" 2.6 is not
_TYPO_OF_ZIPF = 3.0


@lru_cache(maxsize=4096)
def _lower_pattern(name: str) -> re.Pattern[str] | None:
    """The name written all in lower case ("pairloom pro" for "Pairloom Pro"), when its first
    word is no English word; else None (a lower-case "draft" is a word, not "Draft")."""
    first = _first_word(name)
    if name == name.lower() or not no_english_word(first):
        return None
    return re.compile(_name_pattern(name.lower()).pattern)


def _lower_case_in(name: str, sentence: str) -> bool:
    """Whether the sentence writes the name in lower case (see `_lower_pattern`)."""
    if _first_word(name).lower() not in sentence:  # before the pattern: most names need none
        return False
    pattern = _lower_pattern(name)
    return pattern is not None and bool(pattern.search(sentence))


def _folds(mentions: dict[str, _Mention], kinds: dict[str, str]) -> dict[str, str]:
    """key -> the key it folds onto: a bare head onto its suffixed organisation, a lone last
    word onto the organisation it ends ("Times" -> "New York Times"), a lone surname onto the
    person's full name."""
    alias: dict[str, str] = {}
    for key, m in mentions.items():
        head = org_head(m.name)
        if head and kinds.get(key) in ("vendor", "investor"):
            hk = entity_key(head)
            if hk in mentions and not mentions[hk].prior:
                alias[hk] = key
        if m.legal and not head:
            head = m.name  # "Auralis Speech" of "Auralis Speech Inc": the legal form is gone
        if head and kinds.get(key) in ("vendor", "investor") and len(_words(head)) >= 2:
            first = entity_key(_words(head)[0])  # "Auralis" of "Auralis Speech Inc"
            if (
                first in mentions
                and not mentions[first].prior
                and kinds.get(first) in ("vendor", "investor")
            ):
                alias.setdefault(first, key)
        if kinds.get(key) in ("vendor", "investor") and len(_words(m.name)) >= 2:
            tail = entity_key(_words(m.name)[-1])  # "the Times" for "The New York Times"
            if (
                tail in mentions
                and not mentions[tail].prior
                and kinds.get(tail) in ("vendor", "investor")
                and tail not in alias
            ):
                alias[tail] = key
        if kinds.get(key) == "person" and len(_words(m.name)) >= 2:
            sk = entity_key(_words(m.name)[-1])
            if sk in mentions and not mentions[sk].prior and kinds.get(sk) != "place":
                alias[sk] = key  # not "Mumbai" onto "Navi Mumbai" taken for a person
    # a lone first name onto the one person of the batch who has it ("Thank you, Marguerite"),
    # when the full name is said to be a person's and nothing says the word is a place
    firsts = Counter(
        entity_key(_words(m.name)[0])
        for k, m in mentions.items()
        if kinds.get(k) == "person" and len(_words(m.name)) >= 2
    )
    for key, m in mentions.items():
        words = _words(m.name)
        if kinds.get(key) != "person" or len(words) < 2 or not m.person_cue:
            continue
        fk = entity_key(words[0])
        lone = mentions.get(fk)
        if (
            lone is not None
            and firsts[fk] == 1
            and fk not in alias
            and not (lone.prior or lone.suffix or lone.place or lone.place_cue)
        ):
            alias[fk] = key
    return alias


# "the Cyberspace Administration of China (CAC)", "Britain's Financial Conduct Authority (FCA)"
_DEFINED_ACRONYM = re.compile(
    r"(?P<long>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|for|on|the|&|de|du|des|e|y|et|"
    r"und|für|da|do|dos|das|del|della|di)){1,8})"
    r"\s+\((?P<short>[A-Z][A-Za-z]{1,7})\)"
)


def _initials(words: Sequence[str], with_connectors: bool) -> str:
    return "".join(
        w[0].upper() for w in words if w[0].isupper() or (with_connectors and w in _CONNECTORS)
    )


def _acronym_folds(
    sentences: Iterable[str], mentions: dict[str, _Mention], kinds: dict[str, str]
) -> dict[str, str]:
    """key -> key: an acronym the text defines in brackets after a name, onto that name ("the
    Cyberspace Administration of China (CAC)"): one entity, not two. The name is the shortest
    run of words ending before the bracket whose initials spell the acronym, with or without
    its small words ("Department of Energy (DOE)")."""
    out: dict[str, str] = {}
    for s in sentences:
        if "(" not in s:
            continue
        for m in _DEFINED_ACRONYM.finditer(s):
            short = entity_key(m["short"])
            if short not in mentions or mentions[short].prior:
                continue
            words = _words(_POSSESSIVE.sub("", m["long"]))
            for i in range(len(words) - 1, -1, -1):
                tail = words[i:]
                if not tail[0][0].isupper():
                    continue
                if m["short"].upper() in (_initials(tail, False), _initials(tail, True)):
                    full = entity_key(" ".join(tail))
                    if full in mentions and kinds.get(full):
                        out[short] = full
                    break
    return out


# --- the corpus-level view -----------------------------------------------------------------


def _strong(row: dict[str, Any]) -> bool:
    """Whether a listed name has evidence beyond one sighting by the recogniser."""
    name, kind = row["name"], row["kind"]
    return (
        row["chunks"] > 1
        or kind not in ("vendor", "model")
        or entity_key(name) in _KNOWN
        or bool(org_suffix(name))
        or board_suffix(name)  # "Pellucid Evals": a name's last word, though no ranking's here
        or bool(re.search(r"\d", name))
        or bool(row.get("maker"))
        or _name_shaped(name)
    )


def _name_shaped(name: str) -> bool:
    """Whether a name's spelling is no ordinary word's: an acronym ("NRK"), a capital inside
    a word ("NVentures"), or words joined as only names join them ("Harlow & Finch",
    "University of Oslo")."""
    words = _words(name)
    if len(words) == 1:
        word = name.strip()
        acronym = re.fullmatch(r"[A-Z]{2,5}", word) and word.lower() not in GENERIC
        return bool(
            acronym or re.fullmatch(r"[A-Z]?[a-z]*[a-z][A-Z][A-Za-z]*|[A-Z][A-Z][a-z]{3,}", word)
        )
    if all(no_english_word(w) for w in words):
        return True  # "Associação Programadores Livres": no English words run together
    return len(words) >= 3 and words[1] in ("&", "of") and words[-1][0].isupper()


# Ties between documents go to the more specific reading: an investor is an organisation too.
_KIND_ORDER = ("investor", "person", "place", "leaderboard", "model", "vendor", MAKER)


def corpus_kind(kinds_by_document: Iterable[str], name: str = "") -> str:
    """A name's kind across the corpus: what most documents call it ("Brightwater" is an
    investor in three articles and a plain company in one), not what the first one said.
    A tie between a company and a product goes to the company when the name ends like one
    ("Fieldstone AI" read as a model in one article and as a vendor in another)."""
    votes = Counter(kinds_by_document)
    rank = {k: i for i, k in enumerate(_KIND_ORDER)}
    if name and org_suffix(name) and votes["model"] and votes["model"] == max(votes.values()):
        suffix = org_suffix(name)
        if votes[suffix] == votes["model"]:
            return suffix
    return max(votes, key=lambda k: (votes[k], -rank.get(k, len(rank))))


def _press_keys(publishers: Iterable[str]) -> set[str]:
    """Keys of the publishers' names as written in metadata, and as articles shorten them: the
    name without a bracketed edition ("Huaxia Tech Observer (English edition)"), and its last
    words ("the Observer", "the Times" for "The New York Times"), a curated name excepted."""
    out: set[str] = set()
    for publisher in publishers:
        if not publisher:
            continue
        out.add(entity_key(publisher))
        words = _words(re.sub(r"\s*[(\[][^)\]]*[)\]]", "", publisher))
        for i in range(len(words)):
            key = entity_key(" ".join(words[i:]))
            if key not in _KNOWN and not (i and words[i].lower() in STOPWORDS):
                out.add(key)
    return out


def consolidate(
    rows: Sequence[dict[str, Any]], publishers: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Entity rows ({name, kind, chunks, documents}, as `KnowledgeBase.entities` counts the
    stored tags) folded across the corpus, most mentioned first:
    - "maker:Model>Vendor" link rows become the model row's "maker";
    - a possessive is dropped ("Halvard AI's" -> "Halvard AI"), and rows with the same key
      after that are one;
    - a bare name that is the head of a suffixed organisation folds onto it ("Veridian" ->
      "Veridian Labs"), counts summed;
    - a vendor or model name the recogniser saw in one passage only, with no suffix, no
      version, no maker, and not in the curated lists, is dropped: one sighting of an unknown
      capitalised phrase is too often a slip ("Lyon" taken for a company);
    - a vendor that is one of the corpus's `publishers` (as the documents' metadata name
      them: "Compute Weekly", a wire service), or the short name an article gives one ("the
      Observer" for "Huaxia Tech Observer (English edition)"), is the press, not the market,
      unless listed.
    """
    press = _press_keys(publishers)
    makers: dict[str, str] = {}
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["kind"] == MAKER:
            model, _, vendor = row["name"].partition(">")
            makers.setdefault(entity_key(model), vendor)
            continue
        name = _POSSESSIVE.sub("", row["name"]) if row["kind"] != "leaderboard" else row["name"]
        key = entity_key(name)
        if key in merged:
            kept = merged[key]
            kept["chunks"] += row["chunks"]
            kept["documents"] += row["documents"]
        else:
            merged[key] = {**row, "name": name}
    heads = {
        entity_key(org_head(r["name"])): k
        for k, r in merged.items()
        if r["kind"] in ("vendor", "investor") and org_head(r["name"])
    }
    initials: dict[str, list[str]] = {}  # "European Union" under "EU"
    for key, row in merged.items():
        words = [w for w in _words(row["name"]) if w not in _CONNECTORS]
        if len(words) >= 2 and row["kind"] != "person" and all(w[0].isupper() for w in words):
            initials.setdefault("".join(w[0] for w in words).lower(), []).append(key)
    for key, row in merged.items():  # "EU" -> "European Union", when both are listed
        full = initials.get(key, []) if re.fullmatch(r"[A-Z]{2,6}", row["name"]) else []
        if len(full) == 1 and key not in _KNOWN:
            heads[key] = full[0]
    for key, row in merged.items():  # "Google Vertex AI" -> "Vertex AI", when both are listed
        bare = _maker_product_rest(row["name"]) if row["kind"] == "model" else ""
        if bare and merged.get(entity_key(bare), {}).get("kind") == "model":
            heads[key] = entity_key(bare)
    for key in list(merged):
        target = heads.get(key)
        if (
            target
            and target != key
            and target in merged
            and entity_key(merged[key]["name"]) not in _KNOWN
        ):
            row = merged.pop(key)
            merged[target]["chunks"] += row["chunks"]
            merged[target]["documents"] += row["documents"]
    out = []
    for key, row in merged.items():
        if key in makers:
            row = {**row, "maker": makers[key]}
        if row["kind"] == "vendor" and key in press and key not in _KNOWN:
            continue
        if _strong(row):
            out.append(row)
    out.sort(key=lambda r: (-r["documents"], -r["chunks"], r["name"].lower()))
    return out
