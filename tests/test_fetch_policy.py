"""The fetch policy (issue 18): which addresses a URL may reach, redirects, one deadline, errors
that hide whether a port is open, conditional requests, and sources without credentials.

Every server here listens on 127.0.0.1. A loopback server stands in for a public site through
`PinnedResolver`, the documented test double for the name lookup."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from ingest.http import (
    BlockedAddressError,
    FetchPolicy,
    PinnedResolver,
    Resolved,
    address_class,
    fetch,
)
from ingest.loaders.url import clean_source
from kb.errors import LoadError
from kb.settings import Settings

PUBLIC = FetchPolicy(timeout_s=5)
PRIVATE_OK = FetchPolicy(allow_private=True, timeout_s=5)


class Site:
    """A loopback HTTP server that records what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                path = self.path
                if path.startswith("/to/"):  # /to/<absolute or relative target>
                    self._send(302, b"", location=path[len("/to/") :])
                elif path.startswith("/chain/"):  # /chain/N redirects N times, then the page
                    left = int(path.rsplit("/", 1)[1])
                    if left:
                        self._send(302, b"", location=f"/chain/{left - 1}")
                    else:
                        self._send(200, b"end of the chain")
                elif path == "/etag":
                    if self.headers.get("If-None-Match") == '"v1"':
                        self._send(304, b"", etag='"v1"')
                    else:
                        self._send(200, b"<p>versioned</p>", etag='"v1"')
                elif path == "/missing":
                    self._send(404, b"no")
                elif path == "/broken":
                    self._send(500, b"oops")
                elif path == "/big":
                    self._send(200, b"x" * 5000)
                elif path == "/drip":
                    self._drip()
                else:
                    self._send(200, b"<p>hello " + path.encode() + b"</p>")

            def _send(self, status: int, body: bytes, **headers: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(body)

            def _drip(self) -> None:
                """20 bytes, one every 0.3 s (6 s in all): each read is quick, the whole is not."""
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "20")
                self.end_headers()
                for _ in range(20):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.3)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def site():
    s = Site()
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def innocent(site: Site) -> PinnedResolver:
    """`innocent.test` answers with the loopback site, treated as a public address."""
    return PinnedResolver({"innocent.test": "127.0.0.1"})


# --- schemes and addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "file:///etc/passwd", "gopher://example.com/", "data:,hi"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(LoadError, match="only http and https") as err:
        fetch(url, PRIVATE_OK)
    assert not isinstance(err.value, BlockedAddressError)


LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "LocalHost.",
    "app.localhost",
    "[::1]",
    "2130706433",
    "0x7f000001",
    "0x7F.0.0.1",
    "0177.0.0.1",
    "127.1",
    "127.000.000.001",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "１２７.０.０.１",  # full-width digits, IDNA maps them to ASCII
    "ｌｏｃａｌｈｏｓｔ",  # full-width letters
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused(site, host):
    with pytest.raises(BlockedAddressError) as err:
        fetch(f"http://{host}:{site.port}/secret", PUBLIC)
    assert "a loopback address" in err.value.message
    assert "KB_ALLOW_PRIVATE_URLS=1" in err.value.hint
    assert "--allow-private-urls" in err.value.hint
    assert site.paths() == []  # refused before any connection
    # the same URL is fetched once private addresses are allowed (the server is really there)
    if host in ("127.0.0.1", "localhost", "2130706433", "0177.0.0.1", "127.1"):
        assert fetch(f"http://{host}:{site.port}/secret", PRIVATE_OK).status == 200


@pytest.mark.parametrize(
    "host, kind",
    [
        ("0.0.0.0", "an unspecified address"),
        ("[::]", "an unspecified address"),
        ("10.1.2.3", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.1.1", "carrier-grade NAT"),
        ("169.254.169.254", "a link-local address"),
        ("[fe80::1]", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("[ff02::1]", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("[fd12:3456::1]", "a private address"),
        ("[::ffff:10.0.0.1]", "a private address"),
        ("[::ffff:169.254.169.254]", "a link-local address"),
        ("[64:ff9b::a00:1]", "a private address"),  # NAT64 of 10.0.0.1
        ("[2002:c0a8:101::1]", "a private address"),  # 6to4 of 192.168.1.1
    ],
)
def test_private_and_special_addresses_are_refused_naming_their_class(host, kind):
    with pytest.raises(BlockedAddressError) as err:
        fetch(f"http://{host}/latest/meta-data", PUBLIC)
    assert kind in err.value.message and "KB_ALLOW_PRIVATE_URLS=1" in err.value.hint


def test_address_classes():
    assert address_class("8.8.8.8") is None
    assert address_class("2606:4700:4700::1111") is None
    assert address_class("::127.0.0.1") == "a loopback address"  # IPv4-compatible
    assert address_class("2002:7f00:1::1") == "a loopback address"  # 6to4
    assert address_class("64:ff9b::7f00:1") == "a loopback address"  # NAT64
    assert address_class("fe80::1%eth0") == "a link-local address"
    assert address_class("192.0.2.1") == "a non-public address"  # documentation range
    assert address_class("255.255.255.255") is not None


def test_a_name_is_refused_when_any_of_its_addresses_is_private():
    def resolver(host: str, port: int) -> list[Resolved]:
        return [Resolved("93.184.216.34", None), Resolved("10.0.0.7", "a private address")]

    with pytest.raises(BlockedAddressError) as err:
        fetch("http://mixed.test/", PUBLIC, resolver=resolver)
    assert "mixed.test resolves to a private address" in err.value.message
    assert "10.0.0.7" not in err.value.message  # internal addresses are not echoed


def test_the_connection_goes_to_the_checked_address_with_one_lookup(site):
    lookups: list[str] = []
    pinned = innocent(site)

    def resolver(host: str, port: int) -> list[Resolved]:
        lookups.append(host)
        return pinned(host, port)

    got = fetch(f"http://innocent.test:{site.port}/page", PUBLIC, resolver=resolver)
    assert got.status == 200 and got.content == b"<p>hello /page</p>"
    assert lookups == ["innocent.test"]  # no second lookup that could answer differently
    ((_, headers),) = site.requests
    assert headers["host"] == f"innocent.test:{site.port}"
    assert headers["user-agent"].startswith("kb-ai-market/")


def test_https_names_the_host_in_sni_while_connecting_to_the_checked_address(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=innocent.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    seen: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen.append(name)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(5)
                try:
                    context.wrap_socket(conn, server_side=True).close()
                except (ssl.SSLError, OSError):
                    pass  # the client rejects the self-signed certificate
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        with pytest.raises(LoadError, match="cannot fetch the page"):
            fetch(f"https://innocent.test:{port}/", PUBLIC, resolver=PinnedResolver(
                {"innocent.test": "127.0.0.1"}
            ))  # fmt: skip
    finally:
        thread.join(10)
        listener.close()
    assert seen == ["innocent.test"]  # certificate checked against the name, not the address


# --- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://localhost:{port}/secret",
                                    "http://2130706433:{port}/secret"])  # fmt: skip
def test_a_redirect_from_a_public_host_to_loopback_is_refused(site, target):
    url = f"http://innocent.test:{site.port}/to/" + target.format(port=site.port)
    with pytest.raises(BlockedAddressError) as err:
        fetch(url, PUBLIC, resolver=innocent(site))
    assert "redirects to" in err.value.message and "a loopback address" in err.value.message
    assert err.value.source == url
    assert "/secret" not in site.paths()  # the loopback page was never asked for


def test_redirect_to_another_scheme_is_refused(site):
    with pytest.raises(LoadError, match="redirects to file:///etc/passwd.*only http and https"):
        fetch(f"{site.url}/to/file:///etc/passwd", PRIVATE_OK)


def test_at_most_max_redirects_are_followed(site):
    got = fetch(f"{site.url}/chain/5", PRIVATE_OK)
    assert got.content == b"end of the chain" and got.final_url == f"{site.url}/chain/0"
    assert got.url == f"{site.url}/chain/5"
    with pytest.raises(LoadError, match="more than 5 redirects"):
        fetch(f"{site.url}/chain/6", PRIVATE_OK)
    with pytest.raises(LoadError, match="more than 2 redirects"):
        fetch(f"{site.url}/chain/3", FetchPolicy(allow_private=True, max_redirects=2))


def test_credentials_stay_with_their_origin(site):
    # 127.0.0.1 and localhost are different origins on the same server
    url = f"http://reader:s3cret@127.0.0.1:{site.port}/to/http://localhost:{site.port}/other"
    got = fetch(url, PRIVATE_OK, headers={"Cookie": "session=abc"})
    assert got.final_url == f"http://localhost:{site.port}/other"
    first, second = site.requests
    assert first[1]["authorization"].startswith("Basic ") and first[1]["cookie"] == "session=abc"
    assert "authorization" not in second[1] and "cookie" not in second[1]


# --- deadline, sizes, statuses ----------------------------------------------------------------


def test_one_deadline_covers_the_whole_body(site):
    # every byte comes well within 1.5 s of the last, but the page takes 6 s: a per-read
    # timeout would wait it out, the total deadline does not
    with pytest.raises(LoadError, match="did not arrive within 1.5 s"):
        fetch(f"{site.url}/drip", FetchPolicy(allow_private=True, timeout_s=1.5))


def test_errors_do_not_tell_an_open_port_from_a_closed_one():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
    closed_port = closed.getsockname()[1]
    talker = socket.create_server(("127.0.0.1", 0))  # an open port that does not speak HTTP
    silent = socket.create_server(("127.0.0.1", 0))  # an open port that never answers
    stop = threading.Event()

    def talk() -> None:
        talker.settimeout(0.2)
        for _ in range(50):  # bounded: at most 10 s
            if stop.is_set():
                return
            try:
                conn, _ = talker.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    thread = threading.Thread(target=talk, daemon=True)
    thread.start()
    policy = FetchPolicy(allow_private=True, timeout_s=1.5)
    errors = []
    try:
        for port in (closed_port, talker.getsockname()[1], silent.getsockname()[1]):
            with pytest.raises(LoadError) as err:
                fetch(f"http://127.0.0.1:{port}/", policy)
            errors.append((err.value.message, err.value.hint))
    finally:
        stop.set()
        thread.join(5)
        for s in (closed, talker, silent):
            s.close()
    assert errors[0] == errors[1] == errors[2]
    assert errors[0][0] == "cannot fetch the page"


def test_conditional_request_returns_304_without_a_body(site):
    first = fetch(f"{site.url}/etag", PRIVATE_OK)
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    assert first.headers["content-type"].startswith("text/html")
    again = fetch(f"{site.url}/etag", PRIVATE_OK, headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.content == b""
    assert site.requests[-1][1]["if-none-match"] == '"v1"'


@pytest.mark.parametrize("path, status", [("/missing", 404), ("/broken", 500)])
def test_http_errors_name_the_status(site, path, status):
    with pytest.raises(LoadError, match=f"HTTP {status}"):
        fetch(site.url + path, PRIVATE_OK)


def test_pages_over_the_size_limit_are_refused(site):
    with pytest.raises(LoadError, match="larger than"):
        fetch(f"{site.url}/big", FetchPolicy(allow_private=True, max_bytes=1000))
    assert len(fetch(f"{site.url}/big", PRIVATE_OK).content) == 5000


# --- settings and stored sources --------------------------------------------------------------


def test_the_setting_and_the_flag_allow_private_urls(monkeypatch, tmp_path):
    from ingest.__main__ import parse_args
    from kb.cliargs import build_settings

    monkeypatch.delenv("KB_ALLOW_PRIVATE_URLS", raising=False)
    assert FetchPolicy.from_settings(Settings()).allow_private is False
    args = parse_args(["http://10.0.0.1/", "--allow-private-urls"])
    settings = build_settings(args, allow_private_urls=args.allow_private_urls)
    assert FetchPolicy.from_settings(settings).allow_private is True
    monkeypatch.setenv("KB_ALLOW_PRIVATE_URLS", "1")
    args = parse_args(["http://10.0.0.1/"])
    settings = build_settings(args, allow_private_urls=args.allow_private_urls)
    assert settings.allow_private_urls is True  # the env var is not overridden by a missing flag
    policy = FetchPolicy.from_settings(Settings(fetch_timeout_s=7, max_file_mb=2))
    assert (policy.timeout_s, policy.max_bytes) == (7, 2_000_000)


@pytest.mark.parametrize(
    "url, source",
    [
        ("https://user:pw@Example.com/a/?b=1#frag", "https://example.com/a?b=1"),
        ("https://example.com/a?token=abc&id=7", "https://example.com/a?id=7"),
        (
            "https://example.com/feed?key=1&API_KEY=2&apikey=3&sig=4&Signature=5&password=6"
            "&pass=7&secret=8&access_token=9&auth=10&page=2",
            "https://example.com/feed?page=2",
        ),
        ("https://s3.test/f.pdf?X-Amz-Signature=ab&X-Amz-Credential=cd&v=1", "https://s3.test/f.pdf?v=1"),
        ("https://example.com/a?utm_source=x&fbclid=y&q=ai", "https://example.com/a?q=ai"),
        ("http://EXAMPLE.com:8080/", "http://example.com:8080"),
    ],
)  # fmt: skip
def test_stored_sources_drop_credentials_and_tracking(url, source):
    assert clean_source(url) == source
