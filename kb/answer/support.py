"""Does a passage support a sentence? Used to flag LLM sentences and to score faithfulness.

Offline and cheap: every number in the sentence must occur in the passage, and enough of the
sentence's content words must too (or the two must be close in embedding space). The eval
reports how often this judgement agrees with hand labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from kb.text import STOPWORDS, normalize, tokenize

EmbedTexts = Callable[[Sequence[str]], np.ndarray]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CITATION = re.compile(r"\s*\[(\d+)\]")

MIN_OVERLAP = 0.5


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


_ORDINALS = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b", re.IGNORECASE
)
_ORDINAL_VALUE = {
    w: str(i + 1)
    for i, w in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
        + ("tenth",)
    )
}


def stated_numbers(text: str) -> set[str]:
    """Numbers a passage states, in digits or as ordinals ("second place" states 2)."""
    return numbers_in(text) | {_ORDINAL_VALUE[m.lower()] for m in _ORDINALS.findall(text)}


def strip_citations(sentence: str) -> str:
    return _CITATION.sub("", sentence).strip()


_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def names_in(text: str) -> set[str]:
    """Capitalised words that are not common words ("The", "It"): names, mostly."""
    return {
        m.group(0).lower()
        for m in _NAME.finditer(text.replace("\u2019", "'").replace("'s ", " "))
        if m.group(0).lower() not in STOPWORDS and m.group(0).lower() not in _COMMON_STARTS
    }


_COMMON_STARTS = {
    "before",
    "after",
    "since",
    "during",
    "yes",
    "no",
    "according",
    "however",
    "meanwhile",
    "today",
    "now",
    "in",
    "on",
    "at",
}


def support_score(sentence: str, passage: str, similarity: float | None = None) -> float:
    """0..1: share of the sentence's content words found in the passage, blended with the
    embedding similarity when given; 0 when a number or a name in the sentence is not in the
    passage."""
    claim = strip_citations(sentence)
    if numbers_in(claim) - stated_numbers(passage):
        return 0.0
    lowered = passage.lower()
    if any(name not in lowered for name in names_in(claim)):
        return 0.0
    words = set(tokenize(claim))
    if not words:
        return 1.0
    overlap = len(words & set(tokenize(passage))) / len(words)
    if similarity is None:
        return overlap
    return max(overlap, 0.5 * overlap + 0.5 * similarity)


def supports(sentence: str, passage: str, similarity: float | None = None) -> bool:
    if normalize(strip_citations(sentence)) in normalize(passage):
        return True
    return support_score(sentence, passage, similarity) >= MIN_OVERLAP


def similarities(pairs: Sequence[tuple[str, str]], embed: EmbedTexts) -> list[float]:
    """Cosine similarity of each (sentence, passage) pair."""
    if not pairs:
        return []
    vectors = embed([strip_citations(s) for s, _ in pairs] + [p for _, p in pairs])
    n = len(pairs)
    return [float(vectors[i] @ vectors[n + i]) for i in range(n)]
