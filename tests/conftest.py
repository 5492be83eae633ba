"""Fixtures: an app on an isolated database per test, clients, sign-in and factories.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.
The schema is created once per run; every test starts from empty tables.
"""

import html
import itertools
import os
import re
import threading
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from app import create_app
from base.database import db
from blueprints.accounts.models import Role, User

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql"))
PASSWORD = "correct horse battery"
# A cheap hash for test accounts: the real default (scrypt) would slow every factory call.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def pytest_collection_modifyitems(config, items):
    """Deselect (never skip) the tests meant for the other database."""
    other = "sqlite_only" if ON_POSTGRES else "postgres_only"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if DATABASE_URL:
        return DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "DEMO_MODE": False,
        "RATELIMIT_ENABLED": False,
        "ALLOWED_SIGNUP_DOMAINS": [],
        "TRUSTED_USER_HEADER": "",
        "SMTP_HOST": "",
        "DEFAULT_LANGUAGE": "fr",
        "DEFAULT_TIMEZONE": "Europe/Paris",
        "PREVIEW_FETCH_ENABLED": False,  # no outbound HTTP from the suite
    }


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(base_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def empty_all_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url, _schema):
    """Build apps with extra settings; every table is emptied after the test."""
    apps = []

    def factory(**overrides):
        app = create_app({**base_config(database_url), **overrides})
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    with _schema.app_context():
        empty_all_tables()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def plain(value: str) -> str:
    """Text as a reader sees it: entities (&#39;) decoded, non-breaking spaces as spaces."""
    return html.unescape(value).replace("\u00a0", " ")


def text(response) -> str:
    return plain(response.get_data(as_text=True))


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


class Auth:
    """Signs a test client in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf_token(self.client)}
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def make_user(app):
    """Create a person; returns a plain record (id, email), not a live model."""
    numbers = itertools.count(1)

    def factory(role: Role = Role.EMPLOYEE, email: str | None = None, **fields):
        number = next(numbers)
        fields.setdefault("display_name", f"Person {number}")
        with app.app_context():
            user = User(
                email=email or f"person{number}@example.com", role=role, password_hash=PASSWORD_HASH, **fields
            )
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, role=role)

    return factory


@pytest.fixture
def signed_in(client, auth, make_user):
    """Sign the client in as a new person of a role; returns that person."""

    def sign_in(role: Role = Role.EMPLOYEE, **fields):
        person = make_user(role, **fields)
        response = auth.login(person.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return person

    return sign_in


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token, as the page's form would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def htmx_headers(client) -> dict:
    return {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""

    @contextmanager
    def counting():
        counter = SimpleNamespace(count=0, statements=[])

        def before_cursor_execute(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)

    return counting


def at_the_same_time(app, action, times: int) -> list[Exception]:
    """Run ``action(number)`` in ``times`` threads, each in its own app context, released
    together once all are started; the errors they raised (a test expects none)."""
    barrier = threading.Barrier(times)
    errors: list[Exception] = []

    def run(number: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                action(number)
                db.session.remove()
        except Exception as error:  # returned to the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def queries_before_and_after(client, count_queries, path: str, add_data) -> tuple[int, int]:
    """Queries that a page runs, then again once add_data() has grown the tables."""
    client.get(path)  # the first page after sign-in also notes "last seen"
    with count_queries() as before:
        client.get(path)
    add_data()
    with count_queries() as after:
        client.get(path)
    return before.count, after.count


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free local port, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def make_item(app, make_user):
    """Create a content item, published an hour ago unless told otherwise; returns its id.

    ``share_texts`` maps a network to its variants.
    """
    from datetime import timedelta

    from base.database import utcnow
    from blueprints.content.catalogue import Status
    from blueprints.content.models import ContentItem, ShareText

    authors = []

    def factory(share_texts: dict | None = None, **fields):
        if not authors:
            authors.append(make_user(Role.COMMS, display_name="Content Author").id)
        fields.setdefault("title", "An item")
        fields.setdefault("summary", "What it is about.")
        fields.setdefault("url", "https://www.example.org/story")
        fields.setdefault("theme", "company_news")
        fields.setdefault("kind", "news")
        fields.setdefault("language", "fr")
        fields.setdefault("status", Status.PUBLISHED)
        fields.setdefault("publish_at", utcnow() - timedelta(hours=1))
        fields.setdefault("author_id", authors[0])
        with app.app_context():
            item = ContentItem(**fields)
            item.share_texts = [
                ShareText(network=network, position=position, body=body)
                for network, bodies in (share_texts or {}).items()
                for position, body in enumerate(bodies)
            ]
            db.session.add(item)
            db.session.commit()
            return item.id

    return factory


@pytest.fixture
def make_event(app, make_user):
    """Create an event in three days (capacity 2 unless told otherwise); returns its id."""
    from datetime import timedelta

    from base.database import utcnow
    from blueprints.events.models import Event

    organisers = []

    def factory(**fields):
        if not organisers:
            organisers.append(make_user(Role.COMMS, display_name="Olga Organiser").id)
        starts = fields.pop("starts_at", utcnow() + timedelta(days=3))
        fields.setdefault("title", "Social café")
        fields.setdefault("kind", "social_cafe")
        fields.setdefault("language", "fr")
        fields.setdefault("place", "Paris, 3rd floor")
        fields.setdefault("capacity", 2)
        with app.app_context():
            event = Event(
                starts_at=starts, ends_at=starts + timedelta(hours=1), organiser_id=organisers[0], **fields
            )
            db.session.add(event)
            db.session.commit()
            return event.id

    return factory


@pytest.fixture
def create_challenge(app, make_user):
    """Create a challenge (personal, on shares, symbolic reward unless told otherwise) with the
    window given as ``starts_at`` and ``ends_at``; returns its id."""
    from blueprints.challenges.models import Challenge, Mode, RewardKind

    authors = []

    def factory(starts_at, ends_at, **fields):
        if not authors:
            authors.append(make_user(Role.COMMS, display_name="Carla Comms").id)
        fields.setdefault("title_en", "Share week")
        fields.setdefault("mode", Mode.PERSONAL)
        fields.setdefault("metric", "shares")
        fields.setdefault("reward_kind", RewardKind.SYMBOLIC)
        with app.app_context():
            row = Challenge(created_by_id=authors[0], starts_at=starts_at, ends_at=ends_at, **fields)
            db.session.add(row)
            db.session.commit()
            return row.id

    return factory
