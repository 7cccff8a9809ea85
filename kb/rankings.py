"""Ranking facts: who stood where on which leaderboard, when, according to which source.

Extracted offline from two shapes of text:
- table rows as the PDF loader writes them ("Period: May 2024 | Leader: GPT-4o | Vendor:
  OpenAI"), when the table has a rank or leader column;
- prose that puts a model at a place on a leaderboard ("Gemini 2.5 Pro took first place on the
  LMArena text leaderboard", "HappyHorse climbs to No. 2"). "It" and "the model" refer to the
  last model named before; a sentence without a leaderboard name refers to the last one the
  document named (or its first, for the title).

A fact is dated by the date its sentence states ("As of April 10, 2025", "in early April"),
else by its article's publication date. Nothing here guesses beyond what the text says: a
sentence where two models "traded places" yields no fact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from kb.dates import display_date, period_date, stated_date
from kb.entities import VENDORS, entity_key, find_entities
from kb.modelnames import model_shaped
from kb.render import board_label
from kb.text import sentence_spans
from kb.types import Chunk
from kb.wordstats import is_common_word

_ORDINALS = {
    "first": 1,
    "top": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORD = r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top)"
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

# Phrases that put the subject at a place; each yields the rank through a named group or `one`.
_RANK_PHRASES = [
    re.compile(
        r"\b(?:took|taken|takes|take|claimed|claims|went straight to|won|wins|holds?|held|"
        r"reached|peaked at|debuted in|debuts in|moved into|rose to|rises to|climbs? to|climbed "
        r"to|fell to|falls? to|dropped to|slipped to|sits? in|sat in|is in|was in)\s+(?:the\s+)?"
        + _ORD
        + r"\s+(?:place|spot|position)\b",
        re.IGNORECASE,
    ),
    # "climbed from No. 4 to No. 1": where it went, not where it came from
    re.compile(r"\bfrom\s+No\.\s?\d{1,2}\s+to\s+No\.\s?(?P<num>\d{1,2})\b"),
    re.compile(r"\bNo\.\s?(?P<num>\d{1,2})\b"),
    re.compile(r"(?<![\w&])#(?P<num>\d{1,2})\b"),
    re.compile(r"\bnumber (?P<word>one|two|three|four|five)\b", re.IGNORECASE),
    re.compile(
        r"\b(?:ranked|was|is|came|finished|placed)\s+" + _ORD.replace("|top", "") + r"\b", re.I
    ),
    re.compile(r"\b" + _ORD.replace("|top", "") + r"[- ]place\b(?![- ]?d\b)", re.I),
    re.compile(r"\b(?P<one>top spot|top position|topped|tops|top of the (?:board|leaderboard))\b"),
    re.compile(r"\b(?P<one>leads|led|leading)\b"),
]
# "text board", "video leaderboard", "text-to-video rankings": which board of an arena
_CATEGORY = re.compile(
    r"\b(text-to-video|image-to-video|text-to-image|text|video|image|vision|coding|webdev|"
    r"mathematics|maths?)\s+(?:board|leaderboard|rankings?|arena)\b",
    re.IGNORECASE,
)
_VIDEO_BOARDS = re.compile(r"\b(text-to-video|image-to-video)\b", re.IGNORECASE)
_UNCLEAR = re.compile(r"\btraded\b|\btied\b|\bshared\b|\bnot\b|\bnever\b", re.I)
_CLAUSES = re.compile(r",\s+(?:and|while|whereas)\s+|;\s+")
_PRONOUN_SUBJECT = re.compile(r"^(?:It|The model|The new model|This model)\b")
_PRONOUN = re.compile(r"\b(?:it|the (?:new )?model)\b", re.IGNORECASE)
_SCORE = re.compile(
    r"\b(?:score|Elo|rating)\s+(?:of\s+)?(?P<a>\d{1,2},?\d{3}(?:\.\d+)?)\b"
    r"|\b(?P<b>\d{1,2},?\d{3}(?:\.\d+)?)\s+(?:points|Elo)\b",
    re.IGNORECASE,
)
_ROW = re.compile(r"^\s*[\w .#/()-]{1,30}:\s*[^|]+(?:\|\s*[\w .#/()-]{1,30}:\s*[^|]*)+$")
_MODEL_KEYS = ("model", "leader", "name", "top model", "no. 1")
_RANK_KEYS = ("rank", "position", "place", "#")
_VENDOR_KEYS = ("vendor", "developer", "company", "lab", "organisation", "organization")
_DATE_KEYS = ("period", "date", "as of", "month", "when")
_SCORE_KEYS = ("score", "elo", "rating", "arena score", "overall")

# The vendor behind each model family, for "how did Google do on the arena?"
FAMILY_VENDOR = {
    "gpt": "OpenAI",
    "chatgpt": "OpenAI",
    "sora": "OpenAI",
    "o1": "OpenAI",
    "o3": "OpenAI",
    "o4": "OpenAI",
    "claude": "Anthropic",
    "gemini": "Google",
    "gemma": "Google",
    "veo": "Google",
    "imagen": "Google",
    "bard": "Google",
    "llama": "Meta",
    "qwen": "Alibaba",
    "wan": "Alibaba",
    "happyhorse": "Alibaba",
    "grok": "xAI",
    "kling": "Kuaishou",
    "seedance": "ByteDance",
    "doubao": "ByteDance",
    "deepseek": "DeepSeek",
    "mistral": "Mistral AI",
    "mixtral": "Mistral AI",
    "ernie": "Baidu",
    "hailuo": "MiniMax",
    "copilot": "Microsoft",
}


@dataclass(frozen=True)
class RankingFact:
    leaderboard: str
    model: str
    rank: int | None
    date: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    chunk: Chunk
    text: str  # the sentence or table row that states it
    start: int  # offset of `text` in chunk.text, -1 for the title
    vendor: str | None = None
    score: float | None = None
    category: str | None = None  # the arena's board: "text", "video", "mathematics"...
    # where the document named the leaderboard, when `text` itself does not (a table caption)
    context: tuple[Chunk, str, int] | None = None
    # where the document named the model, when `text` calls it "it" or "the model"
    subject_context: tuple[Chunk, str, int] | None = None
    period: str | None = None  # the date as the source wrote it ("Nov-Dec 2024"), for rows

    @property
    def when(self) -> str:
        """ "in Nov-Dec 2024" as the table says, else "on 2025-04-10" / "in February 2025"."""
        if not self.period:
            return display_date(self.date)
        first, _, rest = self.period.partition(" ")
        if first.lower() in ("late", "early", "mid", "mid-"):  # "in late March 2024"
            return f"in {first.lower()} {rest}"
        return f"in {self.period}"

    @property
    def board(self) -> str:
        """The leaderboard as people say it: "LMArena (text)"."""
        return board_label(self.leaderboard, self.category)

    def to_json(self) -> dict:
        return {
            "leaderboard": self.leaderboard,
            "category": self.category,
            "model": self.model,
            "vendor": self.vendor,
            "rank": self.rank,
            "score": self.score,
            "date": self.date,
            "text": self.text,
            "source": self.chunk.source,
            "title": self.chunk.title,
            "published": self.chunk.published,
            "page": self.chunk.page,
        }

    def about(self, key: str) -> bool:
        """Whether the fact is about the entity with this key: the model or its family
        ("gemini" covers "Gemini 2.5 Pro"), its vendor, or the leaderboard."""
        model = entity_key(self.model)
        return bool(key) and (
            model == key
            or model.startswith(key)
            or entity_key(self.vendor or "") == key
            or entity_key(self.leaderboard) == key
        )


def vendor_of(model: str) -> str | None:
    key = entity_key(model)
    for family, vendor in sorted(FAMILY_VENDOR.items(), key=lambda kv: -len(kv[0])):
        if key.startswith(family):
            return vendor
    return None


def _rank_of(match: re.Match[str]) -> int:
    groups = match.groupdict()
    if groups.get("num"):
        return int(groups["num"])
    if groups.get("ord"):
        return _ORDINALS[groups["ord"].lower()]
    if groups.get("word"):
        return _WORDS[groups["word"].lower()]
    return 1


def _score(text: str) -> float | None:
    m = _SCORE.search(text)
    if not m:
        return None
    return float((m["a"] or m["b"]).replace(",", ""))


# a board the lists do not know, by what the text calls it: "CodeLadder, the independent
# coding leaderboard", "the CodeLadder leaderboard"
_BOARD_CUE = re.compile(
    r"\b(?P<a>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}),\s+(?:the|an?)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:leaderboard|ranking|benchmark)\b"
    r"|\bthe\s+(?P<b>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})\s+(?:leaderboard|ranking)\b"
)


def _leaderboards(text: str) -> list[str]:
    named = [e.name for e in find_entities(text) if e.kind == "leaderboard"]
    for m in _BOARD_CUE.finditer(text):
        name = re.sub(
            r"^(?:(?:On|In|At|For|By|From|With|The|And|Of)\s+)+", "", m.group("a") or m.group("b")
        )
        if is_common_word(name):
            continue  # "enters the Full leaderboard": one board of the document's, not a name
        if name and name not in named and not any(name in n or n in name for n in named):
            named.append(name)
    return named


@lru_cache(maxsize=1024)
def _spelled(name: str) -> re.Pattern[str]:
    """A model's name as written, a space or hyphen between its words or none (compiled once:
    per-name patterns built per call crowd the fixed ones out of `re`'s cache)."""
    return re.compile(
        r"(?<![\w-])" + r"[\s\-]?".join(map(re.escape, name.replace("-", " ").split()))
    )


def _models(text: str) -> list[tuple[int, str]]:
    """(offset, name) of the models a text names, in order."""
    out = []
    for e in find_entities(text):
        if e.kind != "model" or e.name in VENDORS:
            continue
        spelled = _spelled(e.name).search(text)
        if spelled:
            out.append((spelled.start(), e.name))
    known = [(a, a + len(n)) for a, n in out]
    for m in model_shaped(text):  # a model the lists do not know, by its shape
        if not any(a < m.end() and m.start() < b for a, b in known):
            out.append((m.start(), m.group(0)))
    return sorted(out)


def category_of(text: str, leaderboard: str = "") -> str | None:
    """The one board of an arena a text is about ("video"), None if none or several."""
    words = {m.group(1).lower() for m in _CATEGORY.finditer(text)}
    words |= {m.group(1).lower() for m in _VIDEO_BOARDS.finditer(text)}
    words = {"mathematics" if w.startswith("math") else w for w in words}
    words = {w for w in words if w not in leaderboard.lower()}  # "WebDev Arena board"
    return words.pop() if len(words) == 1 else None


_SYMBOLS = re.compile(r"[\u2190-\u2bff\U0001f000-\U0001faff\ufe0f]")  # arrows, emoji


def _column_key(cell: str) -> str:
    """A header cell as the row readers' keys: "Model / agent" -> "model", "Rank" -> "rank"."""
    return re.split(r"\s*[/(]", cell.strip().lower(), maxsplit=1)[0].strip()


def _ranked_header(keys: Sequence[str]) -> bool:
    """A table's header line that ranks models: a rank column and a model column."""
    return any(k in _RANK_KEYS for k in keys) and any(k in _MODEL_KEYS for k in keys)


# a table's caption that names one board of several in a document: "Lite (120 tasks)"
_CAPTION = re.compile(r"(?P<name>[A-Z][\w-]*(?:\s+[\w-]+){0,2})(?:\s*\([^()]*\))?")
_NOT_A_BOARD = re.compile(r"\b(?:leaderboards?|rankings?|results|table|standings|scores?)\b", re.I)


def _caption_category(caption: str, board: str | None) -> str | None:
    """The board a ranked table's caption names within its leaderboard ("Lite (120 tasks)"
    under PortageBench -> "lite"), None for a caption that only says it is a ranking."""
    m = _CAPTION.fullmatch(caption.strip())
    if not m or _NOT_A_BOARD.search(m["name"]) or (board and m["name"].lower() in board.lower()):
        return None
    return category_of(caption) or m["name"].lower()


def _row_fact(
    line: str,
    chunk: Chunk,
    start: int,
    board: str | None,
    category: str | None,
    when: str | None,
    text: str | None = None,
) -> RankingFact | None:
    """A ranking fact from a row whose cells carry their column's name ("Rank: 1 | Model:
    o3"); `text` is the row as the document writes it, when that is another line."""
    cells = {}
    for cell in line.split("|"):
        key, _, value = cell.partition(":")
        cells[key.strip().lower()] = value.strip()
    model = next((cells[k] for k in _MODEL_KEYS if cells.get(k)), None)
    if model:
        model = _SYMBOLS.sub("", model).strip()  # "Givre-2 Pro 🆕": the badge is no name
    rank_cell = next((cells[k] for k in _RANK_KEYS if cells.get(k)), None)
    if not board or not model or (rank_cell is None and "leader" not in cells):
        return None
    rank = int(re.sub(r"\D", "", rank_cell) or 0) if rank_cell else 1
    period = next((cells[k] for k in _DATE_KEYS if cells.get(k)), None)
    date = period_date(period) if period else None
    score_cell = next((cells[k] for k in _SCORE_KEYS if cells.get(k)), None)
    score = (
        float(score_cell.replace(",", ""))
        if score_cell and re.fullmatch(r"[\d,.]+", score_cell)
        else None
    )
    return RankingFact(
        leaderboard=board,
        model=model,
        rank=rank or None,
        date=date or when or chunk.published or "",
        chunk=chunk,
        text=(text or line).strip(),
        start=start,
        vendor=next((cells[k] for k in _VENDOR_KEYS if cells.get(k)), None) or vendor_of(model),
        score=score,
        category=category,
        period=period if date else None,
    )


@dataclass
class _Context:
    """What a document has named so far: the leaderboard, its board, the last model."""

    board: str | None = None
    category: str | None = None
    model: str | None = None
    date: str | None = None  # a table caption's date ("video leaderboard, May 2026")
    named_in: tuple[Chunk, str, int] | None = None  # the sentence that named the board
    model_named_in: tuple[Chunk, str, int] | None = None  # ... and the model


def _prose_facts(
    sentence: str, previous: str, chunk: Chunk, start: int, ctx: _Context
) -> list[RankingFact]:
    if _UNCLEAR.search(sentence):
        return []
    boards = _leaderboards(sentence)
    board = boards[0] if boards else ctx.board
    if not board:
        return []
    ranking_words = bool(boards or re.search(r"leaderboard|arena|ranking|board", sentence, re.I))
    category = category_of(sentence, board) or ctx.category
    facts = []
    subject = ctx.model
    for clause in _CLAUSES.split(sentence):
        opens_with_pronoun = bool(_PRONOUN_SUBJECT.match(clause))
        for pattern in _RANK_PHRASES:
            match = pattern.search(clause)
            if not match:
                continue
            pronoun = opens_with_pronoun or bool(_PRONOUN.search(clause[: match.start()]))
            if match.groupdict().get("one") and not ranking_words:
                break  # "leads" or "topped" with no ranking in sight is about something else
            named = [(offset, name) for offset, name in _models(clause) if offset < match.start()]
            model = named[-1][1] if named else (subject if pronoun else None)
            if not model:
                break
            # the date of this statement: up to the end of its phrase ("As of April 10, 2025,
            # X leads the board" / "X has led the board since April"), not a later aside, nor
            # one between the model and what it did ("X, the leader since July, fell to No. 3")
            comma = clause.find(",", match.end())
            phrase = clause if comma < 0 else clause[:comma]
            if named:
                after_name = named[-1][0] + len(named[-1][1])
                aside = re.match(r"[^,]*,[^,]*,\s*", clause[after_name : match.start()])
                if aside:
                    phrase = clause[:after_name] + " " + phrase[after_name + aside.end() :]
            date = stated_date(phrase, chunk.published)
            if not date and opens_with_pronoun:
                date = stated_date(previous, chunk.published)
            facts.append(
                RankingFact(
                    leaderboard=board,
                    model=model,
                    rank=_rank_of(match),
                    date=date or chunk.published or "",
                    chunk=chunk,
                    text=sentence,
                    start=start,
                    vendor=vendor_of(model),
                    score=_score(clause),
                    category=category_of(clause, board) or category,
                )
            )
            subject = model
            break
    return facts


def extract_rankings(chunks: Sequence[Chunk]) -> list[RankingFact]:
    """Ranking facts stated in one document's chunks (given in order), title included."""
    if not chunks:
        return []
    first_board = next((b for c in chunks for b in _leaderboards(c.text)), None) or next(
        # a board no list knows, which the recogniser tagged at ingest ("PortageBench")
        (t.partition(":")[2] for c in chunks for t in c.entities if t.startswith("leaderboard:")),
        None,
    )
    first_named = next(
        (
            (c, " ".join(c.text[a:b].split()), a)
            for c in chunks
            for a, b in sentence_spans(c.text)
            if _leaderboards(c.text[a:b])
        ),
        None,
    )
    facts = [
        f if _leaderboards(f.text) or first_named is None else replace(f, context=first_named)
        for f in _prose_facts(chunks[0].title, "", chunks[0], -1, _Context(board=first_board))
    ]
    ctx = _Context()
    seen = {(f.text, f.model) for f in facts}
    header: list[str] = []  # the ranked table being read: its header's column keys
    table_category: str | None = None  # ... and the board its caption names
    for chunk in chunks:
        previous = ""
        for a, b in sentence_spans(chunk.text):
            sentence = " ".join(chunk.text[a:b].split())
            named = _leaderboards(sentence)
            here = _Context(
                ctx.board or first_board, ctx.category, ctx.model, ctx.date, ctx.named_in
            )
            cells = [c.strip() for c in sentence.split("|")] if " | " in sentence else []
            if cells and not _ROW.match(sentence):
                # a Markdown or pasted table: a header line ("Rank | Model / agent | ..."),
                # then rows that say their columns only through it
                keys = [_column_key(c) for c in cells]
                found = []
                if _ranked_header(keys):
                    header, table_category = keys, _caption_category(previous, here.board)
                elif header and len(cells) == len(header):
                    named_cells = " | ".join(
                        f"{k}: {c}" for k, c in zip(header, cells, strict=True) if k and c
                    )
                    category = table_category or here.category
                    row = _row_fact(
                        named_cells, chunk, a, here.board, category, here.date, sentence
                    )
                    found = [row] if row else []
                else:
                    header = []
            elif "|" in sentence and _ROW.match(sentence):
                row = _row_fact(sentence, chunk, a, here.board, here.category, here.date)
                found = [row] if row else []
            else:
                found = _prose_facts(sentence, previous, chunk, a, here)
            if named:
                ctx.board = named[0]
                ctx.category = category_of(sentence)
                ctx.date = stated_date(sentence, chunk.published)
                ctx.named_in = (chunk, sentence, a)
            elif category_of(sentence):
                ctx.category = category_of(sentence)
            for fact in found:
                if not _leaderboards(fact.text) and here.named_in is not None:
                    fact = replace(fact, context=here.named_in)
                pronoun = entity_key(fact.model) not in entity_key(fact.text)
                if pronoun and ctx.model_named_in is not None:
                    fact = replace(fact, subject_context=ctx.model_named_in)
                if (fact.text, fact.model) not in seen:  # overlapping chunks repeat sentences
                    seen.add((fact.text, fact.model))
                    facts.append(fact)
            models = _models(sentence)
            if found:
                ctx.model = found[-1].model
            elif models:
                ctx.model = models[-1][1]
            if models:
                ctx.model_named_in = (chunk, sentence, a)
            previous = sentence
    return facts


def _ref(chunk: Chunk, sentence: str, start: int) -> list:
    return [chunk.chunk_id, chunk.index, chunk.page, sentence, start]


def facts_to_json(facts: Sequence[RankingFact]) -> str:
    """A document's facts for its registry record, with their chunks by id (not text)."""
    return json.dumps(
        [
            {
                "leaderboard": f.leaderboard,
                "category": f.category,
                "model": f.model,
                "vendor": f.vendor,
                "rank": f.rank,
                "score": f.score,
                "date": f.date,
                "period": f.period,
                "at": _ref(f.chunk, f.text, f.start),
                "context": _ref(*f.context) if f.context else None,
                "subject": _ref(*f.subject_context) if f.subject_context else None,
            }
            for f in facts
        ],
        separators=(",", ":"),
    )


def facts_from_json(data: str, doc: Chunk) -> list[RankingFact]:
    """Facts from a registry record. Their chunks are stand-ins carrying the document's
    metadata and no text; `Chunk.text == ""` marks them for fetching before citing."""

    def stub(ref: list) -> tuple[Chunk, str, int]:
        chunk_id, index, page, sentence, start = ref
        return replace(doc, chunk_id=chunk_id, index=index, page=page), sentence, start

    facts = []
    for raw in json.loads(data or "[]"):
        chunk, text, start = stub(raw["at"])
        facts.append(
            RankingFact(
                leaderboard=raw["leaderboard"],
                model=raw["model"],
                rank=raw["rank"],
                date=raw["date"],
                chunk=chunk,
                text=text,
                start=start,
                vendor=raw["vendor"],
                score=raw["score"],
                category=raw["category"],
                context=stub(raw["context"]) if raw.get("context") else None,
                subject_context=stub(raw["subject"]) if raw.get("subject") else None,
                period=raw.get("period"),
            )
        )
    return facts


def names_a_leaderboard(chunks: Sequence[Chunk]) -> bool:
    """Whether any chunk was tagged with a leaderboard at ingest (else there is nothing to
    extract)."""
    return any(tag.startswith("leaderboard:") for c in chunks for tag in c.entities)


def board_key(name: str) -> str:
    """A leaderboard's key under any of its names ("Chatbot Arena" -> LMArena's)."""
    named = [e.name for e in find_entities(name) if e.kind == "leaderboard"]
    return entity_key(named[0] if named else name)


def history(facts: Iterable[RankingFact], key: str, board: str | None = None) -> list[RankingFact]:
    """The facts about an entity (and leaderboard), newest first."""
    wanted = [
        f
        for f in facts
        if f.about(key) and (board is None or entity_key(f.leaderboard) == board_key(board))
    ]
    return sorted(wanted, key=lambda f: (f.date, f.chunk.published or ""), reverse=True)


def leaders(
    facts: Iterable[RankingFact], board: str, until: str | None = None
) -> list[RankingFact]:
    """No. 1 facts on a leaderboard, newest first; with `until` ("2024-05"), only those dated
    up to the end of that period."""
    key = board_key(board)
    out = [
        f
        for f in facts
        if f.rank == 1
        and entity_key(f.leaderboard) == key
        and (until is None or f.date[: len(until)] <= until)
    ]
    return sorted(out, key=lambda f: (f.date, f.chunk.published or ""), reverse=True)


__all__ = [
    "RankingFact",
    "board_key",
    "display_date",
    "extract_rankings",
    "facts_from_json",
    "facts_to_json",
    "names_a_leaderboard",
    "history",
    "leaders",
    "stated_date",
    "vendor_of",
]
