"""Events: capacity, waiting list, promotion, capacity changes, attendance, calendars, reminders."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from icalendar import Calendar

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.events import services
from blueprints.events import verbs as events_verbs
from blueprints.events.models import Event, EventStatus, Registration, RegistrationStatus, ReminderSent
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from tests.conftest import ON_POSTGRES, htmx_headers, post, queries_before_and_after, text


@pytest.fixture
def make_event(app, make_user):
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
def act(app):
    """Run a service as a person, in its own app context; returns a plain result."""

    def run(service, user_id, *args, **kwargs):
        with app.test_request_context():
            user = db.session.get(User, user_id)
            result = service(user, *args, **kwargs)
            if isinstance(result, Registration):
                return result.status, result.id
            return result

    return run


def statuses(app, event_id) -> dict[int, RegistrationStatus]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.user_id, Registration.status).where(
                Registration.event_id == event_id, Registration.status != RegistrationStatus.CANCELLED
            )
        )
        return dict(rows.all())


def positions(app, event_id) -> dict[int, int]:
    with app.app_context():
        waiting = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED
            )
        ).all()
        return {registration.user_id: services.waiting_position(registration) for registration in waiting}


def kinds_notified(app, user_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user_id)))


def move_to_the_past(app, event_id):
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
        db.session.commit()


def test_seats_then_a_first_come_waiting_list(app, make_user, make_event, act):
    event = make_event(capacity=2)
    people = [make_user().id for _ in range(4)]
    results = [act(services.sign_up, person, event)[0] for person in people]
    assert results == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED] * 2
    assert positions(app, event) == {people[2]: 1, people[3]: 2}


def test_a_second_sign_up_keeps_one_active_registration(app, make_user, make_event, act):
    event = make_event()
    person = make_user().id
    first = act(services.sign_up, person, event)
    assert act(services.sign_up, person, event) == first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_the_database_refuses_two_active_registrations(app, make_user, make_event):
    event = make_event()
    person = make_user().id
    with app.app_context():
        for _ in range(2):
            db.session.add(Registration(event_id=event, user_id=person, status=RegistrationStatus.CONFIRMED))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


@pytest.fixture
def one_seat_two_waiting(make_user, make_event, act):
    """An event with one seat: (event, the holder, first and second in line)."""
    event = make_event(capacity=1)
    holder, first, second = (make_user().id for _ in range(3))
    for person in (holder, first, second):
        act(services.sign_up, person, event)
    return event, holder, first, second


def test_cancelling_promotes_the_first_in_line_who_is_told_once(app, one_seat_two_waiting, act):
    event, holder, first, second = one_seat_two_waiting
    act(services.cancel_registration, holder, event)
    assert statuses(app, event) == {
        first: RegistrationStatus.CONFIRMED,
        second: RegistrationStatus.WAITLISTED,
    }
    assert positions(app, event) == {second: 1}
    assert kinds_notified(app, first) == ["event_promoted"]
    assert kinds_notified(app, second) == []


def test_a_waiting_person_who_cancels_promotes_nobody(app, one_seat_two_waiting, act):
    event, holder, first, second = one_seat_two_waiting
    act(services.cancel_registration, first, event)
    assert statuses(app, event) == {
        holder: RegistrationStatus.CONFIRMED,
        second: RegistrationStatus.WAITLISTED,
    }
    assert positions(app, event) == {second: 1}


def test_a_person_who_cancelled_can_sign_up_again_at_the_end_of_the_line(app, make_user, make_event, act):
    event = make_event(capacity=1)
    holder, other = make_user().id, make_user().id
    act(services.sign_up, holder, event)
    act(services.cancel_registration, holder, event)
    act(services.sign_up, other, event)
    assert act(services.sign_up, holder, event)[0] == RegistrationStatus.WAITLISTED


def test_no_sign_up_after_the_start_nor_for_a_cancelled_event(app, make_user, make_event, act):
    started = make_event(starts_at=utcnow() - timedelta(minutes=5))
    cancelled = make_event(status=EventStatus.CANCELLED)
    person = make_user().id
    with pytest.raises(services.EventError, match="sign-up is closed"):
        act(services.sign_up, person, started)
    with pytest.raises(services.EventError, match="cancelled"):
        act(services.sign_up, person, cancelled)
    assert statuses(app, started) == {} and statuses(app, cancelled) == {}


def test_no_promotion_after_the_start(app, make_user, make_event, act):
    event = make_event(capacity=1, starts_at=utcnow() + timedelta(hours=1))
    holder, waiting = make_user().id, make_user().id
    act(services.sign_up, holder, event)
    act(services.sign_up, waiting, event)
    act(services.cancel_registration, holder, event, now=utcnow() + timedelta(hours=2))
    assert statuses(app, event) == {waiting: RegistrationStatus.WAITLISTED}


def test_an_empty_capacity_means_unlimited(app, make_user, make_event, act):
    event = make_event(capacity=None)
    assert {act(services.sign_up, make_user().id, event)[0] for _ in range(12)} == {
        RegistrationStatus.CONFIRMED
    }


def test_raising_capacity_promotes_first_come_and_lowering_below_confirmed_is_refused(
    app, make_user, make_event
):
    event = make_event(capacity=1)
    people = [make_user().id for _ in range(4)]
    with app.test_request_context():
        for person in people:
            services.sign_up(db.session.get(User, person), event)
        promoted = services.set_capacity(event, 3)
        assert [registration.user_id for registration in promoted] == people[1:3]
        with pytest.raises(services.EventError, match="3 personnes sont déjà confirmées"):
            services.set_capacity(event, 2)
        services.set_capacity(event, 3)
        assert db.session.get(Event, event).capacity == 3
        services.set_capacity(event, None)  # unlimited: everyone waiting gets a seat
    assert set(statuses(app, event).values()) == {RegistrationStatus.CONFIRMED}


def test_lowering_capacity_through_the_console_shows_a_clear_message(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event(capacity=3)
    for _ in range(2):
        act(services.sign_up, make_user().id, event)
    signed_in(Role.COMMS)
    form = client.get(f"/admin/events/{event}/edit")
    assert form.status_code == 200
    response = post(
        client,
        f"/admin/events/{event}/edit",
        {
            "title": "Social café",
            "kind": "social_cafe",
            "language": "fr",
            "place": "Paris",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T11:00",
            "capacity": "1",
        },
    )
    assert response.status_code == 422
    assert "2 personnes sont déjà confirmées" in text(response)
    with app.app_context():
        assert db.session.get(Event, event).capacity == 3


def test_attendance_is_recorded_and_undone_in_the_activity_log(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event()
    person = make_user().id
    act(services.sign_up, person, event)
    move_to_the_past(app, event)
    signed_in(Role.COMMS)
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration.id))
    response = client.post(
        f"/admin/events/{event}/attendance/{registration}",
        data={"attended": "1"},
        headers=htmx_headers(client),
    )
    assert response.status_code == 200 and "checked" in response.get_data(as_text=True)
    post(client, f"/admin/events/{event}/attendance/{registration}", {"attended": "0"})
    with app.app_context():
        logged = db.session.scalars(
            sa.select(Activity.verb).where(Activity.user_id == person).order_by(Activity.id)
        ).all()
        assert logged == [
            events_verbs.EVENT_REGISTERED,
            events_verbs.EVENT_ATTENDED,
            events_verbs.EVENT_ATTENDANCE_REMOVED,
        ]
        assert db.session.get(Registration, registration).attended is False


def test_only_confirmed_people_can_be_marked_present(client, signed_in, make_user, make_event, act, app):
    event = make_event(capacity=1)
    act(services.sign_up, make_user().id, event)
    act(services.sign_up, make_user().id, event)
    signed_in(Role.COMMS)
    move_to_the_past(app, event)
    with app.app_context():
        waiting = db.session.scalar(sa.select(Registration.id).where(Registration.status == "waitlisted"))
    response = post(client, f"/admin/events/{event}/attendance/{waiting}", {"attended": "1"})
    assert "Seules les personnes confirmées" in text(client.get(response.headers["Location"]))
    assert attendance_entries(app) == []


def attendance_entries(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Activity.verb).where(Activity.verb == events_verbs.EVENT_ATTENDED))
        )


def test_the_attendance_sheet_opens_when_the_event_starts_and_not_for_a_cancelled_one(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event()
    act(services.sign_up, make_user().id, event)
    signed_in(Role.COMMS, language="en")
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration.id))
    sheet = client.get(f"/admin/events/{event}").get_data(as_text=True)
    assert 'name="present" disabled' in sheet and "The sheet opens when the event starts" in sheet
    response = client.post(
        f"/admin/events/{event}/attendance/{registration}",
        data={"attended": "1"},
        headers=htmx_headers(client),
    )
    assert response.headers["HX-Refresh"] == "true"
    assert "The attendance sheet opens when the event starts." in text(client.get(f"/admin/events/{event}"))
    post(client, f"/admin/events/{event}/cancel")
    move_to_the_past(app, event)
    response = post(client, f"/admin/events/{event}/attendance/{registration}", {"attended": "1"})
    assert "there is no attendance to take" in text(client.get(response.headers["Location"]))
    assert attendance_entries(app) == []


@pytest.mark.parametrize(
    "path", ["/admin/events", "/admin/events/new", "/admin/events/{id}", "/admin/events/{id}/edit"]
)
def test_employees_cannot_open_the_events_console(client, signed_in, make_event, path):
    event = make_event()
    signed_in()
    assert client.get(path.format(id=event)).status_code == 403


def test_employees_cannot_run_events(client, signed_in, make_user, make_event, act, app):
    event = make_event()
    act(services.sign_up, make_user().id, event)
    signed_in()
    assert post(client, f"/admin/events/{event}/cancel").status_code == 403
    assert post(client, f"/admin/events/{event}/attendance/1", {"attended": "1"}).status_code == 403
    with app.app_context():
        assert db.session.get(Event, event).status == EventStatus.SCHEDULED


def test_cancelling_an_event_tells_everyone_registered(client, signed_in, make_user, make_event, act, app):
    event = make_event(capacity=1)
    confirmed, waiting = make_user().id, make_user().id
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    signed_in(Role.COMMS)
    post(client, f"/admin/events/{event}/cancel")
    assert kinds_notified(app, confirmed) == ["event_cancelled"]
    assert kinds_notified(app, waiting) == ["event_cancelled"]


def test_sign_up_and_cancel_through_the_page_by_htmx_and_by_form(client, signed_in, make_event, app):
    event = make_event(capacity=1)
    signed_in()
    response = client.post(f"/events/{event}/register", headers=htmx_headers(client))
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "Vous êtes inscrit·e" in text(response) or "Vous êtes inscrit" in text(response)
    plain = post(client, f"/events/{event}/cancel")
    assert plain.status_code == 303
    assert statuses(app, event) == {}
    assert client.post(f"/events/{event}/register").status_code == 400  # no CSRF token


def test_the_event_page_shows_seats_first_names_and_the_waiting_position(
    client, signed_in, make_user, make_event, act
):
    event = make_event(capacity=1)
    act(services.sign_up, make_user(display_name="Zoé Martin").id, event)
    signed_in()
    post(client, f"/events/{event}/register")
    page = text(client.get(f"/events/{event}"))
    assert "Zoé" in page and "Martin" not in page
    assert "Vous êtes numéro 1 sur la liste d'attente." in page


def test_after_the_event_the_page_says_how_it_went_for_the_person(
    client, signed_in, make_user, make_event, act, app, auth
):
    event = make_event(capacity=1)
    present = make_user(language="en")
    act(services.sign_up, present.id, event)
    waiting = signed_in(language="en")
    post(client, f"/events/{event}/register")
    move_to_the_past(app, event)
    page = text(client.get(f"/events/{event}"))
    assert "You were on the waiting list: no seat freed up in time." in page
    assert "This event is over." in page and "number 1" not in page and "Leave the waiting list" not in page
    assert "1 person was registered" in page and "Who signed up" in page and "seats left" not in page
    past_list = text(client.get("/events?when=past"))
    assert "On the waiting list" not in past_list
    assert "1 person was registered" in past_list and "seat" not in past_list
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.user_id == present.id))
        registration_id = registration.id
    act(services.mark_attendance, waiting.id, registration_id, True)
    auth.logout()
    auth.login(present.email)
    assert "You were there. Thank you for taking part!" in text(client.get(f"/events/{event}"))
    assert "Registered" in text(client.get("/events?when=past"))


def test_times_are_shown_in_the_viewers_time_zone(client, signed_in, make_event, auth):
    event = make_event(starts_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC))
    signed_in(timezone="Europe/Paris")
    assert "10:00" in text(client.get(f"/events/{event}"))
    auth.logout()
    signed_in(timezone="America/Toronto", language="en")
    assert "4:00\u202fAM" in client.get(f"/events/{event}").get_data(as_text=True)


def parse_calendar(body: bytes):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_ics_of_an_event_has_a_stable_uid_and_its_sequence_follows_changes(
    client, signed_in, make_event, app
):
    event = make_event(starts_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC))
    signed_in(Role.COMMS)
    response = client.get(f"/events/{event}.ics")
    assert response.mimetype == "text/calendar"
    [component] = parse_calendar(response.data)
    assert str(component["UID"]) == f"event-{event}@porte-voix"
    assert component.decoded("DTSTART") == datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
    assert (int(component["SEQUENCE"]), str(component["STATUS"])) == (0, "CONFIRMED")
    form = {
        "title": "Social café",
        "kind": "social_cafe",
        "language": "fr",
        "place": "Lyon",
        "starts_at": "2030-07-01T11:00",
        "ends_at": "2030-07-01T12:00",
        "capacity": "2",
    }
    assert post(client, f"/admin/events/{event}/edit", form).status_code == 303
    [moved] = parse_calendar(client.get(f"/events/{event}.ics").data)
    assert str(moved["UID"]) == f"event-{event}@porte-voix"
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == datetime(2030, 7, 1, 9, 0, tzinfo=UTC)  # 11:00 in Paris
    post(client, f"/admin/events/{event}/cancel")
    [cancelled] = parse_calendar(client.get(f"/events/{event}.ics").data)
    assert (int(cancelled["SEQUENCE"]), str(cancelled["STATUS"])) == (2, "CANCELLED")


def test_registrants_are_told_when_time_or_place_changes_but_not_for_a_new_title(
    client, signed_in, make_event, make_user, act, app
):
    event = make_event(capacity=1, starts_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC))
    confirmed, waiting, gone = (make_user().id for _ in range(3))
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    act(services.sign_up, gone, event)
    act(services.cancel_registration, gone, event)
    signed_in(Role.COMMS)
    form = {
        "title": "Social café",
        "kind": "social_cafe",
        "language": "fr",
        "place": "Paris, 3rd floor",
        "starts_at": "2030-07-01T10:00",
        "ends_at": "2030-07-01T11:00",
        "capacity": "1",
    }
    post(client, f"/admin/events/{event}/edit", {**form, "title": "Social café, new name"})
    assert [kinds_notified(app, person) for person in (confirmed, waiting)] == [[], []]
    response = post(client, f"/admin/events/{event}/edit", {**form, "place": "Lyon"})
    assert "2 personnes inscrites ont été prévenues" in text(client.get(response.headers["Location"]))
    assert [kinds_notified(app, person) for person in (confirmed, waiting, gone)] == [
        ["event_changed"],
        ["event_changed"],
        [],
    ]
    with app.test_request_context(), force_locale("fr"):
        notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == waiting))
        assert message_text(notice).replace("\u00a0", " ") == (
            "Le lieu ou l'horaire de « Social café » a changé : "
            "il commence désormais le 1 juil. 2030 à 10:00. Voyez les détails."
        )


def test_the_private_calendar_feed_lists_the_persons_events_and_can_be_renewed(
    client, signed_in, make_event, auth, app
):
    person = signed_in()
    mine, other = make_event(title="Mine"), make_event(title="Other")
    post(client, f"/events/{mine}/register")
    post(client, "/events/calendar/renew")
    with app.app_context():
        token = db.session.get(User, person.id).calendar_token
    auth.logout()
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert [str(c["SUMMARY"]) for c in parse_calendar(feed.data)] == ["Mine"]
    assert other
    auth.login(person.email)
    post(client, "/events/calendar/renew")
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_reminders_go_once_to_confirmed_people_and_follow_a_moved_start(app, make_user, make_event, act):
    event = make_event(capacity=1, starts_at=utcnow() + timedelta(hours=20))
    later = make_event(starts_at=utcnow() + timedelta(days=3))
    confirmed, waiting = make_user().id, make_user().id
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    act(services.sign_up, confirmed, later)
    with app.test_request_context():
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
        db.session.get(Event, event).starts_at = utcnow() + timedelta(hours=22)
        db.session.commit()
        assert services.send_reminders() == 1
        assert db.session.scalar(sa.select(sa.func.count(ReminderSent.id))) == 2
    assert kinds_notified(app, confirmed) == ["event_reminder", "event_reminder"]
    assert kinds_notified(app, waiting) == []


def test_the_remind_command_sends_e_mail_when_smtp_is_configured(
    make_app, make_user, make_event, act, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "blueprints.events.emails.send_mail", lambda to, subject, body: sent.append((to, subject, body))
    )
    app = make_app(SMTP_HOST="smtp.example.com")
    event = make_event(title="Café du jeudi", starts_at=datetime.now(UTC) + timedelta(hours=5))
    person = make_user(language="fr", timezone="Europe/Paris")
    act(services.sign_up, person.id, event)
    result = app.test_cli_runner().invoke(args=["events", "remind"])
    assert result.exit_code == 0 and "1 reminder(s) sent." in result.output
    [(to, subject, body)] = sent
    assert to == person.email and subject == "Rappel : Café du jeudi".replace(" :", "\u00a0:")
    assert "/events/" in body


@pytest.mark.postgres_only
@pytest.mark.parametrize("round_", range(3))
def test_forty_simultaneous_sign_ups_never_exceed_five_seats(app, make_user, make_event, round_):
    """40 threads sign up at the same instant for 5 seats: 5 confirmed, 35 waiting in distinct places."""
    assert ON_POSTGRES
    event = make_event(capacity=5)
    people = [make_user().id for _ in range(40)]
    barrier = threading.Barrier(len(people))
    errors = []

    def sign_up(person_id):
        try:
            with app.test_request_context():
                user = db.session.get(User, person_id)
                db.session.commit()  # give the connection back: 40 threads share a pool of 15
                barrier.wait()
                services.sign_up(user, event)
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    found = statuses(app, event)
    assert sum(status == RegistrationStatus.CONFIRMED for status in found.values()) == 5
    assert sum(status == RegistrationStatus.WAITLISTED for status in found.values()) == 35
    assert sorted(positions(app, event).values()) == list(range(1, 36))


@pytest.mark.sqlite_only
def test_simultaneous_sign_ups_never_exceed_the_seats_on_sqlite(app, make_user, make_event):
    event = make_event(capacity=3)
    people = [make_user().id for _ in range(12)]
    barrier = threading.Barrier(len(people))

    def sign_up(person_id):
        with app.test_request_context():
            user = db.session.get(User, person_id)
            barrier.wait()
            services.sign_up(user, event)
            db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    found = statuses(app, event)
    assert sum(status == RegistrationStatus.CONFIRMED for status in found.values()) == 3
    assert sorted(positions(app, event).values()) == list(range(1, 10))


def test_the_events_page_and_home_run_as_many_queries_with_many_events(
    client, signed_in, make_user, make_event, act, count_queries
):
    person = signed_in()
    for _ in range(2):
        act(services.sign_up, person.id, make_event(capacity=None))

    def add_events():
        for number in range(25):
            event = make_event(capacity=3, title=f"Event {number}")
            act(services.sign_up, make_user().id, event)
            act(services.sign_up, person.id, event)

    before, after = queries_before_and_after(client, count_queries, "/events", add_events)
    assert before == after
    with count_queries() as home:
        client.get("/")
    add_events()
    with count_queries() as home_after:
        client.get("/")
    assert home.count == home_after.count
