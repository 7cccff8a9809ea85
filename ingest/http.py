"""The one module that fetches over the network. httpx and httpcore are touched only here.

The fetch policy (issue 18):

- http and https only.
- However the host is written (upper case, trailing dot, IDN or full-width characters, decimal,
  hex, octal or short IPv4 forms, bracketed IPv6, IPv4-mapped IPv6), it is put in one canonical
  form, its addresses are looked up once, and the fetch is refused when ANY of them is loopback,
  private (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10), link-local (169.254/16 with the
  cloud metadata address, fe80::/10), multicast, reserved, unspecified or otherwise not
  global, including a private IPv4 address embedded in IPv6 (mapped, compatible, 6to4, NAT64,
  Teredo). `FetchPolicy.allow_private` turns the address check off (intranets and tests).
- The connection goes to the checked address: a network backend given to httpcore connects
  only to the addresses pinned for that host by the check, so a second DNS answer can never be
  used (no DNS-rebinding window).
- Redirects are followed here, one hop at a time (at most `max_redirects`), and every hop is
  checked with the same rules. Credentials (`user:password@`, an Authorization or Cookie
  header) are not carried to another origin.
- One total deadline covers the lookup, every connection, TLS handshake, read and write of all
  hops and the body: each socket operation gets only the time that is left.
- Errors never tell an open port from a closed one: a refused connection, a timeout before an
  answer and a port that does not speak HTTP all read "cannot fetch the page".
- Environment proxies and `.netrc` are not used (`trust_env=False`).

Tests can swap the name lookup: pass `resolver=` to `fetch` (see `PinnedResolver`, the test
double shipped beside `system_resolver`). Nothing else in the product passes a resolver.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx
import idna

from kb.errors import LoadError

__all__ = [
    "BlockedAddressError",
    "FetchPolicy",
    "Fetched",
    "HTTPStatusError",
    "PinnedResolver",
    "Resolved",
    "Resolver",
    "address_class",
    "fetch",
    "system_resolver",
]

ALLOW_PRIVATE_HINT = (
    "Private and local addresses are refused. If you trust this server (an intranet or a "
    "test server), set KB_ALLOW_PRIVATE_URLS=1 or pass --allow-private-urls."
)
_GENERIC = "cannot fetch the page"
_GENERIC_HINT = "Check the URL and your connection."
_REDIRECTS = (301, 302, 303, 307, 308)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """What one fetch returned."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional request that matched
    headers: dict[str, str]  # lower-case names
    content: bytes  # b"" for 304


@dataclass(frozen=True)
class FetchPolicy:
    """How far a fetch may go. Build it once at the edge (see `from_settings`)."""

    allow_private: bool = False
    timeout_s: float = 20.0  # ONE total deadline for the whole fetch, redirects and body included
    max_bytes: int = 25_000_000
    max_redirects: int = 5
    user_agent: str = "kb-ai-market/0.1 (local knowledge base)"

    @classmethod
    def from_settings(cls, settings: Any) -> FetchPolicy:
        """The policy that `kb.settings.Settings` describes."""
        return cls(
            allow_private=bool(settings.allow_private_urls),
            timeout_s=float(settings.fetch_timeout_s),
            max_bytes=int(settings.max_file_mb * 1_000_000),
        )


class BlockedAddressError(LoadError):
    """The URL (or a redirect) points at an address the policy refuses."""


class HTTPStatusError(LoadError):
    """The server answered with an error status (`status`: 400 or above, or an unfollowed
    redirect). Callers that must tell 404 from 500 (robots.txt) read `status`."""

    def __init__(self, source: str, status: int, message: str, hint: str = "") -> None:
        super().__init__(source, message, hint)
        self.status = status


# --- address classes --------------------------------------------------------------------------

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip))
    return None


def address_class(address: str | IPAddress) -> str | None:
    """Why an address is refused ("a loopback address", ...), or None for a public address."""
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and (kind := address_class(inner)) is not None:
            return kind
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip in _CGNAT:
        return "a private address (carrier-grade NAT)"
    if any(ip in net for net in _PRIVATE):
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "a non-public address"
    return None


# --- host names and name lookup ---------------------------------------------------------------

_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")


def _canonical_host(host: str) -> str:
    """One spelling per host: an IP literal in standard form, or a lower-case ASCII name.

    Decimal (2130706433), hex (0x7f000001), octal (0177.0.0.1) and short (127.1) IPv4 forms
    become dotted quads; IDN and full-width names go through IDNA (UTS 46); trailing dots go.
    """
    host = host.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    try:
        name = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        if not host.isascii():
            raise
        name = host.lower()  # plain ASCII names idna dislikes (underscores) are still names
    name = name.rstrip(".")
    if _LEGACY_IPV4.match(name):
        try:
            return socket.inet_ntoa(socket.inet_aton(name))
        except OSError:
            pass
    try:
        return str(ipaddress.ip_address(name))  # full-width digits become an IP after IDNA
    except ValueError:
        return name


@dataclass(frozen=True)
class Resolved:
    """One address a host name resolves to, and why it would be refused (None: public)."""

    ip: str
    refused_as: str | None


Resolver = Callable[[str, int], list[Resolved]]
"""Looks a host name up: (host, port) -> its addresses, each classified. Raises OSError when
the name does not resolve."""


def system_resolver(host: str, port: int) -> list[Resolved]:
    """The operating system's answer (getaddrinfo), each address classified."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    ips = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return [Resolved(ip, address_class(ip)) for ip in ips]


@dataclass(frozen=True)
class PinnedResolver:
    """Test double: answers chosen names with a chosen address *treated as public*, and asks
    `system_resolver` for every other name. It lets a loopback test server stand in for a
    public site (`PinnedResolver({"innocent.test": "127.0.0.1"})`) while literal addresses and
    all other names keep the real rules."""

    pins: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, host: str, port: int) -> list[Resolved]:
        if host in self.pins:
            return [Resolved(self.pins[host], None)]
        return system_resolver(host, port)


# --- the deadline and the guarded network backend --------------------------------------------


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self, timeout: float | None, exc: type[Exception]) -> float:
        """The time an operation may take: its own timeout, capped by what is left."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise exc("the fetch deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects a host only to the addresses the policy check pinned for it."""

    def __init__(self, deadline: _Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline
        self.pins: dict[str, list[str]] = {}

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = self.pins.get(host.lower())
        if not addresses:  # every hop is pinned before it is sent; this is a guard
            raise BlockedAddressError(host, f"{host} was not checked before connecting")
        error: Exception | None = None
        for ip in addresses:
            left = self._deadline.left(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(ip, port, left, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert error is not None
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport (request/response and error mapping) over the pinned backend.

    httpx does not take a network backend, so the connection pool it built is replaced by one
    that uses ours; `_pool` is httpx's attribute (checked here, so an httpx change fails loudly).
    """

    def __init__(self, backend: _PinnedBackend) -> None:
        super().__init__(trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("this httpx version has no _pool to replace; update ingest/http.py")
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            network_backend=backend,
        )


# --- fetch ------------------------------------------------------------------------------------


def _resolve_with_deadline(resolver: Resolver, host: str, port: int, deadline: _Deadline):
    """The resolver's answer, or None when it did not come before the deadline."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = resolver(host, port)
        except Exception as exc:  # noqa: BLE001 - handed back to the caller below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="kb-resolve")
    thread.start()
    thread.join(max(deadline.at - time.monotonic(), 0))
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _without_userinfo(url: str) -> str:
    """`url` without `user:password@`, for error messages and `Fetched.final_url`."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass
class _Hop:
    """Fetching one URL of a redirect chain: checks it and pins its addresses."""

    asked: str  # the URL the caller asked for, without credentials (errors name it)
    policy: FetchPolicy
    resolver: Resolver
    deadline: _Deadline
    backend: _PinnedBackend
    redirected: bool = False

    def fail(self, url: str, problem: str, hint: str = _GENERIC_HINT) -> LoadError:
        lead = f"the page redirects to {_without_userinfo(url)}, and " if self.redirected else ""
        return LoadError(self.asked, lead + problem, hint)

    def check(self, url: str) -> httpx.URL:
        """`url` with its host in canonical form, once the policy allows every address."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise self.fail(
                url, "only http and https URLs can be fetched", "Give an http(s):// address."
            )
        try:
            port = parts.port or (443 if scheme == "https" else 80)
            host = _canonical_host(parts.hostname or "")
            netloc = f"[{host}]" if ":" in host else host
            if parts.port is not None:
                netloc += f":{parts.port}"
            if "@" in parts.netloc:
                netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
            target = httpx.URL(urlunsplit((scheme, netloc, parts.path, parts.query, "")))
        except (ValueError, UnicodeError, httpx.InvalidURL):
            raise self.fail(url, "the URL is not valid") from None
        if not host:
            raise self.fail(url, "the URL has no host")
        resolved = self._addresses(url, host, port)
        refused = next((r for r in resolved if r.refused_as), None)
        if refused is not None and not self.policy.allow_private:
            written = parts.hostname or host
            name = host if written == host else f"{written} ({host})"
            verb = "is" if refused.ip == host else "resolves to"
            problem = f"{name} {verb} {refused.refused_as}; fetching it is refused"
            raise BlockedAddressError(
                self.asked,
                self.fail(url, problem).message,
                ALLOW_PRIVATE_HINT,
            )
        self.backend.pins[target.raw_host.decode("ascii").lower()] = [r.ip for r in resolved]
        return target

    def _addresses(self, url: str, host: str, port: int) -> list[Resolved]:
        try:
            ipaddress.ip_address(host)
            return [Resolved(host, address_class(host))]
        except ValueError:
            pass
        if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
            return [Resolved("127.0.0.1", "a loopback address")]
        try:
            answer = _resolve_with_deadline(self.resolver, host, port, self.deadline)
        except (OSError, UnicodeError):
            answer = []
        if answer is None:  # the lookup outlived the deadline
            raise LoadError(self.asked, _GENERIC, _GENERIC_HINT)
        if not answer:
            raise self.fail(url, f"the host name {host} does not resolve")
        return answer


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    headers: Mapping[str, str] | None = None,
    resolver: Resolver | None = None,
) -> Fetched:
    """GET `url` under `policy`; raises `LoadError` (`BlockedAddressError` for a refused address).

    `headers` are sent with every hop (If-None-Match / If-Modified-Since make it conditional;
    a matching answer is `Fetched(status=304, content=b"")`). An answer of HTTP 400 or above is
    a LoadError naming the status. `resolver` replaces the system name lookup, for tests only.
    """
    deadline = _Deadline(policy.timeout_s)
    backend = _PinnedBackend(deadline)
    shown = _without_userinfo(url)
    hop = _Hop(shown, policy, resolver or system_resolver, deadline, backend)
    send_headers = {"User-Agent": policy.user_agent, **dict(headers or {})}
    current = url
    first_origin: tuple[str, str, int | None] | None = None
    with httpx.Client(
        transport=_PinnedTransport(backend),
        timeout=httpx.Timeout(policy.timeout_s),
        follow_redirects=False,
        trust_env=False,
    ) as client:
        for _ in range(policy.max_redirects + 1):
            target = hop.check(current)
            origin = (target.scheme, target.host, target.port)
            if first_origin is None:
                first_origin = origin
            elif origin != first_origin:  # credentials stay with the origin they were given for
                send_headers = {
                    k: v
                    for k, v in send_headers.items()
                    if k.lower() not in ("authorization", "cookie")
                }
            try:
                request = client.build_request("GET", target, headers=send_headers)
                response = client.send(request, stream=True)
            except httpx.HTTPError:
                # refused, timed out or not HTTP: one message, so ports cannot be told apart
                raise LoadError(shown, _GENERIC, _GENERIC_HINT) from None
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(str(target), location)
                    hop.redirected = True
                    continue
                final = _without_userinfo(str(target))
                return _read(shown, url, final, response, policy)
            finally:
                response.close()
    raise LoadError(
        shown,
        f"more than {policy.max_redirects} redirects",
        "Open the URL in a browser and ingest the page it ends on.",
    )


def _read(
    shown: str, url: str, final_url: str, response: httpx.Response, policy: FetchPolicy
) -> Fetched:
    """The answer's body, read within the size limit and the deadline."""
    headers = {k.lower(): v for k, v in response.headers.items()}
    status = response.status_code
    if status == 304:
        return Fetched(url, final_url, 304, headers, b"")
    if status >= 300:
        raise HTTPStatusError(
            shown,
            status,
            f"the server answered HTTP {status}",
            "Check the URL in a browser; the page may need a login.",
        )
    too_big = LoadError(
        shown,
        f"the page is larger than {policy.max_bytes / 1_000_000:g} MB",
        "Raise KB_MAX_FILE_MB if you trust it.",
    )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise too_big
    body = bytearray()
    try:
        for part in response.iter_bytes():
            body.extend(part)
            if len(body) > policy.max_bytes:
                raise too_big
    except httpx.TimeoutException:
        raise LoadError(
            shown,
            f"the page did not arrive within {policy.timeout_s:g} s",
            "Raise KB_FETCH_TIMEOUT_S if the server is slow.",
        ) from None
    except httpx.HTTPError:
        raise LoadError(
            shown, "the connection broke while the page was read", _GENERIC_HINT
        ) from None
    return Fetched(url, final_url, status, headers, bytes(body))
