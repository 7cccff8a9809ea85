"""`python -m ingest [PATH|URL ...] [--store DIR | --chroma-url URL] [--prune] [--json]`"""

from __future__ import annotations

import argparse
import json
import sys

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
        help="do nothing when the store already holds documents (for `make run`)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        default=None,
        help="fetch URLs on loopback, private and link-local addresses too (intranets, test "
        "servers; env KB_ALLOW_PRIVATE_URLS=1)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


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
    if report.get("repaired_chunks"):
        lines.append(
            f"  repaired an interrupted ingest: removed {report['repaired_chunks']} orphan chunks"
        )
    return "\n".join(lines)


def _store_has_documents(settings) -> bool:  # noqa: ANN001
    from kb.store import ChromaStore

    return bool(ChromaStore(settings).documents())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = build_settings(args, allow_private_urls=args.allow_private_urls)
        from ingest.pipeline import Ingestor
        from kb.embedders import load_embedder

        show = not args.json and not args.quiet and sys.stderr.isatty()
        update, close = _progress_bar(show)
        if args.if_empty and _store_has_documents(settings):
            if not args.json:
                print("The store already holds documents; nothing to do.")
            return EXIT_OK
        embedder = load_embedder(
            settings, on_export=None if args.json else lambda line: print(line, file=sys.stderr)
        )
        ingestor = Ingestor(settings, embedder, progress=update)
        report = ingestor.run(
            args.paths,
            prune=args.prune,
            rebuild=args.rebuild,
            on_wait=lambda: print("waiting for another ingest to finish...", file=sys.stderr),
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
