"""The app's Feeds section (issue 17) through AppTest, against a feed server on 127.0.0.1:
subscribe, each feed's state, refresh, what a refresh added with "Ask about it", unsubscribe,
hostile titles shown as text, and server paths refused."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from kb.settings import Settings
from kb.store import ChromaStore
from tests.conftest import ROOT
from tests.test_feeds import FeedSite, add_article, rss
from ui.text import WORD_JOINER

APP = str(ROOT / "app.py")


@pytest.fixture
def site():
    s = FeedSite()
    yield s
    s.close()


@pytest.fixture
def feed_env(monkeypatch, fixture_store, tmp_path):
    """A private copy of the fixture store (the app writes to it), private URLs allowed."""
    store = tmp_path / "store"
    shutil.copytree(fixture_store.store_dir, store)
    monkeypatch.setenv("KB_STORE_DIR", str(store))
    monkeypatch.setenv("KB_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("KB_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("KB_FEED_HOST_INTERVAL_S", "0")
    monkeypatch.delenv("KB_CHROMA_URL", raising=False)
    monkeypatch.delenv("KB_USERS_FILE", raising=False)
    return Settings()


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    return at


def markdown_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def subscribe(at: AppTest, url: str) -> AppTest:
    at.text_input(key="feed_url").input(url).run()
    at.button(key="feed_subscribe").click().run()
    assert not at.exception, at.exception
    return at


def test_subscribe_refresh_ask_and_unsubscribe(feed_env, site):
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.xml", rss("Loopback AI Wire", items), "application/rss+xml")
    at = subscribe(start(), site.url("/feed.xml"))

    text = markdown_of(at)
    assert "Loopback AI Wire" in text
    assert "2 new" in text and "last checked never" not in text  # the state is shown
    assert "Article 1: the model story" in text and "Article 2: the launch story" in text
    assert at.sidebar.metric[0].value == "8"  # 6 fixture articles + 2 from the feed

    # The feed gains an item: "Refresh" (this feed) ingests just that one and lists it.
    items.append(add_article(site, 3))
    site.put("/feed.xml", rss("Loopback AI Wire", items), "application/rss+xml")
    at.button(key="feed_refresh_0").click().run()
    text = markdown_of(at)
    assert "1 new, 0 updated, 2 unchanged" in text
    assert "Article 3: the pricing story" in text and "Article 1: the model story" not in text
    assert at.sidebar.metric[0].value == "9"

    # "Ask about it" asks the chat about that article, filtered to it.
    at.button(key="feed_ask_0").click().run()
    assert not at.exception, at.exception
    questions = [m for m in at.chat_message if m.name == "user"]
    assert "Article 3: the pricing story" in questions[-1].text[0].value
    assert at.sidebar.multiselect(key="sources").value == [site.url("/news/3")]
    # Answered or not (these stand-in articles are random words), every source it shows is
    # that article: the cards of an answer, or the nearest sources of an abstention.
    shown = [e.label for e in at.expander if e.label.startswith("\\[")]
    shown += [m.value for m in at.chat_message[-1].markdown if m.value.startswith("- ")]
    assert shown and all("Article 3: the pricing story" in s for s in shown), shown

    at.button(key="feed_unsubscribe_0").click().run()
    assert not at.exception, at.exception
    assert "No subscriptions yet." in markdown_of(at)
    assert at.sidebar.metric[0].value == "9"  # its articles stay
    assert ChromaStore(feed_env).feeds() == {}


def test_a_failing_feed_is_reported_and_not_subscribed(feed_env, site):
    site.statuses["/broken.xml"] = 500
    at = subscribe(start(), site.url("/broken.xml"))
    text = markdown_of(at)
    assert ":red[failed]" in text and "not subscribed" in text
    assert "No subscriptions yet." in text


def test_server_paths_are_refused(feed_env):
    at = subscribe(start(), "/etc/passwd")
    assert "Only http:// or https://" in at.error[0].value
    assert ChromaStore(feed_env).feeds() == {}


def test_hostile_feed_and_article_titles_are_shown_as_text(feed_env, site):
    hostile = "**Bold** [click](http://evil.test) ![px](http://evil.test/p.png) $x^2$"
    item = add_article(site, 4)
    site.put("/evil.xml", rss(hostile, [item]), "application/rss+xml")
    at = subscribe(start(), site.url("/evil.xml"))
    text = markdown_of(at).replace(WORD_JOINER, "")  # the joiner that stops autolinks
    assert "\\*\\*Bold\\*\\* \\[click\\]\\(http://evil\\.test\\)" in text
    assert "![px]" not in text and "[click](" not in text and " $x^2$" not in text
