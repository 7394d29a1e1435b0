"""Fetch a web page for import, refusing every internal address (SSRF-safe), and import it.

``fetch(url)`` follows at most ``NEWSROOM_FETCH_MAX_REDIRECTS`` redirects. At every hop:
the address must be ``http``/``https`` with a host and no user name or password; the host
is resolved once and *every* address it resolves to must be public (not loopback,
private, link-local, multicast, reserved, unspecified, or otherwise not globally
routable; an IPv4-mapped, 6to4 or Teredo IPv6 address is judged by the IPv4 address
inside); the connection goes to the checked address itself (no second lookup, so a DNS
answer that changes between check and connect, "DNS rebinding", cannot move it), and the
connected peer's address is checked again before a byte is sent. HTTPS verifies the
certificate against the host name. The whole fetch has ``NEWSROOM_FETCH_TIMEOUT``
seconds, the body at most ``NEWSROOM_FETCH_MAX_BYTES`` (no compression is asked for, so
the cap is the size read), and only HTML is taken. Proxies from the environment are not
used. ``NEWSROOM_FETCH_ALLOWED_NETWORKS`` (tests only) lets chosen networks through.

Standard library ``http.client`` on a socket we connected ourselves: pinning the checked
address is one overridden ``connect``; urllib3 or requests would need a custom
connection pool and resolver for the same, with more to audit.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser

from newsroom.importing import ImportResult, ImportSummary, Status, import_items
from newsroom.readers import Record, read_stream

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "newsroom-import/1.0"


class FetchError(Exception):
    """Why a page was not fetched, in words for the user (the address is named)."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the address it was finally read from (after redirects) and its body."""

    url: str
    body: bytes
    content_type: str


def fetch(url: str) -> Page:
    """Fetch an HTML page, SSRF-safe (module docstring); raises ``FetchError``."""
    deadline = time.monotonic() + settings.NEWSROOM_FETCH_TIMEOUT
    current = url
    for _hop in range(settings.NEWSROOM_FETCH_MAX_REDIRECTS + 1):
        response_url, status, location, content_type, body = _get(current, deadline)
        if status in (301, 302, 303, 307, 308):
            if not location:
                raise FetchError(f"{current}: a redirect without a Location")
            current = urljoin(current, location)
            continue
        if status != 200:
            raise FetchError(f"{current}: the server answered {status}")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            raise FetchError(
                f"{current}: not an HTML page ({media_type or 'no content type'}); "
                "only web pages can be imported from a URL"
            )
        return Page(response_url, body, content_type)
    raise FetchError(f"{url}: more than {settings.NEWSROOM_FETCH_MAX_REDIRECTS} redirects")


def check_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an address we may fetch; raises ``FetchError``. A host
    given as an IP address is refused here when ``refusal`` refuses it (no lookup needed);
    a name is checked by ``resolve`` when it is looked up."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid address ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http:// and https:// addresses can be fetched")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"{url}: addresses with a user name or password are refused")
    if not parts.hostname:
        raise FetchError(f"{url}: the address has no host")
    try:
        literal = _address(parts.hostname)  # an address given by number: checked at once
    except ValueError:
        pass
    else:
        if (reason := refusal(literal)) is not None:
            raise FetchError(f"{url}: refused, {literal} is {reason}")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _address(text: str) -> IPAddress:
    """The IP address ``text`` spells (an IPv6 zone such as ``%eth0`` dropped)."""
    return ipaddress.ip_address(text.split("%")[0])


def refusal(address: IPAddress) -> str | None:
    """Why this address may not be fetched from, or ``None`` when it is public."""
    for network in settings.NEWSROOM_FETCH_ALLOWED_NETWORKS:
        if address in ipaddress.ip_network(network):
            return None
    inner = address
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        inner = inner or address
    for test, words in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(inner, test) or getattr(address, test):
            return f"a {words} address"
    if not inner.is_global or not address.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int) -> IPAddress:
    """The address to connect to: the host's first, when every one it has is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: the host name does not resolve ({exc})") from None
    addresses = [_address(info[4][0]) for info in infos]
    for address in addresses:
        if (reason := refusal(address)) is not None:
            raise FetchError(f"{host}: refused, {address} is {reason}")
    if not addresses:
        raise FetchError(f"{host}: the host name has no address")
    return addresses[0]


def check_peer(sock: socket.socket, host: str) -> None:
    """Refuse a connection whose peer is not a public address (the last line of defence)."""
    address = _address(sock.getpeername()[0])
    if (reason := refusal(address)) is not None:
        raise FetchError(f"{host}: refused, connected to {address}, {reason}")


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to ``address`` that sends ``host`` as the Host header."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)
        check_peer(self.sock, self.host)


class _PinnedHTTPSConnection(_PinnedConnection):
    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


def _get(url: str, deadline: float) -> tuple[str, int, str, str, bytes]:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"{url}: no answer within {settings.NEWSROOM_FETCH_TIMEOUT} s")
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedConnection
    connection = kind(host, port, address, timeout=remaining)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    limit = settings.NEWSROOM_FETCH_MAX_BYTES
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        location = response.getheader("Location", "")
        content_type = response.getheader("Content-Type", "")
        body = b""
        if response.status == 200:
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise FetchError(f"{url}: the page is larger than {limit} bytes")
            chunks, size = [], 0
            while chunk := response.read(min(65536, limit + 1 - size) or 1):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{url}: the page is larger than {limit} bytes")
                if time.monotonic() > deadline:
                    raise TimeoutError
            body = b"".join(chunks)
        return url, response.status, location, content_type, body
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {settings.NEWSROOM_FETCH_TIMEOUT} s") from None
    except ssl.SSLError as exc:
        raise FetchError(f"{url}: the secure connection failed ({exc.reason})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url}: the connection failed ({exc})") from None
    finally:
        connection.close()


def import_url(
    *,
    url: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportSummary:
    """Fetch one page (``fetch``) and import it by the importer's HTML path.

    Never raises for bad input: a refused or failed fetch is the summary's one failure,
    located at the address. The article's url is the page's canonical address when it
    names one, else the address finally fetched; so importing the same URL again finds
    the same article (already imported, or a new revision when its text changed).
    """
    try:
        page = fetch(url)
    except FetchError as error:
        summary = ImportSummary(dry_run=dry_run, results=[])
        result = ImportResult(Status.FAILED, url, message=str(error))
        summary.add(result)
        if progress is not None:
            progress(result)
        return summary
    items = [
        replace(item, url=page.url) if isinstance(item, Record) and not item.url else item
        for item in read_stream(BytesIO(page.body), origin=url, format="html")
    ]
    return import_items(items, user=user, dry_run=dry_run, progress=progress, keep_results=True)
