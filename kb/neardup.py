"""Near-duplicate detection: MinHash over word shingles, so that syndicated or lightly edited
copies of one story are recognised at ingest and stored once."""

from __future__ import annotations

import hashlib

import numpy as np

from kb.text import normalize

PERMUTATIONS = 64
SHINGLE = 4  # words per shingle
THRESHOLD = 0.8  # estimated Jaccard similarity above which two texts are one story

_rng = np.random.default_rng(20261124)
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)


def _shingle_hashes(text: str) -> np.ndarray:
    words = normalize(text).split()
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            for g in grams
        ),
        dtype=np.uint64,
        count=len(grams),
    )


MIN_SHINGLES = 60  # shorter texts share too much boilerplate to call them copies


def signature(text: str) -> str:
    """A MinHash signature (multiply-shift hashing), as hex for storing in metadata; empty for
    texts too short to judge."""
    x = _shingle_hashes(text)
    if len(x) < MIN_SHINGLES:
        return ""
    with np.errstate(over="ignore"):
        hashed = (_A[:, None] * x[None, :] + _B[:, None]) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32).tobytes().hex()


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    sa = np.frombuffer(bytes.fromhex(a), dtype=np.uint32)
    sb = np.frombuffer(bytes.fromhex(b), dtype=np.uint32)
    return float((sa == sb).mean())


BANDS = 16  # LSH bands of PERMUTATIONS // BANDS rows: pairs at 0.8 share a band with p > 0.999


def bands(sig: str) -> list[str]:
    """The LSH band keys of a signature (none for an empty one)."""
    if not sig:
        return []
    width = len(sig) // BANDS
    return [f"{i}:{sig[i * width : (i + 1) * width]}" for i in range(BANDS)]


def band_keys(sig: str) -> list[int]:
    """The LSH bands of a signature as integers (band number in the low 4 bits, 56 bits of
    the band's rows above), for storing in a database index; a rare collision only adds a
    candidate, which the similarity check then drops."""
    return [(int(b.split(":", 1)[1][:14], 16) << 4) | i for i, b in enumerate(bands(sig))]


class NearDuplicateIndex:
    """Locality-sensitive hashing over MinHash signatures: finds the stored texts that may be
    copies of a new one without comparing it with every document (ingest stays linear)."""

    def __init__(self) -> None:
        self._buckets: dict[str, set[str]] = {}
        self._signatures: dict[str, str] = {}

    def add(self, key: str, sig: str) -> None:
        if not sig:
            return
        self.remove(key)
        self._signatures[key] = sig
        for band in bands(sig):
            self._buckets.setdefault(band, set()).add(key)

    def remove(self, key: str) -> None:
        old = self._signatures.pop(key, None)
        if old:
            for band in bands(old):
                self._buckets.get(band, set()).discard(key)

    def candidates(self, sig: str) -> set[str]:
        """The keys sharing a band with `sig` (the texts that may be copies of it)."""
        return set().union(*(self._buckets.get(band, set()) for band in bands(sig)))

    def matches(self, sig: str, threshold: float, exclude: str = "") -> list[tuple[str, float]]:
        """Stored texts at or above `threshold` similarity, most similar first."""
        if not sig:
            return []
        candidates = self.candidates(sig)
        scored = [(key, similarity(sig, self._signatures[key])) for key in candidates - {exclude}]
        return sorted([(k, v) for k, v in scored if v >= threshold], key=lambda kv: (-kv[1], kv[0]))
