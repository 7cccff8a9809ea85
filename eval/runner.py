"""Running a question set against a knowledge base."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from eval.metrics import Scored, score_answer
from eval.questions import GoldenQuestion
from kb.embedders import Embedder
from kb.engine import KnowledgeBase
from kb.filters import Filters
from kb.settings import Settings


def build_temporary_store(docs: Path, settings: Settings, embedder: Embedder) -> Settings:
    """Ingest `docs` into a fresh store in a temporary folder; returns its settings."""
    from ingest.pipeline import Ingestor

    root = Path(tempfile.mkdtemp(prefix="kb-eval-"))
    store_settings = settings.model_copy(
        update={
            "store_dir": root / "store",
            "corpus_dir": docs,
            "chroma_url": None,
        }
    )
    report = Ingestor(store_settings, embedder).run([str(docs)])
    if report.failed:
        failed = ", ".join(f"{r.source} ({r.error})" for r in report.failed)
        print(f"warning: {len(report.failed)} documents failed to ingest: {failed}")
    return store_settings


def run_questions(
    kb: KnowledgeBase,
    questions: Sequence[GoldenQuestion],
    *,
    mode: str = "extractive",
    progress: Callable[[int, int], None] | None = None,
) -> list[Scored]:
    # A gold source stored as a duplicate of another file is found under the original's name.
    alias = {
        rec.source: kb.documents[rec.duplicate_of].source
        for rec in kb.documents.values()
        if rec.status == "duplicate" and rec.duplicate_of in kb.documents
    }
    rows = []
    for i, q in enumerate(questions, start=1):
        q = replace(q, sources=tuple(alias.get(s, s) for s in q.sources))
        filters = Filters(entities=q.entities) if q.entities else None
        hits = kb.retrieve(q.question, k=10, history=q.history, filters=filters)
        ranked = list(dict.fromkeys(h.chunk.source for h in hits))
        answer = kb.ask(q.question, history=q.history, mode=mode, fallback=False, filters=filters)
        rows.append(score_answer(q, answer.to_json(), ranked))
        if progress:
            progress(i, len(questions))
    return rows
