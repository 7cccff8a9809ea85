"""The app's logic through Streamlit's AppTest: asking, citations, abstention, filters, mode
switch, empty store, errors."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.llm_standin import StandInLLM

APP = str(ROOT / "app.py")


@pytest.fixture
def app_env(monkeypatch, fixture_store):
    monkeypatch.setenv("KB_STORE_DIR", str(fixture_store.store_dir))
    monkeypatch.setenv("KB_CORPUS_DIR", str(fixture_store.corpus_dir))
    monkeypatch.delenv("KB_CHROMA_URL", raising=False)
    return fixture_store


def shown(markdown: str) -> str:
    """What a reader sees of a label we escaped for Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def assistant_markdown(at: AppTest) -> str:
    messages = [m for m in at.chat_message if m.name == "assistant"]
    return "\n".join(md.value for md in messages[-1].markdown)


def test_sidebar_shows_counts_and_dates(app_env):
    at = start()
    assert [m.value for m in at.sidebar.metric] == ["6", "13"] or at.sidebar.metric[0].value == "6"
    assert any("Covers 2026-02-10 to 2026-05-12" in c.value for c in at.sidebar.caption)


def test_answer_has_numbered_source_cards_with_highlight(app_env):
    at = ask(start(), "How much memory does the TX-9 have?")
    text = assistant_markdown(at)
    assert "288 gigabytes" in text and "\\[1\\]" in text
    card = at.expander[0]
    label = shown(card.label)
    assert label.startswith("[1] Tessellate ships TX-9") and "2026-04-05" in label
    assert any("<mark>" in md.value and "288 gigabytes" in md.value for md in card.markdown)
    assert any("As of 2026-04-05" in c.value for c in at.caption)


def test_abstention_is_polite_and_offers_nearest_sources(app_env):
    at = ask(start(), "How much does Lumen-5 cost?")
    assert "The corpus does not say" in at.info[0].value
    assert "Nearest sources" in assistant_markdown(at)


def test_follow_up_uses_the_earlier_question(app_env):
    at = ask(start(), "What is Lumen-4?")
    at = ask(at, "How much does it cost per million input tokens?")
    assert "$2.40" in assistant_markdown(at).replace("\\", "")


def test_source_filter_restricts_citations(app_env):
    at = start()
    at.sidebar.multiselect[0].select("tessellate-chip.htm").run()
    at = ask(at, "Which model ranks first on the OpenJudge Arena?")
    labels = [shown(e.label) for e in at.expander if shown(e.label).startswith("[")]
    assert all("Tessellate" in label for label in labels)


def test_llm_mode_answers_through_the_configured_server_and_falls_back(app_env):
    with StandInLLM() as llm:
        llm.enqueue("The TX-9 carries 288 gigabytes of high-bandwidth memory. [1]")
        at = start()
        at.sidebar.radio[0].set_value("LLM").run()
        at.sidebar.text_input(key="llm_base_url").input(llm.url).run()
        at.sidebar.text_input(key="llm_model").input("standin").run()
        at = ask(at, "How much memory does the TX-9 have?")
        assert llm.requests and "288 gigabytes" in assistant_markdown(at)
        llm.fail_with = 500
        at = ask(at, "How much memory does the TX-9 have?")
        assert any("Answered extractively instead" in w.value for w in at.warning)
        assert "288 gigabytes" in assistant_markdown(at)


def test_export_and_clear(app_env):
    at = ask(start(), "How much memory does the TX-9 have?")
    assert at.button(key="clear") is not None
    at.button(key="clear").click().run()
    assert not [m for m in at.chat_message]


def test_empty_store_shows_the_start_screen(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_STORE_DIR", str(tmp_path / "empty"))
    at = start()
    assert any("knowledge base is empty" in h.value for h in at.subheader)
    assert at.button(key="ingest_corpus").label == "Ingest the starter corpus"


def test_unreachable_server_is_a_readable_error_not_a_trace(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_CHROMA_URL", "http://127.0.0.1:9")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "Cannot reach the Chroma server" in at.error[0].value
    assert "How to fix it" in at.error[0].value


def test_entity_filter_and_timeline(app_env):
    at = start()
    at.sidebar.multiselect(key="entities").select("TX-9").run()
    at = ask(at, "What is the price?")
    labels = [shown(e.label) for e in at.expander if shown(e.label).startswith("[")]
    assert labels and all("Tessellate" in label or "Lumen" in label for label in labels)
    at.sidebar.selectbox(key="timeline_entity").select("Kestrel Video 2.5").run()
    assert not at.exception
    assert at.subheader[0].value == "Kestrel Video 2.5 · model"
    timeline, rankings, market, articles = at.tabs
    assert timeline.label.startswith("Timeline (")
    # its market facts: the launch and the status the articles state
    assert market.label.startswith("Market facts (")
    kinds = set(market.dataframe[0].value["kind"])
    assert {"launch", "status"} <= kinds
    assert any("2026-03-02" in md.value for md in timeline.markdown)
    # ranking history: the chart and its standings, newest first (No. 1 in May 2026)
    assert rankings.label.startswith("Ranking history (")
    assert "No. 1 on OpenJudge Arena" in rankings.markdown[0].value
    assert any("No. 2 on OpenJudge Arena" in md.value for md in rankings.markdown)
    (chart,) = rankings.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["encoding"]["y"]["scale"]["reverse"] is True  # No. 1 at the top
    sources = " ".join(shown(c.value) for c in articles.caption)
    assert "kestrel-video-launch.txt" in sources and "halvard-report.pdf" in sources
    at.button(key="close_entity").click().run()
    assert not at.subheader and at.sidebar.selectbox(key="timeline_entity").value == "(none)"


def test_market_view_tables_filter_and_source_card(app_env):
    at = start()
    at.toggle(key="market_view").set_value(True).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs][:4] == [
        "Funding rounds",
        "Prices",
        "Launches",
        "Status changes",
    ]
    funding = at.dataframe[0].value
    assert list(funding["about"])[0].startswith("Northwind Labs")
    assert funding["amount"].iloc[0] == 1.3e9 and funding["source"].iloc[0].endswith(".md")
    prices = at.dataframe[1].value
    assert set(prices["unit"]) >= {"1M input tokens", "1M output tokens"}
    # each row's source card: the quoted sentence of the article it came from
    quotes = [m.value for m in at.markdown if "kb-quote" in m.value]
    assert any("1.3 billion" in q for q in quotes)
    # the entity filter narrows every table
    at.text_input(key="market-entity").set_value("Lumen-4").run()
    assert not at.exception, at.exception
    assert all("Lumen-4" in about for about in at.dataframe[0].value["about"])


def test_list_answers_show_a_table_of_cited_rows(app_env):
    at = ask(start(), "Which companies raised more than $1 billion?")
    text = assistant_markdown(at)
    assert text.startswith("1 found in the sources")  # the rows are in the table, not twice
    table = at.dataframe[0].value
    assert list(table["cited"]) == ["[1]"]
    assert "Northwind Labs raised $1.3 billion" in table["what"].iloc[0]
    assert shown(at.expander[0].label).startswith("[1] Northwind Labs raises")


# --- links in documents are shown as text (issue 18) ------------------------------------

# what GitHub-flavoured Markdown links by itself: a scheme's "://", "www.", an e-mail address
AUTOLINK = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://|\bwww\.|[\w.+-]@[\w-]+\.")
LINKED_PAGE = """<!doctype html><html><head><title>Zephyr relay ships in August</title>
<meta property="article:published_time" content="2026-06-20"></head><body><article>
<h1>Zephyr relay ships in August</h1>
<p>Corvid Networks said on Monday that its Zephyr relay ships in August, according to the
notes at www.zephyr-relay.example.com and https://zephyr-relay.example.com/notes-v2 that
press@zephyr-relay.example.com sent out.</p>
<p>Corvid Networks said the Zephyr relay links two data centres at 800 gigabits per second
and costs $41,000 per pair. The company said its first customers are regional clouds.</p>
</article></body></html>"""


def test_urls_from_documents_are_text_never_links(app_env, tmp_path, monkeypatch):
    import shutil

    from tests.test_feeds import FeedSite
    from ui.text import WORD_JOINER, md_escape

    for text in ("https://a.example/x", "www.a.example", "bob@a.example", "ftp://a.example"):
        assert not AUTOLINK.search(shown(md_escape(text)))
        assert shown(md_escape(text)).replace(WORD_JOINER, "") == text  # reads the same
    store = tmp_path / "store"
    shutil.copytree(app_env.store_dir, store)
    monkeypatch.setenv("KB_STORE_DIR", str(store))
    monkeypatch.setenv("KB_ALLOW_PRIVATE_URLS", "1")
    site = FeedSite()
    try:
        site.put("/zephyr", LINKED_PAGE)
        url = site.url("/zephyr")
        at = start()
        at.text_input(key="url").input(url).run()
        at.button(key="add_url").click().run()
        assert not at.exception, at.exception
    finally:
        site.close()
    at = ask(at, "When does the Zephyr relay ship?")
    assert any(url in shown(c.value).replace(WORD_JOINER, "") for c in at.caption)  # the card
    shown_text = [
        *(m.value for m in at.markdown if "kb-" not in m.value),  # not our own HTML blocks
        *(c.value for c in at.caption),
        *(e.label for e in at.expander),
    ]
    assert any(url in shown(t).replace(WORD_JOINER, "") for t in shown_text)  # the results
    assert any("zephyr-relay.example.com" in shown(t) for t in shown_text), shown_text
    for t in shown_text:
        assert not AUTOLINK.search(shown(t)), t
        assert "](" not in t and "<a " not in t
