"""iCalendar files: one event, or a person's private feed of their events (RFC 5545, by icalendar)."""

from datetime import datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from base.database import utcnow
from base.links import site_url
from blueprints.events.models import Event

PRODUCT = "-//Porte-voix//Events//EN"


def event_uid(event: Event) -> str:
    """Stable for the event's whole life, so calendars update it instead of adding a copy."""
    return f"event-{event.id}@porte-voix"


def calendar_of(events: list[Event], name: str, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event, stamp or utcnow()))
    return calendar.to_ical()


def _component(event: Event, stamp: datetime) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at)  # aware UTC datetimes: written as UTC ("Z")
    component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    if event.description:
        component.add("description", event.description)
    location = event.place or event.online_url
    if location:
        component.add("location", location)
    component.add("url", site_url("events.detail", event_id=event.id))
    component.add("sequence", event.sequence)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component
