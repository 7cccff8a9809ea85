"""Recognising vendors, models and leaderboards in text, offline: a curated list of AI
vendors, model families and rankings, plus rules for model-name shapes ("Lumen-4",
"Kestrel Video 2.5", "GPT-4o", "Seedance 2.0"). Aliases are folded onto one canonical name
("Alibaba Cloud" -> "Alibaba", "Lumen 4" -> "Lumen-4")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.vocabulary import NOT_MODEL_WORDS

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
    re.compile(r"\b(?P<name>[A-Z][a-z]+)-(?P<version>\d+[a-z]?)\b"),
    # Chips and model codes: H100, MI300X, B200, TX-9, o3
    re.compile(r"\b(?P<name>(?:H|B|MI|GB|TX-?)\d{1,4}[A-Z]?)\b"),
    re.compile(r"\b(?P<name>o[134](?:-(?:mini|pro|preview))?)\b"),
]
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
    kind: str  # vendor | model | leaderboard

    @property
    def key(self) -> str:
        return entity_key(self.name)


def entity_key(name: str) -> str:
    """The canonical id: lower case, without spaces or hyphens, so that "Lumen 4" ==
    "Lumen-4" and "Happy Horse 1.1" == "HappyHorse 1.1"."""
    return re.sub(r"[\s\-]+", "", name.strip().lower())


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
    found: dict[str, Entity] = {}

    def add(entity: Entity) -> None:
        found.setdefault(entity.key, entity)

    for alias, pattern, canonical in _BOARD_PATTERNS:
        if alias in text and pattern.search(text):
            add(Entity(canonical, "leaderboard"))
    for m in _BOARD_SHAPE.finditer(text):
        name = m.group(0)
        if not any(
            entity_key(a) in entity_key(name) for aliases in LEADERBOARDS.values() for a in aliases
        ) and name.split()[0] not in ("The", "A", "An", "Its"):
            add(Entity(name, "leaderboard"))
    for alias, pattern, canonical in _VENDOR_PATTERNS:
        if alias in text and pattern.search(text):
            add(Entity(canonical, "vendor"))
    spans: list[tuple[int, int]] = []
    matches = [m for shape in _MODEL_SHAPES for m in shape.finditer(text)]
    matches.sort(key=lambda m: (m.start(), -(m.end() - m.start())))
    for m in matches:
        if any(a <= m.start() and m.end() <= b for a, b in spans):
            continue  # "Claude 3.5" inside "Claude 3.5 Sonnet"
        name = m.group("name")
        version = m.groupdict().get("version")
        if name.split()[0] in NOT_MODEL_WORDS or (name in VENDORS and not version):
            continue
        spans.append((m.start(), m.end()))
        add(Entity(_model_name(name, version, m.group(0)), "model"))
    for product, pattern, _ in _PRODUCT_PATTERNS:
        if product in text and pattern.search(text):
            add(Entity(product, "model"))
    return list(found.values())


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
