"""`python -m eval.tune`: grid-search the answerer's thresholds on the eval **dev** split.

Only dev questions are used; the test split is never read here. Prints the best settings by
pass rate (answerable questions fully answered, unanswerable ones declined), ties broken by
fact recall; copy them into kb/settings.py by hand.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from eval.metrics import aggregate
from eval.questions import GOLDEN, load_questions
from eval.runner import build_temporary_store, run_questions

ROOT = Path(__file__).resolve().parent.parent
GRID = {
    "min_evidence": [0.40, 0.45, 0.50, 0.55, 0.60],
    "dense_share": [0.3, 0.4, 0.5, 0.6],
}


def main() -> int:
    from kb.embedders import load_embedder
    from kb.engine import KnowledgeBase
    from kb.settings import Settings

    questions = [q for q in load_questions(GOLDEN) if q.split == "dev"]
    base = Settings()
    embedder = load_embedder(base)
    store = build_temporary_store(ROOT / "corpus", base, embedder)
    results = []
    for values in itertools.product(*GRID.values()):
        changes = dict(zip(GRID, values, strict=True))
        kb = KnowledgeBase(store.model_copy(update=changes), embedder)
        m = aggregate(run_questions(kb, questions))
        results.append((m["pass_rate"], m["fact_recall"], changes, m))
        print(
            f"{changes}: pass {m['pass_rate']:.3f} facts {m['fact_recall']:.3f} "
            f"abstain-recall {m['abstention_recall']:.3f} "
            f"false-abstain {m['false_abstention_rate']:.3f}",
            file=sys.stderr,
        )
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print(
        "best on dev:",
        results[0][2],
        {k: round(v, 3) for k, v in results[0][3].items() if isinstance(v, float)},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
