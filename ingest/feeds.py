"""News feeds: subscribe to a publisher's RSS, Atom or JSON Feed, and refresh it cheaply.

A refresh of one feed:

1. The feed is fetched with the ETag / Last-Modified it answered last time; 304 ends it.
2. Each entry is recognised by its canonical link (`clean_source`, the source its document is
   stored under). An entry listed exactly as last time whose document is in the store is not
   fetched again. New and changed entries are fetched (newest `feed_max_items`, in feed
   order), their pages with the page's own validators, and read like any URL. When a page
   cannot be fetched (an error, robots.txt) and the feed carries the full text, that is used.
3. What was read is ingested in one `Ingestor.run_loaded` (the pipeline's checks, write order
   and write lock), then the subscription's state is saved. Items that leave the feed stay in
   the corpus.

Locks: a refresh holds the *refresh lock* (`feeds.lock` beside the ingest lock) from start to
end, so two refreshes, or a refresh and an unsubscribe, never run at once; it takes the
*ingest lock* only while it writes documents. Most of a refresh is waiting on the network
(one request per second per host), and holding the ingest lock for all of it would stall
file ingests and uploads for minutes. The feed state is written only under the refresh lock,
after the documents it describes are stored: a crash in between costs a re-fetch, never a
lost item.

Stopping: `stop` (a threading.Event, set by SIGINT/SIGTERM in `--watch`) is checked between
items. Pages already read are still ingested and their state saved; the item being fetched
when the stop came is finished; later items are left for the next refresh. Nothing is ever
half-written (and an outright kill is repaired by the store like any interrupted ingest).
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ingest.feedformats import FeedEntry, ParsedFeed, parse_feed
from ingest.http import FetchPolicy
from ingest.loaders import Loaded, clean_source, is_url, load_fetched
from ingest.loaders.base import require_text
from ingest.loaders.html import load_html
from ingest.metadata import title_from_filename
from ingest.pipeline import RETAG_PER_UPDATE, FileResult, Ingestor, IngestReport, LoadedInput
from ingest.polite import PoliteFetcher, Stopped
from ingest.sources import doc_id_for
from kb.embedders import Embedder
from kb.errors import KBError, LoadError
from kb.lock import WriteLock, lock_path
from kb.settings import Settings
from kb.store import ChromaStore, FeedItem, FeedRecord

Progress = Callable[[str, int, int], None]  # (stage, done, total): "feeds", "pages", ...

MAX_FAILURES = 3  # an item failing this often is tried again only when its entry changes
_FORGOTTEN_KEPT = 200  # items no longer listed whose state is still kept, per feed
_NOT_SUBSCRIBED_HINT = "Run `python -m ingest --feeds` to list the subscriptions."


@dataclass(frozen=True)
class Feed:
    """A subscription as users see it."""

    url: str
    title: str
    added: str
    last_checked: str
    last_new_item: str
    items_seen: int
    last_error: str

    @classmethod
    def from_record(cls, record: FeedRecord) -> Feed:
        return cls(
            url=record.url,
            title=record.title,
            added=record.added,
            last_checked=record.last_checked,
            last_new_item=record.last_new_item,
            items_seen=record.items_seen,
            last_error=record.last_error,
        )

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FeedRefresh:
    """What one refresh (or a subscription) did to one feed.

    status: "ok"; "not-modified" (the feed answered 304); "failed" (the feed could not be
    fetched or read: `error` says why); "stopped" (a stop came before it finished).
    new/updated/unchanged/failed count items; `deferred` ones wait for the next refresh (over
    `feed_max_items`, or after a stop). `files` are the ingest results of the items fetched."""

    url: str
    title: str
    status: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    deferred: int = 0
    error: str = ""
    hint: str = ""
    files: tuple[FileResult, ...] = ()
    chunks_added: int = 0
    repaired_chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed" and not self.failed

    @property
    def added(self) -> tuple[FileResult, ...]:
        """The items this refresh stored as new or changed articles."""
        return tuple(f for f in self.files if f.status in ("added", "updated"))

    def to_json(self) -> dict:
        out = {
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "deferred": self.deferred,
            "error": self.error,
        }
        if self.hint:
            out["hint"] = self.hint
        return out


# --- the public functions -----------------------------------------------------------------


def subscribe(
    settings: Settings,
    embedder: Embedder,
    url: str,
    progress: Progress | None = None,
    *,
    stop: threading.Event | None = None,
    on_wait: Callable[[], None] | None = None,
) -> FeedRefresh:
    """Subscribe to the feed at `url` and ingest its items now.

    A URL that is not a feed, or a feed that cannot be fetched, is not subscribed: the result
    says why (status "failed"). Subscribing again to a feed refreshes it."""
    url = url.strip()
    if not is_url(url):
        raise LoadError(url, "a feed is an http(s):// URL", "Give the feed's full address.")
    key = clean_source(url)
    store = ChromaStore(settings)
    with _refresh_lock(settings, on_wait):
        existing = store.feeds().get(key)
        record = replace(existing, fetch_url=url) if existing else _new_record(key, url)
        run = _Refresh(settings, embedder, store, progress, stop, on_wait)
        result, updated = run.feed(record)
        if result.status == "failed" and existing is None:
            return replace(result, error=f"not subscribed: {result.error}")
        store.put_feed(updated)
        return result


def refresh(
    settings: Settings,
    embedder: Embedder,
    urls: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    stop: threading.Event | None = None,
    on_wait: Callable[[], None] | None = None,
) -> list[FeedRefresh]:
    """Refresh every subscription (or those in `urls`) once; one result per feed refreshed.

    A feed that fails is reported and the others go on. After a stop, feeds not yet started
    are left out of the result."""
    store = ChromaStore(settings)
    with _refresh_lock(settings, on_wait):
        feeds = store.feeds()
        if urls:
            wanted = [clean_source(u) for u in urls]
            unknown = [u for u in wanted if u not in feeds]
            if unknown:
                raise KBError(f"Not subscribed to {', '.join(unknown)}.", _NOT_SUBSCRIBED_HINT)
            records = [feeds[u] for u in dict.fromkeys(wanted)]
        else:
            records = list(feeds.values())
        run = _Refresh(settings, embedder, store, progress, stop, on_wait)
        results = []
        for done, record in enumerate(records):
            if run.stop.is_set():
                break
            run.progress("feeds", done, len(records))
            result, updated = run.feed(record)
            store.put_feed(updated)
            results.append(result)
        run.progress("feeds", len(results), len(records))
        return results


def unsubscribe(settings: Settings, url: str, *, on_wait: Callable[[], None] | None = None) -> Feed:
    """Forget a subscription; the articles it brought stay in the store. Returns it."""
    key = clean_source(url)
    store = ChromaStore(settings)
    with _refresh_lock(settings, on_wait):
        record = store.feeds().get(key)
        if record is None:
            raise KBError(f"Not subscribed to {key}.", _NOT_SUBSCRIBED_HINT)
        store.delete_feed(key)
    return Feed.from_record(record)


def list_feeds(settings: Settings) -> list[Feed]:
    """Every subscription with its state, by URL."""
    return [Feed.from_record(r) for r in ChromaStore(settings).feeds().values()]


def ingest_report(refreshes: Iterable[FeedRefresh]) -> IngestReport:
    """The refreshes as one ingest report (the shape `python -m ingest --json` prints); a
    feed that failed is listed as a failed source."""
    report = IngestReport()
    for r in refreshes:
        report.results.extend(r.files)
        if r.status == "failed":
            report.results.append(FileResult(r.url, "failed", error=r.error, hint=r.hint))
        report.chunks_added += r.chunks_added
        report.repaired_chunks += r.repaired_chunks
        report.seconds += r.seconds
    return report


# --- one refresh ----------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _refresh_lock(settings: Settings, on_wait: Callable[[], None] | None) -> WriteLock:
    return WriteLock(lock_path(settings).with_name("feeds.lock"), on_wait=on_wait)


def _new_record(key: str, url: str) -> FeedRecord:
    return FeedRecord(url=key, fetch_url=url, added=_now())


@dataclass(frozen=True)
class _Planned:
    entry: FeedEntry
    link: str  # canonical
    state: FeedItem | None  # what is remembered of it (None: new)
    stored: bool  # its document is in the store


class _Refresh:
    """One refresh: one polite fetcher (robots.txt read once per host) for all its feeds."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChromaStore,
        progress: Progress | None,
        stop: threading.Event | None,
        on_wait: Callable[[], None] | None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.progress = progress or (lambda stage, done, total: None)
        self.stop = stop or threading.Event()
        self.on_wait = on_wait
        self.ingestor = Ingestor(
            settings, embedder, store=store, progress=progress, retag_limit=RETAG_PER_UPDATE
        )
        self.fetcher = PoliteFetcher(
            FetchPolicy.from_settings(settings), settings.feed_host_interval_s, self.stop
        )
        self._doc_ids: set[str] | None = None

    def stored(self, link: str) -> bool:
        if self._doc_ids is None:
            self._doc_ids = set(self.store.documents())
        return doc_id_for(link) in self._doc_ids

    def feed(self, record: FeedRecord) -> tuple[FeedRefresh, FeedRecord]:
        """Refresh one feed: its result, and the record to save."""
        started = datetime.now(UTC)
        now = started.isoformat(timespec="seconds")
        title = record.title or record.url
        headers = {}
        if record.etag:
            headers["If-None-Match"] = record.etag
        if record.last_modified:
            headers["If-Modified-Since"] = record.last_modified
        try:
            fetched = self.fetcher.fetch(record.fetch_url or record.url, headers)
            if fetched.status == 304:
                result = FeedRefresh(record.url, title, "not-modified")
                return result, replace(record, last_checked=now, last_error="")
            parsed = parse_feed(
                fetched.content, fetched.final_url, fetched.headers.get("content-type", "")
            )
        except Stopped:
            return FeedRefresh(record.url, title, "stopped"), record
        except LoadError as exc:
            result = FeedRefresh(record.url, title, "failed", error=exc.message, hint=exc.hint)
            return result, replace(record, last_checked=now, last_error=exc.message)
        title = parsed.title or record.title or record.url
        return self._items(record, parsed, title, fetched.headers, now, started)

    def _items(
        self,
        record: FeedRecord,
        parsed: ParsedFeed,
        title: str,
        feed_headers: dict[str, str],
        now: str,
        started: datetime,
    ) -> tuple[FeedRefresh, FeedRecord]:
        known = {i.link: i for i in record.items}
        kept: dict[str, FeedItem] = {}  # the item states to save
        listed: set[str] = set()
        todo: list[_Planned] = []
        failed: list[FileResult] = []
        skipped: list[FileResult] = []
        unchanged = 0
        for entry in parsed.entries:
            if not entry.link:
                # reported, but not a failure: nothing would change on the next refresh
                skipped.append(
                    FileResult(
                        f"{record.url} item {entry.title!r}",
                        "skipped",
                        title=entry.title,
                        error="the feed item has no link to its article",
                    )
                )
                continue
            link = clean_source(entry.link)
            if link in listed:
                continue
            listed.add(link)
            state = known.get(link)
            stored = self.stored(link)
            same = state is not None and state.entry == entry.fingerprint
            if same and state is not None and (stored or state.failures >= MAX_FAILURES):
                kept[link] = replace(state, seen=now)
                unchanged += stored
                continue
            todo.append(_Planned(entry, link, state, stored))
        deferred = max(0, len(todo) - self.settings.feed_max_items)
        todo = todo[: self.settings.feed_max_items]

        loaded: list[LoadedInput] = []
        fetched_states: dict[str, FeedItem] = {}
        stopped = False
        handled = 0
        for item in todo:
            if self.stop.is_set():
                stopped = True
                break
            self.progress("pages", handled, len(todo))
            try:
                outcome = self._read_item(item, title, now)
            except Stopped:
                stopped = True
                break
            handled += 1
            if isinstance(outcome, FileResult):
                failed.append(outcome)
                kept[item.link] = _failure(item, now)
            elif isinstance(outcome, FeedItem):  # 304: the page did not change
                kept[item.link] = outcome
                unchanged += 1
            else:
                document, state = outcome
                loaded.append(document)
                fetched_states[item.link] = state
        deferred += len(todo) - handled  # left by a stop
        if todo:
            self.progress("pages", handled, len(todo))

        report = self.ingestor.run_loaded(loaded, on_wait=self.on_wait)
        counts = {"new": 0, "updated": 0, "unchanged": unchanged}
        for file in report.results:
            state = fetched_states.get(file.source)
            if file.status == "failed":
                kept[file.source] = _failure(next(i for i in todo if i.link == file.source), now)
                continue
            if state is not None:
                kept[file.source] = state
                if self._doc_ids is not None:
                    self._doc_ids.add(doc_id_for(file.source))
            key = {"added": "new", "duplicate": "new", "updated": "updated"}.get(
                file.status, "unchanged"
            )
            counts[key] += 1
        files = tuple(sorted((*report.results, *failed, *skipped), key=lambda f: f.source))
        n_failed = sum(1 for f in files if f.status == "failed")
        complete = not stopped and not deferred and not n_failed
        errors = [f"{f.source}: {f.error}" for f in files if f.status == "failed"]
        result = FeedRefresh(
            url=record.url,
            title=title,
            status="stopped" if stopped else "ok",
            new=counts["new"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            failed=n_failed,
            deferred=deferred,
            error=_items_failed(errors),
            files=files,
            chunks_added=report.chunks_added,
            repaired_chunks=report.repaired_chunks,
            seconds=(datetime.now(UTC) - started).total_seconds(),
        )
        updated = replace(
            record,
            title=title,
            last_checked=now,
            last_new_item=now if counts["new"] else record.last_new_item,
            items_seen=record.items_seen + counts["new"],
            last_error=result.error,
            # validators only when nothing is left to do: else the next refresh must see the
            # items again (deferred, failed or stopped ones) even if the feed is unchanged
            etag=feed_headers.get("etag", "") if complete else "",
            last_modified=feed_headers.get("last-modified", "") if complete else "",
            items=_bounded({**known, **kept}, listed),
        )
        return result, updated

    def _read_item(
        self, item: _Planned, feed_title: str, now: str
    ) -> tuple[LoadedInput, FeedItem] | FeedItem | FileResult:
        """The item read from its page (or the feed's full text), a 304, or its failure."""
        entry, state = item.entry, item.state
        headers = {}
        if state is not None and item.stored:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        try:
            page = self.fetcher.fetch(entry.link, headers)
            if page.status == 304 and state is not None:
                return replace(state, entry=entry.fingerprint, seen=now, failures=0)
            read, data = load_fetched(page)
        except LoadError as exc:
            fallback = _from_feed_text(entry, item.link)
            if fallback is None:
                has_text = entry.content_html or entry.content_text
                why = "" if has_text else " (no full text in the feed)"
                return FileResult(
                    item.link,
                    "failed",
                    title=entry.title,
                    error=f"the article page cannot be read: {exc.message}{why}",
                    hint=exc.hint,
                )
            read, data = fallback
            page_headers: dict[str, str] = {}
        else:
            page_headers = page.headers
        document = LoadedInput(
            source=item.link,
            url=entry.link,
            loaded=_merged(read, entry, feed_title, item.link),
            data=data,
        )
        remembered = FeedItem(
            item.link,
            entry.fingerprint,
            etag=page_headers.get("etag", ""),
            last_modified=page_headers.get("last-modified", ""),
            page_hash=hashlib.sha256(data).hexdigest(),
            seen=now,
        )
        return document, remembered


def _failure(item: _Planned, now: str) -> FeedItem:
    """The state of an item that failed: its consecutive failures with this same entry."""
    same = item.state is not None and item.state.entry == item.entry.fingerprint
    tries = item.state.failures + 1 if same and item.state is not None else 1
    return FeedItem(item.link, item.entry.fingerprint, seen=now, failures=tries)


def _items_failed(errors: list[str]) -> str:
    if not errors:
        return ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{len(errors)} item{'s' if len(errors) > 1 else ''} failed: {errors[0]}{more}"


def _bounded(items: dict[str, FeedItem], listed: set[str]) -> tuple[FeedItem, ...]:
    """Every item the feed lists now, plus the most recently seen of the others."""
    current = [i for link, i in items.items() if link in listed]
    others = sorted(
        (i for link, i in items.items() if link not in listed), key=lambda i: i.seen, reverse=True
    )
    return tuple(sorted([*current, *others[:_FORGOTTEN_KEPT]], key=lambda i: i.link))


def _merged(read: Loaded, entry: FeedEntry, feed_title: str, link: str) -> Loaded:
    """Date, title and author from the page, else the item; publisher from the page, else the
    feed's title."""
    untitled = not read.title or read.title in (title_from_filename(link), "Untitled")
    host = urlsplit(link).netloc.lower()
    # a page without a site name gets its host name from the HTML reader: not a publisher
    named = read.publisher and read.publisher.lower() not in (host, host.removeprefix("www."))
    return replace(
        read,
        title=entry.title if untitled and entry.title else read.title,
        published=read.published or entry.published,
        author=read.author or entry.author,
        publisher=read.publisher if named else (feed_title or read.publisher),
        url=link,
    )


def _from_feed_text(entry: FeedEntry, link: str) -> tuple[Loaded, bytes] | None:
    """The item's full text as the feed carries it, or None (none, or too short)."""
    try:
        if entry.content_html:
            data = entry.content_html.encode("utf-8")
            page = (
                f"<html><head><title>{html.escape(entry.title)}</title></head>"
                f"<body><article>{entry.content_html}</article></body></html>"
            )
            read = load_html(page.encode("utf-8"), link, url=link)
            return replace(read, title=entry.title or read.title), data
        if entry.content_text:
            text = require_text(entry.content_text, link, "feed item")
            title = entry.title or title_from_filename(link)
            return Loaded(title=title, text=text, format="txt", url=link), text.encode("utf-8")
    except LoadError:
        return None
    return None


__all__ = [
    "Feed",
    "FeedRefresh",
    "Progress",
    "ingest_report",
    "list_feeds",
    "refresh",
    "subscribe",
    "unsubscribe",
]
