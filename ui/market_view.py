"""The Market view: the market facts extracted at ingest as tables (funding rounds, prices,
launches, status changes, deals and legal actions), filterable, sortable, downloadable, with
a chart per table and each row's source card one click away."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import streamlit as st

from kb.engine import KnowledgeBase
from kb.factstore import FactQuery, StoredFact
from kb.factwords import describe
from kb.filters import Filters
from kb.types import Citation
from ui.answer_view import highlighted_passage
from ui.text import html_text, md_escape

TABS = (
    ("Funding rounds", ("funding",)),
    ("Prices", ("price",)),
    ("Launches", ("launch",)),
    ("Status changes", ("status",)),
    ("Deals and legal", ("acquisition", "investment", "partnership", "legal")),
)


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v)
    return "" if value is None else str(value)


def fact_rows(facts: Sequence[StoredFact]) -> list[dict[str, object]]:
    """One flat row per fact: date, kind, what it says, its figures, its source."""
    rows = []
    for f in facts:
        fields = f.fields
        amount = fields.get("value") if f.kind == "price" else fields.get("amount")
        rows.append(
            {
                "date": f.date or "",
                "kind": f.kind,
                "about": ", ".join(f.entities[:2]),
                "what": describe(f.kind, fields, f.entities, f.text),
                "amount": float(amount) if isinstance(amount, (int, float)) else None,
                "unit": _cell(fields.get("unit") or fields.get("currency")),
                "status": _cell(
                    fields.get("status") or fields.get("action") or fields.get("round")
                ),
                "region": _cell(fields.get("region")),
                "source": f.chunk.source,
                "published": f.chunk.published or "",
            }
        )
    return rows


def to_csv(rows: Sequence[dict[str, object]]) -> str:
    """Rows as CSV; cells that a spreadsheet would run as a formula are quoted as text."""
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: ("'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


def _admitted(facts: Sequence[StoredFact], filters: Filters) -> list[StoredFact]:
    return [f for f in facts if filters.admits_document(f.chunk)]


def _funding_chart(facts: Sequence[StoredFact]) -> None:
    by_month: dict[str, float] = {}
    for f in facts:
        amount = f.fields.get("amount")
        usd = (f.fields.get("currency") or "USD") == "USD"
        if f.date and isinstance(amount, (int, float)) and usd:
            by_month[f.date[:7]] = by_month.get(f.date[:7], 0.0) + amount / 1e9
    if len(by_month) >= 2:
        st.caption("Funding announced per month (USD billions)")
        st.bar_chart({"USD billions": dict(sorted(by_month.items()))})


def _price_chart(facts: Sequence[StoredFact], key: str) -> None:
    counts: dict[str, int] = {}
    for f in facts:
        name = str(f.fields.get("product") or "")
        if name and f.date:
            counts[name] = counts.get(name, 0) + 1
    # the product with the most dated prices first: its chart says most
    products = sorted(counts, key=lambda p: (-counts[p], p))
    if not products:
        return
    product = st.selectbox("Price over time of", products, key=f"{key}-product")
    points = sorted(
        (f for f in facts if f.fields.get("product") == product and f.date),
        key=lambda f: f.date or "",
    )
    series: dict[str, dict[str, float]] = {}
    for f in points:
        value = f.fields.get("value")
        if isinstance(value, (int, float)):
            unit = str(f.fields.get("unit") or "price")
            series.setdefault(unit, {})[f.date or ""] = float(value)
    if any(len(s) >= 2 for s in series.values()):
        st.line_chart(series)
    else:
        st.caption(md_escape(f"Fewer than two dated prices of {product} in the sources."))


def _source_card(fact: StoredFact, kb: KnowledgeBase) -> None:
    chunks = kb.store.get_chunks([fact.chunk.chunk_id])
    chunk = chunks[0] if chunks else fact.chunk
    citation = Citation(1, chunk, fact.text, fact.start, 1.0)
    page = f" · page {chunk.page}" if chunk.page else ""
    st.markdown(f"**{md_escape(chunk.title)}** · {md_escape(chunk.published or 'undated')}{page}")
    st.markdown(
        f"<blockquote class='kb-quote'>“{html_text(fact.text)}”</blockquote>",
        unsafe_allow_html=True,
    )
    if chunk.text:
        st.markdown(
            f"<div class='kb-passage'>{highlighted_passage(citation)}</div>",
            unsafe_allow_html=True,
        )
    st.caption(md_escape(f"Source: {chunk.source}"))


def _row_label(f: StoredFact) -> str:
    return f"{f.date or 'undated'} · {describe(f.kind, f.fields, f.entities)[:90]}"


def render_market(kb: KnowledgeBase, filters: Filters) -> None:
    """The Market view (the sidebar's corpus filters apply)."""
    st.subheader("Market facts")
    st.caption(
        "Extracted from the articles when they were added: each row is one sentence or table "
        "row of a source. Click a column to sort; pick a row to read its source."
    )
    left, right = st.columns([2, 1])
    entity = left.text_input("About (vendor, model, investor...)", key="market-entity").strip()
    dates = right.text_input("Dated from (YYYY or YYYY-MM)", key="market-since").strip()
    for (label, kinds), tab in zip(TABS, st.tabs([t[0] for t in TABS]), strict=True):
        with tab:
            facts = _admitted(
                kb.facts(FactQuery(kinds=kinds, entity=entity or None, since=dates or None)),
                filters,
            )
            if not facts:
                st.info(f"No {label.lower()} in the sources" + (" match." if entity else "."))
                continue
            rows = fact_rows(facts)
            st.dataframe(rows, hide_index=True, use_container_width=True, key=f"table-{label}")
            st.download_button(
                f"Download {label.lower()} as CSV",
                to_csv(rows),
                file_name=f"{label.lower().replace(' ', '-')}.csv",
                mime="text/csv",
                key=f"csv-{label}",
            )
            if "funding" in kinds:
                _funding_chart(facts)
            if "price" in kinds:
                _price_chart(facts, label)
            choices = list(range(len(facts)))
            picked = st.selectbox(
                "Source of row",
                choices,
                format_func=lambda i, facts=facts: _row_label(facts[i]),
                key=f"source-{label}",
            )
            if picked is not None:
                _source_card(facts[picked], kb)


__all__ = ["fact_rows", "render_market", "to_csv"]
