"""Exploring the corpus rather than asking it: entities, an entity's timeline and articles,
ranking standings, and store statistics. Each function reads one store view and returns
small frozen types; "nothing found" is an empty result, never an error."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from kb.dates import stated_date
from kb.embedders import english_words
from kb.entities import (
    ORG_SUFFIXES,
    Entity,
    consolidate,
    corpus_kind,
    entity_key,
    mentions,
    stored_keys,
    untag,
)
from kb.factstore import (
    FactIndex,
    FactIndexState,
    FactQuery,
    StoredFact,
    load_or_build,
    readable,
    state_of,
)
from kb.lock import lock_path
from kb.marketfacts import KINDS
from kb.query import NameCase
from kb.rankings import RankingFact, board_key, extract_rankings, facts_from_json, history
from kb.settings import Settings
from kb.store import ChromaStore, DocRecord
from kb.text import sentence_spans
from kb.types import Chunk
from kb.view import StoreView


@dataclass(frozen=True)
class EntityCount:
    """A recognised entity and how many chunks and documents mention it."""

    name: str
    kind: str  # vendor | investor | model | leaderboard | person | place
    chunks: int
    documents: int
    maker: str = ""  # a model's vendor, when an article names it

    def to_json(self) -> dict:
        out = asdict(self)
        if not self.maker:
            del out["maker"]
        return out


@dataclass(frozen=True)
class EntityDocument:
    """An article that mentions an entity, with how many of its passages do."""

    source: str
    title: str
    published: str | None
    publisher: str | None
    passages: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TimelineEvent:
    """A sentence about an entity, dated by the date it states, else by its article's."""

    date: str
    text: str
    source: str
    title: str
    published: str | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Timeline:
    """An entity's dated events, oldest first; events with no date at all listed apart."""

    entity: str
    events: tuple[TimelineEvent, ...] = ()
    undated: tuple[TimelineEvent, ...] = ()

    def to_json(self) -> dict:
        return {
            "entity": self.entity,
            "events": [e.to_json() for e in self.events],
            "undated": [e.to_json() for e in self.undated],
        }


@dataclass(frozen=True)
class Rankings:
    """Ranking facts about an entity and/or on one leaderboard, newest first."""

    entity: str | None
    leaderboard: str | None
    facts: tuple[RankingFact, ...] = ()

    def to_json(self) -> dict:
        return {
            "entity": self.entity,
            "leaderboard": self.leaderboard,
            "rankings": [f.to_json() for f in self.facts],
        }


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    published: str | None
    publisher: str | None
    chunks: int
    date_inferred: bool = False  # the date was read from the article's first sentences


@dataclass(frozen=True)
class Stats:
    """What the store holds."""

    documents: int
    chunks: int
    embedder: str
    store: str
    date_range: tuple[str, str] | None
    last_ingest: str | None
    duplicates: tuple[tuple[str, str], ...]  # (source, duplicate of)
    sources: tuple[SourceInfo, ...]
    fact_index: FactIndexState | None = None

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "embedder": self.embedder,
            "store": self.store,
            "date_range": list(self.date_range) if self.date_range else None,
            "last_ingest": self.last_ingest,
            "duplicates": [{"source": s, "duplicate_of": d} for s, d in self.duplicates],
            "sources": [asdict(s) for s in self.sources],
            "fact_index": self.fact_index.to_json() if self.fact_index else None,
        }


def _live_rows(view: StoreView) -> list[int]:
    """Rows of the keyword index whose chunks belong to a live document version."""
    kw = view.keyword
    return [i for i in range(kw.size) if view.live.get(kw.doc_ids[i]) == kw.content_hashes[i]]


def entities(view: StoreView) -> tuple[EntityCount, ...]:
    """Every recognised vendor, model and leaderboard, most mentioned first."""

    def count() -> tuple[EntityCount, ...]:
        kw = view.keyword
        table: dict[str, tuple[str, int, set[str]]] = {}
        kinds: dict[str, dict[str, str]] = {}  # key -> document -> the kind it was given there
        for i in _live_rows(view):
            for item in filter(None, kw.entities[i].split("|")):
                entity = untag(item)
                name, chunks, docs = table.get(entity.key, (entity.name, 0, set()))
                docs.add(kw.doc_ids[i])
                table[entity.key] = (name, chunks + 1, docs)
                kinds.setdefault(entity.key, {}).setdefault(kw.doc_ids[i], entity.kind)
        rows = [
            {
                "name": n,
                "kind": corpus_kind(kinds[key].values(), n),
                "chunks": c,
                "documents": len(d),
            }
            for key, (n, c, d) in table.items()
        ]
        # "Veridian" folded onto "Veridian Labs", makers attached, lone sightings dropped
        return tuple(
            EntityCount(r["name"], r["kind"], r["chunks"], r["documents"], r.get("maker", ""))
            for r in consolidate(rows, publishers=set(kw.publishers))
        )

    return view.remember("entities", count)


def _names_something(name: str) -> bool:
    """Whether a name, typed in lower case, still names something: several words, a number,
    or a word that is no everyday English word ("flow" names nothing; "cardale" does)."""
    return " " in name or any(c.isdigit() for c in name) or name.lower() not in english_words()


def name_case(view: StoreView) -> NameCase:
    """How the store's entities are spelt, to read lower-case questions by, and the first
    word of each many-word name. A one-word name that is an everyday English word ("Flow",
    "Arena") is left out: "the flow of money" names nothing. A typed word that is English or
    that the corpus writes is never mended to a name one typo away."""

    def build() -> NameCase:
        names = [e.name for e in entities(view)]
        # a company is often typed by its first word ("cardale" for Cardale Silicon)
        leading = [n.split()[0] for n in names if " " in n and n[:1].isupper()]
        # a word the corpus itself writes is no typo of a name ("marlpit" is no "marit"):
        # looked up in the keyword index's own table, not copied
        return NameCase(
            (n for n in [*names, *leading] if _names_something(n)),
            english_words(),
            view.keyword.doc_freq,
        )

    return view.remember("name_case", build)


def named_entities(view: StoreView, text: str) -> tuple[Entity, ...]:
    """The corpus's vendors, models and leaderboards a text names, in any case ("larch 3",
    "Plinth AI", "codeladder"): what ingest recognised in unseen articles, for reading a
    question by. A one-word name that is an everyday English word is left out, as in
    `name_case`. Built once per store view (a pass over the entity index: about 10 s at a
    million chunks, then cached)."""

    def build() -> tuple[dict[str, Entity], re.Pattern[str] | None]:
        listed = [
            e
            for e in entities(view)
            if e.kind in ("vendor", "model", "leaderboard", "investor") and _names_something(e.name)
        ]
        known = {e.name.lower(): Entity(e.name, e.kind, e.maker) for e in listed}
        # a company by the first word of its name, when that word is its own ("strathorn"
        # for Strathorn Labs, whose "Strathorn Studio" is its product: no English word, and
        # no other company's first word)
        firsts = Counter(
            e.name.split()[0].lower() for e in listed if " " in e.name and e.kind == "vendor"
        )
        # ... or, among several sharing it, the one named as a company ("Ferngate Labs", not
        # its product "Ferngate Assist")
        companies = Counter(e.name.split()[0].lower() for e in listed if _company_named(e))
        for e in listed:
            first = e.name.split()[0].lower()
            if (
                e.kind == "vendor"
                and " " in e.name
                and (firsts[first] == 1 or (companies[first] == 1 and _company_named(e)))
                and first not in known
                and first.isalpha()
                and _names_something(first)
            ):
                known[first] = Entity(e.name, e.kind, e.maker)
        if not known:
            return known, None
        alternatives = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
        return known, re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-]|\.\d)")

    known, pattern = view.remember("named_entities", build)
    if pattern is None:
        return ()
    return tuple(dict.fromkeys(known[m.group(0)] for m in pattern.finditer(text.lower())))


def _company_named(e: EntityCount) -> bool:
    """A vendor named as a company: a word and an organisation suffix ("Ferngate Labs")."""
    words = e.name.split()
    return e.kind == "vendor" and len(words) == 2 and words[1] in ORG_SUFFIXES


def find_entity(view: StoreView, name: str) -> EntityCount | None:
    """The entity of the corpus with this name under any spelling, or None."""
    key = entity_key(name)
    return next((e for e in entities(view) if entity_key(e.name) == key), None)


def entity_documents(view: StoreView, name: str) -> tuple[EntityDocument, ...]:
    """The articles that mention an entity, newest first."""
    key = entity_key(name)
    kw = view.keyword
    counts: dict[str, int] = {}
    for i in _live_rows(view):
        if key in stored_keys(kw.entities[i].split("|")):
            counts[kw.doc_ids[i]] = counts.get(kw.doc_ids[i], 0) + 1
    rows = [
        EntityDocument(rec.source, rec.title, rec.published, rec.publisher, counts[doc_id])
        for doc_id, rec in view.documents.items()
        if doc_id in counts and rec.status == "stored"
    ]
    return tuple(sorted(rows, key=lambda r: (r.published or "", r.source), reverse=True))


def timeline(view: StoreView, store: ChromaStore, name: str) -> Timeline:
    """Dated events about an entity across the corpus, oldest first, each with its source:
    the sentences that mention it, dated by the date they state (kb.dates, the same reader
    as ranking facts), else by their article's publication date."""
    found = find_entity(view, name)
    if found is None:
        return Timeline(entity=name)
    key = entity_key(found.name)
    kw = view.keyword
    ids = [kw.ids[i] for i in _live_rows(view) if key in stored_keys(kw.entities[i].split("|"))]
    events: dict[str, TimelineEvent] = {}
    for chunk in store.get_chunks(ids):
        if not view.is_live(chunk):
            continue
        for a, b in sentence_spans(chunk.text):
            sentence = " ".join(chunk.text[a:b].split())
            if len(sentence) < 25 or not mentions(found.name, sentence):
                continue
            date = stated_date(sentence, chunk.published) or chunk.published or ""
            events.setdefault(
                sentence.lower(),
                TimelineEvent(date, sentence, chunk.source, chunk.title, chunk.published),
            )
    dated = sorted((e for e in events.values() if e.date), key=lambda e: (e.date, e.source))
    undated = sorted((e for e in events.values() if not e.date), key=lambda e: e.source)
    return Timeline(found.name, tuple(dated), tuple(undated))


def ranking_facts(view: StoreView, store: ChromaStore) -> list[RankingFact]:
    """Every ranking fact of the live corpus. Extracted at ingest and kept in each
    document's registry record; documents stored before that are read from their chunks."""

    def collect() -> list[RankingFact]:
        facts: list[RankingFact] = []
        older: set[str] = set()
        for doc_id in sorted(view.documents):
            rec = view.documents[doc_id]
            if rec.status != "stored":
                continue
            if rec.rankings:
                facts.extend(facts_from_json(rec.rankings, record_chunk(rec)))
            else:
                older.add(doc_id)
        facts.extend(_extract_from_chunks(view, store, older))
        return facts

    return view.remember("ranking_facts", collect)


FACT_KINDS = (*KINDS, "ranking")


def fact_index(view: StoreView, store: ChromaStore, settings: Settings) -> FactIndex:
    """The market-fact index of this view: the file an ingest keeps, rebuilt from Chroma when
    it is missing or from another revision or extractor (in the background when a file it can
    read is there: `load_or_build`). While an ingest writes, the file of the revision before
    serves (its rows are filtered to the versions this view holds live)."""

    def load() -> FactIndex:
        index = FactIndex(settings.facts_path())
        if view.writing and readable(index.path):
            return index
        return load_or_build(
            store, settings.facts_path(), view.live, view.revision, lock_path(settings)
        )

    return view.remember("fact_index", load)


def market_facts(
    view: StoreView, store: ChromaStore, settings: Settings, query: FactQuery
) -> list[StoredFact]:
    """Stated market facts of the live corpus matching `query`, oldest first (undated last).
    Ranking facts are included when asked for by kind ("ranking") or by no kind."""
    kinds = tuple(k for k in query.kinds if k != "ranking")
    out: list[StoredFact] = []
    if kinds or not query.kinds:
        q = FactQuery(**{**query.__dict__, "kinds": kinds})
        out = fact_index(view, store, settings).select(q, view.live)
    if not query.kinds or "ranking" in query.kinds:
        key = entity_key(query.entity) if query.entity else ""
        for f in ranking_facts(view, store):
            if key and not f.about(key):
                continue
            date = (f.date or f.chunk.published or "") if query.article_dates else f.date or ""
            if query.since and date < query.since:
                continue
            if query.until and date[: len(query.until)] > query.until:
                continue
            if query.sources and f.chunk.source not in query.sources:
                continue
            if query.chunk_ids and f.chunk.chunk_id not in query.chunk_ids:
                continue
            if query.minimum is not None or query.maximum is not None:
                continue  # a standing has no amount
            out.append(ranking_as_fact(f))
    out.sort(key=lambda f: (f.date is None, f.date or "", f.source))
    return out


def ranking_as_fact(f: RankingFact) -> StoredFact:
    """A ranking standing in the shape of the other market facts."""
    return StoredFact(
        kind="ranking",
        date=f.date,
        dated_by="text" if f.period or f.date != f.chunk.published else "article",
        modality="stated",
        entities=tuple(e for e in (f.model, f.vendor, f.leaderboard) if e),
        fields={
            "leaderboard": f.leaderboard,
            "category": f.category,
            "model": f.model,
            "vendor": f.vendor,
            "rank": f.rank,
            "score": f.score,
        },
        chunk=f.chunk,
        text=f.text,
        start=f.start,
    )


def _extract_from_chunks(view: StoreView, store: ChromaStore, doc_ids: set[str]) -> list:
    """Ranking facts of documents ingested before extraction moved to ingest."""
    kw = view.keyword
    named = {
        d
        for d, tags in zip(kw.doc_ids, kw.entities, strict=False)
        if d in doc_ids and "leaderboard:" in tags
    }
    ids = [c for c, d in zip(kw.ids, kw.doc_ids, strict=False) if d in named]
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in store.get_chunks(ids):
        if view.is_live(chunk):
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
    facts: list[RankingFact] = []
    for doc_id in sorted(by_doc):
        facts.extend(extract_rankings(sorted(by_doc[doc_id], key=lambda c: c.index)))
    return facts


def rankings(
    view: StoreView, store: ChromaStore, entity: str | None = None, leaderboard: str | None = None
) -> Rankings:
    """Ranking facts, newest first, about an entity (model, its family, vendor or
    leaderboard) and/or on one leaderboard. A leaderboard given as the entity is read as
    the leaderboard (`kb rankings "Chatbot Arena"`)."""
    facts = ranking_facts(view, store)
    if (
        entity
        and not leaderboard
        and any(entity_key(f.leaderboard) == board_key(entity) for f in facts)
    ):
        entity, leaderboard = None, entity
    if leaderboard:
        key = board_key(leaderboard)
        facts = [f for f in facts if entity_key(f.leaderboard) == key]
    if entity:
        facts = history(facts, entity_key(entity))
    ordered = sorted(facts, key=lambda f: (f.date, f.chunk.published or ""), reverse=True)
    return Rankings(entity, leaderboard, tuple(ordered))


def stats(view: StoreView, store: ChromaStore, embedder: str) -> Stats:
    """Documents, chunks, dates and sources of the store."""
    stored = view.stored()
    dates = sorted(r.published for r in stored if r.published)
    return Stats(
        documents=len(stored),
        chunks=store.count(),
        embedder=embedder,
        store=store.location,
        date_range=(dates[0], dates[-1]) if dates else None,
        last_ingest=store.manifest.get("last_ingest") or None,
        duplicates=tuple(
            (r.source, view.documents[r.duplicate_of].source)
            for r in view.documents.values()
            if r.status == "duplicate" and r.duplicate_of in view.documents
        ),
        sources=tuple(
            SourceInfo(r.source, r.title, r.published, r.publisher, r.chunks, r.date_inferred)
            for r in sorted(stored, key=lambda r: r.source)
        ),
        fact_index=state_of(store.settings.facts_path(), view.revision),
    )


def record_chunk(rec: DocRecord) -> Chunk:
    """A stand-in chunk with a document's metadata and no text."""
    return Chunk(
        chunk_id="",
        doc_id=rec.doc_id,
        index=0,
        text="",
        start=0,
        end=0,
        source=rec.source,
        title=rec.title,
        published=rec.published,
        publisher=rec.publisher,
        content_hash=rec.content_hash,
    )
