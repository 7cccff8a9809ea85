"""The offline answerer: one table of answer shapes, tried in order.

Adding an answer shape is one entry in ROUTES: the shapes of question it takes (see
kb.query.SHAPES; None takes every question) and the answerer. An answerer may still decline
(return None), for instance when the corpus has no facts for the question; the sentence
answerer at the end answers or abstains."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.answer.base import Answerer, EmbedTexts, Prepared
from kb.answer.digest import DigestAnswerer
from kb.answer.extractive import SentenceAnswerer
from kb.answer.listicle import ListicleAnswerer
from kb.answer.market import MARKET_SHAPES, MarketAnswerer, lookup_answer
from kb.answer.rankings import RankingAnswerer
from kb.settings import Settings
from kb.types import Answer


@dataclass(frozen=True)
class Route:
    """Questions of these shapes go to this answerer first."""

    shapes: frozenset[str] | None  # None: every question
    make: Callable[[Settings], Answerer]


ROUTES: tuple[Route, ...] = (
    Route(frozenset({"leader", "rank_history"}), lambda settings: RankingAnswerer()),
    Route(frozenset({"list"}), ListicleAnswerer),
    Route(MARKET_SHAPES, lambda settings: MarketAnswerer()),
    Route(frozenset({"summary"}), DigestAnswerer),
    Route(None, SentenceAnswerer),
)


class OfflineAnswerer:
    """Answers without any generative model: the first route that answers wins."""

    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.routes = [(route.shapes, route.make(settings)) for route in ROUTES]

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer:
        """The answer of the first route that takes the question's shape and answers; the
        last route (quoted sentences) always answers or abstains."""
        shape = prepared.question.shape
        for shapes, answerer in self.routes:
            if shapes is None or shape in shapes:
                answer = answerer.answer(prepared, embed)
                if answer is not None:
                    if answer.abstained and not shape:
                        # a figure the passages missed may still be among the facts
                        return lookup_answer(prepared) or answer
                    return answer
        raise AssertionError("the last route answers every question")
