"""The rules of events, one function per action: create and edit an event (its capacity too),
sign up with a first-come waiting list, cancel and promote, take attendance, cancel an event,
renew a calendar address, send reminders.

Each action is one unit of work: it commits, or rolls everything back and raises EventError,
so a refused change leaves nothing changed. None needs an HTTP context: cron and tests call
them in a plain app context.

Every change of who holds a seat runs under a lock on the event, taken before reading the
seats: a row lock on PostgreSQL, the database's write lock (BEGIN IMMEDIATE) on SQLite. So
capacity holds however many people sign up at the same instant.
"""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import lru_cache
from operator import attrgetter

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from base.database import begin_locked_transaction, db, locked_row, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.i18n import lazy_ngettext
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.events import verbs
from blueprints.events.emails import email_reminder
from blueprints.events.models import (
    ACTIVE,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    ReminderSent,
)
from blueprints.notifications.services import notify

REMINDER_BEFORE = timedelta(hours=24)
REMINDER_KIND = "24h"
TIME_AND_PLACE = attrgetter("starts_at", "ends_at", "place", "online_url")


class EventError(Exception):
    """A refused change, with a message for the person."""


class SeatWouldGoToNext(EventError):
    """Giving up a seat that the first in line takes at once: the person must say so (nothing changed)."""

    def __init__(self, waiting: int):
        self.waiting = waiting
        super().__init__(_l("Someone is waiting for your seat: confirm that you give it up."))


class CapacityRefused(EventError):
    """A capacity below the people already confirmed (the editor shows it on the capacity field)."""

    def __init__(self, confirmed: int):
        super().__init__(
            lazy_ngettext(
                "%(num)s person is already confirmed: the capacity cannot go below that. Ask them to cancel first.",
                "%(num)s people are already confirmed: the capacity cannot go below that. Ask some of them to cancel first.",
                confirmed,
            )
        )


@dataclass
class Seats:
    confirmed: int
    waiting: int
    capacity: int | None

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


@dataclass
class EventChanges:
    """What an editor sets on an event; times are aware UTC moments."""

    title: str
    description: str
    kind: str
    language: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str | None
    capacity: int | None  # None: unlimited
    target_personae: list[str]

    def moves(self, event: Event) -> bool:
        """Whether the time or place changes: calendars and registrants must hear of it."""
        return TIME_AND_PLACE(self) != TIME_AND_PLACE(event)

    def apply_to(self, event: Event) -> None:
        for field in fields(self):
            setattr(event, field.name, getattr(self, field.name))


@dataclass
class UpdateOutcome:
    event: Event
    promoted: int  # people given a seat from the waiting list, and told
    told: int  # registrants told of the new time or place


def locked_event(event_id: int) -> Event | None:
    """Start a transaction that holds the event's lock until commit or rollback."""
    begin_locked_transaction("locked_event()")
    return locked_row(Event, event_id)


def event_link(event: Event) -> tuple[str, dict]:
    """The event's page, as notifications store it."""
    return "events.detail", {"event_id": event.id}


def seats(event_id: int) -> Seats:
    """The event's seats counted afresh from its registrations (under the lock, where places are
    given: the counts kept on the event are for showing)."""
    event = db.session.get(Event, event_id)
    counts = dict(db.session.execute(_seats_statement(), {"event": event_id}).all())
    return Seats(
        counts.get(RegistrationStatus.CONFIRMED, 0),
        counts.get(RegistrationStatus.WAITLISTED, 0),
        event.capacity,
    )


@lru_cache(maxsize=1)
def _seats_statement() -> sa.Select:
    """An event's active registrations counted by state, built once (the event is a parameter)."""
    return (
        sa.select(Registration.status, sa.func.count(Registration.id))
        .where(
            Registration.event_id == sa.bindparam("event", type_=sa.Integer), Registration.status.in_(ACTIVE)
        )
        .group_by(Registration.status)
    )


def seats_on(event: Event) -> Seats:
    """The event's seats as the event keeps them (lists and pages show these)."""
    return Seats(event.confirmed_count, event.waiting_count, event.capacity)


def seats_and_registration(user_id: int, event: Event) -> tuple[Seats, Registration | None]:
    """The event's seats and the person's active registration, in one query (its page)."""
    return seats_on(event), active_registration(user_id, event.id)


def active_registration(user_id: int, event_id: int) -> Registration | None:
    return db.session.scalar(_active_registration_statement(), {"person": user_id, "event": event_id})


@lru_cache(maxsize=1)
def _active_registration_statement() -> sa.Select:
    """A person's active registration at an event, built once (both are parameters)."""
    return sa.select(Registration).where(
        Registration.user_id == sa.bindparam("person", type_=sa.Integer),
        Registration.event_id == sa.bindparam("event", type_=sa.Integer),
        Registration.status.in_(ACTIVE),
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first in line: order of joining the list, then id."""
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            sa.or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                sa.and_(
                    Registration.waitlisted_at == registration.waitlisted_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return ahead + 1


def create_event(organiser: User, changes: EventChanges) -> Event:
    """Schedule a new event, organised by the person who creates it."""
    event = Event(organiser_id=organiser.id)
    changes.apply_to(event)
    with unit_of_work():
        db.session.add(event)
        db.session.flush()
        record(organiser, verbs.EVENT_CREATED, "event", event.id)
    return event


def update_event(
    editor: User, event_id: int, changes: EventChanges, now: datetime | None = None
) -> UpdateOutcome:
    """Save an edit, all or nothing, under the event's lock.

    The capacity never goes below the people confirmed (CapacityRefused); raising it gives
    seats to the waiting list. A new time or place bumps the calendar sequence and, for an
    upcoming event still on, is announced to everyone registered.
    """
    now = now or utcnow()
    event = locked_event(event_id)
    with unit_of_work():
        confirmed = seats(event.id).confirmed
        if changes.capacity is not None and changes.capacity < confirmed:
            raise CapacityRefused(confirmed)
        moved = changes.moves(event)
        changes.apply_to(event)
        if moved:
            event.sequence += 1  # calendars update their copy
        record(editor, verbs.EVENT_UPDATED, "event", event.id)
        promoted = promote(event, now)
        told = 0
        if moved and not event.is_cancelled and not event.has_started(now):
            told = _notify_registrants(
                event, "event_changed", {"title": event.title, "starts_at": event.starts_at.isoformat()}
            )
    return UpdateOutcome(event, len(promoted), told)


def sign_up(user: User, event_id: int, now: datetime | None = None) -> Registration:
    """A confirmed seat if one is left, else a place on the waiting list; the existing one if any."""
    now = now or utcnow()
    event = locked_event(event_id)
    try:
        with unit_of_work():
            if event is None or event.is_cancelled:
                raise EventError(_l("This event has been cancelled."))
            if event.has_started(now):
                raise EventError(_l("This event has started: sign-up is closed."))
            registration = active_registration(user.id, event.id) or _register(user, event, now)
    except IntegrityError:  # a double click: the other click registered first
        return active_registration(user.id, event_id)
    return registration


def _register(user: User, event: Event, now: datetime) -> Registration:
    confirmed = not seats(event.id).full
    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
        created_at=now,
        confirmed_at=now if confirmed else None,
        waitlisted_at=None if confirmed else now,
    )
    db.session.add(registration)
    db.session.flush()
    record(user, verbs.EVENT_REGISTERED if confirmed else verbs.EVENT_WAITLISTED, "event", event.id, at=now)
    if not confirmed:  # tell the person their place in line (a seat is announced when it frees up)
        notify(
            user,
            "event_waitlisted",
            {"title": event.title, "position": waiting_position(registration)},
            link=event_link(event),
        )
    return registration


def cancel_registration(
    user: User, event_id: int, now: datetime | None = None, *, give_up_seat: bool = False
) -> None:
    """Give up one's seat or place in line; a freed seat goes to the first in line, before the start.

    A confirmed seat that someone is waiting for is gone for good once given up, so the person
    must confirm it (``give_up_seat``): else SeatWouldGoToNext, and nothing changes. Checked
    under the lock, so a waiting list that forms meanwhile is not missed.
    """
    now = now or utcnow()
    event = locked_event(event_id)
    with unit_of_work():
        registration = active_registration(user.id, event_id) if event else None
        if registration is None:
            raise EventError(_l("You are not registered for this event."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        if was_confirmed and not give_up_seat and not event.has_started(now):
            waiting = seats(event.id).waiting
            if waiting:
                raise SeatWouldGoToNext(waiting)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        record(user, verbs.EVENT_REGISTRATION_CANCELLED, "event", event_id, at=now)
        if was_confirmed:
            promote(event, now)


def promote(event: Event, now: datetime) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served (the caller holds the lock)."""
    if event.is_cancelled or event.has_started(now):
        return []
    free = seats(event.id).left
    line = (
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    if free is not None:
        line = line.limit(free)
    promoted = list(db.session.scalars(line))
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        record(registration.user, verbs.EVENT_PROMOTED, "event", event.id, at=now)
        notify(
            registration.user,
            "event_promoted",
            {"title": event.title},
            link=event_link(event),
        )
    return promoted


def cancel_event(organiser: User, event_id: int) -> int:
    """Cancel the event and tell everyone registered; how many were told."""
    event = locked_event(event_id)
    with unit_of_work():
        if event.is_cancelled:
            raise EventError(_l("This event is already cancelled."))
        event.status = EventStatus.CANCELLED
        event.sequence += 1
        told = _notify_registrants(event, "event_cancelled", {"title": event.title})
        record(organiser, verbs.EVENT_CANCELLED, "event", event.id)
    return told


def _notify_registrants(event: Event, kind: str, params: dict) -> int:
    """Notify the confirmed and the waiting people of an event (one query for them all)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
        .options(joinedload(Registration.user))
    ).all()
    for registration in registrations:
        notify(registration.user, kind, params, link=event_link(event))
    return len(registrations)


def mark_attendance(
    organiser: User, registration_id: int, attended: bool, now: datetime | None = None
) -> Registration:
    """Tick or untick a confirmed person's attendance once the event has started; each change is
    in the activity log (attendance earns recognition, so it cannot be given in advance)."""
    with unit_of_work():
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.status != RegistrationStatus.CONFIRMED:
            raise EventError(_l("Only confirmed people can be marked as present."))
        if registration.event.is_cancelled:
            raise EventError(_l("This event was cancelled: there is no attendance to take."))
        if not registration.event.has_started(now or utcnow()):
            raise EventError(_l("The attendance sheet opens when the event starts."))
        if registration.attended != attended:
            registration.attended = attended
            verb = verbs.EVENT_ATTENDED if attended else verbs.EVENT_ATTENDANCE_REMOVED
            record(registration.user, verb, "event", registration.event_id, {"by": organiser.id})
    return registration


def mark_all_present(organiser: User, event_id: int, now: datetime | None = None) -> int:
    """Tick every confirmed person not yet marked, in one unit of work; each one is logged as a
    single tick is. How many were marked."""
    with unit_of_work():
        event = db.session.get(Event, event_id)
        if event is None or event.is_cancelled:
            raise EventError(_l("This event was cancelled: there is no attendance to take."))
        if not event.has_started(now or utcnow()):
            raise EventError(_l("The attendance sheet opens when the event starts."))
        unmarked = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                ~Registration.attended,
            )
            .options(joinedload(Registration.user))
            .order_by(Registration.id)
        ).all()
        for registration in unmarked:
            registration.attended = True
            record(registration.user, verbs.EVENT_ATTENDED, "event", event.id, {"by": organiser.id})
    return len(unmarked)


def renew_calendar_token(user: User) -> None:
    """A new secret address for the person's calendar feed: the old one stops working."""
    with unit_of_work():
        user.calendar_token = secrets.token_urlsafe(24)


def send_reminders(now: datetime | None = None) -> int:
    """Remind each confirmed person once, 24 hours before the start (again if the event moves)."""
    now = now or utcnow()
    due = db.session.execute(
        sa.select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(
            ReminderSent,
            sa.and_(
                ReminderSent.registration_id == Registration.id,
                ReminderSent.kind == REMINDER_KIND,
                ReminderSent.starts_at == Event.starts_at,
            ),
        )
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Event.status == EventStatus.SCHEDULED,
            ~Event.has_started(now),
            Event.has_started(now + REMINDER_BEFORE),  # starts within the next 24 hours
            ReminderSent.id.is_(None),
        )
    ).all()
    sent = 0
    for registration, event in due:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ReminderSent(
                        registration_id=registration.id, kind=REMINDER_KIND, starts_at=event.starts_at
                    )
                )
        except IntegrityError:  # another run sent it meanwhile
            continue
        notify(
            registration.user,
            "event_reminder",
            {"title": event.title, "starts_at": event.starts_at.isoformat()},
            link=event_link(event),
        )
        db.session.commit()
        email_reminder(registration.user, event)
        sent += 1
    return sent
