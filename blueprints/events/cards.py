"""Event cards and attendance rows drawn once per state and reused (``base.drawn``): the list's
cards are the same for every reader who sees an event with the same seats, the same registration
of theirs, in the same language and time zone; the attendance sheet's rows the same for every
organiser until someone is marked, registers or leaves, and so is the waiting list.

``card_key`` must name everything ``events/_event_card.html`` reads, ``attendee_rows``' key
everything the sheet's rows (``events_console/_attendees.html``) read, ``waiting_rows``' key
everything the waiting list's (``events_console/_waiting.html``), ``console_event_key``
everything a row of the console's lists (``events_console/_event_row.html``) reads.
"""

from datetime import datetime

from markupsafe import Markup

from base.drawn import part, reader_key
from base.i18n import LANGUAGE_NAMES
from blueprints.events.catalogue import KINDS
from blueprints.events.listing import Attendee, Listed
from blueprints.events.models import Event
from blueprints.events.services import Seats

CARD_TEMPLATE = "events/_event_card.html"
ATTENDEES_TEMPLATE = "events_console/_attendees.html"
WAITING_TEMPLATE = "events_console/_waiting.html"
CONSOLE_EVENT_TEMPLATE = "events_console/_event_row.html"


def card_key(entry: Listed, past: bool) -> tuple:
    event, seats = entry.event, entry.seats
    return (
        event.id,
        event.title,
        event.kind,
        event.language,
        event.starts_at,
        event.place,
        event.status,
        entry.mine,
        seats.confirmed,
        seats.waiting,
        seats.capacity,
        past,
        *reader_key(),
    )


def event_card(entry: Listed, past: bool) -> Markup:
    """The card as ``events/_event_card.html`` draws it (templates: ``event_card``)."""
    return part(
        CARD_TEMPLATE, card_key(entry, past), entry=entry, past=past, kinds=KINDS, languages=LANGUAGE_NAMES
    )


def attendee_rows(confirmed: list[Attendee], event: Event, sheet_open: bool) -> Markup:
    """The rows of the attendance sheet, drawn together once per state (each person, whether
    they are marked, whether the sheet is open), with this request's form token (templates:
    ``attendee_rows``)."""
    key = (
        event.id,
        sheet_open,
        tuple((person.id, person.attended, person.name) for person in confirmed),
        *reader_key(),
    )
    return part(ATTENDEES_TEMPLATE, key, confirmed=confirmed, event=event, sheet_open=sheet_open)


def waiting_rows(waiting: list[Attendee]) -> Markup:
    """The waiting list's rows, in line, drawn together once per state: who waits and since when
    (templates: ``waiting_rows``)."""
    key = (tuple((person.id, person.name, person.waitlisted_at) for person in waiting), *reader_key())
    return part(WAITING_TEMPLATE, key, waiting=waiting)


def phase_of(event: Event, now: datetime) -> str:
    """Where an event stands as of ``now``, as the console's lists mark it."""
    if event.is_cancelled:
        return "cancelled"
    if event.is_over(now):
        return "over"
    return "under way" if event.has_started(now) else "to come"


def console_event_key(event: Event, seats: Seats, phase: str) -> tuple:
    return (
        event.id,
        event.title,
        event.language,
        event.kind,
        event.starts_at,
        phase,
        seats.confirmed,
        seats.capacity,
        seats.waiting,
        *reader_key(),
    )


def console_event_row(event: Event, seats: Seats, now: datetime) -> Markup:
    """An event of the console's lists as ``events_console/_event_row.html`` draws it
    (templates: ``console_event_row``)."""
    phase = phase_of(event, now)
    key = console_event_key(event, seats, phase)
    return part(CONSOLE_EVENT_TEMPLATE, key, event=event, seats=seats, phase=phase, kinds=KINDS)
