"""An `Answer` on the page: its text, the "As of" line, the source cards, the warnings."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from kb.render import as_of_note
from kb.types import Answer, Citation
from ui.text import html_text, md_escape

STYLE = """<style>
.kb-quote {border-left: 3px solid #4c78a8; margin: 0 0 .5em 0; padding: .2em .8em;
           color: #333; font-style: italic;}
.kb-passage {font-size: .9em; color: #444; line-height: 1.45;}
.kb-passage mark {background: #fff3b0; padding: 0 .1em;}
</style>"""


def highlighted_passage(citation: Citation) -> str:
    """The passage as escaped HTML with the cited sentence marked."""
    passage, sentence = citation.chunk.text or "", citation.sentence or ""
    at = passage.find(sentence) if sentence else -1
    if at < 0:
        return html_text(passage).replace("\n", "<br>")
    before, after = passage[:at], passage[at + len(sentence) :]
    return (
        html_text(before) + "<mark>" + html_text(sentence) + "</mark>" + html_text(after)
    ).replace("\n", "<br>")


def source_label(citation: Citation, inferred: Collection[str] = ()) -> str:
    chunk = citation.chunk
    date = chunk.published or "undated"
    if chunk.doc_id in inferred:
        date += " (date inferred from the text)"
    meta = [m for m in (chunk.publisher, date) if m]
    if chunk.page:
        meta.append(f"page {chunk.page}")
    return md_escape(f"[{citation.n}] {chunk.title} · " + " · ".join(meta))


def render_sources(answer: Answer, inferred: Collection[str] = ()) -> None:
    for c in answer.citations:
        with st.expander(source_label(c, inferred), expanded=c.n == 1):  # the first source open
            st.markdown(
                f"<blockquote class='kb-quote'>“{html_text(c.sentence or c.chunk.text)}”"
                "</blockquote>",
                unsafe_allow_html=True,
            )
            st.markdown(
                f"<div class='kb-passage'>{highlighted_passage(c)}</div>", unsafe_allow_html=True
            )
            st.caption(md_escape(f"Source: {c.chunk.source}"))


def render_body(answer: Answer) -> None:
    """The answer's text, line by line (a list answer keeps its lines); a list, count or
    table answer also as a table, each row with the citation behind it."""
    lines = [line for line in answer.text.splitlines() if line.strip()]
    table = bool(answer.rows) and len(answer.rows) == len(answer.claims)
    if table:  # the rows go in the table; the text keeps its intro and closing lines
        lines = [line for line in lines if not line.startswith("- ")]
    st.markdown("  \n".join(md_escape(line) for line in lines))
    if table:
        rows = [
            {**row, "cited": " ".join(f"[{n}]" for n in claim.citations)}
            for row, claim in zip(answer.rows, answer.claims, strict=True)
        ]
        st.dataframe(rows, hide_index=True, use_container_width=True)


def render_answer(answer: Answer, inferred: Collection[str] = ()) -> None:
    """The answer as a person reads it, then its sources (`inferred`: ids of documents whose
    date was read from their text)."""
    if answer.abstained:
        st.info(md_escape(answer.text))
        if answer.nearest:
            st.markdown("**Nearest sources you could check:**")
            for hit in answer.nearest:
                c = hit.chunk
                st.markdown(
                    f"- {md_escape(c.title)} ({c.published or 'undated'}) — {md_escape(c.source)}"
                )
    else:
        render_body(answer)
        note = as_of_note(answer)
        if note:
            st.caption(note)
        render_sources(answer, inferred)
    for warning in answer.warnings:
        st.warning(md_escape(warning))
