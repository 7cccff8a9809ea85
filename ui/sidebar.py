"""The sidebar: corpus counts, adding articles, filters, the entity page picker, the mode."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kb.engine import KnowledgeBase
from kb.errors import KBError
from kb.explore import Stats
from kb.filters import Filters
from kb.users import User
from ui.audit_view import audit_log, note
from ui.feeds_view import feeds_section
from ui.ingest_view import add_articles
from ui.remove_view import remove_section
from ui.resources import base_settings, llm_answerer
from ui.text import md_escape

NO_PAGE = "(none)"


def corpus(kb: KnowledgeBase, user: User) -> Filters:
    """Counts, the "Add articles" box (for roles that may add), "Remove a document" (admins)
    and the filters; returns the filters chosen."""
    st.sidebar.header("Corpus")
    counts = st.sidebar.container()  # filled after any upload below, so counts are current
    if user.can("add_documents"):
        with st.sidebar.expander("Add articles", expanded=False):
            add_articles(user)
            st.divider()
            feeds_section(user)
    remove_section(kb, user)  # before the counts: they include a removal
    audit_log(user)
    stats = kb.stats()
    show_counts(counts, stats)

    st.sidebar.header("Filters")
    titles = {s.source: s.title for s in stats.sources}
    lo = date.fromisoformat(stats.date_range[0]) if stats.date_range else date(2023, 1, 1)
    hi = date.fromisoformat(stats.date_range[1]) if stats.date_range else date.today()
    since = until = None
    if st.sidebar.checkbox("Limit by publication date", key="use_dates"):
        picked = st.sidebar.date_input("Published between", value=(lo, hi), key="dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            since, until = picked[0].isoformat(), picked[1].isoformat()
    chosen = st.sidebar.multiselect(
        "Only these sources",
        list(titles),
        key="sources",
        format_func=lambda s: f"{titles.get(s, s)[:60]} ({s})",
    )
    names = [e.name for e in kb.entities()]
    about = st.sidebar.multiselect(
        "Only passages about",
        names,
        key="entities",
        help="Vendors, models and leaderboards recognised in the articles",
    )
    st.sidebar.header("Explore")
    st.sidebar.selectbox(
        "Page of",
        [NO_PAGE, *names],
        key="timeline_entity",
        help="One vendor, model or leaderboard: its timeline, its ranking history and the "
        "articles that mention it",
    )
    return Filters(since=since, until=until, sources=tuple(chosen), entities=tuple(about))


def show_counts(box: st.delta_generator.DeltaGenerator, stats: Stats) -> None:
    cols = box.columns(2)
    cols[0].metric("Documents", stats.documents)
    cols[1].metric("Chunks", stats.chunks)
    if stats.date_range:
        box.caption(f"Covers {stats.date_range[0]} to {stats.date_range[1]}")
    if stats.last_ingest:
        box.caption(f"Last ingest: {stats.last_ingest.replace('T', ' ')}")


def answer_mode(user: User) -> str:
    """The mode radio and, in LLM mode, the chat model's settings: admins may change them for
    their session; everyone else uses the operator's (KB_LLM_*), which are not shown."""
    st.sidebar.header("Answer mode")
    mode = st.sidebar.radio(
        "Mode",
        ["Extractive (offline)", "LLM"],
        key="mode",
        help="Extractive quotes the sources and needs no model. LLM writes the answer with a "
        "chat model you run (Ollama or any OpenAI-compatible server).",
    )
    if not user.can("change_llm_settings"):
        # The server's own check: whatever this session held, it uses the operator's model.
        st.session_state.llm = {"enabled": mode == "LLM", "provider": "", "base_url": "",
                                "model": "", "api_key": ""}  # fmt: skip
        if mode == "LLM":
            model = base_settings().llm_model
            st.sidebar.caption(
                md_escape(f"Model: {model}, set up by the operator.")
                if model
                else "No LLM is set up; an admin or the operator can set one."
            )
        return "llm" if mode == "LLM" else "extractive"
    llm = st.session_state.llm
    llm["enabled"] = mode == "LLM"
    if not llm["enabled"]:
        return "extractive"
    llm_settings(user, llm)
    return "llm"


def llm_settings(user: User, llm: dict[str, str]) -> None:
    """Provider, base URL, model and key for this session (admins only). A typed key is moved
    into the server-side session and the field emptied: it is never sent back to the page;
    the operator's key is never put in a field at all."""
    defaults = base_settings()
    llm["provider"] = st.sidebar.selectbox(
        "Provider",
        ["ollama", "openai"],
        key="llm_provider",
        index=0 if defaults.llm_provider == "ollama" else 1,
        format_func=lambda p: "Ollama" if p == "ollama" else "OpenAI-compatible",
    )
    llm["base_url"] = st.sidebar.text_input(
        "Base URL",
        value=defaults.llm_base_url or "",
        key="llm_base_url",
        placeholder="http://localhost:11434"
        if llm["provider"] == "ollama"
        else "http://localhost:8000/v1",
    )
    llm["model"] = st.sidebar.text_input(
        "Model", value=defaults.llm_model or "", key="llm_model", placeholder="llama3.1"
    )
    st.sidebar.text_input(
        "API key (kept in this session only)",
        type="password",
        key="llm_key",
        on_change=_take_key,
        help="Blank: the operator's key (KB_LLM_API_KEY) is used, and only with the "
        "operator's base URL.",
    )
    if llm["api_key"]:
        st.sidebar.caption("A key is set for this session (not shown).")
        if st.sidebar.button("Forget the key", key="llm_forget_key"):
            llm["api_key"] = ""
            st.rerun()
    elif defaults.llm_api_key and (llm["base_url"] or None) == defaults.llm_base_url:
        st.sidebar.caption("Using the operator's key (not shown).")
    after = (llm["provider"], llm["base_url"], llm["model"], bool(llm["api_key"]))
    audited = st.session_state.setdefault("llm_audited", after)  # the defaults: no entry
    if after != audited:
        st.session_state.llm_audited = after
        note(
            user,
            "change_llm_settings",
            llm["base_url"] or "(operator's base URL)",
            f"provider {after[0]}, model {after[2] or '(operator default)'}, "
            f"session key {'set' if after[3] else 'not set'}",
        )
    if st.sidebar.button("Test connection", key="llm_test"):
        try:
            reply = llm_answerer(llm).ping()
            st.sidebar.success(f"Connected: the model replied “{md_escape(reply[:60])}”.")
        except KBError as exc:
            st.sidebar.error(f"{exc.message} {exc.hint}")


def _take_key() -> None:
    """Move a typed key out of the widget into this session's settings, and empty the field."""
    state = st.session_state
    key = state.get("llm_key", "").strip()
    if key:
        state.llm["api_key"] = key
    state.llm_key = ""
