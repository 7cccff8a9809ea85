"""Adding articles from the browser: uploads and URLs, with their results."""

from __future__ import annotations

import streamlit as st

from ingest.loaders.url import is_url
from ingest.pipeline import RETAG_PER_UPDATE, Ingestor, IngestReport
from ingest.uploads import ingest_uploads
from kb.errors import KBError
from kb.users import User
from ui.audit_view import note
from ui.resources import base_settings, embedder, engine
from ui.text import md_escape

_LABELS = {
    "added": ":green[added]",
    "updated": ":blue[updated]",
    "unchanged": ":gray[unchanged]",
    "duplicate": ":orange[duplicate]",
    "failed": ":red[failed]",
    "skipped": ":gray[skipped]",
    "removed": ":gray[removed]",
}
_AUDIT_ACTION = {"added": "add_document", "updated": "update_document"}


def show_error(exc: KBError) -> None:
    st.error(f"{exc.message}\n\n**How to fix it:** {exc.hint}" if exc.hint else exc.message)


def progress_bar(label: str):  # noqa: ANN202 - a Streamlit progress callback
    bar = st.progress(0.0, text=label)

    def progress(stage: str, done: int, total: int) -> None:
        if total:
            bar.progress(min(1.0, done / total), text=f"{label}: {stage} {done}/{total}")

    return bar, progress


def _finish(report: IngestReport, user: User, how: str) -> None:
    engine().refresh(force=True)
    st.session_state.ingest_results = report.to_json()
    for f in report.results:
        if f.status in ("added", "updated"):
            note(user, _AUDIT_ACTION[f.status], f.source, f"{how}: {f.title}")


def _refused(user: User, targets: list[str]) -> bool:
    """The server's own check of the role (a control not shown cannot be used, but check);
    a refusal is logged."""
    if user.can("add_documents"):
        return False
    for target in targets:
        note(user, "add_document", target, f"refused: role {user.role.value}")
    st.error("Your role may not add articles.")
    return True


def ingest_paths(paths: list[str], label: str, user: User) -> None:
    """Ingest server-side paths (the starter corpus) or URLs, with a progress bar."""
    if _refused(user, paths):
        return
    bar, progress = progress_bar(label)
    try:
        report = Ingestor(
            base_settings(), embedder(), progress=progress, retag_limit=RETAG_PER_UPDATE
        ).run(paths)
    except KBError as exc:
        show_error(exc)
        return
    finally:
        bar.empty()
    _finish(report, user, "url" if all(is_url(p) for p in paths) else "path")


def add_uploads(files: list[tuple[str, bytes]], user: User) -> None:
    """Save uploaded files (name, bytes) under the corpus and ingest them."""
    if _refused(user, [name for name, _ in files]):
        return
    bar, progress = progress_bar("Ingesting uploads")
    try:
        report = ingest_uploads(base_settings(), embedder(), files, progress)
    except KBError as exc:
        show_error(exc)
    else:
        _finish(report, user, "upload")
    finally:
        bar.empty()


def add_articles(user: User) -> None:
    """The "Add articles" controls: upload files, or fetch an article by its http(s) URL."""
    files = st.file_uploader(
        f"Upload .txt, .md, .html or .pdf files (up to {base_settings().max_file_mb:g} MB each)",
        accept_multiple_files=True,
        type=["txt", "md", "markdown", "html", "htm", "pdf"],
        key="uploader",
    )
    if files and st.button("Add to the corpus", key="add_files", type="primary"):
        add_uploads([(f.name, f.getvalue()) for f in files], user)
    url = st.text_input("Or an article URL", placeholder="https://...", key="url").strip()
    if st.button("Fetch and add", key="add_url", disabled=not url):
        if is_url(url):
            ingest_paths([url], "Fetching", user)
        else:  # server paths are a command-line feature, never the browser's
            st.error("Only http:// or https:// addresses can be added here.")
    if st.session_state.get("ingest_results"):
        show_ingest_results(st.session_state.ingest_results)


def show_ingest_results(results: dict) -> None:
    """One line per file of the last ingest: its source, what happened, and why."""
    for f in results.get("files", []):
        line = f"**{md_escape(f['source'])}**: {_LABELS.get(f['status'], md_escape(f['status']))}"
        if f.get("duplicate_of"):
            line += f" of {md_escape(f['duplicate_of'])}"
        if f.get("error"):
            line += f" ({md_escape(f['error'])})"
        st.markdown(line)
