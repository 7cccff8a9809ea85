"""A consistent view of the store: the registry and the keyword index of one revision.

An ingest moves the store to a new revision when it is done (and marks the manifest
"writing" while it runs). Readers hold one `StoreView` per question, so the registry, the
live-version map and the keyword index they use always come from the same revision;
`StoreViews` loads a new one when the revision moves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kb.errors import StoreBusyError
from kb.keyword import KeywordIndex, load_or_build
from kb.lock import WriteLock, lock_path
from kb.retrieve import Retriever
from kb.settings import Settings
from kb.store import ChromaStore, DocRecord, RegistryCache
from kb.types import Chunk

log = logging.getLogger(__name__)

VIEW_TRIES = 5
"""Views loaded again while an ingest keeps moving the store on."""


@dataclass(frozen=True)
class StoreView:
    """The store as of one revision."""

    revision: int
    writing: bool  # loaded while an ingest was writing: its chunks may still change
    documents: Mapping[str, DocRecord]
    keyword: KeywordIndex
    retriever: Retriever
    # values derived from this view (entity counts, ranking facts), computed on first use
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def live(self) -> Mapping[str, str]:
        """doc_id -> content hash of the version that is live."""
        return self.retriever.live

    def is_live(self, chunk: Chunk) -> bool:
        return self.live.get(chunk.doc_id) == chunk.content_hash

    def stored(self) -> list[DocRecord]:
        """The documents stored in their own right (not as duplicates)."""
        return [r for r in self.documents.values() if r.status == "stored"]

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per view (the app asks on every rerun)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


class StoreViews:
    """Keeps the newest consistent view of one store. Thread-safe."""

    def __init__(
        self,
        store: ChromaStore,
        settings: Settings,
        embed_query: Callable[[str], np.ndarray],
    ) -> None:
        self.store = store
        self.settings = settings
        self.embed_query = embed_query
        self._lock = threading.RLock()
        self._view: StoreView | None = None
        self._repair_if_interrupted()

    def _repair_if_interrupted(self) -> None:
        if not self.store.interrupted:
            return
        try:
            with WriteLock(lock_path(self.settings), timeout=0):
                removed = self.store.repair()
                self.store.end_write(last_ingest=self.store.manifest.get("last_ingest", ""))
                log.warning("repaired an interrupted ingest: removed %d orphan chunks", removed)
        except StoreBusyError:
            pass  # an ingest is running right now; the live-version filter keeps reads right

    def current(self, force: bool = False) -> StoreView:
        """The view of the store's current revision, loaded if the store moved on.

        While an ingest runs (state "writing") the store may move to a new revision while
        the view is being loaded; it is then loaded again, so the registry and the keyword
        index always come from one revision."""
        manifest = self.store.manifest
        view = self._view
        if view is not None and not force and int(manifest.get("revision", 0)) == view.revision:
            return view
        with self._lock:
            for _ in range(VIEW_TRIES):
                revision = int(manifest.get("revision", 0))
                if self._view is not None and not force and revision == self._view.revision:
                    return self._view
                self._view = self._load(revision, writing=manifest.get("state") == "writing")
                force = False
                if not self._view.writing:
                    break
                manifest = self.store.manifest
            assert self._view is not None
            return self._view

    def moved_since(self, view: StoreView) -> bool:
        """Whether an ingest may have deleted chunks of this view since it was loaded."""
        return view.writing and self.store.revision != view.revision

    def _load(self, revision: int, *, writing: bool) -> StoreView:
        documents = self._documents()
        keyword = load_or_build(self.store, self.settings.keyword_dir(), lock_path(self.settings))
        live = {d: r.content_hash for d, r in documents.items() if r.status == "stored"}
        retriever = Retriever(self.store, keyword, self.embed_query, self.settings, live)
        return StoreView(revision, writing, documents, keyword, retriever)

    def _documents(self) -> dict[str, DocRecord]:
        """The registry: from the local cache when it is of the store's current revision,
        else read from Chroma and cached, when no ingest is running and the store has not
        moved meanwhile (an ingest saves its own at the end)."""
        cache = RegistryCache(self.settings.registry_cache_path())
        stamp = self.store.stamp()
        cached = cache.load(stamp)
        if cached is not None:
            return cached
        documents = self.store.documents()
        try:
            with WriteLock(lock_path(self.settings), timeout=0):
                if self.store.stamp() == stamp and not self.store.interrupted:
                    cache.save(stamp, documents)
        except StoreBusyError:
            pass
        except OSError as exc:  # a read-only store still answers
            log.warning("could not save the registry cache to %s: %s", cache.path, exc)
        return documents
