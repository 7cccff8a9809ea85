"""`python -m eval.facts_eval [--docs DIR] [--json]`: market facts against a gold set.

DIR (default eval/fact_docs/, the development set the rules were tuned on; eval/fact_docs_test/
is the held-out set, only measured) holds articles and gold.jsonl, one line per fact a careful
analyst would list: {"doc", "kind", "date", "entity", "value", "modality"}. Nothing is
ingested: each article is loaded and chunked as ingest does (ingest.loaders, ingest.chunking)
and `kb.marketfacts.extract_facts` reads its chunks. Scores, per kind and overall:

- recall: share of gold facts some predicted fact matches;
- precision: share of predicted facts that match a gold fact (a second predicted fact for a gold
  fact already matched, e.g. a price stated in prose and again in a table, is counted apart as
  a duplicate and left out of precision);
- date accuracy: share of matched gold facts whose matched fact has the gold date, compared at
  the coarser of the two precisions ("2027-02" agrees with "2027-02-09");
- modality agreement: share of matched gold facts matched with the gold modality.

A predicted fact matches a gold one of the same article and kind when one of the kind's key
entity fields (KEYS) equals the gold entity by entity_key, or one key is a prefix of the other
("Ombra Voice" and "Ombra Voice API"), and its key value equals the gold value (numbers to one
part in a million; text ignoring case; a gold value null matches any).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.entities import entity_key
from kb.errors import KBError
from kb.marketfacts import KINDS, extract_facts

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = ROOT / "eval" / "fact_docs"
TEST_DOCS = ROOT / "eval" / "fact_docs_test"

KEYS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "funding": (("company",), "amount"),
    "price": (("product",), "value"),
    "launch": (("product",), None),
    "status": (("product",), "status"),
    "acquisition": (("target",), "amount"),
    "investment": (("target", "investor"), "amount"),
    "partnership": (("parties",), None),
    "legal": (("defendant",), "action"),
    "row": (("name",), None),
}
"""Per kind: the fields that may hold the key entity, and the field holding the key value."""


@dataclass(frozen=True)
class GoldFact:
    doc: str
    kind: str
    date: str | None
    entity: str
    value: Any
    modality: str = "stated"


def read_gold(folder: Path) -> list[GoldFact]:
    path = folder / "gold.jsonl"
    if not path.exists():
        raise KBError(f"no gold.jsonl in {folder}", "Point --docs at a folder with gold.jsonl.")
    gold = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            fact = GoldFact(
                r["doc"], r["kind"], r.get("date"), r["entity"], r.get("value"),
                r.get("modality", "stated"),
            )  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise KBError(
                f"{path}:{n} is not a gold fact ({exc})",
                'Each line: {"doc", "kind", "date", "entity", "value", "modality"}.',
            ) from exc
        if fact.kind not in KINDS:
            raise KBError(f"{path}:{n}: unknown kind {fact.kind!r}", f"Use one of {KINDS}.")
        gold.append(fact)
    return gold


def predict(folder: Path) -> list[dict[str, Any]]:
    """Every fact extracted from the folder's articles, as to_json() rows with their "doc"."""
    from eval.documents import chunked_documents

    rows: list[dict[str, Any]] = []
    for path, chunks in chunked_documents(folder):
        for fact in extract_facts(chunks):
            rows.append({"doc": path.name, **fact.to_json()})
    return rows


def _entities(row: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for name in KEYS[row["kind"]][0]:
        value = row["fields"].get(name)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v:
                out += [p for p in v.split(" and ") if p] if name == "defendant" else [v]
    return out


def _same_entity(a: str, b: str) -> bool:
    ka, kb_ = entity_key(a), entity_key(b)
    if not ka or not kb_:
        return False
    short, long = sorted((ka, kb_), key=len)
    return ka == kb_ or (len(short) >= 3 and long.startswith(short))


def _same_value(predicted: Any, gold: Any) -> bool:
    if gold is None:
        return True
    if isinstance(gold, int | float) and not isinstance(gold, bool):
        return isinstance(predicted, int | float) and abs(predicted - gold) <= 1e-6 * max(
            1.0, abs(gold)
        )
    return str(predicted or "").casefold() == str(gold).casefold()


def matches(row: dict[str, Any], gold: GoldFact) -> bool:
    if row["doc"] != gold.doc or row["kind"] != gold.kind:
        return False
    value_field = KEYS[gold.kind][1]
    value = row["fields"].get(value_field) if value_field else None
    return _same_value(value, gold.value) and any(
        _same_entity(e, gold.entity) for e in _entities(row)
    )


def _exact(row: dict[str, Any], gold: GoldFact) -> bool:
    return any(entity_key(e) == entity_key(gold.entity) for e in _entities(row))


def same_date(predicted: str | None, gold: str | None) -> bool:
    """Dates agree at the coarser of their two precisions."""
    if not predicted or not gold:
        return predicted == gold
    n = min(len(predicted), len(gold))
    return predicted[:n] == gold[:n]


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def score(gold: list[GoldFact], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall, date accuracy and modality agreement, per kind and overall."""
    # each gold fact takes one predicted fact: exact entity matches first, then prefix ones;
    # among candidates, one with the gold date
    matched: dict[int, int] = {}  # gold index -> row index
    taken: set[int] = set()
    for exact in (True, False):
        for gi, g in enumerate(gold):
            if gi in matched:
                continue
            cands = [
                ri
                for ri, r in enumerate(rows)
                if ri not in taken and matches(r, g) and (not exact or _exact(r, g))
            ]
            if cands:
                best = next((ri for ri in cands if same_date(rows[ri]["date"], g.date)), cands[0])
                matched[gi] = best
                taken.add(best)
    duplicates = {
        ri
        for ri, r in enumerate(rows)
        if ri not in taken and any(matches(r, gold[gi]) for gi in matched)
    }

    def block(kinds: tuple[str, ...]) -> dict[str, Any]:
        g_idx = [i for i, g in enumerate(gold) if g.kind in kinds]
        r_idx = [i for i, r in enumerate(rows) if r["kind"] in kinds and i not in duplicates]
        hit = [i for i in g_idx if i in matched]
        correct = [i for i in r_idx if i in taken]
        dated = [i for i in hit if same_date(rows[matched[i]]["date"], gold[i].date)]
        modal = [i for i in hit if rows[matched[i]]["modality"] == gold[i].modality]
        return {
            "gold": len(g_idx),
            "predicted": len(r_idx),
            "correct": len(correct),
            "duplicates": sum(1 for i in duplicates if rows[i]["kind"] in kinds),
            "precision": _ratio(len(correct), len(r_idx)),
            "recall": _ratio(len(hit), len(g_idx)),
            "date_accuracy": _ratio(len(dated), len(hit)),
            "modality_agreement": _ratio(len(modal), len(hit)),
        }

    def show(r: dict[str, Any]) -> str:
        return f"{r['doc']}: {r['kind']} {r['date']} {r['entities']} {_value(r)}"

    return {
        "overall": block(KINDS),
        "by_kind": {kind: block((kind,)) for kind in KINDS},
        "missed": [
            f"{g.doc}: {g.kind} {g.date} {g.entity} {g.value}"
            for gi, g in enumerate(gold)
            if gi not in matched
        ],
        "spurious": [
            show(r) for ri, r in enumerate(rows) if ri not in taken and ri not in duplicates
        ],
        "wrong_date": [
            f"{g.doc}: {g.kind} {g.entity} {rows[ri]['date']} (gold {g.date})"
            for gi, ri in matched.items()
            if not same_date(rows[ri]["date"], (g := gold[gi]).date)
        ],
    }


def _value(row: dict[str, Any]) -> Any:
    field = KEYS[row["kind"]][1]
    return row["fields"].get(field) if field else ""


def evaluate(folder: Path) -> dict[str, Any]:
    gold = read_gold(folder)
    rows = predict(folder)
    return {
        "docs": str(folder),
        "documents": len({r["doc"] for r in rows} | {g.doc for g in gold}),
        **score(gold, rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts_eval", description=__doc__)
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
    print(f"market facts over {result['documents']} articles in {result['docs']}")
    print(f"{'kind':12} {'gold':>4} {'pred':>4} {'ok':>4} {'dup':>4}  precision  recall  dates")
    for kind, s in [*result["by_kind"].items(), ("overall", result["overall"])]:
        print(
            f"{kind:12} {s['gold']:4d} {s['predicted']:4d} {s['correct']:4d} "
            f"{s['duplicates']:4d}  {s['precision']:9.3f}  {s['recall']:6.3f}  "
            f"{s['date_accuracy']:5.3f}"
        )
    print(f"modality agreement {result['overall']['modality_agreement']:.3f}")
    for label in ("missed", "spurious", "wrong_date"):
        for line in result[label]:
            print(f"{label}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
