"""`python -m ingest [PATH|URL ...] [--store DIR | --chroma-url URL] [--prune] [--json]`

News feeds: `--feed URL` (subscribe and ingest now), `--refresh`, `--watch [--every 30m]`,
`--feeds` (list), `--unsubscribe URL`.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading

from kb.cliargs import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_store_args,
    build_settings,
    report_error,
)
from kb.errors import KBError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest articles (.txt, .md, .html, .pdf files, folders, or http(s) URLs) "
        "into the knowledge base. With no path, ingests the corpus folder (corpus/).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH|URL")
    add_store_args(parser)
    parser.add_argument(
        "--prune", action="store_true", help="remove documents whose source file is gone"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the store and rebuild it with the current settings",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="add nothing when the store already holds documents, only bring its fact index "
        "up to date after an upgrade (for `make run`)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        default=None,
        help="fetch URLs on loopback, private and link-local addresses too (intranets, test "
        "servers; env KB_ALLOW_PRIVATE_URLS=1)",
    )
    feeds = parser.add_argument_group("news feeds")
    mode = feeds.add_mutually_exclusive_group()
    mode.add_argument(
        "--feed",
        action="append",
        metavar="URL",
        help="subscribe to an RSS, Atom or JSON feed and ingest its items now (repeatable)",
    )
    mode.add_argument("--refresh", action="store_true", help="refresh every subscription once")
    mode.add_argument(
        "--watch",
        action="store_true",
        help="refresh every subscription, then again every --every, until Ctrl-C or SIGTERM",
    )
    mode.add_argument("--feeds", action="store_true", help="list the subscriptions and their state")
    mode.add_argument(
        "--unsubscribe", metavar="URL", help="forget a subscription (its articles stay)"
    )
    feeds.add_argument(
        "--every",
        metavar="DURATION",
        help="with --watch: time between refreshes, e.g. 90s, 30m, 2h (default 30m)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    feed_mode = args.feed or args.refresh or args.watch or args.feeds or args.unsubscribe
    if args.every is not None and not args.watch:
        parser.error("--every goes with --watch")
    if args.watch:
        try:
            args.every_s = parse_duration(args.every or "30m")
        except ValueError as exc:
            parser.error(str(exc))
    if feed_mode and (args.paths or args.prune or args.rebuild or args.if_empty):
        parser.error("the feed options do not take paths, --prune, --rebuild or --if-empty")
    return args


_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smh]?)")


def parse_duration(text: str) -> float:
    """Seconds in "90s", "30m", "2h" or "1h30m" (a bare number is seconds)."""
    parts = _DURATION.findall(text.strip().lower())
    if not text.strip() or "".join(n + u for n, u in parts) != text.strip().lower():
        raise ValueError(f"--every {text!r}: give a duration such as 90s, 30m or 2h")
    seconds = sum(float(n) * {"": 1, "s": 1, "m": 60, "h": 3600}[u] for n, u in parts)
    if seconds < 1:
        raise ValueError(f"--every {text!r}: at least one second")
    return seconds


def _progress_bar(enabled: bool):  # noqa: ANN202 - returns a callback
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            bar = bars[stage] = tqdm(
                total=total,
                desc=stage,
                unit="chunk" if stage == "embedding" else "file",
                leave=False,
                file=sys.stderr,
            )
        bar.n = done
        bar.refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()
        bars.clear()

    return update, close


def _summary(report: dict) -> str:
    d = report["documents"]
    lines = [
        f"{d['added']} added, {d['updated']} updated, {d['unchanged']} unchanged, "
        f"{d['duplicates']} duplicates, {d['removed']} removed; "
        f"{report['chunks_added']} chunks embedded in {report['seconds']:.1f}s"
    ]
    for f in report["files"]:
        if f["status"] == "duplicate":
            same = (
                f"{f['similarity']:.0%} the same text as"
                if f.get("similarity", 1) < 1
                else "same text as"
            )
            lines.append(f"  duplicate  {f['source']} ({same} {f.get('duplicate_of')})")
    for f in report["files"]:
        if f["status"] == "failed":
            hint = f" ({f['hint']})" if f.get("hint") else ""
            lines.append(f"  FAILED     {f['source']}: {f['error']}{hint}")
    for s in report["skipped"]:
        lines.append(f"  skipped    {s['source']}: {s['reason']}")
    if report.get("retagged_documents"):
        lines.append(
            f"  re-tagged {report['retagged_documents']} stored documents with the new entity "
            "recogniser (no re-embedding)"
        )
    if report.get("repaired_chunks"):
        lines.append(
            f"  repaired an interrupted ingest: removed {report['repaired_chunks']} orphan chunks"
        )
    return "\n".join(lines)


def _store_has_documents(settings) -> bool:  # noqa: ANN001
    from kb.store import ChromaStore

    return bool(ChromaStore(settings).documents())


def _feed_lines(refreshes: list[dict]) -> list[str]:
    lines = []
    for f in refreshes:
        name = f["title"] if f["title"] == f["url"] else f"{f['title']} ({f['url']})"
        if f["status"] == "failed":
            hint = f" ({f['hint']})" if f.get("hint") else ""
            lines.append(f"  FAILED feed {name}: {f['error']}{hint}")
            continue
        counts = (
            f"{f['new']} new, {f['updated']} updated, {f['unchanged']} unchanged, "
            f"{f['failed']} failed"
        )
        if f["deferred"]:
            counts += f", {f['deferred']} left for the next refresh"
        status = {"not-modified": "not modified since the last refresh", "stopped": "stopped"}
        extra = f" ({status[f['status']]})" if f["status"] in status else ""
        lines.append(f"  feed {name}: {counts}{extra}")
    return lines


def _print_refreshes(refreshes, as_json: bool) -> None:  # noqa: ANN001
    from ingest.feeds import ingest_report

    data = ingest_report(refreshes).to_json()
    data["feeds"] = [r.to_json() for r in refreshes]
    if as_json:
        print(json.dumps(data), flush=True)
        return
    if not refreshes:
        print("No subscriptions: add one with `python -m ingest --feed URL`.", flush=True)
        return
    print(_summary(data), *_feed_lines(data["feeds"]), sep="\n", flush=True)


def _print_feeds(settings, as_json: bool) -> None:  # noqa: ANN001
    from ingest.feeds import list_feeds

    feeds = list_feeds(settings)
    if as_json:
        print(json.dumps({"feeds": [f.to_json() for f in feeds]}))
        return
    if not feeds:
        print("No subscriptions: add one with `python -m ingest --feed URL`.")
    for f in feeds:
        print(f"{f.title or f.url}\n  {f.url}")
        print(
            f"  added {f.added or '-'}; last checked {f.last_checked or 'never'}; last new item "
            f"{f.last_new_item or 'never'}; {f.items_seen} items so far"
        )
        if f.last_error:
            print(f"  last error: {f.last_error}")


def _stop_on_signals() -> threading.Event:
    """SIGINT and SIGTERM ask the refresh to stop between items; a second one ends at once."""
    stop = threading.Event()

    def handle(signum: int, frame) -> None:  # noqa: ANN001
        name = signal.Signals(signum).name
        print(f"{name}: stopping after the current item...", file=sys.stderr, flush=True)
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    return stop


def _feeds_main(args: argparse.Namespace, settings) -> int:  # noqa: ANN001
    from ingest import feeds
    from ingest.pipeline import bring_facts_current

    on_wait = lambda: print("waiting for another refresh to finish...", file=sys.stderr)  # noqa: E731
    if args.feeds:
        _print_feeds(settings, args.json)
        return EXIT_OK
    if args.unsubscribe:
        gone = feeds.unsubscribe(settings, args.unsubscribe, on_wait=on_wait)
        if args.json:
            print(json.dumps({"unsubscribed": gone.to_json()}))
        else:
            print(
                f"Unsubscribed from {gone.url}; its {gone.items_seen} articles stay in the store."
            )
        return EXIT_OK
    from kb.embedders import load_embedder

    show = not args.json and not args.quiet and sys.stderr.isatty()
    update, close = _progress_bar(show)
    stop = _stop_on_signals()
    embedder = load_embedder(
        settings, on_export=None if args.json else lambda line: print(line, file=sys.stderr)
    )
    if args.feed or args.refresh:  # a refresh may add nothing: the fact index still upgrades
        bring_facts_current(settings, on_wait=on_wait)
    if args.feed:
        results = []
        for url in args.feed:
            if stop.is_set():
                break
            results.append(
                feeds.subscribe(settings, embedder, url, update, stop=stop, on_wait=on_wait)
            )
        close()
        _print_refreshes(results, args.json)
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
    if args.refresh:
        results = feeds.refresh(settings, embedder, progress=update, stop=stop, on_wait=on_wait)
        close()
        _print_refreshes(results, args.json)
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
    # --watch: one refresh now, then one every args.every_s, until a signal
    while not stop.is_set():
        try:
            bring_facts_current(settings, on_wait=on_wait)
            results = feeds.refresh(settings, embedder, progress=update, stop=stop, on_wait=on_wait)
            close()
            _print_refreshes(results, args.json)
        except KBError as exc:  # a Chroma server down for a while: try again next time
            report_error(exc)
        if not stop.is_set() and not args.json:
            print(f"next refresh in {args.every or '30m'}...", file=sys.stderr, flush=True)
        stop.wait(args.every_s)  # a signal sets `stop` and ends the wait at once
    print("stopped.", file=sys.stderr, flush=True)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.feed or args.refresh or args.watch or args.feeds or args.unsubscribe:
        try:
            settings = build_settings(args, allow_private_urls=args.allow_private_urls)
            return _feeds_main(args, settings)
        except KBError as exc:
            report_error(exc)
            return EXIT_USAGE
    try:
        settings = build_settings(args, allow_private_urls=args.allow_private_urls)
        from ingest.pipeline import Ingestor, bring_facts_current
        from kb.embedders import load_embedder
        from kb.ner import start_loading as start_loading_ner

        on_wait = lambda: print("waiting for another ingest to finish...", file=sys.stderr)  # noqa: E731

        show = not args.json and not args.quiet and sys.stderr.isatty()
        update, close = _progress_bar(show)
        if args.if_empty and _store_has_documents(settings):
            # no documents to add, but an upgrade's fact-index rebuild belongs here
            rebuilt = bring_facts_current(settings, on_wait=on_wait)
            if not args.json:
                print(
                    "The store already holds documents; its fact index was brought up to date."
                    if rebuilt
                    else "The store already holds documents; nothing to do."
                )
            return EXIT_OK
        start_loading_ner()  # spaCy loads in the background while the embedder loads
        embedder = load_embedder(
            settings, on_export=None if args.json else lambda line: print(line, file=sys.stderr)
        )
        ingestor = Ingestor(settings, embedder, progress=update)
        report = ingestor.run(
            args.paths,
            prune=args.prune,
            rebuild=args.rebuild,
            on_wait=on_wait,
        )
        close()
    except KBError as exc:
        report_error(exc)
        return EXIT_USAGE
    data = report.to_json()
    if args.json:
        print(json.dumps(data))
    else:
        print(_summary(data))
    return EXIT_FAILED if report.failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
