"""The demo company of SPEC §6: Lumen & Co, a fictitious French company.

Everything is deterministic (a fixed random seed) and dated relative to now,
so the demo always looks alive. Feature packages add their own seed steps.
"""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from base.database import db, utcnow
from base.vocabularies import NETWORKS
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.services import record
from blueprints.admin import verbs as admin_verbs
from blueprints.analytics import rollups as analytics
from blueprints.auth import verbs as auth_verbs
from blueprints.auth.services import DEMO_PASSWORD
from blueprints.demo.challenges_seed import seed_challenges
from blueprints.demo.content_seed import seed_content
from blueprints.demo.data_files import load
from blueprints.demo.events_seed import seed_events
from blueprints.demo.mentoring_seed import seed_mentoring
from blueprints.demo.recognition_seed import seed_recognition
from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify
from blueprints.profile.services import profile_complete
from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.quiz.questions import QUESTIONS
from blueprints.quiz.services import save_result
from blueprints.recognition.badges import BADGE_EARNED

HISTORY_WEEKS = 12
QUIZ_SKIPPED = 0.2  # share of people who have not taken the quiz
DIRECTORY_OPT_IN = 0.4  # share of quiz takers listed in their persona's directory

# Departments, sites, the demo accounts and their colleagues: see data/company.toml.
COMPANY = load("company.toml")
DEPARTMENTS: list[str] = COMPANY["departments"]
SITES: dict[str, str] = COMPANY["sites"]  # name: time zone
DEMO_ACCOUNTS: list[dict] = COMPANY["accounts"]
DEMO_EMAILS = {account["email"] for account in DEMO_ACCOUNTS}

# Share of people in each engagement profile and their sign-ins per week:
# a few very active ambassadors, some regulars, many who mostly watch.
ENGAGEMENT = [(0.12, (2, 5)), (0.30, (0, 2)), (0.58, (0, 0))]
OCCASIONAL_VISIT_CHANCE = 0.15


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def seed_demo(now: datetime | None = None) -> dict[str, int]:
    """Fill an empty database with the demo company; returns what was created."""
    now = now or utcnow()
    rng = random.Random(2026)
    people = seed_organisation(rng, now)
    activities = seed_activity_history(rng, people, now)
    seed_audit_trail(people, now)
    seed_quiz_results(rng, people, now)
    seed_content(rng, people, now)
    seed_events(rng, people, now)
    seed_notifications(people, now)
    db.session.commit()
    seed_recognition(people, now)  # through the features' services, which commit
    seed_challenges(people, now)  # after the rewards: a finished challenge delivers one
    seed_mentoring(people, now)  # colleagues mentoring each other, through the services too
    settle_old_badge_notices(now)
    analytics.refresh(now, all_weeks=True)  # the weekly roll-ups, as the hourly job would have built them
    return {"people": len(people), "activities": activities}


def seed_organisation(rng: random.Random, now: datetime) -> list[User]:
    departments = {
        name: Department(name=name, name_en=COMPANY["departments_en"][name]) for name in DEPARTMENTS
    }
    sites = {name: Site(name=name, name_en=COMPANY["sites_en"][name]) for name in SITES}
    db.session.add_all([*departments.values(), *sites.values()])
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash for all: seeding stays fast
    people = []
    for account in DEMO_ACCOUNTS:
        email, name, language = account["email"], account["name"], account["language"]
        role, department, site = Role(account["role"]), account["department"], account["site"]
        people.append(
            _person(email, name, role, departments[department], sites[site], language, password_hash)
        )
    colleagues = [(name, language) for language, names in COMPANY["colleagues"].items() for name in names]
    for index, (name, language) in enumerate(colleagues):
        site = _site_for(rng, language, index)
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        email = _demo_email(name)
        role = Role.COMMS if index == 0 else Role.EMPLOYEE
        people.append(
            _person(email, name, role, departments[department], sites[site], language, password_hash)
        )
    for person in people:
        person.created_at = now - timedelta(weeks=HISTORY_WEEKS + 1, days=rng.randint(0, 60))
    db.session.add_all(people)
    db.session.flush()
    _assign_managers(people)
    return people


def _site_for(rng: random.Random, language: str, index: int) -> str:
    if language == "en":
        return "Londres" if index % 2 else "Montréal"
    return rng.choice(["Paris", "Paris", "Lyon", "Nantes"])


def _person(email, name, role, department, site, language, password_hash) -> User:
    return User(
        email=email,
        display_name=name,
        role=role,
        department=department,
        site=site,
        language=language,
        timezone=SITES[site.name],
        password_hash=password_hash,
    )


def _demo_email(name: str) -> str:
    plain = name.lower().translate(str.maketrans("éèëêàâîïôöûüç", "eeeeaaiioouuc"))
    return plain.replace(" ", ".") + "@example.com"


def _assign_managers(people: list[User]) -> None:
    """The first person met in each department manages the others there."""
    heads: dict[int, User] = {}
    for person in people:
        head = heads.setdefault(person.department_id, person)
        if head is not person:
            person.manager_id = head.id


def seed_activity_history(rng: random.Random, people: list[User], now: datetime) -> int:
    """Sign-ins over the last weeks, following the 1 % / 9 % / 90 % shape of real programmes."""
    count = 0
    for person in people:
        low, high = _engagement(rng, person)
        for week in range(HISTORY_WEEKS):
            visits = rng.randint(low, high)
            if visits == 0 and rng.random() < OCCASIONAL_VISIT_CHANCE:
                visits = 1
            for _ in range(visits):
                at = now - timedelta(weeks=week, days=rng.random() * 7)
                record(person, auth_verbs.SIGNED_IN, at=at)
                count += 1
    return count


def _engagement(rng: random.Random, person: User) -> tuple[int, int]:
    if person.email in DEMO_EMAILS:
        return (1, 3)
    draw = rng.random()
    for share, visits in ENGAGEMENT:
        if draw < share:
            return visits
        draw -= share
    return ENGAGEMENT[-1][1]


def seed_audit_trail(people: list[User], now: datetime) -> None:
    """The administrator added the colleagues abroad and made a second comms person."""
    admin = people[0]
    joined = now - timedelta(weeks=HISTORY_WEEKS + 1)
    for person in people:
        if person.language == "en":
            record(admin, auth_verbs.USER_CREATED, "user", person.id, at=joined)
    second_comms = next(person for person in people[len(DEMO_ACCOUNTS) :] if person.role == Role.COMMS)
    change = {"from": Role.EMPLOYEE.value, "to": Role.COMMS.value}
    record(admin, admin_verbs.ROLE_CHANGED, "user", second_comms.id, change, at=now - timedelta(weeks=3))


def seed_quiz_results(rng: random.Random, people: list[User], now: datetime) -> None:
    """Most people took the quiz, leaning to one persona each; the demo employee has not yet."""
    for person in people:
        if person.email == "employee@example.com" or rng.random() < QUIZ_SKIPPED:
            continue
        leaning = rng.choice(PERSONA_KEYS)
        taken = now - timedelta(days=rng.randint(1, HISTORY_WEEKS * 7))
        save_result(person, _leaning_answers(rng, leaning), at=taken)
        person.directory_opt_in = rng.random() < DIRECTORY_OPT_IN


def _leaning_answers(rng: random.Random, leaning: str) -> dict:
    answers = {}
    for question in QUESTIONS:
        if question.multiple:
            answers[question.key] = rng.sample(sorted(NETWORKS), rng.randint(1, 3))
        elif rng.random() < 0.6:
            answers[question.key] = max(question.options, key=lambda o: o.weights.get(leaning, 0)).key
        else:
            answers[question.key] = rng.choice(question.options).key
    return answers


def seed_notifications(people: list[User], now: datetime) -> None:
    """A welcome for everyone, read long ago except for the demo employee."""
    for person in people:
        notification = notify(person, "welcome", {"name": person.first_name}, link=("profile.me", {}))
        notification.created_at = person.created_at
        if person.email != "employee@example.com" or profile_complete(person):
            notification.read_at = person.created_at + timedelta(days=1)


def settle_old_badge_notices(now: datetime) -> None:
    """Badges of the seeded history were told when earned: those older than a week are read."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.kind == BADGE_EARNED, Notification.created_at < now - timedelta(weeks=1))
        .values(read_at=now)
    )
    db.session.commit()
