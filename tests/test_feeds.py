"""News feeds (issue 17) against a feed server on 127.0.0.1: RSS, Atom and JSON Feed files and
article pages, with ETag / Last-Modified, robots.txt, failures and a slow page on demand.

Loopback is a private address, so every test allows private URLs (as an intranet would)."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from pathlib import Path

import pytest

from ingest.feeds import list_feeds, refresh, subscribe, unsubscribe
from ingest.sources import doc_id_for
from kb.engine import KnowledgeBase
from kb.errors import KBError
from kb.lock import WriteLock, lock_path
from kb.settings import Settings
from kb.store import ChromaStore
from tests.conftest import ROOT

WORDS = str.split(
    "market model launch pricing chip cluster revenue quarter growth tokens latency benchmark "
    "investor funding round valuation startup vendor license contract partner customer cloud "
    "region datacenter inference training dataset accuracy release version upgrade feature "
    "policy regulator audit safety agent workflow platform developer toolkit analyst forecast "
    "margin supply demand shortage memory bandwidth wafer yield foundry export tariff budget "
    "hiring research paper lab robotics vision speech search ranking leaderboard arena score"
)


def article_text(seed: int, marker: str) -> list[str]:
    """Four paragraphs of text no other article shares (so none is a near-duplicate)."""
    rng = random.Random(seed)
    paragraphs = []
    for p in range(4):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
            for _ in range(5)
        ]
        if p == 0:
            sentences.insert(0, f"The {marker} announcement came on a Tuesday.")
        paragraphs.append(" ".join(sentences))
    return paragraphs


def article_page(title: str, seed: int, marker: str, *, date: str = "", author: str = "") -> str:
    meta = f'<meta property="og:title" content="{escape(title)}">'
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    if author:
        meta += f'<meta name="author" content="{escape(author)}">'
    body = "".join(f"<p>{p}</p>" for p in article_text(seed, marker))
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>{meta}</head><body>"
        f"<nav>Home | News</nav><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


class FeedSite:
    """A loopback site: files by path, ETag and Last-Modified on each, request log, forced
    statuses, and pages that wait for the test before answering."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes, int]] = {}  # path -> (type, body, version)
        self.statuses: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.gates: dict[str, threading.Event] = {}  # a page answers once its gate opens
        self.reached: dict[str, threading.Event] = {}  # set when a gated page is asked for
        self.lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site.lock:
                    site.requests.append((path, headers))
                if path in site.gates:
                    site.reached[path].set()
                    site.gates[path].wait(60)
                if path in site.statuses:
                    return self._send(site.statuses[path], b"error page", "text/html")
                if path not in site.files:
                    return self._send(404, b"not found", "text/html")
                kind, body, version = site.files[path]
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = formatdate(1_780_000_000 + version * 86_400, usegmt=True)
                if "if-none-match" in headers:
                    if headers["if-none-match"] == etag:
                        return self._send(304, b"", kind, etag=etag, modified=modified)
                elif "if-modified-since" in headers:
                    since = parsedate_to_datetime(headers["if-modified-since"])
                    if since >= parsedate_to_datetime(modified):
                        return self._send(304, b"", kind, etag=etag, modified=modified)
                self._send(200, body, kind, etag=etag, modified=modified)

            def _send(self, status, body, kind, etag="", modified=""):  # noqa: ANN001
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", modified)
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args):  # noqa: ANN002
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # noqa: ANN001
                if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hang up
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, path: str, body: str | bytes, kind: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        old = self.files.get(path)
        version = (old[2] + (old[1] != data)) if old else 0
        self.files[path] = (kind, data, version)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p == path)

    def headers(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for p, h in self.requests if p == path]

    def gate(self, path: str) -> threading.Event:
        self.reached[path] = threading.Event()
        self.gates[path] = threading.Event()
        return self.gates[path]

    def close(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    s = FeedSite()
    yield s
    s.close()


@pytest.fixture
def feed_settings(tmp_path: Path) -> Settings:
    return Settings(
        store_dir=tmp_path / "store",
        corpus_dir=tmp_path / "corpus",
        chroma_url=None,
        allow_private_urls=True,
        feed_host_interval_s=0,
        fetch_timeout_s=30,
    )


def add_article(site: FeedSite, n: int, **meta: str) -> dict:
    """Article n: its page on the site, and its entry for a feed."""
    title = f"Article {n}: the {WORDS[n]} story"
    path = f"/news/{n}"
    site.put(path, article_page(title, n, f"marker{n}", **meta))
    return {"n": n, "title": title, "link": site.url(path) + "?utm_source=rss", "date": n}


def rss(title: str, items: list[dict]) -> str:
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<guid>{escape(i['link'])}</guid>"
        f"<pubDate>{formatdate(1_780_000_000 + i['date'] * 3600, usegmt=True)}</pubDate>"
        + (f"<author>{escape(i['author'])}</author>" if i.get("author") else "")
        + (
            f"<content:encoded><![CDATA[{i['content']}]]></content:encoded>"
            if i.get("content")
            else ""
        )
        + "</item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://example.test/</link>"
        f"<description>news</description>{entries}</channel></rss>"
    )


def atom(title: str, items: list[dict]) -> str:
    entries = "".join(
        f'<entry><title>{escape(i["title"])}</title><link href="{escape(i["link"])}"/>'
        f"<id>urn:item:{i['n']}</id><updated>2026-05-{i['date'] % 28 + 1:02d}T10:00:00Z</updated>"
        f"<author><name>{escape(i.get('author', 'Staff'))}</name></author>"
        + (f'<content type="html">{escape(i["content"])}</content>' if i.get("content") else "")
        + "</entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed</id><updated>2026-05-01T00:00:00Z</updated>"
        f"{entries}</feed>"
    )


def json_feed(title: str, items: list[dict]) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": str(i["n"]),
                    "url": i["link"],
                    "title": i["title"],
                    "date_published": f"2026-06-{i['date'] % 28 + 1:02d}T08:00:00Z",
                    "authors": [{"name": i.get("author", "Desk")}],
                    **({"content_text": i["content"]} if i.get("content") else {}),
                }
                for i in items
            ],
        }
    )


def sources(settings: Settings) -> dict[str, object]:
    return {r.source: r for r in ChromaStore(settings).documents().values()}


def chunk_texts(settings: Settings, source: str) -> str:
    store = ChromaStore(settings)
    texts = []
    for _, page_texts, metas in store.iter_chunks():
        texts += [t for t, m in zip(page_texts, metas, strict=False) if m["source"] == source]
    return " ".join(texts)


def assert_consistent(settings: Settings, embedder) -> None:  # noqa: ANN001
    """Registry and chunks agree: no orphan or stale chunk, every stored document complete,
    and a reader opens the store and counts the same."""
    store = ChromaStore(settings)
    docs = {d: r for d, r in store.documents().items() if r.status == "stored"}
    counts: dict[str, int] = {}
    for ids, _, metas in store.iter_chunks(include_text=False):
        for cid, meta in zip(ids, metas, strict=False):
            assert meta["doc_id"] in docs, f"orphan chunk {cid}"
            assert meta["content_hash"] == docs[meta["doc_id"]].content_hash, f"stale {cid}"
            counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
    for doc_id, rec in docs.items():
        assert counts.get(doc_id, 0) == rec.chunks, f"half-written {rec.source}"
    assert not store.interrupted
    stats = KnowledgeBase(settings, embedder).stats()
    assert stats.documents == len(docs)
    assert stats.chunks == sum(counts.values())


# --- subscribe and refresh --------------------------------------------------------------------


def test_subscribe_ingests_every_item_with_page_and_feed_metadata(site, feed_settings, embedder):
    items = [
        add_article(site, 1, date="2026-03-01", author="Page Author"),
        add_article(site, 2),
        add_article(site, 3),
    ]
    items[1]["author"] = "feed@example.test (Feed Author)"
    site.put("/feed.xml", rss("Market Wire", items), "application/rss+xml")

    result = subscribe(feed_settings, embedder, site.url("/feed.xml"))

    assert (result.status, result.new, result.failed) == ("ok", 3, 0), result
    assert result.title == "Market Wire"
    docs = sources(feed_settings)
    first, second = docs[site.url("/news/1")], docs[site.url("/news/2")]  # utm_source dropped
    assert len(docs) == 3
    assert first.title == items[0]["title"] and first.published == "2026-03-01"
    assert first.author == "Page Author"
    assert second.published == "2026-05-28"  # the page has no date: the feed item's pubDate
    assert "Feed Author" in (second.author or "")
    assert first.publisher == second.publisher == "Market Wire"  # pages name no site
    assert "marker2" in chunk_texts(feed_settings, site.url("/news/2"))
    [feed] = list_feeds(feed_settings)
    assert feed.url == site.url("/feed.xml") and feed.items_seen == 3
    assert feed.last_checked and feed.last_new_item and not feed.last_error
    assert all("kb-ai-market" in h["user-agent"] for _, h in site.requests)
    assert_consistent(feed_settings, embedder)


def test_refresh_after_a_new_item_ingests_just_that_one(site, feed_settings, embedder):
    items = [add_article(site, n) for n in (1, 2, 3)]
    site.put("/feed.xml", rss("Wire", items), "application/rss+xml")
    assert subscribe(feed_settings, embedder, site.url("/feed.xml")).new == 3
    embedder.texts = 0

    site.put("/feed.xml", rss("Wire", [add_article(site, 4), *items]), "application/rss+xml")
    [result] = refresh(feed_settings, embedder)

    assert (result.status, result.new, result.unchanged, result.failed) == ("ok", 1, 3, 0)
    assert [f.source for f in result.added] == [site.url("/news/4")]
    assert [site.hits(f"/news/{n}") for n in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert 0 < embedder.texts < 20  # only the new article's chunks
    assert len(sources(feed_settings)) == 4
    assert list_feeds(feed_settings)[0].items_seen == 4


def test_refresh_with_nothing_new_sends_conditional_requests_and_fetches_no_page(
    site, feed_settings, embedder
):
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.atom", atom("Atom Wire", items), "application/atom+xml")
    subscribe(feed_settings, embedder, site.url("/feed.atom"))
    pages_before = sum(site.hits(f"/news/{n}") for n in (1, 2))
    embedder.texts = 0

    [result] = refresh(feed_settings, embedder)

    assert result.status == "not-modified" and result.new == result.failed == 0
    last = site.headers("/feed.atom")[-1]
    assert last["if-none-match"].startswith('"')
    assert "GMT" in last["if-modified-since"]
    assert sum(site.hits(f"/news/{n}") for n in (1, 2)) == pages_before
    assert embedder.texts == 0
    assert list_feeds(feed_settings)[0].last_checked


def test_an_item_listed_again_unchanged_is_not_fetched_when_the_feed_changes(
    site, feed_settings, embedder
):
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.json", json_feed("JSON Wire", items), "application/feed+json")
    subscribe(feed_settings, embedder, site.url("/feed.json"))
    # the feed document changes (a new item), the listed ones do not
    site.put("/feed.json", json_feed("JSON Wire", [*items, add_article(site, 5)]))

    [result] = refresh(feed_settings, embedder)

    assert (result.new, result.unchanged) == (1, 2)
    assert [site.hits(f"/news/{n}") for n in (1, 2, 5)] == [1, 1, 1]
    doc = sources(feed_settings)[site.url("/news/5")]
    assert doc.published == "2026-06-06" and doc.author == "Desk"  # from the JSON Feed item


def test_a_changed_page_is_updated(site, feed_settings, embedder):
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.atom", atom("Atom Wire", items), "application/atom+xml")
    subscribe(feed_settings, embedder, site.url("/feed.atom"))
    # the publisher corrects article 2 and bumps its entry's <updated>
    site.put("/news/2", article_page(items[1]["title"], 202, "corrected2"))
    items[1]["date"] += 1
    site.put("/feed.atom", atom("Atom Wire", items), "application/atom+xml")

    [result] = refresh(feed_settings, embedder)

    assert (result.updated, result.unchanged, result.new) == (1, 1, 0), result
    page_requests = site.headers("/news/2")
    assert len(page_requests) == 2 and "if-none-match" in page_requests[-1]
    assert site.hits("/news/1") == 1
    text = chunk_texts(feed_settings, site.url("/news/2"))
    assert "corrected2" in text and "marker2" not in text
    assert_consistent(feed_settings, embedder)


# --- failures -----------------------------------------------------------------------------


def test_bad_feeds_are_reported_by_name_and_the_rest_goes_on(site, feed_settings, embedder):
    good_items = [add_article(site, 1), add_article(site, 2)]
    good_items.append(
        {"n": 9, "title": "Gone", "link": site.url("/news/gone"), "date": 9}
    )  # its page 404s and the feed has no full text
    site.put("/good.xml", rss("Good Wire", good_items), "application/rss+xml")
    site.put("/broken.xml", rss("Broken", good_items)[:-40], "application/rss+xml")
    site.put(
        "/page.html",
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'href="/good.xml"></head><body><p>A blog.</p></body></html>',
    )
    site.statuses["/500.xml"] = 500

    results = {
        path: subscribe(feed_settings, embedder, site.url(path))
        for path in ("/broken.xml", "/page.html", "/missing.xml", "/500.xml", "/good.xml")
    }

    broken, page, missing, failing = (
        results[p] for p in ("/broken.xml", "/page.html", "/missing.xml", "/500.xml")
    )
    assert broken.status == "failed" and "malformed XML at line" in broken.error
    assert page.status == "failed" and "not a feed" in page.error
    assert site.url("/good.xml") in page.hint  # the page's own feed link
    assert missing.status == "failed" and "HTTP 404" in missing.error
    assert failing.status == "failed" and "HTTP 500" in failing.error
    good = results["/good.xml"]
    assert (good.status, good.new, good.failed) == ("ok", 2, 1)
    [gone] = [f for f in good.files if f.status == "failed"]
    assert gone.source == site.url("/news/gone") and "HTTP 404" in gone.error
    assert "no full text" in gone.error
    assert site.url("/news/gone") in good.error
    # only the good feed is subscribed; a failed subscription stores nothing
    assert [f.url for f in list_feeds(feed_settings)] == [site.url("/good.xml")]

    # later the subscribed feed breaks: reported, and the refresh goes on
    site.statuses["/good.xml"] = 500
    [again] = refresh(feed_settings, embedder)
    assert again.status == "failed" and "HTTP 500" in again.error
    assert "HTTP 500" in list_feeds(feed_settings)[0].last_error


def test_robots_txt_disallow_is_honoured(site, feed_settings, embedder):
    items = [add_article(site, 1), add_article(site, 2)]
    site.put("/private/3", article_page("Private", 3, "marker3"))
    items.append({"n": 3, "title": "Private", "link": site.url("/private/3"), "date": 3})
    site.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    site.put("/feed.xml", rss("Wire", items), "application/rss+xml")

    result = subscribe(feed_settings, embedder, site.url("/feed.xml"))

    assert (result.new, result.failed) == (2, 1)
    assert site.hits("/private/3") == 0
    [blocked] = [f for f in result.files if f.status == "failed"]
    assert blocked.source == site.url("/private/3") and "robots.txt disallows" in blocked.error
    assert site.hits("/robots.txt") == 1  # read once per host per refresh


def test_full_text_from_the_feed_when_the_page_cannot_be_fetched(site, feed_settings, embedder):
    text = "".join(f"<p>{p}</p>" for p in article_text(77, "fulltext77"))
    items = [
        add_article(site, 1),
        {
            "n": 7,
            "title": "Only in the feed",
            "link": site.url("/news/404"),
            "date": 7,
            "content": text,
            "author": "Feed Writer",
        },
    ]
    site.put("/feed.atom", atom("Atom Wire", items), "application/atom+xml")

    result = subscribe(feed_settings, embedder, site.url("/feed.atom"))

    assert (result.new, result.failed) == (2, 0), result
    assert site.hits("/news/404") == 1
    doc = sources(feed_settings)[site.url("/news/404")]
    assert doc.title == "Only in the feed" and doc.author == "Feed Writer"
    assert doc.publisher == "Atom Wire" and doc.published == "2026-05-08"
    assert "fulltext77" in chunk_texts(feed_settings, site.url("/news/404"))
    # listed again unchanged: neither the page nor the text is read again
    site.put("/feed.atom", atom("Atom Wire", [*items, add_article(site, 8)]))
    [again] = refresh(feed_settings, embedder)
    assert (again.new, again.unchanged) == (1, 2) and site.hits("/news/404") == 1


def test_items_over_the_cap_wait_for_the_next_refresh(site, feed_settings, embedder):
    settings = feed_settings.model_copy(update={"feed_max_items": 2})
    items = [add_article(site, n) for n in (1, 2, 3)]
    site.put("/feed.xml", rss("Wire", items), "application/rss+xml")

    first = subscribe(settings, embedder, site.url("/feed.xml"))
    assert (first.new, first.deferred) == (2, 1)
    [second] = refresh(settings, embedder)  # the feed is fetched in full, not conditionally
    assert (second.new, second.unchanged, second.deferred) == (1, 2, 0)
    assert "if-none-match" not in site.headers("/feed.xml")[-1]
    assert [site.hits(f"/news/{n}") for n in (1, 2, 3)] == [1, 1, 1]


def test_requests_to_one_host_are_spaced_out(site, feed_settings, embedder):
    settings = feed_settings.model_copy(update={"feed_host_interval_s": 0.4})
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.xml", rss("Wire", items), "application/rss+xml")
    stamps: list[float] = []
    original = site.server.RequestHandlerClass.do_GET

    def stamped(handler):  # noqa: ANN001
        import time

        stamps.append(time.monotonic())
        original(handler)

    site.server.RequestHandlerClass.do_GET = stamped
    subscribe(settings, embedder, site.url("/feed.xml"))
    # robots.txt, the feed, two pages: never two within the interval (a lower bound only)
    assert len(stamps) == 4
    assert min(b - a for a, b in zip(stamps, stamps[1:], strict=False)) >= 0.4


def test_two_refreshes_never_run_at_once(site, feed_settings, embedder):
    site.put("/feed.xml", rss("Wire", [add_article(site, 1)]), "application/rss+xml")
    subscribe(feed_settings, embedder, site.url("/feed.xml"))
    requests_before = len(site.requests)
    waiting = threading.Event()
    results: list = []
    with WriteLock(lock_path(feed_settings).with_name("feeds.lock")):  # a refresh is running
        worker = threading.Thread(
            target=lambda: results.append(refresh(feed_settings, embedder, on_wait=waiting.set))
        )
        worker.start()
        assert waiting.wait(30)
        assert len(site.requests) == requests_before  # it waits, sending nothing
    worker.join(60)
    assert not worker.is_alive() and results[0][0].status == "not-modified"


def test_unsubscribe_keeps_the_articles(site, feed_settings, embedder):
    site.put("/feed.xml", rss("Wire", [add_article(site, 1)]), "application/rss+xml")
    subscribe(feed_settings, embedder, site.url("/feed.xml?utm_campaign=x"))
    gone = unsubscribe(feed_settings, site.url("/feed.xml"))
    assert gone.url == site.url("/feed.xml") and list_feeds(feed_settings) == []
    assert site.url("/news/1") in sources(feed_settings)
    with pytest.raises(KBError, match="Not subscribed"):
        unsubscribe(feed_settings, site.url("/feed.xml"))


def test_a_rebuilt_store_gets_its_feed_articles_back(site, feed_settings, embedder):
    site.put("/feed.xml", rss("Wire", [add_article(site, 1)]), "application/rss+xml")
    subscribe(feed_settings, embedder, site.url("/feed.xml"))
    ChromaStore(feed_settings).reset()  # what --rebuild does before ingesting the corpus
    site.put("/feed.xml", rss("Wire", [add_article(site, 1), add_article(site, 2)]))

    [result] = refresh(feed_settings, embedder)

    assert result.new == 2  # the subscription survived, and item 1 is fetched afresh
    assert "if-none-match" not in site.headers("/news/1")[-1]
    assert set(sources(feed_settings)) == {site.url("/news/1"), site.url("/news/2")}


# --- the command line -------------------------------------------------------------------------


def ingest_cli(*args: str, store: Path, **kwargs):  # noqa: ANN003, ANN201
    env = {**os.environ, "KB_ALLOW_PRIVATE_URLS": "1", "KB_FEED_HOST_INTERVAL_S": "0"}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        **kwargs,
    )


def test_cli_feed_refresh_list_and_unsubscribe(site, tmp_path):
    store = tmp_path / "store"
    site.put("/feed.xml", rss("CLI Wire", [add_article(site, 1), add_article(site, 2)]))
    site.statuses["/down.xml"] = 500

    out = ingest_cli(
        "--feed", site.url("/feed.xml"), "--feed", site.url("/down.xml"), "--json", store=store
    )
    assert out.returncode == 1, out.stderr  # a feed failed
    data = json.loads(out.stdout)
    assert data["documents"]["added"] == 2
    assert {f["source"] for f in data["failed"]} == {site.url("/down.xml")}
    feeds = {f["url"]: f for f in data["feeds"]}
    assert set(feeds[site.url("/feed.xml")]) >= {
        "url",
        "title",
        "status",
        "new",
        "unchanged",
        "failed",
        "error",
    }
    assert feeds[site.url("/feed.xml")]["new"] == 2
    assert feeds[site.url("/down.xml")]["status"] == "failed"
    assert "HTTP 500" in feeds[site.url("/down.xml")]["error"]

    out = ingest_cli("--refresh", store=store)
    assert out.returncode == 0, out.stderr
    assert "feed CLI Wire" in out.stdout and "not modified" in out.stdout

    out = ingest_cli("--feeds", "--json", store=store)
    [listed] = json.loads(out.stdout)["feeds"]
    assert listed["url"] == site.url("/feed.xml") and listed["items_seen"] == 2

    out = ingest_cli("--unsubscribe", site.url("/feed.xml"), store=store)
    assert out.returncode == 0 and "articles stay" in out.stdout
    out = ingest_cli("--unsubscribe", site.url("/feed.xml"), store=store)
    assert out.returncode == 2 and "Not subscribed" in out.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--every", "5m"],
        ["--watch", "--every", "soon"],
        ["--refresh", "corpus"],
        ["--feed", "http://x.test/feed", "--refresh"],
    ],
)
def test_cli_feed_usage_errors(args, tmp_path):
    out = ingest_cli(*args, store=tmp_path / "store")
    assert out.returncode == 2 and "usage:" in out.stderr


def start_watch(store: Path, every: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "--watch", "--every", every, "--json"]
        + ["--store", str(store)],
        cwd=ROOT,
        env={**os.environ, "KB_ALLOW_PRIVATE_URLS": "1", "KB_FEED_HOST_INTERVAL_S": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_watch_stops_cleanly_on_sigterm_mid_refresh(site, feed_settings, embedder, tmp_path):
    items = [add_article(site, n) for n in (1, 2)]
    site.put("/feed.xml", rss("Wire", items), "application/rss+xml")
    subscribe(feed_settings, embedder, site.url("/feed.xml"))
    # three new items; the first one's page hangs until the test lets it go
    more = [add_article(site, n) for n in (3, 4, 5)]
    site.put("/feed.xml", rss("Wire", [*more, *items]), "application/rss+xml")
    release = site.gate("/news/3")

    watch = start_watch(feed_settings.store_dir, "1h")
    try:
        assert site.reached["/news/3"].wait(120), "the watcher never asked for the slow page"
        watch.send_signal(signal.SIGTERM)  # mid-refresh: the page of item 3 is in flight
        release.set()
        out, err = watch.communicate(timeout=120)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    assert watch.returncode == 0, err
    assert "SIGTERM: stopping after the current item" in err
    report = json.loads(out.strip().splitlines()[-1])
    [feed] = report["feeds"]
    assert feed["status"] == "stopped" and feed["new"] == 1 and feed["deferred"] == 2
    assert site.hits("/news/4") == site.hits("/news/5") == 0  # stopped between items
    assert_consistent(feed_settings, embedder)
    assert site.url("/news/3") in sources(feed_settings)

    # the next refresh fetches only what the stopped one left
    [result] = refresh(feed_settings, embedder)
    assert (result.new, result.unchanged) == (2, 3)
    assert [site.hits(f"/news/{n}") for n in (1, 2, 3, 4, 5)] == [1, 1, 1, 1, 1]
    assert doc_id_for(site.url("/news/5")) in ChromaStore(feed_settings).documents()


def test_watch_stops_on_ctrl_c_while_waiting_for_the_next_refresh(site, tmp_path):
    site.put("/feed.xml", rss("Wire", [add_article(site, 1)]), "application/rss+xml")
    store = tmp_path / "store"
    assert ingest_cli("--feed", site.url("/feed.xml"), store=store).returncode == 0
    watch = start_watch(store, "2h")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(watch.stdout.readline()), daemon=True)
    reader.start()
    try:
        reader.join(120)  # the first refresh's report: the watcher now sleeps for two hours
        assert lines and json.loads(lines[0])["feeds"][0]["status"] == "not-modified"
        watch.send_signal(signal.SIGINT)
        _, err = watch.communicate(timeout=60)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    assert watch.returncode == 0 and "SIGINT: stopping" in err and "stopped." in err
