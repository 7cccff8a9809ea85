"""The knowledge base as one object: open a store once, then retrieve and ask many times.

One answer path: `prepare` cleans the question, applies the conversation history, makes a
filtered entity the subject, embeds the query and retrieves hits from one consistent store
view. `retrieve`, `ask` and `ask_stream` all start from it; the answerer (offline routes, or
an LLM) is chosen per call, so one engine serves every mode.

Thread-safe: the app shares one instance between sessions, the CLI answers a stream of
questions with it, and the eval runs hundreds of questions through it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial

import numpy as np

from kb import explore
from kb.answer.base import Answerer, CorpusStats, Prepared, StreamingAnswerer
from kb.answer.llm import LLMAnswerer
from kb.answer.routes import OfflineAnswerer
from kb.bridge import answer_names, joined, named_by, read_bridge
from kb.embedders import Embedder, load_embedder
from kb.entities import entity_key, find_entities, maybe_english, no_english_word
from kb.errors import KBError
from kb.factstore import FactQuery, StoredFact
from kb.filters import Filters
from kb.lead_in import lead_in
from kb.query import (
    Question,
    expected_type,
    is_what_about,
    needs_context,
    parse_question,
    shape_of,
    undoubled,
)
from kb.rankings import RankingFact
from kb.settings import Settings
from kb.store import ChromaStore, DocRecord
from kb.text import LOWER_LETTERS, one_edit, tokenize
from kb.types import Answer, Chunk, Hit, chunk_id
from kb.view import VIEW_TRIES, StoreView, StoreViews
from kb.vocabulary import CHAT_SHORTHAND
from kb.wordstats import web_zipf, zipf

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
WIDER_PER_DOC = 2  # more chunks per document on the second look before abstaining
MAX_DOCUMENT_CHUNKS = 200  # a document read whole by an answerer (a listicle's items)
SUMMARY_K = 12  # chunks retrieved for an overview question (a digest spans articles)
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


def with_subject(question: str, filters: Filters) -> str:
    """ "What does it cost?" asked about one entity (the filter) is a question about it: the
    entity names join the question, so answers must name them too."""
    if not filters.entities:
        return question
    named = {e.key for e in find_entities(question)}
    missing = [e for e in filters.entities if entity_key(e) not in named]
    if not missing:
        return question
    return f"{question.rstrip(' ?.!')} ({', '.join(missing)})?"


class KnowledgeBase:
    """Retrieval and answering over one store."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, store: ChromaStore | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder or load_embedder(settings)
        self.store = store or ChromaStore(settings)
        self.store.check_readable(embedder=self.embedder.name)
        self._embed_lock = threading.Lock()
        self.views = StoreViews(self.store, settings, self.embed_query)
        self.offline = OfflineAnswerer(settings)
        self.views.current()

    # --- the store view ------------------------------------------------------------------

    def refresh(self, force: bool = False) -> StoreView:
        """The current store view, reloaded if an ingest moved the store on (or `force`)."""
        return self.views.current(force)

    @property
    def documents(self) -> Mapping[str, DocRecord]:
        """The registry of the current view: doc_id -> record."""
        return self.views.current().documents

    def embed_query(self, text: str) -> np.ndarray:
        with self._embed_lock:
            return self.embedder.embed([text], query=True)[0]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._embed_lock:
            return self.embedder.embed(list(texts))

    # --- asking --------------------------------------------------------------------------

    def prepare(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        k: int | None = None,
        carried: Sequence[str] = (),
    ) -> Prepared:
        """Everything an answerer needs, done once: the question cleaned and parsed with the
        conversation's earlier questions (oldest first), a filtered entity made its subject,
        the query embedded, and the top `k` hits (default `settings.top_k`) from one
        consistent store view, restricted by `filters`. `carried` are names the earlier
        answer gave (what a follow-up's "them" may have gone to), read as context."""
        started = time.perf_counter()
        filters = filters or Filters()
        text, warnings = clean_question(question)
        earlier = tuple(clean_question(h)[0] for h in history)
        asked = with_subject(text, filters)
        reading = self.views.current()  # the corpus the question is read with
        if _typed_in_lower_case(asked):  # read with the corpus's spelling of its names
            cased = explore.name_case(reading)  # one pass over the entity index
            asked, earlier = cased.restore(asked), tuple(map(cased.restore, earlier))
        asked = _with_corpus_spelling(asked, reading)
        q = _with_corpus_entities(parse_question(asked, earlier), reading)
        q = _with_rare_words(_with_entity_spelling(q, reading), reading)
        if carried:
            extra = [t for name in carried for t in tokenize(name) if t not in q.context_terms]
            q = replace(q, context_terms=q.context_terms + tuple(dict.fromkeys(extra)))
        if k is None and q.shape in ("summary", "count"):  # these draw on more articles
            k = max(self.settings.top_k, SUMMARY_K)
        vector = self.embed_query(q.search_text)
        for _ in range(VIEW_TRIES):
            view = self.views.current()
            hits = self._with_lead_ins(
                view,
                view.retriever.search(
                    q.search_text, k=k, filters=filters, query_vector=vector, names=q.names
                ),
            )
            # an ingest deletes old versions' chunks only after moving to a new revision: a
            # search that saw no revision change saw no chunk of its view go
            if not self.views.moved_since(view):
                break
        keyword = view.keyword
        return Prepared(
            asked=text,
            question=q,
            hits=tuple(hits),
            vector=vector,
            filters=filters,
            history=earlier,
            corpus=CorpusStats(keyword.idf, lambda t: keyword.doc_freq.get(t, 0)),
            ranking_facts=lambda: self._admitted_facts(view, filters),
            market_facts=lambda query: [
                f
                for f in explore.market_facts(view, self.store, self.settings, query)
                if filters.admits_document(f.chunk)
            ],
            fact_names=lambda: explore.fact_index(view, self.store, self.settings).known_names(),
            document_chunks=lambda chunk: self._document_chunks(view, chunk),
            opening_chunk=lambda chunk: self._opening_chunk(view, chunk),
            stored_chunk=lambda chunk: [
                c for c in self.store.get_chunks([chunk.chunk_id]) if view.is_live(c)
            ],
            wider_hits=lambda: self._with_lead_ins(
                view,
                view.retriever.search(
                    q.search_text,
                    k=k,
                    filters=filters,
                    query_vector=vector,
                    per_doc=self.settings.max_chunks_per_doc + WIDER_PER_DOC,
                    names=q.names,
                ),
            ),
            warnings=tuple(warnings),
            timings={"retrieve_ms": (time.perf_counter() - started) * 1000},
        )

    def _with_lead_ins(self, view: StoreView, hits: Sequence[Hit]) -> list[Hit]:
        """The hits, each with what its chunk continues from the chunk before it (one read by
        id for all of them): the heading in effect and the sentence before it."""
        wanted = {
            h.chunk.chunk_id: chunk_id(h.chunk.doc_id, h.chunk.content_hash, h.chunk.index - 1)
            for h in hits
            if h.chunk.index > 0 and h.chunk.content_hash
        }
        if not wanted:
            return list(hits)
        before = {c.chunk_id: c for c in self.store.get_chunks(list(wanted.values()))}
        out = []
        for hit in hits:
            previous = before.get(wanted.get(hit.chunk.chunk_id, ""))
            if previous is not None and view.is_live(previous):
                hit = replace(hit, lead_in=lead_in(previous.text, hit.chunk.text))
            out.append(hit)
        return out

    def _opening_chunk(self, view: StoreView, chunk: Chunk) -> list[Chunk]:
        """The first chunk of `chunk`'s document version (read by id), or none."""
        if chunk.index == 0:
            return [chunk]
        opening = chunk_id(chunk.doc_id, chunk.content_hash, 0)
        return [c for c in self.store.get_chunks([opening]) if view.is_live(c)]

    def _document_chunks(self, view: StoreView, chunk: Chunk) -> list[Chunk]:
        """Every chunk of `chunk`'s document version, in order (read by id; at most
        MAX_DOCUMENT_CHUNKS)."""
        record = view.documents.get(chunk.doc_id)
        if record is None or not view.is_live(chunk):
            return []
        count = min(record.chunks or chunk.index + 1, MAX_DOCUMENT_CHUNKS)
        ids = [chunk_id(chunk.doc_id, chunk.content_hash, i) for i in range(count)]
        found = self.store.get_chunks(ids)
        return sorted((c for c in found if view.is_live(c)), key=lambda c: c.index)

    def retrieve(
        self,
        question: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
    ) -> list[Hit]:
        """The chunks most likely to answer `question`, best first: the same hits `ask`
        answers from for the same question, history and filters."""
        return list(self.prepare(question, history=history, filters=filters, k=k).hits)

    def answerer_for(self, mode: str | None) -> Answerer:
        """The answerer of a mode: "extractive" (offline, the default) or "llm" (the chat
        model in the engine's settings)."""
        mode = mode or self.settings.answer_mode
        return LLMAnswerer.from_settings(self.settings) if mode == "llm" else self.offline

    def ask(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
        answerer: Answerer | None = None,
        fallback: bool = True,
    ) -> Answer:
        """Answer one question, with the earlier questions of the conversation as context.

        `answerer` (else the answerer of `mode`) writes the answer. An LLM that fails raises
        LLMError, unless `fallback` is set: then the offline answer comes back with the
        failure in its warnings. A bridge question ("the lab that signed the lease: what
        does it owe?") is asked as two, when both are answered (kb.bridge)."""
        if not _has_words(question):
            return _please_ask(question)
        one = partial(
            self._ask_one, filters=filters, k=k, mode=mode, answerer=answerer, fallback=fallback
        )
        if history and _leans(question, history) and expected_type(history[-1]) == "entity":
            # a follow-up that leans on an earlier "who"/"which" turn reads that turn's answer
            # too: "and how many of them are going over?" after "who is hiring the team?"
            # (Heronsgate); after "what is Lumen-4?" its answer's other names are incidental
            earlier = one(history[-1], tuple(history[:-1]))
            carried = () if earlier.abstained else answer_names(earlier, history[-1])
            return one(question, history, carried=carried)
        if not history and (bridge := read_bridge(question)) is not None:
            first = one(bridge.find, ())
            name = None if first.abstained else named_by(first, bridge)
            second = one(bridge.ask.replace("{}", name), ()) if name else None
            if second is not None and not second.abstained:
                return replace(joined(first, second), question=clean_question(question)[0])
        return one(question, history)

    def _ask_one(
        self,
        question: str,
        history: Sequence[str],
        *,
        filters: Filters | None,
        k: int | None,
        mode: str | None,
        answerer: Answerer | None,
        fallback: bool,
        carried: Sequence[str] = (),
    ) -> Answer:
        prepared = self.prepare(question, history=history, filters=filters, k=k, carried=carried)
        started = time.perf_counter()
        offline = answerer is self.offline or (
            answerer is None and (mode or self.settings.answer_mode) != "llm"
        )
        try:
            chosen = answerer or self.answerer_for(mode)
            answer = chosen.answer(prepared, self.embed_passages)
            if answer is None:
                answer = self.offline.answer(prepared, self.embed_passages)
        except KBError as exc:
            if offline or not fallback:
                raise
            answer = _fell_back(self.offline.answer(prepared, self.embed_passages), exc)
        return self._finish(prepared, answer, started)

    def ask_stream(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        k: int | None = None,
        mode: str | None = None,
        answerer: Answerer | None = None,
        fallback: bool = True,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text in pieces as it is written, then the final `Answer`.

        Offline answers come in one piece; a streaming answerer (an LLM) yields as the model
        writes, and on failure (with `fallback`) the offline answer follows its pieces."""
        try:
            chosen = answerer or self.answerer_for(mode)
        except KBError as exc:  # an LLM mode with no model configured
            if not fallback:
                raise
            answer = self.ask(
                question, history=history, filters=filters, k=k, answerer=self.offline
            )
            answer = _fell_back(answer, exc)
            yield answer.text
            yield answer
            return
        if not isinstance(chosen, StreamingAnswerer) or not _has_words(question):
            answer = self.ask(
                question, history=history, filters=filters, k=k, answerer=chosen, fallback=fallback
            )
            yield answer.text
            yield answer
            return
        prepared = self.prepare(question, history=history, filters=filters, k=k)
        started = time.perf_counter()
        pieces: list[str] = []
        try:
            for piece in chosen.stream(prepared):
                pieces.append(piece)
                yield piece
            answer = chosen.finish(prepared, "".join(pieces), self.embed_passages)
        except KBError as exc:
            if not fallback:
                raise
            answer = _fell_back(self.offline.answer(prepared, self.embed_passages), exc)
            yield "\n\n" if pieces else ""
            yield answer.text
        yield self._finish(prepared, answer, started)

    def _finish(self, prepared: Prepared, answer: Answer, started: float) -> Answer:
        answer = self._with_passages(answer)
        return replace(
            answer,
            question=prepared.asked,
            warnings=prepared.warnings + answer.warnings,
            timings={
                **prepared.timings,
                "answer_ms": (time.perf_counter() - started) * 1000,
            },
        )

    def _admitted_facts(self, view: StoreView, filters: Filters) -> list[RankingFact]:
        """Ranking facts the filters admit: date, source and publisher on the fact's article;
        an entity filter on what the fact is about."""
        facts = explore.ranking_facts(view, self.store)
        keys = filters.entity_keys
        return [
            f
            for f in facts
            if filters.admits_document(f.chunk) and (not keys or any(f.about(k) for k in keys))
        ]

    def _with_passages(self, answer: Answer) -> Answer:
        """Citations of facts read from the registry point at stand-in chunks: fetch them."""
        wanted = [c.chunk.chunk_id for c in answer.citations if not c.chunk.text]
        if not wanted:
            return answer
        real = {c.chunk_id: c for c in self.store.get_chunks(wanted)}
        citations = tuple(
            replace(c, chunk=real.get(c.chunk.chunk_id, c.chunk)) for c in answer.citations
        )
        return replace(answer, citations=citations)

    # --- exploring (kb.explore) ----------------------------------------------------------

    def entities(self) -> tuple[explore.EntityCount, ...]:
        """Every recognised vendor, model and leaderboard, most mentioned first."""
        return explore.entities(self.views.current())

    def entity_documents(self, name: str) -> tuple[explore.EntityDocument, ...]:
        """The articles that mention an entity, newest first (empty when none do)."""
        return explore.entity_documents(self.views.current(), name)

    def timeline(self, name: str) -> explore.Timeline:
        """Dated events about an entity, oldest first (empty when the corpus has none)."""
        return explore.timeline(self.views.current(), self.store, name)

    def ranking_facts(self) -> list[RankingFact]:
        """Every ranking fact of the live corpus."""
        return explore.ranking_facts(self.views.current(), self.store)

    def rankings(
        self, entity: str | None = None, leaderboard: str | None = None
    ) -> explore.Rankings:
        """Ranking facts about an entity and/or on a leaderboard, newest first."""
        return explore.rankings(self.views.current(), self.store, entity, leaderboard)

    def facts(self, query: FactQuery | None = None) -> list[StoredFact]:
        """Market facts of the live corpus (funding rounds, prices, launches, status changes,
        deals, legal actions, table rows and rankings), oldest first."""
        view = self.views.current()
        return explore.market_facts(view, self.store, self.settings, query or FactQuery())

    def stats(self) -> explore.Stats:
        """Documents, chunks, dates and sources of the store."""
        return explore.stats(self.views.current(), self.store, self.embedder.name)


def _with_corpus_entities(q: Question, view: StoreView) -> Question:
    """A question whose subject the curated lists do not know, with the vendors, models and
    leaderboards it names that ingest recognised (an unseen article's "Larch 3"), so that it
    is read as about them."""
    if any(e.kind in ("vendor", "model", "leaderboard") for e in q.entities):
        return q  # the curated lists know its subject
    extra = explore.named_entities(view, q.text)
    if not extra:
        return q
    entities = q.entities + extra
    return replace(q, entities=entities, shape=shape_of(q.text, entities))


def _with_entity_spelling(q: Question, view: StoreView) -> Question:
    """A question whose name words the corpus never uses, each one typo from a word of an
    entity it names, with that word instead ("Marlpit Logistcs" -> "logistics"): the
    entity was recognised despite the typo, its article must not be asked for the typo."""
    doc_freq = view.keyword.doc_freq
    known = {t for e in q.entities for t in tokenize(e.name) if doc_freq.get(t, 0)}
    mended = []
    for name in q.names:
        meant = [] if doc_freq.get(name, 0) or len(name) < 5 else sorted(one_edit(name) & known)
        mended.append(meant[0] if len(meant) == 1 else name)
    return replace(q, names=tuple(dict.fromkeys(mended))) if mended != list(q.names) else q


# a word in at most this share of the store's chunks is rare enough to name something
RARE_WORD_SHARE = 0.05
# a word of four or more letters typed in lower case, possessive or not ("lumenfld's")
_LOWER_CASE_WORD = re.compile(rf"(?<![\w'’-])[{LOWER_LETTERS}]{{4,}}(?![\w-]|['’](?!s\b))")
# a model's id typed in lower case, its letters then a version: "marram-2-0524", "sorrel-3"
_MODEL_ID = re.compile(rf"(?<![\w'’-])([{LOWER_LETTERS}]{{3,}})-\d[\w.-]*")


def _with_rare_words(q: Question, view: StoreView) -> Question:
    """A question with the lower-case words it names something by: no English word, and rare
    in the corpus ("codewren monthly price now", as a forum writes the product). They weigh
    in retrieval as names do, and the evidence's article must mention them."""
    keyword = view.keyword
    ceiling = max(1.0, RARE_WORD_SHARE * keyword.size)
    extra = [
        token
        for word in _LOWER_CASE_WORD.findall(q.text)
        if no_english_word(word) and word not in CHAT_SHORTHAND
        for token in tokenize(word)[:1]
        if token not in q.names
        and (
            # a rare word of the corpus, unless two common words run together ("headcount");
            # a typo of a common word may be a name here ("skiff" is one from "stiff")
            (
                0 < keyword.doc_freq.get(token, 0) <= ceiling
                and not maybe_english(word, typos=False)
                # a verb's form the web knows ("enjoined") is no name: products are nouns
                and not (word.endswith(("ed", "ing")) and web_zipf(word) >= _WEB_WORD_ZIPF)
            )
            # a name the corpus never mentions ("tessaly"), not a mistyped word ("pricng")
            or (
                keyword.doc_freq.get(token, 0) == 0
                and not maybe_english(word)
                and web_zipf(word) < _WEB_WORD_ZIPF  # "enjoined", "rebrand": rare words
            )
        )
    ]
    # a model id's letters name it even when they are an English word ("marram" grass)
    extra += [
        token
        for m in _MODEL_ID.finditer(q.text)
        for token in tokenize(m.group(1))[:1]
        if token not in q.names and 0 < keyword.doc_freq.get(token, 0) <= ceiling
    ]
    return replace(q, names=q.names + tuple(dict.fromkeys(extra))) if extra else q


# a word the web's large word list counts this often is a word, not an unknown name:
# "enjoined" 2.4, "rebrand" 2.9; invented names ("tessaly", "nettlebed") 0
_WEB_WORD_ZIPF = 2.0
_TYPO_GAP = 2.0  # Zipf points (a hundredfold) between a slip and the word it mistypes
_COMMON_ZIPF = 3.5  # "happened" 5.2, "available" 5.1, "cheapest" 3.8: words a question asks by


def _with_corpus_spelling(question: str, view: StoreView) -> str:
    """The question with each lower-case word the corpus never uses, and no English word,
    spelt as the one rare corpus word a typo away ("skif" -> "skiff", as a forum writes a
    product the entity index does not know), or else as the one common English word a typo
    away ("what happend to ..." -> "happened": the question's shape is read by such words)."""
    keyword = view.keyword
    ceiling = max(1.0, RARE_WORD_SHARE * keyword.size)

    def frequency(word: str) -> int:
        tokens = tokenize(word)
        return keyword.doc_freq.get(tokens[0], 0) if tokens else 0

    def rare(word: str) -> bool:
        return 0 < frequency(word) <= ceiling

    def respelt(match: re.Match[str]) -> str:
        word = match.group(0)
        if frequency(word) or not no_english_word(word):
            return word
        meant = {w for w in one_edit(word) if w.isalpha() and rare(w)}
        # a doubled letter typed once is the likeliest slip ("skif" for "skiff", not "skip")
        doubled = {w for w in meant if len(w) == len(word) + 1 and undoubled(w) == word}
        if not doubled and maybe_english(word):
            # a mistyped or inflected English word ("steepest"), not a name: a slip in an
            # everyday word is mended when one common word is a typo away ("happend")
            # ... a hundred times as common as what was typed: "expiry" is a word of its own
            typed = web_zipf(word)
            common = [
                w
                for w in one_edit(word)
                if w.isalpha() and zipf(w) >= _COMMON_ZIPF and web_zipf(w) >= typed + _TYPO_GAP
            ]
            # a letter left out is the commonest slip ("happend": "happened", not "happen")
            return max(common, key=lambda w: (len(w) > len(word), zipf(w)), default=word)
        meant = doubled or meant
        return meant.pop() if len(meant) == 1 else word

    return _LOWER_CASE_WORD.sub(respelt, question)


def _typed_in_lower_case(question: str) -> bool:
    """No capitalised word after the first letter: "seedance 2.0 release date", "Who runs
    tidewell"; acronyms and units ("API", "U.K.", "1M tokens") say nothing of how the user
    writes names."""
    words = re.findall(r"[\w.'’-]+", question[1:])
    return not any(
        any(c.isupper() for c in w) and not (w[:1].isdigit() or w.replace(".", "").isupper())
        for w in words
    )


def _leans(question: str, history: Sequence[str]) -> bool:
    """A follow-up that leans on the earlier turn's subject ("and how many of them ..."), not
    one that swaps it ("what about Google?": the earlier answer's names are not its)."""
    text = clean_question(question)[0]
    return needs_context(text, history) and not is_what_about(text)


def _has_words(question: str) -> bool:
    text = clean_question(question)[0]
    return bool(text and re.search(r"\w", text))


def _please_ask(question: str) -> Answer:
    return Answer(
        question=question or "",
        abstained=True,
        text="Please type a question about the articles in the corpus.",
        warnings=tuple(clean_question(question)[1]),
    )


def _fell_back(answer: Answer, exc: KBError) -> Answer:
    note = f"{exc.message} {exc.hint}".strip() + " Answered extractively instead."
    return replace(answer, mode="extractive", warnings=answer.warnings + (note,))
