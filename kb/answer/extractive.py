"""The default answerer: no LLM. It quotes the best evidence sentences from the retrieved
chunks, one per part of the question, each with its citation, and abstains when nothing
answers the question well enough or when the evidence is about another year, quarter or
version than the one asked about."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kb.query import DATE, MONEY, NUMBER, PERCENT, Question, version_pattern
from kb.settings import Settings
from kb.text import normalize, sentence_spans, tokenize
from kb.types import Answer, Citation, Hit

EmbedTexts = Callable[[Sequence[str]], np.ndarray]

_REASON = re.compile(
    r"\b(because|after|following|due to|amid|as a result|since|so that|"
    r"in order to|citing|over|reason|led to|driven by|response to)\b",
    re.I,
)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9]+")


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    rank: int
    sentence: str
    start: int  # offset of the sentence inside the chunk text
    tokens: frozenset[str]
    eligible: bool  # the chunk matches the question's years, quarters and versions
    missing: tuple[str, ...]  # specifiers the chunk lacks


def _type_ok(expects: str, sentence: str, question: str) -> bool:
    if expects == "money":
        return bool(MONEY.search(sentence))
    if expects == "percent_or_money":
        return bool(MONEY.search(sentence) or PERCENT.search(sentence))
    if expects == "percent":
        return bool(PERCENT.search(sentence))
    if expects == "number":
        return bool(NUMBER.search(sentence))
    if expects == "date":
        return bool(DATE.search(sentence))
    if expects == "entity":
        asked = set(tokenize(question))
        return any(t.lower() not in asked for t in _CAPITALISED.findall(sentence[1:]))
    if expects == "reason":
        return bool(_REASON.search(sentence))
    return True


def _specifier_gaps(question: Question, hit: Hit) -> tuple[str, ...]:
    chunk = hit.chunk
    text = normalize(f"{chunk.title}\n{chunk.text}")
    gaps = [v for v in question.versions if not version_pattern(v).search(text)]
    year_of_doc = (chunk.published or "")[:4]
    gaps += [y for y in question.years if y not in text and y != year_of_doc]
    for q in question.quarters:
        ordinal = {"q1": "first", "q2": "second", "q3": "third", "q4": "fourth"}[q]
        if q not in text and f"{ordinal} quarter" not in text and f"{q[1]}q" not in text:
            gaps.append(q.upper())
    return tuple(gaps)


def _candidates(question: Question, hits: Sequence[Hit]) -> list[Evidence]:
    out: list[Evidence] = []
    for rank, hit in enumerate(hits):
        gaps = _specifier_gaps(question, hit)
        text = hit.chunk.text
        for a, b in sentence_spans(text):
            sentence = text[a:b].strip()
            is_row = " | " in sentence
            if len(sentence) < 25 and not is_row:
                continue
            if not is_row and not re.search(r"[.!?\"”)]$", sentence) and len(sentence) < 90:
                continue  # a heading or a caption, not a statement
            out.append(
                Evidence(
                    hit,
                    rank,
                    sentence,
                    a,
                    frozenset(tokenize(sentence)),
                    eligible=not gaps,
                    missing=gaps,
                )
            )
    return out


class ExtractiveAnswerer:
    """Builds an `Answer` from retrieved hits without any generative model."""

    def __init__(
        self, settings: Settings, embed_texts: EmbedTexts, idf: Callable[[str], float]
    ) -> None:
        self.settings = settings
        self.embed_texts = embed_texts
        self.idf = idf

    def _weights(self, terms: Sequence[str], context: Sequence[str]) -> dict[str, float]:
        weights = {t: self.idf(t) for t in terms}
        for t in context:
            weights.setdefault(t, 0.5 * self.idf(t))
        return weights

    def score(
        self,
        question: Question,
        part: str,
        part_vector: np.ndarray,
        evidence: list[Evidence],
        sentence_vectors: np.ndarray,
    ) -> np.ndarray:
        own = tokenize(part)
        weights = self._weights(own, question.context_terms)
        total = sum(weights.values()) or 1.0
        expects = question.expects if len(question.parts) == 1 else _part_type(part)
        scores = np.zeros(len(evidence), dtype=np.float32)
        dense = sentence_vectors @ part_vector if len(evidence) else scores
        for i, ev in enumerate(evidence):
            title_tokens = set(tokenize(ev.hit.chunk.title))
            lexical = sum(w for t, w in weights.items() if t in ev.tokens)
            lexical += 0.3 * sum(
                w for t, w in weights.items() if t not in ev.tokens and t in title_tokens
            )
            lexical /= total
            s = 0.55 * float(dense[i]) + 0.45 * lexical
            if expects:
                s += 0.08 if _type_ok(expects, ev.sentence, part) else -0.12
            s += 0.03 / (1 + ev.rank)
            scores[i] = s
        return scores

    def answer(self, question: Question, hits: Sequence[Hit], query_vector: np.ndarray) -> Answer:
        evidence = _candidates(question, hits)
        eligible = [e for e in evidence if e.eligible]
        if not eligible:
            return self._abstain(question, hits, evidence)
        parts = list(question.parts)
        vectors = self.embed_texts(
            [e.sentence for e in eligible] + (parts if len(parts) > 1 else [])
        )
        sentence_vectors = vectors[: len(eligible)]
        part_vectors = list(vectors[len(eligible) :]) if len(parts) > 1 else [query_vector]

        chosen: list[tuple[Evidence, float]] = []
        best_overall = -1.0
        for part, part_vector in zip(parts, part_vectors, strict=False):
            scores = self.score(question, part, part_vector, eligible, sentence_vectors)
            order = np.argsort(-scores)
            best = float(scores[order[0]])
            best_overall = max(best_overall, best)
            if best < self.settings.min_evidence:
                continue
            for i in order:
                ev = eligible[int(i)]
                if all(ev.sentence != c.sentence for c, _ in chosen):
                    chosen.append((ev, float(scores[int(i)])))
                    break
            # One more sentence for a single-part question when it adds what the first lacks.
            if len(parts) == 1 and len(order) > 1:
                first = chosen[-1][0] if chosen else None
                asked = {t for t in tokenize(part) if self.idf(t) > 1.0}
                uncovered = asked - (first.tokens if first else set())
                for i in order[1:6]:
                    ev = eligible[int(i)]
                    s = float(scores[int(i)])
                    if s < max(self.settings.min_evidence, 0.85 * best):
                        break
                    if uncovered & ev.tokens and ev.sentence != (first.sentence if first else ""):
                        chosen.append((ev, s))
                        break
        if not chosen:
            return self._abstain(question, hits, evidence, best=best_overall)
        return self._compose(question, chosen[: self.settings.max_answer_sentences])

    def _compose(self, question: Question, chosen: list[tuple[Evidence, float]]) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        sentences: list[str] = []
        for ev, score in chosen:
            cid = ev.hit.chunk.chunk_id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                citations.append(Citation(numbers[cid], ev.hit.chunk, ev.sentence, ev.start, score))
            sentences.append(f"{_tidy(ev.sentence)} [{numbers[cid]}]")
        dates = sorted({c.chunk.published for c in citations if c.chunk.published})
        as_of = dates[-1] if dates else None
        text = " ".join(sentences)
        if as_of:
            text += f"\n\nAs of {as_of} (date of the newest source cited)."
        return Answer(
            question=question.text,
            text=text,
            abstained=False,
            citations=tuple(citations),
            as_of=as_of,
        )

    def _abstain(
        self,
        question: Question,
        hits: Sequence[Hit],
        evidence: list[Evidence],
        best: float | None = None,
    ) -> Answer:
        gaps = sorted({g for e in evidence for g in e.missing})
        text = f'The corpus does not say. None of the articles answers "{question.text}"'
        if gaps and not any(e.eligible for e in evidence):
            text += (
                " — the closest articles are not about "
                + ", ".join(_display(g) for g in gaps)
                + "."
            )
        else:
            text += "."
        return Answer(question=question.text, text=text, abstained=True, nearest=tuple(hits[:3]))


def _display(specifier: str) -> str:
    name, _, version = specifier.partition(" ")
    return f"{name.capitalize()} {version}" if version else specifier


def _part_type(part: str) -> str:
    from kb.query import expected_type

    return expected_type(part)


def _tidy(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence.lstrip("-*• ").strip()
