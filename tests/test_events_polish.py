"""Events as a user sees them: the fill state, the cancel confirmation, one message per action, the
waiting-list place, time zones, the console's order, the attendance sheet (count, everyone present,
CSV), headings and languages, and the demo's descriptions."""

# ruff: noqa: F811 (the fixtures make_event and act come from tests.test_events)

import csv
import io
import itertools
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.events import services
from blueprints.events import verbs as events_verbs
from blueprints.events.catalogue import KINDS
from blueprints.events.models import Event, EventStatus, Registration, RegistrationStatus
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from tests.conftest import Auth, csrf_token, htmx_headers, post, text
from tests.test_events import (  # noqa: F401 (fixtures)
    act,
    kinds_notified,
    move_to_the_past,
    registration_of,
    statuses,
)
from tests.test_feed import give_result

EVENTS_TOML = Path(__file__).parent.parent / "blueprints" / "demo" / "data" / "events.toml"


def card_of(page: str, title: str) -> str:
    """The list item (card) of an event on the events page."""
    cards = re.findall(r'<li class="card event-card[^"]*">.*?</li>', page, flags=re.S)
    [card] = [card for card in cards if f">{title}</a>" in card]
    return card


def full_with_waiting(make_user, make_event, act, waiting: int = 3, **fields) -> tuple[int, int, list[int]]:
    """A one-seat event: (event, the holder, the people waiting in order)."""
    event = make_event(capacity=1, **fields)
    holder = make_user().id
    act(services.sign_up, holder, event)
    line = [make_user().id for _ in range(waiting)]
    for person in line:
        act(services.sign_up, person, event)
    return event, holder, line


# 1. The list's cards: the fill state as a badge, a link that covers the card.


def test_the_fill_state_is_a_badge_not_a_grey_hint(client, signed_in, make_user, make_event, act):
    full, _holder, _line = full_with_waiting(make_user, make_event, act, title="Full one")
    few = make_event(capacity=3, title="Few left")
    act(services.sign_up, make_user().id, few)
    plenty = make_event(capacity=40, title="Plenty")
    unlimited = make_event(capacity=None, title="Open to all")
    signed_in(language="en")
    page = text(client.get("/events"))
    assert '<span class="fill-badge fill-badge--full">Full · 3 waiting</span>' in card_of(page, "Full one")
    assert '<span class="fill-badge fill-badge--few">2 seats left</span>' in card_of(page, "Few left")
    assert '<span class="fill-badge fill-badge--open">40 seats left</span>' in card_of(page, "Plenty")
    assert '<span class="fill-badge fill-badge--open">0 people coming</span>' in card_of(page, "Open to all")
    assert 'class="hint"' not in card_of(page, "Full one")
    assert [full, few, plenty, unlimited]  # each card found above


def test_each_card_title_is_the_link_that_covers_the_card(client, signed_in, make_event):
    event = make_event(title="Coffee")
    signed_in(language="en")
    card = card_of(text(client.get("/events")), "Coffee")
    assert f'<h3><a class="event-card-link" href="/events/{event}">Coffee</a></h3>' in card.replace(
        ' lang="fr"', ""
    )
    assert '<span class="event-card-arrow" aria-hidden="true">→</span>' in card


def test_a_past_event_has_no_empty_waiting_list_card(client, signed_in, make_user, make_event, act, app):
    upcoming = make_event(title="Upcoming")
    past = make_event(title="Past")
    act(services.sign_up, make_user().id, past)
    move_to_the_past(app, past)
    signed_in(Role.COMMS, language="en")
    assert "Nobody is waiting." in text(client.get(f"/admin/events/{upcoming}"))
    page = text(client.get(f"/admin/events/{past}"))
    assert "Waiting list" not in page and "Nobody is waiting." not in page
    assert '<section class="card card--wide" aria-labelledby="about-title">' in page


def test_people_left_waiting_after_the_start_are_still_listed(
    client, signed_in, make_user, make_event, act, app
):
    event, _holder, _line = full_with_waiting(make_user, make_event, act, waiting=1)
    move_to_the_past(app, event)
    signed_in(Role.COMMS, language="en")
    page = text(client.get(f"/admin/events/{event}"))
    assert '<h2 id="waiting-title">Left on the waiting list</h2>' in page


def test_the_drawn_waiting_list_follows_the_line_and_the_language(
    client, signed_in, make_user, make_event, act, app
):
    event, _holder, line = full_with_waiting(make_user, make_event, act, waiting=2)
    with app.app_context():
        names = [db.session.get(User, person).display_name for person in line]
    signed_in(Role.COMMS, language="en")

    def waiting_list() -> str:
        page = text(client.get(f"/admin/events/{event}"))
        return page[page.index('id="waiting-title"') : page.index('id="attendance-sheet"')]

    first = waiting_list()
    assert first.index(names[0]) < first.index(names[1]) and first.count("<li>") == 2
    act(services.cancel_registration, line[0], event)
    act(services.sign_up, line[0], event)  # back, now last in line
    again = waiting_list()
    assert again.index(names[1]) < again.index(names[0]) and again.count("<li>") == 2
    assert "AM" in again or "PM" in again  # English times
    client.post("/language", data={"language": "fr", "csrf_token": csrf_token(client)})
    french = waiting_list()
    assert "AM" not in french and "PM" not in french and french.count("<li>") == 2


def test_joining_the_waiting_list_says_so_once_by_htmx(client, signed_in, make_user, make_event, act):
    event, _holder, _line = full_with_waiting(make_user, make_event, act, waiting=1)
    signed_in(language="en")
    response = client.post(f"/events/{event}/register", headers=htmx_headers(client))
    panel = text(response)
    assert response.status_code == 200 and "<html" not in panel
    assert re.findall(r'<p class="flash flash--success">(.*?)</p>', panel, flags=re.S) == [
        "<strong>You are number 2 on the waiting list.</strong> You will be told as soon as a seat frees up."
    ]
    assert panel.count("You will be told") == 1
    assert "you are on the waiting list" not in panel.lower()
    assert "HX-Request" in response.headers["Vary"]  # the page's address, answered as a fragment


def test_joining_the_waiting_list_without_javascript_says_it_once(
    client, signed_in, make_user, make_event, act
):
    event, _holder, _line = full_with_waiting(make_user, make_event, act, waiting=1)
    signed_in(language="en")
    response = post(client, f"/events/{event}/register")
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert re.findall(r'<p class="flash flash--success">(.*?)</p>', page) == ["You joined the waiting list."]
    assert page.count("You will be told") == 1
    assert page.count("You are number 2 on the waiting list.") == 1


def test_signing_up_by_htmx_says_it_once(client, signed_in, make_event):
    event = make_event(capacity=5)
    signed_in(language="en")
    panel = text(client.post(f"/events/{event}/register", headers=htmx_headers(client)))
    assert re.findall(r'class="(?:flash flash--success|done-mark)">([^<]*)<', panel) == [
        "You are registered. See you there!"
    ]


# 3. Focus after a swap: the panel marks where it goes (static/js/app.js moves it there).


def test_the_panel_marks_where_focus_goes_after_a_swap(client, signed_in, make_user, make_event, act, app):
    event = make_event(capacity=5)
    signed_in(language="en")

    def focus_targets(response) -> list[str]:
        return re.findall(r"<(\w+)[^>]*data-focus-after-swap[^>]*>([^<]*)", text(response))

    registered = client.post(f"/events/{event}/register", headers=htmx_headers(client))
    assert focus_targets(registered) == [("button", "Cancel my registration")]
    cancelled = client.post(f"/events/{event}/cancel", headers=htmx_headers(client))
    assert focus_targets(cancelled) == [("button", "Sign up")]
    move_to_the_past(app, event)
    over = client.get(f"/events/{event}", headers=htmx_headers(client))
    assert focus_targets(over) == [("h2", "Your place")]


# 4. A seat someone is waiting for is given up in two steps.


def test_giving_up_a_seat_someone_waits_for_needs_confirming(app, make_user, make_event, act):
    event, holder, line = full_with_waiting(make_user, make_event, act, waiting=2)
    with app.app_context(), force_locale("en"):
        user = db.session.get(User, holder)
        with pytest.raises(services.SeatWouldGoToNext) as refusal:
            services.cancel_registration(user, event)
        assert refusal.value.waiting == 2
        assert str(refusal.value) == "Someone is waiting for your seat: confirm that you give it up."
    assert statuses(app, event) == {
        holder: RegistrationStatus.CONFIRMED,
        line[0]: RegistrationStatus.WAITLISTED,
        line[1]: RegistrationStatus.WAITLISTED,
    }
    act(services.cancel_registration, holder, event, give_up_seat=True)
    assert statuses(app, event) == {
        line[0]: RegistrationStatus.CONFIRMED,
        line[1]: RegistrationStatus.WAITLISTED,
    }


def test_no_confirmation_when_nobody_waits_or_for_a_place_in_line(app, make_user, make_event, act):
    event = make_event(capacity=1)
    holder = make_user().id
    act(services.sign_up, holder, event)
    act(services.cancel_registration, holder, event)  # nobody waiting: the seat stays free for anyone
    assert statuses(app, event) == {}
    full, _holder, line = full_with_waiting(make_user, make_event, act, waiting=2)
    act(services.cancel_registration, line[0], full)  # a place in line: nobody loses out
    assert statuses(app, full)[line[1]] == RegistrationStatus.WAITLISTED
    assert line[0] not in statuses(app, full)


def test_cancelling_a_wanted_seat_by_htmx_asks_then_gives_it_up(
    client, signed_in, make_user, make_event, act, app
):
    person = signed_in(language="en")
    event = make_event(capacity=1)
    act(services.sign_up, person.id, event)
    line = [make_user().id]
    act(services.sign_up, line[0], event)
    asked = client.post(f"/events/{event}/cancel", headers=htmx_headers(client))
    panel = text(asked)
    assert asked.status_code == 200 and "<html" not in panel
    assert "Give up your seat?" in panel
    assert "1 person is waiting: your seat goes to them at once" in panel
    assert 'name="give_up" value="1"' in panel and ">Yes, give up my seat</button>" in panel
    assert f'href="/events/{event}"' in panel and ">Keep my seat</a>" in panel
    assert statuses(app, event)[person.id] == RegistrationStatus.CONFIRMED
    kept = client.get(f"/events/{event}", headers=htmx_headers(client))
    assert "Give up your seat?" not in text(kept) and "Cancel my registration" in text(kept)
    given = client.post(f"/events/{event}/cancel", data={"give_up": "1"}, headers=htmx_headers(client))
    assert "Your registration is cancelled." in text(given)
    assert statuses(app, event) == {line[0]: RegistrationStatus.CONFIRMED}


def test_cancelling_a_wanted_seat_without_javascript_goes_through_a_confirm_page(
    client, signed_in, make_user, make_event, act, app
):
    person = signed_in(language="en")
    event = make_event(capacity=1)
    act(services.sign_up, person.id, event)
    waiting = make_user().id
    act(services.sign_up, waiting, event)
    response = post(client, f"/events/{event}/cancel")
    assert response.status_code == 303 and response.headers["Location"] == f"/events/{event}/cancel"
    page = text(client.get(response.headers["Location"]))
    assert "<title>Give up your seat? · Social café · Porte-voix</title>" in page
    assert ">Yes, give up my seat</button>" in page and ">Keep my seat</a>" in page
    assert statuses(app, event) == {
        person.id: RegistrationStatus.CONFIRMED,
        waiting: RegistrationStatus.WAITLISTED,
    }
    done = post(client, f"/events/{event}/cancel", {"give_up": "1"})
    assert done.headers["Location"] == f"/events/{event}"
    assert "Your registration is cancelled." in text(client.get(done.headers["Location"]))
    assert statuses(app, event) == {waiting: RegistrationStatus.CONFIRMED}
    # Nothing to give up any more, or nobody waiting for it: the question is not asked.
    assert client.get(f"/events/{event}/cancel").headers["Location"] == f"/events/{event}"
    alone = make_event(capacity=1)
    act(services.sign_up, person.id, alone)
    assert client.get(f"/events/{alone}/cancel").headers["Location"] == f"/events/{alone}"


# 5. Times say which time zone they are in.


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Paris", "Paris time"),
        ("Europe/London", "London time"),
        ("America/Toronto", "Toronto time"),
        ("America/Montreal", "Montreal time"),
        ("Europe/Amsterdam", "Amsterdam time"),
        ("UTC", "UTC"),
    ],
)
def test_the_zone_label_names_the_readers_city(app, zone, label):
    from blueprints.events.zones import zone_label

    with app.test_request_context(), force_locale("en"):
        assert zone_label(zone) == label


def test_a_city_starting_with_a_vowel_gets_its_own_context_for_french_elision(app, monkeypatch):
    from blueprints.events.zones import zone_label

    seen = []
    monkeypatch.setattr(
        "blueprints.events.zones.pgettext", lambda context, msgid, **values: seen.append(context) or "d'"
    )
    with app.test_request_context(), force_locale("fr"):
        assert zone_label("Europe/Amsterdam") == "d'"
        zone_label("Europe/Paris")
    assert seen == ["a city starting with a vowel"]


def test_times_show_the_viewers_time_zone_on_the_list_the_page_and_the_console(client, signed_in, make_event):
    event = make_event(title="Coffee")
    signed_in(Role.COMMS, language="en", timezone="America/Toronto")
    label = '<span class="zone">(Toronto time)</span>'
    assert label in card_of(text(client.get("/events")), "Coffee")
    assert label in text(client.get(f"/events/{event}"))
    assert label in text(client.get(f"/admin/events/{event}"))
    console = text(client.get("/admin/events"))
    assert '<th scope="col">When (Toronto time)</th>' in console
    assert 'data-label="When (Toronto time)"' in console
    assert "In your time zone: Toronto time." in text(client.get(f"/admin/events/{event}/edit"))


# 7. The console lists what comes next first.


def test_the_console_lists_upcoming_soonest_first_then_past_latest_first(client, signed_in, make_event):
    now = utcnow()
    for title, days in [("In 20 days", 20), ("Ten days ago", -10), ("In 2 days", 2), ("Fifty days ago", -50)]:
        make_event(title=title, starts_at=now + timedelta(days=days))
    make_event(title="Under way", starts_at=now - timedelta(minutes=10))
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/admin/events"))
    titles = re.findall(r'<a href="/admin/events/\d+"[^>]*>([^<]+)</a>', page)
    assert titles == ["Under way", "In 2 days", "In 20 days", "Ten days ago", "Fifty days ago"]
    upcoming, past = page.index("Upcoming, soonest first"), page.index("Past, latest first")
    assert upcoming < page.index(">In 20 days<") < past < page.index(">Ten days ago<")
    assert '<span class="status status--published">Under way</span>' in page


def test_the_console_pages_each_list_in_the_same_queries_whatever_the_number_of_events(
    client, signed_in, make_event, count_queries
):
    now = utcnow()
    for day in range(1, 28):
        make_event(title=f"Soon {day:02}", starts_at=now + timedelta(days=day))
    for day in range(1, 4):
        make_event(title=f"Past {day:02}", starts_at=now - timedelta(days=day))
    signed_in(Role.COMMS, language="en")
    client.get("/admin/events")  # the first page after sign-in also notes "last seen"
    with count_queries() as first_page:
        page = text(client.get("/admin/events"))
    titles = re.findall(r'<a href="/admin/events/\d+"[^>]*>([^<]+)</a>', page)
    assert titles == [f"Soon {day:02}" for day in range(1, 26)] + ["Past 01", "Past 02", "Past 03"]
    assert '<nav class="pagination" aria-label="Pages of upcoming events">' in page
    assert "Pages of past events" not in page  # one page only: no navigation
    assert 'href="/admin/events?upcoming=2&past=1" rel="next"' in page
    with count_queries() as second_page:
        page = text(client.get("/admin/events?upcoming=2&past=1"))
    titles = re.findall(r'<a href="/admin/events/\d+"[^>]*>([^<]+)</a>', page)
    assert titles == ["Soon 26", "Soon 27", "Past 01", "Past 02", "Past 03"]
    assert 'href="/admin/events?upcoming=1&past=1" rel="prev"' in page and "Page 2 of 2" in page
    assert second_page.count == first_page.count
    beyond = text(client.get("/admin/events?upcoming=9&past=abc"))  # past the end: the last page
    assert "Soon 27" in beyond and "Soon 01" not in beyond and "Past 01" in beyond


# 8. A person who joins the waiting list is told their place.


def test_joining_the_waiting_list_tells_the_person_their_place(app, make_user, make_event, act):
    event, _holder, line = full_with_waiting(make_user, make_event, act, waiting=2, title="Coffee")
    assert kinds_notified(app, line[1]) == ["event_waitlisted"]
    with app.app_context(), force_locale("en"):
        notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == line[1]))
        assert notice.params == {"title": "Coffee", "position": 2}
        assert (notice.link_endpoint, notice.link_values) == ("events.detail", {"event_id": event})
        assert message_text(notice) == (
            "You are number 2 on the waiting list for “Coffee”. You will be told as soon as a seat frees up."
        )
    act(services.sign_up, line[1], event)  # signing up again changes nothing, tells nothing
    assert kinds_notified(app, line[1]) == ["event_waitlisted"]


# 2. The attendance sheet: a present count, everyone present at once, a CSV export.


@pytest.fixture
def past_event_with_four(make_user, make_event, act, app):
    """A past event: four confirmed people (the first marked present), one left waiting."""
    event = make_event(capacity=4, title="=Coffee")
    people = [
        make_user(display_name=name, email=f"{name.split()[0].lower()}@example.com").id
        for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing", "=cmd Evil", "Late Comer")
    ]
    for person in people:
        act(services.sign_up, person, event)
    move_to_the_past(app, event)
    act(services.mark_attendance, people[0], registration_of(app, people[0]), True)
    return event, people


def attended(app, event_id) -> dict[int, bool]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Registration.user_id, Registration.attended).where(
                    Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED
                )
            ).all()
        )


def test_the_sheet_counts_who_is_present(client, signed_in, past_event_with_four):
    event, _people = past_event_with_four
    signed_in(Role.COMMS, language="en")
    page = text(client.get(f"/admin/events/{event}"))
    assert '<p class="present-count">1 present of 4</p>' in page
    assert ">Mark everyone present</button>" in page
    assert f'href="/admin/events/{event}/attendance.csv"' in page


def sheet_rows(page: str) -> dict[str, str]:
    """Each row of the attendance sheet, by the person's name."""
    rows = re.findall(r'<li id="attendee-\d+">.*?</li>', page, re.S)
    return {re.search(r"(?:Ada|Grace|Alan|=cmd)[^<\n]*", row).group(0).strip(): row for row in rows}


def test_sheet_rows_drawn_once_show_each_tick_and_each_organisers_own_token(
    app, client, make_user, past_event_with_four
):
    event, people = past_event_with_four
    organisers = []
    for _ in range(2):
        browser = app.test_client()
        Auth(browser).login(make_user(Role.COMMS, language="en").email)
        organisers.append(browser)
    first, second = (sheet_rows(text(browser.get(f"/admin/events/{event}"))) for browser in organisers)
    assert "Present" in first["Ada Lovelace"] and "Present" not in first["Grace Hopper"]
    tokens = [
        set(re.findall(r'name="csrf_token" value="([^".]+)', "".join(rows.values())))
        for rows in (first, second)
    ]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]  # each session's own
    post(
        organisers[0],
        f"/admin/events/{event}/attendance/{registration_of(app, people[1])}",
        {"attended": "1"},
    )
    again = sheet_rows(text(organisers[1].get(f"/admin/events/{event}")))
    assert "Present" in again["Grace Hopper"] and "Present" not in again["Alan Turing"]
    assert "=cmd Evil" in again  # a name is text, drawn escaped once and for all


def test_the_drawn_sheet_follows_a_new_name(client, signed_in, past_event_with_four, app, make_user):
    event, people = past_event_with_four
    signed_in(Role.COMMS, language="en")
    assert "Ada Lovelace" in sheet_rows(text(client.get(f"/admin/events/{event}")))
    with app.app_context():
        db.session.get(User, people[0]).display_name = "Ada King"
        db.session.commit()
    assert "Ada King" in sheet_rows(text(client.get(f"/admin/events/{event}")))


def test_a_tick_by_htmx_updates_the_count_out_of_band(client, signed_in, past_event_with_four, app):
    event, people = past_event_with_four
    signed_in(Role.COMMS, language="en")
    response = client.post(
        f"/admin/events/{event}/attendance/{registration_of(app, people[1])}",
        data={"attended": "1"},
        headers=htmx_headers(client),
    )
    body = text(response)
    assert f'<li id="attendee-{registration_of(app, people[1])}">' in body
    assert '<div class="sheet-summary" id="sheet-summary" hx-swap-oob="true">' in body
    assert '<p class="present-count">2 present of 4</p>' in body


def test_everyone_present_at_once_by_a_plain_form(client, signed_in, past_event_with_four, app, monkeypatch):
    event, people = past_event_with_four
    organiser = signed_in(Role.COMMS, language="en")
    calls = []
    real = services.mark_all_present
    monkeypatch.setattr(services, "mark_all_present", lambda *args: calls.append(args) or real(*args))
    monkeypatch.setattr(services, "mark_attendance", lambda *args: pytest.fail("one service call"))
    response = post(client, f"/admin/events/{event}/attendance")
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/events/{event}"
    assert len(calls) == 1
    page = text(client.get(response.headers["Location"]))
    assert "3 people marked present." in page
    assert '<p class="present-count">4 present of 4</p>' in page
    assert "Mark everyone present" not in page
    assert attended(app, event) == dict.fromkeys(people[:4], True)
    with app.app_context():  # logged per person, as a single tick is, by the organiser
        logged = db.session.execute(
            sa.select(Activity.user_id, Activity.payload)
            .where(Activity.verb == events_verbs.EVENT_ATTENDED)
            .order_by(Activity.id)
        ).all()
    assert [user for user, _payload in logged] == [people[0], people[1], people[2], people[3]]
    assert [payload for _user, payload in logged[1:]] == [{"by": organiser.id}] * 3


def test_everyone_present_by_htmx_swaps_the_sheet(client, signed_in, past_event_with_four, app):
    event, _people = past_event_with_four
    signed_in(Role.COMMS, language="en")
    response = client.post(f"/admin/events/{event}/attendance", headers=htmx_headers(client))
    sheet = text(response)
    assert response.status_code == 200 and sheet.lstrip().startswith(
        '<section class="card" id="attendance-sheet"'
    )
    assert '<p class="flash flash--success" role="status">3 people marked present.</p>' in sheet
    assert '<p class="present-count">4 present of 4</p>' in sheet
    assert sheet.count('name="present" checked') == 4


def test_everyone_present_is_one_transaction(app, past_event_with_four, make_user):
    event, _people = past_event_with_four
    organiser = make_user(Role.COMMS).id
    commits = []

    def committed(session):
        commits.append(1)

    with app.app_context():
        sa.event.listen(db.session, "after_commit", committed)
        try:
            assert services.mark_all_present(db.session.get(User, organiser), event) == 3
            assert services.mark_all_present(db.session.get(User, organiser), event) == 0
        finally:
            sa.event.remove(db.session, "after_commit", committed)
    assert len(commits) == 2  # one per call


def test_everyone_present_is_refused_before_the_start_and_for_a_cancelled_event(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event()
    act(services.sign_up, make_user().id, event)
    signed_in(Role.COMMS, language="en")
    page = text(client.get(f"/admin/events/{event}"))
    assert "Mark everyone present" not in page and "0 present of 1" in page
    response = client.post(f"/admin/events/{event}/attendance", headers=htmx_headers(client))
    assert response.status_code == 422
    assert "The attendance sheet opens when the event starts." in text(response)
    with app.app_context():
        db.session.get(Event, event).status = EventStatus.CANCELLED
        db.session.commit()
    move_to_the_past(app, event)
    response = post(client, f"/admin/events/{event}/attendance")
    assert "there is no attendance to take" in text(client.get(response.headers["Location"]))
    assert set(attended(app, event).values()) == {False}


def test_the_sheet_exports_as_csv_for_comms_only(client, signed_in, past_event_with_four, app, auth):
    event, people = past_event_with_four
    with app.app_context():
        db.session.get(User, people[4]).timezone = "Europe/Paris"
        db.session.commit()
    signed_in(language="en")
    assert client.get(f"/admin/events/{event}/attendance.csv").status_code == 403
    auth.logout()
    signed_in(Role.COMMS, language="en", timezone="Europe/Paris")
    response = client.get(f"/admin/events/{event}/attendance.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="attendance-event-{event}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "E-mail", "Department", "Status", "Present", "Signed up (Paris time)"]
    assert [row[:5] for row in rows[1:]] == [
        ["Ada Lovelace", "ada@example.com", "", "Registered", "Yes"],
        ["Grace Hopper", "grace@example.com", "", "Registered", "No"],
        ["Alan Turing", "alan@example.com", "", "Registered", "No"],
        ["'=cmd Evil", "'=cmd@example.com", "", "Registered", "No"],  # no formula in a spreadsheet
        ["Late Comer", "late@example.com", "", "On the waiting list", ""],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[5]) for row in rows[1:])


# 10. Headings in order, other languages marked, everything labelled.


def headings(page: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", page)]


def no_jump(levels: list[int]) -> bool:
    return all(after <= before + 1 for before, after in itertools.pairwise(levels))


def test_the_events_page_headings_never_skip_a_level(client, signed_in, make_event, app):
    make_event(title="For everyone")
    signed_in(language="en")
    upcoming = text(client.get("/events"))
    assert headings(upcoming)[:3] == [1, 2, 3] and no_jump(headings(upcoming))
    assert '<h2 id="list-title" class="visually-hidden">All upcoming events</h2>' in upcoming
    past = make_event(title="Gone")
    move_to_the_past(app, past)
    page = text(client.get("/events?when=past"))
    assert no_jump(headings(page)) and '<h2 id="list-title" class="visually-hidden">Past events</h2>' in page


def test_the_events_page_headings_with_suggestions(client, signed_in, make_event, app):
    person = signed_in(language="en")
    make_event(title="For helpers", target_personae=["helper"])
    make_event(title="For everyone")
    give_result(app, person.id, {"helper": 0.9, "expert": 0.2})
    page = text(client.get("/events"))
    assert "Suggested for you" in page, "the person's persona should bring a suggestion"
    assert headings(page)[:5] == [1, 2, 3, 2, 3] and no_jump(headings(page))
    assert '<h2 id="list-title">All upcoming events</h2>' in page


def test_titles_in_another_language_are_marked(client, signed_in, make_event, auth):
    french = make_event(title="Café", language="fr")
    english = make_event(title="Coffee", language="en")
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/events"))
    assert f'<a class="event-card-link" href="/events/{french}" lang="fr">Café</a>' in page
    assert f'<a class="event-card-link" href="/events/{english}">Coffee</a>' in page
    assert '<h1 id="event-title" lang="fr">Café</h1>' in text(client.get(f"/events/{french}"))
    assert '<h1 id="event-title">Coffee</h1>' in text(client.get(f"/events/{english}"))
    assert f'<a href="/admin/events/{french}" lang="fr">Café</a>' in text(client.get("/admin/events"))
    assert '<h1 lang="fr">Café</h1>' in text(client.get(f"/admin/events/{french}"))
    auth.logout()
    signed_in(language="fr")
    page = text(client.get("/events"))
    assert f'<a class="event-card-link" href="/events/{english}" lang="en">Coffee</a>' in page
    assert f'<a class="event-card-link" href="/events/{french}">Café</a>' in page


def test_lists_and_tables_are_labelled(client, signed_in, make_event, app):
    make_event(title="Next")
    past = make_event(title="Gone")
    move_to_the_past(app, past)
    signed_in(Role.COMMS, language="en")
    assert '<section aria-labelledby="list-title">' in text(client.get("/events"))
    console = text(client.get("/admin/events"))
    assert '<table class="table table--library" aria-labelledby="upcoming-title">' in console
    assert '<table class="table table--library" aria-labelledby="past-title">' in console
    card = card_of(text(client.get("/events")), "Next")
    assert '<abbr title="Français" lang="fr">FR</abbr>' in card


# 9. Every demo event is described for what it is.


def test_each_kind_has_its_own_description_in_both_languages():
    data = tomllib.loads(EVENTS_TOML.read_text(encoding="utf-8"))
    descriptions = data["descriptions"]
    assert set(descriptions) == set(KINDS)
    texts = [descriptions[kind][language] for kind in KINDS for language in ("fr", "en")]
    assert len(set(texts)) == len(texts) == 2 * len(KINDS)
    events = data["events"]
    own = [event["description"] for event in events]
    assert len(set(own)) == len(events)  # each event has its own
    for event in events:
        if event["language"] == "fr":  # French typography: a non-breaking space before : ! ? ;
            assert not re.search(r" [:!?;]", event["title"] + event["description"]), event["title"]


def test_the_demo_events_are_seeded_with_their_own_descriptions(make_app):
    app = make_app(DEMO_MODE=True)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(sa.select(Event.kind, Event.description)).all()
    assert len({description for _kind, description in rows}) == len(rows)
    assert {kind for kind, _description in rows} == set(KINDS)
    webinar = [description for kind, description in rows if kind == "webinar"]
    assert all("café" not in description.lower() for description in webinar)


# Activity that happens to a person is not the person being active.


def test_a_seat_given_or_attendance_taken_back_is_not_the_person_being_active(app, make_user):
    from base.registry import registry
    from blueprints.activity.services import active_people_count, record

    promoted, unmarked, joined = make_user().id, make_user().id, make_user().id
    with app.app_context():
        assert {
            events_verbs.EVENT_PROMOTED,
            events_verbs.EVENT_ATTENDANCE_REMOVED,
        } <= registry().passive_verbs
        assert events_verbs.EVENT_WAITLISTED not in registry().passive_verbs
        record(db.session.get(User, promoted), events_verbs.EVENT_PROMOTED, "event", 1)
        record(db.session.get(User, unmarked), events_verbs.EVENT_ATTENDANCE_REMOVED, "event", 1)
        record(db.session.get(User, joined), events_verbs.EVENT_WAITLISTED, "event", 1)
        db.session.commit()
        assert active_people_count(utcnow() - timedelta(days=7)) == 1
