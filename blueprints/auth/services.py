"""Accounts: signing in, signing up, creating people one by one or from a CSV file.

Each action that changes something commits its own work, or raises AccountError with nothing
changed; ``create_user`` is the building block they share (it leaves the commit to its caller).
"""

import csv
import hashlib
import math
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import IO

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_timedelta

from base.database import db, insert_or_else, unit_of_work
from base.extensions import shared_counters
from base.i18n import lazy_gettext as _l
from base.registry import PersonFigures
from base.web import MAX_INT
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.accounts.organisation import organisation_changed
from blueprints.activity.services import record
from blueprints.auth import verbs
from blueprints.notifications.services import notify

DEMO_PASSWORD = "demo"
MIN_PASSWORD_LENGTH = 8
# How stale "last seen" may get: a person's visits write it at most once in this time.
LAST_SEEN_PRECISION = timedelta(minutes=5)


# What Flask-Login keeps of a signed-in person: "id:session version" (User.get_id).
SESSION_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")
# How long an account's failed sign-ins are remembered, counted from the first one.
FAILURES_REMEMBERED = 24 * 3600


class AccountError(Exception):
    """A refusal to show the person, already translated (lazily)."""


class SignInDelayed(AccountError):
    """Too many failed sign-ins for an account: the next attempt must wait ``seconds``."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(
            _l(
                "Too many failed attempts for this account. For your safety, wait %(wait)s before trying again.",
                wait=format_timedelta(wait_to_show(seconds), threshold=1),
            )
        )


def wait_to_show(seconds: int) -> timedelta:
    """A wait as people read it: whole seconds up to a minute, then whole minutes, never less than needed."""
    return timedelta(seconds=seconds) if seconds < 60 else timedelta(minutes=math.ceil(seconds / 60))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id) if 0 < user_id <= MAX_INT else None


def user_with_figures(user_id: int, figures: Sequence[PersonFigures]) -> User | None:
    """The person, and the figures features read with them (kept for the request), in one query."""
    if not figures or not 0 < user_id <= MAX_INT:
        return user_by_id(user_id)
    statement, sizes = _person_statement(tuple(figures))
    row = db.session.execute(statement, {"person": user_id}).first()
    if row is None:
        return None
    values = iter(row[1:])
    for figure, size in zip(figures, sizes, strict=True):
        figure.keep(user_id, tuple(next(values) for _ in range(size)))
    return row[0]


@lru_cache(maxsize=8)
def _person_statement(figures: tuple[PersonFigures, ...]) -> tuple[sa.Select, tuple[int, ...]]:
    """The person's query with the figures' columns and how many each gives, built once (the
    person is a parameter): every page runs it, and putting it together cost more than the rest."""
    person = sa.bindparam("person", type_=sa.Integer)
    columns = [list(figure.columns(person)) for figure in figures]
    statement = sa.select(User, *chain.from_iterable(columns)).where(User.id == person)
    return statement, tuple(map(len, columns))


def user_for_session(session_id: str, figures: Sequence[PersonFigures] = ()) -> User | None:
    """The person a session or remember cookie names ("id:session version"), unless a later
    sign-out, password change, deactivation or role change ended it; with ``figures``, those
    are read with them."""
    found = SESSION_ID.fullmatch(session_id or "")
    if found is None:
        return None
    user = user_with_figures(int(found.group(1)), figures)
    return user if user is not None and user.session_version == int(found.group(2)) else None


def sign_in(email: str, password: str) -> User:
    """The account for these credentials, its sign-in logged; AccountError with a reason safe
    to show (and nothing written) when refused.

    Beside the limit per client address, each account has its own: after
    LOGIN_ACCOUNT_FREE_ATTEMPTS failures in a row, every further attempt must wait a delay
    that doubles (SignInDelayed, the password not even checked); a success starts again.
    """
    wait = seconds_to_wait(email)
    if wait:
        raise SignInDelayed(wait)
    if password == DEMO_PASSWORD and not current_app.config["DEMO_MODE"]:
        raise AccountError(_l("The demo password only works on a demo site."))
    user = find_user(email)
    if user is None or not user.check_password(password):
        note_failed_sign_in(email)
        raise AccountError(_l("Wrong e-mail address or password."))
    if not user.active:
        raise AccountError(_l("This account is deactivated. Ask your comms team."))
    forget_failed_sign_ins(email)
    record(user, verbs.SIGNED_IN)
    db.session.commit()
    return user


@unit_of_work()
def sign_out(user: User) -> None:
    """Sign the person out everywhere: every session and remember cookie of theirs stops working."""
    user.end_sessions()


# --- Failed sign-ins per account, in the rate limits' storage (Redis with REDIS_URL) ----------


def failure_delay(failures: int, free: int, longest: int) -> int:
    """Seconds to wait after ``failures`` failed sign-ins in a row: none for the first ``free``
    ones, then 1, 2, 4, 8… up to ``longest``."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 32), longest)


def _failure_keys(email: str) -> tuple[str, str]:
    """The account's counter of failures and its "wait until" mark (the address hashed: no
    personal data in the shared storage)."""
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return f"porte-voix/sign-in-failures/{digest}", f"porte-voix/sign-in-wait/{digest}"


def seconds_to_wait(email: str) -> int:
    """How long this account's next sign-in attempt must wait (0: it may go ahead)."""
    storage = shared_counters.storage
    _, wait_key = _failure_keys(email)
    if storage.get(wait_key) <= 0:
        return 0
    return max(1, math.ceil(storage.get_expiry(wait_key) - time.time()))


def note_failed_sign_in(email: str) -> None:
    storage = shared_counters.storage
    failures_key, wait_key = _failure_keys(email)
    failures = storage.incr(failures_key, FAILURES_REMEMBERED)
    delay = failure_delay(
        failures,
        current_app.config["LOGIN_ACCOUNT_FREE_ATTEMPTS"],
        current_app.config["LOGIN_ACCOUNT_LONGEST_WAIT"],
    )
    if delay:
        storage.clear(wait_key)  # a simultaneous failure may have set a shorter wait
        storage.incr(wait_key, delay)


def forget_failed_sign_ins(email: str) -> None:
    storage = shared_counters.storage
    for key in _failure_keys(email):
        storage.clear(key)


def trusted_sign_in(email: str) -> User:
    """Single sign-on: the person the reverse proxy names, with an employee account made on
    their first visit, and the sign-in logged. AccountError (nothing written) for a header
    that is not an e-mail address or a deactivated account."""
    if not is_email(email):
        raise AccountError(_l("%(email)s is not a valid e-mail address", email=email))
    user = find_user(email)
    if user is None:
        user = create_user(email, email.partition("@")[0].replace(".", " ").title(), None)
    elif not user.active:
        raise AccountError(_l("This account is deactivated. Ask your comms team."))
    record(user, verbs.SIGNED_IN, payload={"method": "sso"})
    db.session.commit()
    return user


def note_last_seen(user: User, now: datetime) -> None:
    """Remember when a person was last here, writing at most once every LAST_SEEN_PRECISION."""
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_PRECISION:
        user.last_seen_at = now
        db.session.commit()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Choose a password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    return None


def get_or_create_department(name: str) -> Department | None:
    return _get_or_create_named(Department, name)


def get_or_create_site(name: str) -> Site | None:
    return _get_or_create_named(Site, name)


def _get_or_create_named(model, name: str):
    """The department or site of this name, created when new. Two people added at once with
    the same new name: the second insert waits for the first one's transaction and then does
    nothing (``ON CONFLICT DO NOTHING`` on the unique name), and the row is read again — no
    IntegrityError, and the caller's transaction goes on (a savepoint would commit on SQLite)."""
    name = name.strip()
    if not name:
        return None
    named = sa.select(model).where(model.name == name)
    found = db.session.scalar(named)
    if found is None:
        db.session.execute(
            insert_or_else(model).values(name=name).on_conflict_do_nothing(index_elements=[model.name])
        )
        organisation_changed()  # an INSERT the ORM does not see
        found = db.session.scalar(named)
    return found


def create_user(
    email: str,
    display_name: str,
    password: str | None,
    role: Role = Role.EMPLOYEE,
    language: str | None = None,
    department: Department | None = None,
    site: Site | None = None,
    created_by: User | None = None,
) -> User:
    """Add an account, log it and welcome the person; the caller commits (sign-up, single
    sign-on, create_account and the CSV import build on it). AccountError when the address is taken."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(_l("An account already exists for %(email)s.", email=email))
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        language=language or None,
        department=department,
        site=site,
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(created_by or user, verbs.USER_CREATED if created_by else verbs.SIGNED_UP, "user", user.id)
    notify(user, "welcome", {"name": user.first_name}, link=("profile.me", {}))
    return user


def sign_up(email: str, display_name: str, password: str, language: str) -> User:
    """Self-sign-up: an employee account for an address at one of ALLOWED_SIGNUP_DOMAINS.
    AccountError, and nothing created, for another domain or an address already taken."""
    domains = current_app.config["ALLOWED_SIGNUP_DOMAINS"]
    if normalise_email(email).rpartition("@")[2] not in domains:
        raise AccountError(
            _l("Sign-up is open to addresses at %(domains)s only.", domains=", ".join(domains))
        )
    user = create_user(email, display_name, password, language=language)
    db.session.commit()
    return user


@dataclass(frozen=True)
class NewPerson:
    """An account to create. Department and site by name (created when new, none when
    empty); an empty password leaves the account without one."""

    email: str
    display_name: str
    password: str = ""
    role: Role = Role.EMPLOYEE
    language: str | None = None
    department: str = ""
    site: str = ""


def create_account(new: NewPerson, created_by: User | None = None) -> User:
    """Create one account. AccountError, and nothing created, for a password too short or an
    address already taken."""
    problem = password_problem(new.password) if new.password else None
    if problem:
        raise AccountError(problem)
    try:
        user = create_user(
            new.email,
            new.display_name,
            new.password or None,
            role=new.role,
            language=new.language,
            department=get_or_create_department(new.department),
            site=get_or_create_site(new.site),
            created_by=created_by,
        )
    except AccountError:
        db.session.rollback()  # the new department or site, if any
        raise
    db.session.commit()
    return user


@dataclass
class ImportReport:
    created: list[tuple[str, str | None]] = field(default_factory=list)  # (e-mail, generated password)
    errors: list[str] = field(default_factory=list)


REQUIRED_COLUMNS = {"email", "display_name"}


def import_users_csv(stream: IO[str]) -> ImportReport:
    """Create every account of a CSV file, or none if any row is wrong.

    Columns: email, display_name (required); role, department, site, language,
    password (optional — a random one is generated and reported when empty).
    """
    report = ImportReport()
    reader = csv.DictReader(stream)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        report.errors.append(
            str(_l("line 1: missing columns: %(columns)s", columns=", ".join(sorted(missing))))
        )
        return report
    rows, seen = [], set()
    for line, row in enumerate(reader, start=2):
        problem = _row_problem(row, seen)
        if problem:
            report.errors.append(str(_l("line %(line)d: %(problem)s", line=line, problem=problem)))
        else:
            seen.add(normalise_email(row["email"]))
            rows.append(row)
    if report.errors:
        return report
    for row in rows:
        password = (row.get("password") or "").strip()
        generated = None if password else secrets.token_urlsafe(9)
        create_user(
            row["email"],
            row["display_name"],
            password or generated,
            role=Role((row.get("role") or "employee").strip().lower()),
            language=(row.get("language") or "").strip().lower() or None,
            department=get_or_create_department(row.get("department") or ""),
            site=get_or_create_site(row.get("site") or ""),
        )
        report.created.append((normalise_email(row["email"]), generated))
    db.session.commit()
    return report


def _row_problem(row: dict, seen: set[str]) -> str | None:
    email = (row.get("email") or "").strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return _l("%(email)s is not a valid e-mail address", email=email or "''")
    if normalise_email(email) in seen:
        return _l("%(email)s appears twice in the file", email=email)
    if find_user(email) is not None:
        return _l("an account already exists for %(email)s", email=email)
    if not (row.get("display_name") or "").strip():
        return _l("the name is empty")
    if (row.get("role") or "employee").strip().lower() not in {role.value for role in Role}:
        return _l("unknown role %(role)s (employee, comms or admin)", role=row.get("role"))
    language = (row.get("language") or "").strip().lower()
    if language and language not in current_app.config["LANGUAGES"]:
        return _l("unknown language %(language)s (fr or en)", language=language)
    password = (row.get("password") or "").strip()
    return password_problem(password) if password else None
