"""Scoring one answered question, and aggregating scores by category.

Retrieval is scored by document: the ranked list of distinct documents in the retrieved
chunks against the question's gold `sources`. Facts are matched as any accepted phrasing
appearing in the answer (case- and space-insensitive). Support (citation precision,
faithfulness) is judged by kb.answer.support: numbers must match and most content words of
the sentence must occur in the cited passage, or the two must be close in embedding space.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from kb.answer.support import strip_citations, supports


def _norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split())


def fact_stated(phrasings: Sequence[str], text: str) -> bool:
    haystack = _norm(text)
    return any(_norm(p) in haystack for p in phrasings)


def evidence(citation: dict) -> str:
    """What a reader sees of a cited source: its title, its date and the passage. A claim may
    rest on the title ("... climbs to No. 2") or date it by the source ("As of 2026-05-04")."""
    return (
        f"{citation.get('title') or ''}\n{citation.get('published') or ''}\n{citation['passage']}"
    )


def retrieval_scores(ranked_docs: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    relevant = set(gold)
    if not relevant:
        return {}
    hits = [doc in relevant for doc in ranked_docs]
    first = next((i for i, h in enumerate(hits[:10]) if h), None)
    dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits[:10]) if h)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return {
        "hit@1": float(any(hits[:1])),
        "hit@5": float(any(hits[:5])),
        "recall@5": len(relevant & set(ranked_docs[:5])) / len(relevant),
        "mrr@10": 0.0 if first is None else 1 / (first + 1),
        "ndcg@10": dcg / ideal if ideal else 0.0,
    }


@dataclass
class Scored:
    """Everything measured for one question."""

    id: str
    category: str
    answerable: bool
    abstained: bool
    question: str
    answer: str
    citations: list[dict[str, Any]]
    ranked_docs: list[str]
    retrieval: dict[str, float] = field(default_factory=dict)
    facts_total: int = 0
    facts_stated: int = 0
    facts_cited: int = 0
    citations_supported: int = 0
    citations_total: int = 0
    citations_gold_source: int = 0
    sentences_total: int = 0
    sentences_supported: int = 0
    retrieve_ms: float = 0.0
    answer_ms: float = 0.0
    part: str = "main"  # the question set's part: "main" or "generalization" (issue 16)

    @property
    def passed(self) -> bool:
        if not self.answerable:
            return self.abstained
        return not self.abstained and self.facts_stated == self.facts_total


def score_answer(q: Any, answer: dict[str, Any], ranked_docs: list[str]) -> Scored:
    """Score one answer (the `kb ask --json` object) against its golden question."""
    text = answer["answer"]
    citations = answer["citations"]
    by_n = {c["n"]: c for c in citations}
    scored = Scored(
        id=q.id,
        category=q.category,
        answerable=q.answerable,
        abstained=answer["abstained"],
        question=q.question,
        answer=text,
        citations=citations,
        ranked_docs=ranked_docs,
        retrieve_ms=answer["timings"].get("retrieve_ms", 0.0),
        answer_ms=answer["timings"].get("answer_ms", 0.0),
        part=getattr(q, "part", "main"),
    )
    if q.answerable:
        scored.retrieval = retrieval_scores(ranked_docs, q.sources)
    if answer["abstained"]:
        scored.facts_total = len(q.facts)
        return scored
    # the answer's own claims, each with the citations behind it
    claims = [(c["text"], list(c["citations"])) for c in answer.get("claims", [])]
    for sentence, numbers in claims:
        passages = [evidence(by_n[n]) for n in numbers if n in by_n]
        scored.sentences_total += 1
        # a claim citing several passages ("row [1][2]" with the table's caption) may need them
        # together; each citation's own support is scored below
        jointly = len(passages) > 1 and supports(sentence, "\n".join(passages))
        ok = any(supports(sentence, p) for p in passages) or jointly
        scored.sentences_supported += int(ok)
        cited = [n for n in numbers if n in by_n]
        for n in cited:
            scored.citations_total += 1
            alone = supports(sentence, evidence(by_n[n]))
            # in a jointly supported claim, a citation counts when the others fall short without it
            needed = jointly and not supports(
                sentence, "\n".join(evidence(by_n[m]) for m in cited if m != n)
            )
            scored.citations_supported += int(alone or needed)
            scored.citations_gold_source += int(by_n[n]["source"] in q.sources)
    scored.facts_total = len(q.facts)
    for fact in q.facts:
        if not fact_stated(fact, text):
            continue
        scored.facts_stated += 1
        for sentence, numbers in claims:
            if fact_stated(fact, sentence) and any(
                n in by_n and fact_stated(fact, evidence(by_n[n])) for n in numbers
            ):
                scored.facts_cited += 1
                break
    return scored


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def aggregate(rows: Sequence[Scored]) -> dict[str, float | int | None]:
    """Headline metrics over a set of scored questions."""
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    abstained = [r for r in rows if r.abstained]
    out: dict[str, float | int | None] = {"questions": len(rows)}
    for key in ("hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10"):
        values = [r.retrieval[key] for r in answerable if key in r.retrieval]
        out[key] = sum(values) / len(values) if values else None
    out["fact_recall"] = _ratio(
        sum(r.facts_stated for r in answerable), sum(r.facts_total for r in answerable)
    )
    out["exact_answer_rate"] = _ratio(
        sum(1 for r in answerable if not r.abstained and r.facts_stated == r.facts_total),
        len(answerable),
    )
    out["citation_precision"] = _ratio(
        sum(r.citations_supported for r in rows), sum(r.citations_total for r in rows)
    )
    out["cited_gold_source_rate"] = _ratio(
        sum(r.citations_gold_source for r in answerable), sum(r.citations_total for r in answerable)
    )
    out["citation_recall"] = _ratio(
        sum(r.facts_cited for r in answerable), sum(r.facts_total for r in answerable)
    )
    out["faithfulness"] = _ratio(
        sum(r.sentences_supported for r in rows), sum(r.sentences_total for r in rows)
    )
    out["abstention_precision"] = _ratio(
        sum(1 for r in abstained if not r.answerable), len(abstained)
    )
    out["abstention_recall"] = _ratio(
        sum(1 for r in unanswerable if r.abstained), len(unanswerable)
    )
    out["false_abstention_rate"] = _ratio(
        sum(1 for r in answerable if r.abstained), len(answerable)
    )
    out["pass_rate"] = _ratio(sum(1 for r in rows if r.passed), len(rows))
    retrieve = [r.retrieve_ms for r in rows]
    answer = [r.answer_ms for r in rows]
    out["retrieve_p50_ms"] = median(retrieve) if retrieve else None
    out["retrieve_p95_ms"] = _pct(retrieve, 0.95)
    out["answer_p50_ms"] = median(answer) if answer else None
    out["answer_p95_ms"] = _pct(answer, 0.95)
    return out


def by_category(rows: Sequence[Scored]) -> dict[str, dict[str, float | int | None]]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for r in rows:
        groups[r.category].append(r)
    return {cat: aggregate(group) for cat, group in sorted(groups.items())}


def by_part(rows: Sequence[Scored]) -> dict[str, dict[str, float | int | None]]:
    """Headline metrics per part of the question set ("main", "generalization"), so questions
    in an unfamiliar style are reported on their own line, never only mixed into the total."""
    groups: dict[str, list[Scored]] = defaultdict(list)
    for r in rows:
        groups[r.part].append(r)
    order = {"main": 0, "generalization": 1}
    return {
        part: aggregate(groups[part]) for part in sorted(groups, key=lambda p: (order.get(p, 2), p))
    }


def strip(text: str) -> str:
    return strip_citations(text)
