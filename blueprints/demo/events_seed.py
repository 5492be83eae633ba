"""The demo's events: past ones with their attendance, upcoming ones, one full with a waiting list."""

import random
from datetime import datetime, timedelta

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.demo.data_files import load
from blueprints.events import verbs as events_verbs
from blueprints.events.models import Event, Registration, RegistrationStatus

NEWCOMER = "employee@example.com"  # not in the full event, so the demo can show the waiting list
ATTENDANCE = 0.8  # share of confirmed people who came

# The events and their descriptions: see data/events.toml.
PROGRAMME = load("events.toml")


def seed_events(rng: random.Random, people: list[User], now: datetime) -> None:
    organisers = [person for person in people if person.role == Role.COMMS]
    for data in PROGRAMME["events"]:
        event = _event(data, rng.choice(organisers), now)
        db.session.add(event)
        db.session.flush()
        if data.get("waiting_list", False):
            _fill_with_waiting_list(rng, event, people, now)
        else:
            _register(rng, event, people, now)


def _event(data: dict, organiser: User, now: datetime) -> Event:
    kind, place = data["kind"], data.get("place")
    day = now + timedelta(days=data["days"])
    starts = day.replace(hour=data["hour"], minute=0, second=0, microsecond=0)
    return Event(
        title=data["title"],
        description=data.get("description") or PROGRAMME["descriptions"][kind][data["language"]],
        kind=kind,
        language=data["language"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30 if kind == "training" else 0),
        place=place or "",
        online_url=None if place else "https://meet.lumen-co.example/" + kind,
        capacity=data.get("capacity"),
        target_personae=list(data["personae"]),
        organiser=organiser,
        created_at=starts - timedelta(days=21),
    )


def _register(rng: random.Random, event: Event, people: list[User], now: datetime) -> None:
    speakers = [person for person in people if person.language == event.language or rng.random() < 0.2]
    wanted = min(len(speakers), event.capacity or 25, rng.randint(3, 14))
    for person in rng.sample(speakers, wanted):
        registration = _confirmed(event, person, now)
        if event.ends_at <= now and rng.random() < ATTENDANCE:
            registration.attended = True
            record(
                person,
                events_verbs.EVENT_ATTENDED,
                "event",
                event.id,
                {"by": event.organiser.id},
                at=event.ends_at,
            )


def _fill_with_waiting_list(rng: random.Random, event: Event, people: list[User], now: datetime) -> None:
    crowd = [person for person in people if person.language == event.language and person.email != NEWCOMER]
    chosen = rng.sample(crowd, event.capacity + 3)
    for person in chosen[: event.capacity]:
        _confirmed(event, person, now)
    for number, person in enumerate(chosen[event.capacity :]):
        joined = now - timedelta(days=1, hours=10 - number)
        db.session.add(
            Registration(
                event_id=event.id,
                user_id=person.id,
                status=RegistrationStatus.WAITLISTED,
                created_at=joined,
                waitlisted_at=joined,
            )
        )
        record(person, events_verbs.EVENT_WAITLISTED, "event", event.id, at=joined)


def _confirmed(event: Event, person: User, now: datetime) -> Registration:
    signed_up = min(event.created_at + timedelta(days=1, hours=person.id % 48), now)
    registration = Registration(
        event_id=event.id,
        user_id=person.id,
        status=RegistrationStatus.CONFIRMED,
        created_at=signed_up,
        confirmed_at=signed_up,
    )
    db.session.add(registration)
    record(person, events_verbs.EVENT_REGISTERED, "event", event.id, at=signed_up)
    return registration
