"""What every answerer gets: the prepared question, and the protocol it implements.

`KnowledgeBase.prepare` does the shared work once (question cleaned, history applied, the
filtered entity made the subject, the query embedded, hits from one consistent store view);
an answerer turns that into an `Answer` and never sees the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from kb.factstore import FactQuery, StoredFact
from kb.filters import Filters
from kb.query import Question
from kb.rankings import RankingFact
from kb.types import Answer, Chunk, Hit

EmbedTexts = Callable[[Sequence[str]], np.ndarray]
"""Embeds passages (not queries); rows are unit vectors."""


@dataclass(frozen=True)
class CorpusStats:
    """Word statistics of the store view the hits came from."""

    idf: Callable[[str], float]
    doc_freq: Callable[[str], int]


def _no_facts() -> Sequence[RankingFact]:
    return ()


def _no_market_facts(query: FactQuery) -> Sequence[StoredFact]:
    return ()


def _no_chunks(chunk: Chunk) -> Sequence[Chunk]:
    return ()


@dataclass(frozen=True)
class Prepared:
    """A question made ready to answer: parsed, embedded, and its evidence retrieved."""

    asked: str  # the question as asked (cleaned)
    question: Question  # ... as read, with the filtered entity as its subject
    hits: tuple[Hit, ...]
    vector: np.ndarray  # the query embedding
    filters: Filters = Filters()
    history: tuple[str, ...] = ()
    corpus: CorpusStats = CorpusStats(lambda t: 1.0, lambda t: 1)
    # the ranking facts the filters admit, read only by answerers that need them
    ranking_facts: Callable[[], Sequence[RankingFact]] = _no_facts
    # market facts (and table rows) the filters admit, selected by the answerer's query
    market_facts: Callable[[FactQuery], Sequence[StoredFact]] = _no_market_facts
    # the names the market facts are about, longest first (for reading names in a question)
    fact_names: Callable[[], Sequence[str]] = tuple
    # every chunk of the document a hit's chunk belongs to, in order (its live version)
    document_chunks: Callable[[Chunk], Sequence[Chunk]] = _no_chunks
    # the first chunk of that document (its opening paragraph), read alone
    opening_chunk: Callable[[Chunk], Sequence[Chunk]] = _no_chunks
    # a chunk as stored, read alone by its id (a fact's chunk carries no text)
    stored_chunk: Callable[[Chunk], Sequence[Chunk]] = _no_chunks
    # the hits again with more chunks allowed per document, for a second look before
    # abstaining (the opening paragraph of an article whose two later sections won)
    wider_hits: Callable[[], Sequence[Hit]] = tuple
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)


@runtime_checkable
class Answerer(Protocol):
    """Turns a prepared question into an answer.

    `answer` returns None when the question is not of a shape this answerer handles (the
    next one is tried), and raises KBError subclasses for failures a user can act on (an
    unreachable LLM server)."""

    name: str

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None: ...


@runtime_checkable
class StreamingAnswerer(Answerer, Protocol):
    """An answerer whose text arrives in pieces (an LLM): `stream` yields them, `finish`
    turns the whole text into the checked `Answer`."""

    def stream(self, prepared: Prepared) -> Iterator[str]: ...

    def finish(self, prepared: Prepared, text: str, embed: EmbedTexts) -> Answer: ...
