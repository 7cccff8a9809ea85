"""Articles fetched from http(s) URLs, then read as HTML (or PDF when the server says so).
httpx is touched only in this module."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from ingest.loaders.base import Loaded
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf
from kb.errors import LoadError

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref")


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def normalize_url(url: str) -> str:
    """The canonical form used as a document's source: lower-case host, no fragment, no
    tracking parameters, no trailing slash."""
    parts = urlparse(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    path = parts.path.rstrip("/") or ""
    return urlunparse((parts.scheme.lower(), parts.netloc.lower(), path, "", urlencode(query), ""))


def fetch(url: str, *, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """(body, content type) of a URL; a LoadError naming the URL on any failure."""
    import httpx

    try:
        with httpx.stream(
            "GET",
            url,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "kb-ingest/0.1 (+local knowledge base)"},
        ) as r:
            if r.status_code >= 400:
                raise LoadError(
                    url,
                    f"the server answered HTTP {r.status_code}",
                    "Check the URL in a browser; the page may need a login.",
                )
            body = bytearray()
            for part in r.iter_bytes():
                body.extend(part)
                if len(body) > max_bytes:
                    raise LoadError(
                        url,
                        f"the page is larger than {max_bytes // 1_000_000} MB",
                        "Raise KB_MAX_FILE_MB if you trust it.",
                    )
            return bytes(body), r.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise LoadError(
            url, f"cannot fetch the page: {exc}", "Check the URL and your connection."
        ) from exc


def load_url(url: str, *, timeout: float, max_bytes: int) -> tuple[Loaded, bytes]:
    body, content_type = fetch(url, timeout=timeout, max_bytes=max_bytes)
    source = normalize_url(url)
    if "pdf" in content_type.lower() or body[:5] == b"%PDF-":
        return load_pdf(body, source), body
    if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text")):
        raise LoadError(
            url,
            f"unsupported content type {content_type!r}",
            "Only HTML pages and PDFs can be ingested from a URL.",
        )
    return load_html(body, source, url=url), body
