"""Answers from ranking facts: "Who leads LMArena now?", "Who led it in May 2024?", "How did
Kestrel Video 2.5's rank change?". Newest first, each standing cited, and what it replaced.

Only questions of those shapes are answered here, and only when the corpus holds ranking facts
for them; anything else goes to the extractive answerer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.answer.base import EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.dates import display_date
from kb.entities import entity_key
from kb.query import Question
from kb.rankings import (
    RankingFact,
    board_key,
    category_of,
    history,
    leaders,
)
from kb.types import Answer, Chunk, Citation


def _asked_period(question: Question) -> str | None:
    if question.months:
        month, year = question.months[0]
        return f"{year}-{month:02d}"
    if question.years:
        return question.years[0]
    return None


def _cite(
    facts: Sequence[RankingFact], named: Sequence[bool]
) -> tuple[dict[int, str], list[Citation]]:
    """Citation markers per fact: its own sentence or row, plus the sentence that named the
    leaderboard when the row does not (a table caption)."""
    markers: dict[int, str] = {}
    citations: list[Citation] = []
    by_text: dict[tuple[str, str], int] = {}

    def number(chunk: Chunk, text: str, start: int) -> int:
        key = (chunk.chunk_id, text)
        if key not in by_text:
            by_text[key] = len(citations) + 1
            citations.append(Citation(by_text[key], chunk, text, start, 1.0))
        return by_text[key]

    for i, f in enumerate(facts):
        refs = [number(f.chunk, f.text, f.start)]
        if f.context is not None and named[i]:
            refs.append(number(*f.context))
        if f.subject_context is not None:
            refs.append(number(*f.subject_context))
        markers[i] = "".join(f"[{n}]" for n in dict.fromkeys(refs))
    return markers, citations


def _same_model(a: str, b: str) -> bool:
    """ "HappyHorse" and "Happy Horse 1.1" are one model as far as a headline goes."""
    ka, kb = entity_key(a), entity_key(b)
    return ka.startswith(kb) or kb.startswith(ka)


def _as_of(date: str) -> str:
    shown = display_date(date)
    return "As of " + shown.removeprefix("on ").removeprefix("in ")


def _rank(f: RankingFact) -> str:
    return f"No. {f.rank}" if f.rank else "ranked"


def _answer(question: Question, text: str, used: Sequence[RankingFact]) -> Answer:
    # a claim that names the leaderboard also cites where the document named it
    claims = {i: text.split(f"[[{i}]]")[0].rsplit("[[", 1)[-1] for i in range(len(used))}
    named = [used[i].leaderboard in claims[i] for i in range(len(used))]
    markers, citations = _cite(used, named)
    for i in range(len(used)):
        text = text.replace(f"[[{i}]]", markers[i])
    return cited_answer(question.text, text, citations, shape="ranking")


def _changes(facts: list[RankingFact], limit: int = 5) -> list[RankingFact]:
    """Newest first, keeping a standing only where it differs from the newer one kept."""
    kept: list[RankingFact] = []
    for f in facts:
        if kept and (entity_key(f.model), f.rank) == (entity_key(kept[-1].model), kept[-1].rank):
            continue
        kept.append(f)
        if len(kept) == limit:
            break
    return kept


_TOP_N = re.compile(r"\btop\s+(\d{1,2}|two|three|four|five|ten)\b", re.I)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}


def _top_answer(question: Question, pool: Sequence[RankingFact], board: str) -> Answer | None:
    """ "top 3 on X": the newest date with standings below first place on the board, its
    places 1 to N in order, each cited."""
    m = _TOP_N.search(question.text)
    if not m:
        return None
    n = int(_COUNT_WORDS.get(m.group(1).lower(), m.group(1) if m.group(1).isdigit() else 0))
    on_board = [f for f in pool if board_key(board) == entity_key(f.leaderboard) and f.rank]
    dates = sorted({f.date for f in on_board if f.rank and f.rank > 1}, reverse=True)
    if n < 2 or not dates:
        return None
    places: dict[int, RankingFact] = {}
    for f in sorted(on_board, key=lambda f: f.rank or 0):
        if f.date == dates[0] and f.rank and f.rank <= n:
            places.setdefault(f.rank, f)
    used = [places[r] for r in sorted(places)]
    if len(used) < 2:
        return None
    parts = [f"No. {f.rank} {f.model} [[{i}]]" for i, f in enumerate(used)]
    shown = f"the top {len(used)}" if len(used) == n else f"{len(used)} of the top {n}"
    text = f"{_as_of(dates[0])}, {shown} on {used[0].leaderboard}: " + "; ".join(parts) + "."
    return _answer(question, text, used)


def _asked_category(question: Question, facts: Sequence[RankingFact], board: str) -> str | None:
    """The board of an arena the question names: a known one ("video"), or one of the
    boards this leaderboard's tables are captioned with ("portagebench lite")."""
    if category := category_of(question.text):
        return category
    captioned = {
        f.category for f in facts if f.category and board_key(board) == entity_key(f.leaderboard)
    }
    asked = [c for c in captioned if re.search(rf"\b{re.escape(c)}\b", question.text, re.I)]
    return asked[0] if len(asked) == 1 else None


def leader_answer(question: Question, facts: Sequence[RankingFact], board: str) -> Answer | None:
    category = _asked_category(question, facts, board)
    pool = [f for f in facts if category is None or f.category in (None, category)]
    period = _asked_period(question)
    if not period and (top := _top_answer(question, pool, board)):
        return top
    standings = leaders(pool, board, until=period)
    # of standings on one date, the one that names its board reads best
    standings.sort(key=lambda f: (f.date, f.category is not None), reverse=True)
    if not standings:
        return None
    if period and len(period) == 4 and not question.months:
        in_year = [f for f in standings if f.date.startswith(period)]
        if in_year:  # "Who led it in 2024?": every leader that year, newest first
            used = _changes(in_year, limit=6)
            parts = [f"{f.when}, {f.model} [[{i}]]" for i, f in enumerate(used)]
            text = f"No. 1 on {used[0].board} in {period}, newest first: " + "; ".join(parts) + "."
            return _answer(question, text, used)
    newest = standings[0]
    if not period:
        # a newer standing that puts this leader lower: say so, and do not claim a leader
        later = [
            f
            for f in pool
            if board_key(board) == entity_key(f.leaderboard)
            and f.date > newest.date
            and f.rank not in (None, 1)
            and _same_model(f.model, newest.model)
        ]
        if later:
            drop = max(later, key=lambda f: f.date)
            text = (
                f"{_as_of(newest.date)}, {newest.model} led {newest.board} [[0]]; "
                f"{drop.when} {drop.model} was {_rank(drop)} [[1]]. The sources "
                "do not say which model took the top place."
            )
            return _answer(question, text, [newest, drop])
    used = [newest]
    if period and not newest.date.startswith(period):
        text = (
            f"The sources give no standing for {display_date(period).removeprefix('in ')} "
            f"itself; the newest before it: {newest.when} {newest.model} led "
            f"{newest.board} [[0]]."
        )
    elif period:
        when = newest.when
        text = f"{when[:1].upper()}{when[1:]}, {newest.model} led {newest.board} [[0]]."
    else:
        # its score, when the source gives one ("with 67.5"), as the board writes scores
        scored = f" with {newest.score:,g}" if newest.score is not None else ""
        text = f"{_as_of(newest.date)}, {newest.model} leads {newest.board}{scored} [[0]]"
    previous = next(
        (
            f
            for f in standings[1:]
            # an earlier leader: on the same date another model leads another of its boards
            if entity_key(f.model) != entity_key(newest.model) and f.date < newest.date
        ),
        None,
    )
    if previous is not None:
        used.append(previous)
        if period:
            text += f" Before it, {previous.when}, {previous.model} led [[1]]."
        else:
            text += f"; {previous.when} it was {previous.model} [[1]]."
    elif not period:
        text += "."
    return _answer(question, text, used)


def history_answer(
    question: Question, facts: Sequence[RankingFact], name: str, board: str | None
) -> Answer | None:
    found = history(facts, entity_key(name), board)
    if not found:
        return None
    boards: dict[str, list[RankingFact]] = {}
    for f in found:
        boards.setdefault(f.leaderboard, []).append(f)
    used: list[RankingFact] = []
    lines = []
    for board_name, items in boards.items():
        kept = _changes(items)
        categories = {f.category for f in kept if f.category}
        label = f"{board_name} ({categories.pop()})" if len(categories) == 1 else board_name
        parts = []
        for j, f in enumerate(kept):
            i = len(used)
            used.append(f)
            subject = f.model if j == 0 or f.model != kept[j - 1].model else "it"
            where = f" ({f.category} board)" if len(categories) > 1 and f.category else ""
            if j == 0:
                parts.append(f"{_as_of(f.date)}, {subject} is {_rank(f)}{where} [[{i}]]")
            else:
                parts.append(f"{f.when} {subject} was {_rank(f)}{where} [[{i}]]")
        lines.append(f"On {label}: " + "; ".join(parts) + ".")
    text = "\n".join(lines)
    if len(found) > len(used):
        text += (
            f"\n\n{len(found)} standings in the sources; repeated ones are left out. The sources "
            "only record these moments, not the whole history."
        )
    else:
        text += "\n\nThe sources only record these moments, not the whole history."
    return _answer(question, text, used)


class RankingAnswerer:
    """Leader and rank-history questions, from the ranking facts extracted at ingest."""

    name = "ranking"

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer | None:
        """An answer from ranking facts, or None when the question is not of a ranking shape
        or the corpus has no facts for it."""
        question = prepared.question
        if question.shape not in ("rank_history", "leader"):
            return None
        facts = prepared.ranking_facts()
        if not facts:
            return None
        boards = question.boards
        if question.shape == "rank_history":
            return history_answer(
                question, facts, question.subjects[0], boards[0] if boards else None
            )
        return leader_answer(question, facts, boards[0])


__all__ = ["RankingAnswerer", "history_answer", "leader_answer"]
