"""Answers and facts as plain text: the one place that words the "As of" line, a citation
line and a standing, for the command line, the app and its export, and the eval."""

from __future__ import annotations

from typing import Protocol


class Answer(Protocol):  # kb.types.Answer, as far as rendering goes
    @property
    def text(self) -> str: ...
    @property
    def abstained(self) -> bool: ...
    @property
    def as_of(self) -> str | None: ...


class _Source(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def publisher(self) -> str | None: ...
    @property
    def published(self) -> str | None: ...
    @property
    def page(self) -> int | None: ...
    @property
    def source(self) -> str: ...


class Citation(Protocol):  # kb.types.Citation
    @property
    def n(self) -> int: ...
    @property
    def chunk(self) -> _Source: ...


def as_of_note(answer: Answer) -> str | None:
    """ "As of 2026-05-04 (date of the newest source cited)." for a cited answer."""
    if answer.abstained or not answer.as_of:
        return None
    return f"As of {answer.as_of} (date of the newest source cited)."


def answer_text(answer: Answer) -> str:
    """The answer as a person reads it: the body, then the "As of" line."""
    note = as_of_note(answer)
    return f"{answer.text}\n\n{note}" if note else answer.text


def citation_line(citation: Citation) -> str:
    """ "[1] Title (Publisher, 2026-05-04, p. 3) - source"."""
    chunk = citation.chunk
    page = f", p. {chunk.page}" if chunk.page else ""
    return (
        f"[{citation.n}] {chunk.title} ({chunk.publisher or 'unknown publisher'}, "
        f"{chunk.published or 'undated'}{page}) - {chunk.source}"
    )


def standing(rank: int | None) -> str:
    """ "No. 2", or "ranked" when the source gives no place."""
    return f"No. {rank}" if rank else "ranked"


def board_label(leaderboard: str, category: str | None) -> str:
    """ "LMArena (text)"."""
    return f"{leaderboard} ({category})" if category else leaderboard
