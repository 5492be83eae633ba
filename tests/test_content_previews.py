"""Link previews: fetched once when comms save a link, stored small, served from our own origin.

The fetcher is tried against an HTTP server started here on 127.0.0.1, which a test app may
reach only through the test-only setting PREVIEW_FETCH_ALLOW_LOOPBACK; by default loopback,
private, link-local and reserved addresses are refused before any connection is made.
"""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from PIL import Image

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.content import previews, services
from blueprints.content.catalogue import Status
from blueprints.content.models import ContentItem, LinkPreview
from blueprints.content.previews import Limits, PreviewUnavailable, address_allowed, fetch_preview
from tests.conftest import Auth, csrf_token, post, text


def png(width: int, height: int, color=(200, 60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def page(
    image: str | None = "/images/cover.png", site: str | None = "Lighting Today", extra: str = ""
) -> bytes:
    metas = ""
    if image:
        metas += f'<meta property="og:image" content="{image}">'
    if site:
        metas += f'<meta property="og:site_name" content="{site}">'
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Fallback title</title>"
        f'<meta property="og:title" content="Lumen lights up Nantes">{metas}{extra}</head>'
        "<body><p>Article</p></body></html>"
    ).encode()


class Site:
    """A small web site on 127.0.0.1: paths answer (status, headers, body), or a function does."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                route = site.routes.get(self.path)
                if callable(route):
                    route(self)
                    return
                status, headers, body = route or (404, {}, b"not here")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client that hung up early: expected
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def html(self, path: str, body: bytes) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)

    def image(self, path: str, body: bytes, content_type: str = "image/png") -> None:
        self.routes[path] = (200, {"Content-Type": content_type}, body)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": to}, b"")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    started = Site()
    yield started
    started.stop()


LOOPBACK_FOR_TESTS = Limits(allow_loopback=True)


@pytest.fixture
def no_connection(monkeypatch):
    """Fail if anything tries to connect: refusals must come before any packet is sent."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"connected to {address}")

    monkeypatch.setattr(previews.socket, "create_connection", refuse)
    return attempts


# --- The fetcher ------------------------------------------------------------------


def test_the_fetcher_reads_open_graph_and_stores_a_small_jpeg(site):
    site.html("/story", page())
    site.image("/images/cover.png", png(1600, 900))
    found = fetch_preview(f"{site.base}/story", LOOPBACK_FOR_TESTS)
    assert (found.title, found.site_name) == ("Lumen lights up Nantes", "Lighting Today")
    assert (found.image_width, found.image_height) == (640, 360)
    assert found.image[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG
    with Image.open(io.BytesIO(found.image)) as stored:
        assert (stored.format, stored.size, stored.mode) == ("JPEG", (640, 360), "RGB")
    assert site.hits == ["/story", "/images/cover.png"]


def test_twitter_tags_and_the_title_stand_in_and_a_transparent_image_gets_a_white_background(site):
    extra = '<meta name="twitter:image" content="images/logo.png">'
    site.html("/news/item", page(image=None, site=None, extra=extra).replace(b"og:title", b"x:none"))
    transparent = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(transparent, "PNG")
    site.image("/news/images/logo.png", transparent.getvalue())
    found = fetch_preview(f"{site.base}/news/item", LOOPBACK_FOR_TESTS)
    assert (found.title, found.site_name, found.image_width, found.image_height) == (
        "Fallback title",
        None,
        300,
        100,
    )
    with Image.open(io.BytesIO(found.image)) as stored:
        assert stored.getpixel((10, 10)) >= (250, 250, 250)


def test_a_page_without_image_gives_its_site_name_and_a_broken_image_gives_no_image(site):
    site.html("/plain", page(image=None))
    assert fetch_preview(f"{site.base}/plain", LOOPBACK_FOR_TESTS).image is None
    site.html("/broken", page(image="/fake.png"))
    site.image("/fake.png", b"<html>not an image</html>")
    found = fetch_preview(f"{site.base}/broken", LOOPBACK_FOR_TESTS)
    assert (found.site_name, found.image) == ("Lighting Today", None)


@pytest.mark.parametrize("status", [404, 500])
def test_a_page_that_fails_gives_no_preview(site, status):
    site.routes["/gone"] = (status, {"Content-Type": "text/html"}, page())
    with pytest.raises(PreviewUnavailable):
        fetch_preview(f"{site.base}/gone", LOOPBACK_FOR_TESTS)


def test_something_else_than_a_page_gives_no_preview(site):
    site.image("/file.png", png(10, 10))
    with pytest.raises(PreviewUnavailable, match="not a web page"):
        fetch_preview(f"{site.base}/file.png", LOOPBACK_FOR_TESTS)


def test_loopback_is_refused_by_default_before_connecting(site):
    site.html("/story", page())
    for url in (f"{site.base}/story", f"http://localhost:{site.server.server_port}/story"):
        with pytest.raises(PreviewUnavailable, match="not on the internet"):
            fetch_preview(url)
    assert site.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
        "http://100.64.0.1/",  # shared address space
        "http://0.0.0.0/",
        "http://127.0.0.1/",
        "http://240.0.0.1/",  # reserved
        "http://224.0.0.1/",  # multicast
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_and_reserved_addresses_are_refused_without_a_connection(no_connection, url):
    with pytest.raises(PreviewUnavailable, match="not on the internet"):
        fetch_preview(url)
    assert no_connection == []


@pytest.mark.parametrize(
    "answers",
    [["10.0.0.7"], ["93.184.215.14", "10.0.0.7"], ["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "fd12::1"]],
    ids=["private", "one-private-among-public", "ipv6-unique-local"],
)
def test_every_address_of_a_host_is_checked(monkeypatch, no_connection, answers):
    def resolve(host, port, *args, **kwargs):
        assert host == "intranet.example"
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers
        ]

    monkeypatch.setattr(previews.socket, "getaddrinfo", resolve)
    with pytest.raises(PreviewUnavailable, match="not on the internet"):
        fetch_preview("https://intranet.example/wiki")
    assert no_connection == []


def test_public_addresses_are_allowed_and_loopback_only_with_the_test_setting():
    assert address_allowed("93.184.215.14") and address_allowed("2606:4700::1111")
    assert not address_allowed("127.0.0.1") and address_allowed("127.0.0.1", allow_loopback=True)
    assert not address_allowed("10.0.0.1", allow_loopback=True)  # private stays refused
    assert not address_allowed("not an address")


def test_each_redirect_is_checked_again(site):
    site.redirect("/hop", "http://10.0.0.9/internal")
    site.redirect("/meta", "http://169.254.169.254/latest/")
    for path in ("/hop", "/meta"):
        with pytest.raises(PreviewUnavailable, match="not on the internet"):
            fetch_preview(f"{site.base}{path}", LOOPBACK_FOR_TESTS)
    assert site.hits == ["/hop", "/meta"]


def test_at_most_three_redirects_are_followed(site):
    site.html("/story", page(image=None))
    for number in range(1, 5):
        site.redirect(f"/r{number}", f"/r{number + 1}" if number < 4 else "/story")
    found = fetch_preview(f"{site.base}/r2", LOOPBACK_FOR_TESTS)  # r2 → r3 → r4 → story: three
    assert found.site_name == "Lighting Today"
    site.hits.clear()
    with pytest.raises(PreviewUnavailable, match="too many redirects"):
        fetch_preview(f"{site.base}/r1", LOOPBACK_FOR_TESTS)  # four
    assert site.hits == ["/r1", "/r2", "/r3", "/r4"]


def test_an_image_over_the_size_limit_is_refused(site):
    site.html("/story", page())
    site.image("/images/cover.png", png(1600, 900) + b"\0" * 50_000)
    found = fetch_preview(f"{site.base}/story", Limits(allow_loopback=True, max_image_bytes=40_000))
    assert (found.site_name, found.image) == ("Lighting Today", None)


def test_an_image_without_a_length_is_cut_off_at_the_limit(site):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.end_headers()  # no length: the body runs until the connection closes
        for _ in range(200):
            handler.wfile.write(b"\0" * 10_000)
        handler.close_connection = True

    site.html("/story", page())
    site.routes["/images/cover.png"] = endless
    found = fetch_preview(f"{site.base}/story", Limits(allow_loopback=True, max_image_bytes=100_000))
    assert found.image is None


def test_a_huge_page_is_read_only_up_to_the_limit(site):
    site.html("/long", page() + b"<p>filler</p>" * 50_000)
    site.image("/images/cover.png", png(100, 50))
    found = fetch_preview(f"{site.base}/long", Limits(allow_loopback=True, max_page_bytes=4_000))
    assert (found.site_name, found.image_width) == ("Lighting Today", 100)


def test_a_slow_site_runs_out_of_time(site):
    def slow(handler):
        time.sleep(2)
        handler.send_response(200)
        handler.end_headers()

    site.routes["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(PreviewUnavailable):
        fetch_preview(f"{site.base}/slow", Limits(allow_loopback=True, timeout=0.5))
    assert time.monotonic() - started < 1.5


def test_a_link_with_a_user_name_or_another_scheme_is_not_fetched(no_connection):
    for url in ("http://user:secret@example.org/", "ftp://example.org/", "file:///etc/passwd"):
        with pytest.raises(PreviewUnavailable):
            fetch_preview(url)
    assert no_connection == []


# --- Saving a link fetches its preview once ------------------------------------------


ITEM = {
    "title": "Lumen in Nantes",
    "summary": "Our new street lights.",
    "theme": "products",
    "kind": "news",
    "language": "fr",
    "status": "published",
}


@pytest.fixture
def fetching_app(make_app):
    return make_app(PREVIEW_FETCH_ENABLED=True, PREVIEW_FETCH_ALLOW_LOOPBACK=True)


def sign_in(app, email: str):
    client = app.test_client()
    assert Auth(client).login(email).status_code == 302
    return client


def send(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client)})


def stored_preview(app) -> LinkPreview | None:
    with app.app_context():
        preview = db.session.scalar(sa.select(LinkPreview).options(sa.orm.undefer(LinkPreview.image)))
        db.session.expunge_all()
        return preview


def test_comms_saving_a_link_fetches_its_preview_once_and_people_see_it_from_our_origin(
    fetching_app, site, make_user
):
    site.html("/story", page())
    site.image("/images/cover.png", png(1200, 630))
    comms = sign_in(fetching_app, make_user(Role.COMMS).email)
    response = send(comms, "/admin/content/new", {**ITEM, "url": f"{site.base}/story"})
    assert response.status_code == 303
    assert site.hits == ["/story", "/images/cover.png"]
    preview = stored_preview(fetching_app)
    assert (preview.url, preview.site_name, preview.image_width, preview.image_height) == (
        f"{site.base}/story",
        "Lighting Today",
        640,
        336,
    )
    with fetching_app.app_context():
        item_id = db.session.scalar(sa.select(ContentItem.id))

    reader = sign_in(fetching_app, make_user(language="en", content_languages=["fr"]).email)
    feed = reader.get("/feed")
    body = feed.get_data(as_text=True)
    image_address = f"/content/{item_id}/preview.jpg?v={preview.version}"
    assert f'src="{image_address}"' in body
    assert '<p class="content-source"><span class="visually-hidden">Source: </span>Lighting Today</p>' in body
    assert "img-src 'self' data:" in feed.headers["Content-Security-Policy"]
    assert site.base not in body.replace(f'href="{site.base}/story"', "")  # nothing loaded from the site
    image = reader.get(image_address)
    assert (image.status_code, image.mimetype, image.data) == (200, "image/jpeg", preview.image)
    assert image.cache_control.private and image.cache_control.immutable
    assert image.cache_control.max_age == 365 * 24 * 3600
    again = reader.get(image_address, headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304
    unversioned = reader.get(f"/content/{item_id}/preview.jpg")
    assert unversioned.cache_control.no_cache and not unversioned.cache_control.immutable
    item_page = text(reader.get(f"/content/{item_id}"))
    assert "Lumen lights up Nantes" in item_page and "Lighting Today" in item_page  # the post preview's card

    send(comms, f"/admin/content/{item_id}/edit", {**ITEM, "url": f"{site.base}/story", "title": "Renamed"})
    assert site.hits == ["/story", "/images/cover.png"]  # the same link: not fetched again


def test_a_new_link_replaces_the_preview_and_a_removed_link_drops_it(fetching_app, site, make_user):
    site.html("/story", page())
    site.image("/images/cover.png", png(800, 400))
    site.html("/other", page(image=None, site="Other Site"))
    comms = sign_in(fetching_app, make_user(Role.COMMS).email)
    send(comms, "/admin/content/new", {**ITEM, "url": f"{site.base}/story"})
    with fetching_app.app_context():
        item_id = db.session.scalar(sa.select(ContentItem.id))
    send(comms, f"/admin/content/{item_id}/edit", {**ITEM, "url": f"{site.base}/other"})
    preview = stored_preview(fetching_app)
    assert (preview.url, preview.site_name, preview.image) == (f"{site.base}/other", "Other Site", None)
    send(comms, f"/admin/content/{item_id}/edit", {**ITEM, "url": ""})
    assert stored_preview(fetching_app) is None
    assert site.hits == ["/story", "/images/cover.png", "/other"]


def test_a_failed_fetch_saves_the_item_without_a_preview(fetching_app, site, make_user):
    comms = sign_in(fetching_app, make_user(Role.COMMS).email)
    response = send(comms, "/admin/content/new", {**ITEM, "url": f"{site.base}/missing"})
    assert response.status_code == 303
    with fetching_app.app_context():
        item = db.session.scalar(sa.select(ContentItem))
        assert (item.title, item.link_preview) == ("Lumen in Nantes", None)
        assert item.link_site == "127.0.0.1"  # the card still names the link's host
        item_id = item.id
    assert site.hits == ["/missing"]
    assert comms.get(f"/content/{item_id}/preview.jpg").status_code == 404
    send(comms, f"/admin/content/{item_id}/edit", {**ITEM, "url": f"{site.base}/missing"})
    assert site.hits == ["/missing"]  # fetched once per link, failure included


def test_approving_a_suggestion_fetches_its_preview(fetching_app, site, make_user, make_item):
    site.html("/story", page())
    site.image("/images/cover.png", png(700, 350))
    suggester = make_user()
    item_id = make_item(
        status=Status.PENDING, suggestion_reason="Nice", author_id=suggester.id, url=f"{site.base}/story"
    )
    moderator = make_user(Role.COMMS)
    with fetching_app.app_context():
        services.approve(db.session.get(User, moderator.id), item_id)
    assert stored_preview(fetching_app).image_width == 640
    assert site.hits == ["/story", "/images/cover.png"]


def test_loopback_is_refused_by_default_when_saving(make_app, site, make_user):
    app = make_app(PREVIEW_FETCH_ENABLED=True)
    site.html("/story", page())
    comms = sign_in(app, make_user(Role.COMMS).email)
    assert send(comms, "/admin/content/new", {**ITEM, "url": f"{site.base}/story"}).status_code == 303
    assert site.hits == []
    with app.app_context():
        assert db.session.scalar(sa.select(ContentItem)).link_preview is None


def test_the_loopback_setting_counts_only_in_a_test_app(make_app):
    for testing, allowed in ((True, True), (False, False)):
        app = make_app(TESTING=testing, PREVIEW_FETCH_ALLOW_LOOPBACK=True)
        with app.app_context():
            assert services.preview_limits().allow_loopback is allowed


def test_fetching_is_off_in_tests_unless_asked(app, site, client, signed_in):
    site.html("/story", page())
    signed_in(Role.COMMS)
    assert post(client, "/admin/content/new", {**ITEM, "url": f"{site.base}/story"}).status_code == 303
    assert site.hits == []
    with app.app_context():
        assert services.preview_fetching_enabled() is False


def test_a_preview_image_is_served_only_to_who_may_see_the_item(client, signed_in, make_item, app):
    draft = make_item(status=Status.DRAFT, url="https://www.example.org/a")
    live = make_item(url="https://www.example.org/b")
    with app.app_context():
        for item_id, url in ((draft, "https://www.example.org/a"), (live, "https://www.example.org/b")):
            db.session.add(
                LinkPreview(
                    item_id=item_id,
                    url=url,
                    site_name="Example",
                    image=b"\xff\xd8jpeg",
                    image_width=2,
                    image_height=1,
                )
            )
        db.session.commit()
    signed_in()
    assert client.get(f"/content/{live}/preview.jpg").data == b"\xff\xd8jpeg"
    assert client.get(f"/content/{draft}/preview.jpg").status_code == 404
    assert client.get("/content/99999999/preview.jpg").status_code == 404
