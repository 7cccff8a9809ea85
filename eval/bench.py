"""`python -m eval.bench [--json] [--sizes 1k,10k,100k] [--backend B]`

Measures, in one run on this machine: pipeline ingest throughput on corpus/ (parse, chunk,
embed, store) against the plain sentence-transformers torch encode of the same chunks;
retrieval and extractive-answer latency at several store sizes; cold start to first answer;
peak memory. Figures are printed, never asserted: compare ratios from one run.

Scaled stores: the corpus's Markdown articles are repeated with varied text (each copy gets a
distinct suffix and date) and ingested through the real pipeline in streaming batches, with
near-duplicate detection off (the copies are near-duplicates by construction).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Which company released Happy Horse 1.1?",
    "How much did OpenAI cut o3 prices?",
    "Who led the Chatbot Arena in May 2024?",
    "What did Nvidia's data-centre revenue reach in fiscal 2025?",
    "When did the EU AI Act enter into force?",
    "What licence is DeepSeek-R1 released under?",
    "How much did Anthropic agree to pay authors?",
    "What is the output price of Claude 3 Haiku?",
]
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def corpus_chunks(settings):  # noqa: ANN001, ANN201
    """Chunks of the corpus as the pipeline makes them (for the raw-encode comparison)."""
    from ingest.chunking import chunk_document
    from ingest.loaders import loader_for
    from ingest.pipeline import text_hash
    from ingest.sources import discover, doc_id_for
    from kb.types import Document

    items, _, _ = discover([str(ROOT / "corpus")], ROOT / "corpus")
    chunks = []
    for item in items:
        try:
            loaded = loader_for(item.path.name)(item.path.read_bytes(), item.source)
        except Exception:  # noqa: BLE001 - the bench skips what ingest would report
            continue
        doc = Document(
            doc_id_for(item.source),
            item.source,
            loaded.title,
            loaded.text,
            published=loaded.published,
            page_starts=loaded.page_starts,
            content_hash=text_hash(loaded.text),
        )
        chunks.extend(chunk_document(doc, settings.chunk_size, settings.chunk_overlap))
    return chunks


def scaled_corpus(folder: Path, target_chunks: int, chunks_per_doc: float) -> None:
    """Write a corpus of about `target_chunks` chunks: corpus articles repeated, each copy
    with distinct text (a copy number woven into every paragraph) and its own date."""
    sources = sorted(p for p in (ROOT / "corpus").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    copies = max(1, round(target_chunks / max(1.0, chunks_per_doc)))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        text = texts[i % len(texts)]
        body = text.split("\n---\n", 1)[-1] if text.startswith("---") else text
        paragraphs = [
            f"{p} (Edition {i}, desk {i % 97}.)" if p.strip() else p for p in body.split("\n\n")
        ]
        year = 2023 + i % 4
        (folder / f"copy-{i:06d}.md").write_text(
            f'---\ntitle: "Market note {i}"\ndate: {year}-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
            f'source: "Bench Wire"\n---\n\n' + "\n\n".join(paragraphs),
            encoding="utf-8",
        )


def measure_queries(settings, embedder, repeats: int = 3) -> tuple[list[float], list[float]]:  # noqa: ANN001
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(settings, embedder)
    kb.ask(QUESTIONS[0])  # warm
    retrieve, answer = [], []
    for _ in range(repeats):
        for q in QUESTIONS:
            a = kb.ask(q)
            retrieve.append(a.timings["retrieve_ms"])
            answer.append(a.timings["retrieve_ms"] + a.timings["answer_ms"])
    return retrieve, answer


def raw_torch_encode_s(
    texts: list[str], scratch: Path, embedder: str, batch_size: int = 32
) -> float:
    """Seconds for plain sentence-transformers (torch; its default batch size is 32) to encode
    `texts`, in a fresh process so nothing of this one (ONNX Runtime's threads, memory) slows
    it; the model load and one warm-up batch stay outside the timing."""
    scratch.write_text(json.dumps(texts), encoding="utf-8")
    code = (
        "import json,sys,time;from kb.embedders import resolve_model;"
        "from sentence_transformers import SentenceTransformer;"
        f"texts=json.load(open({str(scratch)!r}));"
        f"m=SentenceTransformer(resolve_model({embedder!r})[1],device='cpu');"
        f"b={batch_size};m.encode(texts[:32],batch_size=b,normalize_embeddings=True);"
        "t=time.perf_counter();m.encode(texts,batch_size=b,normalize_embeddings=True);"
        "print(time.perf_counter()-t)"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env=env
    )
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(store: Path, backend: str) -> float:
    """Seconds from process start to the first answer, store already ingested."""
    code = (
        "import time,sys;t=time.perf_counter();from kb.engine import KnowledgeBase;"
        "from kb.settings import Settings;"
        f"kb=KnowledgeBase(Settings(store_dir={str(store)!r},embed_backend={backend!r}));"
        "kb.ask('Which company released Happy Horse 1.1?');"
        "print(time.perf_counter()-t)"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    total = time.perf_counter() - started
    float(out.stdout.strip().splitlines()[-1])
    return total


def store_sizes(text: str) -> list[str]:
    labels = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}"
        )
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--sizes",
        default="1k,10k,100k",
        type=store_sizes,
        help="store sizes to measure, from 1k, 10k, 100k (e.g. 1k,10k)",
    )
    parser.add_argument("--backend", help="embedding backend (default: the settings')")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from ingest.pipeline import Ingestor
    from kb.embedders import load_embedder
    from kb.keyword import index_text
    from kb.settings import Settings

    base = Settings()
    if args.backend:
        base = base.model_copy(update={"embed_backend": args.backend})
    log = (lambda *a: None) if args.json else print
    embedder = load_embedder(base)
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    result: dict = {"embed_backend": base.embed_backend, "cores": os.cpu_count()}
    try:
        # 1. pipeline ingest of the corpus vs raw torch encode of the same chunks
        chunks = corpus_chunks(base)
        texts = [index_text(c.title, c.text) for c in chunks]
        settings = base.model_copy(update={"store_dir": work / "corpus-store"})
        # One-off process costs stay outside both timings, as the torch import and model load
        # do for the raw encode: importing chromadb (~0.7 s) and the first inference call.
        # Cold start below measures them all.
        import chromadb  # noqa: F401

        embedder.embed(["warm-up"])
        started = time.perf_counter()
        report = Ingestor(settings, embedder).run([str(ROOT / "corpus")])
        ingest_s = time.perf_counter() - started
        docs = report.count("added")
        result["ingest_docs_per_s"] = docs / ingest_s
        result["ingest_chunks_per_s"] = report.chunks_added / ingest_s
        raw_s = raw_torch_encode_s(texts, work / "texts.json", base.embedder)
        result["raw_encode_chunks_per_s"] = len(texts) / raw_s
        result["ingest_vs_raw"] = result["ingest_chunks_per_s"] / result["raw_encode_chunks_per_s"]
        # torch at the pipeline's own batch size, which suits a CPU better than 32
        small_s = raw_torch_encode_s(
            texts, work / "texts.json", base.embedder, base.embed_batch_size
        )
        result["raw_encode_same_batch_chunks_per_s"] = len(texts) / small_s
        result["ingest_vs_raw_same_batch"] = (
            result["ingest_chunks_per_s"] / result["raw_encode_same_batch_chunks_per_s"]
        )
        result["corpus_chunks"] = report.chunks_added
        log(
            f"corpus: {docs} docs, {report.chunks_added} chunks; ingest "
            f"{result['ingest_chunks_per_s']:.0f} chunks/s ({base.embed_backend}); raw torch "
            f"encode {result['raw_encode_chunks_per_s']:.0f} chunks/s; ratio "
            f"{result['ingest_vs_raw']:.2f} (torch at batch size {base.embed_batch_size}: "
            f"{result['raw_encode_same_batch_chunks_per_s']:.0f} chunks/s, ratio "
            f"{result['ingest_vs_raw_same_batch']:.2f})"
        )

        # 2. latency at scale
        # scaled stores repeat the Markdown articles, so size them by those articles' chunks
        md_chunks = [c for c in chunks if c.source.endswith(".md")]
        sources_md = sorted({c.source for c in md_chunks})
        md_docs = len(sources_md)
        per_doc = len(md_chunks) / max(1, md_docs)
        result["store_chunks"] = {}
        result["retrieve_p50_ms"], result["retrieve_p95_ms"], result["answer_p50_ms"] = {}, {}, {}
        result["scaled_ingest_chunks_per_s"] = {}
        result["add_one_doc_s"] = {}
        for label in args.sizes:
            n = SIZES[label]
            folder = work / f"scaled-{label}"
            scaled_corpus(folder, n, per_doc)
            # the copies are near-duplicates by construction; detection would store each
            # article once, so it is off for these synthetic stores
            scaled = base.model_copy(
                update={
                    "store_dir": work / f"store-{label}",
                    "corpus_dir": folder,
                    "near_duplicate_threshold": 1.01,
                }
            )
            started = time.perf_counter()
            rep = Ingestor(scaled, embedder).run([str(folder)])
            seconds = time.perf_counter() - started
            result["scaled_ingest_chunks_per_s"][label] = rep.chunks_added / seconds
            result["store_chunks"][label] = rep.chunks_added
            retrieve, answer = measure_queries(scaled, embedder)
            result["retrieve_p50_ms"][label] = statistics.median(retrieve)
            result["retrieve_p95_ms"][label] = pct(retrieve, 0.95)
            result["answer_p50_ms"][label] = statistics.median(answer)
            # what a user waits for when one new article goes into a store of this size
            extra = work / f"one-more-{label}.md"
            extra.write_text((ROOT / "corpus" / sources_md[0]).read_text(encoding="utf-8"))
            started = time.perf_counter()
            Ingestor(scaled, embedder).run([str(extra)])
            result["add_one_doc_s"][label] = time.perf_counter() - started
            log(
                f"{label}: {rep.chunks_added} chunks ingested at "
                f"{rep.chunks_added / seconds:.0f}/s; retrieve p50 "
                f"{result['retrieve_p50_ms'][label]:.1f} ms, p95 "
                f"{result['retrieve_p95_ms'][label]:.1f} ms; answer p50 "
                f"{result['answer_p50_ms'][label]:.1f} ms; one more article "
                f"{result['add_one_doc_s'][label]:.2f} s"
            )
            shutil.rmtree(folder, ignore_errors=True)
        result["cold_start_s"] = cold_start(work / "corpus-store", base.embed_backend)
        log(f"cold start to first answer: {result['cold_start_s']:.1f} s")
        result["peak_rss_mb"] = peak_rss_mb()
        log(f"peak memory: {result['peak_rss_mb']:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
