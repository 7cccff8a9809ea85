"""`python -m eval.entities_eval [--docs DIR] [--json]`: entity recognition against a gold set.

DIR (default eval/entity_docs/, the development set) holds articles and gold.jsonl, one line
per article; eval/entity_docs_dev2/ is a second development set in styles the first lacks (an
earnings-call transcript, a forum thread, a regulator's press release, a pricing page);
eval/entity_docs_test/ is a held-out set of unseen articles in other styles (a wire
story with a dateline, a press release, a snippet web page, a trade newsletter, robotics), to
be run once after a change and never tuned on. Each gold line:
{"doc": filename, "entities": [{"name", "kind", "aliases": [...]}]}. The articles are ingested
through the real pipeline into a temporary store, and `KnowledgeBase.entities()` (what
`python -m kb entities` lists) is scored against the gold entities of all articles together:

- recall: share of gold entities that some listed entity matches;
- precision: share of listed entities, of the kinds the gold set uses, that match a gold one;
- kind agreement: share of matched gold entities listed with the gold kind.

A listed entity matches a gold one when its entity_key equals that of the gold name or of any
alias ("Veridian" for "Veridian Labs").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.entities import entity_key
from kb.errors import KBError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = ROOT / "eval" / "entity_docs"


@dataclass(frozen=True)
class GoldEntity:
    name: str
    kind: str
    keys: frozenset[str]


def read_gold(folder: Path) -> list[GoldEntity]:
    """The gold entities of every article in the folder, one per key across articles."""
    path = folder / "gold.jsonl"
    if not path.exists():
        raise KBError(f"no gold.jsonl in {folder}", "Point --docs at a folder with gold.jsonl.")
    found: dict[str, GoldEntity] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            entities = record["entities"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise KBError(
                f"{path}:{n} is not a gold record ({exc})",
                'Each line: {"doc": ..., "entities": [{"name", "kind", "aliases"}]}.',
            ) from exc
        for e in entities:
            keys = frozenset(entity_key(a) for a in [e["name"], *e.get("aliases", [])])
            key = entity_key(e["name"])
            if key in found:  # the same entity in several articles: pool the aliases
                old = found[key]
                found[key] = GoldEntity(old.name, old.kind, old.keys | keys)
            else:
                found[key] = GoldEntity(e["name"], e["kind"], keys)
    return list(found.values())


def score(gold: list[GoldEntity], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall, precision and kind agreement of listed entity rows against gold entities."""
    kinds = {g.kind for g in gold}
    predicted = [r for r in rows if r["kind"] in kinds]
    by_key = {entity_key(r["name"]): r for r in predicted}
    matched: dict[str, dict[str, Any]] = {}
    for g in gold:
        hit = next((by_key[k] for k in sorted(g.keys) if k in by_key), None)
        if hit:
            matched[g.name] = hit
    gold_keys = set().union(*(g.keys for g in gold)) if gold else set()
    correct = [r for r in predicted if entity_key(r["name"]) in gold_keys]
    same_kind = [g for g in gold if g.name in matched and matched[g.name]["kind"] == g.kind]
    per_kind = {
        kind: round(
            sum(1 for g in gold if g.kind == kind and g.name in matched)
            / max(1, sum(1 for g in gold if g.kind == kind)),
            3,
        )
        for kind in sorted(kinds)
    }
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "recall": round(len(matched) / max(1, len(gold)), 3),
        "precision": round(len(correct) / max(1, len(predicted)), 3),
        "kind_agreement": round(len(same_kind) / max(1, len(matched)), 3),
        "recall_by_kind": per_kind,
        "missed": sorted(g.name for g in gold if g.name not in matched),
        "spurious": sorted(r["name"] for r in predicted if entity_key(r["name"]) not in gold_keys),
        "wrong_kind": sorted(
            f"{g.name}: {matched[g.name]['kind']} (gold {g.kind})"
            for g in gold
            if g.name in matched and matched[g.name]["kind"] != g.kind
        ),
    }


def evaluate(folder: Path) -> dict[str, Any]:
    """Ingest the folder's articles into a temporary store and score its entity listing."""
    from ingest.pipeline import Ingestor
    from kb.embedders import load_embedder
    from kb.engine import KnowledgeBase
    from kb.settings import Settings

    gold = read_gold(folder)
    with tempfile.TemporaryDirectory(prefix="kb-entities-eval-") as tmp:
        settings = Settings(store_dir=Path(tmp) / "store", corpus_dir=folder, chroma_url=None)
        embedder = load_embedder(settings)
        report = Ingestor(settings, embedder).run([str(folder)])
        if report.failed:
            raise KBError(
                f"{len(report.failed)} article(s) could not be ingested: "
                + ", ".join(r.source for r in report.failed),
                "Fix or remove them.",
            )
        rows = [r.to_json() for r in KnowledgeBase(settings, embedder).entities()]
    return {"docs": str(folder), "documents": report.count("added"), **score(gold, rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.entities_eval", description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="articles + gold.jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        result = evaluate(args.docs)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"entities over {result['documents']} articles in {result['docs']}")
    print(
        f"recall {result['recall']:.3f} ({result['gold']} gold)  precision "
        f"{result['precision']:.3f} ({result['predicted']} listed)  kind agreement "
        f"{result['kind_agreement']:.3f}"
    )
    by_kind = result["recall_by_kind"]
    print("recall by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in by_kind.items()))
    for label in ("missed", "spurious", "wrong_kind"):
        if result[label]:
            print(f"{label}: " + "; ".join(result[label]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
