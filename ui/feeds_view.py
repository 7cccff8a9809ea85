"""The "Feeds" part of "Add articles": subscribe by URL, each feed's state, refresh one or all,
unsubscribe, and what the last refresh added, each article with a button that asks about it.

Feed and article titles come from the publisher and are shown through ui.text (never as
markup). Fetching follows the policy of every URL fetch (ingest/http.py)."""

from __future__ import annotations

import streamlit as st

from ingest.feeds import Feed, FeedRefresh, list_feeds, refresh, subscribe, unsubscribe
from ingest.loaders.url import is_url
from ingest.pipeline import FileResult
from kb.errors import KBError
from kb.users import User
from ui.audit_view import note
from ui.ingest_view import progress_bar, show_error
from ui.resources import base_settings, embedder, engine
from ui.text import md_escape

_STATUS = {
    "ok": ":green[ok]",
    "not-modified": ":gray[nothing new]",
    "failed": ":red[failed]",
    "stopped": ":orange[stopped]",
}


def ask_about(source: str, title: str) -> None:
    """Queue a question about one article for the chat, with the source filter set to it
    (a button callback: it runs before the next rerun draws the filter)."""
    state = st.session_state
    state["sources"] = [source]
    state["queued_question"] = f"What does the article “{title[:200]}” report?"


def queued_question() -> str | None:
    """The question an "Ask about it" button queued, once."""
    return st.session_state.pop("queued_question", None)


def feeds_section(user: User) -> None:
    """The Feeds controls and the results of the last subscribe or refresh (for the roles
    that may manage feeds; the handlers below run only from these controls)."""
    if not user.can("manage_feeds"):
        return
    st.markdown("**Feeds**")
    url = st.text_input(
        "Feed URL (RSS, Atom or JSON Feed)",
        placeholder="https://example.com/feed.xml",
        key="feed_url",
    ).strip()
    if st.button("Subscribe", key="feed_subscribe", disabled=not url):
        if is_url(url):
            _subscribe(url, user)
        else:  # server paths are never fetched from the browser
            st.error("Only http:// or https:// feed addresses can be subscribed to.")
    feeds = list_feeds(base_settings())
    for i, feed in enumerate(feeds):
        _feed_row(i, feed, user)
    if len(feeds) > 1 and st.button("Refresh all", key="feed_refresh_all"):
        _refresh(None, user)
    if not feeds:
        st.caption("No subscriptions yet.")
    results = st.session_state.get("feed_results")
    if results:
        show_feed_results(results)


def _feed_row(i: int, feed: Feed, user: User) -> None:
    st.markdown(f"**{md_escape(feed.title or feed.url)}**")
    state = [f"last checked {_when(feed.last_checked)}"]
    state.append(f"last new item {_when(feed.last_new_item)}")
    state.append(f"{feed.items_seen} items")
    st.caption(md_escape(f"{feed.url} · " + " · ".join(state)))
    if feed.last_error:
        st.caption(":red[Last error:] " + md_escape(feed.last_error))
    cols = st.columns(2)
    if cols[0].button("Refresh", key=f"feed_refresh_{i}"):
        _refresh([feed.url], user)
    if cols[1].button("Unsubscribe", key=f"feed_unsubscribe_{i}"):
        try:
            unsubscribe(base_settings(), feed.url)
        except KBError as exc:
            show_error(exc)
            return
        note(user, "remove_feed", feed.url, feed.title)
        st.session_state.feed_results = None
        st.rerun()


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("+00:00", " UTC") if iso else "never"


def _waiting() -> None:
    st.info("Another refresh is running; this one starts when it ends.")


def _subscribe(url: str, user: User) -> None:
    bar, progress = progress_bar("Subscribing")
    try:
        result = subscribe(base_settings(), embedder(), url, progress, on_wait=_waiting)
    except KBError as exc:
        show_error(exc)
        return
    finally:
        bar.empty()
    if not result.error.startswith("not subscribed"):
        note(user, "add_feed", result.url, f"{result.status}: {result.new} new")
        _note_articles(result, user)
    _finish([result])


def _refresh(urls: list[str] | None, user: User) -> None:
    bar, progress = progress_bar("Refreshing")
    try:
        results = refresh(base_settings(), embedder(), urls, progress, on_wait=_waiting)
    except KBError as exc:
        show_error(exc)
        return
    finally:
        bar.empty()
    for result in results:
        note(user, "refresh_feed", result.url, f"{result.status}: {result.new} new")
        _note_articles(result, user)
    _finish(results)


def _note_articles(result: FeedRefresh, user: User) -> None:
    for f in result.added:
        action = "add_document" if f.status == "added" else "update_document"
        note(user, action, f.source, f"feed {result.url}: {f.title}")


def _finish(results: list[FeedRefresh]) -> None:
    engine().refresh(force=True)
    st.session_state.feed_results = results
    st.rerun()  # the list above shows the new state


def show_feed_results(results: list[FeedRefresh]) -> None:
    """Per feed: what happened; then every article added, with a button that asks about it."""
    st.markdown("**Last refresh**")
    for r in results:
        line = (
            f"{md_escape(r.title or r.url)}: {_STATUS.get(r.status, md_escape(r.status))} · "
            f"{r.new} new, {r.updated} updated, {r.unchanged} unchanged"
        )
        if r.failed:
            line += f", {r.failed} failed"
        if r.deferred:
            line += f", {r.deferred} left for the next refresh"
        st.markdown(line)
        if r.error:
            st.caption(md_escape(r.error + (f" {r.hint}" if r.hint else "")))
        for f in r.files:
            if f.status == "failed":
                st.caption(md_escape(f"{f.source}: {f.error}"))
    added = [f for r in results for f in r.added]
    if added:
        st.markdown("**Added articles**")
    for n, f in enumerate(added):
        _added_row(n, f)


def _added_row(n: int, f: FileResult) -> None:
    st.markdown(f"{md_escape(f.title or f.source)} · {f.status}")
    st.caption(md_escape(f.source))
    st.button(
        "Ask about it",
        key=f"feed_ask_{n}",
        on_click=ask_about,
        args=(f.source, f.title or f.source),
        help="Ask the chat what this article reports (filters the sources to it)",
    )
