"""Signing in and out, self-sign-up, single sign-on, rate limits, demo password."""

import os
import time

import limits.storage.memory
import pytest
import sqlalchemy as sa

from base.database import db
from base.extensions import SharedCounters, limiter, shared_counters
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.auth import services as auth_services
from blueprints.auth.services import failure_delay
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


class Clock:
    """A clock the test moves: for the per-account sign-in delays kept in memory."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(auth_services, "time", fake)
    return fake


def attempt(client, email: str, password: str, address: str = "192.0.2.1"):
    """A sign-in attempt from a browser in English, at a client address."""
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        headers={"Accept-Language": "en"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_delay_per_account_doubles_after_five_failures_up_to_fifteen_minutes():
    assert [failure_delay(failures, 5, 900) for failures in range(1, 18)] == [
        0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900,
    ]  # fmt: skip
    assert failure_delay(10**6, 5, 900) == 900


def test_thirty_wrong_passwords_make_the_right_one_wait(app, client, make_user, clock, monkeypatch):
    person = make_user()
    checked = []
    check_password = User.check_password
    monkeypatch.setattr(
        User, "check_password", lambda user, pw: checked.append(pw) or check_password(user, pw)
    )
    statuses = [attempt(client, person.email, f"wrong {n}").status_code for n in range(30)]
    assert statuses == [200] * 5 + [429] * 25
    assert len(checked) == 5  # a refused attempt does not even check the password
    refused = attempt(client, person.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert (
        "Too many failed attempts for this account. For your safety, wait 1 second before trying again."
        in text(refused)
    )
    assert client.get("/").headers["Location"] == "/login?next=/"
    assert len(checked) == 5
    clock.advance(1)
    assert attempt(client, person.email, PASSWORD).headers["Location"] == "/"


def test_the_wait_grows_with_each_failure_and_holds_for_every_address(app, make_user, clock):
    person = make_user()
    client = app.test_client()
    for _ in range(5):
        attempt(client, person.email, "wrong")
    waits = []
    for n in range(12):
        refused = attempt(client, person.email, "wrong", address=f"198.51.100.{n}")  # another address
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert attempt(client, person.email, "wrong").status_code == 200  # checked: one more failure
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    refused = attempt(client, person.email, PASSWORD, address="203.0.113.9")
    assert "wait 15 minutes before trying again" in text(refused)
    clock.advance(899)
    assert attempt(client, person.email, PASSWORD).status_code == 429
    clock.advance(1)
    assert attempt(client, person.email, PASSWORD).headers["Location"] == "/"


def test_a_success_starts_the_count_again_and_other_accounts_are_not_delayed(app, make_user, clock):
    person, colleague = make_user(), make_user()
    client = app.test_client()
    for _ in range(4):
        attempt(client, person.email, "wrong")
    assert attempt(client, person.email, PASSWORD).status_code == 302
    post(client, "/logout")
    assert [attempt(client, person.email, "wrong").status_code for _ in range(6)] == [200] * 5 + [429]
    assert attempt(client, colleague.email, PASSWORD).status_code == 302  # same browser, another account


def test_unknown_addresses_are_delayed_like_accounts(client, clock):
    statuses = [attempt(client, "nobody@example.com", "wrong").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]  # no difference tells which addresses have an account


def test_a_wait_over_a_minute_is_said_in_whole_minutes_rounded_up(client, make_user, clock):
    person = make_user()
    for _ in range(14):
        clock.advance(600)
        assert attempt(client, person.email, "wrong").status_code == 200
    refused = attempt(client, person.email, PASSWORD)  # 512 seconds after the 14th failure
    assert refused.headers["Retry-After"] == "512"
    assert "wait 9 minutes before trying again" in text(refused)


@pytest.mark.parametrize("storage", rate_limit_storages())
def test_the_limit_per_account_is_shared_by_app_servers(make_app, make_user, storage, request):
    """Two app servers on one storage (Redis in production) see the same failures. In memory the
    test moves the clock (a loaded machine once took over the lock's second for the 30
    attempts); Redis keeps its own time, so that run waits for real."""
    clock = request.getfixturevalue("clock") if storage == "memory://" else None
    first, second = (make_app(RATELIMIT_STORAGE_URI=storage) for _ in range(2))
    if storage == "memory://":  # one process: the servers share their memory as Redis would be shared
        second.extensions[SharedCounters.EXTENSION] = first.extensions[SharedCounters.EXTENSION]
    with first.app_context():
        shared_counters.storage.reset()
    person = make_user()
    one, other = first.test_client(), second.test_client()
    statuses = [attempt(one if n % 2 else other, person.email, f"wrong {n}").status_code for n in range(30)]
    assert statuses == [200] * 5 + [429] * 25
    assert attempt(one, person.email, PASSWORD).status_code == 429
    assert attempt(other, person.email, PASSWORD).status_code == 429
    if clock:
        clock.advance(1.1)
    else:
        time.sleep(1.1)
    assert attempt(other, person.email, PASSWORD).headers["Location"] == "/"
    with first.app_context():
        shared_counters.storage.reset()
