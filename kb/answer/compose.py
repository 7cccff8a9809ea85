"""Building a cited `Answer`: claims with their citation numbers, and the date it holds as of."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.types import Answer, Citation, Claim

_CITE = re.compile(r"\[(\d+)\]")
# "claim. [1]" (quoted sentences) and "claim [1]." / "claim [1]; next" (composed ones)
_CITED = re.compile(r"(.+?)((?:\s*\[\d+\])+)[.;,:!?]?(?=\s|$)", re.DOTALL)


def split_cited(body: str) -> tuple[Claim, ...]:
    """The cited statements of a text with `[n]` markers, each with its numbers."""
    out = []
    for m in _CITED.finditer(body):
        claim = m.group(1).strip().lstrip(".;,: ").strip()
        if claim:
            out.append(Claim(claim, tuple(int(n) for n in _CITE.findall(m.group(2)))))
    return tuple(out)


def newest_date(citations: Sequence[Citation]) -> str | None:
    """The publication date of the newest source cited."""
    dates = sorted(c.chunk.published for c in citations if c.chunk.published)
    return dates[-1] if dates else None


def cited_answer(
    question: str,
    body: str,
    citations: Sequence[Citation],
    *,
    claims: Sequence[Claim] | None = None,
    shape: str,
    mode: str = "extractive",
    warnings: Sequence[str] = (),
) -> Answer:
    """An answer that states something: its claims (read from the markers when not given)
    and the date of its newest source."""
    return Answer(
        question=question,
        text=body,
        abstained=False,
        citations=tuple(citations),
        claims=tuple(claims) if claims is not None else split_cited(body),
        as_of=newest_date(citations),
        mode=mode,
        warnings=tuple(warnings),
        shape=shape,
    )
