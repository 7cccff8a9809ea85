"""`python -m eval [--quick] [--split dev|test|all] [--mode extractive|llm] [--out DIR]`

Builds a temporary store from corpus/ (or uses --store), answers the golden questions, and
writes report.json, report.md and report.html; compares with eval/baseline.json and exits 1
when a headline metric fell by more than the tolerance.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from eval.judge import JUDGE_DESCRIPTION, judge_agreement
from eval.metrics import aggregate, by_category, by_part
from eval.questions import GOLDEN, load_questions
from eval.report import (
    HEADLINE,
    category_figures,
    compare,
    fmt,
    part_lines,
    tolerance_for,
    write_reports,
)
from kb.cliargs import EXIT_FAILED, EXIT_OK, EXIT_USAGE, report_error
from kb.errors import ConfigError, KBError

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).parent / "baseline.json"
QUICK_EVERY = 3  # --quick takes every third question of the set, a fixed subset


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n\n")[1])
    p.add_argument("--quick", action="store_true", help="a fixed subset (every third question)")
    p.add_argument("--split", choices=["dev", "test", "all"], default="all")
    p.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "reports" / "latest")
    p.add_argument("--store", metavar="DIR", help="use this store instead of a temporary one")
    p.add_argument("--questions", type=Path, help="your own question set (JSON Lines)")
    p.add_argument("--docs", type=Path, help="your own documents folder (with --questions)")
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="write this run's headline metrics into eval/baseline.json",
    )
    return p.parse_args(argv)


def baseline_key(args: argparse.Namespace) -> str:
    return f"{args.mode}/{'quick' if args.quick else 'full'}/{args.split}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KBError as exc:
        report_error(exc)
        return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    from eval.runner import build_temporary_store, run_questions
    from kb.embedders import load_embedder
    from kb.engine import KnowledgeBase
    from kb.settings import Settings

    own_set = args.questions is not None
    if own_set and not (args.docs or args.store):
        raise ConfigError(
            "--questions needs --docs DIR (or --store) to answer from.",
            "Add --docs with the folder your questions are about.",
        )
    question_file = args.questions or GOLDEN
    questions = load_questions(question_file, require_split=not own_set)
    if args.split != "all":
        questions = [q for q in questions if (q.split or "test") == args.split]
    if args.quick:
        questions = questions[::QUICK_EVERY]
    if not questions:
        raise ConfigError(f"No questions in split {args.split!r}.", "Try --split all.")

    started = time.perf_counter()
    settings = Settings()
    embedder = load_embedder(settings)
    docs = args.docs or ROOT / "corpus"
    if args.store:
        settings = settings.model_copy(update={"store_dir": Path(args.store), "chroma_url": None})
    else:
        print(f"Ingesting {docs} into a temporary store...", file=sys.stderr)
        settings = build_temporary_store(docs, settings, embedder)
    kb = KnowledgeBase(settings, embedder)
    rows = run_questions(
        kb,
        questions,
        mode=args.mode,
        progress=lambda i, n: print(f"\r{i}/{n} questions", end="", file=sys.stderr),
    )
    print(file=sys.stderr)
    overall = aggregate(rows)
    categories = by_category(rows)
    agreement, labels = judge_agreement()

    key = baseline_key(args)
    baselines = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    tolerance = tolerance_for(sum(1 for r in rows if r.answerable))
    diff = {} if own_set else compare(overall, baselines.get(key), tolerance)
    meta = {
        "split": args.split,
        "mode": args.mode,
        "quick": args.quick,
        "questions": len(rows),
        "question_file": str(question_file),
        "docs": str(docs),
        "judge": JUDGE_DESCRIPTION,
        "judge_agreement": agreement,
        "judge_labels": labels,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "baseline_key": key,
    }
    if args.split == "all":
        meta["by_split"] = {
            s: aggregate(
                [r for r, q in zip(rows, questions, strict=False) if (q.split or "test") == s]
            )
            for s in ("dev", "test")
        }
    baseline_categories = None if own_set else (baselines.get(key) or {}).get("by_category")
    write_reports(args.out, meta, overall, categories, rows, diff, baseline_categories)

    print(
        f"Eval on split {args.split} ({len(rows)} questions, mode {args.mode}"
        f"{', quick' if args.quick else ''}) in {meta['seconds']}s"
    )
    for k in (
        "pass_rate",
        "hit@5",
        "mrr@10",
        "fact_recall",
        "exact_answer_rate",
        "citation_precision",
        "citation_recall",
        "faithfulness",
        "abstention_precision",
        "abstention_recall",
        "false_abstention_rate",
        "retrieve_p50_ms",
        "answer_p50_ms",
    ):
        print(f"  {k:24} {fmt(overall.get(k))}")
    for line in part_lines(by_part(rows)):
        print(line)
    print(f"Reports: {args.out}/report.html, report.md, report.json")

    regressed = [k for k, d in diff.items() if d["regressed"]]
    for k, d in diff.items():
        if abs(d["change"]) > 1e-9:
            print(
                f"  vs baseline {k}: {fmt(d['baseline'])} -> {fmt(d['current'])} "
                f"({d['change']:+.3f}){'  REGRESSED' if d['regressed'] else ''}"
            )
    if args.update_baseline and not own_set:
        baselines[key] = {k: overall[k] for k in HEADLINE if overall.get(k) is not None}
        baselines[key]["by_category"] = category_figures(categories)
        BASELINE.write_text(json.dumps(baselines, indent=2, sort_keys=True) + "\n")
        print(f"Baseline {key} updated in {BASELINE}")
        return EXIT_OK
    if regressed:
        print(
            f"FAILED: {', '.join(regressed)} fell by more than {tolerance:.3f} against the "
            f"baseline ({key}).",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
