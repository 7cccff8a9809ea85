"""Shared fixtures: the real bundled embedding model, temporary stores, fixture files."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from kb.embedders import Embedder, load_embedder  # noqa: E402
from kb.settings import Settings  # noqa: E402

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


class CountingEmbedder:
    """The real embedder, counting how many texts it was asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.texts = 0

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts, query=query)


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    return load_embedder(Settings())


@pytest.fixture
def embedder(real_embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(real_embedder)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", corpus_dir=tmp_path / "corpus", chroma_url=None)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A private copy of the fictional fixture articles (tests may edit or delete files)."""
    target = tmp_path / "articles"
    shutil.copytree(DATA / "articles", target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory, real_embedder) -> Settings:
    """A store holding the fictional fixture articles, built once per test session.
    Tests must not write to it; those that do build their own."""
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("fixture-store")
    settings = Settings(store_dir=root / "store", corpus_dir=DATA / "articles", chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(DATA / "articles")])
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def fixture_kb(fixture_store, real_embedder):
    from kb.engine import KnowledgeBase

    return KnowledgeBase(fixture_store, real_embedder)


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    """corpus/ ingested once per session through the command line, as a user does it.
    Tests must not write to it."""
    import subprocess
    import sys

    store = tmp_path_factory.mktemp("corpus-store") / "store"
    subprocess.run(
        [sys.executable, "-m", "ingest", "--store", str(store), "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return store


def kb_of_articles(root: Path, embedder: Embedder, articles: dict[str, str]):  # noqa: ANN201
    """A knowledge base of these invented articles (file name -> text), ingested into a
    store of its own under `root`."""
    from ingest.pipeline import Ingestor
    from kb.engine import KnowledgeBase

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(store_dir=root / "store", corpus_dir=corpus, chroma_url=None)
    report = Ingestor(settings, embedder).run([str(corpus)])
    assert not report.failed, report.failed
    return KnowledgeBase(settings, embedder)


def run_kb(store: Path, *args: str):  # noqa: ANN201
    """`python -m kb ARGS --store STORE`, its output captured as text."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "kb", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def wait_for_http(url: str, proc, seconds: float = 90) -> bool:  # noqa: ANN001
    """Poll `url` until it answers 200 (True) or `proc` dies or time runs out (False)."""
    import time

    import httpx

    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False
