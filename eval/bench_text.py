"""`python -m eval.bench_text [--limit-s 120]`

Seconds to split prose into sentences at 50 / 100 / 200 / 400 KB and 1.5 MB (linear splitting
keeps seconds per 100 KB flat), and to chunk a 5 MB line with no spaces (refused by the
chunks-per-document cap, or chunked). Figures are printed, never asserted. A case that runs
over `--limit-s` is stopped and shown as "> N s", and the larger sizes are skipped.
"""

from __future__ import annotations

import argparse
import resource
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ingest.chunking import chunk_document
from kb.errors import LoadError
from kb.text import sentence_spans
from kb.types import Document

SIZES_KB = (50, 100, 200, 400, 1500)

# Pasted-article prose with the things a splitter must get right: abbreviations, initials,
# decimals, versions, amounts, quotes, a glued sentence and a glued subheading.
_SENTENCES = (
    "Northwind Labs released Lumen-4 on March 2, 2026, two weeks after launch.",
    "The timing is deliberate: rivals such as Veridian Labs and Halvard AI cut prices by 40%.",
    'Analysts at J. P. Morgan said the U.S. market "will grow 3.5x by 2027."',
    "It ranked No. 2 on the OpenJudge Arena, e.g. ahead of gpt-4.1 and Node.js agents.",
    "The company raised $1.4bn in a Series C. In 2024, it employed 120 people.",
    "Revenue reached $52.7 billion.The board approved a buyback.",
    "Mr. Smith left in Jan. 2025 and joined Dr. Chen's team at Tessaly Research.",
    "Prices start at $2.50 per million tokens; see https://example.com/pricing.html for more.",
    "Will it last? Nobody knows!",
    "by the end of the decade.From anonymous entry to the top of the board",
)


def prose(size: int) -> str:
    """About `size` characters of prose in one run-on paragraph (a pasted article)."""
    parts: list[str] = []
    total = n = 0
    while total < size:
        sentence = _SENTENCES[n % len(_SENTENCES)]
        parts.append(sentence)
        total += len(sentence) + 1
        n += 1
    return " ".join(parts)[:size]


class _Stopped(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise _Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed(run: Callable[[], str], limit_s: float) -> tuple[float | None, str]:
    """Seconds taken (None when stopped at the limit) and what the run reported."""
    started = time.perf_counter()
    try:
        with _time_limit(limit_s):
            outcome = run()
    except _Stopped:
        return None, "stopped"
    return time.perf_counter() - started, outcome


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_split(limit_s: float) -> None:
    print("sentence splitting (one run-on paragraph of pasted prose)")
    print(f"{'size':>8} {'seconds':>10} {'s per 100 KB':>13} {'sentences':>10}")
    for kb in SIZES_KB:
        text = prose(kb * 1000)

        def split(text: str = text) -> str:
            return str(len(sentence_spans(text)))

        seconds, outcome = _timed(split, limit_s)
        label = f"{kb} KB" if kb < 1000 else f"{kb / 1000:g} MB"
        if seconds is None:
            print(f"{label:>8} {'> ' + format(limit_s, 'g') + ' s':>10} {'':>13} {outcome:>10}")
            print("         (larger sizes skipped)")
            return
        per = seconds / kb * 100
        print(f"{label:>8} {seconds:>10.3f} {per:>13.4f} {outcome:>10}")


def bench_spaceless(limit_s: float) -> None:
    print("\nchunking a 5 MB line without spaces (default chunk size 800, overlap 150)")
    text = "x" * 5_000_000
    doc = Document("bench", "spaceless.txt", "Spaceless", text, content_hash="0" * 64)
    before = _peak_rss_mb()

    def run() -> str:
        try:
            chunks = chunk_document(doc)
        except LoadError as exc:
            return f"refused: {exc.message}"
        return f"{len(chunks)} chunks"

    seconds, outcome = _timed(run, limit_s)
    shown = f"> {limit_s:g} s" if seconds is None else f"{seconds:.3f} s"
    print(f"  {shown}; {outcome}")
    print(f"  peak memory {_peak_rss_mb():.0f} MB (was {before:.0f} MB before this case)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_text", description=__doc__)
    parser.add_argument(
        "--limit-s", type=float, default=120.0, help="stop a case after this many seconds"
    )
    args = parser.parse_args(argv)
    bench_split(args.limit_s)
    bench_spaceless(args.limit_s)


if __name__ == "__main__":
    main()
