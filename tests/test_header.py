"""The page header and the menus drawn once per state (core/header.py, core/navigation.py):
each reader still sees their own name, points, unread count, menu, form token and address
(issue #14)."""

import re

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.content.models import Status
from blueprints.notifications.models import Notification
from blueprints.recognition.models import PointsBalance
from tests.conftest import Auth, post, text


def header_of(page: str) -> str:
    found = re.search(r'<header class="site-header">.*?</header>', page, re.S)
    assert found, "no header"
    return found.group(0)


def reader(app, make_user, role=Role.EMPLOYEE, **fields):
    person = make_user(role, language="en", **fields)
    browser = app.test_client()
    assert Auth(browser).login(person.email).status_code == 302
    return person, browser


def token_of(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^".]+)', html))


def test_each_reader_sees_their_own_name_token_and_address_in_the_header(app, make_user):
    _, ada = reader(app, make_user, display_name="Ada Lovelace", email="ada@example.com")
    _, bob = reader(app, make_user, display_name="Bob Martin", email="bob@example.com")
    first, second = header_of(text(ada.get("/events"))), header_of(text(bob.get("/events?view=past")))
    assert "Ada Lovelace" in first and "ada@example.com" in first and "Bob" not in first
    assert "Bob Martin" in second and "bob@example.com" in second and "Ada" not in second
    assert token_of(first) and token_of(second) and token_of(first) != token_of(second)
    assert 'name="next" value="/events"' in first and 'name="next" value="/events?view=past"' in second


def test_the_header_follows_points_unread_notifications_role_language_and_section(app, make_user):
    person, browser = reader(app, make_user)
    before = header_of(text(browser.get("/events")))
    assert 'class="badge badge--empty"' in before and "Comms console" not in before
    with app.app_context():
        db.session.add(Notification(user_id=person.id, kind="welcome", params={}))
        db.session.add(PointsBalance(user_id=person.id, lifetime=1234, redeemed=0))
        db.session.commit()
    after = header_of(text(browser.get("/events")))
    assert re.search(r">1<span class=\"visually-hidden\"> unread", after)
    assert "1,234<span" in after
    with app.app_context():
        db.session.get(User, person.id).role = Role.COMMS
        db.session.commit()
    assert "Comms console" in header_of(text(browser.get("/events")))
    current = re.search(r'<a href="([^"]+)" aria-current="page"', header_of(text(browser.get("/feed"))))
    assert current and current.group(1) == "/feed"
    post(browser, "/language", {"language": "fr", "next": "/feed"})
    french = header_of(text(browser.get("/feed")))
    assert re.search(r'value="fr" lang="fr"\s+aria-pressed="true"', french)
    assert "Mon profil" in french and "1\u202f234" in french


def test_a_visitor_gets_the_header_without_the_account_menu(client):
    page = header_of(text(client.get("/login")))
    assert 'name="next" value="/login"' in page and token_of(page)
    assert "account-menu" not in page and "main-nav" not in page


def test_the_console_menu_shows_each_count_as_it_is(app, make_user, make_item):
    _, comms = reader(app, make_user, Role.COMMS)
    menu = re.search(r'<nav class="sub-nav".*?</nav>', text(comms.get("/admin/")), re.S).group(0)
    assert "count-pill" not in menu
    make_item(status=Status.PENDING)
    menu = re.search(r'<nav class="sub-nav".*?</nav>', text(comms.get("/admin/")), re.S).group(0)
    assert re.search(r'count-pill">1<span class="visually-hidden"> waiting', menu)


def test_the_pages_frame_follows_the_language_and_carries_each_readers_token(app, make_user):
    (_first, browser), (_second, other) = reader(app, make_user), reader(app, make_user)

    def frame(client) -> tuple[str, str, str]:
        page = client.get("/badges").get_data(as_text=True)
        language = re.search(r'<html lang="([^"]+)">', page).group(1)
        token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
        return language, token, page[page.index('<footer class="site-footer">') :]

    english, token, footer = frame(browser)
    assert (english, "voluntary, always" in footer) == ("en", True)
    other_token = frame(other)[1]
    assert token != other_token and other_token in text(other.get("/badges"))
    post(browser, "/language", {"language": "fr"})
    french, _token, footer = frame(browser)
    assert (french, "toujours volontaire" in footer) == ("fr", True)
    assert frame(other)[0] == "en"
