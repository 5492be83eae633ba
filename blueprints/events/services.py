"""The rules of events: sign-up with capacity and a first-come waiting list, cancellation and
promotion, capacity changes, attendance, event cancellation and reminders.

Every change of who holds a seat runs under a lock on the event, taken before reading the
seats: a row lock on PostgreSQL, the database's write lock (BEGIN IMMEDIATE) on SQLite. So
capacity holds however many people sign up at the same instant.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from base.database import db, utcnow
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


class EventError(Exception):
    """A refused change, with a message for the person."""


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


def locked_event(event_id: int) -> Event | None:
    """Start a transaction that holds the event's lock until commit or rollback."""
    db.session.commit()  # end whatever the request read before: the lock must come first
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("BEGIN IMMEDIATE"))
    return db.session.scalar(
        sa.select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def event_link(event: Event) -> tuple[str, dict]:
    """The event's page, as notifications store it."""
    return "events.detail", {"event_id": event.id}


def seats(event_id: int) -> Seats:
    counts = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count(Registration.id))
            .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
            .group_by(Registration.status)
        ).all()
    )
    capacity = db.session.scalar(sa.select(Event.capacity).where(Event.id == event_id))
    return Seats(
        counts.get(RegistrationStatus.CONFIRMED, 0), counts.get(RegistrationStatus.WAITLISTED, 0), capacity
    )


def active_registration(user_id: int, event_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.user_id == user_id,
            Registration.event_id == event_id,
            Registration.status.in_(ACTIVE),
        )
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


def sign_up(user: User, event_id: int, now: datetime | None = None) -> Registration:
    """A confirmed seat if one is left, else a place on the waiting list; the existing one if any."""
    now = now or utcnow()
    event = locked_event(event_id)
    try:
        if event is None or event.is_cancelled:
            raise EventError(_l("This event has been cancelled."))
        if event.has_started(now):
            raise EventError(_l("This event has started: sign-up is closed."))
        existing = active_registration(user.id, event.id)
        if existing:
            db.session.rollback()
            return existing
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
        record(
            user, verbs.EVENT_REGISTERED if confirmed else verbs.EVENT_WAITLISTED, "event", event.id, at=now
        )
        db.session.commit()
        return registration
    except EventError:
        db.session.rollback()
        raise
    except IntegrityError:  # a double click, already registered by the other request
        db.session.rollback()
        return active_registration(user.id, event_id)


def cancel_registration(user: User, event_id: int, now: datetime | None = None) -> None:
    """Give up one's seat or place in line; a freed seat goes to the first in line, before the start."""
    now = now or utcnow()
    event = locked_event(event_id)
    registration = active_registration(user.id, event_id) if event else None
    if registration is None:
        db.session.rollback()
        raise EventError(_l("You are not registered for this event."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    record(user, verbs.EVENT_REGISTRATION_CANCELLED, "event", event_id, at=now)
    db.session.flush()
    if was_confirmed:
        promote(event, now)
    db.session.commit()


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


def set_capacity(event_id: int, capacity: int | None, now: datetime | None = None) -> list[Registration]:
    """Change the number of seats: raising it promotes from the waiting list; never below the confirmed."""
    now = now or utcnow()
    event = locked_event(event_id)
    confirmed = seats(event.id).confirmed
    if capacity is not None and capacity < confirmed:
        db.session.rollback()
        raise EventError(capacity_refusal(confirmed))
    event.capacity = capacity
    promoted = promote(event, now)
    db.session.commit()
    return promoted


def capacity_refusal(confirmed: int) -> str:
    return ngettext(
        "%(num)s person is already confirmed: the capacity cannot go below that. Ask them to cancel first.",
        "%(num)s people are already confirmed: the capacity cannot go below that. Ask some of them to cancel first.",
        confirmed,
    )


def cancel_event(organiser: User, event_id: int) -> int:
    """Cancel the event and tell everyone registered; how many were told."""
    event = locked_event(event_id)
    if event.is_cancelled:
        db.session.rollback()
        raise EventError(_l("This event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    told = _notify_registrants(event, "event_cancelled", {"title": event.title})
    record(organiser, verbs.EVENT_CANCELLED, "event", event.id)
    db.session.commit()
    return told


def announce_change(event: Event) -> int:
    """Tell everyone registered that the time or place has changed; how many were told."""
    told = _notify_registrants(
        event, "event_changed", {"title": event.title, "starts_at": event.starts_at.isoformat()}
    )
    db.session.commit()
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
        db.session.commit()
    return registration


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
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_BEFORE,
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
