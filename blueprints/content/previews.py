"""Fetching a link's preview: the page's image and site name, as networks show a shared link.

Fetched once, when comms save an item's link, never while people read. The fetch goes out
to addresses on the internet only: every address the host resolves to is checked, and the
connection goes to a checked address (so a second, different answer of the resolver cannot
slip through); each redirect is checked again, and there are at most a few of them. The
page and the image have size limits, the whole fetch a time limit. Any failure gives no
preview, never an error to the person saving the item.
"""

import codecs
import http.client
import io
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolverTimeout
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from PIL import Image, ImageOps, UnidentifiedImageError

REDIRECTS = {301, 302, 303, 307, 308}
IMAGE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]  # what pages use; no other decoder is ever run
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded
USER_AGENT = "Porte-voix link preview (employee advocacy intranet)"


class PreviewUnavailable(Exception):
    """The link's preview could not be fetched; the message says why (for the log, not people)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0  # seconds for the whole fetch, page, redirects and image
    max_page_bytes: int = 2 * 1024 * 1024  # the page is read up to this size
    max_image_bytes: int = 5 * 1024 * 1024  # a larger image is refused
    max_redirects: int = 3
    image_width: int = 640  # the stored image fits in a square of this side
    allow_loopback: bool = False  # for tests with a server on this machine only


@dataclass(frozen=True)
class Preview:
    title: str | None
    site_name: str | None
    image: bytes | None  # JPEG
    image_width: int | None
    image_height: int | None


def fetch_preview(url: str, limits: Limits = Limits()) -> Preview:
    """The preview of a web page, or PreviewUnavailable. A page whose image cannot be had
    still gives its site name and title."""
    deadline = time.monotonic() + limits.timeout
    page = _get(url, "text/html,application/xhtml+xml", limits.max_page_bytes, True, deadline, limits)
    if page.media_type not in ("text/html", "application/xhtml+xml"):
        raise PreviewUnavailable(f"not a web page: {page.media_type}")
    found = _read_meta(page.body.decode(page.charset, errors="replace"))
    image = width = height = None
    image_url = _first(
        found, "og:image:secure_url", "og:image:url", "og:image", "twitter:image", "twitter:image:src"
    )
    if image_url:
        image_url = urljoin(page.url, image_url)
        try:
            fetched = _get(image_url, "image/*", limits.max_image_bytes, False, deadline, limits)
            image, width, height = _small_jpeg(fetched.body, limits.image_width)
        except PreviewUnavailable:
            pass
    title = _first(found, "og:title", "twitter:title") or found.get("title")
    return Preview(
        title=_clean(title, 300),
        site_name=_clean(_first(found, "og:site_name"), 200),
        image=image,
        image_width=width,
        image_height=height,
    )


# --- Fetching ------------------------------------------------------------------


@dataclass(frozen=True)
class _Response:
    url: str  # after redirects
    media_type: str
    charset: str
    body: bytes


def _get(url: str, accept: str, max_bytes: int, truncate: bool, deadline: float, limits: Limits) -> _Response:
    """GET a web address, following at most ``max_redirects`` redirects, each one checked.

    ``truncate``: a longer body is cut at ``max_bytes`` (a page: its head is what counts);
    otherwise it is refused (an image cut short is no image).
    """
    for _hop in range(limits.max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PreviewUnavailable(f"not a web address: {url[:100]}")
        if parts.username or parts.password:
            raise PreviewUnavailable("addresses with a user name are not fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise PreviewUnavailable("bad port") from error
        address = _checked_address(parts.hostname, port, deadline, limits.allow_loopback)
        connection = _connection(parts.scheme, parts.hostname, port, address, _remaining(deadline))
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": accept})
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise PreviewUnavailable("redirect without a location")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise PreviewUnavailable(f"answered {response.status}")
            header = Message()
            header["content-type"] = response.getheader("Content-Type") or "application/octet-stream"
            length = response.getheader("Content-Length")
            if not truncate and length and length.isdigit() and int(length) > max_bytes:
                raise PreviewUnavailable("too large")
            body = _read(connection, response, max_bytes, truncate, deadline)
            return _Response(url, header.get_content_type(), _charset(header.get_param("charset")), body)
        except (OSError, http.client.HTTPException) as error:
            raise PreviewUnavailable(f"fetch failed: {error}") from error
        finally:
            connection.close()
    raise PreviewUnavailable("too many redirects")


def _read(connection, response, max_bytes: int, truncate: bool, deadline: float) -> bytes:
    chunks, size = [], 0
    while size <= max_bytes:
        if connection.sock is not None:
            connection.sock.settimeout(_remaining(deadline))
        chunk = response.read1(64 * 1024)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        _remaining(deadline)
    body = b"".join(chunks)
    if len(body) > max_bytes:
        if not truncate:
            raise PreviewUnavailable("too large")
        body = body[:max_bytes]
    return body


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise PreviewUnavailable("too slow")
    return left


def _charset(value) -> str:
    """The page's declared encoding if Python knows it, else UTF-8."""
    try:
        return codecs.lookup(value).name if isinstance(value, str) else "utf-8"
    except LookupError:
        return "utf-8"


# --- Addresses -----------------------------------------------------------------


def address_allowed(address: str, allow_loopback: bool = False) -> bool:
    """An address on the internet: not private, loopback, link-local, reserved, multicast…"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_loopback and ip.is_loopback:
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def _checked_address(host: str, port: int, deadline: float, allow_loopback: bool) -> str:
    """The address to connect to, once every address of the host has been checked."""
    executor = ThreadPoolExecutor(max_workers=1)  # the resolver has no time limit of its own
    try:
        answers = executor.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM).result(
            timeout=_remaining(deadline)
        )
    except ResolverTimeout as error:
        raise PreviewUnavailable("the name took too long to resolve") from error
    except OSError as error:
        raise PreviewUnavailable(f"unknown host {host}") from error
    finally:
        executor.shutdown(wait=False)
    addresses = [answer[4][0] for answer in answers]
    if not addresses or not all(address_allowed(address, allow_loopback) for address in addresses):
        raise PreviewUnavailable(f"{host} is not on the internet")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the resolver would answer now."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float):
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return kind(host, port, address, timeout)


# --- Reading the page and the image -------------------------------------------------

WANTED = {
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "og:site_name",
    "og:title",
    "twitter:image",
    "twitter:image:src",
    "twitter:title",
}


class _MetaReader(HTMLParser):
    """The head's Open Graph and Twitter tags, and its title; stops at the body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.in_title = False
        self.title: list[str] = []
        self.done = False

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            values = {name: value for name, value in attrs if value is not None}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            content = (values.get("content") or "").strip()
            if key in WANTED and content and key not in self.found:
                self.found[key] = content
        elif tag == "title":
            self.in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)


def _read_meta(page: str) -> dict[str, str]:
    reader = _MetaReader()
    try:
        for start in range(0, len(page), 16 * 1024):
            reader.feed(page[start : start + 16 * 1024])
            if reader.done:
                break
    except Exception:  # a broken page: keep what was read
        pass
    found = dict(reader.found)
    if reader.title:
        found["title"] = "".join(reader.title)
    return found


def _first(found: dict[str, str], *keys: str) -> str | None:
    return next((found[key] for key in keys if found.get(key)), None)


def _clean(value: str | None, length: int) -> str | None:
    """Text from someone else's page: one line, no control characters, bounded."""
    if not value:
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    return text[:length] or None


def _small_jpeg(data: bytes, side: int) -> tuple[bytes, int, int]:
    """The image fitted in a square of ``side`` pixels, re-encoded as JPEG (no metadata kept)."""
    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PreviewUnavailable("image too large")
            image.draft("RGB", (side, side))  # JPEG: decode at a smaller scale straight away
            image = ImageOps.exif_transpose(image)
            image.thumbnail((side, side))
            if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise PreviewUnavailable(f"not an image: {error}") from error
