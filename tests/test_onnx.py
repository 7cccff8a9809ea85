"""The ONNX Runtime backend gives the same vectors as sentence-transformers (torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.embedders import load_embedder, resolve_model
from kb.onnx_embedder import OnnxEmbedder, cached_onnx
from kb.settings import Settings
from tests.conftest import DATA


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out = []
    for path in sorted((DATA / "articles").glob("*.md")):
        body = path.read_text(encoding="utf-8")
        out += [body[i : i + 600] for i in range(0, len(body), 250)]
    out += ["Who leads the OpenJudge Arena?", "TX-9", "", "a " * 600]
    return out


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def torch_embedder():
    return load_embedder(Settings(embed_backend="torch"))


@pytest.mark.parametrize(("int8", "min_mean_cosine"), [(False, 0.999), (True, 0.97)])
def test_onnx_vectors_match_torch(torch_embedder, texts, onnx_cache, int8, min_mean_cosine):
    real_embedder = torch_embedder
    name, path = resolve_model(Settings().embedder)
    model = cached_onnx(Path(path), int8=int8, cache_dir=onnx_cache)
    assert model.exists() and model.parent.parent == onnx_cache
    onnx = OnnxEmbedder(model, Path(path), name, batch_size=8)
    assert onnx.dimension == real_embedder.dimension
    ours, theirs = onnx.embed(texts), real_embedder.embed(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert float(cosines.mean()) >= min_mean_cosine, float(cosines.mean())
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def test_export_is_cached_and_reused(onnx_cache):
    name, path = resolve_model(Settings().embedder)

    first = cached_onnx(Path(path), int8=False, cache_dir=onnx_cache)
    stamp = first.stat().st_mtime_ns
    assert cached_onnx(Path(path), int8=False, cache_dir=onnx_cache) == first
    assert first.stat().st_mtime_ns == stamp


def test_first_export_is_announced_once_and_leaves_logging_alone(tmp_path):
    import logging

    name, path = resolve_model(Settings().embedder)
    handlers = list(logging.getLogger().handlers)
    heard: list[str] = []
    cached_onnx(Path(path), int8=True, cache_dir=tmp_path, on_export=heard.append, name=name)
    cached_onnx(Path(path), int8=True, cache_dir=tmp_path, on_export=heard.append, name=name)
    assert len(heard) == 1 and name in heard[0] and str(tmp_path) in heard[0]
    # quantization warns through the root logger; that must not configure logging for all
    assert logging.getLogger().handlers == handlers
