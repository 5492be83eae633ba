"""Reading events: the list for a person, who is coming, the console's lists, a person's calendar."""

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.database import Reading, UTCDateTime, column_rows, db
from base.paging import Page
from blueprints.accounts.models import NAME_ONLY, User
from blueprints.events.models import ACTIVE, Event, EventStatus, Registration, RegistrationStatus
from blueprints.events.services import Seats
from blueprints.quiz.services import latest_profile

LIST_LIMIT = 60
NAMES_SHOWN = 24
CONSOLE_PAGE_SIZE = 25  # events per page of each of the console's lists


@dataclass(frozen=True, slots=True)
class EventLine:
    """What lists show of an event (as ``Event`` names it), read as plain columns: a list shows
    dozens, and mapped objects cost more to load and to read."""

    id: int
    title: str
    kind: str
    language: str
    starts_at: datetime
    place: str | None
    status: EventStatus

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


LINE_COLUMNS = (Event.id, Event.title, Event.kind, Event.language, Event.starts_at, Event.place, Event.status)
LINE_SIZE = len(LINE_COLUMNS)


@dataclass
class Listed:
    event: EventLine | Event
    seats: Seats
    mine: RegistrationStatus | None
    suggested: bool  # aimed at one of the person's personae


@dataclass
class Listing:
    suggested: list[Listed]
    others: list[Listed]


def events_for(user: User, now: datetime, *, kind=None, language=None, past=False) -> Listing:
    """Upcoming events (soonest first; those for the person's personae apart) or past ones (latest first).

    Two queries: the events with their seats and the person's registration, and the personae
    of the person's latest quiz result.
    """
    statement = _listing_statement(past, bool(kind), bool(language))
    rows = column_rows(statement, {"now": now, "kind": kind, "language": language, "person": user.id})
    profile = latest_profile(user.id)
    personae = profile.own if profile else frozenset()
    listed = [_listed(row, personae) for row in rows]
    if past:
        return Listing([], listed)
    return Listing([e for e in listed if e.suggested], [e for e in listed if not e.suggested])


def _listed(row, personae: frozenset[str]) -> Listed:
    """A row of ``_listing_statement``: the event, its seats, its target personae, the person's
    registration."""
    event = EventLine(*row[:LINE_SIZE])
    confirmed, waiting, capacity, target_personae, mine = row[LINE_SIZE:]
    suggested = bool(personae.intersection(target_personae or ())) and event.status == EventStatus.SCHEDULED
    return Listed(event, Seats(confirmed, waiting, capacity), mine, suggested)


@lru_cache(maxsize=8)
def _listing_statement(past: bool, by_kind: bool, by_language: bool) -> sa.Select:
    """The list's events (their seats kept on them), each with the person's active
    registration, for one shape of list, built once (the moment, the filters and the person
    are parameters)."""
    now = sa.bindparam("now", type_=UTCDateTime)
    mine = (
        sa.select(Registration.status)
        .where(
            Registration.event_id == Event.id,
            Registration.user_id == sa.bindparam("person", type_=sa.Integer),
            Registration.status.in_(ACTIVE),
        )
        .correlate(Event)
        .scalar_subquery()
    )
    seats = (Event.confirmed_count, Event.waiting_count, Event.capacity)
    events = sa.select(*LINE_COLUMNS, *seats, Event.target_personae, mine)
    if past:
        events = events.where(Event.is_over(now)).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        events = events.where(~Event.is_over(now)).order_by(Event.starts_at, Event.id)
    if by_kind:
        events = events.where(Event.kind == sa.bindparam("kind"))
    if by_language:
        events = events.where(Event.language == sa.bindparam("language"))
    return events.limit(LIST_LIMIT)


def first_names_coming(event_id: int, confirmed: int) -> tuple[list[str], int]:
    """The first names of the first confirmed people, and how many others of the ``confirmed``."""
    names = db.session.scalars(_first_coming_statement(), {"event": event_id}).all()
    return [name.split()[0] for name in names], max(confirmed - len(names), 0)


@lru_cache(maxsize=1)
def _first_coming_statement() -> sa.Select:
    """The names of an event's first confirmed people, built once (the event is a parameter)."""
    return (
        sa.select(User.display_name)
        .join(Registration, Registration.user_id == User.id)
        .where(
            Registration.event_id == sa.bindparam("event", type_=sa.Integer),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.confirmed_at, Registration.id)
        .limit(NAMES_SHOWN)
    )


# The organiser's name comes with the event (not where they work).
WITH_ORGANISER = joinedload(Event.organiser).options(*NAME_ONLY)


def find_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id, options=[WITH_ORGANISER])


def console_events(now: datetime, upcoming_page: int = 1, past_page: int = 1) -> tuple[Page, Page]:
    """The console's two lists, a page of each: events not over yet, the soonest first; then past
    ones, the latest first (three queries, whatever the number of events)."""
    over = Event.is_over(now)
    upcoming_total, past_total = db.session.execute(
        sa.select(sa.func.count(Event.id).filter(~over), sa.func.count(Event.id).filter(over))
    ).one()
    upcoming = sa.select(Event).where(~over).order_by(Event.starts_at, Event.id)
    past = sa.select(Event).where(over).order_by(Event.starts_at.desc(), Event.id.desc())
    return _page_of(upcoming, upcoming_page, upcoming_total), _page_of(past, past_page, past_total)


def _page_of(query: sa.Select, page: int, total: int) -> Page:
    page = min(page, max(math.ceil(total / CONSOLE_PAGE_SIZE), 1))
    events = db.session.scalars(query.limit(CONSOLE_PAGE_SIZE).offset((page - 1) * CONSOLE_PAGE_SIZE))
    return Page(list(events), page, total, CONSOLE_PAGE_SIZE)


def attendees(event_id: int) -> tuple[list[Registration], list[Registration]]:
    """The confirmed people and the waiting list (in line), with their accounts (the export)."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
        .options(sa.orm.joinedload(Registration.user))
        .order_by(Registration.waitlisted_at, Registration.confirmed_at, Registration.id)
    ).all()
    return (
        [r for r in registrations if r.status == RegistrationStatus.CONFIRMED],
        [r for r in registrations if r.status == RegistrationStatus.WAITLISTED],
    )


@dataclass(frozen=True)
class Attendee:
    """A registration as the attendance sheet shows it."""

    id: int
    attended: bool
    waitlisted_at: datetime | None
    name: str

    @classmethod
    def of(cls, registration: Registration) -> "Attendee":
        return cls(
            registration.id, registration.attended, registration.waitlisted_at, registration.user.display_name
        )


def attendance_sheet(event_id: int) -> tuple[list[Attendee], list[Attendee]]:
    """The confirmed people and the waiting list (in line), as the sheet shows them: the columns
    it needs, not the records (a sheet lists hundreds). Each name is looked up by its person
    (a join would have PostgreSQL read every person of the company to find them)."""
    name = sa.select(User.display_name).where(User.id == Registration.user_id).scalar_subquery()
    rows = db.session.execute(
        sa.select(
            Registration.id,
            Registration.attended,
            Registration.waitlisted_at,
            name,
            Registration.status,
        )
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
        .order_by(Registration.waitlisted_at, Registration.confirmed_at, Registration.id)
    )
    confirmed, waiting = [], []
    for registration_id, attended, waitlisted_at, person, status in rows:
        in_line = waiting if status == RegistrationStatus.WAITLISTED else confirmed
        in_line.append(Attendee(registration_id, attended, waitlisted_at, person))
    return confirmed, waiting


def find_registration(event_id: int, registration_id: int) -> Registration | None:
    """A registration, if it is one of this event's."""
    return db.session.scalar(
        sa.select(Registration).where(Registration.id == registration_id, Registration.event_id == event_id)
    )


def person_with_calendar_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(sa.select(User).where(User.calendar_token == token, User.active))


def calendar_events(user: User) -> list[Event]:
    """The events the person is confirmed for, or was when they were cancelled (so calendars drop them)."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.user_id == user.id,
                sa.or_(
                    Registration.status == RegistrationStatus.CONFIRMED,
                    sa.and_(Event.status == EventStatus.CANCELLED, Registration.status.in_(ACTIVE)),
                ),
            )
            .order_by(Event.starts_at)
        )
    )


def home_parameters(user: User, now: datetime, limit: int = 3) -> dict:
    """The parameters of ``HOME_EVENTS`` for the person."""
    return {"now": now, "person": user.id, "events_shown": limit}


def _home_events_of(rows: list, _parameters: dict) -> tuple[list[EventLine], bool]:
    lines = sorted(((EventLine(*row[:LINE_SIZE]), row[LINE_SIZE]) for row in rows), key=_soonest)
    mine = [event for event, theirs in lines if theirs]
    if mine:
        return mine, True
    return [event for event, theirs in lines if not theirs], False


def _soonest(line: tuple[EventLine, bool]) -> tuple:
    return line[0].starts_at, line[0].id


@lru_cache(maxsize=1)
def _home_statement() -> sa.CompoundSelect:
    """The person's next events, then the next ones anyone could join, built once: the moment,
    the person and how many are shown are parameters."""
    now = sa.bindparam("now", type_=UTCDateTime)
    upcoming = (
        sa.select(*LINE_COLUMNS)
        .where(~Event.has_started(now), Event.status == EventStatus.SCHEDULED)
        .order_by(Event.starts_at, Event.id)
        .limit(sa.bindparam("events_shown", type_=sa.Integer))
    )
    theirs = upcoming.join(Registration, Registration.event_id == Event.id).where(
        Registration.user_id == sa.bindparam("person", type_=sa.Integer), Registration.status.in_(ACTIVE)
    )
    return sa.union_all(
        *(
            sa.select(part, sa.literal(is_theirs))
            for part, is_theirs in ((theirs.subquery(), True), (upcoming.subquery(), False))
        )
    )


# The person's next events, or the next ones they could join (``home_parameters``): home reads
# them with its other facts.
HOME_EVENTS = Reading(_home_statement, _home_events_of)
