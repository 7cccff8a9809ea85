"""Answers from market facts: lists, counts, superlatives, comparisons, timelines, what
happened and status. Every row of an answer is a fact (or table row) extracted at ingest and
cites the sentence or row that states it; a list names its rows and a count counts them.

Each shape declines (returns None) when the facts do not cover the question, and the
sentence answerer takes over."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence, Set
from dataclasses import replace

from kb.answer.base import EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.answer.scope import (
    CHANGE_COLUMN,
    CHANGE_COLUMNS,
    QUALITY_COLUMNS,
    Scope,
    Table,
    about,
    column_for,
    columns_named,
    in_places,
    kinds_of,
    less_is_better,
    named_document,
    named_places,
    named_values,
    number_in,
    places_in,
    reference_row,
    relevant_docs,
    row_name,
    rows_naming,
    scope_of,
    select,
    table_for,
)
from kb.answer.scope import (
    KIND_CUES as _KIND_CUE_PATTERNS,
)
from kb.entities import entity_key, mentions
from kb.factstore import FactQuery, StoredFact, subject_key, subject_of
from kb.factwords import date_as_written, describe, money, price, when
from kb.query import WH_OPENING
from kb.text import sentence_spans, tokenize
from kb.types import Answer, Citation, Claim
from kb.vocabulary import MONTH_RE, NOW_CUES

# the field naming what a fact of each kind is "an item" of a list as
# categorical fields a question narrows by naming one of their values
_NARROWING = {
    "funding": ("round",),
    "price": ("unit",),
    "launch": ("region", "platform", "action"),
    "status": ("status", "region"),
    "legal": ("action", "topic"),
    "acquisition": (),
    "investment": (),
    "partnership": (),
}
_MIN_WORDS = re.compile(
    r"\b(?:cheapest|lowest|smallest|least|fewest|shortest|earliest|slowest|less expensive)\b", re.I
)
# a superlative of merit rather than of size: "best model", "top-rated tool"
_QUALITY_WORDS = re.compile(r"\b(?:best|worst|top|leading|rated|rating|winner|wins?)\b", re.I)
_MORE_WORDS = re.compile(r"\b(?:highest|most|largest|biggest|greatest|max\w*)\b", re.I)
_DROP_WORDS = re.compile(
    r"\b(?:cut|cuts|drop\w*|fell|fall\w*|decreas\w*|reduc\w*|lower\w*|declin\w*|losers?)\b",
    re.I,
)
_RISE_WORDS = re.compile(
    r"\b(?:increas\w*|rais(?:e|ed|es)\b(?! \$)|rise|rose|hike\w*|gainers?)", re.I
)

_YES = {"available", "launched", "restored", "released", "generally available"}
_NO = {"paused", "blocked", "banned", "discontinued", "shelved", "unavailable", "delayed"}


class _Cites:
    """Numbers each cited fact's sentence once."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def mark(self, fact: StoredFact) -> str:
        key = (fact.chunk.chunk_id, fact.text)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(
                Citation(self._numbers[key], fact.chunk, fact.text, fact.start, 1.0)
            )
        return f"[{self._numbers[key]}]"


def _answer(
    prepared: Prepared,
    intro: str,
    lines: Sequence[tuple[str, StoredFact | Sequence[StoredFact]]],
    shape: str,
    *,
    outro: str = "",
    rows: Sequence[dict] = (),
) -> Answer:
    """An answer of an intro line and one cited line per fact (or group of facts)."""
    cites = _Cites()
    claims: list[Claim] = []
    body = [intro] if intro else []
    for text, facts in lines:
        group = [facts] if isinstance(facts, StoredFact) else list(facts)
        marks = "".join(dict.fromkeys(cites.mark(f) for f in group))
        claims.append(Claim(text, tuple(int(n) for n in re.findall(r"\d+", marks))))
        body.append(f"- {text} {marks}")
    if outro:
        body.append(outro)
    answer = cited_answer(
        prepared.question.text, "\n".join(body), cites.citations, claims=claims, shape=shape
    )
    if rows:
        answer = replace(answer, rows=tuple(rows))
    return answer


def _date_span(facts: Sequence[StoredFact]) -> str:
    dates = sorted(f.date or f.chunk.published or "" for f in facts if f.date or f.chunk.published)
    if not dates:
        return ""
    if dates[0] == dates[-1]:
        return f" ({when(dates[0])})"
    return f" ({when(dates[0])} to {when(dates[-1])})"


def _item(f: StoredFact, asked: Sequence[str] = ()) -> str:
    """What a fact is an item of a list as: its kind's subject ("Which companies raised...":
    the company), or for a fact between parties, the party the question did not name
    ("Which companies sued Midjourney?": the plaintiff)."""
    keys = [entity_key(a) for a in asked]
    named = any(entity_key(o).startswith(k) for o in _parties(f) for k in keys)
    if named:  # the question names one party: the item is another one
        for name in _OTHER_PARTY[f.kind]:
            value = f.fields.get(name)
            for part in value if isinstance(value, (list, tuple)) else [value]:
                if part and not any(entity_key(str(part)).startswith(k) for k in keys):
                    return str(part)
    return subject_of(f.kind, f.fields, f.entities)


# the roles of a fact between parties, in the order an answer names the other one
_OTHER_PARTY = {
    "legal": ("plaintiff", "defendant"),
    "acquisition": ("acquirer", "target"),
    "investment": ("investor", "target"),
    "partnership": ("parties",),
}


def _parties(f: StoredFact) -> list[str]:
    out: list[str] = []
    for name in _OTHER_PARTY.get(f.kind, ()):
        value = f.fields.get(name)
        out += [str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v]
    return out


def _written_date(f: StoredFact) -> str:
    return date_as_written(f.date, f.text, f.chunk.published)


def _line(f: StoredFact) -> str:
    return f"{describe(f.kind, f.fields, f.entities, f.text)}, {_written_date(f)}"


def _item_line(f: StoredFact, asked: Sequence[str] = ()) -> str:
    """ "Corvid Labs raised ...", or "Sora: discontinued ..." : the item named once."""
    line, item = _line(f), _item(f, asked)
    return line if not item or line.startswith(item) else f"{item}: {line}"


def _row_line(row: StoredFact, column: str | None = None, *more: str) -> str:
    cells = row.fields.get("cells") or {}
    name = row_name(row)
    if column:
        also = "".join(f"; {cells[c]} ({c})" for c in more if cells.get(c))
        return f"{name}: {cells.get(column, '')} ({column}){also}"
    rest = [f"{k} {v}" for k, v in list(cells.items())[:5] if v and str(v) != name][:4]
    return f"{name}" + (f" ({'; '.join(rest)})" if rest else "")


def _row_dict(row: StoredFact) -> dict:
    return {**(row.fields.get("cells") or {}), "source": row.chunk.source}


def _fact_dict(f: StoredFact) -> dict:
    return {
        "date": f.date or "",
        "kind": f.kind,
        "what": describe(f.kind, f.fields, f.entities, f.text),
        "source": f.chunk.source,
    }


# --- choosing the facts ------------------------------------------------------------------


def _copies_collapsed(prepared: Prepared) -> bool:
    """Whether an answer that reads one fact per item or event may have a statement's copies
    read as their first and last (`FactQuery.copies`): not under filters, which the engine
    applies by document after the select, where the copy kept might be one they leave out."""
    return not prepared.filters


def _typed(
    prepared: Prepared, scope: Scope, *, copies: bool = False
) -> tuple[str, list[StoredFact]]:
    """The first kind the question points at that has facts in its scope, narrowed by the
    entities and categorical values it names; with `copies`, a statement's copies read as
    their first and last (for answers that keep one fact per item or event)."""
    for kind in scope.kinds:
        if kind == "status" and len(scope.kinds) > 1 and scope.kinds[0] != "status":
            continue  # "still", "use" are weak cues next to a stronger one
        facts = select(prepared, scope, [kind], copies=copies)
        if kind == "status":  # bans and blocks are also orders
            facts += select(prepared, scope, ["legal"], copies=copies)
        names = list(scope.entities)
        if names:
            named = about(facts, names)
            investors = [
                entity_key(e.name) for e in prepared.question.entities if e.kind == "investor"
            ]
            if kind == "funding" and investors:
                # an investor's rounds are those it is named in as an investor, not those
                # whose sentence mentions it ("Saltmarsh Capital was not on the cap table")
                named = [f for f in named if any(f.about(k) for k in investors)]
            if not named:
                continue
            facts = named
        facts = named_values(facts, _NARROWING.get(kind, ()), scope.words)
        facts = _direction(prepared.question.text, kind, facts)
        if facts:
            return kind, facts
    return "", []


def _direction(text: str, kind: str, facts: list[StoredFact]) -> list[StoredFact]:
    """Price cuts or increases only, when the question says which."""
    if kind != "price":
        return facts
    if _DROP_WORDS.search(text):
        return [f for f in facts if (f.fields.get("change_pct") or 0) < 0]
    if _RISE_WORDS.search(text) and re.search(r"\bpric\w*", text, re.I):
        return [f for f in facts if (f.fields.get("change_pct") or 0) > 0]
    return facts


def _table_rows(prepared: Prepared, scope: Scope) -> tuple[Table | None, list[StoredFact]]:
    table = table_for(prepared, scope)
    if table is None:
        return None, []
    rows = list(table.rows)
    text = prepared.question.text
    names = [n for n in scope.entities if entity_key(n) not in entity_key(table.title)]
    if names:
        named = rows_naming(table, names)
        if named:
            rows = named
    change = next((c for c in table.columns if CHANGE_COLUMN.search(c)), None)
    if change:
        if _RISE_WORDS.search(text):
            rows = [r for r in rows if (number_in(r, change) or 0) > 0]
        elif _DROP_WORDS.search(text) and scope.kinds[:1] != ("funding",):
            rows = [r for r in rows if (number_in(r, change) or 0) < 0]
    return table, rows


def _none_in_scope(prepared: Prepared, scope: Scope, shape: str) -> Answer | None:
    """An exact "none": the question's kind of fact is in the corpus, but none in the period
    or amount range it asks about. Then the corpus says no such event, and the answer says
    which dates the sources cover; with no facts of the kind at all, the question goes on."""
    if not (scope.since or scope.until or scope.minimum or scope.maximum) or not scope.kinds:
        return None
    kind = scope.kinds[0]
    unbounded = replace(scope, since=None, until=None, minimum=None, maximum=None)
    everything = select(prepared, unbounded, [kind], about=scope.entities)
    if scope.entities:
        everything = about(everything, scope.entities)
    if not everything:
        return None
    dates = sorted(f.date for f in everything if f.date)
    span = f", dated {when(dates[0])} to {when(dates[-1])}" if dates else ""
    asked = []
    if scope.since or scope.until:
        since, until = scope.since or "", scope.until or ""
        asked.append(f"from {since} to {until}" if since != until else f"in {since}")
    if scope.minimum is not None:
        asked.append(f"above {money(scope.minimum)}")
    if scope.maximum is not None:
        asked.append(f"below {money(scope.maximum)}")
    text = (
        f"None found: the sources hold {len(everything)} {_KIND_NAME.get(kind, kind)} facts"
        f"{span}, and none {' and '.join(asked)}."
    )
    return Answer(
        question=prepared.question.text,
        text=text,
        abstained=True,
        nearest=tuple(prepared.hits[:3]),
        shape=shape,
    )


_KIND_NAME = {
    "funding": "funding-round",
    "price": "price",
    "launch": "launch",
    "status": "status",
    "legal": "legal-action",
    "acquisition": "acquisition",
    "investment": "investment",
    "partnership": "partnership",
}


def _newest_per_item(facts: Sequence[StoredFact], asked: Sequence[str] = ()) -> list[StoredFact]:
    """One fact per item (the newest that says most), in date order."""
    best: dict[str, StoredFact] = {}
    for f in facts:
        key = entity_key(_item(f, asked)) or f.text
        if f.kind == "price":  # an input and an output price are two rows
            key += f"|{f.fields.get('unit') or ''}"
        if key not in best or (f.date or "") >= (best[key].date or ""):
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.date or "", _item(f)))


# --- shapes ------------------------------------------------------------------------------


_CORPUS_WIDE = re.compile(
    r"\b(?:mentioned|named|covered|in the (?:corpus|sources|articles)|across the|competitors?|"
    r"rivals?|compet\w*)\b",
    re.I,
)
_RIVALS = re.compile(r"\b(?:competitors?|rivals?|compet\w*)\b", re.I)
_PRODUCT_KINDS = ("row", "launch", "price", "status")


def _products_on_topic(prepared: Prepared, scope: Scope) -> Answer | None:
    """ "Which video models are mentioned?", "Who are Alibaba's competitors in AI video?":
    every product the facts name in a sentence, row or table about the question's most
    specific topic word (by corpus rarity); for rivals, the makers of those products other
    than the company asked about."""
    names = {w for n in scope.entities for w in tokenize(n)}
    topic = [
        w
        for w in prepared.question.terms
        if w not in names and not _NOT_TOPIC.match(w) and w not in _GENERIC_TOPIC
    ]
    if not topic:
        return None
    rivals = bool(_RIVALS.search(prepared.question.text))
    asked = [entity_key(n) for n in scope.entities]
    # only facts whose words can hold a topic word (read in SQL: at scale, not every row)
    candidates = list(prepared.market_facts(FactQuery(kinds=_PRODUCT_KINDS, words=tuple(topic))))
    # the product category: the topic word most product facts are about ("video")
    contexts = [(f, _product_context(f)) for f in candidates]
    key_word = max(
        topic,
        key=lambda w: (sum(w in c for _, c in contexts), prepared.corpus.idf(w)),
    )
    items: dict[str, StoredFact] = {}
    for f, context in contexts:
        if key_word not in context:
            continue
        key = entity_key(_listed_name(f, rivals))
        if not key or any(key == a or key.startswith(a) for a in asked):
            continue
        if key not in items or (f.date or "") > (items[key].date or ""):
            items[key] = f
    if len(items) < 2:
        return None
    chosen = sorted(items.values(), key=lambda f: _listed_name(f, rivals).lower())
    what = "companies" if rivals else "products"
    return _answer(
        prepared,
        f"{len(chosen)} {what} in the sources{_date_span(chosen)}:",
        [(f"{_listed_name(f, rivals)}: {' '.join(f.text.split())}", f) for f in chosen],
        "list",
    )


def _product_context(f: StoredFact) -> set[str]:
    """The words that say what a product is: a row's caption, header and own cells; the
    words of a sentence near the product's name."""
    if f.kind == "row":
        return set(tokenize(f"{f.fields.get('table') or ''} {row_name(f)}"))
    name = str(f.fields.get("product") or "")
    at = f.text.find(name) if name else -1
    if at < 0:
        return set(tokenize(f.text))
    return set(tokenize(f.text[max(0, at - 60) : at + len(name) + 60]))


_GENERIC_TOPIC = {
    "model",
    "compani",
    "product",
    "vendor",
    "firm",
    "startup",
    "maker",
    "competitor",
    "rival",
}
_MAKER_COLUMNS = ("vendor", "developer", "company", "maker")


def _listed_name(f: StoredFact, rivals: bool) -> str:
    """The product a fact is about, or for rivals its maker."""
    cells = f.fields.get("cells") or {}
    if rivals:
        maker = f.fields.get("vendor") or next(
            (v for k, v in cells.items() if k.lower() in _MAKER_COLUMNS), ""
        )
        return str(maker or "")
    return row_name(f) if f.kind == "row" else str(f.fields.get("product") or "")


def list_answer(prepared: Prepared, scope: Scope) -> Answer | None:
    if _CORPUS_WIDE.search(prepared.question.text):
        answer = _products_on_topic(prepared, scope)
        if answer is not None:
            return answer
    if scope.wants_table or not scope.kinds:
        table, rows = _table_rows(prepared, scope)
        if table is not None and rows:
            caption = table.caption or table.title
            intro = f'{len(rows)} rows of the table "{caption}":'
            return _answer(
                prepared,
                intro,
                [(_row_line(r), r) for r in rows],
                "list",
                rows=[_row_dict(r) for r in rows],
            )
    # one fact per item, the newest (the last of its copies): copies collapse
    kind, facts = _typed(prepared, scope, copies=_copies_collapsed(prepared))
    if not facts:
        return _none_in_scope(prepared, scope, "list")
    items = _newest_per_item(facts, scope.entities)
    intro = f"{len(items)} found in the sources{_date_span(items)}:"
    return _answer(
        prepared,
        intro,
        [(_item_line(f, scope.entities), f) for f in items],
        "list",
        rows=[_fact_dict(f) for f in items],
    )


_ARTICLES = re.compile(
    r"\bhow many (?:\w+ )?(?:articles|documents|sources|stories|reports)\b", re.I
)


# "How many experts does Llama 4 Maverick use?": what something has, not market events
_COUNT_OF_A_THING = re.compile(
    r"^\W*(?:and\s+)?how many\s+(?P<noun>[\w-]+(?:\s+[\w-]+)?)\s+(?:does|do|did|can|will)\b",
    re.I,
)


def count_answer(prepared: Prepared, scope: Scope) -> Answer | None:
    text = prepared.question.text
    if scope.wants_table and not _ARTICLES.search(text):
        table, rows = _table_rows(prepared, scope)
        if table is not None and rows:
            caption = table.caption or table.title
            return _answer(
                prepared,
                f'{len(rows)} — the table "{caption}" lists:',
                [(_row_line(r), r) for r in rows],
                "count",
                rows=[_row_dict(r) for r in rows],
            )
    if _ARTICLES.search(text):
        return _article_count(prepared, scope)
    owned = _COUNT_OF_A_THING.match(text)
    if owned and not kinds_of(owned.group("noun")):
        return None  # "how many experts does Maverick use": a figure about it, not a count
    kind, facts = _typed(prepared, scope)
    if not facts:
        return _none_in_scope(prepared, scope, "count")
    groups = _distinct_events(facts)
    return _answer(
        prepared,
        f"{len(groups)}{_date_span([g[0] for g in groups])}:",
        [(_line(g[0]), g) for g in groups],
        "count",
        rows=[_fact_dict(g[0]) for g in groups],
    )


_NOT_TOPIC = re.compile(
    r"^(?:how|mani|articl|document|sourc|stori|report|discuss|mention|cover|talk|write|"
    r"written|corpus|ai)$"
)


def _article_count(prepared: Prepared, scope: Scope) -> Answer | None:
    """ "How many articles discuss copyright disputes?": the retrieved articles that use the
    topic's most specific word (by corpus rarity), each cited by its first sentence using
    it. Counts only what retrieval found, and says so."""
    topic = [w for w in prepared.question.terms if not _NOT_TOPIC.match(w)]
    if not topic:
        return None
    # the topic word most of the retrieved articles share ("copyright", not "disputes")
    per_doc: dict[str, set[str]] = {}
    for hit in prepared.hits:
        per_doc.setdefault(hit.chunk.doc_id, set()).update(tokenize(hit.chunk.text))
    idf = prepared.corpus.idf
    key = max(topic, key=lambda w: (sum(w in words for words in per_doc.values()), idf(w)))
    found: dict[str, StoredFact] = {}
    for hit in prepared.hits:
        chunk = hit.chunk
        if chunk.doc_id in found:
            continue
        for a, b in sentence_spans(chunk.text):
            sentence = chunk.text[a:b].strip()
            if key in tokenize(sentence):
                found[chunk.doc_id] = StoredFact(
                    "mention", chunk.published, "article", "stated", (), {}, chunk, sentence, a
                )
                break
    if not found:
        return None
    chosen = sorted(found.values(), key=lambda f: f.chunk.published or "")
    word = next(
        (w for w in re.findall(r"[\w-]+", prepared.question.text) if key in tokenize(w)), key
    )
    return _answer(
        prepared,
        f'{len(chosen)} of the articles retrieved for the question mention "{word}":',
        [
            (f"{f.chunk.title} ({when(f.chunk.published)}): {' '.join(f.text.split())}", f)
            for f in chosen
        ],
        "count",
    )


def _distinct_events(facts: Sequence[StoredFact]) -> list[list[StoredFact]]:
    """Facts grouped by the event they state: several articles reporting one funding round
    (same company and round, or same amount) count once."""
    groups: list[list[StoredFact]] = []
    for f in sorted(facts, key=lambda f: f.date or ""):
        for g in groups:
            if _same_event(g[0], f):
                g.append(f)
                break
        else:
            groups.append([f])
    return groups


def _same_event(a: StoredFact, b: StoredFact) -> bool:
    if a.kind != b.kind or entity_key(_item(a)) != entity_key(_item(b)):
        return False
    if a.kind == "funding":
        ra, rb = a.fields.get("round") or "", b.fields.get("round") or ""
        if ra and rb:
            return ra.lower() == rb.lower()
        return a.fields.get("amount") == b.fields.get("amount")
    if a.kind == "price":
        return (a.fields.get("unit"), a.fields.get("value")) == (
            b.fields.get("unit"),
            b.fields.get("value"),
        )
    return (a.fields.get("status"), a.fields.get("region"), a.fields.get("action")) == (
        b.fields.get("status"),
        b.fields.get("region"),
        b.fields.get("action"),
    )


def _smallest_first(text: str) -> bool:
    return bool(_MIN_WORDS.search(text)) or bool(
        re.search(r"\b(?:steepest|biggest|largest|deepest)\b", text, re.I)
        and _DROP_WORDS.search(text)
    )


def superlative_answer(prepared: Prepared, scope: Scope) -> Answer | None:
    text = prepared.question.text
    smallest = _smallest_first(text)
    if scope.wants_table or not scope.kinds:
        table, rows = _table_rows(prepared, scope)
        if table is not None and not scope.wants_table and relevant_docs(prepared)[table.doc_id]:
            # a table of another article than the best match ranks other things ("which
            # laptop lasted longest": not a transcription tools' table sharing "test")
            table = None
        if table is not None:
            quality = bool(_QUALITY_WORDS.search(text))
            if _DROP_WORDS.search(text) or _RISE_WORDS.search(text):
                prefer: tuple[str, ...] = CHANGE_COLUMNS
            elif quality:
                prefer = QUALITY_COLUMNS  # "best model on ledgerbench": its score
            else:
                prefer = ("price", "amount", "input")
            column = column_for(table, scope.words, prefer)
            if quality and column and not _MORE_WORDS.search(text) and not _MIN_WORDS.search(text):
                # the best error rate is the lowest, the worst score too
                worst = bool(re.search(r"\bworst\b", text, re.I))
                smallest = less_is_better(column) != worst
            values = [(number_in(r, column), r) for r in rows] if column else []
            ranked = sorted(
                ((v, r) for v, r in values if v is not None and not reference_row(table, r)),
                key=lambda x: x[0],
                reverse=not smallest,
            )
            if column and ranked:
                lines = [(_row_line(r, column), r) for _, r in ranked[:2]]
                lines[0] = (lines[0][0], ranked[0][1])
                intro = f'By {column}, in "{table.caption or table.title}":'
                outro = f"{len(ranked)} rows compared."
                return _answer(prepared, intro, lines, "superlative", outro=outro)
    if not WH_OPENING.match(text) and named_document(text, prepared.hits) is None:
        # a telegraphic superlative over facts from many articles ("cheapest chinese model
        # per 1m tokens") is better answered by a sentence that states it; over one named
        # document's facts ("biggest cheque in cap table weekly 58") it is computed
        return None
    # one fact per event, the first of the newest (the first of its copies): copies collapse
    kind, facts = _typed(prepared, scope, copies=_copies_collapsed(prepared))
    if not facts:
        return _none_in_scope(prepared, scope, "superlative")
    value: Callable[[StoredFact], float | None]
    if kind == "price" and _DROP_WORDS.search(text):
        value = lambda f: f.fields.get("change_pct")  # noqa: E731
    elif kind == "price":
        unit = _unit_asked(scope, facts)
        facts = [f for f in facts if not unit or f.fields.get("unit") == unit]
        value = _price_in_one_currency(facts)
    elif kind == "funding" and re.search(r"\bvaluation|valued|worth\b", text, re.I):
        value = lambda f: f.fields.get("valuation")  # noqa: E731
    else:
        value = lambda f: f.fields.get("amount")  # noqa: E731
    ranked = sorted(
        (
            (float(v), f)
            for f in _newest_per_event(facts)
            if isinstance(v := value(f), (int, float))
        ),
        key=lambda x: x[0],
        reverse=not smallest,
    )
    if not ranked:
        return None
    winner = ranked[0][1]
    runner = next(
        (f for _, f in ranked[1:] if entity_key(_item(f)) != entity_key(_item(winner))), None
    )
    lines = [(_line(f), f) for f in (winner, runner) if f is not None]
    label = "Runner-up" if len(lines) > 1 else ""
    if label:
        lines[1] = (f"{label}: {lines[1][0]}", lines[1][1])
    outro = f"{len(ranked)} compared{_date_span([f for _, f in ranked])}."
    return _answer(prepared, "", lines, "superlative", outro=outro)


def _in_dollars(fact: StoredFact) -> float | None:
    """A price in US dollars as its text states it: itself, or the conversion written beside
    it ("0.8 yuan ($0.11)"); None when the text gives no dollar figure."""
    usd = fact.fields.get("usd_value")
    if usd is None and (fact.fields.get("currency") or "USD") == "USD":
        usd = fact.fields.get("value")
    return float(usd) if isinstance(usd, (int, float)) else None


def _price_in_one_currency(facts: Sequence[StoredFact]) -> Callable[[StoredFact], float | None]:
    """How prices are compared: in US dollars when the texts give dollar figures (as written
    or converted), else in the currency most of them are written in; a price in another
    currency with no conversion is left out rather than compared as if it were dollars."""
    if any(_in_dollars(f) is not None for f in facts):
        return _in_dollars
    currencies = Counter(str(f.fields.get("currency") or "") for f in facts)
    common = currencies.most_common(1)[0][0] if currencies else ""
    return lambda f: f.fields.get("value") if (f.fields.get("currency") or "") == common else None


def _newest_per_event(facts: Sequence[StoredFact]) -> list[StoredFact]:
    return [max(g, key=lambda f: f.date or "") for g in _distinct_events(facts)]


def _unit_asked(scope: Scope, facts: Sequence[StoredFact]) -> str | None:
    units = {str(f.fields.get("unit") or "") for f in facts} - {""}
    for unit in sorted(units):
        words = set(re.findall(r"[a-z]+", unit.lower())) - {"m", "per"}
        if words and words <= {w.rstrip("s") for w in scope.words} | scope.words:
            return unit
    shared = [
        u
        for u in sorted(units)
        if any(w in scope.words for w in re.findall(r"[a-z]+", u.lower()) if len(w) > 3)
    ]
    # "per 1m tokens": the scale the question names, and the input price (the one a price
    # list leads with) when it names neither input nor output
    scale = (
        "1M"
        if scope.words & {"1m", "million", "mtok"}
        else "1K"
        if scope.words & {"1k", "thousand"}
        else ""
    )
    return min(
        shared,
        key=lambda u: (not u.startswith(scale) if scale else False, "input" not in u),
        default=None,
    )


_COMPARE_SPLIT = re.compile(r"\s*(?:,|\band\b|\bvs\.?|\bversus\b|\bor\b|\bwith\b|\bto\b)\s*", re.I)


def _sides(prepared: Prepared, scope: Scope) -> list[str]:
    """The things compared: the most specific names the question mentions (models rather
    than their vendors when it names two models), with model codes ("H200") it names."""
    names = list(dict.fromkeys(scope.entities))
    text = prepared.question.text
    for code in (v for v in prepared.question.versions if " " not in v):
        if not any(code in entity_key(n) for n in names):
            written = re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text, re.I)
            names.append(written.group(0) if written else code)
    vendors = {e.name for e in prepared.question.entities if e.kind == "vendor"}
    others = [n for n in names if n not in vendors]
    return others if len(others) >= 2 else names


def compare_answer(prepared: Prepared, scope: Scope) -> Answer | None:
    sides = _sides(prepared, scope)
    if len(sides) < 2:
        return None
    if not scope.kinds and not _PRICE_CUE.search(prepared.question.text):
        return None  # "tack 3 vs lathe 2 on kessock": a score, not a price; the sentences say
    text = prepared.question.text
    lines: list[tuple[str, StoredFact | Sequence[StoredFact]]] = []
    table = table_for(prepared, scope)
    column = column_for(table, scope.words) if table is not None else None
    values: list[float] = []
    missing: list[str] = []
    for side in sides:
        row = None
        if table is not None and column:
            named = rows_naming(table, [side])
            row = next((r for r in named if number_in(r, column) is not None), None)
        if row is not None and column and table is not None:
            asked = [c for c in columns_named(table, scope.words) if c != column]
            lines.append((_row_line(row, column, *asked), row))
            values.append(number_in(row, column) or 0.0)
            continue
        kinds = scope.kinds or ("price",)
        facts = [f for f in select(prepared, scope, list(kinds[:2])) if f.kind != "row"]
        facts = about(facts, [side])
        facts = [f for f in facts if _names_side(f, side, sides)]
        own = [f for f in facts if _is_subject(_subject_of(f), entity_key(side))]
        facts = own or facts  # Sorrel 2's own price, not Sorrel 2 Mini's
        if not facts:
            missing.append(side)
            continue
        facts = _newest_per_event(facts)
        if facts and facts[0].kind == "price":
            by_unit: dict[str, StoredFact] = {}
            for f in sorted(facts, key=lambda f: f.date or ""):
                by_unit[str(f.fields.get("unit") or "")] = f
            unit = _unit_asked(scope, list(by_unit.values()))
            chosen = [by_unit[unit]] if unit in by_unit else list(by_unit.values())[:3]
            parts = "; ".join(price(f.fields) for f in chosen)
            lines.append((f"{side}: {parts} ({_written_date(chosen[-1])})", chosen))
            if len(chosen) == 1 and (usd := _in_dollars(chosen[0])) is not None:
                values.append(usd)  # compared in dollars: never yuan against dollars
        else:
            newest = max(facts, key=lambda f: f.date or "")
            lines.append((f"{side}: {_line(newest)}", newest))
    kind = _KIND_NAME.get((scope.kinds or ("price",))[0], "")
    if not lines and scope.kinds and missing:
        # the sources hold no figure of the asked kind for any side: nothing to compare
        return Answer(
            question=text,
            text=f"The corpus does not say: the sources give no {kind} figures for "
            f"{' or '.join(missing)}.",
            abstained=True,
            nearest=tuple(prepared.hits[:3]),
            shape="compare",
        )
    if not lines or len(lines) < 2:
        # one side only: the facts do not cover the other; the sentences may say both
        # ("priced at $0.008 per page, against $0.012 per page for Sextant 3")
        return None
    if len({_statement(fact) for _, fact in lines}) < len(lines):
        # two sides read off one statement ("Brantwood Energy" and "Resolve" from one
        # contract's price): that compares nothing; the sentences may
        return None
    outro = ""
    if len(values) == len(lines) == 2 and min(values) > 0:
        hi, lo = max(values), min(values)
        outro = f"The higher is {hi / lo:.3g} times the lower."
    if missing:
        outro = f"The sources give no {kind} figures for {' or '.join(missing)}."
    return _answer(prepared, "Side by side, newest figures:", lines, "compare", outro=outro)


_PRICE_CUE = re.compile(r"\b(?:pric\w*|cost\w*|charg\w*|fees?|cheap\w*|dear\w*)\b|\$", re.I)


def _statement(fact: StoredFact | Sequence[StoredFact]) -> tuple[str, ...]:
    """The sentences a compared side's line was read from."""
    facts = [fact] if isinstance(fact, StoredFact) else list(fact)
    return tuple(sorted(f"{f.chunk.chunk_id}:{f.text}" for f in facts))


def _names_side(f: StoredFact, side: str, sides: Sequence[str]) -> bool:
    """A fact about "Corvid Reason 2" is not a fact about "Corvid Reason 1"."""
    key = entity_key(side)
    others = [entity_key(s) for s in sides if s != side and entity_key(s).startswith(key)]
    subject = _subject_of(f)
    return not any(subject.startswith(o) for o in others)


_VALUATION = re.compile(r"\bvaluation|valued|worth\b", re.I)


def timeline_answer(prepared: Prepared, scope: Scope) -> Answer | None:
    text = prepared.question.text
    if not scope.entity and not scope.entities:
        return None
    names = [scope.entity] if scope.entity else list(scope.entities)
    if _VALUATION.search(text):
        facts = about(select(prepared, scope, ["funding"], about=names), names)
        facts = [f for f in facts if isinstance(f.fields.get("valuation"), (int, float))]
        facts = [f for f in facts if _item(f) and entity_key(_item(f)) in map(entity_key, names)]
        points = _distinct_by(facts, lambda f: f.fields.get("valuation"))
        label = _valuation_line
    else:
        kinds = [k for k in scope.kinds if k != "status"] or ["price"]
        facts = about(select(prepared, scope, kinds[:1], about=names), names)
        if kinds[0] == "funding":  # "wickbourne raises to date, in order": its own rounds
            facts = [f for f in facts if entity_key(_item(f)) in map(entity_key, names)]
            points = [max(g, key=_detail) for g in _rounds(facts)]
        else:
            points = _distinct_by(facts, lambda f: (f.fields.get("unit"), f.fields.get("value")))
        label = lambda f: f"{_written_date(f)}: {describe(f.kind, f.fields, f.entities, f.text)}"  # noqa: E731
    changed = any(f.fields.get("old_value") is not None for f in points)
    if len(points) < 2 and not changed:  # one figure is not a change over time
        return None
    lines = [(label(f), f) for f in points]
    return _answer(prepared, "Oldest to newest:", lines, "timeline")


def _rounds(facts: Sequence[StoredFact]) -> list[list[StoredFact]]:
    """Funding facts grouped by round, oldest first: a fact joins every group holding a fact
    of the same round (the round named, or the same amount within a few months where one is
    unnamed), and the groups it joins become one."""
    groups: list[list[StoredFact]] = []
    for f in sorted(facts, key=lambda f: f.date or ""):
        joined = [g for g in groups if any(_same_round(x, f) for x in g)]
        groups = [g for g in groups if not any(g is j for j in joined)]
        groups.append([x for g in joined for x in g] + [f])
    return sorted(groups, key=lambda g: min(x.date or "9999" for x in g))


def _same_round(a: StoredFact, b: StoredFact) -> bool:
    """`_same_event` for rounds, where the same amount with a round unnamed is the same
    round only when known and told near the same time ("$4B" from Amazon in 2023 and again
    in 2024 are two)."""
    if not _same_event(a, b):
        return False
    if a.fields.get("round") and b.fields.get("round"):
        return True
    da, db = (a.date or "")[:7], (b.date or "")[:7]
    return a.fields.get("amount") is not None and (
        not da or not db or abs(_months(da) - _months(db)) <= _ROUND_MONTHS
    )


_ROUND_MONTHS = 3


def _months(date: str) -> int:
    year, _, month = date.partition("-")
    return int(year) * 12 + int(month or 6)


def _detail(f: StoredFact) -> tuple[int, str]:
    """How much a funding fact tells (round, amount, valuation, investors), then how exact
    its date is."""
    told = sum(bool(f.fields.get(k)) for k in ("round", "amount", "valuation", "investors"))
    return told, f.date or ""


def _valuation_line(f: StoredFact) -> str:
    fields = f.fields
    value = money(fields.get("valuation"), fields.get("currency"), fields.get("valuation_text"))
    round_ = f" ({fields['round']})" if fields.get("round") else ""
    return f"{_written_date(f)}: valued at {value}{round_}"


def _distinct_by(facts: Sequence[StoredFact], key: Callable[[StoredFact], object]) -> list:
    """Dated points oldest first, a point only where the value changed (a later source
    repeating the same figure adds nothing to a timeline)."""
    last: dict[object, object] = {}
    out = []
    for f in sorted(facts, key=lambda f: f.date or ""):
        value = key(f)
        if value is None:
            continue
        series = value[0] if isinstance(value, tuple) else None  # e.g. the price's unit
        if last.get(series) == value:
            continue
        last[series] = value
        out.append(f)
    return out


_EVENT_KINDS = ["status", "legal", "launch", "acquisition", "funding", "price", "partnership"]
_KIND_WEIGHT = {"status": 0, "legal": 0, "acquisition": 1, "launch": 2, "funding": 2}


def _subject_of(f: StoredFact) -> str:
    return subject_key(f.kind, f.fields, f.entities)


def _is_subject(subject: str, key: str) -> bool:
    """Whether a fact's subject is the one asked: a family takes all its models ("gemini":
    Gemini 1.5 Pro), a versioned model only itself ("sorrel2" is not Sorrel 2 Mini, "gpt4"
    not GPT-4o)."""
    return subject == key if key[-1:].isdigit() else subject.startswith(key)


def _events_about(
    prepared: Prepared,
    scope: Scope,
    kinds: Sequence[str],
    names: Sequence[str],
    *,
    unconfirmed: bool = False,
    copies: bool = False,
) -> list[StoredFact]:
    """Facts of these kinds (`select`) whose subject is one of the names; else facts that
    merely mention them. Asked of the index in that order: the subjects' facts are fewer.
    With `copies`, a statement's copies are read as their first and last."""
    keys = [entity_key(n) for n in names]
    own = [
        f
        for f in select(
            prepared, scope, kinds, unconfirmed=unconfirmed, subjects=names, copies=copies
        )
        if any(_is_subject(_subject_of(f), k) for k in keys if k)
    ]
    if own:
        return own
    return about(
        select(prepared, scope, kinds, unconfirmed=unconfirmed, about=names, copies=copies),
        names,
    )


def _of_the_asked(f: StoredFact, names: Sequence[str], places: Set[str]) -> bool:
    """Whether a status is of the thing asked about: its product is one of the names (or of
    its family), or it names no product and its company is one, or it is the company's
    product in the place asked about ("ChatGPT: restored in Italy" for OpenAI in Italy);
    "Brume 3: delayed" says nothing of Ferngate's sign-ups in Turkey."""
    keys = {entity_key(n) for n in names}
    if any(f.text.lstrip().lower().startswith(n.lower()) for n in names if n):
        return True  # its sentence is about it ("Parrotfish, ..., shut down on October 31")
    product = entity_key(str(f.fields.get("product") or ""))
    if not product or any(product.startswith(k) for k in keys):
        return any(f.about(k) for k in keys)
    region = str(f.fields.get("region") or "")
    return bool(places and region and places_in(region) & places) and any(f.about(k) for k in keys)


def _names_all(f: StoredFact, names: Sequence[Sequence[str]]) -> bool:
    """Whether a fact is about, or its sentence or product says, every one of the things
    the names stand for (each name given as its tokens, the place asked about left out;
    names that share a word, "Reel 2" and "Vellacourt Reel", are one thing: either will do)."""
    said = set(tokenize(f.text)) | set(tokenize(str(f.fields.get("product") or "")))

    def says(n: Sequence[str]) -> bool:
        return f.about(entity_key(" ".join(n))) or set(n) <= said

    return all(
        says(n) or any(says(m) for m in names if m is not n and set(m) & set(n)) for n in names
    )


def _overlap(f: StoredFact, words: frozenset[str]) -> int:
    return len(set(tokenize(f.text)) & words)


def _event_line(f: StoredFact, prepared: Prepared | None = None) -> str:
    """The source's own sentence, dated, marked when it is a forecast or a rumour; a terse
    one with the dated sentence after it in its passage (read through `prepared`: "Brume 3
    is delayed. We're now targeting late February 2027.")."""
    mark = {"forecast": " (expected)", "rumour": " (reported, unconfirmed)"}.get(f.modality, "")
    said = " ".join(f.text.split())
    then = _dated_sequel(f, prepared) if prepared is not None else ""
    return f"{_written_date(f)}{mark}: {said}{' ' + then if then else ''}"


TERSE_WORDS = 6  # an event told in this few words ("Brume 3 is delayed.") may go on
SEQUEL_WORDS = 16
_WHEN_SAID = re.compile(rf"\b(?:{MONTH_RE}|20\d\d|Q[1-4]|spring|summer|autumn|fall|winter)\b", re.I)


def _dated_sequel(f: StoredFact, prepared: Prepared) -> str:
    """The sentence right after a terse event's sentence in its paragraph, when it is short
    and says when: what the event leaves out (its new date, its end)."""
    if len(f.text.split()) > TERSE_WORDS:
        return ""
    passage = prepared.stored_chunk(f.chunk)
    text = passage[0].text if passage else ""
    at = text.find(f.text)
    if at < 0:
        return ""
    rest = text[at + len(f.text) :].split("\n", 1)[0]
    spans = sentence_spans(rest)
    if not spans:
        return ""
    a, b = spans[0]
    sequel = " ".join(rest[a:b].split())
    if len(sequel.split()) > SEQUEL_WORDS or not _WHEN_SAID.search(sequel):
        return ""
    return sequel


def what_happened_answer(prepared: Prepared, scope: Scope, *, yes_no: bool) -> Answer | None:
    """The newest relevant events about the subject, newest first, each in its source's
    words; a yes/no status question starts with the answer its newest status gives."""
    names = [scope.entity] if scope.entity else list(scope.entities)
    if not names:
        return None
    if yes_no and scope.kinds and scope.kinds[0] not in ("status", "legal", "launch"):
        return None  # "Does Anthropic still charge $3 ...?" asks about a price, not a status
    kinds = ["status", "legal", "launch"] if yes_no else _EVENT_KINDS
    events = _events_about(prepared, scope, kinds, names, unconfirmed=True)
    boards = [e for e in prepared.question.entities if e.kind == "leaderboard"]
    if boards:
        # "what happened to Cantora v5 on Timbre Arena": what happened there, not its price
        events = [f for f in events if any(mentions(b.name, f.text) for b in boards)]
    region_named = in_places(events, prepared.question.text)
    if region_named and len(region_named) < len(events):
        # the region asked about, and what holds everywhere (no region)
        events = region_named + [f for f in events if not f.fields.get("region")]
    if not events:
        return None
    ranked = sorted(
        events,
        key=lambda f: (
            -_overlap(f, scope.words),
            f.modality != "stated",
            _KIND_WEIGHT.get(f.kind, 3),
            "".join(chr(0x10FFFF - ord(c)) for c in (f.date or "")),
        ),
    )
    chosen: list[StoredFact] = []
    for f in ranked:
        if all(f.text != c.text for c in chosen):
            chosen.append(f)
        if len(chosen) == 4:
            break
    chosen.sort(key=lambda f: f.date or "", reverse=True)
    intro = "Newest first:"
    if yes_no:
        # a status elsewhere ("available in the U.S.") says nothing about the place asked,
        # nor one of another product of the company asked about
        asked = named_places(prepared.question.text)
        # every name the question asks by ("Can Orbwell users in Italy still use Voice
        # Echo?"): a status that says only the company's is of another of its products
        in_place = {t for p in asked for t in tokenize(p)}
        also_named = [[t for t in tokenize(n) if t not in in_place] for n in names]
        statuses = sorted(
            (
                f
                for f in events
                if f.kind == "status"
                and f.modality == "stated"
                and _of_the_asked(f, names, asked)
                and _names_all(f, also_named)
                and (
                    not asked
                    or not f.fields.get("region")
                    or places_in(str(f.fields.get("region"))) & asked
                )
            ),
            key=lambda f: f.date or "",
            reverse=True,
        )
        newer_news = [
            f
            for f in _events_about(prepared, scope, _EVENT_KINDS, names)
            if statuses
            and (f.date or "") > (statuses[0].date or "")
            and _names_all(f, also_named)  # news of another of the company's products
            # a price page's row, dated only by the page, is a listing, not news
            and not (f.dated_by == "article" and " | " in f.text)
        ]
        if statuses and newer_news and NOW_CUES.search(prepared.question.text):
            return None  # "still": later news than the newest status; the sentences say more
        if not statuses:
            # no status of the thing asked about (or of the place asked): the sentences may
            # say it
            return None
        newest = statuses[0]
        status = str(newest.fields.get("status") or "")
        verdict = "No" if status in _NO else "Yes" if status in _YES else ""
        if verdict:
            said = describe("status", newest.fields, newest.entities, newest.text)
            intro = f"{verdict}. As of {_written_date(newest)}, {said}:"
            chosen = [f for f in chosen if _names_all(f, also_named)]  # not another product's
            if newest not in chosen:
                chosen = [newest, *chosen[:3]]
    lines = [(_event_line(f, prepared), f) for f in chosen]
    return _answer(prepared, intro, lines, "status" if yes_no else "events")


_FIGURE_KINDS = ("funding", "investment", "acquisition", "price", "legal")


def lookup_answer(prepared: Prepared) -> Answer | None:
    """A figure the retrieved passages did not give ("How much is Alibaba investing in AI
    infrastructure?"), from the facts about the company or product the question names: the
    fact of the kind it asks about that shares most of its other words. Used only when the
    sentence answerer abstains."""
    question = prepared.question
    if question.expects not in ("money", "percent_or_money", "number", "percent"):
        return None
    scope = scope_of(prepared)
    kinds = [k for k in scope.kinds if k in _FIGURE_KINDS]
    if not kinds or not scope.entities:
        return None
    # the first fact of the best overlap and date (the first of its copies): copies collapse
    facts = _events_about(
        prepared, scope, kinds, list(scope.entities), copies=_copies_collapsed(prepared)
    )
    names = {w for n in scope.entities for w in tokenize(n)}
    cue_words = {w for w in scope.words if any(p.search(w) for _, p in _KIND_CUE_PATTERNS)}
    wanted = scope.words - names - cue_words - {"much", "mani", "total", "amount"}
    if re.search(r"\bvalu|\bworth\b", question.text, re.I):
        # "X valuation": a round that states none does not answer it
        facts = [f for f in facts if f.kind != "funding" or f.fields.get("valuation")]
    best: tuple[int, StoredFact] | None = None
    for f in facts:
        context = set(
            tokenize(f"{f.text} {f.fields.get('purpose') or ''} {f.fields.get('target') or ''}")
        )
        overlap = len(wanted & context)
        if (overlap or not wanted) and (
            best is None or (overlap, f.date or "") > (best[0], best[1].date or "")
        ):
            best = (overlap, f)
    if best is None:
        return None
    fact = best[1]
    return _answer(
        prepared, "From the facts read from the articles:", [(_line(fact), fact)], "fact"
    )


MARKET_SHAPES = frozenset(
    {"list", "count", "superlative", "compare", "timeline", "what_happened", "status"}
)


class MarketAnswerer:
    """Lists, counts, superlatives, comparisons, timelines, what happened and status, from
    the market facts; None when the facts do not cover the question."""

    name = "market"

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None:
        shape = prepared.question.shape
        scope = scope_of(prepared)
        if shape == "list":
            return list_answer(prepared, scope)
        if shape == "count":
            return count_answer(prepared, scope)
        if shape == "superlative":
            return superlative_answer(prepared, scope)
        if shape == "compare":
            return compare_answer(prepared, scope)
        if shape == "timeline":
            return timeline_answer(prepared, scope)
        if shape in ("what_happened", "status"):
            return what_happened_answer(prepared, scope, yes_no=shape == "status")
        return None
