"""Streamlit chat over the AI-market knowledge base: ask, check the sources, add articles.

Page wiring only: the parts live in ui/ (one job per module), the work in kb and ingest.
The engine is built once per process and shared by every session and every answer mode.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import streamlit as st  # noqa: E402

from kb.engine import KnowledgeBase  # noqa: E402
from kb.errors import KBError  # noqa: E402
from kb.filters import Filters  # noqa: E402
from kb.types import Answer  # noqa: E402
from kb.users import User  # noqa: E402
from ui import sidebar, signin  # noqa: E402
from ui.answer_view import STYLE, render_answer  # noqa: E402
from ui.entity_page import render_entity_page  # noqa: E402
from ui.export import conversation_markdown  # noqa: E402
from ui.feeds_view import queued_question  # noqa: E402
from ui.ingest_view import ingest_paths, show_error, show_ingest_results  # noqa: E402
from ui.market_view import render_market  # noqa: E402
from ui.resources import base_settings, engine, llm_answerer  # noqa: E402
from ui.text import md_escape  # noqa: E402

st.set_page_config(page_title="AI-market knowledge base", page_icon="📚", layout="wide")
user = signin.current_user()  # stops here: exposed with no users, or not signed in yet

state = st.session_state
state.setdefault("messages", [])  # {"role", "content", "answer": Answer | None}
state.setdefault("ingest_results", None)
state.setdefault(
    "llm", {"enabled": False, "provider": "ollama", "base_url": "", "model": "", "api_key": ""}
)


def ask(question: str, mode: str, filters: Filters) -> None:
    """Answer one chat question (streamed in LLM mode) and keep it in the conversation."""
    kb = engine()
    history = [m["content"] for m in state.messages if m["role"] == "user"][-3:]
    state.messages.append({"role": "user", "content": question, "answer": None})
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        try:
            if mode == "llm":
                final: list[Answer] = []

                def pieces():  # noqa: ANN202 - a generator for st.write_stream
                    stream = kb.ask_stream(
                        question, history=history, filters=filters, answerer=llm_answerer(state.llm)
                    )
                    for piece in stream:
                        if isinstance(piece, str):
                            yield md_escape(piece)
                        else:
                            final.append(piece)

                placeholder = st.empty()
                with placeholder.container():
                    st.write_stream(pieces())
                placeholder.empty()
                answer = final[-1]
            else:
                with st.spinner("Searching the corpus..."):
                    answer = kb.ask(question, history=history, filters=filters, mode="extractive")
        except KBError as exc:
            show_error(exc)
            state.messages.pop()
            return
        render_answer(answer, inferred_dates(kb))
    state.messages.append({"role": "assistant", "content": answer.text, "answer": answer})


def inferred_dates(kb: KnowledgeBase) -> set[str]:
    """Documents whose date was read from their first sentences (no date line)."""
    return {doc_id for doc_id, rec in kb.documents.items() if rec.date_inferred}


def close_entity_page() -> None:
    state.update(timeline_entity=sidebar.NO_PAGE)


def welcome(user: User) -> None:
    """An empty store: offer the starter corpus."""
    st.subheader("Welcome: the knowledge base is empty")
    st.markdown(
        f"Start with the starter corpus in `{md_escape(str(base_settings().corpus_dir))}`: "
        "about fifty articles on AI vendors, model rankings, prices, funding and chips. "
        "You can add your own articles afterwards from the sidebar."
    )
    if not user.can("add_documents"):
        st.info("An editor or an admin can add the first articles.")
    elif st.button("Ingest the starter corpus", type="primary", key="ingest_corpus"):
        ingest_paths([str(base_settings().corpus_dir)], "Ingesting corpus/", user)
        st.rerun()
    if state.ingest_results:
        show_ingest_results(state.ingest_results)


st.markdown(STYLE, unsafe_allow_html=True)
st.title("AI-market knowledge base")
signin.signed_in_bar(user)
try:
    kb = engine()
except KBError as exc:
    show_error(exc)
    st.stop()

stats = kb.stats()
if stats.documents == 0:
    welcome(user)
    st.stop()

filters = sidebar.corpus(kb, user)
mode = sidebar.answer_mode(user)
if st.sidebar.toggle("Market view", key="market_view", help="Tables of the market facts"):
    render_market(kb, filters)
    st.stop()

st.caption(
    f"{stats.documents} articles · answers quote their sources with dates · "
    f"{'LLM mode' if mode == 'llm' else 'extractive mode: no LLM, fully offline'}"
)
if state.get("timeline_entity", sidebar.NO_PAGE) != sidebar.NO_PAGE:
    render_entity_page(kb, state.timeline_entity, close_entity_page)

inferred = inferred_dates(kb)  # once per rerun, not once per message
for message in state.messages:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.text(message["content"])
        else:
            render_answer(message["answer"], inferred)

if not state.messages:
    st.markdown(
        "**Try asking:** *Which company released Happy Horse 1.1?* · "
        "*Which companies raised more than $1 billion?* · *What happened to Sora?* · "
        "*Compare the API prices of GPT-4o and Claude 3.5 Sonnet.* · "
        "*Who leads the Chatbot Arena now?* · *Summarize the AI video market in 2026.*"
    )

question = st.chat_input("Ask about AI vendors, models, rankings, prices...") or queued_question()
if question:
    ask(question, mode, filters)

if state.messages:
    actions = st.columns([1, 1, 8])
    actions[0].download_button(
        "Export",
        conversation_markdown(state.messages),
        file_name="conversation.md",
        mime="text/markdown",
        key="export",
        help="Download the conversation with its sources as Markdown",
    )
    if actions[1].button("Clear", key="clear", help="Start a new conversation"):
        state.messages = []
        st.rerun()
