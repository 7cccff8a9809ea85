"""Removing a document from the knowledge base (admins only): pick it, confirm, remove.

The button only queues the request (a callback, so the picker can be reset); the page then
handles it after the signed-in user has been looked up again, and refuses (and logs) a request
from a role that may not remove documents, however the request got into the session. The
file itself stays where it is: ingesting its folder again adds the document back.
"""

from __future__ import annotations

import streamlit as st

from ingest.pipeline import RETAG_PER_UPDATE, Ingestor
from kb.engine import KnowledgeBase
from kb.errors import KBError
from kb.users import User
from ui.audit_view import note
from ui.ingest_view import show_error
from ui.resources import base_settings, embedder, engine
from ui.text import md_escape

REQUEST = "remove_request"  # the source an admin confirmed, handled on the next run
RESULTS = "remove_results"


def remove_section(kb: KnowledgeBase, user: User) -> None:
    """Handle a queued removal, then draw the control for the roles that may use it."""
    source = st.session_state.pop(REQUEST, None)
    if source is not None:
        remove_documents([str(source)], user)
    if not user.can("remove_documents"):
        return
    with st.sidebar.expander("Remove a document", expanded=False):
        stats = kb.stats()
        titles = {s.source: s.title for s in stats.sources}
        titles.update({s: f"copy of {original}" for s, original in stats.duplicates})
        st.selectbox(
            "Document",
            sorted(titles),
            index=None,
            key="remove_pick",
            placeholder="Pick a document",
            format_func=lambda s: f"{titles.get(s, s)[:60]} ({s})",
        )
        st.caption(
            "Removes it from the knowledge base (passages, keyword index, market facts). "
            "Its file on the server is not deleted: a later `python -m ingest` of that "
            "folder adds it again unless the file is deleted too."
        )
        st.checkbox("Yes, remove this document", key="remove_confirm")
        ready = bool(st.session_state.get("remove_pick") and st.session_state.remove_confirm)
        st.button("Remove", key="remove_document", disabled=not ready, on_click=_queue)
        results = st.session_state.get(RESULTS)
        if results:
            show_removal(results)


def _queue() -> None:
    """The button's callback: queue the picked document and reset the picker."""
    state = st.session_state
    if state.get("remove_pick") and state.get("remove_confirm"):
        state[REQUEST] = state.remove_pick
    state.remove_pick = None
    state.remove_confirm = False


def remove_documents(sources: list[str], user: User) -> None:
    """Remove documents by source, after the server's own check of the role."""
    if not user.can("remove_documents"):
        for source in sources:
            note(user, "remove_document", source, f"refused: role {user.role.value}")
        st.error("Your role may not remove documents.")
        return
    try:
        report = Ingestor(base_settings(), embedder(), retag_limit=RETAG_PER_UPDATE).remove(sources)
    except KBError as exc:
        show_error(exc)
        return
    engine().refresh(force=True)
    removed = [f for f in report.results if f.status == "removed"]
    for f in removed:
        detail = f"duplicate of {f.duplicate_of}" if f.duplicate_of else f.title
        note(user, "remove_document", f.source, detail)
    gone = {f.source for f in removed}
    if st.session_state.get("sources"):  # the source filter: drop what is gone
        st.session_state["sources"] = [s for s in st.session_state["sources"] if s not in gone]
    st.session_state[RESULTS] = [f.to_json() for f in report.results]


def show_removal(results: list[dict]) -> None:
    """What the last removal did, and the reminder that files on disk stay."""
    for f in results:
        if f["status"] == "removed":
            what = f" (a duplicate of {f['duplicate_of']})" if f.get("duplicate_of") else ""
            name = f.get("title") or f["source"]
            st.markdown(md_escape(f"Removed: {name} ({f['source']}){what}"))
        else:
            st.markdown(md_escape(f"Not removed: {f['source']} ({f.get('error', f['status'])})"))
    if any(f["status"] == "removed" for f in results):
        st.info(
            "The file is still on the server: ingesting its folder again with "
            "`python -m ingest` adds it back unless you delete the file."
        )
