"""Overview questions ("Summarize the AI video market in 2026"): an extractive digest of 3-6
cited sentences chosen for coverage and recency across the retrieved articles, not six
sentences from one of them, shown oldest to newest with their dates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kb.answer.base import EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.answer.scope import known_places, named_document, period
from kb.factstore import FactQuery
from kb.factwords import when
from kb.marketfacts import KINDS
from kb.query import answer_terms, version_pattern
from kb.text import normalize, sentence_spans, tokenize
from kb.types import Answer, Citation, Claim, Hit

MAX_SENTENCES = 6
MIN_SENTENCES = 3
MIN_RELEVANCE = 0.3  # cosine of an article's best sentence to the question: on topic
MIN_SENTENCE_RELEVANCE = 0.2  # ... of a sentence from an on-topic article
REDUNDANCY = 0.7  # weight of the similarity to sentences already chosen
SAME_SOURCE = 0.06  # penalty per sentence already taken from the same article
RECENCY = 0.05  # bonus for the newest article, scaled down to 0 for the oldest
STATES_A_FACT = 0.06  # bonus for a sentence the fact extractor read a market event from
LEANS_ON_CONTEXT = 0.1  # penalty for a sentence that starts with "It", "They", "This"...
OFF_SUBJECT = 0.1  # penalty for a sentence naming none of the companies the question names
LEAD = 0.08  # bonus for an article's opening sentences (news tells its news first)
LEAD_SENTENCES = 2
TOPICALITY_SPREAD = 0.25  # articles whose best sentence is this far below the best article's
# an article's own news before its author's view: a forecast or an opinion in the first
# person ("I expect", "my estimate") counts less, a sentence stating a figure a little more
OPINION = 0.2
STATES_A_FIGURE = 0.05
_OPINION = re.compile(
    r"\b(?:I|we)\s+(?:expect|think|believe|suspect|estimate|guess|reckon|bet|predict|doubt)\b|"
    r"\bmy\s+(?:estimate|guess|view|bet|forecast|take|sense)\b|\bin\s+my\s+(?:view|opinion)\b|"
    r"\bI['’]d\s+(?:put|say|argue|bet)\b",
    re.I,
)
_FIGURE = re.compile(r"\d")
ONE_ARTICLE_QUESTION = 0.5  # weight of the question against the headline in one article's summary
HEADLINE = 0.3  # weight of a sentence's likeness to its article's headline (the news in it)
_PRONOUN_START = re.compile(
    r"^(?:it|its|they|their|this|that|these|those|he|she|the company)\b", re.I
)


_BULLET = re.compile(r"^(?:[*•·-]|\d{1,2}[.)])\s+")  # a list item's marker
# a command line from a README's code block: "portage doctor  # checks Docker",
# "... run --suite full --seed 0", "$ pip install x"
_CODE_LINE = re.compile(r"(?:^|\s)--[a-z][\w-]*|\s#\s|^\$\s")


@dataclass(frozen=True)
class _Sentence:
    hit: Hit
    text: str
    start: int
    lead: bool = False  # among the first sentences of its article


def _sentences(hits: Sequence[Hit]) -> list[_Sentence]:
    out = []
    for hit in hits:
        text = hit.chunk.text
        kept = 0
        for a, b in sentence_spans(text):
            s = _BULLET.sub("", " ".join(text[a:b].split()))
            if len(s) < 40 or s.endswith("?") or " | " in s or not re.search(r"[.!\"”)]$", s):
                continue  # headings, questions and table rows are not digest material
            if _CODE_LINE.search(s):
                continue  # nor a README's commands
            out.append(_Sentence(hit, s, a, hit.chunk.index == 0 and kept < LEAD_SENTENCES))
            kept += 1
    return out


def _recency(items: Sequence[_Sentence]) -> np.ndarray:
    dates = sorted({s.hit.chunk.published or "" for s in items} - {""})
    if len(dates) < 2:
        return np.zeros(len(items))
    rank = {d: i / (len(dates) - 1) for i, d in enumerate(dates)}
    return np.array([rank.get(s.hit.chunk.published or "", 0.0) for s in items])


def choose(
    items: Sequence[_Sentence],
    vectors: np.ndarray,
    query: np.ndarray,
    fact_sentences: frozenset[str] = frozenset(),
    subjects: Sequence[str] = (),
    headline: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """Maximal marginal relevance: relevant, new, recent, informative (a market event rather
    than a remark that leans on the sentence before; the sentence that tells its article's
    headline news), and spread over articles."""
    relevance = vectors @ query
    bonus = RECENCY * _recency(items)
    if headline is not None:
        bonus += HEADLINE * headline
    for i, item in enumerate(items):
        if item.text in fact_sentences:
            bonus[i] += STATES_A_FACT
        if item.lead:
            bonus[i] += LEAD
        if _PRONOUN_START.match(item.text):
            bonus[i] -= LEANS_ON_CONTEXT
        if subjects and not any(s.lower() in item.text.lower() for s in subjects):
            bonus[i] -= OFF_SUBJECT
    topicality: dict[str, float] = {}
    for i, item in enumerate(items):
        doc = item.hit.chunk.doc_id
        topicality[doc] = max(topicality.get(doc, -1.0), float(relevance[i]))
    floor = max(topicality.values(), default=0.0) - TOPICALITY_SPREAD
    chosen: list[tuple[int, float]] = []
    per_source: dict[str, int] = {}
    while len(chosen) < MAX_SENTENCES:
        best, best_score = -1, -1e9
        for i, item in enumerate(items):
            if relevance[i] < MIN_SENTENCE_RELEVANCE or any(i == j for j, _ in chosen):
                continue
            if topicality[item.hit.chunk.doc_id] < max(floor, MIN_RELEVANCE):
                continue  # an article off the question's topic
            redundancy = max((float(vectors[i] @ vectors[j]) for j, _ in chosen), default=0.0)
            score = (
                relevance[i]
                + bonus[i]
                - REDUNDANCY * max(redundancy - 0.3, 0.0)
                - SAME_SOURCE * per_source.get(item.hit.chunk.doc_id, 0)
            )
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append((best, float(relevance[best])))
        doc = items[best].hit.chunk.doc_id
        per_source[doc] = per_source.get(doc, 0) + 1
    return chosen


def _in_period(published: str | None, since: str | None, until: str | None) -> bool:
    """An article from the period the question asks about (or any, when it names none)."""
    if not since and not until:
        return True
    date = published or ""
    return (
        bool(date)
        and date[: len(since or "")] >= (since or "")
        and (not until or date[: len(until)] <= until)
    )


def _about_the_place(prepared: Prepared, hits: list[Hit]) -> list[Hit]:
    """For a question about a place ("in Europe"), the hits from articles that name it, when
    two articles or more do (an article about a US lawsuit is not about Europe)."""
    asked = known_places(prepared.question.text).keys()
    if not asked:
        return hits
    naming: set[str] = set()
    for hit in hits:
        if asked & known_places(f"{hit.chunk.title} {hit.chunk.text}").keys():
            naming.add(hit.chunk.doc_id)
    if len(naming) < 2:
        return hits
    return [h for h in hits if h.chunk.doc_id in naming]


# words that ask for a digest, not what it is about
_DIGEST_WORDS = frozenset(
    tokenize(
        "summarize summarise summary overview digest recap rundown brief state landscape give "
        "happened happening news latest developments"
    )
)


def _on_the_topic(prepared: Prepared, hits: list[Hit]) -> list[Hit]:
    """The hits of the articles that say the question's most specific word ("copyright" in
    "an overview of the copyright disputes involving AI companies"; the rarest word of it the
    corpus uses): an interview about legal AI is near in meaning but off the topic. All of
    them when fewer than two articles say it."""
    idf = prepared.corpus.idf
    terms = [
        t
        for t in answer_terms(prepared.question.text)
        if t not in _DIGEST_WORDS and not t.isdigit() and prepared.corpus.doc_freq(t) > 0
    ]
    if not terms:
        return hits
    key = max(terms, key=idf)
    saying = {h.chunk.doc_id for h in hits if key in tokenize(f"{h.chunk.title} {h.chunk.text}")}
    return [h for h in hits if h.chunk.doc_id in saying] if len(saying) >= 2 else hits


def _with_leads(prepared: Prepared, hits: Sequence[Hit]) -> list[Hit]:
    """The hits, and the opening chunk of each of their articles (a news article tells its
    news first), ranked just after the article's best hit."""
    out: list[Hit] = []
    seen = {h.chunk.chunk_id for h in hits}
    read: set[str] = set()  # articles whose opening chunk was read (one read each)
    for hit in hits:
        out.append(hit)
        if hit.chunk.index == 0 or hit.chunk.doc_id in read:
            continue
        read.add(hit.chunk.doc_id)
        for opening in prepared.opening_chunk(hit.chunk):
            if opening.chunk_id not in seen:
                seen.add(opening.chunk_id)
                out.append(Hit(opening, hit.score))
    return out


_EVENT_KINDS = tuple(k for k in KINDS if k != "row")  # table rows are not digest sentences


class DigestAnswerer:
    """Summaries and overviews, from several articles; None when the retrieved articles do
    not hold three on-topic sentences from two of them."""

    name = "digest"

    def __init__(self, settings: object = None) -> None:
        self.settings = settings

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None:
        issue = named_document(prepared.question.text, prepared.hits)
        if issue is not None:
            # "tldr of harwick weekly 88": that one issue, not the newsletter's others
            return _one_document(prepared, issue, embed)
        described = _described_document(prepared)
        if described is not None:
            # "tldr of the ledgerbench preprint": that one article
            answer = _one_document(prepared, described, embed)
            if answer is not None:
                return answer
        titled = _titled_by_names(prepared)
        return self._across_articles(prepared, embed) or (
            _one_document(prepared, titled, embed) if titled is not None else None
        )

    def _across_articles(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None:
        since, until = period(prepared.question.text)
        hits = [h for h in prepared.hits if _in_period(h.chunk.published, since, until)]
        hits = _about_the_place(prepared, hits if len(hits) >= 2 else list(prepared.hits))
        hits = _on_the_topic(prepared, hits)
        items = _sentences(_with_leads(prepared, hits))
        if len(items) < MIN_SENTENCES:
            return None
        vectors = embed([s.text for s in items])
        titles = sorted({s.hit.chunk.title for s in items})
        title_vectors = dict(zip(titles, embed(titles), strict=True))
        pairs = zip(items, vectors, strict=True)
        headline = np.array([float(title_vectors[s.hit.chunk.title] @ v) for s, v in pairs])
        chunk_ids = tuple(dict.fromkeys(h.chunk.chunk_id for h in prepared.hits))
        query = FactQuery(kinds=_EVENT_KINDS, chunk_ids=chunk_ids)  # these chunks' facts only
        facts = frozenset(
            " ".join(f.text.split()) for f in (prepared.market_facts(query) if chunk_ids else ())
        )
        subjects = [e.name for e in prepared.question.entities if e.kind in ("vendor", "model")]
        chosen = choose(items, vectors, prepared.vector, facts, subjects, headline)
        sources = {items[i].hit.chunk.doc_id for i, _ in chosen}
        if len(chosen) < MIN_SENTENCES or len(sources) < 2:
            return None
        chosen.sort(key=lambda x: (items[x[0]].hit.chunk.published or "", items[x[0]].start))
        return _summary(
            prepared,
            f"From {len(sources)} articles, oldest first:",
            [(items[i], score) for i, score in chosen],
            dated=True,
        )


# the kinds of document a summary may be asked of by its kind: "the ledgerbench preprint",
# "harrier peak's q3 lp letter", "the ai movers brief for sept 29"
_DOCUMENT_KINDS = (
    "preprint|paper|letter|brief|report|article|memo|thread|transcript|filing|note|post|"
    "newsletter|digest|page|faq|review|story|entry|case study|press release|announcement|"
    "interview|ama|blog|deck|notice|briefing|readme|model card|issue|keynote|talk|live blog|"
    "liveblog|presentation|podcast|episode|changelog|release notes|listing|profile|"
    "ruling|judgment|decision|prospectus|export|tracker|email"
)  # not "video" or "update": "the state of the AI video market", "the latest update"
_DESCRIBED = re.compile(
    rf"\b(?:of|on|from|summari[sz]e|tldr|gist)\s+(?:the\s+|this\s+|that\s+)?"
    rf"(?P<what>(?:[\w'’.&-]+\s+){{0,6}}?(?:{_DOCUMENT_KINDS}))s?\b"
    # and what it is about: "post on voice becoming a commodity"
    r"(?:\s+(?:on|about|regarding|re)\s+(?P<topic>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,7}))?",
    re.I,
)
_KIND_WORDS = frozenset(tokenize(_DOCUMENT_KINDS.replace("|", " ")))


def _described_document(prepared: Prepared) -> Hit | None:
    """The retrieved article a summary question describes by its kind and the words of its
    title or file name ("the ledgerbench preprint"): the best-ranked of the top hits that
    holds most of those words, at least half of them; None when no such article is among
    them."""
    m = _DESCRIBED.search(prepared.question.text)
    if m is None:
        return None
    words = set(tokenize(f"{m.group('what')} {m.group('topic') or ''}")) - _KIND_WORDS
    if not words:
        return None
    best: tuple[int, Hit] | None = None
    for hit in prepared.hits[:DESCRIBED_DOCUMENT_HITS]:
        name = re.sub(r"[-_.]", " ", hit.chunk.source.rsplit("/", 1)[-1])
        have = set(tokenize(f"{hit.chunk.title} {name}"))
        overlap = len(words & have)
        if 2 * overlap >= len(words) and (best is None or overlap > best[0]):
            best = (overlap, hit)
    return best[1] if best else None


DESCRIBED_DOCUMENT_HITS = 5


def _titled_by_names(prepared: Prepared) -> Hit | None:
    """The best hit whose article's title holds every name the question gives and its
    version, if any: the one article a summary may be asked of, when no summary across
    articles can be made."""
    names = set(prepared.question.names)
    if not names:
        return None
    for hit in prepared.hits[:3]:
        title = hit.chunk.title
        if names <= set(tokenize(title)) and all(
            version_pattern(v).search(normalize(title)) for v in prepared.question.versions
        ):
            return hit
    return None


def _one_document(prepared: Prepared, hit: Hit, embed: EmbedTexts) -> Answer | None:
    """A summary of one article: its sentences most like its headline and the question,
    not like each other, in the article's order."""
    chunks = prepared.document_chunks(hit.chunk) or [hit.chunk]
    items = _sentences([Hit(c, hit.score) for c in chunks])
    if len(items) < MIN_SENTENCES:
        return None
    vectors = embed([s.text for s in items])
    title_vector = embed([hit.chunk.title])[0]
    query = prepared.vector / (float(np.linalg.norm(prepared.vector)) or 1.0)
    # the headline tells the article's news; the question adds what it asks about
    relevance = ONE_ARTICLE_QUESTION * (vectors @ query) + vectors @ title_vector
    chosen: list[int] = []
    while len(chosen) < MAX_SENTENCES - 1:
        scores = [
            float(relevance[i])
            - REDUNDANCY * max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            - (LEANS_ON_CONTEXT if _PRONOUN_START.match(items[i].text) else 0.0)
            - (OPINION if _OPINION.search(items[i].text) else 0.0)
            + (STATES_A_FIGURE if _FIGURE.search(items[i].text) else 0.0)
            for i in range(len(items))
        ]
        best = max((i for i in range(len(items)) if i not in chosen), key=lambda i: scores[i])
        chosen.append(best)
    chosen.sort(key=lambda i: (items[i].hit.chunk.index, items[i].start))
    return _summary(
        prepared,
        f"{hit.chunk.title} ({when(hit.chunk.published)}), in short:",
        [(items[i], float(relevance[i])) for i in chosen],
        dated=False,
    )


def _summary(
    prepared: Prepared, intro: str, picked: Sequence[tuple[_Sentence, float]], *, dated: bool
) -> Answer:
    """The summary answer: the intro, then one cited line per picked sentence (with its
    article's date when `dated`), one citation per passage."""
    citations: list[Citation] = []
    numbers: dict[str, int] = {}
    claims: list[Claim] = []
    lines = [intro]
    for item, score in picked:
        chunk = item.hit.chunk
        if chunk.chunk_id not in numbers:
            numbers[chunk.chunk_id] = len(citations) + 1
            citations.append(Citation(numbers[chunk.chunk_id], chunk, item.text, item.start, score))
        n = numbers[chunk.chunk_id]
        claims.append(Claim(item.text, (n,)))
        lines.append(
            f"- {when(chunk.published)}: {item.text} [{n}]" if dated else f"- {item.text} [{n}]"
        )
    return cited_answer(
        prepared.question.text, "\n".join(lines), citations, claims=claims, shape="summary"
    )
