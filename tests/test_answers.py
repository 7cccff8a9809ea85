"""Answers over articles nobody here has seen (the fictional fixtures), in every format:
names, numbers, table rows, reasons, lists, follow-ups, and questions the articles do not
answer. Tests run the real retrieval and the real extractive answerer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kb.filters import Filters
from tests.conftest import ROOT, kb_of_articles


def body(answer) -> str:
    return answer.text.split("\n\nAs of")[0]


@pytest.mark.parametrize(
    ("question", "expected", "source"),
    [
        ("How much does Lumen-4 cost per million input tokens?", "$2.40", "lumen-4-release"),
        (
            "What score did Reel-3 get on the OpenJudge video leaderboard?",
            "1,203",
            "halvard-report.pdf",
        ),
        ("Why did Lumen-4's price fall?", "TX-9", "lumen-4-release"),
        ("What are the headline changes in Lumen-4?", "Lumen-4 Mini", "lumen-4-release"),
        ("How much memory does the TX-9 carry?", "288 gigabytes", "tessellate-chip.htm"),
        ("How much did Northwind Labs raise in 2024?", "$410 million", "northwind-funding.md"),
        (
            "Which model took first place on the OpenJudge Arena text leaderboard?",
            "Lumen-4",
            "openjudge-arena-march.html",
        ),
        ("How much will Corvid spend on data centres?", "$4.2 billion", "kestrel-video-launch.txt"),
    ],
)
def test_answers_quote_the_right_article(fixture_kb, question, expected, source):
    answer = fixture_kb.ask(question)
    assert not answer.abstained, answer.text
    assert expected in body(answer)
    assert answer.citations[0].chunk.source.startswith(source)
    assert "[1]" in answer.text and answer.as_of == answer.citations[0].chunk.published


def test_table_row_answer_cites_the_pdf_page(fixture_kb):
    answer = fixture_kb.ask("What score did Reel-3 get on the OpenJudge video leaderboard?")
    assert answer.citations[0].chunk.page == 2
    assert "Rank: 4 | Model: Reel-3" in answer.citations[0].sentence


@pytest.mark.parametrize(
    "question",
    [
        "How much does Lumen-5 cost?",  # a version the corpus does not have
        "How much did Northwind Labs raise in 2025?",  # a year it does not cover
        "What is the context window of Kestrel Video 3.0?",
        "How much did Pinecrest Media pay for Reel-3's licence in Q3 2025?",
    ],
)
def test_near_misses_are_declined(fixture_kb, question):
    answer = fixture_kb.ask(question)
    assert answer.abstained, answer.text
    assert answer.text.startswith("The corpus does not say") and answer.nearest


def test_follow_up_is_about_the_earlier_subject(fixture_kb):
    answer = fixture_kb.ask(
        "How much does it cost per million output tokens?", history=["What is Lumen-4?"]
    )
    assert "$9.60" in body(answer)


def test_two_part_question_gets_a_sentence_per_part(fixture_kb):
    answer = fixture_kb.ask("Who led Northwind's Series D round, and what was the valuation?")
    text = body(answer)
    assert "Calder Peak Capital" in text and "$18.5 billion" in text


def test_exact_names_and_amounts_match_through_keyword_search(fixture_kb):
    hits = fixture_kb.retrieve("$4.2 billion")
    assert hits[0].chunk.source == "kestrel-video-launch.txt" and hits[0].keyword_rank == 1
    hits = fixture_kb.retrieve("Kestrel Video 2.0")
    assert any("Kestrel Video 2.0" in h.chunk.text for h in hits[:2])


def test_filters_restrict_sources_and_dates(fixture_kb):
    hits = fixture_kb.retrieve("Lumen-4", filters=Filters(sources=("tessellate-chip.htm",)))
    assert hits and {h.chunk.source for h in hits} == {"tessellate-chip.htm"}
    hits = fixture_kb.retrieve("leaderboard", filters=Filters(since="2026-04-01"))
    assert hits and all(h.chunk.published >= "2026-04-01" for h in hits)
    hits = fixture_kb.retrieve("leaderboard", filters=Filters(until="2026-02-28"))
    assert all(h.chunk.published <= "2026-02-28" for h in hits)


def test_one_long_article_cannot_take_every_slot(fixture_kb):
    hits = fixture_kb.retrieve("Northwind Labs Lumen-4 price revenue funding", k=6)
    per_doc = {}
    for h in hits[:6]:  # a capped chunk between two kept ones may follow the top k
        per_doc[h.chunk.doc_id] = per_doc.get(h.chunk.doc_id, 0) + 1
    assert max(per_doc.values()) <= fixture_kb.settings.max_chunks_per_doc


def test_keyword_index_rebuilds_itself_when_missing(fixture_store, real_embedder):
    import shutil

    from kb.engine import KnowledgeBase

    shutil.rmtree(fixture_store.keyword_dir())
    kb = KnowledgeBase(fixture_store, real_embedder)
    assert kb.refresh().keyword.size == kb.store.count()
    assert fixture_store.keyword_dir().exists()


def test_cli_json_and_stdin_batch(fixture_store):
    cmd = [sys.executable, "-m", "kb", "ask", "--store", str(fixture_store.store_dir), "--json"]
    one = subprocess.run(
        [*cmd, "How much memory does the TX-9 carry?"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert one.returncode == 0, one.stderr
    data = json.loads(one.stdout)
    assert set(data) >= {"question", "answer", "abstained", "citations", "timings"}
    assert set(data["citations"][0]) >= {
        "n",
        "source",
        "title",
        "published",
        "page",
        "text",
        "score",
    }
    assert set(data["timings"]) == {"retrieve_ms", "answer_ms"}
    batch = subprocess.run(
        cmd,
        input="How much does Lumen-4 cost?\n\nHow much does Lumen-5 cost?\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["abstained"] for line in lines] == [False, True]


def test_cli_stats_json(fixture_store):
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "stats", "--store", str(fixture_store.store_dir), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    stats = json.loads(proc.stdout)
    assert stats["documents"] == 6 and stats["embedder"].startswith("all-MiniLM-L6-v2")
    assert {"source", "title", "published", "chunks"} <= set(stats["sources"][0])


def test_now_questions_prefer_the_newest_article(tmp_path, real_embedder):
    from ingest.pipeline import Ingestor
    from kb.engine import KnowledgeBase
    from kb.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for date, leader in (("2025-03-01", "Quartzline 3"), ("2026-01-15", "Ember-7")):
        (corpus / f"arena-{date}.txt").write_text(
            f"Glass Arena update\nPublished: {date}\n{leader} leads the Glass Arena leaderboard "
            f"this month, according to the arena's maintainers, with the highest score of any "
            f"chatbot tested so far.",
            encoding="utf-8",
        )
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=corpus, chroma_url=None)
    Ingestor(settings, real_embedder).run([str(corpus)])
    kb = KnowledgeBase(settings, real_embedder)
    answer = kb.ask("Which chatbot leads the Glass Arena leaderboard now?")
    assert "Ember-7" in body(answer).split("[1]")[0], answer.text
    assert answer.as_of == "2026-01-15"


def test_names_typed_without_accents_and_events_in_other_words_are_answered(
    tmp_path, real_embedder
):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "skarholm-award-2026.txt": (
                "Region Skärholm awards its AI assistant contract\nPublished: 2026-10-20\n"
                "Region Skärholm has awarded its contract for an AI documentation assistant to "
                "Fennick Data. The contract is worth SEK 84 million over four years. Five tenders "
                "were received before the deadline."
            ),
            "brindle-quovex-2026.txt": (
                "Brindle Robotics buys an evaluation start-up\nPublished: 2026-09-09\n"
                "Brindle Robotics has acquired Quovex, a 23-person "
                "model-evaluation start-up based in "
                "Utrecht. Quovex's founders will run an evaluation team inside Brindle Robotics."
            ),
            "kestrow-regions-2026.txt": (
                "Kestrow 2 reaches two more regions\nPublished: 2026-11-02\n"
                "Kestrow 2 is now generally available in Oslo and "
                "Stockholm. Bergen has no date yet "
                "for Kestrow 2."
            ),
        },
    )

    # a sentence naming the product and the place answers whether it is available there
    where = kb.ask("is kestrow 2 available in bergen")
    assert "no date yet" in body(where), where.text
    # typed on a plain keyboard: "skarholm" is the article's "Skärholm"
    assert "SEK 84 million" in body(kb.ask("skarholm contract value")), "accent"
    # "picked up" is "acquired"; a name followed by "news?" asks what happened to it
    picked = kb.ask("who picked up quovex")
    assert "Brindle Robotics has acquired Quovex" in body(picked), picked.text
    news = kb.ask("quovex news?")
    assert "acquired Quovex" in body(news), news.text


def test_a_summary_of_one_named_newsletter_issue_summarises_that_issue(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "fernhall-weekly-12.txt": (
                "Fernhall Weekly #12 — Quell Labs raises $90M, Brisk 3 tops the Ladder board\n"
                "Published: 2026-10-05\n"
                "* Quell Labs raised a $90M Series B led by Ashdown Capital.\n"
                "* Brisk 3 took first place on the Ladder reasoning board with 1,204 points.\n"
                "* Tamber AI cut the price of Tamber 2 to $1.20 per million input tokens.\n"
                "* Oxcart Cloud paused new sign-ups in Frankfurt until November.\n"
                "* Quell Labs says the round values it at $1.1 billion.\n"
            ),
            "fernhall-weekly-11.txt": (
                "Fernhall Weekly #11 — Marl AI ships Marl 2\nPublished: 2026-09-28\n"
                "* Marl AI shipped Marl 2, a speech model, in twelve languages.\n"
                "* Pellow Systems hired a new chief financial officer from a bank.\n"
                "* Gristle Cloud opened a region in Madrid for its GPU rentals.\n"
            ),
        },
    )
    answer = kb.ask("tldr of Fernhall Weekly 12")
    text = body(answer)
    assert answer.shape == "summary", answer.text
    assert text.startswith("Fernhall Weekly #12"), answer.text
    assert len([line for line in text.splitlines() if line.startswith("- ")]) >= 3
    assert {c.chunk.source for c in answer.citations} == {"fernhall-weekly-12.txt"}
    assert "* " not in text  # list markers are not quoted


def test_a_translated_briefing_is_read_for_counts_and_start_dates(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "tarn-compute-briefing-2026.txt": (
                "Tarn region signs its AI compute contract\n"
                "Tarnby, Wednesday 14 of October of 2026.\n"
                "On 30 September the region signed the contract for Lot 1, the training "
                'cluster it calls "Kestrel". Kestrel will have 4,608 GPUs, and it must be '
                "operational by 30 June 2027. Four companies presented offers.\n"
                "The councillor explained that the deployment will begin in January of 2027 "
                "with a pilot in 14 health centres.\n"
                "Related news:\n"
                "- The region convokes the tender of the health assistant (May 2026)\n"
                "- Data centres multiply in the valley: more than 500 megawatts\n"
            ),
            "valley-power-2026.txt": (
                "Power demand rises in the valley\nPublished: 2026-09-01\n"
                "Grid operators expect demand from data centres to double by 2028. Two new "
                "substations will be built next year."
            ),
        },
    )
    # "gpus", rare in this corpus, is read as a name, yet it is what is counted
    gpus = kb.ask("how many gpus will the kestrel cluster have")
    assert "4,608" in body(gpus), gpus.text
    # "start" is said "begin"; the page's related headlines are not the article
    start = kb.ask("when does the pilot start")
    assert "January of 2027" in body(start), start.text
    (doc,) = [s for s in kb.stats().to_json()["sources"] if s["source"].startswith("tarn")]
    assert doc["published"] == "2026-10-14"
    chunks = kb.store.get_chunks(
        [i for ids, _, _ in kb.store.iter_chunks(include_text=False) for i in ids]
    )
    assert not any("Related news" in c.text or "convokes" in c.text for c in chunks)


def test_a_figure_of_the_company_before_it_answers_nothing_about_another(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "harlow-fund-letter-q3-2026.md": (
                "---\ntitle: Harlow Fund II, Q3 2026 letter\ndate: 2026-10-28\n---\n"
                "**Quillet AI: Series A.** Quillet builds agents that reconcile invoices for "
                "manufacturers. It raised a $22 million Series A led by Brockwell Capital at a "
                "$120 million post-money valuation on September 18.\n\n"
                "**Ardwell Labs: first contract.** Ardwell Labs, the Zaragoza start-up whose "
                "Series A we led in April, won its first public contract this quarter.\n"
            ),
            "ardwell-rounds-2026.md": (
                "---\ntitle: Ardwell Labs's funding so far\ndate: 2026-10-01\n---\n"
                "| Round | Date | Amount | Lead |\n|---|---|---|---|\n"
                "| Seed | 2025-03 | €4 million | Cierva Capital |\n"
                "| Series A | 2026-04 | €26 million | Harlow Fund II |\n"
            ),
        },
    )
    answer = kb.ask("ardwell labs series a post-money valuation")
    # "It raised ... at a $120 million post-money valuation" is Quillet's, the sentence
    # before says so; and a table row named "Series A" names no company
    assert "$120 million" not in answer.text, answer.text


def test_a_yes_or_no_comes_only_from_a_status_of_the_thing_asked(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "quenby-plans-2026.md": (
                "---\ntitle: Quenby plans and prices\ndate: 2026-08-04\n---\n"
                "| Plan | Monthly price | What you get |\n|---|---|---|\n"
                "| Free | $0 | 40 messages a day |\n| Plus | $15/month | 600 messages a day |\n\n"
                "Quenby Voice was paused in Austria on June 12, 2026.\n"
            ),
            "notetakers-2026.md": (
                "---\ntitle: Meeting note takers this summer\ndate: 2026-07-10\n---\n"
                "The flip side of that money: recapper discontinued its free plan on June 30 and "
                "raised its Business price on July 1.\n"
            ),
            "harrowfield-ama-2026.txt": (
                "AMA: I'm the CEO of Harrowfield Labs\nPublished: 2026-11-12\n"
                "Harrowfield Labs makes Brume, an assistant for site engineers. Brume 3 is "
                "delayed. We paused new sign-ups in Turkey in August while we sorted out data "
                "residency. Sign-ups in Turkey resumed on November 2.\n"
            ),
        },
    )
    # "free" typed in lower case is the word, not the Free plan's name
    free = kb.ask("recapper free plan still available?")
    assert "Quenby" not in free.text and "June 30" in free.text, free.text
    # Brume 3's delay is no answer to whether Harrowfield's sign-ups are frozen
    turkey = kb.ask("are harrowfield signups in turkey still frozen")
    assert not turkey.text.startswith("No. As of"), turkey.text
    assert "November 2" in turkey.text, turkey.text


def test_a_comparison_never_sets_one_statement_against_itself(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "helmwick-story-brantmoor-2026.md": (
                "---\ntitle: How Brantmoor Energy cut support costs with Helmwick Resolve\n"
                "date: 2026-10-08\n---\n"
                "Before the rollout, the cost of handling a ticket was $7.40 on average. Six "
                "months later it is $2.10. Brantmoor signed an annual contract for the Resolve "
                "Enterprise plan, which costs $6,000 per month plus $0.85 per resolution.\n"
            ),
        },
    )
    answer = kb.ask("brantmoor energy cost per ticket before vs after resolve enterprise")
    # the one contract's price read as both sides' figure compares nothing
    assert not answer.text.startswith("Side by side"), answer.text


def test_a_model_id_typed_in_lower_case_names_its_model(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "marram-sunset-thread-2026.txt": (
                "marram-2-0524 sunset: what is the shutdown date? · Issue #1482\n"
                "devon opened this issue on Oct 2, 2026\n"
                "| Model | Status | Shutdown date | Replacement |\n|---|---|---|---|\n"
                "| marram-2-0524 | deprecated since 2026-09-29 | December 1, 2026 | marram-3 |\n"
            ),
            "dune-grasses-2026.txt": (
                "Coastal planting guide\nPublished: 2026-05-01\n"
                "Dunes are stabilised with grasses that trap sand. Volunteers planted "
                "seedlings along two kilometres of coast this spring."
            ),
        },
    )
    # "marram" is also an English word (a dune grass); followed by a version it is a name
    assert "marram" in kb.prepare("when does marram-2-0524 stop working").question.names


def test_a_summary_of_one_article_described_by_its_kind(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "fenbench-freight-invoices-preprint-2026.md": (
                '---\ntitle: "FenBench: evaluating models on freight invoices"\n'
                "date: 2026-10-14\nsource: arXiv preprint\n---\n"
                "We introduce FenBench, a benchmark of 800 freight-invoice tasks. Alder-3 leads "
                "with a pass rate of 74.2%. Brisk 2 follows at 69.0%, and Alder-3 Mini is the "
                "cheapest to run at $2.90 per 1,000 tasks. Human clerks pass 92.4% of a "
                "100-task subset. Brisk 2.1 regressed on multi-currency invoices.\n"
            ),
            "freight-ai-funding-2026.md": (
                "---\ntitle: Freight AI start-ups raise money\ndate: 2026-10-20\n---\n"
                "Haulby raised $40 million for invoice automation after its model scored 61% "
                "on FenBench. Cargonaut raised $12 million to check freight bills; it tops "
                "FenBench among start-ups. Investors now ask every pitch for a FenBench score.\n"
            ),
            "invoice-models-market-2026.md": (
                "---\ntitle: Invoice models are getting cheaper\ndate: 2026-10-25\n---\n"
                "Prices for invoice-reading models fell by a third this year. Vendors quote "
                "FenBench pass rates in every deck. Buyers compare FenBench results with their "
                "own tests before they sign.\n"
            ),
        },
    )
    answer = kb.ask("tldr of the fenbench preprint")
    assert answer.text.startswith("FenBench: evaluating models on freight invoices"), answer.text
    assert {c.chunk.source for c in answer.citations} == {
        "fenbench-freight-invoices-preprint-2026.md"
    }


def test_a_summary_of_a_keynote_is_of_its_live_blog():
    """ "tl;dr of the cadmara ascent keynote": a keynote, a talk or a live blog is a kind of
    document a summary is asked of, as a preprint is."""
    from kb.answer.digest import _DESCRIBED

    for asked, what in (
        ("tl;dr of the cadmara ascent keynote", "cadmara ascent keynote"),
        ("gist of the taverly changelog", "taverly changelog"),
        ("summarise the fenmoor app store listing", "fenmoor app store listing"),
    ):
        m = _DESCRIBED.search(asked)
        assert m is not None and m.group("what").endswith(what), asked
    # a market is no document: "the state of the AI video market" spans articles
    assert _DESCRIBED.search("Summarize the state of the AI video market in 2026.") is None


def test_a_price_change_answered_without_figures_gets_the_sentence_with_them(
    tmp_path, real_embedder
):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "notetakers-update-2026.html": (
                "<html><head><title>Best AI note takers (2026) | Plumline</title>"
                '<meta name="date" content="2026-11-12"></head><body><main><article>'
                "<h1>Best AI note takers</h1><p>Changes in this update: Quillet moves up to "
                "first place. Murmur Notes' Team plan price went up.</p>"
                "<h2>Murmur Notes</h2><p>The catch is price: on September 1, 2026 Murmur raised "
                "the Team plan from $18 to $22 per seat per month, and the free plan is limited "
                "to 3 files a month.</p></article></main></body></html>"
            ),
        },
    )
    answer = kb.ask("Did Murmur change the price of its Team plan?")
    assert "$22" in answer.text, answer.text


def test_corrections_deals_leaderboards_and_fiscal_years_are_read_as_an_analyst_would(
    tmp_path, real_embedder
):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "tessel-notes-voice-2026.md": (
                "---\ntitle: Voice APIs are getting cheap\ndate: 2026-11-10\n---\n"
                "> **Update (November 12, 2026):** An earlier version of this post said "
                "Murrow's Studio plan costs $99 per month. The correct figure is $79 per month."
                "\n\nOn October 1, Murrow cut the API price of Murrow v5 from $45 to $30 per 1M "
                "characters. On Cadence Arena, the blind listening leaderboard, the November 3 "
                "update put Halo 2 first and Murrow v5 third. Murrow v5 had held first place "
                "since May; it has now slipped to third.\n"
            ),
            "timeline-korean-voice-2026.md": (
                "---\ntitle: Timeline of Korean voice AI\ndate: 2026-11-27\n---\n"
                "- 14 October 2026 – Dallim Telecom agrees to acquire Sorivoice for ₩210 "
                "billion. The acquisition is completed on 20 November 2026 and Sorivoice "
                "becomes a wholly owned subsidiary.\n"
            ),
            "tarnvale-wiki-2026.md": (
                "---\ntitle: Tarnvale AI\ndate: 2026-11-14\n---\n## 2024\n\nIn April 2024 "
                "Tarnvale raised a $275 million Series B led by Pembrook Capital. On 12 November "
                "2024 it launched Kindwell, a free assistant app for iOS, Android and the web.\n"
            ),
            "kelvar-annual-report-2026.md": (
                "---\ntitle: Kelvar Compute annual report 2026\ndate: 2026-11-18\n---\n"
                "Our largest customer accounted for 34% of Group revenue in FY2026 (FY2025: "
                "22%). Legacy hosting contributed $3.2 million of revenue in FY2026 (FY2025: "
                "$7.9 million). We expect capital expenditure of $700 million in FY2027.\n"
            ),
            "brindle-cloud-s-1-summary-2026.md": (
                "---\ntitle: Brindle Cloud, Inc. Form S-1 (Prospectus Summary)\ndate: "
                "2026-11-09\n---\nBrindle Cloud rents GPU clusters to media-model developers "
                "and was founded in 2021.\n\nOur Financial Performance\n\n- Revenue was "
                "$41.6 million in fiscal 2026, compared with $18.3 million in fiscal 2025.\n"
                "- Net loss was $(9.4) million in fiscal 2026.\n"
            ),
        },
    )
    # what a corrected post used to say is no answer; the correction is
    price = kb.ask("murrow studio plan price per month").text
    assert "$79" in price and "$99" not in price, price
    # "The acquisition is completed ...": the sentence before says whose
    assert "Dallim Telecom" in kb.ask("who owns sorivoice now").text
    # "On 12 November 2024 it launched Kindwell": the sentence before says who "it" is
    assert "Tarnvale" in kb.ask("who makes the kindwell assistant app").text
    # what happened on a leaderboard is its ranking there, not the model's price cut
    board = kb.ask("what happened to murrow v5 on cadence arena").text
    assert "third" in board and "$30" not in board, board
    # "fy2027" pins a year: FY2026's and FY2025's figures are no FY2027 figure
    assert kb.ask("kelvar largest customer % of revenue fy2027").abstained
    assert "34%" in kb.ask("kelvar largest customer % of revenue fy26").text
    # "fy2026" is how the asker writes it, "fiscal 2026" how the filing does
    revenue = kb.ask("brindle rev fy2026 vs fy2025").text
    assert "$41.6 million" in revenue and "$18.3 million" in revenue, revenue


def test_a_price_per_one_unit_is_not_answered_by_a_price_per_another():
    from kb.answer.extractive import _price_per_another_unit as other_unit

    monthly = "Veo 3 came to subscribers of a new plan priced at $249.99 a month."
    assert other_unit("Compare the price per second of Sora and Veo 3.", monthly)
    assert not other_unit("veo 3 price per second", "Veo 3 costs $0.75 per second of video.")
    assert not other_unit("how much is the plan", monthly)  # no unit asked
    assert not other_unit("cost per month of the plan", monthly)
    # units as people write them: "annual plan price", "$24/mo"
    assert other_unit("tallyhawk annual plan price", "I paid for Gridwise at $24/mo.")
    assert not other_unit("gridwise monthly price", "I paid for Gridwise at $24/mo.")
    assert not other_unit("tallyhawk annual plan price", "The annual plan is $290 a year.")


def test_an_amount_asked_in_one_currency_is_not_answered_in_another():
    from kb.answer.extractive import _in_another_currency as other_currency

    node = "Cadmara Node on-prem appliance: $189,000, ships March 2027 (US first)"
    assert other_currency("cadmara node price in euros", node)
    assert not other_currency("cadmara node price in euros", "In Europe it costs €170,000.")
    assert not other_currency("cadmara node price", node)  # no currency asked
    converted = "Jinseong will invest 350 billion won (about $260 million)."
    assert not other_currency("jinseong investment in dollars", converted)
    # a sentence with no amount in the currency asked is no answer either, unless it writes
    # the amount its own way
    assert other_currency("cadmara node price in euros", "4.2 million developers build on it.")
    assert not other_currency("sennfeld series c in euros", "Series C: 420 Mio. Euro")


def test_a_summary_of_a_post_named_by_its_topic_gives_its_news_before_its_authors_view(
    tmp_path, real_embedder
):
    news = (
        "---\ntitle: Freight AI start-ups raise money\ndate: 2026-10-20\n---\n"
        "Haulby raised $40 million for invoice automation. Cargonaut raised $12 million to "
        "check freight bills. Investors now ask every pitch for a benchmark score.\n"
    )
    post = (
        "---\ntitle: Invoice models are becoming a commodity\ndate: 2026-11-10\n"
        "author: Ada Lund\n---\n"
        "Prices for invoice-reading models fell by a third this year. On October 1, Quenby "
        "cut the price of Alder-3 from $45 to $30 per 1,000 invoices. Brisk 2 launched at $18 "
        "and has not moved since. Quenby still holds 41% of the market, down from 55%. "
        "I expect Quenby to cut again, to $20, by the middle of 2027. My estimate is that the "
        "market is worth about $1.4 billion. I think the moat is the custom-model catalogue.\n"
    )
    kb = kb_of_articles(
        tmp_path, real_embedder, {"freight-ai-funding-2026.md": news, "ada-lund-post.md": post}
    )
    answer = kb.ask("tldr of ada lunds post on invoice models becoming a commodity")
    assert answer.text.startswith("Invoice models are becoming a commodity"), answer.text
    assert {c.chunk.source for c in answer.citations} == {"ada-lund-post.md"}
    # every reported figure before the author's forecasts: one of three at most fills the list
    assert all(f in answer.text for f in ("$30", "$18", "41%")), answer.text
    views = ("I expect", "My estimate", "I think")
    assert sum(v in answer.text for v in views) <= 1, answer.text


def test_the_other_side_of_a_token_price_another_plan_and_a_handle_are_no_answer():
    from kb.answer.extractive import _HANDLE_LINE, _another_plan, _another_side

    input_only = "A smaller version, Guara 2 Mini, costs $0.10 per million input tokens."
    assert _another_side("guara 2 mini output price", input_only)
    assert not _another_side("guara 2 mini input price", input_only)
    assert not _another_side("guara 2 mini price", input_only)  # no side asked
    enterprise = "Brantwood signed for the Resolve Enterprise plan, which costs $6,000 per month."
    assert _another_plan("resolve growth plan price per month", enterprise)
    assert not _another_plan("resolve enterprise plan price", enterprise)
    assert _HANDLE_LINE.fullmatch("u/pip_ferngate [verified · CEO, Ferngate Labs]")
    assert not _HANDLE_LINE.fullmatch("Ferngate Labs raised $40 million.")


def test_a_quarter_written_with_its_years_last_digits_pins_both():
    from kb.query import parse_question, quarters_in

    question = parse_question("kitefin b200 price in 1q26")
    assert question.quarters == ("q1",) and question.years == ("2026",)
    assert quarters_in("Our 3Q26 price check, down from $3.40 in 2Q26") == ["q3", "q2"]


def test_a_sentence_that_continues_the_one_before_is_read_and_quoted_with_it(
    tmp_path, real_embedder
):
    """ "There 85 posts are cut": the place and company are the sentence before's; the
    answer quotes both."""
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "werkstatt-holmvik-ai-restructuring-2026.txt": (
                "Holmvik AI raises 90 Mio. Euro and trims its services arm\n"
                "Published 12. November 2026\n\n"
                "Holmvik AI has raised 90 Mio. Euro in a Series B led by Nordkap Ventures. At "
                "the same time the company is shrinking its consulting subsidiary Holmvik "
                "Services in Bremen. There 85 positions are to be cut, which corresponds to "
                "around 9 Prozent of the total workforce. The consulting arm will focus on "
                "rolling out the company's own models.\n"
            ),
        },
    )
    answer = kb.ask("how many jobs is holmvik cutting in bremen")
    assert not answer.abstained and "85" in answer.text, answer.text
    assert "Holmvik Services in Bremen" in answer.text, answer.text


def test_a_post_is_dated_by_its_own_date_else_by_the_header_above_it():
    """Of one article's sentences, "now" questions take the one said latest: a channel
    export's posts and a changelog's entries are dated by the lines above them."""
    from types import SimpleNamespace

    from kb.answer.extractive import _said_when
    from kb.vocabulary import NOW_CUES

    text = (
        "[10/06/2026 8:47 PM] mara | Staff\n\nRill 2 is paused for all users.\n\n"
        "November 4, 2026\n\nPricing\n\nThe Team plan rises to $39.\n\n"
        "Rill 3 ships in March 2027."
    )

    def said(sentence: str) -> str:
        chunk = SimpleNamespace(text=text, published="2026-11-20")
        return _said_when(
            SimpleNamespace(
                sentence=sentence, start=text.index(sentence), hit=SimpleNamespace(chunk=chunk)
            )
        )

    assert said("Rill 2 is paused for all users.") == "2026-10-06"
    assert said("The Team plan rises to $39.") == "2026-11-04"
    assert said("Rill 3 ships in March 2027.") == "2027-03"  # its own date first
    # a sheet's record is dated by its own effective date, not by the record above it
    text = (
        "Brightmoor,GPU H200,On-demand,GPU-hour,3.10,USD,2026-10-15,current,was 3.65\n\n"
        "Brightmoor,GPU H200,On-demand,GPU-hour,3.65,USD,2026-04-01,old price,superseded"
    )
    assert said("Brightmoor,GPU H200,On-demand,GPU-hour,3.10,USD,2026-10-15,current,was 3.65") == (
        "2026-10-15"
    )
    assert said(text.split("\n\n")[1]) == "2026-04-01"
    assert all(NOW_CUES.search(q) for q in ("is it GA yet", "is it sold anymore"))


def test_the_site_a_question_names_is_where_its_pages_sentences_were_said():
    """ "tallyhawk price w/ the product hunt launch code": a launch page's sentences were
    said on its site, which the page's text need not name."""
    from kb.answer.extractive import _candidates
    from kb.query import parse_question
    from kb.types import Chunk, Hit

    text = "For launch week, code QUILLDAY gives 40% off Solo, so $10.80/month."
    chunk = Chunk(
        "c0",
        "d0",
        0,
        text,
        0,
        len(text),
        "quillmoss.html",
        "Quillmoss",
        "2026-09-15",
        "Launch Board",
    )
    question = parse_question("quillmoss solo price w/ the launch board launch code")
    (evidence,) = _candidates(question, [Hit(chunk, 1.0)])
    assert {"board", "quillmoss"} <= evidence.chunk_tokens


def test_words_a_table_writes_by_their_initials_match_its_column():
    """ "requests per minute" is the table's "RPM" column; "is it a" spells nothing."""
    from kb.answer.extractive import _initialised, _initialisms

    runs = _initialisms("wrenfield tier 3 requests per minute before vs after")
    assert _initialised(runs, frozenset({"tier", "rpm", "befor"})) == {"request", "minut"}
    assert _initialised(runs, frozenset({"tier", "befor"})) == frozenset()
    assert "iia" not in _initialisms("is it a good plan")


def test_a_follow_up_reads_the_earlier_answer_as_context(tmp_path, real_embedder):
    """ "and how many of them are going over?" after "who is hiring the Quillbarn team?": the
    earlier answer (Fenmoor) says where "over" is."""
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "quillbarn-shutdown-thread-2026.txt": (
                "Quillbarn is shutting down; most of the team is joining Fenmoor\n"
                "Published November 17, 2026\n\n"
                "Today we are announcing that Quillbarn will shut down, and that Fenmoor is "
                "hiring most of the team. Workspaces become "
                "read-only on December 8, 2026. We are 31 people today. 22 of us are joining "
                "Fenmoor. The other 9 get 16 weeks of severance and our help finding the next "
                "thing. Our seed round in 2022 was $3.2 million from 12 angels. Nothing is "
                "going to change for existing invoices before then.\n"
            ),
        },
    )
    history = ["who is hiring the quillbarn team"]
    assert "Fenmoor" in kb.ask(history[0]).text
    answer = kb.ask("and how many of them are going over?", history=history)
    assert "22" in answer.text, answer.text


def test_a_rows_later_sentences_and_a_sheets_records_are_rows_not_captions():
    """A changelog row's cell with two sentences ("... 1.2 added. Sparrowhawk 4.5 added.")
    stays one row: its second sentence is no caption lending its words to the rows below. A
    comma-separated record is no heading, so it can answer."""
    from kb.answer.extractive import _candidates, _is_heading
    from kb.query import parse_question
    from kb.types import Chunk, Hit

    text = (
        "Date | Editor | Change\n\n"
        "2026-09-01 | S. Holm | Kerlann Agent 1.1 discontinued, 1.2 added. Wrenhawk 4.5 added.\n\n"
        "2026-06-15 | R. Fairbairn | Sheet created (v1, 18 rows)."
    )
    chunk = Chunk("c0", "d0", 0, text, 0, len(text), "tracker.txt", "Tracker", "2026-11-24", "")
    question = parse_question("which company is behind wrenhawk 4.5")
    evidence = {e.sentence: e for e in _candidates(question, [Hit(chunk, 1.0)])}
    created = evidence["2026-06-15 | R. Fairbairn | Sheet created (v1, 18 rows)."]
    assert "wrenhawk" not in created.context
    assert not _is_heading("Brightmoor Compute,GPU cloud H200,On-demand,GPU-hour,3.10,USD")
    assert _is_heading("Prices, plans and limits")


def test_a_labelled_figure_leans_on_its_list_items_heading():
    """ "Fine: €11.2 million." closing a list item is the fine for what the item's first
    sentence names, though the sentence just before it does not say so."""
    from kb.answer.extractive import _candidates
    from kb.query import parse_question
    from kb.types import Chunk, Hit

    text = (
        "No legal basis for training (Article 6 GDPR). Quillmere relied on legitimate "
        "interest and offered no way to object. Fine: €11.2 million.\n\n"
        "Too little transparency (Articles 12-13). Users were not told. Fine: €7.4 million."
    )
    chunk = Chunk("c0", "d0", 0, text, 0, len(text), "ap.html", "AP fines Quillmere", "", "")
    question = parse_question("quillmere fine - how much of it was for training")
    evidence = {e.sentence: e for e in _candidates(question, [Hit(chunk, 1.0)])}
    assert {"train", "legal"} <= evidence["Fine: €11.2 million."].context
    assert "train" not in evidence["Fine: €7.4 million."].context
    assert "No legal basis" in evidence["Fine: €11.2 million."].context_text


def test_a_summary_leaves_out_a_readmes_commands():
    """A README's command lines are no digest material; its prose and news are."""
    from kb.answer.digest import _sentences
    from kb.types import Chunk, Hit

    text = (
        "Run the harness with portage run --suite full --agent your_agent.yaml --seed 0.\n\n"
        "portage doctor # checks Docker and the sandbox images (about 14 GB)\n\n"
        "$ pip install portagebench-harness==2.1.0 (Python 3.11 or newer).\n\n"
        "Quokka-2 Pro enters the Full leaderboard at #2 (61.8) and takes #1 on Lite (67.5)."
    )
    chunk = Chunk("c0", "d0", 0, text, 0, len(text), "README.md", "HarborBench", "2026-11-20", "")
    picked = [s.text for s in _sentences([Hit(chunk, 1.0)])]
    assert picked == [
        "Quokka-2 Pro enters the Full leaderboard at #2 (61.8) and takes #1 on Lite (67.5)."
    ]
