"""Ranking facts from prose and PDF tables, rank-history and leader answers, `kb rankings`."""

from __future__ import annotations

import json
import subprocess

import numpy as np

from kb.answer.base import Prepared
from kb.answer.rankings import RankingAnswerer
from kb.dates import stated_date
from kb.query import parse_question
from kb.rankings import extract_rankings
from kb.types import Answer, Chunk
from tests.conftest import run_kb


def chunk(text: str, title: str = "A report", published: str = "2026-03-20") -> Chunk:
    return Chunk("c0", "d0", 0, text, 0, len(text), "report.md", title, published=published)


def facts_of(text: str, title: str = "A report", published: str = "2026-03-20"):
    return [
        (f.model, f.rank, f.date, f.leaderboard, f.category, f.score)
        for f in extract_rankings([chunk(text, title, published)])
    ]


def test_prose_places_pronouns_dates_and_scores():
    text = (
        "Northwind Labs' Lumen-4 has taken first place on the OpenJudge Arena text leaderboard, "
        "displacing Halvard Atlas 1.5, which had held the top spot since December.\n"
        "Halvard Atlas 1.5 fell to second place with 1,388 points.\n"
        "Kestrel Video 2.0 first appeared in late January. It went straight to No. 3 on the "
        "video board.\n"
        "The previous version, Reel-3, had peaked at ninth place in the same arena last autumn."
    )
    assert facts_of(text) == [
        ("Lumen-4", 1, "2026-03-20", "OpenJudge Arena", "text", None),
        ("Halvard Atlas 1.5", 2, "2026-03-20", "OpenJudge Arena", "text", 1388.0),
        ("Kestrel Video 2.0", 3, "2026-01", "OpenJudge Arena", "video", None),
        ("Reel-3", 9, "2025", "OpenJudge Arena", "video", None),
    ]


def test_no_fact_without_a_leaderboard_a_model_or_a_clear_place():
    assert facts_of("Lumen-4 leads the market for legal assistants.") == []
    assert facts_of("Lumen-4 and Kestrel Video 2.5 traded places at the top of LMArena.") == []
    assert facts_of("OpenAI held the top spot on LMArena until the spring.") == []  # no model
    assert facts_of("Lumen-4 did not reach first place on LMArena.") == []


def test_table_rows_take_the_caption_board_and_date():
    text = (
        "OpenJudge Arena video leaderboard, May 2026\n"
        "Rank: 1 | Model: Kestrel Video 2.5 | Vendor: Corvid Systems | Score: 1,297\n"
        "Rank: 2 | Model: Vistaframe | Vendor: Northwind Labs | Score: 1,284\n"
        "Model: Lumen-4 | Input price: $3 | Output price: $12"
    )
    assert facts_of(text) == [
        ("Kestrel Video 2.5", 1, "2026-05", "OpenJudge Arena", "video", 1297.0),
        ("Vistaframe", 2, "2026-05", "OpenJudge Arena", "video", 1284.0),
    ]


def test_stated_dates_at_their_precision():
    assert stated_date("As of April 10, 2025, X leads", None) == "2025-04-10"
    assert stated_date("in May 2024", None) == "2024-05"
    assert stated_date("since December", "2026-03-20") == "2025-12"
    assert stated_date("in early April", "2026-05-04") == "2026-04"
    assert stated_date("no date here", "2026-05-04") is None


def test_rank_history_answer_leads_with_newest_and_cites_each(fixture_kb):
    answer = fixture_kb.ask("How did Kestrel Video 2.5's rank on the OpenJudge Arena change?")
    assert not answer.abstained
    first = answer.text.split("\n")[0]
    assert first.startswith("On OpenJudge Arena")
    assert "As of May 2026, Kestrel Video 2.5 is No. 1 [1]" in first
    assert "was No. 2 [" in first
    assert first.index("No. 1") < first.index("No. 2")
    cited = {c.chunk.source for c in answer.citations}
    assert {"halvard-report.pdf", "kestrel-video-launch.txt"} <= cited
    assert all(c.sentence in c.chunk.text or c.sentence == c.chunk.title for c in answer.citations)


def test_leader_now_says_what_it_replaced(fixture_kb):
    answer = fixture_kb.ask("Who leads the OpenJudge Arena video board now?")
    assert answer.text.startswith("As of May 2026, Kestrel Video 2.5 leads OpenJudge Arena")
    text = fixture_kb.ask("Who leads the OpenJudge Arena text leaderboard now?").text
    assert "Lumen-4 leads OpenJudge Arena (text) [1]" in text


def test_ordinary_questions_do_not_take_the_ranking_path(fixture_kb):
    answer = fixture_kb.ask("How much does Lumen-4 cost per million output tokens?")
    assert "leads" not in answer.text and "No. 1" not in answer.text


def test_rankings_command_on_the_corpus(corpus_store):
    def kb(*args: str) -> subprocess.CompletedProcess:
        return run_kb(corpus_store, *args)

    data = json.loads(kb("rankings", "--leaderboard", "Chatbot Arena", "--json").stdout)
    leaders = [(r["date"], r["model"]) for r in data["rankings"] if r["rank"] == 1]
    assert ("2024-05", "GPT-4o") in leaders and ("2023", "GPT-4") in leaders
    assert [d for d, _ in leaders] == sorted((d for d, _ in leaders), reverse=True)
    assert set(data["rankings"][0]) >= {"leaderboard", "model", "rank", "date", "source", "text"}
    answer = json.loads(kb("ask", "Who led the Chatbot Arena in May 2024?", "--json").stdout)
    assert answer["answer"].startswith("In May 2024, GPT-4o led LMArena")
    assert answer["citations"][0]["source"] == "chatbot-arena-leaders-2023-2025.pdf"
    # a status that changed: the answer first, the newest event, then what it replaced
    status = json.loads(kb("ask", "Is Sora still available?", "--json").stdout)
    first, second, third = status["answer"].split("\n")[:3]
    assert first.startswith("No. As of 2026-05-04, Sora: discontinued")
    assert second.startswith("- 2026-05-04: OpenAI has discontinued Sora")
    assert third.startswith("- 2024-12-10:") and "launched" in third
    assert [c["published"] for c in status["citations"]][:2] == ["2026-05-04", "2024-12-10"]
    missing = kb("rankings", "Lumen-4")
    assert missing.returncode == 2 and "python -m kb rankings" in missing.stderr


def ranking_answer(question: str, facts: list) -> Answer | None:
    """The ranking answerer alone, on a question prepared without retrieval."""
    prepared = Prepared(
        asked=question,
        question=parse_question(question),
        hits=(),
        vector=np.zeros(384, dtype=np.float32),
        ranking_facts=lambda: facts,
    )
    return RankingAnswerer().answer(prepared, lambda texts: np.zeros((len(texts), 384)))


def test_a_leader_later_seen_lower_is_not_called_the_leader():
    older = Chunk(
        "a",
        "da",
        0,
        "Lumen-4 took first place on the OpenJudge Arena.",
        0,
        48,
        "a.md",
        "A",
        published="2026-04-10",
    )
    newer_text = "Lumen-4 fell to No. 3 on the OpenJudge Arena after the update."
    newer = Chunk("b", "db", 0, newer_text, 0, len(newer_text), "b.md", "B", published="2026-05-04")
    facts = extract_rankings([older]) + extract_rankings([newer])
    answer = ranking_answer("Who leads the OpenJudge Arena now?", facts)
    assert answer is not None
    assert "Lumen-4 led OpenJudge Arena [1]" in answer.text
    assert "on 2026-05-04 Lumen-4 was No. 3 [2]" in answer.text
    assert "do not say which model took the top place" in answer.text


def test_facts_are_kept_at_ingest_and_older_records_still_answer(settings, real_embedder, articles):
    from dataclasses import replace

    from ingest.pipeline import Ingestor
    from kb.engine import KnowledgeBase
    from kb.store import ChromaStore

    Ingestor(settings, real_embedder).run([str(articles)])
    store = ChromaStore(settings)
    records = {r.source: r for r in store.documents().values()}
    stored = json.loads(records["halvard-report.pdf"].rankings)
    assert {(f["model"], f["rank"]) for f in stored} >= {
        ("Kestrel Video 2.5", 1),
        ("Vistaframe", 2),
    }
    assert json.loads(records["northwind-funding.md"].rankings) == []

    def ask() -> str:
        kb = KnowledgeBase(settings, real_embedder)
        answer = kb.ask("How did Kestrel Video 2.5's rank on the OpenJudge Arena change?")
        assert all(c.chunk.text and c.sentence for c in answer.citations)  # real passages
        return answer.text

    from_registry = ask()
    # a record written before facts were kept at ingest has none: they come from its chunks
    store.put_document(replace(records["halvard-report.pdf"], rankings=""))
    assert ask() == from_registry


def test_qualified_leader_questions_are_left_to_the_extractive_answer():
    text = "Lumen-4 took first place on the OpenJudge Arena."
    facts = extract_rankings([Chunk("a", "d", 0, text, 0, len(text), "a.md", "A", "2026-04-10")])
    assert ranking_answer("Who leads the OpenJudge Arena?", facts) is not None
    for question in (
        "Which model was the first non-Northwind No. 1 on the OpenJudge Arena?",
        "When did Lumen-4 first lead the OpenJudge Arena?",
        "Which model led the OpenJudge Arena the longest?",
    ):
        assert ranking_answer(question, facts) is None, question


def test_filters_apply_to_ranking_answers(fixture_kb):
    from kb.filters import Filters

    everything = fixture_kb.ask("Who leads the OpenJudge Arena now?")
    assert "Kestrel Video 2.5 leads" in everything.text
    march = fixture_kb.ask(
        "Who leads the OpenJudge Arena now?",
        filters=Filters(sources=("openjudge-arena-march.html",)),
    )
    assert "Lumen-4 leads" in march.text
    assert {c.chunk.source for c in march.citations} == {"openjudge-arena-march.html"}
    before_may = fixture_kb.ask(
        "How did Kestrel Video 2.5's rank change?", filters=Filters(until="2026-04-30")
    )
    assert all(c.chunk.published <= "2026-04-30" for c in before_may.citations)
    assert "No. 2" in before_may.text


def test_an_unseen_board_and_unseen_models_by_how_the_text_names_them():
    text = (
        "In this week's update of RungList, the independent coding leaderboard, Brennick "
        "Code 3 climbed from No. 4 to No. 1 with 1,412 points. Ostra 2 entered at No. 2. "
        "Tavi Coder 2 from Tavi AI, the leader since July, fell to No. 3."
    )
    found = [(m, r, d, b) for m, r, d, b, _, _ in facts_of(text, published="2026-10-16")]
    assert found == [
        ("Brennick Code 3", 1, "2026-10-16", "RungList"),  # where it went, not where from
        ("Ostra 2", 2, "2026-10-16", "RungList"),
        ("Tavi Coder 2", 3, "2026-10-16", "RungList"),  # "since July" is an aside
    ]


def test_top_n_lists_the_boards_newest_places_in_order():
    from kb.answer.rankings import leader_answer

    text = (
        "On RungList, the independent coding leaderboard, Brennick Code 3 rose to No. 1. "
        "Ostra 2 entered at No. 2. Tavi Coder 2 fell to No. 3."
    )
    facts = extract_rankings([chunk(text, published="2026-10-16")])
    answer = leader_answer(parse_question("runglist top 3 this week"), facts, "RungList")
    assert answer is not None
    assert answer.text.startswith(
        "As of 2026-10-16, the top 3 on RungList: No. 1 Brennick Code 3 [1]; No. 2 Ostra 2"
    )
    one = leader_answer(parse_question("Who leads RungList?"), facts, "RungList")
    assert one is not None and "Brennick Code 3 leads RungList" in one.text


def test_a_readmes_ranked_tables_each_under_its_caption():
    """A benchmark README's Markdown tables: a header line, then rows that say their columns
    only through it; each table's caption ("Lite (120 tasks)") names its board; "the Full
    leaderboard" is one of those boards, not a leaderboard's name; a badge is no name."""
    from kb.answer.rankings import leader_answer
    from kb.query import shape_of

    text = (
        "Quokka-2 enters the Full leaderboard at #2 (61.8) and takes #1 on Lite (67.5).\n\n"
        "Full (412 tasks)\n\n"
        "Rank | Model / agent | Organisation | Overall | Submitted\n\n"
        "1 | Keelwort-3 Agent | Amberlyn Labs | 63.4 | 2026-10-02\n\n"
        "2 | Quokka-2 Pro 🆕 | Orvane | 61.8 | 2026-11-14\n\n"
        "Lite (120 tasks)\n\n"
        "Rank | Model / agent | Organisation | Overall | Submitted\n\n"
        "1 | Quokka-2 Pro 🆕 | Orvane | 67.5 | 2026-11-14\n\n"
        "2 | Keelwort-3 Agent | Amberlyn Labs | 66.0 | 2026-10-02\n"
    )
    tagged = Chunk(
        "c0",
        "d0",
        0,
        text,
        0,
        len(text),
        "README.md",
        "HarborBench",
        "2026-11-20",
        entities=("leaderboard:HarborBench",),
    )
    facts = extract_rankings([tagged])
    rows = [(f.leaderboard, f.category, f.rank, f.model, f.vendor, f.score) for f in facts]
    assert ("HarborBench", "full", 1, "Keelwort-3 Agent", "Amberlyn Labs", 63.4) in rows
    assert ("HarborBench", "lite", 1, "Quokka-2 Pro", "Orvane", 67.5) in rows
    assert all(f.leaderboard == "HarborBench" for f in facts)
    assert shape_of("top model on harborbench lite", _board("HarborBench")) == "leader"
    answer = leader_answer(parse_question("top model on harborbench lite"), facts, "HarborBench")
    assert answer is not None
    assert answer.text == "As of 2026-11-20, Quokka-2 Pro leads HarborBench (lite) with 67.5 [1]."


def _board(name: str):
    from kb.entities import Entity

    return [Entity(name=name, kind="leaderboard", maker="")]
