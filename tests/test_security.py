"""CSRF on every state change (forms and htmx), security headers, escaping, errors, health."""

import re

import pytest

from base.database import db
from base.exports import defused
from base.web import public
from blueprints.accounts.models import Role, User
from tests.conftest import Auth, htmx_headers, text

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
    assert '<script src="/static/vendor/htmx.min.js"' in page
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
