"""A chunk cut in the middle of a section keeps what its first sentences lean on: the
heading in effect and the sentence before it, read from the chunk before it at answer time."""

from __future__ import annotations

import pytest

from ingest.pipeline import Ingestor
from kb.engine import KnowledgeBase
from kb.lead_in import lead_in, split_lead_in
from kb.settings import Settings


def test_the_lead_in_is_the_heading_in_effect_and_the_sentence_before():
    previous = (
        "Intro text ends here.\n\n3. Brannock Q4\n\nBrannock Dynamics, a Lyon startup, "
        "announced the Q4 in May. It draws 30 watts."
    )
    chunk = "It draws 30 watts. Ostvik Trucks is its first customer."
    heading, sentence = split_lead_in(lead_in(previous, chunk))
    assert heading == "3. Brannock Q4"
    # the overlap the chunk repeats is not the sentence before it
    assert sentence == "Brannock Dynamics, a Lyon startup, announced the Q4 in May."


def test_no_heading_and_markdown_headings():
    heading, sentence = split_lead_in(lead_in("One sentence. Two sentences here.", "Next."))
    assert heading == "" and sentence == "Two sentences here."
    heading, _ = split_lead_in(lead_in("## Pricing and plans\n\nThe plan costs $9.", "More."))
    assert heading == "Pricing and plans"
    assert lead_in("", "Anything.") == ""


SECTION = (
    "{n}. {name}\n\n"
    "{maker}, a {city} startup, announced the {code} on {date}. "
    "The chip is built on a five-nanometre process and is meant for driver assistance, "
    "parking and in-cabin voice features in mid-priced cars sold from 2027 onward. "
    "It delivers {tops} TOPS at {watts} watts and will go into production late next year, "
    "according to the company, which did not give a price for the part or for its "
    "software development kit. Analysts said the power figure, if it holds in cars on the "
    "road, would put it among the most efficient parts in its class. "
    "The company has about 140 employees, most of them engineers, and it opened a second "
    "design office last year to work on the software that ships with the chip. Its founders "
    "previously worked on image sensors and on power electronics for electric buses. "
    "It plans to sample the part to carmakers in the autumn and to show it at an industry "
    "fair in Detroit, where rivals will also bring their newest parts for the same market. "
    "{customer}, a {kind}, is the first named customer, under a supply agreement that "
    "runs for five years. Why it matters: a new supplier at a time when carmakers want "
    "more than one source for their central computers.\n\n"
)


@pytest.fixture(scope="module")
def chips(tmp_path_factory, real_embedder) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("chips")
    corpus = root / "corpus"
    corpus.mkdir()
    body = "".join(
        SECTION.format(n=n, **fields)
        for n, fields in enumerate(
            [
                dict(name="Brannock Q4", maker="Brannock Dynamics", city="Lyon", code="Q4",
                     date="May 4, 2026", tops=300, watts=30, customer="Ostvik Trucks",
                     kind="Norwegian truck maker"),
                dict(name="Cardale CX-7", maker="Cardale Silicon", city="Turin", code="CX-7",
                     date="June 9, 2026", tops=450, watts=40, customer="Meriden Motors",
                     kind="British carmaker"),
                dict(name="Talvi T2", maker="Talvi Semiconductor", city="Espoo", code="T2",
                     date="July 1, 2026", tops=120, watts=12, customer="Quarry Auto",
                     kind="Spanish carmaker"),
            ],
            start=1,
        )
    )  # fmt: skip
    (corpus / "car-chips.md").write_text(
        "# Three AI chips for cars to watch\n\nPublished: 2026-08-01\n\n" + body
    )
    settings = Settings(store_dir=root / "store", corpus_dir=corpus, chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(corpus)])
    assert not report.failed, report.failed
    return KnowledgeBase(settings, real_embedder)


def test_a_chunk_cut_mid_section_answers_for_its_heading(chips: KnowledgeBase):
    hits = chips.retrieve("Who is the first customer for the Cardale CX-7?")
    customer = next(h for h in hits if "Meriden Motors" in h.chunk.text)
    # the chunk holding the customer does not name the chip: its heading is in the one before
    assert "CX-7" not in customer.chunk.text
    assert "Cardale CX-7" in customer.lead_in
    answer = chips.ask("Who is the first customer for the Cardale CX-7?")
    assert "Meriden Motors" in answer.claims[0].text
    # typed as people type it: a one-letter model code is a version ("Talvi T2"), and the
    # announcement "on July 1" does not say "first"
    answer = chips.ask("first customer talvi t2")
    assert "Quarry Auto" in answer.claims[0].text


def test_a_company_is_read_by_its_first_word_in_lower_case(chips: KnowledgeBase):
    from kb import explore

    cased = explore.name_case(chips.views.current())
    assert cased.restore("who buys brannock chips") == "who buys Brannock chips"
    assert cased.restore("the flow of money") == "the flow of money"


def test_a_question_about_an_unseen_model_knows_its_subject_and_maker(chips: KnowledgeBase):
    from kb.answer.extractive import _related
    from kb.entities import Entity

    asked = chips.prepare("talvi t2 power draw").question
    assert "Talvi T2" in {e.name for e in asked.entities}  # recognised at ingest only
    larch = Entity("Larch 3", "model", "Larchmont AI")
    assert not _related(Entity("Plinth AI", "vendor"), larch)  # another vendor's figure
    assert _related(Entity("Larchmont AI", "vendor"), larch)  # its maker's
    assert _related(Entity("Plinth AI", "vendor"), Entity("Larch 3", "model"))  # maker unknown


def test_a_deals_worth_is_no_valuation():
    from kb.answer.extractive import _sentence_tokens

    assert "~valuation" not in _sentence_tokens("It won a contract worth up to €48 million.")
    assert "~valuation" in _sentence_tokens("Brannock is now worth $4 billion.")


def test_a_raised_price_is_no_funding_round():
    from kb.answer.extractive import _sentence_tokens

    assert "~rais" not in _sentence_tokens("Brannock raised the price of Lumen by 20%.")
    assert "~rais" in _sentence_tokens("Brannock raised $40 million in a Series B.")


def test_a_rare_name_the_question_asks_marks_the_chunks_that_hold_it(chips: KnowledgeBase):
    retriever = chips.views.current().retriever
    holding, documents = retriever._naming(["meriden"], 40, None)
    assert holding and all("Meriden" in c.text for c in chips.store.get_chunks(sorted(holding)))
    assert len(documents) == 1  # the one document naming it
    # in every section: common
    assert retriever._naming(["chip"], 40, None) == (frozenset(), frozenset())
