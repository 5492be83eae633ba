"""Fuzzing: no value in a URL, a query string or a form makes the server fail (no 500).

Every route of ``app.url_map`` is tried with values for its URL parameters and query
arguments; every form of the main pages (found in the pages themselves, as an
administrator sees them on the demo company) is posted with values for its fields. Each
request is an administrator's, with the session's CSRF token, so the views run their code
rather than refusing at the door. An exception in a view fails the test with its
traceback (the test app propagates exceptions), and so does a 5xx answer.

The examples are derandomised (the same ones every run, about half a minute in all);
``FUZZ_EXAMPLES=200 FUZZ_RANDOM=1`` explores more, differently each time.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from base.database import db
from blueprints.accounts.models import User
from blueprints.content.models import ContentItem
from blueprints.demo.seed import seed_demo
from blueprints.events.models import Event, Registration
from blueprints.notifications.models import Notification
from blueprints.quiz.models import QuizResult
from tests.conftest import PASSWORD, PASSWORD_HASH, base_config, csrf_token, empty_all_tables

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
)

ADMIN = "admin@example.com"
# The pages whose links and forms the fuzzer learns from; {item}, {event}, {suggestion}
# take the id of one of the demo company's.
PAGES = [
    "/",
    "/login",
    "/feed",
    "/suggest",
    "/events",
    "/notifications",
    "/me",
    "/quiz",
    "/quiz/1",
    "/personae",
    "/charter",
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/content",
    "/admin/content/new",
    "/admin/moderation",
    "/admin/charter",
    "/admin/events",
    "/admin/events/new",
    "/admin/personae",
    "/content/{item}",
    "/events/{event}",
    "/admin/content/{item}/edit",
    "/admin/moderation/{suggestion}",
    "/admin/events/{event}",
    "/admin/events/{event}/edit",
]
# Forms that a signed-out visitor posts.
SIGNED_OUT_FORMS = {"/login", "/signup"}
# Query arguments tried on every route, beside the ones the pages' links use.
COMMON_ARGUMENTS = ["page", "next", "q", "cursor", "theme", "type", "kind", "status", "language", "saved"]

# Values that broke, or could break, a server: numbers beyond any column, dates near year 1
# or 9999, line breaks for a Location header, markup, paths that leave the site, long text.
NUMBERS = ["0", "-1", "2147483647", "2147483648", "9223372036854775808", "99999999999999999999", "9" * 5000]
DATES = [
    "0001-01-01T00:00",
    "0001-01-01",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59",
    "9999-12-31",
    "2026-02-30T10:00",
    "20266-01-01T10:00",
    "1900-01-01T00:00",
]
REDIRECTS = [
    "/feed\r\nSet-Cookie: stolen=1",
    "/\r\n",
    "/me\x00",
    "/\t/evil.example",
    "/\u2028",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
]
OTHERS = [
    "",
    "1e309",
    "NaN",
    " 7 ",
    "١٢",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "%",
    "%00",
    "../../etc/passwd",
    "🙂" * 40,
    "a" * 5000,
    "99999999999.1.1",
    "1.-5.99999999999999999999",
]
NASTY = st.sampled_from(NUMBERS + DATES + REDIRECTS + OTHERS)
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
INTEGERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
VALUES = st.one_of(NASTY, NASTY, NASTY, TEXT, INTEGERS)
# What a field of a given kind gets most often, beside everything else.
BY_KIND = {
    "datetime-local": st.sampled_from(DATES),
    "date": st.sampled_from(DATES),
    "number": st.one_of(st.sampled_from(NUMBERS), INTEGERS),
    "select": st.sampled_from(NUMBERS + OTHERS),
}
# Likely values of fields the page leaves empty, by input type or by a word of their name.
LIKELY = {
    "email": "someone@lumen.example",
    "url": "https://www.example.org/story",
    "number": "12",
    "password": "a long password",
    "link": "https://www.example.org/story",
    "title": "A title",
    "reason": "A reason",
    "capacity": "12",
}
# <int:item_id>, <name>, <path:filename> in a rule.
PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name: the values the page offers
    kinds: dict[str, str] = field(default_factory=dict)  # name: input type, "select" or "textarea"


class FormsAndLinks(HTMLParser):
    """The forms of a page (fields, their kinds, the values offered) and its links' query arguments."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.arguments: set[str] = set()
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.arguments.update(name for name, _ in parse_qsl(urlsplit(attrs["href"]).query))
        elif tag == "form":
            action = urlsplit(attrs.get("action") or self.page).path or urlsplit(self.page).path
            self._form = Form(self.page, action, (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif (
            self._form is not None and tag in ("input", "textarea", "select", "button") and attrs.get("name")
        ):
            name = attrs["name"]
            offered = self._form.fields.setdefault(name, [])
            self._form.kinds[name] = attrs.get("type", "text") if tag == "input" else tag
            if tag == "select":
                self._select = name
            elif attrs.get("value") is not None:
                offered.append(attrs["value"])
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


class Site:
    """The demo company, an administrator signed in, and what its pages taught the fuzzer."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.visitor = app.test_client()  # signed out: for the sign-in and sign-up forms
        self.samples: dict[str, list[str]] = {}  # a URL parameter's name: ids of the demo's rows
        self.arguments: list[str] = []
        self.forms: dict[str, list[Form]] = {}  # page: its forms
        self.token = ""

    def __repr__(self) -> str:  # what Hypothesis prints of the fixture in a failing example
        return "<the demo company, an administrator signed in>"

    def sign_in(self) -> None:
        """Sign the administrator in (again, if an example signed them out)."""
        with self.client.session_transaction() as session:
            if self.token and "_user_id" in session:
                return
        response = self.client.post(
            "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": csrf_token(self.client)}
        )
        assert response.status_code == 302, "the administrator can no longer sign in"
        self.token = csrf_token(self.client)

    def page(self, pattern: str) -> str:
        return pattern.format(**{name: values[0] for name, values in self.samples.items() if values})

    def learn(self) -> None:
        arguments, seen = set(COMMON_ARGUMENTS), set()
        for pattern in PAGES:
            page = self.page(pattern)
            client = self.visitor if page in SIGNED_OUT_FORMS else self.client
            response = client.get(page)
            assert response.status_code == 200, page
            parser = FormsAndLinks(page)
            parser.feed(response.get_data(as_text=True))
            arguments |= parser.arguments
            self.forms[pattern] = []
            for form in parser.forms:  # each form once: the header's are on every page
                signature = (re.sub("[0-9]+", "N", form.action), form.method, tuple(sorted(form.fields)))
                if form.action != "/logout" and signature not in seen:
                    seen.add(signature)
                    self.forms[pattern].append(form)
        self.arguments = sorted(arguments - {"csrf_token"})


def routes() -> list[str]:
    """Every route of the app, as "METHOD /rule"."""
    app = create_app(base_config("sqlite://"))
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            found += [f"{method} {rule.rule}" for method in sorted(rule.methods & {"GET", "POST"})]
    return sorted(found)


@pytest.fixture(scope="module")
def site(database_url, _schema):
    """One demo company for the whole module (seeding it takes seconds); emptied afterwards."""
    app = create_app({**base_config(database_url), "DEMO_MODE": True, "LOGIN_ACCOUNT_FREE_ATTEMPTS": 10**6})
    fuzzed = Site(app)
    with app.app_context():
        seed_demo()
        fuzzed.samples = demo_ids()
        # A cheap password hash: the fuzzer signs in again after each sign-out it tries.
        db.session.execute(db.update(User).where(User.email == ADMIN).values(password_hash=PASSWORD_HASH))
        db.session.commit()
    fuzzed.sign_in()
    fuzzed.learn()
    yield fuzzed
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with _schema.app_context():
        empty_all_tables()


def demo_ids() -> dict[str, list[str]]:
    """Ids of the demo company's rows, for the URL parameters that name them."""

    def ids(model, *where):
        return [
            str(value)
            for value in db.session.scalars(db.select(model.id).where(*where).order_by(model.id).limit(3))
        ]

    return {
        "item": ids(ContentItem, ContentItem.status == "published"),
        "suggestion": ids(ContentItem, ContentItem.status == "pending"),
        "event": ids(Event),
        "item_id": ids(ContentItem),
        "event_id": ids(Event),
        "user_id": ids(User, User.email != ADMIN),
        "notification_id": ids(Notification),
        "registration_id": ids(Registration),
        "result_id": ids(QuizResult),
        "number": ["1", "5", "11"],
        "kind": ["like", "bookmark"],
        "network": ["linkedin", "x", "facebook"],
        "key": ["helper", "relay"],
        "name": ["htmx.min.js"],
    }


def url_value(site: Site, name: str, converter: str):
    """A value for a URL parameter: one that exists, or anything its converter lets through."""
    known = st.sampled_from(site.samples[name]) if site.samples.get(name) else st.nothing()
    if converter == "int":
        anything = st.one_of(
            st.sampled_from(NUMBERS[2:]), st.integers(min_value=0, max_value=10**30).map(str)
        )
    else:
        anything = VALUES.filter(bool)
    return st.one_of(known, anything)


def query_arguments(site: Site):
    """A few of the arguments the site knows, or all of them at once, with fuzzed values."""
    some = st.dictionaries(st.sampled_from(site.arguments), VALUES, max_size=3)
    every = st.fixed_dictionaries(dict.fromkeys(site.arguments, VALUES))
    return st.one_of(some, every)


def check(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


@pytest.mark.parametrize("route", routes())
@FUZZ_SETTINGS
@given(data=st.data())
def test_no_url_parameter_or_query_argument_makes_a_server_error(site, route, data):
    site.sign_in()
    method, rule = route.split(" ", 1)
    path = PARAMETER.sub(
        lambda found: quote(
            data.draw(url_value(site, found["name"], found["converter"] or "default"), label=found["name"]),
            safe="",
        ),
        rule,
    )
    arguments = data.draw(query_arguments(site), label="arguments")
    headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
    if method == "GET":
        response = site.client.get(path, query_string=arguments, headers=headers)
    else:
        response = site.client.post(path, data={**arguments, "csrf_token": site.token}, headers=headers)
    check(response, f"{method} {path} {arguments}")


def field_value(form: Form, name: str):
    """What the page offers for the field, or a value for its kind, or anything; or nothing."""
    offered = form.fields[name]
    choices = [VALUES, BY_KIND.get(form.kinds[name], VALUES), st.none()]
    if offered:
        choices.append(st.sampled_from(offered))
    return st.one_of(*choices)


def plausible_values(form: Form) -> dict[str, str]:
    """A form filled as a person would: what the page offers, else a likely value for the field,
    so that a fuzzed field reaches the code behind the form's other checks."""
    soon = datetime.now() + timedelta(days=7)
    moments = (soon.replace(hour=hour).strftime("%Y-%m-%dT%H:00") for hour in range(9, 24))
    values = {}
    for name, kind in form.kinds.items():
        offered = [value for value in form.fields[name] if value]
        if offered:
            values[name] = offered[0]
        elif kind in ("datetime-local", "date"):
            values[name] = next(moments) if kind == "datetime-local" else soon.date().isoformat()
        else:
            values[name] = LIKELY.get(kind) or next(
                (value for word, value in LIKELY.items() if word in name), "Porte-voix"
            )
    return values


@pytest.mark.parametrize("where", PAGES)
@FUZZ_SETTINGS
@given(data=st.data())
def test_no_form_field_makes_a_server_error(site, where, data):
    site.sign_in()
    forms = site.forms[where]
    if not forms:
        return
    form = data.draw(st.sampled_from(forms), label="form")
    names = [name for name in form.fields if name != "csrf_token"]
    # Mostly a plausible form with one or two fields fuzzed; sometimes every field fuzzed.
    every = data.draw(st.integers(min_value=0, max_value=3), label="every field?") == 0
    fuzzed = (
        set(names)
        if every or not names
        else data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=2))
    )
    values = plausible_values(form)
    for name in sorted(fuzzed):
        value = data.draw(field_value(form, name), label=name)
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    htmx = data.draw(st.booleans(), label="htmx")
    check(
        send(site, form, values, htmx),
        f"{form.method.upper()} {form.action} (a form of {form.page}) {values}",
    )


def send(site: Site, form: Form, values: dict, htmx: bool = False):
    """Submit the form as its page would: the administrator's, or a visitor's for sign-in."""
    values = {name: value for name, value in values.items() if name != "csrf_token"}
    headers = {"HX-Request": "true"} if htmx else {}
    if form.action in SIGNED_OUT_FORMS:
        values["csrf_token"] = csrf_token(site.visitor)
        return site.visitor.post(form.action, data=values, headers=headers)
    if form.method == "post":
        return site.client.post(form.action, data={**values, "csrf_token": site.token}, headers=headers)
    return site.client.get(form.action, query_string=values, headers=headers)


def values_that_broke_servers(kind: str, name: str) -> list[str | None]:
    """The values to try in every field of a kind, beside leaving it out (None)."""
    if kind in ("datetime-local", "date"):
        return [None, "0001-01-01T00:00", "9999-12-31T23:59", "20266-01-01T10:00", "2026-02-30T10:00"]
    if kind == "number":
        return [None, "-1", "2147483648", "9" * 5000]
    if name == "next":
        return [None, *REDIRECTS]
    if kind in ("select", "radio", "checkbox", "submit", "button"):
        return [None, "", "2147483648", "99999999999999999999"]
    return [None, "99999999999999999999", "a" * 5000, "\x00"]


@pytest.mark.parametrize("where", PAGES)
def test_every_form_field_takes_the_values_that_broke_servers(site, where):
    """Not left to chance: each field, one at a time, in an otherwise plausible form."""
    site.sign_in()
    for form in site.forms[where]:
        for name, kind in form.kinds.items():
            if name == "csrf_token":
                continue
            for value in values_that_broke_servers(kind, name):
                values = plausible_values(form)
                if value is None:
                    del values[name]
                else:
                    values[name] = value
                check(send(site, form, values), f"{form.method.upper()} {form.action} with {name}={value!r}")
                site.sign_in()


def test_the_fuzzer_knows_the_site(site):
    """The pages were understood: their forms and links were found."""
    assert sum(len(forms) for forms in site.forms.values()) >= 20
    assert {"/admin/content/new", "/admin/events/new", "/me", "/admin/users/new"} <= {
        form.action for forms in site.forms.values() for form in forms
    }
    assert {"page", "next", "theme"} <= set(site.arguments)
