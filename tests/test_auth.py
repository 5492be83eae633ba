"""Signing in and out, self-sign-up, single sign-on, rate limits, demo password."""

import os

import pytest
import sqlalchemy as sa

from base.database import db
from base.extensions import limiter
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from tests.conftest import PASSWORD, csrf_token, post, text


def test_sign_in_lands_on_home_and_logs_the_action(app, client, auth, make_user):
    person = make_user(display_name="Nora Ali")
    response = auth.login(person.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Bonjour, Nora" in text(client.get("/"))
    with app.app_context():
        verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == person.id)).all()
    assert verbs == ["signed_in"]


def test_sign_in_is_case_insensitive_on_the_email(app, auth, make_user):
    person = make_user(email="nora@example.com")
    assert auth.login("  NORA@Example.com ").headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(sa.select(Activity.user_id).where(Activity.verb == "signed_in")) == person.id


@pytest.mark.parametrize(
    "email, password", [("person1@example.com", "wrong password"), ("nobody@example.com", PASSWORD)]
)
def test_wrong_credentials_get_one_vague_translated_message(client, auth, make_user, email, password):
    make_user()
    response = auth.login(email, password)
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/login?next=/"


def test_deactivated_account_cannot_sign_in(client, auth, make_user):
    person = make_user(active=False)
    response = auth.login(person.email)
    assert response.status_code == 200
    assert "Ce compte est désactivé. Adressez-vous à votre équipe comm." in text(response)
    assert client.get("/").headers["Location"] == "/login?next=/"


def test_next_page_is_followed_only_on_this_site(client, make_user):
    person = make_user()
    for target, expected in [
        ("/me", "/me"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil", "/"),
    ]:
        data = {"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
        response = client.post(f"/login?next={target}", data=data)
        assert response.headers["Location"] == expected, target
        post(client, "/logout")


def test_sign_out_is_a_post(client, signed_in):
    signed_in()
    assert "Se déconnecter ?" in text(client.get("/logout"))  # a confirmation page, still signed in
    assert client.get("/").status_code == 200
    response = post(client, "/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/").headers["Location"] == "/login?next=/"


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/me"


def test_signed_out_htmx_request_gets_hx_redirect_back_to_its_page(client):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/notifications?page=2"}
    response = client.get("/notifications/count", headers=headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/notifications"
    assert response.get_data(as_text=True) == ""
    foreign = client.get(
        "/notifications/count", headers={**headers, "HX-Current-URL": "https://evil.example//x"}
    )
    assert foreign.headers["HX-Redirect"] == "/login"


def test_signing_out_forgets_the_session_but_the_language(client, signed_in, make_user):
    signed_in()
    post(client, "/language", {"language": "en"})
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    client.post("/quiz/1", data={"answer": "relay", "csrf_token": csrf_token(client)})
    post(client, "/logout")
    with client.session_transaction() as session:
        assert "quiz_answers" not in session
        assert session["language"] == "en"


def test_sso_header_must_be_an_email_address(make_app):
    app = make_app(TRUSTED_USER_HEADER="X-Remote-User")
    assert app.test_client().get("/", headers={"X-Remote-User": "admin"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


class TestDemoPassword:
    def test_refused_outside_demo_mode(self, app, auth, make_user):
        person = make_user()
        with app.app_context():
            db.session.get(User, person.id).set_password("demo")
            db.session.commit()
        response = auth.login(person.email, "demo")
        assert response.status_code == 200
        assert "ne fonctionne que sur un site de démonstration" in response.get_data(as_text=True)

    def test_accepted_in_demo_mode(self, make_app, make_user):
        app = make_app(DEMO_MODE=True)
        client = app.test_client()
        with app.app_context():
            user = User(email="demo-person@example.com", display_name="Demo")
            user.set_password("demo")
            db.session.add(user)
            db.session.commit()
        response = client.post(
            "/login",
            data={"email": "demo-person@example.com", "password": "demo", "csrf_token": csrf_token(client)},
        )
        assert response.headers["Location"] == "/"


class TestSelfSignUp:
    def test_closed_when_no_domain_is_configured(self, client):
        assert client.get("/signup").status_code == 404
        assert "/signup" not in client.get("/login").get_data(as_text=True)
        assert post(client, "/signup", {"email": "sam@lumen.example"}).status_code == 404

    def form(self, client, email, password="a long password", **extra):
        data = {"display_name": "Sam Lee", "email": email, "password": password, "confirm": password, **extra}
        return post(client, "/signup", data)

    def test_open_for_allowed_domains_only(self, make_app):
        app = make_app(ALLOWED_SIGNUP_DOMAINS=["lumen.example"])
        client = app.test_client()
        assert 'href="/signup"' in client.get("/login").get_data(as_text=True)
        refused = self.form(client, "sam@gmail.example")
        assert "L'inscription est réservée aux adresses en lumen.example." in text(refused)
        accepted = self.form(client, "Sam@Lumen.example")
        assert accepted.headers["Location"] == "/"
        with app.app_context():
            user = db.session.scalar(sa.select(User))  # the only account: the refused one is not
            assert (user.email, user.display_name, user.role, user.language) == (
                "sam@lumen.example",
                "Sam Lee",
                Role.EMPLOYEE,
                "fr",
            )
            verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == user.id)).all()
            assert verbs == ["signed_up"]
        assert "Bienvenue à bord, Sam !" in text(client.get("/"))

    def test_bad_input_creates_nothing(self, make_app):
        app = make_app(ALLOWED_SIGNUP_DOMAINS=["lumen.example"])
        client = app.test_client()
        short = self.form(client, "sam@lumen.example", password="short")
        assert short.status_code == 200
        assert 'class="field-error"' in short.get_data(as_text=True)
        mismatch = self.form(client, "sam@lumen.example", confirm="something else")
        assert "Les deux mots de passe sont différents." in mismatch.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0

    def test_existing_address_is_refused(self, make_app, make_user):
        app = make_app(ALLOWED_SIGNUP_DOMAINS=["lumen.example"])
        make_user(email="sam@lumen.example")
        response = self.form(app.test_client(), "sam@lumen.example")
        assert "Un compte existe déjà pour sam@lumen.example." in response.get_data(as_text=True)


class TestTrustedHeaderSingleSignOn:
    def test_header_is_ignored_when_sso_is_off(self, client, make_user):
        person = make_user()
        response = client.get("/", headers={"X-Remote-User": person.email})
        assert response.headers["Location"] == "/login?next=/"

    def test_known_person_is_signed_in(self, make_app, make_user):
        app = make_app(TRUSTED_USER_HEADER="X-Remote-User")
        person = make_user(display_name="Ines Roy")
        response = app.test_client().get("/", headers={"X-Remote-User": person.email.upper()})
        assert response.status_code == 200
        assert "Bonjour, Ines" in text(response)
        with app.app_context():
            entry = db.session.scalar(sa.select(Activity))
            assert (entry.user_id, entry.verb, entry.payload) == (person.id, "signed_in", {"method": "sso"})

    def test_unknown_person_gets_an_employee_account(self, make_app):
        app = make_app(TRUSTED_USER_HEADER="X-Remote-User")
        response = app.test_client().get("/", headers={"X-Remote-User": "paul.durand@lumen.example"})
        assert response.status_code == 200
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == "paul.durand@lumen.example"))
            assert (user.display_name, user.role, user.password_hash) == ("Paul Durand", Role.EMPLOYEE, None)
            verbs = db.session.scalars(sa.select(Activity.verb).order_by(Activity.id)).all()
            assert verbs == ["signed_up", "signed_in"]

    def test_deactivated_person_is_refused(self, make_app, make_user):
        app = make_app(TRUSTED_USER_HEADER="X-Remote-User")
        person = make_user(active=False)
        assert app.test_client().get("/", headers={"X-Remote-User": person.email}).status_code == 403
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0


def rate_limit_storages():
    storages = ["memory://"]
    if os.environ.get("REDIS_URL"):
        storages.append(os.environ["REDIS_URL"])
    return storages


@pytest.mark.parametrize("storage", rate_limit_storages())
def test_sign_in_is_rate_limited(make_app, make_user, storage):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", RATELIMIT_STORAGE_URI=storage)
    with app.app_context():
        limiter.reset()
    client = app.test_client()
    person = make_user()
    token = csrf_token(client)
    attempts = [
        client.post(
            "/login", data={"email": person.email, "password": "wrong!", "csrf_token": token}
        ).status_code
        for _ in range(4)
    ]
    assert attempts == [200, 200, 200, 429]
    page = client.post("/login", data={"email": person.email, "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429
    assert "Trop de tentatives" in page.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is never limited
