"""Challenges for people: which ones they see, joining and leaving, and what a board shows.

A challenge is for everyone when its audience lists are empty; else for the people whose
department, site or one of their ambassador profiles is listed. A cancelled challenge is
hidden from people. Joining is opt-in and leaving is easy: what counts is what a person does
inside the window while taking part (joining again after leaving starts from then, earlier
contributions stay where they were earned).

Boards read ``boards``: the shared parts are cached, the viewer's own part is computed for them
alone. The list of challenges and the home card read the person's standings in a fixed number
of queries, whatever the number of challenges or participants: each challenge's score counts
and group totals are cached shared data (no names), all missing ones computed in one query.

Each action is one unit of work and needs no web page around it: cron and tests call them in a
plain app context.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from base.cache import cache
from base.database import Reading, UTCDateTime, column_rows, db, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.memo import per_request, remember
from base.registry import WEEK, registry
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.challenges import boards, verbs
from blueprints.challenges.models import (
    Challenge,
    ChallengeEntry,
    ChallengeWinner,
    GroupBy,
    Mode,
    Participation,
)
from blueprints.challenges.scoring import board_subject
from blueprints.quiz.services import latest_result, own_personae_of
from blueprints.recognition import periods
from blueprints.recognition.fame import public_name
from blueprints.rewards.catalogue import Localized, localized
from blueprints.rewards.models import RewardKind

LIST_LIMIT = 50  # running or upcoming challenges listed (far more than a programme runs at once)
FINISHED_SHOWN = 10
HOME_SHOWN = 3

RUNNING, UPCOMING, FINISHED = "running", "upcoming", "finished"
WEEK_VIEW, WHOLE_VIEW = "week", "all"
EVERYONE, MY_DEPARTMENT, MY_SITE = "all", "department", "site"
VIEWS = (WEEK_VIEW, WHOLE_VIEW)
SEGMENTS = (EVERYONE, MY_DEPARTMENT, MY_SITE)


class ChallengeError(Exception):
    """A refused action, with a message for the person."""


# --- Texts -------------------------------------------------------------------------------


def title_of(challenge: Challenge) -> Localized:
    return localized(challenge.title_fr, challenge.title_en)


def description_of(challenge: Challenge) -> Localized:
    return localized(challenge.description_fr, challenge.description_en)


def reward_of(challenge: Challenge) -> Localized:
    return localized(challenge.reward_fr, challenge.reward_en)


def metric_label(challenge: Challenge) -> Any:
    metric = registry().metrics.get(challenge.metric)
    return metric.label if metric else challenge.metric


def status_of(challenge: Challenge, now: datetime) -> str:
    if challenge.ends_at <= now:
        return FINISHED
    return UPCOMING if challenge.starts_at > now else RUNNING


# --- Audience ----------------------------------------------------------------------------


def personae_of(user_id: int) -> set[str]:
    """The ambassador profiles the person's latest quiz result presents as theirs (held, and
    primary or "also you": the rule of the quiz pages and of events aimed at personae); the
    result is the one the page read already, if it did."""
    result = latest_result(user_id)
    return result.own_personae() if result is not None else set()


def _empty(column) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.json_array_length(column), 0) == 0


def _holds(column, value: sa.BindParameter, dialect: str) -> sa.ColumnElement:
    """Whether a JSON list column holds the parameter's value (PostgreSQL: jsonb containment;
    SQLite: json_each)."""
    if dialect == "postgresql":
        return sa.cast(column, JSONB).contains(sa.func.jsonb_build_array(value))
    items = sa.func.json_each(column).table_valued("value")
    return sa.exists(sa.select(sa.literal(1)).select_from(items).where(items.c.value == value))


def _holds_an_own_persona(column, dialect: str) -> sa.ColumnElement:
    """Whether a JSON list column of personae holds one the person (the parameter ``person``)
    has, as their latest quiz result presents them."""
    listed = (
        sa.func.jsonb_array_elements_text(sa.cast(column, JSONB))
        if dialect == "postgresql"
        else sa.func.json_each(column)
    )
    items = listed.table_valued("value")
    own = own_personae_of(sa.bindparam("person", type_=sa.Integer))
    return sa.exists(sa.select(sa.literal(1)).select_from(items).where(items.c.value.in_(own)))


def _audience(dialect: str) -> sa.ColumnElement:
    """The condition on challenges a person sees: not cancelled, and for everyone or for their
    department, their site or one of their ambassador profiles (the parameters ``person``, and
    ``department`` and ``site``: ``audience_values``)."""
    everyone = sa.and_(
        _empty(Challenge.audience_departments),
        _empty(Challenge.audience_sites),
        _empty(Challenge.audience_personae),
    )
    theirs = sa.or_(
        everyone,
        _holds(Challenge.audience_departments, sa.bindparam("department", type_=sa.Integer), dialect),
        _holds(Challenge.audience_sites, sa.bindparam("site", type_=sa.Integer), dialect),
        _holds_an_own_persona(Challenge.audience_personae, dialect),
    )
    return sa.and_(Challenge.cancelled_at.is_(None), theirs)


def audience_values(user: User) -> dict:
    """The parameters of the audience condition for this person."""
    return {"person": user.id, "department": user.department_id, "site": user.site_id}


def _taking_part_now() -> sa.Exists:
    """Whether the person (the parameter ``person``) takes part in the challenge now."""
    return sa.exists().where(
        Participation.challenge_id == Challenge.id,
        Participation.user_id == sa.bindparam("person", type_=sa.Integer),
        Participation.left_at.is_(None),
    )


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def in_audience(challenge: Challenge, user: User, personae: Iterable[str] | None = None) -> bool:
    """Whether the challenge is for the person (cancelled or not: see ``visible_challenge``)."""
    departments = challenge.audience_departments or []
    sites = challenge.audience_sites or []
    aimed_at = set(challenge.audience_personae or [])
    if not (departments or sites or aimed_at):
        return True
    if user.department_id in departments or user.site_id in sites:
        return True
    personae = personae_of(user.id) if personae is None else personae
    return bool(aimed_at & set(personae))


def visible_challenge(user: User, challenge_id: int) -> Challenge | None:
    """The challenge if the person may see its page: in their audience and not cancelled (comms
    see every challenge, to check what people see). Read with the person's participation, which
    its page then asks for (``participation_of``)."""
    found = db.session.execute(
        _with_participation_statement(), {"challenge": challenge_id, "person": user.id}
    )
    challenge, participation = found.first() or (None, None)
    if challenge is None:
        return None
    remember(participation_of, user.id, challenge_id, value=participation)
    if user.is_comms:
        return challenge
    if challenge.cancelled_at is not None or not in_audience(challenge, user):
        return None
    return challenge


@lru_cache(maxsize=1)
def _with_participation_statement() -> sa.Select:
    """A challenge and the person's participation in it (None if they never joined), built once."""
    theirs = sa.and_(
        Participation.challenge_id == Challenge.id,
        Participation.user_id == sa.bindparam("person", type_=sa.Integer),
    )
    return (
        sa.select(Challenge, Participation)
        .outerjoin(Participation, theirs)
        .where(Challenge.id == sa.bindparam("challenge", type_=sa.Integer))
    )


# --- Standings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """The person's place in a challenge they take part in.

    Personal: their score and rank (None while nothing counted). Collective: their own
    contribution (``score``), their group (department or site now), its total and rank.
    """

    mode: Mode
    score: int
    rank: int | None
    target: int | None
    group: str | None = None
    group_total: int | None = None

    @property
    def counted(self) -> int:
        """What the target is compared with: the person's score, or their group's total."""
        return self.score if self.mode == Mode.PERSONAL else (self.group_total or 0)


@dataclass(frozen=True, slots=True)
class ChallengeLine:
    """What the list and home show of a challenge (as ``Challenge`` names it), read as plain
    columns: mapped objects, with their audiences and descriptions, cost more to load."""

    id: int
    title_fr: str | None
    title_en: str | None
    mode: Mode
    metric: str
    starts_at: datetime
    ends_at: datetime
    target: int | None
    group_by: GroupBy | None
    reward_kind: RewardKind
    reward_fr: str
    reward_en: str
    cancelled_at: datetime | None


LINE_COLUMNS = tuple(getattr(Challenge, name) for name in ChallengeLine.__slots__)
LINE_SIZE = len(LINE_COLUMNS)


@dataclass(frozen=True)
class Listed:
    challenge: ChallengeLine | Challenge
    status: str
    taking_part: bool
    standing: Standing | None


@dataclass
class Listing:
    running: list[Listed] = field(default_factory=list)
    upcoming: list[Listed] = field(default_factory=list)
    finished: list[Listed] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.running or self.upcoming or self.finished)


def _remember_each(challenge_ids: list[int], variant: str, compute_all: Callable[[list[int]], dict]) -> dict:
    """Each challenge's cached view ``variant``; those missing are computed together, in one query."""
    computed: dict | None = None

    def compute(challenge_id: int):
        nonlocal computed
        if computed is None:
            computed = compute_all(challenge_ids)
        return computed.get(challenge_id, [])

    return {
        challenge_id: cache.remember(board_subject(challenge_id), variant, lambda c=challenge_id: compute(c))
        for challenge_id in challenge_ids
    }


def _score_counts(challenge_ids: list[int]) -> dict[int, list[list[int]]]:
    """For each personal challenge, how many participants have each score (shared data: no one's
    name), whole window."""
    scores = (
        sa.select(
            Participation.challenge_id.label("challenge_id"),
            sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0).label("score"),
        )
        .outerjoin(
            ChallengeEntry,
            sa.and_(
                ChallengeEntry.challenge_id == Participation.challenge_id,
                ChallengeEntry.user_id == Participation.user_id,
            ),
        )
        .where(Participation.challenge_id.in_(challenge_ids), Participation.left_at.is_(None))
        .group_by(Participation.challenge_id, Participation.user_id)
        .subquery()
    )
    counts: dict[int, list[list[int]]] = {challenge_id: [] for challenge_id in challenge_ids}
    rows = db.session.execute(
        sa.select(scores.c.challenge_id, scores.c.score, sa.func.count()).group_by(
            scores.c.challenge_id, scores.c.score
        )
    )
    for challenge_id, score, people in rows:
        counts[challenge_id].append([int(score), int(people)])
    return counts


def _group_totals(challenge_ids: list[int]) -> dict[int, list[list[int]]]:
    """For each collective challenge, each group's total and active members, whole window."""
    group = sa.case(
        (Challenge.group_by == GroupBy.DEPARTMENT, ChallengeEntry.department_id), else_=ChallengeEntry.site_id
    ).label("group_id")
    members = (
        sa.select(ChallengeEntry.challenge_id, group, sa.func.sum(ChallengeEntry.value).label("net"))
        .join(Challenge, Challenge.id == ChallengeEntry.challenge_id)
        .where(ChallengeEntry.challenge_id.in_(challenge_ids), group.is_not(None))
        .group_by(ChallengeEntry.challenge_id, group, ChallengeEntry.user_id)
        .subquery()
    )
    # Active members as boards count them: whose actions still count for the group.
    rows = db.session.execute(
        sa.select(
            members.c.challenge_id,
            members.c.group_id,
            sa.func.sum(members.c.net),
            sa.func.count(sa.case((members.c.net > 0, 1))),
        ).group_by(members.c.challenge_id, members.c.group_id)
    )
    totals: dict[int, list[list[int]]] = {challenge_id: [] for challenge_id in challenge_ids}
    for challenge_id, group_id, total, active in rows:
        totals[challenge_id].append([int(group_id), int(total), int(active)])
    return totals


def group_of(user: User, group_by: GroupBy | None) -> tuple[int | None, str | None]:
    """The person's group now (department or site), its id and name."""
    if group_by == GroupBy.SITE:
        return user.site_id, user.site.label if user.site else None
    return user.department_id, user.department.label if user.department else None


def _group_rank(rows: list[list[int]], group_id: int | None) -> tuple[int | None, int | None]:
    """A group's total and rank by average per active member (1, 2, 2, 4), as boards rank them."""
    averages = {gid: total / active for gid, total, active in rows if active}
    totals = {gid: total for gid, total, _ in rows}
    if group_id not in averages:
        return None, None
    mine = averages[group_id]
    return totals[group_id], 1 + sum(average > mine for average in averages.values())


def _own_score() -> sa.ScalarSelect:
    """The person's score in the challenge, read with it (the parameters ``person``, and
    ``department`` and ``site``, their groups now): all they counted in a personal challenge; in a
    collective one, what they counted for the group they are in now, as its board shows it."""
    entries = ChallengeEntry
    for_their_group = sa.or_(
        Challenge.mode == Mode.PERSONAL,
        sa.and_(
            Challenge.group_by == GroupBy.SITE,
            entries.site_id.is_not_distinct_from(sa.bindparam("site", type_=sa.Integer)),
        ),
        sa.and_(
            Challenge.group_by.is_distinct_from(GroupBy.SITE),
            entries.department_id.is_not_distinct_from(sa.bindparam("department", type_=sa.Integer)),
        ),
    )
    return (
        sa.select(sa.func.coalesce(sa.func.sum(entries.value), 0))
        .where(
            entries.challenge_id == Challenge.id,
            entries.user_id == sa.bindparam("person", type_=sa.Integer),
            for_their_group,
        )
        .correlate(Challenge)
        .scalar_subquery()
    )


def standings(
    user: User, challenges: list[ChallengeLine], taking_part: set[int], now: datetime, scores: dict[int, int]
) -> dict:
    """The person's standing in each started challenge they take part in, from their ``scores``
    (read with the challenges: ``_own_score``), in at most two queries whatever the number of
    challenges or participants (none when cached)."""
    started = [c for c in challenges if c.id in taking_part and c.starts_at <= now]
    if not started:
        return {}
    personal = [c.id for c in started if c.mode == Mode.PERSONAL]
    collective = [c.id for c in started if c.mode == Mode.COLLECTIVE]
    counts = _remember_each(personal, "score-counts", _score_counts) if personal else {}
    totals = _remember_each(collective, "group-totals", _group_totals) if collective else {}
    result = {}
    for challenge in started:
        score = scores.get(challenge.id, 0)
        if challenge.mode == Mode.PERSONAL:
            ahead = sum(people for value, people in counts[challenge.id] if value > score)
            rank = 1 + ahead if score > 0 else None  # nothing counted yet: no rank, no "last"
            result[challenge.id] = Standing(Mode.PERSONAL, score, rank, challenge.target)
        else:
            group_id, group_name = group_of(user, challenge.group_by)
            total, rank = _group_rank(totals[challenge.id], group_id)
            result[challenge.id] = Standing(
                Mode.COLLECTIVE, score, rank, challenge.target, group_name, total or 0
            )
    return result


def challenges_for(user: User, now: datetime | None = None) -> Listing:
    """Running, upcoming and the latest finished challenges of the person's audience, with
    whether they take part and their standing: a fixed number of queries."""
    now = now or utcnow()
    values = {**audience_values(user), "now": now}
    rows = [
        (ChallengeLine(*row[:LINE_SIZE]), *row[LINE_SIZE:])
        for row in column_rows(_listing_statement(_dialect()), values)
    ]
    rows.sort(key=lambda row: _listing_order(row[0], now))
    challenges = [challenge for challenge, _taking_part, _score in rows]
    taking_part = {challenge.id for challenge, taking_part, _score in rows if taking_part}
    scores = {challenge.id: score for challenge, _taking_part, score in rows}
    places = standings(user, challenges, taking_part, now, scores)
    listing = Listing()
    for challenge in challenges:
        status = status_of(challenge, now)
        getattr(listing, status).append(
            Listed(challenge, status, challenge.id in taking_part, places.get(challenge.id))
        )
    return listing


def _listing_order(challenge: ChallengeLine, now: datetime) -> tuple:
    """The list's order: the challenges not over by start, then the finished ones, latest first."""
    if challenge.ends_at > now:
        return (0, challenge.starts_at.timestamp(), challenge.id)
    return (1, -challenge.ends_at.timestamp(), -challenge.id)


@lru_cache(maxsize=2)
def _listing_statement(dialect: str) -> sa.Select:
    """The challenges not over (the first LIST_LIMIT to start) and the latest finished ones of
    the person's audience, each with whether they take part and their score, in one statement
    built once per database (the person, their audience and the moment are parameters)."""
    now = sa.bindparam("now", type_=UTCDateTime)
    listed = sa.select(
        *LINE_COLUMNS, _taking_part_now().label("taking_part"), _own_score().label("own_score")
    ).where(_audience(dialect))
    not_over = listed.where(Challenge.ends_at > now).order_by(Challenge.starts_at, Challenge.id)
    finished = listed.where(Challenge.ends_at <= now).order_by(Challenge.ends_at.desc(), Challenge.id.desc())
    parts = (not_over.limit(LIST_LIMIT), finished.limit(FINISHED_SHOWN))
    both = sa.union_all(*(sa.select(part.subquery()) for part in parts)).subquery()
    return sa.select(both)


@dataclass(frozen=True)
class HomeChallenges:
    mine: list[Listed]  # running challenges the person takes part in, with their standing
    open_to_join: int  # running or upcoming challenges of their audience they have not joined


def home_parameters(user: User, now: datetime, limit: int = HOME_SHOWN) -> dict:
    """The parameters of ``HOME_CHALLENGES`` for the person."""
    return {**audience_values(user), "now": now, "shown": limit}


def home_challenges_of(user: User, rows: list[tuple], now: datetime) -> HomeChallenges:
    """The home card from the rows of ``HOME_CHALLENGES``: the person's running challenges (as
    many as the parameter ``shown``) with their progress, or how many they could join (their
    standings are cached shared data, or read in one query)."""
    mine = [challenge for challenge, joined, _score, _open in rows if joined]
    if mine:
        scores = {challenge.id: score for challenge, _joined, score, _open in rows}
        places = standings(user, mine, {c.id for c in mine}, now, scores)
        return HomeChallenges([Listed(c, RUNNING, True, places.get(c.id)) for c in mine], 0)
    return HomeChallenges([], rows[0][3] if rows else 0)


def _home_rows(rows: list, _parameters: dict) -> list[tuple]:
    """Each row as (challenge, joined, score, how many are open to join), in the statement's order."""
    lines = [(ChallengeLine(*row[:LINE_SIZE]), *row[LINE_SIZE:]) for row in rows]
    lines.sort(key=lambda line: (not line[1], line[0].ends_at, line[0].id))
    return lines


@lru_cache(maxsize=2)
def _home_statement(dialect: str) -> sa.Select:
    """The person's running challenges first (as many as are shown) with their scores, each row
    also counting the challenges of their audience not over that they have not joined; built
    once per database (the person, their audience, the moment and how many are shown are
    parameters)."""
    now = sa.bindparam("now", type_=UTCDateTime)
    joined = _taking_part_now()
    not_joined = sa.case((joined, 0), else_=1)
    return (
        sa.select(
            *LINE_COLUMNS,
            joined.label("joined"),
            _own_score().label("own_score"),
            sa.func.sum(not_joined).over().label("open_to_join"),
        )
        .where(_audience(dialect), Challenge.ends_at > now, sa.or_(~joined, Challenge.starts_at <= now))
        .order_by(not_joined, Challenge.ends_at, Challenge.id)
        .limit(sa.bindparam("shown", type_=sa.Integer))
    )


# The person's running challenges and how many others are open to them (``home_parameters``):
# home reads them with its other facts.
HOME_CHALLENGES = Reading(lambda: _home_statement(_dialect()), _home_rows)


# --- Joining and leaving -----------------------------------------------------------------


@per_request
def participation_of(user_id: int, challenge_id: int) -> Participation | None:
    """The person's participation (also one they left), if any; read once for a page (its board
    and join panel both ask)."""
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.user_id == user_id, Participation.challenge_id == challenge_id
        )
    )


def _joinable(challenge: Challenge | None, user: User, now: datetime) -> Challenge:
    if challenge is None or (challenge.cancelled_at is None and not in_audience(challenge, user)):
        raise ChallengeError(_l("This challenge is for other teams: it cannot be joined from your account."))
    if challenge.cancelled_at is not None:
        raise ChallengeError(_l("This challenge has been cancelled."))
    if challenge.ends_at <= now:
        raise ChallengeError(_l("This challenge is finished: it can no longer be joined."))
    return challenge


def join(user: User, challenge_id: int, now: datetime | None = None) -> Participation:
    """Take part (before the start too); what counts is what the person does from now on.

    Joining again after leaving starts from now: the actions in between never count, those
    counted before stay. Joining twice changes nothing.
    """
    now = now or utcnow()
    try:
        with unit_of_work():
            challenge = _joinable(db.session.get(Challenge, challenge_id), user, now)
            participation = participation_of(user.id, challenge.id)
            if participation is not None and participation.left_at is None:
                return participation
            if participation is None:
                participation = Participation(challenge_id=challenge.id, user_id=user.id, joined_at=now)
                db.session.add(participation)
            else:
                participation.joined_at, participation.left_at = now, None
            db.session.flush()
            record(user, verbs.CHALLENGE_JOINED, "challenge", challenge.id, at=now)
            cache.bump_after_commit(board_subject(challenge.id))
    except IntegrityError:  # a double click: the other click joined first
        return participation_of(user.id, challenge_id)
    return participation


def leave(user: User, challenge_id: int, now: datetime | None = None) -> Participation:
    """Stop taking part: the person leaves the board; nothing they do from now on counts."""
    now = now or utcnow()
    with unit_of_work():
        challenge = db.session.get(Challenge, challenge_id)
        participation = participation_of(user.id, challenge_id) if challenge else None
        if participation is None or participation.left_at is not None:
            raise ChallengeError(_l("You are not taking part in this challenge."))
        if challenge.ends_at <= now:
            raise ChallengeError(_l("This challenge is finished: its final board stays as it is."))
        participation.left_at = now
        record(user, verbs.CHALLENGE_LEFT, "challenge", challenge.id, at=now)
        cache.bump_after_commit(board_subject(challenge.id))
    return participation


@dataclass(frozen=True)
class JoinPanel:
    """What the join panel offers the person."""

    challenge: Challenge
    status: str
    taking_part: bool
    joined_at: datetime | None
    can_join: bool
    for_others: bool  # comms looking at a challenge that is not for them
    cancelled: bool


def join_panel(challenge: Challenge, user: User, now: datetime | None = None) -> JoinPanel:
    now = now or utcnow()
    participation = participation_of(user.id, challenge.id)
    taking_part = participation is not None and participation.left_at is None
    for_others = not in_audience(challenge, user)
    status = status_of(challenge, now)
    cancelled = challenge.cancelled_at is not None
    return JoinPanel(
        challenge,
        status,
        taking_part,
        participation.joined_at if taking_part else None,
        not taking_part and not for_others and not cancelled and status != FINISHED,
        for_others,
        cancelled,
    )


# --- Boards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A row of a personal board (people with nothing counted are not listed)."""

    rank: int
    position: int
    name: str
    score: int
    is_viewer: bool


@dataclass(frozen=True)
class GroupRow:
    group_id: int
    name: str
    total: int
    active: int
    average: float
    rank: int
    is_mine: bool
    progress: float | None  # share of the target (above 1 beyond it); None without one


@dataclass
class Board:
    challenge: Challenge
    status: str
    view: str
    segment: str
    views: list[str]  # the views offered (none to choose when only one)
    segments: list[str]
    period: tuple[datetime, datetime]  # what the board counts, [start, end)
    participants: int = 0
    rows: list[Row] = field(default_factory=list)
    mine: list[Row] = field(default_factory=list)  # the viewer and neighbours, below the top
    viewer_score: int | None = None  # the viewer's score when they take part and are not listed
    groups: list[GroupRow] = field(default_factory=list)
    my_group: str | None = None  # the viewer's group's name, for collective boards
    my_group_listed: bool = False
    my_share: int | None = None  # what the viewer counted for their group (theirs alone)
    winners: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.status != UPCOMING

    @property
    def gap(self) -> bool:
        """Whether rows are left out between the top and the viewer's neighbours."""
        return bool(self.rows and self.mine and self.mine[0].position > self.rows[-1].position + 1)


def _views(challenge: Challenge, now: datetime) -> list[str]:
    """The views offered: "this week" too for a running challenge longer than a week."""
    if challenge.ends_at - challenge.starts_at > timedelta(days=7) and status_of(challenge, now) == RUNNING:
        return [WEEK_VIEW, WHOLE_VIEW]
    return [WHOLE_VIEW]


def _segments(challenge: Challenge, viewer: User) -> list[str]:
    if challenge.mode == Mode.COLLECTIVE:
        return [EVERYONE]
    segments = [EVERYONE]
    if viewer.department_id is not None:
        segments.append(MY_DEPARTMENT)
    if viewer.site_id is not None:
        segments.append(MY_SITE)
    return segments


def board_choices(challenge: Challenge, viewer: User, view: str | None, segment: str | None, now=None):
    """The view and segment to show: those asked for when offered, else the defaults (this week
    for a running personal challenge longer than a week, everyone)."""
    now = now or utcnow()
    views, segments = _views(challenge, now), _segments(challenge, viewer)
    default_view = WEEK_VIEW if WEEK_VIEW in views and challenge.mode == Mode.PERSONAL else WHOLE_VIEW
    return (
        view if view in views else default_view,
        segment if segment in segments else EVERYONE,
        views,
        segments,
    )


def _scope(challenge: Challenge, viewer: User, view: str, segment: str, now: datetime) -> boards.Scope:
    start = end = None
    if view == WEEK_VIEW:
        week_start, week_end = periods.bounds(WEEK, now)
        start, end = max(week_start, challenge.starts_at), min(week_end, challenge.ends_at)
    if segment == MY_DEPARTMENT:
        return boards.Scope(start, end, GroupBy.DEPARTMENT, viewer.department_id)
    if segment == MY_SITE:
        return boards.Scope(start, end, GroupBy.SITE, viewer.site_id)
    return boards.Scope(start, end)


def board(
    challenge: Challenge,
    viewer: User,
    view: str | None = None,
    segment: str | None = None,
    now: datetime | None = None,
) -> Board:
    """What a challenge's page shows to a viewer: the board of the chosen view and segment (the
    shared part from the cache), the viewer's own rows or share, and the winners once closed."""
    now = now or utcnow()
    view, segment, views, segments = board_choices(challenge, viewer, view, segment, now)
    scope = _scope(challenge, viewer, view, segment, now)
    result = Board(
        challenge,
        status_of(challenge, now),
        view,
        segment,
        views,
        segments,
        (scope.start or challenge.starts_at, scope.end or challenge.ends_at),
    )
    if not result.started:
        return result
    if challenge.mode == Mode.PERSONAL:
        _personal(result, viewer, scope)
    else:
        _collective(result, viewer, scope)
    return result


def _personal(result: Board, viewer: User, scope: boards.Scope) -> None:
    challenge_id = result.challenge.id
    result.participants = boards.participants(challenge_id)
    top = [row for row in boards.top(challenge_id, scope) if row.score > 0]
    around = []
    if viewer.id not in {row.user_id for row in top}:
        around = boards.around(challenge_id, scope, viewer.id)
        below = top[-1].position if top else 0
        mine = next((row for row in around if row.user_id == viewer.id), None)
        if mine is not None and mine.score <= 0:
            result.viewer_score = 0
            around = []
        around = [row for row in around if row.position > below and row.score > 0]
    winners = _winner_rows(challenge_id) if result.challenge.closed_at else []
    people = _people({row.user_id for row in [*top, *around]} | {row.user_id for row in winners})

    def row_of(standing: boards.Standing) -> Row:
        person = people.get(standing.user_id)
        return Row(
            standing.rank,
            standing.position,
            public_name(person, viewer),
            standing.score,
            standing.user_id == viewer.id,
        )

    result.rows = [row_of(row) for row in top]
    result.mine = [row_of(row) for row in around]
    result.winners = [public_name(people.get(row.user_id), viewer) for row in winners if row.user_id]


def _collective(result: Board, viewer: User, scope: boards.Scope) -> None:
    challenge = result.challenge
    group_by = challenge.group_by or GroupBy.DEPARTMENT
    standings_ = boards.groups(challenge.id, group_by, scope)
    my_group_id, result.my_group = group_of(viewer, group_by)
    winners = _winner_rows(challenge.id) if challenge.closed_at else []
    names = {row.group_id: row.group.label for row in standings_}
    if missing := {row.group_id for row in winners} - names.keys():  # winners the board no longer lists
        names |= {group_id: group.label for group_id, group in boards.group_names(group_by, missing).items()}
    target = challenge.target if result.view == WHOLE_VIEW else None
    result.groups = [
        GroupRow(
            row.group_id,
            names.get(row.group_id, "?"),
            row.total,
            row.active,
            row.average,
            row.rank,
            row.group_id == my_group_id,
            row.total / target if target else None,
        )
        for row in standings_
    ]
    result.my_group_listed = any(row.is_mine for row in result.groups)
    if my_group_id is not None and participation_of(viewer.id, challenge.id) is not None:
        result.my_share = boards.my_share(challenge.id, group_by, my_group_id, viewer.id, scope)
    result.winners = [names.get(row.group_id, "?") for row in winners if row.group_id is not None]


def _winner_rows(challenge_id: int) -> list[ChallengeWinner]:
    return list(
        db.session.scalars(
            sa.select(ChallengeWinner)
            .where(ChallengeWinner.challenge_id == challenge_id)
            .order_by(ChallengeWinner.rank, ChallengeWinner.id)
        )
    )


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {person.id: person for person in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
