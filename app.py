"""Streamlit chat over the AI-market knowledge base: ask, check the sources, add articles.

UI only: the engine (kb) and the ingest pipeline do the work. Models and the store are built
once per process (st.cache_resource) and shared by every session.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from kb.errors import KBError  # noqa: E402
from kb.retrieve import Filters  # noqa: E402
from kb.settings import Settings  # noqa: E402

st.set_page_config(page_title="AI-market knowledge base", page_icon="📚", layout="wide")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~])")


def md_escape(text: str) -> str:
    """Document text as literal text in st.markdown: no markup, no math, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def html_text(text: str) -> str:
    return html.escape(text or "", quote=True)


# --- engine, built once per process ------------------------------------------------------


@st.cache_resource(show_spinner="Loading the embedding model...")
def get_embedder(embedder: str, backend: str) -> Any:
    from kb.embedders import load_embedder

    return load_embedder(Settings(embedder=embedder, embed_backend=backend))


@st.cache_resource(show_spinner="Opening the knowledge base...")
def get_engine(settings_json: str) -> Any:
    from kb.engine import KnowledgeBase

    settings = Settings.model_validate_json(settings_json)
    return KnowledgeBase(settings, get_embedder(settings.embedder, settings.embed_backend))


def base_settings() -> Settings:
    return Settings()


def engine() -> Any:
    return get_engine(base_settings().model_dump_json())


# --- state --------------------------------------------------------------------------------

state = st.session_state
state.setdefault("messages", [])  # {"role", "content", "answer": dict | None}
state.setdefault("ingest_results", None)
state.setdefault(
    "llm", {"enabled": False, "provider": "ollama", "base_url": "", "model": "", "api_key": ""}
)


def show_error(exc: KBError) -> None:
    st.error(f"{exc.message}\n\n**How to fix it:** {exc.hint}" if exc.hint else exc.message)


# --- sidebar ------------------------------------------------------------------------------


def run_ingest(paths: list[str], label: str) -> None:
    from ingest.pipeline import Ingestor

    settings = base_settings()
    kb = engine()
    bar = st.progress(0.0, text=label)

    def progress(stage: str, done: int, total: int) -> None:
        if total:
            bar.progress(min(1.0, done / total), text=f"{label}: {stage} {done}/{total}")

    try:
        report = Ingestor(settings, kb.embedder, progress=progress).run(paths)
    except KBError as exc:
        bar.empty()
        show_error(exc)
        return
    bar.empty()
    kb.refresh(force=True)
    state.ingest_results = report.to_json()


def show_counts(box: Any, stats: dict[str, Any]) -> None:
    cols = box.columns(2)
    cols[0].metric("Documents", stats["documents"])
    cols[1].metric("Chunks", stats["chunks"])
    if stats["date_range"]:
        box.caption(f"Covers {stats['date_range'][0]} to {stats['date_range'][1]}")
    if stats["last_ingest"]:
        box.caption(f"Last ingest: {stats['last_ingest'].replace('T', ' ')}")


def sidebar_corpus(kb: Any) -> dict[str, Any]:
    st.sidebar.header("Corpus")
    counts = st.sidebar.container()  # filled after any upload below, so counts are current

    with st.sidebar.expander("Add articles", expanded=False):
        settings = base_settings()
        files = st.file_uploader(
            "Upload .txt, .md, .html or .pdf files",
            accept_multiple_files=True,
            type=["txt", "md", "markdown", "html", "htm", "pdf"],
            key="uploader",
        )
        if files and st.button("Add to the corpus", key="add_files", type="primary"):
            from ingest.uploads import save_upload

            saved, refused = [], []
            for f in files:
                result = save_upload(
                    Path(settings.corpus_dir), f.name, f.getvalue(), settings.max_file_mb
                )
                if result.path is not None:
                    saved.append(str(result.path))
                else:
                    refused.append({"source": f.name, "status": "failed", "error": result.reason})
            if saved:
                run_ingest(saved, "Ingesting uploads")
            if refused:
                results = state.ingest_results or {"files": []}
                results["files"] = refused + list(results.get("files", []))
                state.ingest_results = results
        url = st.text_input("Or an article URL", placeholder="https://...", key="url")
        if st.button("Fetch and add", key="add_url", disabled=not url):
            run_ingest([url.strip()], "Fetching")
        if state.ingest_results:
            show_ingest_results(state.ingest_results)

    stats = kb.stats()
    show_counts(counts, stats)
    st.sidebar.header("Filters")
    sources = [s["source"] for s in stats["sources"]]
    titles = {s["source"]: s["title"] for s in stats["sources"]}
    lo = date.fromisoformat(stats["date_range"][0]) if stats["date_range"] else date(2023, 1, 1)
    hi = date.fromisoformat(stats["date_range"][1]) if stats["date_range"] else date.today()
    use_dates = st.sidebar.checkbox("Limit by publication date", key="use_dates")
    since = until = None
    if use_dates:
        picked = st.sidebar.date_input("Published between", value=(lo, hi), key="dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            since, until = picked[0].isoformat(), picked[1].isoformat()
    chosen = st.sidebar.multiselect(
        "Only these sources",
        sources,
        key="sources",
        format_func=lambda s: f"{titles.get(s, s)[:60]} ({s})",
    )
    entity_names = [e["name"] for e in kb.entities()]
    about = st.sidebar.multiselect(
        "Only passages about",
        entity_names,
        key="entities",
        help="Vendors, models and leaderboards recognised in the articles",
    )
    st.sidebar.header("Explore")
    st.sidebar.selectbox(
        "Page of",
        ["(none)", *entity_names],
        key="timeline_entity",
        help="One vendor, model or leaderboard: its timeline, its ranking history and the "
        "articles that mention it",
    )
    return {"since": since, "until": until, "sources": tuple(chosen), "entities": tuple(about)}


def show_ingest_results(results: dict[str, Any]) -> None:
    labels = {
        "added": ":green[added]",
        "updated": ":blue[updated]",
        "unchanged": ":gray[unchanged]",
        "duplicate": ":orange[duplicate]",
        "failed": ":red[failed]",
        "skipped": ":gray[skipped]",
        "removed": ":gray[removed]",
    }
    for f in results.get("files", []):
        line = f"**{md_escape(f['source'])}**: {labels.get(f['status'], f['status'])}"
        if f.get("duplicate_of"):
            line += f" of {md_escape(f['duplicate_of'])}"
        if f.get("error"):
            line += f" ({md_escape(f['error'])})"
        st.markdown(line)


def sidebar_mode() -> str:
    st.sidebar.header("Answer mode")
    llm = state.llm
    mode = st.sidebar.radio(
        "Mode",
        ["Extractive (offline)", "LLM"],
        key="mode",
        help="Extractive quotes the sources and needs no model. LLM "
        "writes the answer with a chat model you run (Ollama or any "
        "OpenAI-compatible server).",
    )
    llm["enabled"] = mode == "LLM"
    if llm["enabled"]:
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
        llm["api_key"] = st.sidebar.text_input(
            "API key (kept in this session only)", type="password", key="llm_key"
        )
        if st.sidebar.button("Test connection", key="llm_test"):
            from kb.answer.llm import LLMAnswerer

            try:
                reply = LLMAnswerer.from_settings(llm_settings()).ping()
                st.sidebar.success(f"Connected: the model replied “{html_text(reply)[:60]}”.")
            except KBError as exc:
                st.sidebar.error(f"{exc.message} {exc.hint}")
    return "llm" if llm["enabled"] else "extractive"


def llm_settings() -> Settings:
    llm = state.llm
    return base_settings().model_copy(
        update={
            "llm_provider": llm["provider"],
            "llm_base_url": llm["base_url"] or None,
            "llm_model": llm["model"] or None,
            "llm_api_key": llm["api_key"] or None,
            "answer_mode": "llm",
        }
    )


# --- answers ------------------------------------------------------------------------------


def highlighted_passage(citation: dict[str, Any]) -> str:
    """The passage as escaped HTML with the cited sentence marked."""
    passage, sentence = citation.get("passage") or "", citation.get("text") or ""
    at = passage.find(sentence) if sentence else -1
    if at < 0:
        return html_text(passage).replace("\n", "<br>")
    before, after = passage[:at], passage[at + len(sentence) :]
    return (
        html_text(before) + "<mark>" + html_text(sentence) + "</mark>" + html_text(after)
    ).replace("\n", "<br>")


def render_sources(answer: dict[str, Any]) -> None:
    for c in answer.get("citations", []):
        meta = [m for m in (c.get("publisher"), c.get("published") or "undated") if m]
        if c.get("page"):
            meta.append(f"page {c['page']}")
        label = f"[{c['n']}] {c['title']} · " + " · ".join(meta)
        with st.expander(label, expanded=c["n"] == 1):  # the first source open
            st.markdown(
                f"<blockquote class='kb-quote'>“{html_text(c.get('text'))}”</blockquote>",
                unsafe_allow_html=True,
            )
            st.markdown(
                f"<div class='kb-passage'>{highlighted_passage(c)}</div>", unsafe_allow_html=True
            )
            st.caption(f"Source: {c['source']}")


def render_answer(answer: dict[str, Any]) -> None:
    if answer.get("abstained"):
        st.info(md_escape(answer["answer"]))
        nearest = answer.get("nearest") or []
        if nearest:
            st.markdown("**Nearest sources you could check:**")
            for n in nearest:
                st.markdown(
                    f"- {md_escape(n['title'])} ({n.get('published') or 'undated'}) "
                    f"— `{n['source']}`"
                )
    else:
        body, _, as_of = answer["answer"].partition("\n\nAs of ")
        st.markdown(md_escape(body))
        if as_of:
            st.caption("As of " + as_of)
        render_sources(answer)
    for w in answer.get("warnings", []):
        st.warning(w)


def answer_json(answer: Any) -> dict[str, Any]:
    data = answer.to_json()
    data["nearest"] = [
        {"title": h.chunk.title, "published": h.chunk.published, "source": h.chunk.source}
        for h in answer.nearest
    ]
    return data


def ask(question: str, mode: str, filters: dict[str, Any]) -> None:
    kb = engine()
    history = [m["content"] for m in state.messages if m["role"] == "user"][-3:]
    state.messages.append({"role": "user", "content": question, "answer": None})
    with st.chat_message("user"):
        st.text(question)
    f = Filters(
        since=filters["since"],
        until=filters["until"],
        sources=filters["sources"],
        entities=filters["entities"],
    )
    with st.chat_message("assistant"):
        try:
            if mode == "llm":
                from kb.answer.llm import stream_llm_answer
                from kb.engine import KnowledgeBase

                llm_kb = KnowledgeBase(llm_settings(), kb.embedder, kb.store)
                final: list[Any] = []

                def pieces() -> Any:
                    for piece in stream_llm_answer(llm_kb, question, history=history, filters=f):
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
                    answer = kb.ask(question, history=history, filters=f, mode="extractive")
        except KBError as exc:
            show_error(exc)
            state.messages.pop()
            return
        data = answer_json(answer)
        render_answer(data)
    state.messages.append({"role": "assistant", "content": answer.text, "answer": data})


def render_timeline(timeline: dict[str, Any]) -> None:
    """An entity's dated events, oldest first, each with its source."""
    if not timeline["events"]:
        st.caption("No dated events.")
    for event in timeline["events"]:
        st.markdown(f"**{event['date'] or 'undated'}** — {md_escape(event['text'])}")
        st.caption(f"{event['title']} · {event['source']}")


def _chart_date(date: str) -> str:
    """ "2025-03" -> "2025-03-01", "2023" -> "2023-01-01": a point on the time axis."""
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]


def render_rankings(rankings: list[dict[str, Any]]) -> None:
    """Rank over time (No. 1 at the top), one line per model and board, then the table."""
    import altair as alt
    import pandas as pd

    if not rankings:
        st.caption("No ranking facts about it in the articles.")
        return
    rows = [
        {
            "date": _chart_date(r["date"]),
            "as stated": r["date"],
            "rank": r["rank"],
            "series": f"{r['model']} · {r['leaderboard']}",
            "source": r["source"],
        }
        for r in rankings
        if r["rank"] and r["date"]
    ]
    if rows:
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .mark_line(point=alt.OverlayMarkDef(size=80))
            .encode(
                x=alt.X("date:T", title="date"),
                y=alt.Y(
                    "rank:Q",
                    title="rank",
                    scale=alt.Scale(reverse=True, domainMin=1),
                    axis=alt.Axis(tickMinStep=1, format="d"),
                ),
                color=alt.Color(
                    "series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=500)
                ),
                tooltip=["series", "rank", "as stated", "source"],
            )
            .properties(height=260)
        )
        st.altair_chart(chart, width="stretch")
    for r in rankings:
        board = r["leaderboard"] + (f" ({r['category']})" if r["category"] else "")
        rank = f"No. {r['rank']}" if r["rank"] else "ranked"
        st.markdown(
            f"**{r['date'] or 'undated'}** — {md_escape(r['model'])} {rank} on {md_escape(board)}"
        )
        st.caption(f"“{r['text'][:200]}” · {r['title']} · {r['source']}")


def render_entity_page(kb: Any, name: str) -> None:
    """One vendor, model or leaderboard: timeline, ranking history, articles."""
    from kb.entities import entity_key

    row = next((e for e in kb.entities() if entity_key(e["name"]) == entity_key(name)), None)
    kind = row["kind"] if row else "entity"
    st.subheader(f"{name} · {kind}")
    try:
        rankings = kb.rankings(name)["rankings"]
    except KBError:
        rankings = []
    documents = kb.entity_documents(name)
    timeline = kb.timeline(name)
    tabs = st.tabs(
        [
            f"Timeline ({len(timeline['events'])})",
            f"Ranking history ({len(rankings)})",
            f"Articles ({len(documents)})",
        ]
    )
    with tabs[0]:
        render_timeline(timeline)
    with tabs[1]:
        render_rankings(rankings)
    with tabs[2]:
        for d in documents:
            st.markdown(
                f"**{md_escape(d['title'])}** — {d['published'] or 'undated'} · "
                f"{md_escape(d['publisher'] or 'unknown publisher')} · {d['passages']} passages"
            )
            st.caption(d["source"])
    st.button(
        "Close the page",
        key="close_entity",
        on_click=lambda: state.update(timeline_entity="(none)"),
    )
    st.divider()


def conversation_markdown() -> str:
    lines = ["# Conversation with the AI-market knowledge base", ""]
    for m in state.messages:
        if m["role"] == "user":
            lines += [f"**Question:** {m['content']}", ""]
            continue
        lines += [m["content"], ""]
        for c in (m["answer"] or {}).get("citations", []):
            page = f", page {c['page']}" if c.get("page") else ""
            lines.append(
                f"[{c['n']}] {c['title']} ({c.get('publisher') or 'unknown'}, "
                f"{c.get('published') or 'undated'}{page}), {c['source']}: "
                f'"{c.get("text")}"'
            )
        lines.append("")
    return "\n".join(lines)


# --- page ---------------------------------------------------------------------------------

st.markdown(
    """<style>
    .kb-quote {border-left: 3px solid #4c78a8; margin: 0 0 .5em 0; padding: .2em .8em;
               color: #333; font-style: italic;}
    .kb-passage {font-size: .9em; color: #444; line-height: 1.45;}
    .kb-passage mark {background: #fff3b0; padding: 0 .1em;}
    </style>""",
    unsafe_allow_html=True,
)

st.title("AI-market knowledge base")
try:
    kb = engine()
except KBError as exc:
    show_error(exc)
    st.stop()

stats = kb.stats()
if stats["documents"] == 0:
    st.subheader("Welcome: the knowledge base is empty")
    st.markdown(
        f"Start with the starter corpus in `{md_escape(str(base_settings().corpus_dir))}`: "
        "about fifty articles on AI vendors, model rankings, prices, funding and chips. "
        "You can add your own articles afterwards from the sidebar."
    )
    if st.button("Ingest the starter corpus", type="primary", key="ingest_corpus"):
        run_ingest([str(base_settings().corpus_dir)], "Ingesting corpus/")
        st.rerun()
    if state.ingest_results:
        show_ingest_results(state.ingest_results)
    st.stop()

filters = sidebar_corpus(kb)
mode = sidebar_mode()

st.caption(
    f"{stats['documents']} articles · answers quote their sources with dates · "
    f"{'LLM mode' if mode == 'llm' else 'extractive mode: no LLM, fully offline'}"
)
if state.get("timeline_entity", "(none)") != "(none)":
    render_entity_page(kb, state.timeline_entity)

for message in state.messages:
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.text(message["content"])
        else:
            render_answer(message["answer"])

if not state.messages:
    st.markdown(
        "**Try asking:** *Which company released Happy Horse 1.1?* · "
        "*How much did OpenAI cut o3 prices?* · *Who leads the Chatbot Arena now?* · "
        "*How did HappyHorse's ranking change?*"
    )

question = st.chat_input("Ask about AI vendors, models, rankings, prices...")
if question:
    ask(question, mode, filters)

if state.messages:
    actions = st.columns([1, 1, 8])
    actions[0].download_button(
        "Export",
        conversation_markdown(),
        file_name="conversation.md",
        mime="text/markdown",
        key="export",
        help="Download the conversation with its sources as Markdown",
    )
    if actions[1].button("Clear", key="clear", help="Start a new conversation"):
        state.messages = []
        st.rerun()
