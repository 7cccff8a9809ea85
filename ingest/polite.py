"""Fetching like a polite crawler: robots.txt honoured and one request at a time per host.

Every request still goes through `ingest.http.fetch` (the address policy, redirects, one
deadline, the User-Agent). A `PoliteFetcher` lives for one refresh, so robots.txt is read at
most once per host per refresh. robots.txt follows RFC 9309: an answer of 4xx means no rules
(everything allowed); 5xx, a network failure or a redirect loop means "assume everything is
disallowed" until the next refresh. A longer `Crawl-delay` than the configured interval wins,
up to `MAX_CRAWL_DELAY_S`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ingest.http import BlockedAddressError, Fetched, FetchPolicy, HTTPStatusError, fetch
from kb.errors import LoadError

MAX_CRAWL_DELAY_S = 60.0
_ROBOTS_MAX_BYTES = 500_000  # RFC 9309: parse at least the first 500 KiB


class Stopped(Exception):
    """A stop was asked for while waiting to send a request; nothing was sent."""


class RobotsDisallowed(LoadError):
    """The site's robots.txt does not let this crawler fetch the URL."""


@dataclass(frozen=True)
class _Robots:
    parser: RobotFileParser | None  # None: every path allowed (no robots.txt)
    refused: str = ""  # set when robots.txt could not be read: everything is disallowed


class PoliteFetcher:
    """`fetch(url)` for one refresh: robots.txt checked and requests to a host spaced out."""

    def __init__(
        self,
        policy: FetchPolicy,
        host_interval_s: float,
        stop: threading.Event | None = None,
    ) -> None:
        self.policy = policy
        self.host_interval_s = host_interval_s
        self.stop = stop or threading.Event()
        self.agent = policy.user_agent.split("/", 1)[0].strip() or "*"
        self._robots: dict[str, _Robots] = {}
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET `url` once robots.txt allows it and the host's interval has passed.

        Raises `RobotsDisallowed`, `Stopped` (a stop came while waiting), or the `LoadError`s
        of `ingest.http.fetch`."""
        origin = _origin(url)
        robots = self._robots_for(origin, url)
        if robots.refused:
            raise RobotsDisallowed(
                url,
                f"not fetched: {origin}/robots.txt could not be read ({robots.refused}), so "
                "the site is treated as closed to crawlers until the next refresh",
                "Try again later; the next refresh reads robots.txt again.",
            )
        if robots.parser is not None and not robots.parser.can_fetch(self.agent, url):
            raise RobotsDisallowed(
                url,
                f"not fetched: the site's robots.txt disallows it for {self.agent}",
                "The publisher asks crawlers not to fetch this page; nothing can be done here.",
            )
        delay = self.host_interval_s
        if robots.parser is not None:
            crawl_delay = robots.parser.crawl_delay(self.agent)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), MAX_CRAWL_DELAY_S))
        return self._paced(origin, url, headers, delay)

    def _paced(
        self, origin: str, url: str, headers: Mapping[str, str] | None, delay: float
    ) -> Fetched:
        last = self._last.get(origin)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                raise Stopped(url)
        if self.stop.is_set():
            raise Stopped(url)
        try:
            return fetch(url, self.policy, headers=headers)
        finally:
            # spacing counts from the end of a request: a slow server gets the full pause
            self._last[origin] = time.monotonic()

    def _robots_for(self, origin: str, url: str) -> _Robots:
        if origin in self._robots:
            return self._robots[origin]
        robots_url = origin + "/robots.txt"
        try:
            fetched = self._paced(origin, robots_url, None, self.host_interval_s)
        except BlockedAddressError as exc:
            raise BlockedAddressError(url, exc.message, exc.hint) from None
        except HTTPStatusError as exc:
            robots = _Robots(None) if 400 <= exc.status < 500 else _Robots(None, exc.message)
        except LoadError as exc:
            robots = _Robots(None, exc.message)
        else:
            parser = RobotFileParser(robots_url)
            text = fetched.content[:_ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
            robots = _Robots(parser)
        self._robots[origin] = robots
        return robots


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    return f"{parts.scheme.lower()}://{host}"


__all__ = ["MAX_CRAWL_DELAY_S", "PoliteFetcher", "RobotsDisallowed", "Stopped"]
