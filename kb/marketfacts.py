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

This module is the public entry and reads a document; the work is split by job:
kb.factnames (names, who a statement is by), kb.factclauses (modality, clauses, dates),
kb.factfields (each kind's field keys), kb.factprose (funding, price, launch, status),
kb.factdeals (acquisition, investment, partnership, legal), kb.factrows (table rows) and
kb.tablerows (amounts and tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kb.entities import ORG_SUFFIXES, entity_key
from kb.factclauses import date_of, modality_of
from kb.factdeals import (
    TOPICS,
    acquisition_facts,
    investment_facts,
    legal_facts,
    partnership_facts,
)
from kb.factfields import Found
from kb.factnames import (
    ORG_KINDS,
    DocNames,
    Name,
    Referents,
    lead_name,
    names_in,
    products_in,
    regions_in,
    split_names,
)
from kb.factprose import (
    INVESTORS,
    LED_ROUND,
    funding_facts,
    launch_facts,
    price_facts,
    status_facts,
)
from kb.factrows import RowFact, cell_is_name, table_facts
from kb.tablerows import TableReader, TableRow
from kb.text import SPEAKER_TURN, sentence_spans
from kb.types import Chunk
from kb.vocabulary import is_round_name

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


_EXTRACTORS: tuple[Callable[[str, list[Name], Referents, DocNames], list[Found]], ...] = (
    funding_facts,
    price_facts,
    launch_facts,
    status_facts,
    acquisition_facts,
    investment_facts,
    partnership_facts,
    legal_facts,
)


def _prefix_tree(words: str) -> str:
    """A regex matching any of the space-separated `words`, factored by shared beginnings
    ("a(?:cqui|nnounc)"): `re` tries a flat alternation's branches one by one at every position
    of the text (four times slower on corpus/ for this list)."""
    tree: dict[str, dict] = {}
    for word in words.split():
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        parts = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(tree)


# The beginnings of the words a fact is stated with (any case); a sentence without one of them,
# a currency or a slash states no fact.
_TRIGGER_WORDS = (
    "rais secur clos complet announc finali pric cost charg pay launch releas unveil introduc "
    "debut roll ship preview show present available discontinu shut retir turn switch withdr "
    "pull sunset paus suspend halt shelv restor return resum reinstat back bann barred block "
    "delay postpon acqui bought buy purchas takeover invest spend commit pledg buildout partner "
    "team collaborat deal agreement alliance integration sue suing lawsuit fine settle ruled "
    "order investigat probe inquiry"
)
_TRIGGERS = re.compile(
    r"[$€£¥]|\b(?:USD|EUR|GBP)\b|per\b|/|open-sourced|found that| v\.? |"
    + _prefix_tree(_TRIGGER_WORDS),
    re.I,
)


_PAST_PERFECT = re.compile(r"\bhad\s+(?:already\s+|previously\s+|earlier\s+)?$")

# --- one document -----------------------------------------------------------------------------


def _sentence_facts(
    sentence: str, chunk: Chunk, start: int, ctx: Referents, doc: DocNames, names: list[Name]
) -> list[MarketFact]:
    facts = []
    for extract in _EXTRACTORS:
        for f in extract(sentence, names, ctx, doc):
            modality = modality_of(
                sentence, f.a, f.b, committed=f.committed, negation_ok=f.negation_ok
            )
            if modality is None:
                continue
            date, dated_by = (
                date_of(sentence, f.a, f.b, chunk)
                if start >= 0
                else (chunk.published, "article" if chunk.published else "")
            )
            if dated_by == "article" and _PAST_PERFECT.search(sentence[max(0, f.a - 40) : f.a]):
                # "OpenAI, in which it had invested $13 billion": before the article, undated
                date, dated_by = None, ""
            entities = tuple(dict.fromkeys(e for e in f.entities if e))
            facts.append(
                MarketFact(
                    f.kind, date, dated_by, entities, f.fields, chunk, sentence, start, modality
                )
            )
    return facts


def _update(ctx: Referents, sentence: str, names: list[Name]) -> None:
    if _MAIL_HEADER.match(sentence):
        return  # "From: Fraser Muir To: all-staff Date: ...": the sender is no subject
    lead = lead_name(sentence, names)
    if (
        lead
        and lead.kind in (*ORG_KINDS, "")
        and not regions_in(lead.name)
        and not is_round_name(lead.name)  # "Quillet AI: Series A."
    ):
        ctx.company = lead.name
    elif lead and lead.kind == "place" and re.match(r"[A-Z][\w ]*['’]s ", sentence):
        pass
    # "it" and "the model" refer to what the sentence was about: the product it opens with,
    # else the first one it names ("... a fifth of the price of Claude 3 Opus" is a comparison)
    products = products_in(names)
    if lead and lead.kind == "model":
        ctx.product = lead.name
    elif products:
        ctx.product = products[0].name


def _attach_investors(facts: list[MarketFact], sentence: str, doc: DocNames) -> None:
    """ "The round was led by X, with Y as co-leads": the investors of the round just named."""
    m = LED_ROUND.match(sentence)
    if not m:
        return
    for i in range(len(facts) - 1, -1, -1):
        f = facts[i]
        if f.kind == "funding" and not f.fields["investors"]:
            investors = split_names(m.group("names"), doc)
            for pattern in INVESTORS[1:]:
                for extra in pattern.finditer(sentence):
                    investors += [
                        n for n in split_names(extra.group("names"), doc) if n not in investors
                    ]
            fields = {**f.fields, "investors": investors}
            facts[i] = replace(f, fields=fields, entities=(f.entities[0], *investors))
            return


def _same_occasion(found: list[MarketFact], last: MarketFact) -> list[MarketFact]:
    """ "The board also ordered ...", "Ombra also teamed up with ...": a statement that adds
    to the one before it, undated itself, has that one's stated date."""
    if last.dated_by != "text":
        return found
    return [
        replace(f, date=last.date, dated_by="text")
        if f.dated_by == "article" and f.fields.get("status") not in ("available", "unavailable")
        else f  # "is also not available in the UK": a state as of the article, not an event
        for f in found
    ]


def _same_speaker(last: MarketFact, chunk: Chunk, at: int) -> bool:
    """Whether the fact before was said in the same turn as the sentence at chunk.text[at:]:
    an "also" after another speaker's label ("Tomás Brannigan -- Analyst: ...") adds to
    something else than what the earlier speaker said."""
    if last.start < 0 or last.chunk.doc_id != chunk.doc_id:
        return True  # a title's fact, another document: nothing says otherwise
    # where the fact before sits in this chunk's text (before its start: from its beginning)
    since = max(0, last.chunk.start + last.start - chunk.start)
    if since > at:
        return True
    # the label opens the sentence's own line, so the search runs past its start
    label = _SPEAKER_LABEL.search(chunk.text, since, at + 84)
    return label is None or label.start() > at


# a line opening with a speaker's label: "Operator:", "Dana Whitfield -- Analyst, Corbel:"
_SPEAKER_LABEL = re.compile(r"^[A-Z][^\n:.!?]{1,80}:[ \t]", re.M)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end], not split after "v." in a case name ("Bartz v.
    Anthropic")."""
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        if out and re.search(r"\bv(?:s)?\.$", text[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _row_market_fact(f: RowFact) -> MarketFact:
    row = f.row
    return MarketFact(
        f.kind, f.date, f.dated_by, f.entities, f.fields, row.chunk, row.text, row.start
    )


def _restates(title: MarketFact, body: MarketFact) -> bool:
    """Whether a title's launch or price fact is one the body states ("Larkspur launches Reel
    5" and "Larkspur Video launched Larkspur Reel 5 on April 14")."""
    if title.kind != body.kind or title.kind not in ("launch", "price"):
        return False
    a, b = (entity_key(f.fields["product"]) for f in (title, body))
    same = bool(a and b) and (a == b or a.endswith(b) or b.endswith(a))
    return same and (title.kind == "launch" or title.fields["value"] == body.fields["value"])


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
    doc = DocNames.of(chunks)
    title_company = _title_company(chunks, doc)
    # what the text is about until it names another company; in a conversation, what its
    # speakers' unattributed rounds are of
    ctx = Referents(company=title_company, host=title_company if _conversation(chunks) else "")
    publisher = entity_key(re.sub(r"(?i)^the\s+", "", chunks[0].publisher or ""))
    reader = TableReader()
    facts: list[MarketFact] = []
    seen: set[str] = set()
    read_to = -1
    rows: list[tuple[int, TableRow, Referents]] = []
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
                    rows.append((len(facts), row, Referents(ctx.company, ctx.product)))
                continue
            if "|" in line.group(0):
                continue
            for a, b in _sentences(chunk.text, line.start(), line.end()):
                sentence = chunk.text[a:b]
                # overlapping chunks repeat sentences, sometimes cut differently: a sentence
                # that ends where the document was already read is not read again
                if sentence in seen or chunk.start + b <= read_to:
                    continue
                seen.add(sentence)
                read_to = max(read_to, chunk.start + b)
                triggered = _TRIGGERS.search(sentence) is not None
                if not triggered and not re.search(r"[A-Z]", sentence[1:]):
                    continue
                names = [  # a transcript's speaker label ("MK: ...") is nobody the text is
                    # about; a versioned name before a colon is a list's item ("Lodestar 4: $6")
                    n
                    for n in names_in(sentence, doc, chunk)
                    if not (
                        n.start == 0
                        and sentence[n.end : n.end + 1] == ":"
                        and not re.search(r"\d", n.name)
                    )
                ]
                if triggered:
                    found = _sentence_facts(sentence, chunk, a, ctx, doc, names)
                    if (
                        facts
                        and re.search(r"\balso\b", sentence)
                        and _same_speaker(facts[-1], chunk, a)
                    ):
                        found = _same_occasion(found, facts[-1])
                    facts += found
                    _attach_investors(facts, sentence, doc)
                    for f in found:
                        if f.kind == "legal" and f.fields["plaintiff"]:
                            ctx.authority = f.fields["plaintiff"]
                _update(ctx, sentence, [n for n in names if entity_key(n.name) != publisher])
    # table rows are turned into facts once the whole document is read: a table's unit or
    # currency is often stated in the note below it
    from_rows = [
        (at, [_row_market_fact(f) for f in table_facts(row, doc, row_ctx)])
        for at, row, row_ctx in rows
    ]
    merged: list[MarketFact] = []
    cursor = 0
    for at, found in from_rows:
        merged += facts[cursor:at]
        cursor = max(cursor, at)
        merged += found
    merged += facts[cursor:]
    title = chunks[0].title
    if title and title not in seen:
        title_ctx = Referents()
        names = names_in(title, doc, chunks[0])
        body = {_key(f) for f in merged}
        for f in _sentence_facts(title, chunks[0], -1, title_ctx, doc, names):
            if _key(f) not in body and not any(_restates(f, g) for g in merged):
                merged.insert(0, f)
    return _topics_from_document(merged, chunks)


_MAIL_HEADER = re.compile(r"\s*(?:From|To|Cc|Date|Sent|Subject):\s")
# an AMA's or a forum's poster on a line of their own: "u/pip_ferngate [verified ...]"
_HANDLE_LINE = re.compile(r"u/[\w-]+\b")


_HOST_CHUNKS = 4  # a conversation shows its turns within its first chunks


def _conversation(chunks: Sequence[Chunk]) -> bool:
    """An interview, an AMA, a call transcript: speaker turns in its first chunks."""
    turns = sum(
        1
        for c in chunks[:_HOST_CHUNKS]
        for line in c.text.splitlines()
        if SPEAKER_TURN.match(line) or _HANDLE_LINE.match(line)
    )
    return turns >= 2


def _title_company(chunks: Sequence[Chunk], doc: DocNames) -> str:
    """The one company a document's title names ("Wickbourne's Marta Kelso on ...", "AMA:
    I'm the CEO of Ferngate Labs (Ferngate Assist, ...)", "Read the memo: Lumenfold lays
    off ..."), preferring a name with a company suffix, then one tagged as a company; none
    when the title names several."""
    names = [
        n
        for n in names_in(chunks[0].title, doc, chunks[0])
        if n.kind in (*ORG_KINDS, "") and not regions_in(n.name)
    ]
    suffixed = {n.name for n in names if n.name.split()[-1] in ORG_SUFFIXES}
    tagged = {n.name for n in names if n.kind in ORG_KINDS}
    candidates = suffixed or tagged
    return candidates.pop() if len(candidates) == 1 else ""


def _topics_from_document(facts: list[MarketFact], chunks: Sequence[Chunk]) -> list[MarketFact]:
    """A legal fact whose sentence names no topic ("The lawsuit, Bartz v. Anthropic, was filed
    in 2024") takes the document's: the one its title names, else the one its text names most
    often (at least twice)."""
    if not any(f.kind == "legal" and not f.fields.get("topic") for f in facts):
        return facts
    title = chunks[0].title or ""
    topic = next((t for t, p in TOPICS if re.search(p, title, re.I)), "")
    if not topic:
        body = "\n".join(c.text for c in chunks)
        counts = [(len(re.findall(p, body, re.I)), t) for t, p in TOPICS]
        best = max(counts, default=(0, ""))
        topic = best[1] if best[0] >= 2 else ""
    if not topic:
        return facts
    return [
        replace(f, fields={**f.fields, "topic": topic})
        if f.kind == "legal" and not f.fields.get("topic")
        else f
        for f in facts
    ]


__all__ = ["KINDS", "MarketFact", "cell_is_name", "extract_facts"]
