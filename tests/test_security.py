"""CSRF on every state change (forms and htmx), security headers, escaping, errors, health."""

import re
from datetime import datetime
from urllib.parse import quote

import pytest
from flask import request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.exc import DataError
from werkzeug.exceptions import NotFound

from base.database import db, utcnow
from base.exports import defused
from base.form_fields import LocalMomentField
from base.urls import is_local_path
from base.web import MAX_INT, int_arg, public
from blueprints.accounts.models import Role, User
from blueprints.notifications.services import notify
from tests.conftest import PASSWORD, Auth, csrf_token, htmx_headers, post, text

STATE_CHANGES = [
    "/login",
    "/logout",
    "/language",
    "/me",
    "/me/password",
    "/notifications/read-all",
    "/admin/users/new",
    "/admin/users/1/role",
    "/admin/users/1/active",
    "/quiz/start",
    "/quiz/1",
]


@pytest.mark.parametrize("path", STATE_CHANGES)
def test_post_without_csrf_token_is_refused_with_a_translated_page(client, signed_in, path):
    signed_in(Role.ADMIN)
    response = client.post(path, data={"language": "en", "email": "x@example.com", "password": "whatever"})
    assert response.status_code == 400
    page = text(response)
    assert "Votre formulaire a expiré ou vient d'un autre site." in page
    assert "<html" in page


def test_post_with_a_forged_token_is_refused(client, signed_in):
    signed_in()
    response = client.post("/language", data={"language": "en", "csrf_token": "forged"})
    assert response.status_code == 400


def test_htmx_request_without_the_csrf_header_gets_a_fragment_error(client, signed_in):
    signed_in()
    response = client.post("/notifications/read-all", headers={"HX-Request": "true"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "Votre formulaire a expiré" in body


def test_htmx_request_with_the_csrf_header_passes(client, signed_in):
    signed_in()
    response = client.post("/notifications/read-all", headers=htmx_headers(client))
    assert response.status_code == 200


def test_every_page_carries_a_working_csrf_token_for_htmx(client, signed_in):
    signed_in()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    response = client.post("/notifications/read-all", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200


def test_security_headers_and_a_strict_content_security_policy(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_event_handler(client, signed_in):
    signed_in(Role.ADMIN)
    pages = [
        "/login",
        "/",
        "/me",
        "/notifications",
        "/admin/",
        "/admin/users",
        "/admin/users/new",
        "/admin/personae",
    ]
    for path in [*pages, "/quiz", "/quiz/1", "/personae", "/personae/helper"]:
        page = client.get(path).get_data(as_text=True)
        for script in page.split("<script")[1:]:
            assert script.split(">", 1)[0].strip().startswith("src="), path
        assert " onclick=" not in page and " onload=" not in page and " style=" not in page, path


def test_htmx_is_served_from_our_own_origin(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<script src="/static/vendor/htmx.min.js\?v=[0-9a-f]{12}"', page)
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:2000]
    assert client.get("/static/vendor/other.js").status_code == 404


def test_unknown_page_is_a_translated_404_in_the_layout(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_server_error_is_a_translated_500(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_server_error_after_a_failed_write_still_shows_the_page_with_its_menu(make_app, make_user):
    """The error page reads the database (the person, their unread count): the failed work is
    rolled back first."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    person = make_user(language="en")

    @app.route("/clash")
    def clash():
        db.session.add(User(email=person.email, display_name="Twin"))
        db.session.flush()  # IntegrityError: the e-mail address is taken

    client = app.test_client()
    Auth(client).login(person.email)
    response = client.get("/clash")
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong on our side" in page
    assert 'id="unread-count"' in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_csv_cells_that_look_like_formulas_stay_text():
    assert [defused(cell) for cell in ["=SUM(A1)", "+1", "-2", "@x", "Marketing", 3]] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "Marketing",
        3,
    ]


# --- Values no server should fail on --------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [f"/events/{HUGE}", f"/events/{HUGE}.ics", f"/content/{HUGE}", "/events/2147483648", "/quiz/2147483648"],
)
def test_a_number_in_a_url_beyond_any_row_is_a_404(client, signed_in, path):
    signed_in(Role.ADMIN)
    assert client.get(path).status_code == 404


def test_a_number_in_a_posted_url_beyond_any_row_is_a_404(client, signed_in):
    signed_in(Role.ADMIN)
    assert post(client, f"/admin/users/{HUGE}/active", {"active": "0"}).status_code == 404
    assert post(client, f"/notifications/{HUGE}/open").status_code == 404


def test_the_largest_number_a_url_takes_is_the_largest_integer(app):
    with app.test_request_context():
        assert url_for("events.detail", event_id=MAX_INT) == f"/events/{MAX_INT}"
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/events/{MAX_INT}") == ("events.detail", {"event_id": MAX_INT})
    with pytest.raises(NotFound):
        adapter.match(f"/events/{MAX_INT + 1}")


@pytest.mark.parametrize("page", [HUGE, "2147483648", "-3", "0", "x", "9" * 5000])
def test_a_page_number_out_of_range_shows_the_first_page_of_people(client, signed_in, make_user, page):
    signed_in(Role.ADMIN, display_name="Ada Admin")
    response = client.get(f"/admin/users?page={page}")
    assert response.status_code == 200
    assert "Ada Admin" in text(response)


@pytest.mark.parametrize("page", [HUGE, "2147483648"])
def test_a_huge_page_number_anywhere_shows_the_first_page(app, client, signed_in, make_item, page):
    """Also where a view reads its page with request.args.get("page", 1, type=int)."""
    admin = signed_in(Role.ADMIN)
    make_item(title="The only item")
    with app.app_context():
        notify(db.session.get(User, admin.id), "welcome", {"name": "Ada"})
        db.session.commit()
    notifications = client.get(f"/notifications?page={page}")
    assert notifications.status_code == 200
    assert "Ada" in text(notifications)
    library = client.get(f"/admin/content?page={page}")
    assert library.status_code == 200
    assert "The only item" in text(library)


def test_numbers_read_from_query_strings_and_forms_are_bounded(app):
    query = f"/?a=7&b={HUGE}&c=-{HUGE}&d=x&e={MAX_INT}&e={MAX_INT + 1}&e=3"
    with app.test_request_context(query, method="POST", data={"n": HUGE, "m": "12"}):
        assert [request.args.get(name, 1, type=int) for name in "abcd"] == [7, 1, 1, 1]
        assert request.args.get("b") == HUGE  # as text, untouched
        assert request.args.getlist("e", type=int) == [MAX_INT, 3]
        assert (request.form.get("n", type=int), request.form.get("m", type=int)) == (None, 12)
        assert request.args.get("c", type=int) is None


def test_a_value_too_large_for_the_database_is_a_translated_400_not_a_500(make_app, make_user):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    person = make_user(language="en")

    @app.route("/too-large")
    def too_large():
        return str(db.session.get(User, int(HUGE)))  # SQLite: OverflowError; PostgreSQL: no row

    @app.route("/overflow")
    def overflow():
        raise OverflowError("date value out of range")

    client = app.test_client()
    Auth(client).login(person.email)
    assert client.get("/too-large").status_code in (200, 400)
    response = client.get("/overflow")
    assert response.status_code == 400
    assert "This request could not be understood" in text(response)
    assert client.get("/").status_code == 200  # the session is usable again


def test_a_value_the_database_refuses_is_a_400(make_app, make_user):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    person = make_user(language="en")

    @app.route("/refused")
    def refused():
        raise DataError("INSERT …", {}, Exception("value out of range"))

    client = app.test_client()
    Auth(client).login(person.email)
    assert client.get("/refused").status_code == 400


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3", 3),
        (" 12 ", 12),
        ("", 1),
        ("0", 1),
        ("-2", 1),
        ("2147483647", 2147483647),
        ("2147483648", 1),
        (HUGE, 1),
        ("9" * 5000, 1),
        ("1e3", 1),
        ("١٢", 1),
        ("1_000", 1),
        ("+4", 1),
    ],
)
def test_int_arg_bounds_what_it_reads(app, raw, expected):
    with app.test_request_context(f"/?page={quote(raw)}"):
        assert int_arg("page") == expected
    with app.test_request_context("/", method="POST", data={"seats": raw}):
        assert int_arg("seats", 1, values=request.form) == expected


def test_int_arg_takes_its_own_bounds_and_default(app):
    with app.test_request_context("/?n=-5&m=50"):
        assert int_arg("n", 0, minimum=-10, maximum=10) == -5
        assert int_arg("m", 7, minimum=0, maximum=10) == 7
        assert int_arg("missing", 7) == 7


# --- Redirect targets that no Location header may carry --------------------------------------

BROKEN_TARGETS = [
    "/feed\r\nSet-Cookie: stolen=1",
    "/\r\n",
    "/me\x00",
    "/\t/evil.example",
    "/x\u2028y",
    "/\x7f",
]


@pytest.mark.parametrize("target", BROKEN_TARGETS)
def test_is_local_path_refuses_control_characters(target):
    assert not is_local_path(target)


def test_is_local_path_keeps_the_site_s_own_paths():
    assert is_local_path("/feed?theme=company_news&type=news")
    assert is_local_path("/personae/helper#tips")
    assert is_local_path("/événements")


@pytest.mark.parametrize("target", BROKEN_TARGETS)
def test_a_broken_next_is_ignored_at_every_redirect(client, signed_in, make_user, make_item, target):
    """Sign-in, the language switch, bookmarks and user activation each fall back to their own page."""
    visitor = client.application.test_client()
    person = make_user()
    data = {"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(visitor)}
    assert visitor.post("/login", query_string={"next": target}, data=data).headers["Location"] == "/"
    assert visitor.get("/login", query_string={"next": target}).headers["Location"] == "/"
    admin = signed_in(Role.ADMIN)
    item = make_item()
    assert post(client, "/language", {"language": "en", "next": target}).headers["Location"] == "/"
    assert (
        post(client, f"/content/{item}/bookmark", {"next": target}).headers["Location"] == f"/content/{item}"
    )
    response = post(client, f"/admin/users/{person.id}/active", {"active": "0", "next": target})
    assert response.headers["Location"] == "/admin/users"
    assert admin.id != person.id


# --- Caching and transport -------------------------------------------------------------------


def test_signed_in_pages_are_not_stored_by_browsers_or_caches(client, signed_in):
    signed_in()
    for path in ["/", "/me", "/notifications"]:
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    fragment = client.get("/notifications/count", headers={"HX-Request": "true"})
    assert fragment.headers["Cache-Control"] == "private, no-store"


def test_public_pages_and_files_keep_their_caching(client):
    assert "Cache-Control" not in client.get("/login").headers
    assert "no-store" not in client.get("/static/vendor/htmx.min.js").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/healthz").headers.get("Cache-Control", "")


def test_signed_in_files_other_than_pages_keep_their_caching(client, signed_in):
    signed_in()
    assert "no-store" not in client.get("/static/vendor/htmx.min.js").headers.get("Cache-Control", "")


def test_hsts_only_when_the_session_cookie_is_secure(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/login").headers
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/login")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- Moments near year 1 or year 9999 in the comms forms ---------------------------------------


def next_year(month: int = 7) -> str:
    return f"{utcnow().year + 1}-{month:02d}-01T10:00"


CONTENT_FORM = {
    "title": "Our new lab",
    "summary": "Opening in Lyon.",
    "url": "https://www.lumen-co.example/lab",
    "theme": "expertise",
    "kind": "news",
    "language": "fr",
    "status": "published",
}
EVENT_FORM = {
    "title": "Social café",
    "kind": "social_cafe",
    "language": "fr",
    "place": "Paris",
    "capacity": "10",
}
YEAR_REFUSED = "Give a date between the years 2000 and 2100."


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00", "0001-01-01T00:30:00", "9999-12-31T23:59", "1999-12-31T23:59", "2101-01-01T00:00"],
)
def test_a_moment_outside_sane_years_is_refused_with_a_message(client, signed_in, moment):
    signed_in(Role.COMMS, language="en")
    content = post(client, "/admin/content/new", {**CONTENT_FORM, "publish_at": moment})
    assert content.status_code == 422
    assert YEAR_REFUSED in text(content)
    expired = post(
        client, "/admin/content/new", {**CONTENT_FORM, "publish_at": next_year(), "expire_at": moment}
    )
    assert expired.status_code == 422
    assert YEAR_REFUSED in text(expired)
    event = post(client, "/admin/events/new", {**EVENT_FORM, "starts_at": moment, "ends_at": next_year()})
    assert event.status_code == 422
    assert YEAR_REFUSED in text(event)
    event = post(client, "/admin/events/new", {**EVENT_FORM, "starts_at": next_year(), "ends_at": moment})
    assert event.status_code == 422
    assert YEAR_REFUSED in text(event)


def test_moments_within_sane_years_are_taken(client, signed_in):
    signed_in(Role.COMMS)
    assert post(client, "/admin/content/new", {**CONTENT_FORM, "publish_at": next_year()}).status_code == 303
    event = {**EVENT_FORM, "starts_at": next_year(), "ends_at": next_year().replace("10:00", "11:00")}
    assert post(client, "/admin/events/new", event).status_code in (302, 303)


class MomentForm(FlaskForm):
    class Meta:
        csrf = False

    when = LocalMomentField("When")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2000-01-01T00:00", datetime(2000, 1, 1)),
        ("2100-12-31T23:59", datetime(2100, 12, 31, 23, 59)),
        ("1999-12-31T23:59", None),
        ("2101-01-01T00:00", None),
        ("0001-01-01T00:00", None),
        ("9999-12-31T23:59", None),
    ],
)
def test_local_moment_field_takes_years_2000_to_2100(app, typed, expected):
    with app.test_request_context(
        "/", method="POST", data={"when": typed}, headers={"Accept-Language": "en"}
    ):
        form = MomentForm()
        assert form.validate() is (expected is not None)
        assert form.when.data == expected
        assert [str(error) for error in form.when.errors] == ([] if expected else [YEAR_REFUSED])


def test_a_form_token_signed_a_moment_ago_is_reused_for_its_own_session_only(app, make_user, monkeypatch):
    import base.drawn

    def signed_in_browser():
        browser = app.test_client()
        assert Auth(browser).login(make_user().email).status_code == 302
        return browser

    def token(browser) -> str:
        page = browser.get("/badges").get_data(as_text=True)
        return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    def language_set(browser, with_token: str) -> int:
        return browser.post("/language", data={"language": "en", "csrf_token": with_token}).status_code

    signed = []
    sign = base.drawn.generate_csrf
    monkeypatch.setattr(base.drawn, "generate_csrf", lambda: signed.append(1) or sign())
    mine, theirs = signed_in_browser(), signed_in_browser()
    first = token(mine)
    signings = len(signed)
    assert token(mine) == first and len(signed) == signings  # the same, not signed again
    assert token(theirs) != first
    assert language_set(theirs, first) == 400  # another session's token is refused
    clock = base.drawn.monotonic()
    monkeypatch.setattr(base.drawn, "monotonic", lambda: clock + base.drawn.SignedTokens.REUSED_FOR + 1)
    later = token(mine)
    assert len(signed) == signings + 2  # theirs, then mine again once a minute had passed
    assert language_set(mine, first) == 302 and language_set(mine, later) == 302  # both still good
