"""Events (social cafés, webinars, trainings, talks), registrations and reminders sent."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from base.database import UTCDateTime, db, utcnow
from blueprints.accounts.models import User


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


ACTIVE = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITLISTED.value)


def _enum(kind):
    return sa.Enum(
        kind, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members]
    )


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_status_starts", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(2000))
    capacity: Mapped[int | None]  # None: unlimited
    language: Mapped[str] = mapped_column(sa.String(8))
    target_personae: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    organiser_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.SCHEDULED)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: up on each change of time or place
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Its registrations confirmed and waiting, kept by ``_count_the_registration``: lists show
    # seats without counting every registration of every event they list.
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting_count: Mapped[int] = mapped_column(default=0, server_default="0")

    organiser: Mapped[User] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    # Both rules work on an event and in queries (``Event.is_over(now)``, ``~Event.has_started(now)``).
    @hybrid_method
    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    @hybrid_method
    def is_over(self, now: datetime) -> bool:
        return self.ends_at <= now


class Registration(db.Model):
    """A person's place at an event: confirmed, waiting (first come, first served) or cancelled.

    At most one active registration per person and event (a partial unique index), so a
    double click is harmless and a person who cancelled can sign up again.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        sa.Index(
            "uq_registrations_active",
            "event_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status IN ('confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waitlisted')"),
        ),
        # Counts per event and status; who is coming, first confirmed first (without reading them all).
        sa.Index("ix_registrations_event_status_confirmed", "event_id", "status", "confirmed_at", "id"),
        sa.Index("ix_registrations_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
    event: Mapped[Event] = relationship()


COUNTED = {RegistrationStatus.CONFIRMED: "confirmed_count", RegistrationStatus.WAITLISTED: "waiting_count"}


def _counted_changes(before: RegistrationStatus | None, after: RegistrationStatus | None) -> dict[str, int]:
    """How a registration going from ``before`` to ``after`` (None: not there) moves its event's counts."""
    changes: dict[str, int] = {}
    for status, step in ((before, -1), (after, 1)):
        if status in COUNTED:
            changes[COUNTED[status]] = changes.get(COUNTED[status], 0) + step
    return {column: step for column, step in changes.items() if step}


def _move_counts(connection, registration: "Registration", changes: dict[str, int]) -> None:
    """Apply the changes to the event's counts in the registration's own transaction (the event's
    row is locked until it commits, so simultaneous registrations each count), and to the event
    as this session holds it, if it does (so a page drawn after the change shows it)."""
    if not changes:
        return
    events = Event.__table__
    counts = connection.execute(
        events.update()
        .where(events.c.id == registration.event_id)
        .values(
            {column: events.c[column] + step for column, step in changes.items()}
            | {"updated_at": events.c.updated_at}
        )
        .returning(events.c.confirmed_count, events.c.waiting_count)
    ).one()
    session = object_session(registration)
    held = session.identity_map.get(identity_key(Event, registration.event_id)) if session else None
    if held is not None:
        for column, value in zip(("confirmed_count", "waiting_count"), counts, strict=True):
            set_committed_value(held, column, value)


@sa.event.listens_for(Registration, "after_insert")
def _count_the_registration(_mapper, connection, registration: Registration) -> None:
    _move_counts(connection, registration, _counted_changes(None, RegistrationStatus(registration.status)))


@sa.event.listens_for(Registration, "after_update")
def _count_the_change(_mapper, connection, registration: Registration) -> None:
    history = sa.inspect(registration).attrs.status.history
    if history.deleted and history.added:
        before, after = (RegistrationStatus(value) for value in (history.deleted[0], history.added[0]))
        _move_counts(connection, registration, _counted_changes(before, after))


@sa.event.listens_for(Registration, "after_delete")
def _uncount_the_registration(_mapper, connection, registration: Registration) -> None:
    _move_counts(connection, registration, _counted_changes(RegistrationStatus(registration.status), None))


class ReminderSent(db.Model):
    """A reminder sent for a registration, once per kind and start time (a moved event is reminded again)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        sa.UniqueConstraint(
            "registration_id", "kind", "starts_at", name="uq_reminders_sent_registration_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
