"""Reading a feed document: RSS 0.9x/1.0/2.0 and Atom through feedparser (touched only in
this module), JSON Feed 1.0/1.1 with `json` (feedparser does not read it; the format is small).

Every format becomes a `ParsedFeed` of `FeedEntry`s. Nothing here fetches: the caller hands
in the bytes it fetched (feedparser is given a stream, never a URL or a file name).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from kb.dates import parse_date
from kb.errors import LoadError

_NOT_A_FEED_HINT = (
    "Give the address of the site's RSS, Atom or JSON feed (often /feed, /rss or /atom.xml; "
    "look for an RSS link on the site)."
)
_FEED_LINK = re.compile(
    r"<link\b[^>]*\btype=[\"']application/(?:rss\+xml|atom\+xml|feed\+json)[\"'][^>]*>",
    re.IGNORECASE,
)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEntry:
    """One item as the feed lists it."""

    link: str  # absolute URL of the article page ("" when the item has none)
    title: str = ""
    published: str | None = None  # ISO date
    author: str | None = None
    content_html: str = ""  # the full text the feed carries (content:encoded, Atom content)
    content_text: str = ""  # JSON Feed's plain-text full text
    fingerprint: str = ""  # changes when the entry as listed changes


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    format: str  # "rss20", "atom10", "json1.1", ...
    entries: tuple[FeedEntry, ...]


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """The feed in `content` (fetched from `url`); a LoadError naming `url` when it is not
    a feed or not well-formed."""
    head = content.lstrip()[:512].lower()
    if "json" in content_type.lower() or head.startswith(b"{"):
        return _parse_json_feed(content, url)
    looks_xml = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))
    if not looks_xml and (
        "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))
    ):  # a feed served as text/html still counts: servers mislabel feeds
        raise _not_a_feed(url, content, "it is an HTML page")
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": url, "content-type": content_type or "text/xml"},
    )
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        raise LoadError(
            url,
            f"malformed XML at line {problem.getLineNumber()}, column "
            f"{problem.getColumnNumber()}: {problem.getMessage()}",
            "The publisher's feed is broken; tell them, or try again later.",
        )
    if not parsed.get("version"):
        raise _not_a_feed(url, content, "no RSS, Atom or JSON Feed found in it")
    title = str(parsed.feed.get("title") or "").strip()
    entries = tuple(_from_feedparser(e, url) for e in parsed.entries)
    return ParsedFeed(title=title, format=str(parsed.version), entries=entries)


def _not_a_feed(url: str, content: bytes, why: str) -> LoadError:
    hint = _NOT_A_FEED_HINT
    link = _FEED_LINK.search(content[:200_000].decode("utf-8", errors="replace"))
    href = _HREF.search(link.group(0)) if link else None
    if href:
        hint = f"The page links to a feed: subscribe to {urljoin(url, href.group(1))} instead."
    return LoadError(url, f"not a feed: {why}", hint)


def _struct_date(value: time.struct_time | None) -> str | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC).date().isoformat()


def _fingerprint(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _from_feedparser(entry: feedparser.FeedParserDict, feed_url: str) -> FeedEntry:
    link = str(entry.get("link") or "")
    guid = str(entry.get("id") or "")
    if not link and guid.lower().startswith(("http://", "https://")):
        link = guid  # an RSS guid that is a permalink
    contents = entry.get("content") or []
    html_parts = [str(c.get("value") or "") for c in contents if "html" in (c.get("type") or "")]
    text_parts = [str(c.get("value") or "") for c in contents if c.get("type") == "text/plain"]
    # dict.get: feedparser's own get() maps a missing "updated" to "published", with a warning
    updated = dict.get(entry, "updated") or entry.get("published") or ""
    return FeedEntry(
        link=urljoin(feed_url, link) if link else "",
        title=str(entry.get("title") or "").strip(),
        published=_struct_date(entry.get("published_parsed") or dict.get(entry, "updated_parsed")),
        author=str(entry.get("author") or "").strip() or None,
        content_html="\n".join(html_parts).strip(),
        content_text="\n".join(text_parts).strip(),
        fingerprint=_fingerprint(
            link, guid, entry.get("title"), updated, entry.get("summary"), contents
        ),
    )


def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LoadError(
            url,
            f"malformed JSON: {exc}",
            "The publisher's feed is broken; tell them, or try again later.",
        ) from None
    version = str(data.get("version") or "") if isinstance(data, dict) else ""
    if not version.startswith("https://jsonfeed.org/version/"):
        raise LoadError(url, "not a feed: JSON, but not a JSON Feed", _NOT_A_FEED_HINT)
    items = data.get("items")
    if not isinstance(items, list):
        raise LoadError(url, "not a feed: a JSON Feed without an items list", _NOT_A_FEED_HINT)
    feed_authors = _json_authors(data)
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        guid = str(item.get("id") or "")
        if not link and guid.lower().startswith(("http://", "https://")):
            link = guid
        entries.append(
            FeedEntry(
                link=urljoin(url, link) if link else "",
                title=str(item.get("title") or "").strip(),
                published=parse_date(item.get("date_published") or item.get("date_modified")),
                author=_json_authors(item) or feed_authors,
                content_html=str(item.get("content_html") or "").strip(),
                content_text=str(item.get("content_text") or "").strip(),
                fingerprint=_fingerprint(
                    link,
                    guid,
                    item.get("title"),
                    item.get("date_modified") or item.get("date_published"),
                    item.get("summary"),
                    item.get("content_html"),
                    item.get("content_text"),
                ),
            )
        )
    return ParsedFeed(
        title=str(data.get("title") or "").strip(),
        format="json" + version.rsplit("/", 1)[-1],
        entries=tuple(entries),
    )


def _json_authors(obj: dict) -> str | None:
    """JSON Feed 1.1 `authors` (a list), or 1.0 `author` (one object)."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")] if isinstance(obj.get("author"), dict) else []
    names = [str(a.get("name")).strip() for a in authors if isinstance(a, dict) and a.get("name")]
    return ", ".join(names) or None


__all__ = ["FeedEntry", "ParsedFeed", "parse_feed"]
