"""`python -m eval.bench_facts [--store DIR] [--repeat N] [--json]`

What market facts cost and how fast their answers are, measured in one run on this machine:

- extraction: seconds to extract the facts of every document of corpus/ from its chunks,
  against seconds to embed the same chunks (the ingest step it rides beside), and the ratio;
- answers: p50 and p95 milliseconds of `KnowledgeBase.ask` per answer shape (list, count,
  superlative, compare, timeline, status, summary...) over the golden dev questions of those
  categories, each asked `--repeat` times after one warm-up pass.

Figures are printed, never asserted (the machine is shared: compare ratios from one run).
Without `--store` the corpus is ingested into a temporary store first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.documents import chunked_documents  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from kb.embedders import load_embedder  # noqa: E402
from kb.engine import KnowledgeBase  # noqa: E402
from kb.keyword import index_text  # noqa: E402
from kb.marketfacts import extract_facts  # noqa: E402
from kb.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = (
    "list",
    "count",
    "superlative",
    "compare",
    "timeline",
    "what_happened",
    "status",
    "summary",
)


def _corpus_chunks(corpus: Path) -> list[list]:
    return [chunks for _, chunks in chunked_documents(corpus)]


def extraction(settings: Settings) -> dict:
    documents = _corpus_chunks(Path(settings.corpus_dir))
    chunks = [c for doc in documents for c in doc]
    started = time.perf_counter()
    facts = sum(len(extract_facts(doc)) for doc in documents)
    extract_s = time.perf_counter() - started
    embedder = load_embedder(settings)
    embedder.embed([index_text(c.title, c.text) for c in chunks[:8]])  # warm-up
    started = time.perf_counter()
    embedder.embed([index_text(c.title, c.text) for c in chunks])
    embed_s = time.perf_counter() - started
    return {
        "documents": len(documents),
        "chunks": len(chunks),
        "facts": facts,
        "extract_s": round(extract_s, 3),
        "extract_ms_per_chunk": round(1000 * extract_s / max(1, len(chunks)), 2),
        "embed_s": round(embed_s, 3),
        "extract_vs_embed": round(extract_s / embed_s, 3) if embed_s else None,
    }


def answers(kb: KnowledgeBase, repeat: int) -> dict:
    questions = []
    for line in (ROOT / "eval" / "golden.jsonl").read_text().splitlines():
        q = json.loads(line)
        if q.get("split") == "dev" and q["category"] in CATEGORIES:
            questions.append(q)
    times: dict[str, list[float]] = defaultdict(list)
    for q in questions:  # warm-up: caches, the fact index, the first embeddings
        kb.ask(q["question"], history=q.get("history") or [])
    for _ in range(repeat):
        for q in questions:
            started = time.perf_counter()
            answer = kb.ask(q["question"], history=q.get("history") or [])
            times[answer.shape or "abstained"].append(1000 * (time.perf_counter() - started))
    out = {}
    for shape, values in sorted(times.items()):
        values.sort()
        out[shape] = {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[min(len(values) - 1, int(0.95 * len(values)))], 1),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_facts", description=__doc__)
    parser.add_argument("--store", help="an ingested store of corpus/ (else a temporary one)")
    parser.add_argument("--repeat", type=int, default=3, help="times each question is asked")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-bench-facts-") as tmp:
        settings = Settings(store_dir=Path(args.store or tmp), corpus_dir=ROOT / "corpus")
        result = {"extraction": extraction(settings)}
        if not args.store:
            Ingestor(settings, load_embedder(settings)).run([str(settings.corpus_dir)])
        result["answers"] = answers(KnowledgeBase(settings), args.repeat)
    if args.json:
        print(json.dumps(result))
        return 0
    e = result["extraction"]
    print(
        f"extraction: {e['facts']} facts from {e['chunks']} chunks of {e['documents']} documents "
        f"in {e['extract_s']} s ({e['extract_ms_per_chunk']} ms/chunk); embedding the same "
        f"chunks {e['embed_s']} s; extraction / embedding = {e['extract_vs_embed']}"
    )
    print("answer time by shape (ms):")
    for shape, t in result["answers"].items():
        print(f"  {shape:12} n={t['n']:3}  p50 {t['p50_ms']:7.1f}  p95 {t['p95_ms']:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
