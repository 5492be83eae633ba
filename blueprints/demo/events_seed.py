"""The demo's events: past ones with their attendance, upcoming ones, one full with a waiting list."""

import random
from datetime import datetime, timedelta

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.events import verbs as events_verbs
from blueprints.events.models import Event, Registration, RegistrationStatus

NEWCOMER = "employee@example.com"  # not in the full event, so the demo can show the waiting list
ATTENDANCE = 0.8  # share of confirmed people who came

# (days from now, hour, title, kind, language, place or None for online, capacity, personae)
EVENTS = [
    (-70, 9, "Café social : l'éclairage de demain", "social_cafe", "fr", "Paris, cafétéria du 3e", 12, []),
    (-56, 14, "Webinar: telling our story on LinkedIn", "webinar", "en", None, None, ["messenger", "expert"]),
    (-42, 9, "Café social à Lyon", "social_cafe", "fr", "Lyon, espace détente", 10, []),
    (
        -35,
        17,
        "Formation : photographier son lieu de travail",
        "training",
        "fr",
        "Nantes, salle Loire",
        8,
        ["reporter"],
    ),
    (
        -21,
        12,
        "Talk: dark skies and smart cities",
        "talk",
        "en",
        "London, auditorium",
        40,
        ["expert", "agitator"],
    ),
    (
        -14,
        9,
        "Café social : bienvenue aux nouveaux",
        "social_cafe",
        "fr",
        "Paris, cafétéria du 3e",
        12,
        ["helper"],
    ),
    (-7, 16, "Webinaire : la sobriété lumineuse expliquée", "webinar", "fr", None, None, ["explainer"]),
    (2, 9, "Café social : le café des ambassadeurs", "social_cafe", "fr", "Paris, cafétéria du 3e", 6, []),
    (4, 14, "Webinar: writing a post in your own words", "webinar", "en", None, 50, ["messenger", "liker"]),
    (
        6,
        12,
        "Conférence : l'IA et la ville la nuit",
        "talk",
        "fr",
        "Paris, auditorium",
        80,
        ["expert", "agitator"],
    ),
    (
        9,
        17,
        "Training: live-posting an event",
        "training",
        "en",
        "Montréal, room Saint-Laurent",
        12,
        ["insider", "reporter"],
    ),
    (13, 9, "Café social à Nantes", "social_cafe", "fr", "Nantes, cafétéria", 10, ["helper"]),
    (
        16,
        15,
        "Formation : les chiffres qui convainquent",
        "training",
        "fr",
        None,
        20,
        ["fact_checker", "curator"],
    ),
    (20, 9, "Social café: London meets Montréal", "social_cafe", "en", None, None, []),
    (
        27,
        12,
        "Talk: recruiting through your network",
        "talk",
        "en",
        "London, auditorium",
        60,
        ["talent_scout"],
    ),
]
FULL_EVENT = 7  # the ambassadors' café: full, with people waiting
DESCRIPTIONS = {
    "fr": "Un moment pour se rencontrer entre équipes, échanger des idées et repartir avec une envie de partager.",
    "en": "A moment to meet across teams, swap ideas and leave with something worth sharing.",
}


def seed_events(rng: random.Random, people: list[User], now: datetime) -> None:
    organisers = [person for person in people if person.role == Role.COMMS]
    for index, row in enumerate(EVENTS):
        event = _event(row, rng.choice(organisers), now)
        db.session.add(event)
        db.session.flush()
        if index == FULL_EVENT:
            _fill_with_waiting_list(rng, event, people, now)
        else:
            _register(rng, event, people, now)


def _event(row, organiser: User, now: datetime) -> Event:
    days, hour, title, kind, language, place, capacity, personae = row
    starts = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return Event(
        title=title,
        description=DESCRIPTIONS[language],
        kind=kind,
        language=language,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30 if kind == "training" else 0),
        place=place or "",
        online_url=None if place else "https://meet.lumen-co.example/" + kind,
        capacity=capacity,
        target_personae=personae,
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
