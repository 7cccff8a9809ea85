"""One vendor, model or leaderboard: its timeline, its ranking history, its market facts,
its articles."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from kb.engine import KnowledgeBase
from kb.explore import Timeline, find_entity
from kb.factstore import FactQuery
from kb.rankings import RankingFact
from kb.render import board_label, standing
from ui.market_view import fact_rows
from ui.text import md_escape


def render_timeline(timeline: Timeline) -> None:
    """Dated events oldest first, then the undated ones apart, each with its source."""
    if not timeline.events and not timeline.undated:
        st.caption("No dated events.")
    for event in timeline.events:
        st.markdown(f"**{event.date}** — {md_escape(event.text)}")
        st.caption(md_escape(f"{event.title} · {event.source}"))
    if timeline.undated:
        st.markdown("**Undated**")
        for event in timeline.undated:
            st.markdown(f"- {md_escape(event.text)}")
            st.caption(md_escape(f"{event.title} · {event.source}"))


def chart_date(value: str) -> str:
    """ "2025-03" -> "2025-03-01", "2023" -> "2023-01-01": a point on the time axis."""
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def render_rankings(facts: tuple[RankingFact, ...]) -> None:
    """Rank over time (No. 1 at the top), one line per model and board, then the standings."""
    if not facts:
        st.caption("No ranking facts about it in the articles.")
        return
    rows = [
        {
            "date": chart_date(f.date),
            "as stated": f.date,
            "rank": f.rank,
            "series": f"{f.model} · {f.leaderboard}",
            "source": f.chunk.source,
        }
        for f in facts
        if f.rank and f.date
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
    for f in facts:
        st.markdown(
            f"**{f.date or 'undated'}** — {md_escape(f.model)} {standing(f.rank)} on "
            f"{md_escape(board_label(f.leaderboard, f.category))}"
        )
        st.caption(md_escape(f"“{f.text[:200]}” · {f.chunk.title} · {f.chunk.source}"))


def render_entity_page(kb: KnowledgeBase, name: str, on_close: Callable[[], None]) -> None:
    """The page of one entity, with tabs and a button that closes it."""
    found = find_entity(kb.refresh(), name)
    st.subheader(f"{name} · {found.kind if found else 'entity'}")
    facts = kb.rankings(name).facts
    documents = kb.entity_documents(name)
    timeline = kb.timeline(name)
    market = [f for f in kb.facts(FactQuery(entity=name)) if f.kind not in ("ranking", "row")]
    tabs = st.tabs(
        [
            f"Timeline ({len(timeline.events)})",
            f"Ranking history ({len(facts)})",
            f"Market facts ({len(market)})",
            f"Articles ({len(documents)})",
        ]
    )
    with tabs[0]:
        render_timeline(timeline)
    with tabs[1]:
        render_rankings(facts)
    with tabs[2]:
        if market:  # funding, prices, launches, status changes, deals and legal actions
            st.dataframe(fact_rows(market), hide_index=True, use_container_width=True)
        else:
            st.info("No market facts about it in the sources.")
    with tabs[3]:
        for d in documents:
            st.markdown(
                f"**{md_escape(d.title)}** — {d.published or 'undated'} · "
                f"{md_escape(d.publisher or 'unknown publisher')} · {d.passages} passages"
            )
            st.caption(md_escape(d.source))
    st.button("Close the page", key="close_entity", on_click=on_close)
    st.divider()
