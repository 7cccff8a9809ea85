"""List questions answered from a list article ("6 AI chips for cars to watch in 2026",
"10 AI startups to watch"): when a retrieved article's title is about what the question
lists and its sections are numbered 1, 2, 3 ..., those sections are the items, each given
with the first sentence under it and cited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.answer.base import EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.answer.scope import kinds_of
from kb.factwords import when
from kb.query import answer_terms, concepts_of
from kb.text import sentence_spans, tokenize
from kb.types import Answer, Chunk, Citation, Claim

MIN_ITEMS = 3
TOPIC_SHARE = 0.6  # of the question's topic words the article's title must hold
ARTICLES_TRIED = 3  # the top retrieved articles looked at
# A numbered section heading: "## 3. Mobileye EyeQ6 High", "3) Mobileye EyeQ6 High"
_ITEM = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?P<n>\d{1,2})[.)][ \t]+(?P<name>[^\n]{2,80}?)[ \t]*$", re.M
)
# words that ask for a list rather than say what is listed
_LIST_WORDS = frozenset(
    tokenize("list lists listed which what name names mention mentioned all every give show")
)


@dataclass(frozen=True)
class _Item:
    number: int
    name: str
    chunk: Chunk
    sentence: str
    start: int  # offset of `sentence` in chunk.text


def _items(chunks: Sequence[Chunk]) -> list[_Item]:
    """The numbered sections of a document, 1..N in order, with each one's first sentence;
    [] when the numbers do not run 1, 2, 3 ... (a stray "2." is no list)."""
    found: list[_Item] = []
    for chunk in chunks:
        spans = sentence_spans(chunk.text)
        for m in _ITEM.finditer(chunk.text):
            a, b = next(((a, b) for a, b in spans if a >= m.end()), (-1, -1))
            if a < 0:
                continue
            found.append(_Item(int(m["n"]), m["name"].strip(), chunk, chunk.text[a:b].strip(), a))
    numbers = [i.number for i in found]
    if len(found) < MIN_ITEMS or numbers != list(range(1, len(found) + 1)):
        return []
    return found


def _about(title: str, terms: Sequence[str]) -> bool:
    """Whether a title holds most of the question's topic words (synonyms folded)."""
    if not terms:
        return False
    held = concepts_of(tokenize(title))
    hits = sum(1 for t in terms if t in held or f"~{t}" in held)
    return hits / len(terms) >= TOPIC_SHARE


class ListicleAnswerer:
    """List questions from a numbered list article; None when no retrieved article is one
    about what is asked."""

    name = "listicle"

    def __init__(self, settings: object = None) -> None:
        self.settings = settings

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None:
        if kinds_of(prepared.question.text):
            return None  # "harwik weekly #88 funding rounds": market events, from the facts
        terms = [t for t in answer_terms(prepared.question.text) if t not in _LIST_WORDS]
        seen: set[str] = set()
        for hit in prepared.hits:
            if hit.chunk.doc_id in seen:
                continue
            seen.add(hit.chunk.doc_id)
            if len(seen) > ARTICLES_TRIED:
                break
            if not _about(hit.chunk.title, terms):
                continue
            items = _items(prepared.document_chunks(hit.chunk))
            if items:
                return _listed(prepared, hit.chunk, items)
        return None


def _listed(prepared: Prepared, first: Chunk, items: Sequence[_Item]) -> Answer:
    citations: list[Citation] = []
    numbers: dict[str, int] = {}
    claims: list[Claim] = []
    lines = [f"{len(items)} items in “{first.title}” ({when(first.published)}):"]
    for item in items:
        if item.chunk.chunk_id not in numbers:
            numbers[item.chunk.chunk_id] = len(citations) + 1
            citations.append(
                Citation(numbers[item.chunk.chunk_id], item.chunk, item.sentence, item.start, 1.0)
            )
        n = numbers[item.chunk.chunk_id]
        claims.append(Claim(f"{item.name}: {item.sentence}", (n,)))
        lines.append(f"- {item.name}: {item.sentence} [{n}]")
    return cited_answer(
        prepared.question.text, "\n".join(lines), citations, claims=claims, shape="list"
    )
