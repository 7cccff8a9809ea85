"""`python -m eval.bench --json` prints one object with every figure the README reports.

Only the shape is checked: speed is never asserted in tests (the machine is shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

KEYS = {
    "embed_backend": str,
    "ingest_chunks_per_s": float,
    "raw_encode_chunks_per_s": float,
    "ingest_vs_raw": float,
    "raw_encode_same_batch_chunks_per_s": float,
    "ingest_vs_raw_same_batch": float,
    "retrieve_p50_ms": dict,
    "retrieve_p95_ms": dict,
    "answer_p50_ms": dict,
    "add_one_doc_s": dict,
    "cold_start_s": float,
    "peak_rss_mb": float,
}


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eval.bench", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def test_bench_json_is_one_object_with_every_figure():
    done = bench("--json", "--sizes", "1k")
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    for key, kind in KEYS.items():
        assert isinstance(data[key], kind), (key, data.get(key))
    for key in ("retrieve_p50_ms", "retrieve_p95_ms", "answer_p50_ms", "add_one_doc_s"):
        assert set(data[key]) == {"1k"} and data[key]["1k"] > 0, key
    assert data["retrieve_p95_ms"]["1k"] >= data["retrieve_p50_ms"]["1k"]
    assert data["store_chunks"]["1k"] >= 900
    ratio = data["ingest_chunks_per_s"] / data["raw_encode_chunks_per_s"]
    assert abs(data["ingest_vs_raw"] - ratio) < 1e-9


def test_bench_refuses_an_unknown_size():
    done = bench("--sizes", "1k,5m")
    assert done.returncode == 2 and "unknown size 5m" in done.stderr
