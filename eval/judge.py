"""How the eval judges that a passage supports a sentence, and how well that agrees with
hand labels (eval/support_labels.jsonl: sentence, passage, supported)."""

from __future__ import annotations

import json
from pathlib import Path

from kb.answer.support import supports

LABELS = Path(__file__).parent / "support_labels.jsonl"
JUDGE_DESCRIPTION = (
    "a sentence is supported by a passage when it is quoted from it, or when every number and "
    "every capitalised name in it occur in the passage and at least half of its content words "
    "(stemmed, stopwords removed) do. Offline and deterministic (kb/answer/support.py). It "
    "cannot see negation or changed verbs ('raised' for 'cut'). The name rule was added after "
    "reading the judge's disagreements with the 50 hand labels, so the agreement figure is "
    "not a held-out estimate."
)


def judge_agreement(path: Path = LABELS) -> tuple[float | None, int]:
    """(share of hand labels the judge agrees with, number of labels)."""
    if not path.exists():
        return None, 0
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if not rows:
        return None, 0
    agree = sum(supports(r["sentence"], r["passage"]) == bool(r["supported"]) for r in rows)
    return agree / len(rows), len(rows)
