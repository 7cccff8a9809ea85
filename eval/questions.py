"""Golden questions: loading, validating and splitting a JSON Lines question set."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ConfigError

GOLDEN = Path(__file__).parent / "golden.jsonl"
CATEGORIES = (
    "vendor",
    "numbers",
    "table",
    "temporal",
    "multi_doc",
    "follow_up",
    "reworded",
    "unanswerable",
    "time_change",  # "now"/"still" questions about a value that changed: newest + what it replaced
    "entity",  # asked with an entity filter (`entities` in the question file)
    "ranking",  # leaderboard leaders and rank histories
    # analyst questions answered from market facts (issue 15)
    "list",  # every matching item; passes only when all are named
    "count",  # the number, optionally with the items counted
    "superlative",  # the winner and its figure
    "compare",  # both sides' figures
    "what_happened",  # the newest relevant event, with its status word and date
    "status",  # "is X still available in Y?": the status word (and date)
    "timeline",  # dated values, oldest to newest
    "summary",  # a digest over several sources that must hold the key facts
)
# A question set is scored in parts: "main" (the starter corpus's own style) and
# "generalization" (unfamiliar articles and questions typed as people type them, issue 16).
PARTS = ("main", "generalization")


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    facts: tuple[tuple[str, ...], ...]
    sources: tuple[str, ...]
    answerable: bool
    category: str
    split: str | None = None
    history: tuple[str, ...] = field(default_factory=tuple)
    entities: tuple[str, ...] = field(default_factory=tuple)  # ask only about these
    part: str = "main"  # one of PARTS


def load_questions(path: Path, *, require_split: bool = True) -> list[GoldenQuestion]:
    """Read and validate a question file; a ConfigError names the line and the problem."""
    questions: list[GoldenQuestion] = []
    seen: set[str] = set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the question file {path}: {exc.strerror}",
            "Check the path given to --questions.",
        ) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise ConfigError(
                f"{where}: not valid JSON ({exc})", "One JSON object per line."
            ) from exc
        problems = []
        for key, kind in (("id", str), ("question", str), ("answerable", bool)):
            if not isinstance(raw.get(key), kind):
                problems.append(f"{key!r} must be a {kind.__name__}")
        facts = raw.get("facts", [])
        if not isinstance(facts, list) or not all(
            isinstance(f, list) and f and all(isinstance(p, str) for p in f) for f in facts
        ):
            problems.append("'facts' must be a list of non-empty lists of strings")
        split = raw.get("split")
        if require_split and split not in ("dev", "test"):
            problems.append("'split' must be 'dev' or 'test'")
        entities = raw.get("entities", [])
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            problems.append("'entities' must be a list of strings")
        if raw.get("part", "main") not in PARTS:
            problems.append(f"'part' must be one of {', '.join(PARTS)}")
        if raw.get("answerable") and not facts:
            problems.append("an answerable question needs at least one fact")
        if raw.get("id") in seen:
            problems.append(f"duplicate id {raw.get('id')!r}")
        if problems:
            raise ConfigError(
                f"{where}: " + "; ".join(problems), "See the schema in the README's eval section."
            )
        seen.add(raw["id"])
        questions.append(
            GoldenQuestion(
                id=raw["id"],
                question=raw["question"],
                facts=tuple(tuple(f) for f in facts),
                sources=tuple(raw.get("sources") or ()),
                answerable=raw["answerable"],
                category=raw.get("category") or "uncategorised",
                split=split,
                history=tuple(raw.get("history") or ()),
                entities=tuple(entities),
                part=raw.get("part", "main"),
            )
        )
    if not questions:
        raise ConfigError(f"{path} holds no questions.", "Add one JSON object per line.")
    return questions
