"""Event cards drawn once and reused (events/cards.py): each reader still sees their own
registration and the seats as they are, in their language and time zone (issue #14)."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from base.database import db, utcnow
from blueprints.accounts.models import Role
from blueprints.events import cards, listing
from blueprints.events.models import Event, EventStatus, RegistrationStatus
from blueprints.events.services import Seats
from tests.conftest import Auth, post, text


def card_of(page: str, event_id: int) -> str:
    found = re.search(
        rf'<li class="card event-card[^"]*">(?:(?!</li>).)*?/events/{event_id}".*?</li>', page, re.S
    )
    assert found, f"no card for event {event_id}"
    return found.group(0)


def reader(app, make_user, **fields):
    person = make_user(Role.EMPLOYEE, language="en", **fields)
    browser = app.test_client()
    assert Auth(browser).login(person.email).status_code == 302
    return browser


def test_a_card_shows_each_reader_their_own_registration_and_the_seats_left(app, make_user, make_event):
    event = make_event(title="Social café", capacity=3)
    first, second = reader(app, make_user), reader(app, make_user)
    assert "3 seats left" in card_of(text(second.get("/events")), event)
    assert post(first, f"/events/{event}/register").status_code == 303
    mine, theirs = card_of(text(first.get("/events")), event), card_of(text(second.get("/events")), event)
    assert "Registered" in mine and "2 seats left" in mine
    assert "Registered" not in theirs and "2 seats left" in theirs


def test_a_card_is_drawn_again_when_the_event_the_language_or_the_zone_changes(app, make_user, make_event):
    winter_morning = datetime(utcnow().year + 1, 1, 15, 9, 0, tzinfo=UTC)  # Paris 10:00, New York 04:00
    event = make_event(title="Social café", starts_at=winter_morning)
    browser = reader(app, make_user, timezone="Europe/Paris")
    assert "Social café" in card_of(text(browser.get("/events")), event)
    with app.app_context():
        db.session.get(Event, event).status = EventStatus.CANCELLED
        db.session.commit()
    assert "Cancelled" in card_of(text(browser.get("/events")), event)
    post(browser, "/language", {"language": "fr", "next": "/events"})
    french = card_of(text(browser.get("/events")), event)
    assert "Annulé" in french and "10:00" in french and "(heure de Paris)" in french
    elsewhere = reader(app, make_user, timezone="America/New_York")
    post(elsewhere, "/language", {"language": "fr", "next": "/events"})
    assert "04:00" in card_of(text(elsewhere.get("/events")), event)


def test_a_cards_key_changes_with_everything_the_card_shows(app, make_user, make_event):
    event_id = make_event(title="Social café", capacity=3)
    person = make_user()
    with app.test_request_context("/events", headers={"Accept-Language": "en"}):
        entry = listing.events_for(person, utcnow()).others[0]
        key = cards.card_key(entry, past=False)
        assert cards.card_key(entry, past=True) != key
        event = entry.event
        assert (event.id, event.title) == (event_id, "Social café")
        for name, value in [
            ("title", "Lunch"),
            ("kind", "workshop"),
            ("language", "en"),
            ("starts_at", event.starts_at + timedelta(minutes=1)),
            ("place", "Lyon"),
            ("status", EventStatus.CANCELLED),
        ]:
            changed = listing.Listed(
                replace(event, **{name: value}), entry.seats, entry.mine, entry.suggested
            )
            assert cards.card_key(changed, past=False) != key, name
        assert cards.card_key(listing.Listed(event, entry.seats, None, entry.suggested), past=False) == key
        for changed in [
            listing.Listed(event, entry.seats, RegistrationStatus.CONFIRMED, entry.suggested),
            listing.Listed(event, type(entry.seats)(1, 0, 3), None, entry.suggested),
            listing.Listed(event, type(entry.seats)(0, 1, 3), None, entry.suggested),
            listing.Listed(event, type(entry.seats)(0, 0, None), None, entry.suggested),
        ]:
            assert cards.card_key(changed, past=False) != key
        with force_locale("fr"):
            assert cards.card_key(entry, past=False) != key


def test_a_console_rows_phase_follows_the_clock_and_its_key_everything_it_shows(app, make_user, make_event):
    event_id = make_event(title="Social café", capacity=3)
    with app.test_request_context("/admin/events", headers={"Accept-Language": "en"}):
        event = db.session.get(Event, event_id)
        seats = Seats(1, 0, 3)
        assert cards.phase_of(event, event.starts_at - timedelta(minutes=1)) == "to come"
        assert cards.phase_of(event, event.starts_at) == "under way"
        assert cards.phase_of(event, event.ends_at) == "over"
        key = cards.console_event_key(event, seats, "to come")
        assert cards.console_event_key(event, seats, "over") != key
        for other in [Seats(2, 0, 3), Seats(1, 1, 3), Seats(1, 0, None)]:
            assert cards.console_event_key(event, other, "to come") != key
        for name, value in [
            ("title", "Lunch"),
            ("kind", "workshop"),
            ("language", "en"),
            ("starts_at", event.starts_at + timedelta(minutes=1)),
        ]:
            before = getattr(event, name)
            setattr(event, name, value)
            assert cards.console_event_key(event, seats, "to come") != key, name
            setattr(event, name, before)
        event.status = EventStatus.CANCELLED
        assert cards.phase_of(event, event.ends_at) == "cancelled"
        with force_locale("fr"):
            assert cards.console_event_key(event, seats, "to come") != key


def test_the_console_list_marks_each_event_as_of_now(app, make_user, make_event):
    make_event(title="Under way", starts_at=utcnow() - timedelta(minutes=5))
    make_event(title="Cancelled café", status=EventStatus.CANCELLED)
    comms = app.test_client()
    assert Auth(comms).login(make_user(Role.COMMS, language="en").email).status_code == 302
    page = text(comms.get("/admin/events"))
    assert re.search(r"Under way</a>\s*<span class=\"status status--published\">Under way</span>", page)
    assert re.search(r"Cancelled café</a>\s*<span class=\"status status--rejected\">Cancelled</span>", page)
