"""Market answers read a statement's copies as their first and last (`FactQuery.copies`,
grouped in SQL), so a store holding each fact thousands of times answers superlatives,
threshold lists and figure lookups from a few rows. The answers must be exactly those of
reading every copy: compared here, text and citations, on the corpus store and on a fact
index holding each of its facts four times (as the bench's 1M store holds them thousands
of times)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kb.answer.base import Prepared
from kb.answer.market import MarketAnswerer, lookup_answer
from kb.engine import KnowledgeBase
from kb.factstore import FactIndex, FactQuery, StoredFact, collapse_copies
from kb.settings import Settings
from kb.store import ChromaStore

QUESTIONS = [
    "What was the largest funding round?",
    "What was the largest AI funding round in the first half of 2026?",
    "What was the largest funding round in the 2023-2025 funding table?",
    "Which company got the highest valuation in the AI funding rounds of the first half of 2026?",
    "What is the largest seed round on record?",
    "What was the smallest funding round?",
    "Which model is the cheapest per million input tokens in the June 2025 price grid?",
    "Which model had the highest output price in the July 2024 price grid?",
    "Which video model is the most expensive per second in the mid-2026 price grid?",
    "What was the steepest price cut?",
    "What was the largest acquisition?",
    "Which companies raised more than $500 million?",
    "Which companies raised more than $1 billion in a single round?",
    "Which companies raised more than $1 billion in a single round in the first half of 2026?",
    "Which companies raised more than $1 billion in the first half of 2027?",
    "Which companies raised less than $100 million?",
    "Which companies has AMD agreed to buy?",
    "Which companies sued Midjourney in June 2025?",
    "Which products were discontinued?",
    "How many funding rounds were above $1 billion?",
    "How much did OpenAI cut o3 prices?",
    "How much is Alibaba investing in AI infrastructure?",
    "How much did Anthropic agree to pay authors?",
    "What is the output price of Claude 3 Haiku?",
]
COPIES = 4


def every_copy(read):  # noqa: ANN001, ANN201
    """The fact reads of before: every copy, whatever the answerer asks."""
    return lambda query: read(replace(query, copies=False))


def answered(prepared: Prepared) -> tuple | None:
    """What a user sees of the market answers to `prepared`: the text and each citation's
    number, chunk and sentence (the figure lookup when the shape gives none)."""
    answer = MarketAnswerer().answer(prepared, lambda texts: None)
    if answer is None:
        answer = lookup_answer(prepared)
    if answer is None:
        return None
    cites = tuple((c.n, c.chunk.chunk_id, c.sentence) for c in answer.citations)
    return answer.shape, answer.text, cites, answer.rows


@pytest.fixture(scope="module")
def corpus_kb(corpus_store, real_embedder) -> KnowledgeBase:
    return KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None), real_embedder)


@pytest.fixture(scope="module")
def copied(corpus_kb, tmp_path_factory) -> tuple[FactIndex, dict[str, str]]:
    """A fact index holding each corpus document's facts COPIES times, each copy a document
    of its own (own id, source, content hash and article date, as the bench's copies), and
    the live versions of those documents."""
    settings = corpus_kb.settings
    live = {d: r.content_hash for d, r in ChromaStore(settings).documents().items()}
    facts = FactIndex(settings.facts_path()).select(FactQuery(include_unconfirmed=True), live)
    by_doc: dict[str, list[StoredFact]] = {}
    for f in facts:
        by_doc.setdefault(f.chunk.doc_id, []).append(f)
    documents, copies_live = [], {}
    for c in range(COPIES):
        for doc_id, doc_facts in by_doc.items():
            new_id, content_hash = f"copy-{c}-{doc_id}", f"{live[doc_id]}-{c}"
            published = f"{2024 + c}-0{1 + c}-1{c}"
            moved = []
            for f in doc_facts:
                chunk = replace(
                    f.chunk,
                    chunk_id=f"{new_id}:{f.chunk.index:04d}",
                    doc_id=new_id,
                    source=f"copy/{c}/{f.chunk.source}",
                    content_hash=content_hash,
                    # the first three copies keep the article's date: its facts' copies are exact
                    published=f.chunk.published if c < 3 else published,
                )
                date = chunk.published if f.dated_by == "article" else f.date
                moved.append(replace(f, chunk=chunk, date=date))
            documents.append((content_hash, moved))
            copies_live[new_id] = content_hash
    index = FactIndex(tmp_path_factory.mktemp("copied") / "facts.sqlite")
    index.replace_all(documents, revision=1)
    return index, copies_live


def test_copies_are_read_as_their_first_and_last_in_sql(copied):
    index, live = copied
    query = FactQuery(kinds=("funding", "price", "row"), include_unconfirmed=True)
    every = index.select(query, live)
    grouped = index.select(replace(query, copies=True), live)
    assert len(grouped) < len(every)  # the store holds copies, and they collapse
    assert [f.id for f in grouped] == [f.id for f in collapse_copies(every)]


def test_a_copy_no_longer_live_is_never_read(copied):
    index, live = copied
    query = FactQuery(kinds=("funding",), copies=True)
    gone = {d for d in live if d.startswith("copy-0-")}  # the first copy of every statement
    older = {d: (h if d not in gone else "an older version") for d, h in live.items()}
    grouped = index.select(query, older)
    assert grouped and not any(f.chunk.doc_id in gone for f in grouped)
    every = index.select(replace(query, copies=False), older)
    assert [f.id for f in grouped] == [f.id for f in collapse_copies(every)]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_read_from_copies_are_those_read_from_every_copy(corpus_kb, copied, question):
    prepared = corpus_kb.prepare(question)
    # the corpus store as the engine reads it
    assert answered(prepared) == answered(
        replace(prepared, market_facts=every_copy(prepared.market_facts))
    )
    # the same facts, each four times over
    index, live = copied
    read = lambda query: index.select(query, live)  # noqa: E731
    new = answered(replace(prepared, market_facts=read))
    assert new == answered(replace(prepared, market_facts=every_copy(read)))


def test_the_copied_facts_answer_the_analyst_questions(corpus_kb, copied):
    """The comparison above must compare answers, not two abstentions."""
    index, live = copied
    read = lambda query: index.select(query, live)  # noqa: E731
    for question, expected in [
        ("What was the largest funding round?", "Runner-up"),
        ("Which companies raised more than $1 billion in a single round?", "Corvid Labs"),
    ]:
        shape, text, cites, _ = answered(replace(corpus_kb.prepare(question), market_facts=read))
        assert expected in text and cites


def test_a_current_index_written_before_the_entity_names_index_gains_it(tmp_path):
    """A fact index stamped current but older than `fact_entities_names` (the bench's 1M
    store) is not rebuilt: the index is added to it."""
    import sqlite3

    from kb.factstore import load_or_build

    path = tmp_path / "facts.sqlite"
    FactIndex(path).replace_all([], revision=3)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX fact_entities_names")
    lock = tmp_path / "ingest.lock"
    index = load_or_build(None, path, {}, 3, lock)
    assert index.path == path  # the file itself, not a rebuilt private copy
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "fact_entities_names" in names
