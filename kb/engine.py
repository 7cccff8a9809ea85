"""The knowledge base as one object: open a store once, then retrieve and ask many times.

Thread-safe: the app shares one instance between sessions, the CLI answers a stream of
questions with it, and the eval runs hundreds of questions through it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from kb.answer.extractive import ExtractiveAnswerer
from kb.embedders import Embedder, load_embedder
from kb.entities import consolidate, entity_key, find_entities, mentions, stored_keys, untag
from kb.errors import KBError, StoreBusyError
from kb.keyword import KeywordIndex, load_or_build
from kb.lock import WriteLock, lock_path
from kb.query import Question, parse_question
from kb.rankings import (
    RankingFact,
    board_key,
    extract_rankings,
    facts_from_json,
    history,
)
from kb.retrieve import Filters, Retriever
from kb.settings import Settings
from kb.store import ChromaStore, DocRecord
from kb.text import sentence_spans
from kb.types import Answer, Chunk, Hit

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
_VIEW_TRIES = 5  # views loaded again while an ingest keeps moving the store on
# "July 9, 2025" or "9 July 2025": a sentence that states the date of what it reports
DATE_IN_TEXT = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4}\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2060\ufeff]")


def clean_question(text: str) -> tuple[str, list[str]]:
    """The question with control characters removed and its length capped, plus warnings."""
    warnings = []
    cleaned = " ".join(_CONTROL.sub(" ", text or "").split())
    if len(cleaned) > MAX_QUESTION_CHARS:
        warnings.append(
            f"The question was {len(cleaned):,} characters long; only the first "
            f"{MAX_QUESTION_CHARS:,} were read."
        )
        cleaned = cleaned[:MAX_QUESTION_CHARS]
    return cleaned, warnings


class KnowledgeBase:
    """Retrieval and answering over one store."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, store: ChromaStore | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder or load_embedder(settings)
        self.store = store or ChromaStore(settings)
        self.store.check_readable(embedder=self.embedder.name)
        self._lock = threading.RLock()
        self._embed_lock = threading.Lock()
        self._revision: int | None = None
        self._writing = False  # the view was loaded while an ingest was writing
        self.keyword: KeywordIndex
        self.documents: dict[str, DocRecord] = {}
        self._repair_if_interrupted()
        self.refresh()

    # --- state ---------------------------------------------------------------------------

    def _repair_if_interrupted(self) -> None:
        if not self.store.interrupted:
            return
        try:
            with WriteLock(lock_path(self.settings), timeout=0):
                removed = self.store.repair()
                self.store.end_write(last_ingest=self.store.manifest.get("last_ingest", ""))
                log.warning("repaired an interrupted ingest: removed %d orphan chunks", removed)
        except StoreBusyError:
            pass  # an ingest is running right now; the live-version filter keeps reads right

    def refresh(self, force: bool = False) -> None:
        """Reload the registry and keyword index if the store changed since the last look.

        While an ingest runs (state "writing") the store may move to a new revision while the
        view is being loaded; the view is then loaded again, so the registry and the keyword
        index always come from one revision."""
        manifest = self.store.manifest
        if not force and int(manifest.get("revision", 0)) == self._revision:
            return
        with self._lock:
            for _ in range(_VIEW_TRIES):
                revision = int(manifest.get("revision", 0))
                if not force and revision == self._revision:
                    return
                self._load_view(revision, writing=manifest.get("state") == "writing")
                force = False
                if not self._writing:
                    return
                manifest = self.store.manifest

    def _load_view(self, revision: int, *, writing: bool) -> None:
        self.documents = self.store.documents()
        self.keyword = load_or_build(
            self.store, self.settings.keyword_dir(), lock_path(self.settings)
        )
        live = {d: r.content_hash for d, r in self.documents.items() if r.status == "stored"}
        self.retriever = Retriever(self.store, self.keyword, self._embed_query, self.settings, live)
        self.extractive = ExtractiveAnswerer(
            self.settings,
            self._embed_passages,
            self.keyword.idf,
            lambda t: self.keyword.doc_freq.get(t, 0),
        )
        self._revision = revision
        self._writing = writing

    def _embed_query(self, text: str) -> np.ndarray:
        with self._embed_lock:
            return self.embedder.embed([text], query=True)[0]

    def _embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._embed_lock:
            return self.embedder.embed(list(texts))

    # --- asking --------------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
    ) -> list[Hit]:
        self.refresh()
        q = parse_question(clean_question(question)[0], list(history))
        return self.retriever.search(q.search_text, k=k, filters=filters)

    def ask(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
        fallback: bool = True,
    ) -> Answer:
        """Answer one question, with the earlier questions of the conversation as context.

        In `llm` mode a failing model raises LLMError, unless `fallback` is set: then the
        extractive answer comes back with the failure in its warnings.
        """
        text, warnings = clean_question(question)
        if not text or not re.search(r"\w", text):
            return Answer(
                question=question or "",
                abstained=True,
                text="Please type a question about the articles in the corpus.",
                warnings=tuple(warnings),
            )
        started = time.perf_counter()
        q = parse_question(_with_subject(text, filters), [clean_question(h)[0] for h in history])
        vector = self._embed_query(q.search_text)
        for _ in range(_VIEW_TRIES):
            self.refresh()
            hits = self.retriever.search(q.search_text, k=k, filters=filters, query_vector=vector)
            # an ingest deletes old versions' chunks only after moving to a new revision:
            # a search that saw no revision change saw no chunk of its view go
            if not self._writing or self.store.revision == self._revision:
                break
        retrieved = time.perf_counter()
        mode = mode or self.settings.answer_mode
        if mode == "llm":
            try:
                answer = self._ask_llm(q, hits, vector, history)
            except KBError as exc:
                if not fallback:
                    raise
                answer = self.extractive.answer(q, hits, vector)
                answer = _with(
                    answer,
                    warnings=answer.warnings
                    + (f"{exc.message} {exc.hint}".strip() + " Answered extractively instead.",),
                )
        else:
            answer = self._ranking_answer(q, filters) or self.extractive.answer(q, hits, vector)
        done = time.perf_counter()
        return _with(
            answer,
            question=text,
            warnings=tuple(warnings) + answer.warnings,
            timings={
                "retrieve_ms": (retrieved - started) * 1000,
                "answer_ms": (done - retrieved) * 1000,
            },
        )

    def ask_stream(self, question: str, **kwargs: Any) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final `Answer`."""
        mode = kwargs.pop("mode", None) or self.settings.answer_mode
        if mode != "llm":
            answer = self.ask(question, mode="extractive", **kwargs)
            yield answer.text
            yield answer
            return
        from kb.answer.llm import stream_llm_answer

        yield from stream_llm_answer(self, question, **kwargs)

    def _ask_llm(
        self, q: Question, hits: list[Hit], vector: np.ndarray, history: Sequence[str]
    ) -> Answer:
        from kb.answer.llm import LLMAnswerer

        return LLMAnswerer.from_settings(self.settings).answer(
            q, hits, self.extractive, vector, history
        )

    def _ranking_answer(self, q: Question, filters: Filters | None) -> Answer | None:
        """Leaderboard questions ("who leads X now?", "how did Y's rank change?") answered
        from the ranking facts, newest first with what each standing replaced."""
        from kb.answer.rankings import asks_about_rankings, ranking_answer

        if not asks_about_rankings(q.text):
            return None  # most questions: no need to look at the facts at all
        facts = self.ranking_facts()
        if filters:
            facts = [f for f in facts if _accepts_fact(filters, f)]
        answer = ranking_answer(q, facts)
        return self._with_passages(answer) if answer else None

    # --- entities and timelines -------------------------------------------------------------

    def ranking_facts(self) -> list[RankingFact]:
        """Every ranking fact in the live corpus, newest store revision. Extracted at ingest
        and kept in each document's registry record; documents stored before that are read
        from their chunks once per revision."""
        self.refresh()
        cached = getattr(self, "_rankings_cache", None)
        if cached and cached[0] == self._revision:
            return cached[1]
        facts: list[RankingFact] = []
        older: set[str] = set()
        for doc_id in sorted(self.documents):
            rec = self.documents[doc_id]
            if rec.status != "stored":
                continue
            if rec.rankings:
                facts.extend(facts_from_json(rec.rankings, _record_chunk(rec)))
            else:
                older.add(doc_id)
        facts.extend(self._extract_from_chunks(older))
        self._rankings_cache = (self._revision, facts)
        return facts

    def _extract_from_chunks(self, doc_ids: set[str]) -> list[RankingFact]:
        """Ranking facts of documents ingested before extraction moved to ingest."""
        named = {
            d
            for d, stored in zip(self.keyword.doc_ids, self.keyword.entities, strict=False)
            if d in doc_ids and "leaderboard:" in stored
        }
        ids = [
            c for c, d in zip(self.keyword.ids, self.keyword.doc_ids, strict=False) if d in named
        ]
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in self.store.get_chunks(ids):
            if self.retriever.live.get(chunk.doc_id) == chunk.content_hash:
                by_doc.setdefault(chunk.doc_id, []).append(chunk)
        facts: list[RankingFact] = []
        for doc_id in sorted(by_doc):
            facts.extend(extract_rankings(sorted(by_doc[doc_id], key=lambda c: c.index)))
        return facts

    def _with_passages(self, answer: Answer) -> Answer:
        """Citations of facts read from the registry point at stand-in chunks: fetch them."""
        wanted = [c.chunk.chunk_id for c in answer.citations if not c.chunk.text]
        if not wanted:
            return answer
        real = {c.chunk_id: c for c in self.store.get_chunks(wanted)}
        citations = tuple(
            replace(c, chunk=real.get(c.chunk.chunk_id, c.chunk)) for c in answer.citations
        )
        return _with(answer, citations=citations)

    def rankings(self, entity: str | None = None, leaderboard: str | None = None) -> dict:
        """Ranking facts, newest first, about an entity (model, its family, vendor or
        leaderboard) and/or on one leaderboard."""
        facts = self.ranking_facts()
        if (
            entity
            and not leaderboard
            and any(entity_key(f.leaderboard) == board_key(entity) for f in facts)
        ):
            entity, leaderboard = None, entity  # `kb rankings "Chatbot Arena"`
        if leaderboard:
            key = board_key(leaderboard)
            facts = [f for f in facts if entity_key(f.leaderboard) == key]
        if entity:
            facts = history(facts, entity_key(entity))
        if (entity or leaderboard) and not facts:
            raise KBError(
                f"No ranking facts about {entity or leaderboard!r} in the corpus.",
                "List what has rankings with `python -m kb rankings`.",
            )
        ordered = sorted(facts, key=lambda f: (f.date, f.chunk.published or ""), reverse=True)
        return {
            "entity": entity,
            "leaderboard": leaderboard,
            "rankings": [f.to_json() for f in ordered],
        }

    def entities(self) -> list[dict[str, Any]]:
        """Every recognised vendor, model and leaderboard, with how many chunks and documents
        mention it, most mentioned first."""
        self.refresh()
        cached = getattr(self, "_entities_cache", None)
        if cached and cached[0] == self._revision:
            return cached[1]  # the app asks on every rerun; recount only after an ingest
        table: dict[str, dict[str, Any]] = {}
        for i, stored in enumerate(self.keyword.entities):
            if self.retriever.live.get(self.keyword.doc_ids[i]) != self.keyword.content_hashes[i]:
                continue
            for item in filter(None, stored.split("|")):
                entity = untag(item)
                row = table.setdefault(
                    entity.key,
                    {"name": entity.name, "kind": entity.kind, "chunks": 0, "documents": set()},
                )
                row["chunks"] += 1
                row["documents"].add(self.keyword.doc_ids[i])
        rows = [{**r, "documents": len(r["documents"])} for r in table.values()]
        rows.sort(key=lambda r: (-r["documents"], -r["chunks"], r["name"].lower()))
        rows = consolidate(rows)  # fold "Veridian" onto "Veridian Labs", drop lone sightings
        self._entities_cache = (self._revision, rows)
        return rows

    def entity_documents(self, name: str) -> list[dict[str, Any]]:
        """The articles that mention an entity, newest first, with how many of their passages
        do."""
        self.refresh()
        key = entity_key(name)
        counts: dict[str, int] = {}
        for i, stored in enumerate(self.keyword.entities):
            doc_id = self.keyword.doc_ids[i]
            if self.retriever.live.get(doc_id) != self.keyword.content_hashes[i]:
                continue
            if key in stored_keys(stored.split("|")):
                counts[doc_id] = counts.get(doc_id, 0) + 1
        rows = [
            {
                "source": rec.source,
                "title": rec.title,
                "published": rec.published,
                "publisher": rec.publisher,
                "passages": counts[doc_id],
            }
            for doc_id, rec in self.documents.items()
            if doc_id in counts and rec.status == "stored"
        ]
        return sorted(rows, key=lambda r: (r["published"] or "", r["source"]), reverse=True)

    def timeline(self, name: str) -> dict[str, Any]:
        """Dated events about an entity across the corpus, oldest first, each with its
        source: the sentences that mention it, dated by the date they state or else by their
        article's publication date."""
        from ingest.metadata import parse_date

        self.refresh()
        key = entity_key(name)
        known = {e["name"]: e for e in self.entities() if entity_key(e["name"]) == key}
        if not known:
            raise KBError(
                f"No entity named {name!r} in the corpus.",
                "List them with `python -m kb entities`.",
            )
        display = next(iter(known))
        ids = [
            cid
            for cid, stored in zip(self.keyword.ids, self.keyword.entities, strict=False)
            if key in stored_keys(stored.split("|"))
        ]
        events: dict[str, dict[str, Any]] = {}
        for chunk in self.store.get_chunks(ids):
            if self.retriever.live.get(chunk.doc_id) != chunk.content_hash:
                continue
            for a, b in sentence_spans(chunk.text):
                sentence = " ".join(chunk.text[a:b].split())
                if len(sentence) < 25 or not mentions(display, sentence):
                    continue
                stated = parse_date(sentence) if DATE_IN_TEXT.search(sentence) else None
                date = stated or chunk.published or ""
                events.setdefault(
                    sentence.lower(),
                    {
                        "date": date,
                        "text": sentence,
                        "source": chunk.source,
                        "title": chunk.title,
                        "published": chunk.published,
                    },
                )
        ordered = sorted(events.values(), key=lambda e: (e["date"] or "9999", e["source"]))
        return {"entity": display, "events": ordered}

    # --- stats ---------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        self.refresh()
        stored = [r for r in self.documents.values() if r.status == "stored"]
        manifest = self.store.manifest
        dates = sorted(r.published for r in stored if r.published)
        return {
            "documents": len(stored),
            "chunks": self.store.count(),
            "embedder": self.embedder.name,
            "store": self.store.location,
            "date_range": [dates[0], dates[-1]] if dates else None,
            "last_ingest": manifest.get("last_ingest") or None,
            "duplicates": [
                {"source": r.source, "duplicate_of": self.documents[r.duplicate_of].source}
                for r in self.documents.values()
                if r.status == "duplicate" and r.duplicate_of in self.documents
            ],
            "sources": [
                {
                    "source": r.source,
                    "title": r.title,
                    "published": r.published,
                    "publisher": r.publisher,
                    "chunks": r.chunks,
                }
                for r in sorted(stored, key=lambda r: r.source)
            ],
        }


def _with_subject(question: str, filters: Filters | None) -> str:
    """ "What does it cost?" asked about one entity (the filter) is a question about it: the
    entity names join the question, so answers must name them too."""
    if not filters or not filters.entities:
        return question
    named = {e.key for e in find_entities(question)}
    missing = [e for e in filters.entities if entity_key(e) not in named]
    if not missing:
        return question
    return f"{question.rstrip(' ?.!')} ({', '.join(missing)})?"


def _record_chunk(rec: DocRecord) -> Chunk:
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


def _accepts_fact(filters: Filters, fact: RankingFact) -> bool:
    """The date, source and publisher filters on the fact's article; an entity filter on what
    the fact is about."""
    if not Filters(filters.since, filters.until, filters.sources, filters.publishers).admits(
        fact.chunk
    ):
        return False
    return not filters.entities or any(fact.about(entity_key(e)) for e in filters.entities)


def _with(answer: Answer, **changes: Any) -> Answer:
    from dataclasses import replace

    return replace(answer, **changes)


def open_knowledge_base(settings: Settings, embedder: Embedder | None = None) -> KnowledgeBase:
    """Open the store the settings point at; a KBError with a hint if it cannot be used."""
    try:
        return KnowledgeBase(settings, embedder)
    except KBError:
        raise
