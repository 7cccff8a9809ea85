"""Filters on what may answer: publication dates, sources, publishers, entities.

`Filters` normalises its values once and is the only code that turns them into a Chroma
`where` clause, a keyword-index mask and a per-chunk check, so the dense and keyword search
paths (and the fact tables) always filter alike. Publishers match whatever their case or
spacing ("reuters" finds "Reuters"); entities match under any of their spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.entities import entity_key, stored_keys
from kb.store import published_ord
from kb.types import Chunk

if TYPE_CHECKING:
    from kb.keyword import KeywordIndex


def publisher_key(name: str | None) -> str:
    """How publishers are compared: case and spacing folded."""
    return " ".join((name or "").split()).casefold()


def _tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


@dataclass(frozen=True)
class Filters:
    """Restrict answers by publication date (inclusive ISO dates), source, publisher, entity.

    Values are normalised on construction: blanks dropped, duplicates removed, publishers
    folded to `publisher_key`."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "since", (self.since or "").strip() or None)
        set_(self, "until", (self.until or "").strip() or None)
        set_(self, "sources", _tuple(self.sources))
        set_(self, "publishers", tuple(dict.fromkeys(map(publisher_key, _tuple(self.publishers)))))
        set_(self, "entities", _tuple(self.entities))

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sources or self.publishers or self.entities)

    @property
    def entity_keys(self) -> frozenset[str]:
        return frozenset(entity_key(e) for e in self.entities)

    def where(self, publisher_spellings: Iterable[str] = ()) -> dict[str, Any] | None:
        """The filters as a Chroma `where` clause. Chroma compares strings exactly, so the
        publisher clause lists every stored spelling (`publisher_spellings`) that matches;
        entities are checked afterwards with `admits` (they are stored as one text)."""
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"published_ord": {"$gte": published_ord(self.since)}})
        if self.until:
            clauses.append({"published_ord": {"$lte": published_ord(self.until)}})
            clauses.append({"published_ord": {"$gt": 0}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.publishers:
            wanted = set(self.publishers)
            spellings = sorted({p for p in publisher_spellings if publisher_key(p) in wanted})
            # no stored spelling matches: a clause that admits nothing
            clauses.append({"publisher": {"$in": spellings or ["\x00no such publisher"]}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, index: KeywordIndex) -> np.ndarray | None:
        """Boolean mask over the keyword index's chunks, or None when nothing is filtered."""
        if not self:
            return None
        size = index.size
        keep = np.ones(size, dtype=bool)
        if self.since:
            keep &= index.published >= published_ord(self.since)
        if self.until:
            keep &= (index.published <= published_ord(self.until)) & (index.published > 0)
        if self.sources:
            wanted = set(self.sources)
            keep &= np.fromiter((s in wanted for s in index.sources), bool, size)
        if self.publishers:
            folded = set(self.publishers)
            keep &= np.fromiter((publisher_key(p) in folded for p in index.publishers), bool, size)
        if self.entities:
            keys = self.entity_keys
            keep &= np.fromiter(
                (bool(keys & stored_keys(e.split("|"))) for e in index.entities), bool, size
            )
        return keep

    def admits(self, chunk: Chunk) -> bool:
        """Every filter, checked on one chunk."""
        return self.admits_document(chunk) and self.admits_entities(chunk.entities)

    def admits_document(self, chunk: Chunk) -> bool:
        """The date, source and publisher filters, on the article a chunk (or fact) is from."""
        published = chunk.published or ""
        if self.since and (not published or published < self.since):
            return False
        if self.until and (not published or published[: len(self.until)] > self.until):
            return False
        if self.sources and chunk.source not in self.sources:
            return False
        return not self.publishers or publisher_key(chunk.publisher) in self.publishers

    def admits_entities(self, stored: Sequence[str]) -> bool:
        """The entity filter on a chunk's stored entity tags ("model:Sora")."""
        return not self.entities or bool(self.entity_keys & stored_keys(stored))
