"""Market facts end to end: extracted at ingest into SQLite, kept in step with Chroma through
update, duplicate and prune, listed by `kb facts`, and answered as lists, counts,
superlatives, comparisons, timelines, what-happened and status, each row cited. The articles
(tests/data/market) are invented: no vendor in them is in any curated list."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from kb.answer.llm import evidence
from kb.answer.routes import OfflineAnswerer
from kb.engine import KnowledgeBase
from kb.factstore import FactQuery
from kb.settings import Settings
from tests.conftest import kb_of_articles

DATA = Path(__file__).parent / "data" / "market"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def market(tmp_path_factory, real_embedder) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("market")
    corpus = root / "corpus"
    shutil.copytree(DATA, corpus)
    settings = Settings(store_dir=root / "store", corpus_dir=corpus, chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(corpus)])
    assert not report.failed, report.failed
    return KnowledgeBase(settings, real_embedder)


def lines(answer) -> list[str]:
    return [line for line in answer.text.splitlines() if line.startswith("- ")]


def cited_sources(answer) -> set[str]:
    return {c.chunk.source for c in answer.citations}


def test_facts_are_extracted_at_ingest_with_dates_entities_and_sources(market):
    funding = market.facts(FactQuery(kinds=("funding",)))
    by_company = {f.fields["company"]: f for f in funding}
    assert set(by_company) == {"Veridian Labs", "Halvard AI", "Orrin Systems"}
    halvard = by_company["Halvard AI"]
    assert halvard.date == "2026-04-01" and halvard.fields["amount"] == 1.5e9
    assert halvard.fields["round"] == "Series C" and halvard.source == "halvard-round.md"
    # the negation ("did not raise money from any state fund") and the forecast are not stated
    assert len(funding) == 3
    unconfirmed = market.facts(FactQuery(kinds=("funding",), include_unconfirmed=True))
    (hedged,) = [f for f in unconfirmed if f.modality != "stated"]
    assert hedged.modality in ("forecast", "rumour") and hedged.fields["amount"] == 3e9
    # table rows are facts too, with their columns
    rows = market.facts(FactQuery(kinds=("row",)))
    assert len(rows) == 3
    assert rows[0].fields["columns"][:3] == ["Model", "Vendor", "Price per second"]


def test_list_answers_name_every_row_each_cited(market):
    answer = market.ask("Which companies raised more than $500 million?")
    assert answer.shape == "list" and not answer.abstained
    assert len(lines(answer)) == 2
    assert "Halvard AI" in answer.text and "Orrin Systems" in answer.text
    assert "Veridian" not in answer.text  # $40 million is under the threshold
    assert all(claim.citations for claim in answer.claims)
    assert len(answer.rows) == 2


def test_count_counts_the_rows_it_names(market):
    answer = market.ask("How many video models are in the spring 2026 price grid?")
    assert answer.shape == "count"
    assert answer.text.startswith("3")
    assert len(lines(answer)) == 3 and cited_sources(answer) == {"video-grid.md"}


def test_superlative_gives_the_winner_and_runner_up(market):
    answer = market.ask("What was the largest funding round?")
    assert answer.shape == "superlative"
    first, second = lines(answer)[:2]
    assert "Halvard AI" in first and "$1.5 billion" in first
    assert "Runner-up" in second and "Orrin Systems" in second
    cheapest = market.ask("Which video model is the cheapest per second in the grid?")
    assert lines(cheapest)[0].startswith("- Kestrel Video 2: $0.10")


def test_compare_puts_both_sides_with_the_difference(market):
    answer = market.ask("Compare the price per second of Kestrel Video 2 and Lumen Motion.")
    assert answer.shape == "compare"
    assert "$0.10" in answer.text and "$0.35" in answer.text
    assert "3.5 times" in answer.text
    assert len(answer.citations) == 2


def test_timeline_lists_changes_oldest_first(market):
    answer = market.ask("How did Halvard AI's valuation change over time?")
    # one valuation only: not a timeline, the sentence answerer takes it
    assert answer.shape != "timeline"
    prices = market.ask("How did the price of Kestrel Video 2 change?")
    assert prices.shape == "timeline"
    assert "$0.10" in prices.text and "$0.20" in prices.text


def test_status_questions_answer_yes_or_no_for_the_place_asked(market):
    canada = market.ask("Is Quill available in Canada?")
    assert canada.shape == "status" and canada.text.startswith("No. As of May 18, 2026")
    assert "paused" in canada.text
    us = market.ask("Is Quill available in the U.S.?")
    assert us.text.startswith("Yes.")
    happened = market.ask("What happened to Quill?")
    assert happened.shape == "events" and "privacy complaint" in happened.text


def test_questions_the_facts_do_not_cover_go_on_to_sentences_or_abstain(market):
    none = market.ask("Which companies raised more than $5 billion in 2027?")
    assert none.shape != "list" or not lines(none)
    assert none.abstained
    lookup = market.ask("Where is Veridian Labs based?")
    assert lookup.shape == "sentences"


def test_the_llm_gets_the_fact_rows_as_its_first_sources(market):
    prepared = market.prepare("Which companies raised more than $500 million?")
    hits = evidence(prepared)
    assert len(hits) == len(prepared.hits) + 2
    assert "Halvard AI said on April 1, 2026" in hits[0].chunk.text
    # a look-up question gets the retrieved passages only
    lookup = market.prepare("Where is Veridian Labs based?")
    assert evidence(lookup) == lookup.hits


def test_kb_facts_json(market):
    settings = market.settings
    out = subprocess.run(
        [sys.executable, "-m", "kb", "facts", "--kind", "funding", "--entity", "Halvard AI"]
        + ["--store", str(settings.store_dir), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    facts = json.loads(out.stdout)["facts"]
    assert len(facts) == 1
    assert set(facts[0]) >= {
        "kind",
        "date",
        "entities",
        "fields",
        "source",
        "title",
        "published",
        "page",
        "text",
    }
    assert facts[0]["fields"]["amount"] == 1.5e9
    bad = subprocess.run(
        [sys.executable, "-m", "kb", "facts", "--since", "last week"]
        + ["--store", str(settings.store_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert bad.returncode != 0 and "last week" in bad.stderr


def test_facts_stay_in_step_through_update_duplicate_and_prune(tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=corpus, chroma_url=None)
    ingestor = Ingestor(settings, real_embedder)
    ingestor.run([str(corpus)])
    kb = KnowledgeBase(settings, real_embedder)

    def companies() -> set[str]:
        kb.refresh()
        return {f.fields["company"] for f in kb.facts(FactQuery(kinds=("funding",)))}

    assert companies() == {"Veridian Labs", "Halvard AI", "Orrin Systems"}
    # update: the article now reports another amount
    path = corpus / "veridian-series-b.md"
    path.write_text(path.read_text().replace("$40 million", "$45 million"))
    ingestor.run([str(corpus)])
    kb.refresh()
    (veridian,) = kb.facts(FactQuery(kinds=("funding",), entity="Veridian Labs"))
    assert veridian.fields["amount"] == 4.5e7
    # a duplicate adds no facts
    shutil.copy(corpus / "halvard-round.md", corpus / "halvard-copy.md")
    ingestor.run([str(corpus)])
    assert len(kb.facts(FactQuery(kinds=("funding",), entity="Halvard AI"))) == 1
    # prune: the file is gone, so are its facts
    (corpus / "tessaly-status.md").unlink()
    ingestor.run([str(corpus)], prune=True)
    assert companies() == {"Veridian Labs", "Halvard AI"}
    with sqlite3.connect(settings.facts_path()) as conn:  # nothing stale left in the file
        sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM facts")}
    assert "tessaly-status.md" not in sources


def test_a_missing_or_stale_fact_file_is_rebuilt_from_chroma(tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=corpus, chroma_url=None)
    Ingestor(settings, real_embedder).run([str(corpus)])
    ingested = KnowledgeBase(settings, real_embedder).facts(FactQuery(include_unconfirmed=True))
    expected = len(KnowledgeBase(settings, real_embedder).facts())
    settings.facts_path().unlink()
    rebuilt = KnowledgeBase(settings, real_embedder).facts(FactQuery(include_unconfirmed=True))
    assert [f.to_json() for f in rebuilt] == [f.to_json() for f in ingested]
    assert len(KnowledgeBase(settings, real_embedder).facts()) == expected > 0
    assert settings.facts_path().exists()  # saved for the next reader
    # a file from another revision is not trusted
    with sqlite3.connect(settings.facts_path()) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'revision'")
        conn.execute("DELETE FROM facts")
    assert len(KnowledgeBase(settings, real_embedder).facts()) == expected


def test_a_rebuild_reads_chroma_a_few_documents_at_a_time(tmp_path, real_embedder):
    """A reader's rebuild streams: chunk ids first, then the chunks of a few documents per
    request (here about three chunks), each document whole and in order, so a large store is
    never held in memory; the facts are the ones the ingest wrote."""
    from kb.factstore import FactIndex, document_chunks, extracted
    from kb.store import ChromaStore

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=corpus, chroma_url=None)
    Ingestor(settings, real_embedder).run([str(corpus)])
    store = ChromaStore(settings)
    records = store.documents()
    live = {d: r.content_hash for d, r in records.items() if r.status == "stored"}
    requests: list[int] = []
    get_chunks = store.get_chunks

    def counted(ids):  # noqa: ANN001, ANN202 - the real read, its size noted
        requests.append(len(ids))
        return get_chunks(ids)

    store.get_chunks = counted  # type: ignore[method-assign]
    documents = list(document_chunks(store, live, page=3))
    assert sorted(chunks[0].doc_id for chunks in documents) == sorted(live)
    for chunks in documents:
        assert [c.index for c in chunks] == list(range(records[chunks[0].doc_id].chunks))
    assert len(requests) > 1 and max(requests) < 3 + max(r.chunks for r in records.values())
    query = FactQuery(include_unconfirmed=True)
    ingested = FactIndex(settings.facts_path()).select(query, live)
    rebuilt = FactIndex(tmp_path / "rebuilt.sqlite")
    rebuilt.replace_all(extracted(store, live), store.revision)
    assert [f.to_json() for f in rebuilt.select(query, live)] == [f.to_json() for f in ingested]
    assert ingested


def test_a_figure_the_passages_miss_is_read_from_the_facts(market):
    # retrieval found nothing (hits dropped, and none on the second look): the sentence
    # answerer abstains, and the facts about the company named still give the figure, cited
    prepared = replace(
        market.prepare("How much did Orrin Systems raise?"), hits=(), wider_hits=tuple
    )
    answer = OfflineAnswerer(market.settings).answer(prepared, market.embed_passages)
    assert not answer.abstained and answer.shape == "fact"
    assert "$900 million" in answer.text
    assert cited_sources(answer) == {"tessaly-status.md"}
    # without a figure of the kind asked, it still abstains
    nothing = replace(
        market.prepare("How much did Tessaly Research raise?"), hits=(), wider_hits=tuple
    )
    assert OfflineAnswerer(market.settings).answer(nothing, market.embed_passages).abstained


def test_overviews_are_digests_across_articles(market):
    answer = market.ask("Summarize the video model market in 2026.")
    assert answer.shape == "summary"
    assert 3 <= len(answer.claims) <= 6
    assert len(cited_sources(answer)) >= 2  # not six sentences from one article
    dates = [line.split(":")[0] for line in lines(answer)]
    assert dates == sorted(dates)  # oldest first


def test_an_overview_tells_each_articles_headline_news(market):
    """A news article says its news first: the digest quotes each cited article's opening
    sentence (the round, the price grid), not only a later remark that matches the
    question's words."""
    answer = market.ask("Summarize the video model market in 2026.")
    quoted = {claim.text for claim in answer.claims}
    for source in cited_sources(answer):
        body = (DATA / source).read_text().split("\n\n")
        opening = next(p for p in body if not p.startswith(("#", "Published:")))
        assert " ".join(opening.split()) in quoted, source


def test_a_question_narrows_by_a_synonym_of_a_value():
    from kb.answer.scope import named_values
    from kb.factstore import StoredFact
    from kb.text import tokenize
    from kb.types import Chunk

    def legal(action: str) -> StoredFact:
        chunk = Chunk("c", "d", 0, "", 0, 0, "d.md", "T", "2026-01-01")
        fields = {"action": action, "defendant": "Ostra Labs", "topic": "copyright"}
        return StoredFact("legal", "2026-01-01", "text", "stated", (), fields, chunk, action, 0)

    facts = [legal("lawsuit"), legal("ruling"), legal("fine")]
    words = frozenset(tokenize("Which companies have been sued for copyright infringement?"))
    assert [f.fields["action"] for f in named_values(facts, ("action",), words)] == ["lawsuit"]
    # a question naming no action keeps them all
    words = frozenset(tokenize("Which copyright cases involve Ostra Labs?"))
    assert len(named_values(facts, ("action",), words)) == 3


def test_a_superseded_table_row_comes_after_the_current_one():
    from kb.answer.scope import _current_first, row_name
    from kb.factstore import StoredFact
    from kb.types import Chunk

    chunk = Chunk("d:0", "d", 0, "", 0, 0, "d.md", "Prices")

    def row(name: str, price: str) -> StoredFact:
        cells = {"Model": name, "Output": price}
        return StoredFact("row", None, "article", "stated", (), {"cells": cells}, chunk, "", 0)

    rows = [
        row("Corvid Reason 1 (until March 16, 2026)", "$3.60"),
        row("Corvid Reason 1 (new price)", "$1.80"),
        row("Corvid Reason 1 (previous list price)", "$3.00"),
    ]
    ordered = [row_name(r) for r in _current_first(rows)]
    assert ordered[0] == "Corvid Reason 1 (new price)"
    # names without a past marker keep the table's order
    plain = [row("Aster Video 3", "$0.30"), row("Veo 3", "$0.40")]
    assert [row_name(r) for r in _current_first(plain)] == ["Aster Video 3", "Veo 3"]


def test_a_name_and_its_abbreviation_in_the_articles_are_one_company():
    from kb.answer.scope import _abbreviates, aliases_in
    from kb.types import Chunk, Hit

    text = "It follows Safe Superintelligence, or SSI, and Tessaly Research (TR) before it."
    hits = [Hit(Chunk("a:0", "a", 0, text, 0, len(text), "a.md", "T"), 1.0)]
    assert aliases_in("How did Safe Superintelligence's valuation change?", hits) == ["SSI"]
    assert aliases_in("How did SSI's valuation change?", hits) == ["Safe Superintelligence"]
    assert aliases_in("What did TR publish?", hits) == ["Tessaly Research"]
    assert aliases_in("What did OpenAI raise?", hits) == []
    assert _abbreviates("SSI", "Safe Superintelligence")
    assert not _abbreviates("EU", "Safe Superintelligence")  # not its letters


def test_an_overview_of_a_place_keeps_to_articles_that_name_it(market):
    from kb.answer.digest import _about_the_place
    from kb.types import Chunk, Hit

    def hit(doc: str, text: str) -> Hit:
        return Hit(Chunk(f"{doc}:0", doc, 0, text, 0, len(text), f"{doc}.md", doc), 1.0)

    eu = [hit("fine", "Regulators in the E.U. fined Ostra Labs."), hit("act", "The EU Act.")]
    us = [hit("suit", "A court in Texas heard a lawsuit against Ostra Labs.")]
    prepared = replace(market.prepare("Summarize AI regulation in Europe."), hits=())
    assert _about_the_place(prepared, eu + us) == eu
    # one article naming the place is too little to narrow to
    assert _about_the_place(prepared, eu[:1] + us) == eu[:1] + us
    # a question that names no place keeps them all
    anywhere = replace(market.prepare("Summarize AI regulation."), hits=())
    assert _about_the_place(anywhere, eu + us) == eu + us


def test_an_overview_keeps_to_articles_that_say_its_most_specific_word(market):
    from kb.answer.base import CorpusStats
    from kb.answer.digest import _on_the_topic
    from kb.types import Chunk, Hit

    def hit(doc: str, text: str) -> Hit:
        return Hit(Chunk(f"{doc}:0", doc, 0, text, 0, len(text), f"{doc}.md", doc), 1.0)

    suits = [hit("a", "Authors sued Ostra Labs for copyright."), hit("b", "A copyright case.")]
    near = [hit("c", "Lexa builds AI tools for law firms and their disputes.")]
    # "copyright" is rarer than "disputes", "ai" and "companies" in this corpus
    freq = {"copyright": 2, "disput": 5, "ai": 40, "compani": 30}
    stats = CorpusStats(lambda t: 10.0 / (1 + freq.get(t, 0)), lambda t: freq.get(t, 0))
    question = "Give an overview of the copyright disputes involving AI companies."
    prepared = replace(market.prepare(question), hits=(), corpus=stats)
    assert _on_the_topic(prepared, suits + near) == suits
    # fewer than two articles say it: too little to narrow to
    assert _on_the_topic(prepared, suits[:1] + near) == suits[:1] + near


def test_a_valuation_is_not_answered_by_a_round_that_states_none(market):
    answer = market.ask("orrin systems valuation")
    assert answer.abstained or "valu" in answer.text.lower(), answer.text
    assert "$900 million" not in answer.text
    # a round that states one still answers
    assert "$12 billion" in market.ask("halvard ai valuation").text


def test_prices_are_compared_in_dollars_never_yuan_against_dollars():
    from types import SimpleNamespace

    from kb.answer.market import _price_in_one_currency, _unit_asked

    def fact(value, currency, usd=None, unit="1M input tokens"):
        return SimpleNamespace(
            fields={"value": value, "currency": currency, "usd_value": usd, "unit": unit}
        )

    yuan_converted, dollars, yuan_bare = fact(0.3, "CNY", 0.04), fact(0.15, "USD"), fact(0.5, "CNY")
    value = _price_in_one_currency([yuan_converted, dollars, yuan_bare])
    assert [value(f) for f in (yuan_converted, dollars, yuan_bare)] == [0.04, 0.15, None]
    # no dollar figure anywhere: compared in the currency most of them are written in
    value = _price_in_one_currency([fact(2.0, "CNY"), fact(0.3, "CNY"), fact(9.0, "EUR")])
    assert value(fact(0.3, "CNY")) == 0.3 and value(fact(9.0, "EUR")) is None
    # "per 1m tokens": the scale asked, and the input price when neither side is named
    scope = SimpleNamespace(words=frozenset({"cheapest", "1m", "tokens"}))
    units = [
        fact(1, "USD", unit=u) for u in ("1K input tokens", "1M output tokens", "1M input tokens")
    ]
    assert _unit_asked(scope, units) == "1M input tokens"


def test_a_versioned_model_is_not_answered_by_its_editions_facts(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "brill-pricing.md": (
                "---\ntitle: Brill API pricing\ndate: 2026-11-18\nsource: Brill Cloud\n---\n\n"
                "Prices for the Brill API, per million tokens.\n\n"
                "| Model | Input (per 1M tokens) | Output (per 1M tokens) |\n| --- | --- | --- |\n"
                "| Brill 3 | $2.50 | $10.00 |\n\n"
                "## Deprecated models\n\n"
                "| Model | Input / Output (per 1M) | Deprecated on | Shutdown date |\n"
                "| --- | --- | --- | --- |\n"
                "| Brill 2 | $3.00 / $15.00 | September 9, 2026 | December 15, 2026 |\n"
                "| Brill 2 Mini | $0.50 / $2.00 | September 9, 2026 | January 31, 2027 |\n"
            ),
        },
    )
    status = kb.ask("Is Brill 2 still available?")
    assert status.text.startswith("No. As of December 15, 2026, Brill 2")
    assert "January 31, 2027" not in status.text.split(":")[0]  # not Brill 2 Mini's date
    compare = kb.ask("Compare the output price of Brill 3 and Brill 2.")
    assert "$10.00" in compare.text and "$15.00" in compare.text
    assert "$2.00" not in compare.text  # Brill 2 Mini's


def test_a_comparison_the_facts_cover_on_one_side_only_goes_to_the_sentences(market):
    # the facts hold a price for Kestrel Video 2, none for Quill: no one-sided "side by side"
    answer = market.ask("Compare the price of Kestrel Video 2 and Quill.")
    assert answer.shape != "compare"
    # no price asked: a comparison of scores is not answered with prices
    scores = market.ask("Kestrel Video 2 vs Lumen Motion on the arena")
    assert scores.shape != "compare"


def test_an_investors_portfolio_is_listed_from_the_rounds_it_backed(market):
    answer = market.ask("which startups has brightwater partners backed")
    assert answer.shape == "list"
    # it led Halvard AI's Series C and Orrin Systems' Series D; Veridian's round was not its
    assert "Orrin Systems" in answer.text and "Halvard AI" in answer.text
    assert "Veridian" not in answer.text


def test_a_companys_rounds_in_order_one_line_per_round(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "tarrow-ama.txt": (
                "AMA: I'm the CEO of Tarrowmere Labs (Tarrowmere Desk). Ask me anything\n"
                "Posted 2026-11-12\n\n"
                "Tarrowmere Labs, founded in Cork in 2022, builds assistants for councils.\n\n"
                "Seed of $4 million in 2023 from Pebblecove Ventures, a Series A of $18 million in "
                "2024 led by Linnet Ventures, and the Series B of $64 million in April 2026 led by "
                "Marrowfield Capital at a $540 million post-money valuation.\n\n"
                "Tarrowmere Desk 2 is delayed. We're now targeting late February 2027. It failed "
                "our own review in August.\n"
            ),
            "tarrow-series-b.md": (
                "---\ntitle: Tarrowmere Labs raises $64 million\ndate: "
                "2026-04-09\nsource: Wire\n---\n\n"
                "Tarrowmere Labs raised $64 million in a Series B led by Marrowfield Capital, the "
                "company said on Wednesday.\n"
            ),
        },
    )
    # typed as people do: the company by its first word, "to date, in order"
    answer = kb.ask("tarrowmere raises to date, in order")
    assert answer.shape == "timeline", answer.text
    got = lines(answer)
    assert len(got) == 3, answer.text  # the Series B told twice is one round
    for line, amount in zip(got, ("$4 million", "$18 million", "$64 million"), strict=True):
        assert amount in line, answer.text
    # a terse event goes on with the sentence after it that says when
    news = kb.ask("whats going on with tarrowmere desk 2")
    assert news.shape == "events", news.text
    assert "is delayed. We're now targeting late February 2027." in news.text
    assert "review in August" not in news.text


def test_a_question_about_one_newsletter_issue_keeps_to_its_facts(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "quillmere-weekly-12.md": (
                "---\ntitle: 'Quillmere Weekly #12: three rounds and a "
                "shutdown'\ndate: 2026-11-13\n"
                "source: Quillmere Weekly\n---\n\nThis week's rounds, biggest last.\n\n"
                "- Clerkwise · legal AI · London — £9m Series A, led by Saltmarsh Capital.\n"
                "- Underlane · insurance · Chicago — $36m Series B, led by Grayhaven Capital.\n"
                "- Tessmoor Semiconductor · chips · Austin — $140m "
                "Series D, led by Kanto Forge.\n\n"
                "Sentmoor had raised £22m; Saltmarsh Capital was not on the cap table.\n"
            ),
            "big-round.md": (
                "---\ntitle: Orbel Labs raises $900 million\ndate: "
                "2026-11-10\nsource: Wire\n---\n\n"
                "Orbel Labs raised $900 million in a Series E led by Harth Capital on Monday.\n"
            ),
        },
    )
    biggest = kb.ask("biggest cheque in quillmere weekly 12")
    assert biggest.shape == "superlative", biggest.text
    assert "Tessmoor" in lines(biggest)[0] and "Orbel" not in biggest.text, biggest.text
    rounds = kb.ask("quillmere weekly #12 funding rounds")
    assert rounds.shape == "list", rounds.text
    named = " ".join(lines(rounds))
    assert all(c in named for c in ("Clerkwise", "Underlane", "Tessmoor")), rounds.text
    assert "Orbel" not in rounds.text
    assert cited_sources(rounds) == {"quillmere-weekly-12.md"}
    # an investor's portfolio, the question typed topic first: the rounds it is named in
    portfolio = kb.ask("saltmarsh capital portfolio - which startups have they led rounds in")
    assert portfolio.shape == "list", portfolio.text
    assert "Clerkwise" in portfolio.text and "Sentmoor" not in portfolio.text, portfolio.text
