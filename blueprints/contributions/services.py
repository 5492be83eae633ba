"""Declared contributions: advocacy done off the platform, declared by the person, then
validated by comms (points, a badge, the wall of fame) or declined with a reason; the
person is told either way.

Each action is one unit of work: it commits, or rolls everything back and raises
ContributionError with a translated message, so a refused action leaves nothing changed.
A review is a conditional update of a pending contribution, in a transaction that holds the
write lock (BEGIN IMMEDIATE on SQLite, the updated row's lock on PostgreSQL): two members of
the comms team deciding at once cannot both win, the second is refused and changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from base.database import begin_locked_transaction, column_rows, db, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.paging import paginate
from blueprints.accounts.models import NAME_ONLY, Role, User
from blueprints.activity.services import record
from blueprints.contributions import verbs
from blueprints.contributions.catalogue import (
    DESCRIPTION_MAX,
    KINDS,
    LINK_MAX,
    MAX_AGE_DAYS,
    REASON_MAX,
    SUGGESTED_PERSONA,
    TITLE_MAX,
)
from blueprints.contributions.models import Contribution, ContributionStatus
from blueprints.notifications.services import notify
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.recognition.fame import celebrate
from blueprints.recognition.points import current_rules

PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 30
RECENTLY_REVIEWED = 20
# The persona field's two choices that are not a persona: the kind's suggestion, or none.
SUGGESTED, NO_PERSONA = "", "none"

VALIDATED_NOTICE = "contribution_validated"
DECLINED_NOTICE = "contribution_declined"


class ContributionError(Exception):
    """A refused action, with a message for the person and the form field it is about."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Declaration:
    """What a person declares; ``persona`` is a persona key, SUGGESTED or NO_PERSONA."""

    kind: str
    happened_on: date
    title: str
    link: str | None
    description: str
    persona: str = SUGGESTED


def contribution_link(contribution: Contribution) -> tuple[str, dict]:
    """The contribution's page, as notifications and the wall of fame store it."""
    return "contributions.detail", {"contribution_id": contribution.id}


def persona_for(kind: str, chosen: str) -> str | None:
    """The persona stored: the one chosen, none, or the kind's suggestion."""
    if chosen == NO_PERSONA:
        return None
    if chosen == SUGGESTED:
        return SUGGESTED_PERSONA.get(kind)
    return chosen


def today_for(person: User, now: datetime) -> date:
    """The person's date now, in their time zone (else the programme's)."""
    try:
        zone = ZoneInfo(person.timezone or current_app.config["DEFAULT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    return now.astimezone(zone).date()


def date_refusal(happened_on: date, today: date):
    """Why a contribution's date is refused (in the future, or too long ago), or None."""
    if happened_on > today:
        return _l("Declare what already happened: this date is in the future.")
    if happened_on < today - timedelta(days=MAX_AGE_DAYS):
        return _l("Declare what happened in the last twelve months: this date is too long ago.")
    return None


def _checked(person: User, declaration: Declaration, now: datetime) -> Declaration:
    """The declaration cleaned, or ContributionError naming the field at fault."""
    if declaration.kind not in KINDS:
        raise ContributionError(_l("Choose what kind of contribution it was."), "kind")
    refusal = date_refusal(declaration.happened_on, today_for(person, now))
    if refusal:
        raise ContributionError(refusal, "happened_on")
    title = declaration.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise ContributionError(_l("Give a title of at most %(num)s characters.", num=TITLE_MAX), "title")
    link = (declaration.link or "").strip() or None
    if link is not None and not _web_link(link):
        raise ContributionError(_l("Give a web address starting with http:// or https://."), "link")
    description = declaration.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ContributionError(
            _l("Keep the description to %(num)s characters.", num=DESCRIPTION_MAX), "description"
        )
    persona = declaration.persona
    if persona not in (SUGGESTED, NO_PERSONA) and persona not in PERSONA_BY_KEY:
        raise ContributionError(_l("Choose an ambassador profile from the list."), "persona")
    return Declaration(declaration.kind, declaration.happened_on, title, link, description, persona)


def _web_link(value: str) -> bool:
    """An http or https address with a host, of a length the column holds."""
    if len(value) > LINK_MAX or any(character.isspace() for character in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def declare(person: User, declaration: Declaration, now: datetime | None = None) -> Contribution:
    """Declare a contribution: it waits for the comms team's review."""
    now = now or utcnow()
    declaration = _checked(person, declaration, now)
    with unit_of_work():
        contribution = Contribution(
            user_id=person.id,
            kind=declaration.kind,
            happened_on=declaration.happened_on,
            title=declaration.title,
            link=declaration.link,
            description=declaration.description,
            persona=persona_for(declaration.kind, declaration.persona),
            status=ContributionStatus.PENDING,
            created_at=now,
        )
        db.session.add(contribution)
        db.session.flush()
        record(person, verbs.CONTRIBUTION_DECLARED, "contribution", contribution.id, at=now)
    return contribution


def _begin_writing() -> None:
    """The write lock on SQLite (PostgreSQL locks the rows updated)."""
    begin_locked_transaction("a review")


def _decide(reviewer: User, contribution_id: int, status: ContributionStatus, now: datetime, **values):
    """Move a pending contribution to its decision, or refuse: someone decided it meanwhile, or
    it is the reviewer's own. The conditional update comes first, so a refusal has nothing to undo."""
    owner = db.session.scalar(sa.select(Contribution.user_id).where(Contribution.id == contribution_id))
    if owner is None:
        raise ContributionError(_l("This contribution does not exist."))
    if owner == reviewer.id:
        raise ContributionError(
            _l("You cannot review your own contribution: another member of the comms team will.")
        )
    decided = db.session.execute(
        sa.update(Contribution)
        .where(Contribution.id == contribution_id, Contribution.status == ContributionStatus.PENDING)
        .values(status=status, reviewed_by_id=reviewer.id, reviewed_at=now, **values)
    )
    if decided.rowcount != 1:
        raise ContributionError(_l("This contribution has already been reviewed: nothing was changed."))
    return db.session.get_one(Contribution, contribution_id, populate_existing=True)


def validate(
    reviewer: User, contribution_id: int, featured: bool = False, now: datetime | None = None
) -> Contribution:
    """Validate a contribution: the person earns its points, is told, and it goes on the wall
    of fame (at its top if ``featured``)."""
    now = now or utcnow()
    _begin_writing()
    with unit_of_work():
        contribution = _decide(reviewer, contribution_id, ContributionStatus.VALIDATED, now)
        person = contribution.user
        record(person, verbs.CONTRIBUTION_VALIDATED, "contribution", contribution.id, at=now)
        record(reviewer, verbs.CONTRIBUTION_REVIEW_VALIDATED, "contribution", contribution.id, at=now)
        notify(
            person, VALIDATED_NOTICE, {"title": contribution.title}, link=contribution_link(contribution)
        ).created_at = now
        entry = celebrate(
            "contribution",
            person.id,
            f"contribution:{contribution.id}",
            {"title": contribution.title, "kind": contribution.kind},
            contribution_link(contribution),
            now,
        )
        if entry is not None and featured:
            entry.featured_at = now
    return contribution


def decline(reviewer: User, contribution_id: int, reason: str, now: datetime | None = None) -> Contribution:
    """Decline a contribution with a reason, which the person is told."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise ContributionError(_l("Give a reason: it is sent to the person who declared it."), "reason")
    if len(reason) > REASON_MAX:
        raise ContributionError(_l("Keep the reason to %(num)s characters.", num=REASON_MAX), "reason")
    _begin_writing()
    with unit_of_work():
        contribution = _decide(
            reviewer, contribution_id, ContributionStatus.DECLINED, now, decline_reason=reason
        )
        person = contribution.user
        record(person, verbs.CONTRIBUTION_DECLINED, "contribution", contribution.id, at=now)
        record(reviewer, verbs.CONTRIBUTION_REVIEW_DECLINED, "contribution", contribution.id, at=now)
        notify(
            person,
            DECLINED_NOTICE,
            {"title": contribution.title, "reason": reason},
            link=contribution_link(contribution),
        ).created_at = now
    return contribution


# --- What pages read ---------------------------------------------------------------


def _newest_first(user_id: int | sa.BindParameter):
    return (
        sa.select(Contribution)
        .where(Contribution.user_id == user_id)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
    )


def contributions_of(user_id: int, limit: int = 5) -> list[sa.Row]:
    """The person's latest contributions, newest first, each its ``id``, ``title`` and ``status``
    (what the profile page lists: plain rows)."""
    return column_rows(_latest_statement(), {"person": user_id, "shown": limit}).all()


@lru_cache(maxsize=1)
def _latest_statement() -> sa.Select:
    """A person's latest contributions, built once: the person and how many are shown are
    parameters."""
    latest = _newest_first(sa.bindparam("person", type_=sa.Integer))
    listed = latest.with_only_columns(Contribution.id, Contribution.title, Contribution.status)
    return listed.limit(sa.bindparam("shown", type_=sa.Integer))


def my_contributions(user_id: int, page: int):
    """A page of the person's contributions, newest first."""
    return paginate(_newest_first(user_id), page, PAGE_SIZE)


def visible_contribution(viewer: User, contribution_id: int) -> Contribution | None:
    """A contribution the viewer may see: their own, any for comms, a validated one for everyone
    (it is on the wall of fame)."""
    contribution = db.session.scalar(
        sa.select(Contribution)
        .where(Contribution.id == contribution_id)
        .options(joinedload(Contribution.user))
    )
    if contribution is None:
        return None
    if (
        contribution.user_id == viewer.id
        or viewer.has_role(Role.COMMS)
        or contribution.status == ContributionStatus.VALIDATED
    ):
        return contribution
    return None


# A contribution with who declared and who reviewed it, by name.
WITH_PEOPLE = tuple(
    joinedload(person).options(*NAME_ONLY) for person in (Contribution.user, Contribution.reviewed_by)
)


def find(contribution_id: int) -> Contribution | None:
    return db.session.scalar(
        sa.select(Contribution).where(Contribution.id == contribution_id).options(*WITH_PEOPLE)
    )


def review_queue(page: int):
    """The contributions waiting for review, oldest first, a page at a time."""
    query = (
        sa.select(Contribution)
        .where(Contribution.status == ContributionStatus.PENDING)
        .options(joinedload(Contribution.user).options(*NAME_ONLY))
        .order_by(Contribution.created_at, Contribution.id)
    )
    return db.paginate(query, page=page, per_page=QUEUE_PAGE_SIZE, error_out=False)


def recently_reviewed(limit: int = RECENTLY_REVIEWED) -> list[Contribution]:
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.status != ContributionStatus.PENDING)
            .options(*WITH_PEOPLE)
            .order_by(Contribution.reviewed_at.desc(), Contribution.id.desc())
            .limit(limit)
        )
    )


def pending_count_query() -> sa.ScalarSelect:
    """How many declared contributions wait for review (the console menu shows it)."""
    return (
        sa.select(sa.func.count(Contribution.id))
        .where(Contribution.status == ContributionStatus.PENDING)
        .scalar_subquery()
    )


def validation_points() -> int:
    """What a validated contribution earns now (the points table, which comms may change)."""
    rule = current_rules().get(verbs.CONTRIBUTION_VALIDATED)
    return rule.points if rule else 0
