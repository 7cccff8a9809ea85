"""Questions answered from an article's table: the best entry by the table's own score, two
entries side by side on the columns asked, a review site's star ratings."""

from __future__ import annotations

import pytest
from conftest import kb_of_articles

from kb.tablerows import cell_number

RESULTS = """---
title: "FenBench: evaluating models on freight invoices"
date: 2026-10-14
source: arXiv preprint
---

## Results

**Table 2.** FenBench results (n = 800). Best in **bold**.

| Model | Vendor | Pass@1 (%) | Cost per 1k tasks (USD) | Median latency (s) |
|---|---|---|---|---|
| Alder-3 | Quenby AI | **74.2** | 19.40 | 20.1 |
| Brisk 2 | Holloway Labs | 69.0 | 11.20 | 14.0 |
| Alder-3 Mini | Quenby AI | 57.5 | **2.90** | **6.1** |
| *Human clerks (100-task subset)* | – | *92.4* | – | – |

Alder-3 leads overall. Alder-3 Mini is the cheapest to run.
"""

REVIEWS = """<html><head><title>Best AI note takers, tested (2026) | Plumline Reviews</title>
<meta name="date" content="2026-09-02"></head><body>
<h1>Best AI note takers, tested</h1>
<p>We used every tool for two weeks on real meetings.</p>
<table>
<tr><th>#</th><th>Tool</th><th>Our rating</th><th>Free tier</th><th>Error rate (our test)</th></tr>
<tr><td>1</td><td>Quillet</td><td>★★★★★ 4.8/5</td><td>100 minutes/month</td><td>4.1%</td></tr>
<tr><td>2</td><td>Murmur Notes</td><td>★★★★☆ 4.3/5</td><td>3 meetings/month</td><td>5.2%</td></tr>
<tr><td>3</td><td>Tallis</td><td>★★★★☆ 3.9/5</td><td>300 minutes/month</td><td>8.8%</td></tr>
</table>
<p>Quillet is our pick for most teams.</p>
</body></html>
"""


LAPTOPS = """Three AI laptops, two weeks of our test
Published: 2026-10-18
We ran our battery test on three AI laptops. The Corvane Book Air 13 lasted 19 hours 10
minutes, the Glenmere Solstice 14 got 17 hours 40 minutes and the Rookwood Zephyr 16 only 11
hours 5 minutes.
"""


MOVERS = """---
title: "AI MOVERS: Brisk jumps on a contract, Quarrel sinks on a guidance cut"
date: 2026-09-29
source: Tickerlane Wire
---
Shares of listed AI companies moved sharply on Tuesday.

| Company | Ticker | Move | Close |
|---|---|---|---|
| Brisk Cloud | BRSK | +14.2% | $27.90 |
| Tamber Systems | TMBR | +4.1% | $112.37 |
| Holloway Software | HLWY | -9.3% | $41.08 |
| Quarrel Semiconductor | QRLS | -12.6% | $88.40 |
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory, real_embedder):  # noqa: ANN201
    return kb_of_articles(
        tmp_path_factory.mktemp("tables"),
        real_embedder,
        {
            "fenbench-preprint-2026.md": RESULTS,
            "plumline-note-takers-2026.html": REVIEWS,
            "laptops-battery-test-2026.txt": LAPTOPS,
            "ai-movers-sep-29-2026.md": MOVERS,
        },
    )


def test_a_review_sites_stars_read_as_the_score_they_draw():
    assert cell_number("★★★★☆ 4.3/5") == 4.3
    assert cell_number("~~4.2/5~~") is None  # struck through: no longer the tool's


def test_best_on_a_benchmark_is_its_top_score_and_a_baseline_row_never_wins(kb):
    answer = kb.ask("best model on fenbench")
    first = answer.text.splitlines()[1]
    assert "Alder-3" in first and "74.2" in first, answer.text
    assert "Human" not in answer.text


def test_highest_rated_reads_the_rating_column_of_a_ranked_table(kb):
    answer = kb.ask("highest rated ai note taker on plumline")
    first = answer.text.splitlines()[1]
    assert "Quillet" in first and "4.8" in first, answer.text


def test_the_best_error_rate_is_the_lowest(kb):
    answer = kb.ask("which note taker has the best error rate")
    assert "Quillet" in answer.text.splitlines()[1], answer.text


def test_a_model_and_its_mini_side_by_side_on_the_columns_asked(kb):
    answer = kb.ask("alder-3 vs alder-3 mini pass rate and cost per 1k tasks")
    for figure in ("74.2", "19.40", "57.5", "2.90"):
        assert figure in answer.text, answer.text
    assert answer.citations


def test_a_table_row_is_named_by_its_tool_not_its_rank(kb):
    rows = [f for f in kb.facts() if f.kind == "row" and "plumline" in f.chunk.source]
    assert {r.fields["name"] for r in rows} == {"Quillet", "Murmur Notes", "Tallis"}


def test_who_makes_a_model_is_read_from_the_tables_vendor_column(kb):
    answer = kb.ask("who makes brisk 2")
    assert "Holloway Labs" in answer.text and not answer.abstained, answer.text


def test_a_superlative_is_not_ranked_in_a_table_of_another_article(kb):
    # the note takers' table shares "test" with the question; the laptops article answers
    answer = kb.ask("which ai laptop lasted longest on battery in the test")
    assert "Error rate" not in answer.text, answer.text
    assert {c.chunk.source for c in answer.citations} == {"laptops-battery-test-2026.txt"}


def test_the_biggest_decliner_is_read_from_a_movers_tables_move_column(kb):
    answer = kb.ask("biggest decliner among ai stocks on sep 29")
    first = (answer.text.splitlines() + [""])[1]
    assert "Quarrel Semiconductor" in first and "-12.6%" in first, answer.text
    gainer = kb.ask("top gainer among ai stocks on sep 29")
    assert "Brisk Cloud" in (gainer.text.splitlines() + [""])[1], gainer.text


FUNDING_HISTORY = """<html><head><title>Tarnwick Labs - Wikipedia</title>
<meta name="date" content="2026-11-02"></head><body><main><h1>Tarnwick Labs</h1>
<p>Tarnwick Labs is a Scottish company that builds speech models for call centres.</p>
<h2>Funding</h2>
<table>
<tr><th>Date</th><th>Round</th><th>Amount</th><th>Lead investor</th><th>Other investors</th></tr>
<tr><td>March 2024</td><td>Seed</td><td>$6 million</td><td>Corrie Ventures</td>
<td>Ashwell Angels</td></tr>
<tr><td>October 2026</td><td>Series A</td><td>$40 million</td><td>Brindle Capital</td>
<td>Saltire Growth; Kinloss Capital</td></tr>
</table></main></body></html>
"""


def test_a_tables_row_of_column_names_is_never_the_answer(tmp_path, real_embedder):
    from kb.answer.extractive import _column_names

    assert _column_names("Date | Round | Amount | Lead investor | Other investors")
    assert not _column_names("Founders | Ada Lund; Bo Berg")  # two cells: a fact
    assert not _column_names("October 2026 | Series A | $40 million | Brindle Capital")
    kb = kb_of_articles(tmp_path, real_embedder, {"tarnwick.html": FUNDING_HISTORY})
    for question in ("tarnwick lead investor", "what are tarnwick's other investors"):
        answer = kb.ask(question)
        assert "Lead investor |" not in answer.text, answer.text
        assert "Corrie Ventures" in answer.text or "Brindle Capital" in answer.text
