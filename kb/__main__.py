"""`python -m kb ask|stats|entities|timeline|rankings ...`: the knowledge base on the command
line."""

from __future__ import annotations

import argparse
import json
import sys

from kb import users_cli
from kb.cliargs import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_store_args,
    build_settings,
    iso_date_arg,
    report_error,
)
from kb.engine import KnowledgeBase
from kb.errors import KBError
from kb.explore import FACT_KINDS
from kb.factstore import FactQuery
from kb.factwords import describe
from kb.filters import Filters
from kb.render import answer_text, board_label, citation_line, standing
from kb.types import Answer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kb", description="Ask the knowledge base; inspect the store."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser(
        "ask",
        help="answer a question with citations",
        description="Answer QUESTION, or with no QUESTION one question per "
        "line from stdin (models are loaded once).",
    )
    ask.add_argument("question", nargs="?", help="the question (omit to read from stdin)")
    add_store_args(ask)
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument(
        "--mode",
        choices=["extractive", "llm"],
        help="extractive (default, offline) or llm (configured chat model)",
    )
    ask.add_argument("--k", type=int, help="chunks to retrieve (default 6)")
    ask.add_argument(
        "--since",
        type=iso_date_arg,
        metavar="DATE",
        help="only sources published on or after DATE (YYYY-MM-DD)",
    )
    ask.add_argument(
        "--until",
        type=iso_date_arg,
        metavar="DATE",
        help="only sources published on or before DATE (YYYY-MM-DD)",
    )
    ask.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="only this source (repeatable), as shown by `stats`",
    )
    ask.add_argument(
        "--publisher",
        action="append",
        default=[],
        metavar="NAME",
        help="only this publisher (repeatable)",
    )
    ask.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="QUESTION",
        help="an earlier question of the conversation (repeatable, oldest first)",
    )

    ask.add_argument(
        "--entity",
        action="append",
        default=[],
        metavar="NAME",
        help="only passages that mention this vendor, model or leaderboard "
        "(repeatable; see `entities`)",
    )

    entities = sub.add_parser("entities", help="vendors, models and leaderboards in the corpus")
    add_store_args(entities)
    entities.add_argument("--json", action="store_true", help="print one JSON object")

    timeline = sub.add_parser("timeline", help="dated events about one entity, oldest first")
    timeline.add_argument("entity", help="a vendor, model or leaderboard, e.g. Sora")
    add_store_args(timeline)
    timeline.add_argument("--json", action="store_true", help="print one JSON object")

    rankings = sub.add_parser(
        "rankings", help="leaderboard standings in the corpus, newest first, with sources"
    )
    rankings.add_argument(
        "entity", nargs="?", help="a model, model family, vendor or leaderboard, e.g. Gemini"
    )
    rankings.add_argument("--leaderboard", metavar="NAME", help="only this leaderboard")
    add_store_args(rankings)
    rankings.add_argument("--json", action="store_true", help="print one JSON object")

    facts = sub.add_parser(
        "facts",
        help="market facts (funding rounds, prices, launches, status changes, deals, legal "
        "actions, table rows, rankings), oldest first, with sources",
    )
    facts.add_argument("--kind", choices=FACT_KINDS, action="append", help="only this kind")
    facts.add_argument("--entity", metavar="NAME", help="only facts about this entity")
    facts.add_argument("--since", type=iso_date_arg, metavar="DATE", help="dated on/after DATE")
    facts.add_argument("--until", type=iso_date_arg, metavar="DATE", help="dated on/before DATE")
    facts.add_argument(
        "--all", action="store_true", help="include forecasts and rumours (marked as such)"
    )
    add_store_args(facts)
    facts.add_argument("--json", action="store_true", help="print one JSON object")

    stats = sub.add_parser("stats", help="documents, chunks and sources in the store")
    add_store_args(stats)
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    users_cli.add_parser(sub)
    return parser.parse_args(argv)


def _print_answer(answer: Answer) -> None:
    print(answer_text(answer))
    if answer.citations:
        print()
        for c in answer.citations:
            print(citation_line(c))
            print(f'    "{c.sentence}"')
    elif answer.abstained and answer.nearest:
        print("\nNearest sources:")
        for hit in answer.nearest:
            print(
                f"  - {hit.chunk.title} ({hit.chunk.published or 'undated'}) - {hit.chunk.source}"
            )
    for w in answer.warnings:
        print(f"note: {w}", file=sys.stderr)


def _ask(args: argparse.Namespace) -> int:
    kb = KnowledgeBase(build_settings(args))
    filters = Filters(
        since=args.since,
        until=args.until,
        sources=tuple(args.source),
        publishers=tuple(args.publisher),
        entities=tuple(args.entity),
    )
    if args.question is not None:
        questions = [args.question]
        stream = False
    else:
        questions = (line.rstrip("\n") for line in sys.stdin)  # type: ignore[assignment]
        stream = True
    history = list(args.history)
    for question in questions:
        if stream and not question.strip():
            continue
        answer = kb.ask(question, history=history, filters=filters, k=args.k, mode=args.mode)
        if args.json:
            print(json.dumps(answer.to_json()), flush=True)
        else:
            _print_answer(answer)
            if stream:
                print("\n---", flush=True)
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    stats = KnowledgeBase(build_settings(args)).stats()
    if args.json:
        print(json.dumps(stats.to_json()))
        return EXIT_OK
    span = " to ".join(stats.date_range) if stats.date_range else "no dates"
    print(
        f"{stats.documents} documents, {stats.chunks} chunks ({span}); "
        f"embedder {stats.embedder}; store {stats.store}"
    )
    print(f"last ingest: {stats.last_ingest or 'never'}")
    for s in stats.sources:
        date = (s.published or "undated") + ("*" if s.date_inferred else "")
        print(f"  {date:11}  {s.chunks:3} chunks  {s.source}  - {s.title}")
    if any(s.date_inferred for s in stats.sources):
        print("  * date read from the article's first sentences (it has no date line)")
    for source, original in stats.duplicates:
        print(f"  duplicate: {source} = {original}")
    return EXIT_OK


def _entities(args: argparse.Namespace) -> int:
    rows = KnowledgeBase(build_settings(args)).entities()
    if args.json:
        print(json.dumps({"entities": [r.to_json() for r in rows]}))
        return EXIT_OK
    for r in rows:
        print(f"{r.documents:4} docs {r.chunks:5} chunks  {r.kind:11}  {r.name}")
    return EXIT_OK


def _timeline(args: argparse.Namespace) -> int:
    timeline = KnowledgeBase(build_settings(args)).timeline(args.entity)
    if not timeline.events and not timeline.undated:
        raise KBError(
            f"No entity named {args.entity!r} in the corpus.",
            "List them with `python -m kb entities`.",
        )
    if args.json:
        print(json.dumps(timeline.to_json()))
        return EXIT_OK
    print(f"Timeline of {timeline.entity} ({len(timeline.events)} dated events)")
    for e in timeline.events:
        print(f"{e.date:10}  {e.text}\n            - {e.title} ({e.source})")
    if timeline.undated:
        print(f"\nUndated ({len(timeline.undated)})")
        for e in timeline.undated:
            print(f"{'undated':10}  {e.text}\n            - {e.title} ({e.source})")
    return EXIT_OK


def _rankings(args: argparse.Namespace) -> int:
    found = KnowledgeBase(build_settings(args)).rankings(args.entity, args.leaderboard)
    if (args.entity or args.leaderboard) and not found.facts:
        raise KBError(
            f"No ranking facts about {args.entity or args.leaderboard!r} in the corpus.",
            "List what has rankings with `python -m kb rankings`.",
        )
    if args.json:
        print(json.dumps(found.to_json()))
        return EXIT_OK
    print(f"{len(found.facts)} standings, newest first")
    for f in found.facts:
        score = f", score {f.score:g}" if f.score else ""
        print(
            f"{f.date or 'undated':10}  {standing(f.rank):6} {f.model} on "
            f"{board_label(f.leaderboard, f.category)}{score}"
        )
        print(f"            - {f.chunk.title} ({f.chunk.source})")
    return EXIT_OK


def _facts(args: argparse.Namespace) -> int:
    query = FactQuery(
        kinds=tuple(args.kind or ()),
        entity=args.entity,
        since=args.since,
        until=args.until,
        include_unconfirmed=args.all,
    )
    found = KnowledgeBase(build_settings(args)).facts(query)
    if args.json:
        print(json.dumps({"facts": [f.to_json() for f in found]}))
        return EXIT_OK
    if not found:
        print("No market facts match.", file=sys.stderr)
        return EXIT_OK
    for f in found:
        marked = "" if f.modality == "stated" else f" [{f.modality}]"
        what = describe(f.kind, f.fields, f.entities, f.text)
        print(f"{f.date or 'undated':10}  {f.kind:11}  {what}{marked}")
        page = f" p.{f.chunk.page}" if f.chunk.page else ""
        print(f"            - {f.chunk.title} ({f.chunk.source}{page})")
    print(f"{len(found)} facts", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "ask": _ask,
    "stats": _stats,
    "entities": _entities,
    "timeline": _timeline,
    "rankings": _rankings,
    "facts": _facts,
    "users": users_cli.run,
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KBError as exc:
        report_error(exc)
        return EXIT_USAGE
    except BrokenPipeError:  # `python -m kb ask ... | head`
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
