"""Events: capacity, waiting list, promotion, editing, attendance, calendars, reminders.

Services are called as cron calls them, in a plain app context (no request).
"""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_datetime
from flask_babel import force_locale
from icalendar import Calendar

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.events import listing, services
from blueprints.events import verbs as events_verbs
from blueprints.events.calendars import calendar_of
from blueprints.events.models import Event, EventStatus, Registration, RegistrationStatus, ReminderSent
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from tests.conftest import ON_POSTGRES, at_the_same_time, htmx_headers, post, queries_before_and_after, text


def first_of_july() -> datetime:
    """08:00 UTC on next year's 1 July: 10:00 in Paris (summer time), 04:00 in Toronto."""
    return datetime(utcnow().year + 1, 7, 1, 8, 0, tzinfo=UTC)


def tenth_of_january() -> datetime:
    """09:00 UTC on next year's 10 January: 10:00 in Paris (winter time)."""
    return datetime(utcnow().year + 1, 1, 10, 9, 0, tzinfo=UTC)


def typed(moment: datetime, hours: int = 0) -> str:
    """What an editor in Paris types in a datetime-local field for a moment (plus some hours)."""
    return (moment + timedelta(hours=hours)).astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")


def event_form(**fields) -> dict:
    """The console editor's fields as a browser posts them, for an hour from 1 July, 10:00 in Paris."""
    return {
        "title": "Social café",
        "kind": "social_cafe",
        "language": "fr",
        "place": "Paris, 3rd floor",
        "starts_at": typed(first_of_july()),
        "ends_at": typed(first_of_july(), hours=1),
        "capacity": "2",
        **fields,
    }


@pytest.fixture
def act(app):
    """Run a service as a person, in its own plain app context; returns a plain result."""

    def run(service, user_id, *args, **kwargs):
        with app.app_context():
            user = db.session.get(User, user_id)
            result = service(user, *args, **kwargs)
            if isinstance(result, Registration):
                return result.status, result.id
            return result

    return run


def changes_of(app, event_id: int, **fields) -> services.EventChanges:
    """An event's current values as an edit, with some of them changed."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        current = services.EventChanges(
            title=event.title,
            description=event.description,
            kind=event.kind,
            language=event.language,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            place=event.place,
            online_url=event.online_url,
            capacity=event.capacity,
            target_personae=list(event.target_personae),
        )
    return replace(current, **fields)


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
        return list(
            db.session.scalars(
                sa.select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        )


def verbs_logged(app, object_id: int | None = None) -> list[str]:
    """The activity verbs in order, for one event or all of them."""
    with app.app_context():
        query = sa.select(Activity.verb).order_by(Activity.id)
        if object_id is not None:
            query = query.where(Activity.object_type == "event", Activity.object_id == object_id)
        return list(db.session.scalars(query))


def event_row(app, event_id) -> tuple:
    """What an edit may change, plus its calendar sequence."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        return (event.title, event.place, event.starts_at, event.ends_at, event.capacity, event.sequence)


def move_to_the_past(app, event_id):
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
        db.session.commit()


def registration_of(app, user_id) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Registration.id).where(Registration.user_id == user_id))


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


def kept_and_counted(app, event_id: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The event's seats as it keeps them, and as its registrations count them afresh."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        live = services.seats(event_id)
        return (event.confirmed_count, event.waiting_count), (live.confirmed, live.waiting)


def test_an_event_keeps_its_seat_counts_through_every_registration_change(app, make_user, make_event, act):
    event = make_event(capacity=1)
    people = [make_user().id for _ in range(4)]
    editor = make_user(Role.COMMS).id

    def more_seats():
        with app.app_context():
            services.update_event(db.session.get(User, editor), event, changes_of(app, event, capacity=3))

    steps = [
        (lambda: act(services.sign_up, people[0], event), (1, 0)),
        (lambda: act(services.sign_up, people[0], event), (1, 0)),  # a double click
        (lambda: act(services.sign_up, people[1], event), (1, 1)),
        (lambda: act(services.sign_up, people[2], event), (1, 2)),
        (lambda: act(services.cancel_registration, people[2], event), (1, 1)),  # waiting: nobody promoted
        (lambda: act(services.cancel_registration, people[0], event, give_up_seat=True), (1, 0)),  # promoted
        (lambda: act(services.sign_up, people[3], event), (1, 1)),
        (more_seats, (2, 0)),  # more seats: the line moves up
        (lambda: act(services.cancel_registration, people[1], event), (1, 0)),
    ]
    for step, expected in steps:
        step()
        kept, counted = kept_and_counted(app, event)
        assert kept == counted == expected


def test_an_events_page_reads_its_seats_and_the_persons_registration_in_one_query(
    app, one_seat_two_waiting, make_user, act, count_queries
):
    event, holder, first, _second = one_seat_two_waiting
    act(services.cancel_registration, first, event)  # cancelled: no longer theirs
    stranger = make_user().id
    with app.app_context():
        found = db.session.get(Event, event)
        with count_queries() as counter:
            seats, held = services.seats_and_registration(holder, found)
        assert counter.count == 1
        assert (seats.confirmed, seats.waiting, seats.capacity) == (1, 1, 1)
        assert (held.user_id, held.status) == (holder, RegistrationStatus.CONFIRMED)
        assert services.seats_and_registration(first, found)[1] is None
        assert services.seats_and_registration(stranger, found) == (seats, None)


def test_the_events_list_reads_each_events_seats_and_the_persons_registration_in_one_query(
    app, one_seat_two_waiting, make_event, act, count_queries
):
    event, _holder, first, second = one_seat_two_waiting
    act(services.cancel_registration, second, event)  # cancelled: neither counted nor theirs
    other = make_event(capacity=None)
    act(services.sign_up, second, other)
    act(services.sign_up, first, other)
    with app.test_request_context():
        person = db.session.get(User, second)
        with count_queries() as counter:
            found = listing.events_for(person, utcnow())
        assert counter.count == 2  # the events with their seats and theirs; the latest quiz result
        # The seats are those the events keep: no registration is counted, whatever their number.
        assert "count(" not in counter.statements[0]
        shown = {
            listed.event.id: (
                listed.seats.confirmed,
                listed.seats.waiting,
                listed.seats.capacity,
                listed.mine,
            )
            for listed in found.suggested + found.others
        }
    assert shown == {event: (1, 1, 1, None), other: (2, 0, None, RegistrationStatus.CONFIRMED)}


def test_cancelling_promotes_the_first_in_line_who_is_told_once(app, one_seat_two_waiting, act):
    event, holder, first, second = one_seat_two_waiting
    act(services.cancel_registration, holder, event, give_up_seat=True)
    assert statuses(app, event) == {
        first: RegistrationStatus.CONFIRMED,
        second: RegistrationStatus.WAITLISTED,
    }
    assert positions(app, event) == {second: 1}
    assert kinds_notified(app, first) == ["event_waitlisted", "event_promoted"]
    assert kinds_notified(app, second) == ["event_waitlisted"]


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
    assert positions(app, event) == {holder: 1}


def test_no_sign_up_after_the_start_nor_for_a_cancelled_event(app, make_user, make_event, act):
    started = make_event(starts_at=utcnow() - timedelta(minutes=5))
    cancelled = make_event(status=EventStatus.CANCELLED)
    person = make_user().id
    with app.app_context(), force_locale("en"):
        user = db.session.get(User, person)
        with pytest.raises(services.EventError, match=r"^This event has started: sign-up is closed\.$"):
            services.sign_up(user, started)
        with pytest.raises(services.EventError, match=r"^This event has been cancelled\.$"):
            services.sign_up(user, cancelled)
    assert statuses(app, started) == {}
    assert statuses(app, cancelled) == {}


def test_no_promotion_after_the_start(app, make_user, make_event, act):
    event = make_event(capacity=1, starts_at=utcnow() + timedelta(hours=1))
    holder, waiting = make_user().id, make_user().id
    act(services.sign_up, holder, event)
    act(services.sign_up, waiting, event)
    act(services.cancel_registration, holder, event, now=utcnow() + timedelta(hours=2))
    assert statuses(app, event) == {waiting: RegistrationStatus.WAITLISTED}


def test_an_empty_capacity_means_unlimited(app, make_user, make_event, act):
    event = make_event(capacity=None)
    assert [act(services.sign_up, make_user().id, event)[0] for _ in range(12)] == [
        RegistrationStatus.CONFIRMED
    ] * 12


def test_raising_capacity_promotes_first_come_and_lowering_below_confirmed_is_refused(
    app, make_user, make_event, act
):
    event = make_event(capacity=1)
    people = [make_user().id for _ in range(4)]
    for person in people:
        act(services.sign_up, person, event)
    editor = make_user(Role.COMMS).id
    with app.app_context():
        comms = db.session.get(User, editor)
        assert services.update_event(comms, event, changes_of(app, event, capacity=3)).promoted == 2
        with pytest.raises(
            services.CapacityRefused, match=r"^3 personnes sont déjà confirmées\u00a0: la capacité"
        ):
            services.update_event(comms, event, changes_of(app, event, capacity=2))
        assert services.update_event(comms, event, changes_of(app, event, capacity=3)).promoted == 0
    assert statuses(app, event) == {
        people[0]: RegistrationStatus.CONFIRMED,
        people[1]: RegistrationStatus.CONFIRMED,
        people[2]: RegistrationStatus.CONFIRMED,
        people[3]: RegistrationStatus.WAITLISTED,
    }
    assert [kinds_notified(app, person) for person in people] == [
        [],
        ["event_waitlisted", "event_promoted"],
        ["event_waitlisted", "event_promoted"],
        ["event_waitlisted"],
    ]
    outcome = act(services.update_event, editor, event, changes_of(app, event, capacity=None))
    assert outcome.promoted == 1  # unlimited: everyone waiting gets a seat
    assert set(statuses(app, event).values()) == {RegistrationStatus.CONFIRMED}


def test_an_update_refused_for_its_capacity_changes_nothing(app, make_user, make_event, act):
    event = make_event(capacity=2)
    for _ in range(3):
        act(services.sign_up, make_user().id, event)
    before = event_row(app, event)
    moved = before[2] + timedelta(days=1)
    edit = changes_of(
        app,
        event,
        title="New name",
        place="Lyon",
        starts_at=moved,
        ends_at=moved + timedelta(hours=1),
        capacity=1,
    )
    with pytest.raises(services.CapacityRefused):
        act(services.update_event, make_user(Role.COMMS).id, event, edit)
    assert event_row(app, event) == before
    assert verbs_logged(app, event) == [events_verbs.EVENT_REGISTERED] * 2 + [events_verbs.EVENT_WAITLISTED]
    with app.app_context():  # only the waiting person's place in line, told when they joined
        assert db.session.scalars(sa.select(Notification.kind)).all() == ["event_waitlisted"]


def test_an_event_created_then_edited_through_the_console(client, signed_in, app):
    organiser = signed_in(Role.COMMS)
    july = first_of_july()
    form = event_form(
        title="Café des ambassadeurs",
        description="Bring a colleague.",
        kind="webinar",
        language="en",
        place="",
        online_url="https://meet.example.com/cafe",
        capacity="",
        target_personae=["helper", "insider"],
    )
    response = post(client, "/admin/events/new", form)
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        assert (
            event.title,
            event.description,
            event.kind,
            event.language,
            event.place,
            event.online_url,
            event.capacity,
            event.target_personae,
            event.organiser_id,
            event.sequence,
        ) == (
            "Café des ambassadeurs",
            "Bring a colleague.",
            "webinar",
            "en",
            "",
            "https://meet.example.com/cafe",
            None,
            ["helper", "insider"],
            organiser.id,
            0,
        )
        assert (event.starts_at, event.ends_at) == (july, july + timedelta(hours=1))  # typed in Paris
        event_id = event.id
    assert response.headers["Location"] == f"/admin/events/{event_id}"
    assert "« Café des ambassadeurs » est programmé." in text(client.get(response.headers["Location"]))
    assert verbs_logged(app, event_id) == [events_verbs.EVENT_CREATED]

    editor = client.get(f"/admin/events/{event_id}/edit").get_data(as_text=True)
    assert f'value="{typed(july)}"' in editor  # shown in the editor's time zone again
    assert f'value="{typed(july, hours=1)}"' in editor
    assert re.findall(r'<input checked [^>]*value="(\w+)"', editor) == ["helper", "insider"]
    response = post(
        client,
        f"/admin/events/{event_id}/edit",
        {**form, "title": "Café des ambassadrices", "capacity": "12"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/events/{event_id}"
    assert "« Café des ambassadrices » est enregistré." in text(client.get(response.headers["Location"]))
    assert event_row(app, event_id) == (
        "Café des ambassadrices",
        "",
        july,
        july + timedelta(hours=1),
        12,
        0,  # same time and place: calendars keep their copy
    )
    assert verbs_logged(app, event_id) == [events_verbs.EVENT_CREATED, events_verbs.EVENT_UPDATED]


def test_an_edit_with_a_refused_capacity_leaves_the_whole_event_unchanged(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event(capacity=3)
    registrants = [make_user().id for _ in range(2)]
    for person in registrants:
        act(services.sign_up, person, event)
    before = event_row(app, event)
    signed_in(Role.COMMS)
    assert client.get(f"/admin/events/{event}/edit").status_code == 200
    winter = tenth_of_january()
    response = post(
        client,
        f"/admin/events/{event}/edit",
        event_form(
            title="Social café, new name",
            place="Lyon",
            starts_at=typed(winter),
            ends_at=typed(winter, hours=1),
            capacity="1",
        ),
    )
    assert response.status_code == 422
    [error] = re.findall(r'<p class="field-error" id="(\w+)-error">([^<]*)</p>', text(response))
    assert error == (
        "capacity",
        "2 personnes sont déjà confirmées : la capacité ne peut pas descendre en dessous. "
        "Demandez d'abord à certaines d'annuler.",
    )
    assert 'value="Social café, new name"' in text(response)  # the editor keeps what was typed
    assert event_row(app, event) == before
    assert verbs_logged(app, event) == [events_verbs.EVENT_REGISTERED] * 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_a_cancelled_event_that_moves_tells_nobody(app, make_user, make_event, act):
    event = make_event(status=EventStatus.CANCELLED)
    person, editor = make_user().id, make_user(Role.COMMS).id
    with app.app_context():
        db.session.add(Registration(event_id=event, user_id=person, status=RegistrationStatus.CONFIRMED))
        db.session.commit()
    outcome = act(services.update_event, editor, event, changes_of(app, event, place="Lyon"))
    assert (outcome.told, outcome.promoted) == (0, 0)
    _title, place, *_, sequence = event_row(app, event)
    assert (place, sequence) == ("Lyon", 1)
    assert kinds_notified(app, person) == []


def test_locked_event_refuses_pending_changes_and_ends_a_read_only_transaction(app, make_event):
    event = make_event(title="Before")
    with app.app_context():
        db.session.get(Event, event).title = "Pending"
        with pytest.raises(RuntimeError, match="pending changes"):
            services.locked_event(event)
        db.session.rollback()
        db.session.add(Event(title="New", kind="talk", language="en", starts_at=utcnow(), ends_at=utcnow()))
        with pytest.raises(RuntimeError, match="pending changes"):
            services.locked_event(event)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1  # a read-only transaction
        assert services.locked_event(event).title == "Before"
        db.session.rollback()
    with app.app_context():
        assert db.session.scalars(sa.select(Event.title)).all() == ["Before"]


def test_attendance_is_recorded_and_undone_in_the_activity_log(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event()
    person = make_user().id
    act(services.sign_up, person, event)
    move_to_the_past(app, event)
    signed_in(Role.COMMS)
    registration = registration_of(app, person)
    response = client.post(
        f"/admin/events/{event}/attendance/{registration}",
        data={"attended": "1"},
        headers=htmx_headers(client),
    )
    assert response.status_code == 200
    assert 'name="present" checked' in response.get_data(as_text=True)
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
    waiting = make_user().id
    act(services.sign_up, waiting, event)
    signed_in(Role.COMMS)
    move_to_the_past(app, event)
    response = post(
        client, f"/admin/events/{event}/attendance/{registration_of(app, waiting)}", {"attended": "1"}
    )
    assert response.headers["Location"] == f"/admin/events/{event}"
    assert "Seules les personnes confirmées" in text(client.get(response.headers["Location"]))
    assert attendance_entries(app) == []


def test_a_registration_of_another_event_is_not_found(client, signed_in, make_user, make_event, act, app):
    event, other = make_event(), make_event()
    person = make_user().id
    act(services.sign_up, person, other)
    signed_in(Role.COMMS)
    registration = registration_of(app, person)
    assert (
        post(client, f"/admin/events/{event}/attendance/{registration}", {"attended": "1"}).status_code == 404
    )


def attendance_entries(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Activity.verb).where(Activity.verb == events_verbs.EVENT_ATTENDED))
        )


def test_the_attendance_sheet_opens_when_the_event_starts_and_not_for_a_cancelled_one(
    client, signed_in, make_user, make_event, act, app
):
    event = make_event()
    person = make_user().id
    act(services.sign_up, person, event)
    signed_in(Role.COMMS, language="en")
    registration = registration_of(app, person)
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
    person = make_user().id
    act(services.sign_up, person, event)
    move_to_the_past(app, event)
    signed_in()
    registration = registration_of(app, person)
    assert post(client, f"/admin/events/{event}/cancel").status_code == 403
    assert (
        post(client, f"/admin/events/{event}/attendance/{registration}", {"attended": "1"}).status_code == 403
    )
    assert post(client, f"/admin/events/{event}/edit", event_form(title="Mine now")).status_code == 403
    assert event_row(app, event)[0] == "Social café"
    with app.app_context():
        assert db.session.get(Event, event).status == EventStatus.SCHEDULED
    assert attendance_entries(app) == []


def test_cancelling_an_event_tells_everyone_registered(client, signed_in, make_user, make_event, act, app):
    event = make_event(capacity=1)
    confirmed, waiting = make_user().id, make_user().id
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    signed_in(Role.COMMS)
    response = post(client, f"/admin/events/{event}/cancel")
    assert "« Social café » est annulé ; 2 personnes inscrites ont été prévenues." in text(
        client.get(response.headers["Location"])
    )
    assert kinds_notified(app, confirmed) == ["event_cancelled"]
    assert kinds_notified(app, waiting) == ["event_waitlisted", "event_cancelled"]
    response = post(client, f"/admin/events/{event}/cancel")
    assert "Cet événement est déjà annulé." in text(client.get(response.headers["Location"]))
    assert kinds_notified(app, confirmed) == ["event_cancelled"]


def test_sign_up_and_cancel_through_the_page_by_htmx_and_by_form(client, signed_in, make_event, app):
    event = make_event(capacity=1)
    person = signed_in()
    response = client.post(f"/events/{event}/register", headers=htmx_headers(client))
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert '<p class="flash flash--success">Vous êtes inscrit·e. À bientôt !</p>' in text(response)
    assert "Complet" in text(response)
    assert statuses(app, event) == {person.id: RegistrationStatus.CONFIRMED}
    plain = post(client, f"/events/{event}/cancel")
    assert plain.status_code == 303 and plain.headers["Location"] == f"/events/{event}"
    assert "Votre inscription est annulée." in text(client.get(plain.headers["Location"]))
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
    act(services.mark_attendance, waiting.id, registration_of(app, present.id), True)
    auth.logout()
    auth.login(present.email)
    assert "You were there. Thank you for taking part!" in text(client.get(f"/events/{event}"))
    assert '<span class="status status--published">Registered</span>' in text(client.get("/events?when=past"))


def test_times_are_shown_in_the_viewers_time_zone(client, signed_in, make_event, auth):
    july = first_of_july()
    event = make_event(starts_at=july)
    signed_in(timezone="Europe/Paris")
    assert f"1 juil. {july.year} à 10:00" in text(client.get(f"/events/{event}"))
    auth.logout()
    signed_in(timezone="America/Toronto", language="en")
    assert f"Jul 1, {july.year}, 4:00\u202fAM" in client.get(f"/events/{event}").get_data(as_text=True)


def parse_calendar(body: bytes):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_ics_of_an_event_has_a_stable_uid_and_its_sequence_follows_changes(
    client, signed_in, make_event, app
):
    july = first_of_july()
    event = make_event(starts_at=july)
    signed_in(Role.COMMS)
    response = client.get(f"/events/{event}.ics")
    assert response.mimetype == "text/calendar"
    [component] = parse_calendar(response.data)
    assert str(component["UID"]) == f"event-{event}@porte-voix"
    assert str(component["URL"]) == f"http://127.0.0.1:5000/events/{event}"
    assert component.decoded("DTSTART") == july
    assert (int(component["SEQUENCE"]), str(component["STATUS"])) == (0, "CONFIRMED")
    form = event_form(place="Lyon", starts_at=typed(july, hours=1), ends_at=typed(july, hours=2))
    assert post(client, f"/admin/events/{event}/edit", form).status_code == 303
    [moved] = parse_calendar(client.get(f"/events/{event}.ics").data)
    assert str(moved["UID"]) == f"event-{event}@porte-voix"
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == july + timedelta(hours=1)  # 11:00 in Paris
    post(client, f"/admin/events/{event}/cancel")
    [cancelled] = parse_calendar(client.get(f"/events/{event}.ics").data)
    assert (int(cancelled["SEQUENCE"]), str(cancelled["STATUS"])) == (2, "CANCELLED")


def test_registrants_are_told_when_time_or_place_changes_but_not_for_a_new_title(
    client, signed_in, make_event, make_user, act, app
):
    july = first_of_july()
    event = make_event(capacity=1, starts_at=july)
    confirmed, waiting, gone = (make_user().id for _ in range(3))
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    act(services.sign_up, gone, event)
    act(services.cancel_registration, gone, event)
    signed_in(Role.COMMS)
    form = event_form(capacity="1")
    post(client, f"/admin/events/{event}/edit", {**form, "title": "Social café, new name"})
    assert [kinds_notified(app, person) for person in (confirmed, waiting)] == [[], ["event_waitlisted"]]
    response = post(client, f"/admin/events/{event}/edit", {**form, "place": "Lyon"})
    assert "2 personnes inscrites ont été prévenues" in text(client.get(response.headers["Location"]))
    assert [kinds_notified(app, person) for person in (confirmed, waiting, gone)] == [
        ["event_changed"],
        ["event_waitlisted", "event_changed"],
        ["event_waitlisted"],
    ]
    with app.app_context(), force_locale("fr"):
        notice = db.session.scalar(
            sa.select(Notification).where(
                Notification.user_id == waiting, Notification.kind == "event_changed"
            )
        )
        assert (notice.link_endpoint, notice.link_values) == ("events.detail", {"event_id": event})
        assert message_text(notice).replace("\u00a0", " ") == (
            "Le lieu ou l'horaire de « Social café » a changé : "
            f"il commence désormais le 1 juil. {july.year} à 10:00. Voyez les détails."
        )


def test_the_private_calendar_feed_lists_the_persons_events_and_can_be_renewed(
    client, signed_in, make_event, auth, app
):
    person = signed_in()
    mine = make_event(title="Mine")
    make_event(title="Other")
    post(client, f"/events/{mine}/register")
    response = post(client, "/events/calendar/renew")
    assert response.headers["Location"] == "/events"
    with app.app_context():
        token = db.session.get(User, person.id).calendar_token
    assert len(token) == 32
    assert f"<code>http://127.0.0.1:5000/calendar/{token}.ics</code>" in text(client.get("/events"))
    auth.logout()
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert [str(c["SUMMARY"]) for c in parse_calendar(feed.data)] == ["Mine"]
    auth.login(person.email)
    post(client, "/events/calendar/renew")
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_calendars_are_built_and_tokens_renewed_in_a_plain_app_context(make_app, make_user, make_event, act):
    app = make_app(SITE_URL="https://intranet.example.com/porte-voix")
    person = make_user().id
    event = make_event(title="Mine")
    act(services.sign_up, person, event)
    act(services.renew_calendar_token, person)
    with app.app_context():
        user = db.session.get(User, person)
        assert listing.person_with_calendar_token(user.calendar_token) == user
        [component] = parse_calendar(calendar_of(listing.calendar_events(user), "Porte-voix"))
    assert str(component["URL"]) == f"https://intranet.example.com/porte-voix/events/{event}"


def test_reminders_go_once_to_confirmed_people_and_follow_a_moved_start(app, make_user, make_event, act):
    event = make_event(capacity=1, starts_at=utcnow() + timedelta(hours=20))
    make_event(starts_at=utcnow() + timedelta(days=3))
    confirmed, waiting = make_user().id, make_user().id
    act(services.sign_up, confirmed, event)
    act(services.sign_up, waiting, event)
    with app.app_context():
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
        db.session.get(Event, event).starts_at = utcnow() + timedelta(hours=22)
        db.session.commit()
        assert services.send_reminders() == 1
        assert db.session.scalar(sa.select(sa.func.count(ReminderSent.id))) == 2
    assert kinds_notified(app, confirmed) == ["event_reminder", "event_reminder"]
    assert kinds_notified(app, waiting) == ["event_waitlisted"]


def test_reminder_e_mails_are_written_in_a_plain_app_context(
    make_app, make_user, make_event, act, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "blueprints.events.emails.send_mail", lambda to, subject, body: sent.append((to, subject, body))
    )
    app = make_app(SMTP_HOST="smtp.example.com", SITE_URL="https://intranet.example.com/porte-voix")
    starts = (utcnow() + timedelta(hours=5)).replace(second=0, microsecond=0)
    event = make_event(title="Coffee on Thursday", starts_at=starts, place="Lyon")
    person = make_user(language="en", timezone="America/Toronto", display_name="Ada Lovelace")
    act(services.sign_up, person.id, event)
    with app.app_context():
        assert services.send_reminders() == 1
    [(to, subject, body)] = sent
    when = format_datetime(starts, "medium", tzinfo=ZoneInfo("America/Toronto"), locale="en")
    assert (to, subject) == (person.email, "Reminder: Coffee on Thursday")
    assert f"Hello Ada,\n\nA reminder: “Coffee on Thursday” starts {when} (Toronto time).\n" in body
    assert "Place: Lyon" in body
    assert (
        f"(it frees your seat for a colleague): https://intranet.example.com/porte-voix/events/{event}\n"
        in body
    )


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
    assert result.exit_code == 0 and result.output == "1 reminder(s) sent.\n"
    [(to, subject, body)] = sent
    assert to == person.email and subject == "Rappel\u00a0: Café du jeudi"
    assert f": http://127.0.0.1:5000/events/{event}\n" in body


@pytest.mark.postgres_only
@pytest.mark.parametrize("round_", range(3))
def test_forty_simultaneous_sign_ups_never_exceed_five_seats(app, make_user, make_event, round_):
    """40 threads sign up at the same instant for 5 seats: 5 confirmed, 35 waiting in distinct places."""
    assert ON_POSTGRES
    event = make_event(capacity=5)
    people = [make_user().id for _ in range(40)]

    def sign_up(number: int) -> None:  # 40 threads share a pool of 15 connections
        services.sign_up(db.session.get(User, people[number]), event)

    assert at_the_same_time(app, sign_up, len(people)) == []
    found = statuses(app, event)
    assert sum(status == RegistrationStatus.CONFIRMED for status in found.values()) == 5
    assert sum(status == RegistrationStatus.WAITLISTED for status in found.values()) == 35
    assert sorted(positions(app, event).values()) == list(range(1, 36))
    assert kept_and_counted(app, event) == ((5, 35), (5, 35))  # each sign-up counted once


@pytest.mark.sqlite_only
def test_simultaneous_sign_ups_never_exceed_the_seats_on_sqlite(app, make_user, make_event):
    event = make_event(capacity=3)
    people = [make_user().id for _ in range(12)]

    def sign_up(number: int) -> None:
        services.sign_up(db.session.get(User, people[number]), event)

    assert at_the_same_time(app, sign_up, len(people)) == []
    found = statuses(app, event)
    assert sum(status == RegistrationStatus.CONFIRMED for status in found.values()) == 3
    assert sorted(positions(app, event).values()) == list(range(1, 10))
    assert kept_and_counted(app, event) == ((3, 9), (3, 9))  # each sign-up counted once


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
