"""Articles from http(s) URLs: fetched by `ingest.http` under the fetch policy, then read as
HTML (or PDF when the server says so). The source a document is stored under is
`clean_source(url)`: no credentials, no tracking parameters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.http import Fetched, FetchPolicy, fetch
from ingest.loaders.base import Loaded
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf
from kb.errors import LoadError

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref")
# Query parameters that carry a secret; dropped from stored sources (compared lower-case).
_CREDENTIALS = frozenset(
    {
        "token",
        "key",
        "api_key",
        "apikey",
        "sig",
        "signature",
        "password",
        "pass",
        "passwd",
        "secret",
        "access_token",
        "auth",
        "session",
        "sessionid",
        "client_secret",
    }
)
_CREDENTIAL_SUFFIXES = (
    "_token",
    "-token",
    "_key",
    "-key",
    "_secret",
    "-secret",
    "signature",
    "credential",
    "password",
)


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _is_secret(name: str) -> bool:
    name = name.lower()
    return name in _CREDENTIALS or name.endswith(_CREDENTIAL_SUFFIXES)


def clean_source(url: str) -> str:
    """The canonical form stored as a document's source: lower-case scheme and host, no
    `user:password@`, no fragment, no tracking or credential-like query parameters
    (token, key, sig, password, ...), no trailing slash."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING) and not _is_secret(k)
    ]
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    path = parts.path.rstrip("/") or ""
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


normalize_url = clean_source  # the name callers used before credentials were dropped too


def load_fetched(fetched: Fetched) -> tuple[Loaded, bytes]:
    """Read a fetched page as HTML or PDF; the document's source is the cleaned asked-for URL."""
    body = fetched.content
    content_type = fetched.headers.get("content-type", "")
    source = clean_source(fetched.url)
    if "pdf" in content_type.lower() or body[:5] == b"%PDF-":
        return load_pdf(body, source), body
    if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text")):
        raise LoadError(
            source,
            f"unsupported content type {content_type!r}",
            "Only HTML pages and PDFs can be ingested from a URL.",
        )
    return load_html(body, source, url=source), body


def load_url(url: str, policy: FetchPolicy) -> tuple[Loaded, bytes]:
    """Fetch `url` under `policy` and read it; a LoadError naming the URL on any failure."""
    return load_fetched(fetch(url, policy))
