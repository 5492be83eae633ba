"""The programme's figures for comms, read from the weekly roll-ups and a few small tables.

Every function takes the period (4, 12 or 52 weeks), a segment (everyone, a department, a
site) and the moment it is asked (``now``), runs a fixed number of queries whatever the data
size, and returns plain dataclasses of computed numbers: the page draws them as a chart and
a table and formats them in the reader's language. A ratio whose denominator is 0 is None.

The period is made of whole programme weeks (Monday 00:00 in the programme's time zone): the
``period_weeks`` weeks before the current one, which is not over yet (``period_of``).

Segments: what has a person dimension (activity, return, reach, points) is counted in the
department or site the person belonged to at the time of the action, as the log stores it;
a person who moved counts in their old group for the old weeks. The headcount a share is
taken of ("employees") is the people active on the site today, in the segment today: the log
keeps no history of the company's size. Reward redemptions use the person's current group.
Events, mentoring and challenges are programme-wide (their figures say so: ``segment`` is
``EVERYONE``): a capacity or an audience belongs to no one group.

Each function computes on every call; ``remembered(figure, period_weeks, segment)`` keeps its
result in the shared cache until the roll-ups are next rebuilt (hourly) or CACHED_FOR seconds,
and runs no query when it finds it: what a page calls.
"""

from collections import defaultdict
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from base.cache import cache
from base.database import db, utcnow
from base.vocabularies import NETWORKS, THEMES
from blueprints.accounts.models import User
from blueprints.activity.services import PARTICIPATION_NORMS
from blueprints.analytics.models import PeopleWeek, PointsWeek, ReachWeek, WeekBuilt
from blueprints.analytics.rollups import SUBJECT
from blueprints.challenges.models import Challenge, ChallengeEntry, Mode, Participation
from blueprints.content.models import ContentItem
from blueprints.events.catalogue import KINDS
from blueprints.events.models import Event, EventStatus, Registration, RegistrationStatus
from blueprints.mentoring.models import MentoringPair, PairStatus
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.recognition.catalogue import rule_label
from blueprints.recognition.periods import start_of, week_of
from blueprints.rewards.models import Redemption, RedemptionStatus, Reward

PERIODS = (4, 12, 52)  # the periods the page offers, in weeks
ONE_WEEK = timedelta(days=7)
TOP_ITEMS = 10
NO_PERSONA = ""  # the persona column of people without a profile
# The baseline comms compare with: left alone, 1 % of people create, 9 % react, 90 % watch; good
# programmes reach 10 % to 70 % active ("create", "react", "watch", "low", "high").
BASELINE = PARTICIPATION_NORMS

ALL, DEPARTMENT, SITE = "all", "department", "site"


@dataclass(frozen=True)
class Segment:
    """Whose figures: everyone, one department or one site (by id)."""

    kind: str = ALL
    id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in (ALL, DEPARTMENT, SITE):
            raise ValueError(f"unknown segment {self.kind!r}")
        if (self.kind == ALL) != (self.id is None):
            raise ValueError("a department or site segment needs an id, everyone has none")


EVERYONE = Segment()


@dataclass(frozen=True)
class Period:
    """Whole programme weeks, oldest first; [start, end) in UTC."""

    weeks: tuple[date, ...]  # their Mondays
    start: datetime
    end: datetime


def period_of(period_weeks: int, now: datetime | None = None) -> Period:
    """The ``period_weeks`` whole weeks before the current one."""
    if period_weeks not in PERIODS:
        raise ValueError(f"a period is one of {PERIODS} weeks, not {period_weeks!r}")
    this_week = week_of(now or utcnow())
    weeks = tuple(this_week - ONE_WEEK * back for back in range(period_weeks, 0, -1))
    return Period(weeks, start_of(weeks[0]), start_of(this_week))


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _in_period(column, period: Period) -> sa.ColumnElement:
    return sa.and_(column >= period.weeks[0], column <= period.weeks[-1])


def _in_segment(model, segment: Segment) -> sa.ColumnElement:
    """Rows of the segment: a roll-up (the group at the time) or ``User`` (the group today)."""
    if segment.kind == DEPARTMENT:
        return model.department_id == segment.id
    if segment.kind == SITE:
        return model.site_id == segment.id
    return sa.true()


def _employees(segment: Segment) -> int:
    """The people active on the site today, in the segment today."""
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.active, _in_segment(User, segment)))


def refreshed_at() -> datetime | None:
    """When the roll-ups were last rebuilt (None: never; figures are then all zero)."""
    return db.session.scalar(sa.select(sa.func.max(WeekBuilt.refreshed_at)))


# --- Active ambassadors ------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveWeek:
    week: date  # its Monday
    active: int  # did something themselves (any verb but the passive ones)
    creators: int  # shared, suggested or contributed
    reactors: int  # liked or attended, and created nothing
    watchers: int  # everyone else: employees − creators − reactors (never below 0)
    active_share: float | None  # of employees
    creator_share: float | None
    reactor_share: float | None
    watcher_share: float | None


@dataclass(frozen=True)
class ActiveFigures:
    period: Period
    segment: Segment
    employees: int
    weeks: list[ActiveWeek]  # every week of the period, oldest first
    baseline: dict  # BASELINE


def active_weeks(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> ActiveFigures:
    """Active people per week against the 1 % / 9 % / 90 % baseline (two queries)."""
    period = period_of(period_weeks, now)
    employees = _employees(segment)
    people = (
        sa.select(
            PeopleWeek.week.label("week"),
            sa.func.sum(PeopleWeek.created).label("created"),
            sa.func.sum(PeopleWeek.reacted).label("reacted"),
        )
        .where(_in_period(PeopleWeek.week, period), _in_segment(PeopleWeek, segment))
        .group_by(PeopleWeek.week, PeopleWeek.user_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            people.c.week,
            sa.func.count(),
            sa.func.count(sa.case((people.c.created > 0, 1))),
            sa.func.count(sa.case((sa.and_(people.c.created == 0, people.c.reacted > 0), 1))),
        ).group_by(people.c.week)
    )
    counts = {week: (active, creators, reactors) for week, active, creators, reactors in rows}
    weeks = []
    for week in period.weeks:
        active, creators, reactors = counts.get(week, (0, 0, 0))
        watchers = max(employees - creators - reactors, 0)
        weeks.append(
            ActiveWeek(
                week,
                active,
                creators,
                reactors,
                watchers,
                ratio(active, employees),
                ratio(creators, employees),
                ratio(reactors, employees),
                ratio(watchers, employees),
            )
        )
    return ActiveFigures(period, segment, employees, weeks, dict(BASELINE))


# --- Weekly return -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnWeek:
    week: date
    active: int  # active that week
    returned: int  # of them, active the next week too
    rate: float | None  # returned / active


@dataclass(frozen=True)
class ReturnFigures:
    period: Period
    segment: Segment
    employees: int
    weeks: list[ReturnWeek]  # every week of the period but the last (its next week is not over)
    every_week: int  # people active in every week of the period: the programme's goal
    every_week_share: float | None  # of employees


def weekly_return(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> ReturnFigures:
    """Who comes back the next week, and who came every week (two queries). In a segment, a
    person counts in the weeks they acted in it."""
    period = period_of(period_weeks, now)
    employees = _employees(segment)
    number = sa.case(*[(PeopleWeek.week == week, n) for n, week in enumerate(period.weeks)])
    active = (
        sa.select(number.label("number"), PeopleWeek.user_id.label("user_id"))
        .where(_in_period(PeopleWeek.week, period), _in_segment(PeopleWeek, segment))
        .distinct()
        .subquery()
    )
    # Each person's weeks in order: the week after is the next one they were active in.
    following = sa.func.lead(active.c.number).over(partition_by=active.c.user_id, order_by=active.c.number)
    marked = sa.select(
        active.c.number,
        sa.case((following == active.c.number + 1, 1)).label("returned"),
        sa.func.count().over(partition_by=active.c.user_id).label("weeks"),
    ).subquery()
    rows = db.session.execute(
        sa.select(
            marked.c.number,
            sa.func.count(),
            sa.func.count(marked.c.returned),
            sa.func.count(sa.case((marked.c.weeks == len(period.weeks), 1))),
        ).group_by(marked.c.number)
    ).all()
    counts = {n: (count, returned) for n, count, returned, _ in rows}
    regular = max((every for *_, every in rows), default=0)  # the same in each week
    weeks = []
    for n, week in enumerate(period.weeks[:-1]):
        count, returned = counts.get(n, (0, 0))
        weeks.append(ReturnWeek(week, count, returned, ratio(returned, count)))
    return ReturnFigures(period, segment, employees, weeks, regular, ratio(regular, employees))


# --- Reach -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    key: object  # the week (date), theme, persona ("" for none) or network key; "" for the total
    shares: int
    clicks: int
    click_through: float | None  # clicks per share


@dataclass(frozen=True)
class TopItem:
    item_id: int
    title: str
    shares: int
    clicks: int
    click_through: float | None


@dataclass(frozen=True)
class ReachFigures:
    period: Period
    segment: Segment
    total: ReachRow
    by_week: list[ReachRow]  # every week of the period, oldest first
    by_theme: list[ReachRow]  # every theme in THEMES' order (then any other key met)
    by_persona: list[ReachRow]  # every persona in their fixed order, then "" (no profile)
    by_network: list[ReachRow]  # every network in NETWORKS' order (then any other key met)
    top_items: list[TopItem]  # the TOP_ITEMS most clicked items (then most shared, then by id)


def _rows(sums: dict, keys) -> list[ReachRow]:
    """A row per key, in order, then the keys met that the vocabulary no longer lists."""
    known = list(keys)
    rows = []
    for key in [*known, *sorted(key for key in sums if key not in known)]:
        shares, clicks = sums.get(key, (0, 0))
        rows.append(ReachRow(key, shares, clicks, ratio(clicks, shares)))
    return rows


def reach(period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None) -> ReachFigures:
    """Shares and clicks of the period by week, theme, persona and network, and the top items
    (two queries). Clicks count in the week of the click."""
    period = period_of(period_weeks, now)
    in_scope = sa.and_(_in_period(ReachWeek.week, period), _in_segment(ReachWeek, segment))
    shares, clicks = sa.func.sum(ReachWeek.shares), sa.func.sum(ReachWeek.clicks)
    sums = {dimension: defaultdict(lambda: [0, 0]) for dimension in ("week", "theme", "persona", "network")}
    for week, theme, persona, network, shared, clicked in db.session.execute(
        sa.select(ReachWeek.week, ReachWeek.theme, ReachWeek.persona, ReachWeek.network, shares, clicks)
        .where(in_scope)
        .group_by(ReachWeek.week, ReachWeek.theme, ReachWeek.persona, ReachWeek.network)
    ):
        for dimension, key in (("week", week), ("theme", theme), ("persona", persona), ("network", network)):
            sums[dimension][key][0] += int(shared)
            sums[dimension][key][1] += int(clicked)
    total_shares = sum(shared for shared, _ in sums["week"].values())
    total_clicks = sum(clicked for _, clicked in sums["week"].values())
    shares, clicks = shares.label("shares"), clicks.label("clicks")
    top = db.session.execute(
        sa.select(ReachWeek.item_id, ContentItem.title, shares, clicks)
        .join(ContentItem, ContentItem.id == ReachWeek.item_id)
        .where(in_scope)
        .group_by(ReachWeek.item_id, ContentItem.title)
        .order_by(clicks.desc(), shares.desc(), ReachWeek.item_id)
        .limit(TOP_ITEMS)
    )
    return ReachFigures(
        period,
        segment,
        ReachRow("", total_shares, total_clicks, ratio(total_clicks, total_shares)),
        _rows(sums["week"], period.weeks),
        _rows(sums["theme"], list(THEMES)),
        _rows(sums["persona"], [*PERSONA_KEYS, NO_PERSONA]),
        _rows(sums["network"], list(NETWORKS)),
        [
            TopItem(item_id, title, int(shared), int(clicked), ratio(int(clicked), int(shared)))
            for item_id, title, shared, clicked in top
        ],
    )


# --- Editorial line ----------------------------------------------------------------------


@dataclass(frozen=True)
class EditorialRow:
    theme: str
    shares: tuple[int, ...]  # by persona, in the order of EditorialLine.personae
    total: int


@dataclass(frozen=True)
class EditorialLine:
    period: Period
    segment: Segment
    personae: tuple[str, ...]  # the columns: every persona in their fixed order, then "" (no profile)
    rows: list[EditorialRow]  # every theme in THEMES' order, then any other theme met
    totals: tuple[int, ...]  # by persona
    total: int


def editorial_line(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> EditorialLine:
    """Which themes each persona shares: shares of the period, themes × personae (one query)."""
    period = period_of(period_weeks, now)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for theme, persona, shares in db.session.execute(
        sa.select(ReachWeek.theme, ReachWeek.persona, sa.func.sum(ReachWeek.shares))
        .where(_in_period(ReachWeek.week, period), _in_segment(ReachWeek, segment))
        .group_by(ReachWeek.theme, ReachWeek.persona)
    ):
        counts[theme][persona] = int(shares)
    personae = (*PERSONA_KEYS, NO_PERSONA)
    personae += tuple(sorted({p for row in counts.values() for p in row} - set(personae)))
    themes = [*THEMES, *sorted(set(counts) - set(THEMES))]
    rows = []
    for theme in themes:
        shares = tuple(counts.get(theme, {}).get(persona, 0) for persona in personae)
        rows.append(EditorialRow(theme, shares, sum(shares)))
    totals = tuple(sum(row.shares[column] for row in rows) for column in range(len(personae)))
    return EditorialLine(period, segment, personae, rows, totals, sum(totals))


# --- Events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventKindFigures:
    kind: str  # a key of events.catalogue.KINDS; "" in the total row
    events: int  # started in the period, not cancelled
    limited_events: int  # of them, with a capacity
    capacity: int  # the seats of the limited ones
    confirmed: int  # confirmed registrations now, all events
    confirmed_limited: int  # at the limited ones
    fill_rate: float | None  # confirmed_limited / capacity
    past_events: int  # over by now: their attendance is taken
    confirmed_past: int
    attended: int  # marked present, at past events
    attendance_rate: float | None  # attended / confirmed_past
    no_shows: int  # confirmed_past − attended
    waitlisted: int  # registrations ever put on the waiting list: the demand beyond the seats
    promoted: int  # of them, given a seat and still confirmed
    still_waiting: int  # of them, still on the list (at a past event: never got a seat)


@dataclass(frozen=True)
class EventsFigures:
    period: Period
    segment: Segment  # EVERYONE: programme-wide
    kinds: list[EventKindFigures]  # every kind in KINDS' order, then any other kind met
    total: EventKindFigures


def events_figures(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> EventsFigures:
    """Fill and attendance of the events that started in the period, by kind (one query).
    Programme-wide: the segment is not applied."""
    now = now or utcnow()
    period = period_of(period_weeks, now)
    chosen = sa.and_(
        Event.starts_at >= period.start, Event.starts_at < period.end, Event.status != EventStatus.CANCELLED
    )
    status, confirmed = Registration.status, Registration.status == RegistrationStatus.CONFIRMED
    ever_waiting = Registration.waitlisted_at.is_not(None)
    registrations = (
        sa.select(
            Registration.event_id.label("event_id"),
            sa.func.count(sa.case((confirmed, 1))).label("confirmed"),
            sa.func.count(sa.case((sa.and_(confirmed, Registration.attended), 1))).label("attended"),
            sa.func.count(sa.case((ever_waiting, 1))).label("waitlisted"),
            sa.func.count(sa.case((sa.and_(ever_waiting, confirmed), 1))).label("promoted"),
            sa.func.count(sa.case((status == RegistrationStatus.WAITLISTED, 1))).label("waiting"),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(chosen)
        .group_by(Registration.event_id)
        .subquery()
    )
    past, limited = Event.ends_at <= now, Event.capacity.is_not(None)

    def total(column, condition=None):
        value = sa.func.coalesce(column, 0)
        return sa.func.coalesce(
            sa.func.sum(value if condition is None else sa.case((condition, value), else_=0)), 0
        )

    rows = db.session.execute(
        sa.select(
            Event.kind,
            sa.func.count(Event.id),
            sa.func.count(Event.capacity),
            total(Event.capacity),
            total(registrations.c.confirmed),
            total(registrations.c.confirmed, limited),
            sa.func.count(sa.case((past, 1))),
            total(registrations.c.confirmed, past),
            total(registrations.c.attended, past),
            total(registrations.c.waitlisted),
            total(registrations.c.promoted),
            total(registrations.c.waiting),
        )
        .outerjoin(registrations, registrations.c.event_id == Event.id)
        .where(chosen)
        .group_by(Event.kind)
    )
    found = {kind: [int(value) for value in values] for kind, *values in rows}
    kinds = [
        _event_kind(kind, found.get(kind, [0] * 11)) for kind in [*KINDS, *sorted(set(found) - set(KINDS))]
    ]
    sums = [sum(values) for values in zip(*(found.get(kind.kind, [0] * 11) for kind in kinds), strict=True)]
    return EventsFigures(period, EVERYONE, kinds, _event_kind("", sums or [0] * 11))


def _event_kind(kind: str, values: list[int]) -> EventKindFigures:
    events, limited, capacity, confirmed, confirmed_limited, past, confirmed_past, attended = values[:8]
    waitlisted, promoted, waiting = values[8:]
    return EventKindFigures(
        kind,
        events,
        limited,
        capacity,
        confirmed,
        confirmed_limited,
        ratio(confirmed_limited, capacity),
        past,
        confirmed_past,
        attended,
        ratio(attended, confirmed_past),
        confirmed_past - attended,
        waitlisted,
        promoted,
        waiting,
    )


# --- Mentoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MentoringFigures:
    period: Period
    segment: Segment  # EVERYONE: programme-wide
    active_pairs: int  # now
    waiting: int  # proposals waiting for an answer now
    longest_wait_days: float | None  # the oldest waiting proposal's age now, in days
    started: int  # pairs started in the period
    median_days_to_start: float | None  # from request to start, over those pairs


def _days_between(start, end) -> sa.ColumnElement:
    """``end - start`` in days (with the fraction), in SQL."""
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def _aware(moment) -> datetime | None:
    """A timestamp read through an aggregate (SQLite may give it back as text, without a zone)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def mentoring_figures(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> MentoringFigures:
    """Pairs now, and how long a match took for the pairs started in the period (two queries:
    the median is taken in the database, from the middle one or two rows). Programme-wide."""
    now = now or utcnow()
    period = period_of(period_weeks, now)
    status = MentoringPair.status
    active, waiting, oldest = db.session.execute(
        sa.select(
            sa.func.count(sa.case((status == PairStatus.ACTIVE, 1))),
            sa.func.count(sa.case((status == PairStatus.PROPOSED, 1))),
            sa.func.min(sa.case((status == PairStatus.PROPOSED, MentoringPair.requested_at))),
        )
    ).one()
    days = _days_between(MentoringPair.requested_at, MentoringPair.started_at)
    ranked = (
        sa.select(
            days.label("days"),
            sa.func.row_number().over(order_by=(days, MentoringPair.id)).label("number"),
            sa.func.count().over().label("started"),
        )
        .where(MentoringPair.started_at >= period.start, MentoringPair.started_at < period.end)
        .subquery()
    )
    middle = ranked.c.number.in_([(ranked.c.started + 1) // 2, (ranked.c.started + 2) // 2])
    started, median = db.session.execute(
        sa.select(sa.func.max(ranked.c.started), sa.func.avg(sa.case((middle, ranked.c.days))))
    ).one()
    oldest = _aware(oldest)
    return MentoringFigures(
        period,
        EVERYONE,
        active,
        waiting,
        (now - oldest).total_seconds() / 86400 if oldest else None,
        started or 0,
        float(median) if median is not None else None,
    )


# --- Challenges --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeRow:
    challenge_id: int
    title_fr: str | None  # the page shows one with rewards.catalogue.localized(fr, en)
    title_en: str | None
    mode: str  # "personal" or "collective"
    metric: str  # a key of the registry's metrics
    starts_at: datetime
    ends_at: datetime
    target: int | None
    participants: int  # taking part (joined and not left)
    audience: int  # the active people it is for, today
    participation_rate: float | None  # participants / audience
    completed: int | None  # personal with a target: participants at or above it; else None
    completion_rate: float | None  # completed / participants


@dataclass(frozen=True)
class ChallengesFigures:
    period: Period
    segment: Segment  # EVERYONE: programme-wide
    challenges: list[ChallengeRow]  # not cancelled, window overlapping the period; by start
    people: int  # distinct people taking part in at least one of them
    employees: int
    people_share: float | None  # people / employees


def challenges_figures(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> ChallengesFigures:
    """Participation and completion of the challenges running during the period (five
    queries). The audience is counted as the challenges console counts it: active people of
    the departments and sites named, or holding a persona named, or everyone. Programme-wide."""
    period = period_of(period_weeks, now)
    challenges = list(
        db.session.scalars(
            sa.select(Challenge)
            .where(
                Challenge.cancelled_at.is_(None),
                Challenge.starts_at < period.end,
                Challenge.ends_at > period.start,
            )
            .order_by(Challenge.starts_at, Challenge.id)
        )
    )
    ids = [challenge.id for challenge in challenges]
    # Scores are summed only where a target makes them matter (personal challenges with one).
    targeted = [c.id for c in challenges if c.mode == Mode.PERSONAL and c.target is not None]
    taking_part = sa.and_(Participation.challenge_id.in_(ids), Participation.left_at.is_(None))
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
                ChallengeEntry.challenge_id.in_(targeted),
            ),
        )
        .where(taking_part)
        .group_by(Participation.challenge_id, Participation.user_id)
        .subquery()
    )
    reached = sa.and_(
        Challenge.mode == Mode.PERSONAL, Challenge.target.is_not(None), scores.c.score >= Challenge.target
    )
    counts = {
        challenge_id: (participants, completed)
        for challenge_id, participants, completed in db.session.execute(
            sa.select(scores.c.challenge_id, sa.func.count(), sa.func.count(sa.case((reached, 1))))
            .join(Challenge, Challenge.id == scores.c.challenge_id)
            .group_by(scores.c.challenge_id)
        )
    }
    people, employees = db.session.execute(
        sa.select(
            sa.select(sa.func.count(sa.distinct(Participation.user_id))).where(taking_part).scalar_subquery(),
            sa.select(sa.func.count(User.id)).where(User.active).scalar_subquery(),
        )
    ).one()
    audience = _audiences(challenges)
    rows = []
    for challenge in challenges:
        participants, completed = counts.get(challenge.id, (0, 0))
        has_target = challenge.mode == Mode.PERSONAL and challenge.target is not None
        rows.append(
            ChallengeRow(
                challenge.id,
                challenge.title_fr,
                challenge.title_en,
                challenge.mode.value,
                challenge.metric,
                challenge.starts_at,
                challenge.ends_at,
                challenge.target,
                participants,
                audience[challenge.id],
                ratio(participants, audience[challenge.id]),
                completed if has_target else None,
                ratio(completed, participants) if has_target else None,
            )
        )
    return ChallengesFigures(period, EVERYONE, rows, people, employees, ratio(people, employees))


def _audiences(challenges: list[Challenge]) -> dict[int, int]:
    """Each challenge's audience (two grouped queries: active people by department and site, and
    the holders of the personae the challenges name, by department, site and personae held)."""
    groups = db.session.execute(
        sa.select(User.department_id, User.site_id, sa.func.count(User.id))
        .where(User.active)
        .group_by(User.department_id, User.site_id)
    ).all()
    wanted = sorted({persona for challenge in challenges for persona in challenge.audience_personae or []})
    latest = sa.select(sa.func.max(QuizResult.id)).group_by(QuizResult.user_id)
    holders = (
        sa.select(
            User.department_id.label("department_id"),
            User.site_id.label("site_id"),
            sa.func.aggregate_strings(PersonaScore.persona, " ").label("personae"),
        )
        .join(QuizResult, QuizResult.user_id == User.id)
        .join(PersonaScore, PersonaScore.result_id == QuizResult.id)
        .where(
            User.active,
            QuizResult.id.in_(latest),
            PersonaScore.persona.in_(wanted),
            PersonaScore.held,
            sa.or_(PersonaScore.rank == 1, PersonaScore.also_you),
        )
        .group_by(User.id, User.department_id, User.site_id)
        .subquery()
    )
    held: dict[tuple, int] = defaultdict(int)
    for department_id, site_id, personae, count in db.session.execute(
        sa.select(holders.c.department_id, holders.c.site_id, holders.c.personae, sa.func.count()).group_by(
            holders.c.department_id, holders.c.site_id, holders.c.personae
        )
    ):
        held[department_id, site_id, frozenset(personae.split(" "))] += count
    audiences = {}
    for challenge in challenges:
        departments, sites = set(challenge.audience_departments or []), set(challenge.audience_sites or [])
        personae = set(challenge.audience_personae or [])
        if not (departments or sites or personae):
            audiences[challenge.id] = sum(count for _, _, count in groups)
            continue

        def listed(department_id, site_id, departments=departments, sites=sites) -> bool:
            return department_id in departments or site_id in sites

        audiences[challenge.id] = sum(count for d, s, count in groups if listed(d, s)) + sum(
            count for (d, s, holding), count in held.items() if not listed(d, s) and holding & personae
        )
    return audiences


# --- Recognition -------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsRow:
    rule: str  # the verb whose rule gave the points
    points: int  # net of the points taken back
    entries: int  # ledger entries (undo and capped ones included)

    @property
    def label(self) -> str:
        """What earned the points, in the reader's language (read when shown, never stored)."""
        return rule_label(self.rule)


@dataclass(frozen=True)
class RewardRow:
    reward_id: int
    title_fr: str | None  # the page shows one with rewards.catalogue.localized(fr, en)
    title_en: str | None
    redemptions: int
    points: int  # what they cost


@dataclass(frozen=True)
class RecognitionFigures:
    period: Period
    segment: Segment
    by_rule: list[PointsRow]  # most points first, then by rule
    points: int
    entries: int
    rewards: list[RewardRow]  # most redeemed first, then by id
    redemptions: int  # not cancelled, made in the period
    redeemed_points: int


def recognition_figures(
    period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None
) -> RecognitionFigures:
    """Points awarded by rule (the group at the time of the action) and rewards redeemed (the
    person's group today) in the period (two queries)."""
    period = period_of(period_weeks, now)
    points = sa.func.sum(PointsWeek.points).label("points")
    by_rule = [
        PointsRow(rule, int(awarded), int(entries))
        for rule, awarded, entries in db.session.execute(
            sa.select(PointsWeek.rule, points, sa.func.sum(PointsWeek.entries))
            .where(_in_period(PointsWeek.week, period), _in_segment(PointsWeek, segment))
            .group_by(PointsWeek.rule)
            .order_by(points.desc(), PointsWeek.rule)
        )
    ]
    redemptions = sa.func.count(Redemption.id).label("redemptions")
    rewards = [
        RewardRow(reward_id, title_fr, title_en, count, int(cost))
        for reward_id, title_fr, title_en, count, cost in db.session.execute(
            sa.select(Reward.id, Reward.title_fr, Reward.title_en, redemptions, sa.func.sum(Redemption.cost))
            .join(Reward, Reward.id == Redemption.reward_id)
            .join(User, User.id == Redemption.user_id)
            .where(
                Redemption.created_at >= period.start,
                Redemption.created_at < period.end,
                Redemption.status != RedemptionStatus.CANCELLED,
                _in_segment(User, segment),
            )
            .group_by(Reward.id, Reward.title_fr, Reward.title_en)
            .order_by(redemptions.desc(), Reward.id)
        )
    ]
    return RecognitionFigures(
        period,
        segment,
        by_rule,
        sum(row.points for row in by_rule),
        sum(row.entries for row in by_rule),
        rewards,
        sum(row.redemptions for row in rewards),
        sum(row.points for row in rewards),
    )


# --- Kept in the shared cache ----------------------------------------------------------------

FIGURES = (
    active_weeks,
    weekly_return,
    reach,
    editorial_line,
    events_figures,
    mentoring_figures,
    challenges_figures,
    recognition_figures,
)
CACHED_FOR = 300  # seconds: how stale the figures read from the features' own tables may get
_CLASSES = {
    kind.__name__: kind
    for kind in (
        Segment,
        Period,
        ActiveWeek,
        ActiveFigures,
        ReturnWeek,
        ReturnFigures,
        ReachRow,
        TopItem,
        ReachFigures,
        EditorialRow,
        EditorialLine,
        EventKindFigures,
        EventsFigures,
        MentoringFigures,
        ChallengeRow,
        ChallengesFigures,
        PointsRow,
        RewardRow,
        RecognitionFigures,
    )
}


def remembered(figure, period_weeks: int, segment: Segment = EVERYONE, now: datetime | None = None):
    """``figure(period_weeks, segment, now)`` (one of FIGURES), kept in the shared cache (no query
    when found) until the roll-ups are rebuilt, or CACHED_FOR seconds at most."""
    if figure not in FIGURES:
        raise ValueError(f"{figure!r} is not one of the analytics figures")
    now = now or utcnow()
    variant = f"{figure.__name__}:{period_weeks}:{segment.kind}:{segment.id}:{week_of(now).isoformat()}"
    found = cache.remember(SUBJECT, variant, lambda: _encode(figure(period_weeks, segment, now)), CACHED_FOR)
    return _decode(found)


def _encode(value):
    """A figure as JSON: dataclasses, tuples, dates and times tagged (``{"@": tag, "v": …}``)."""
    if is_dataclass(value):
        return {
            "@": type(value).__name__,
            "v": {f.name: _encode(getattr(value, f.name)) for f in fields(value)},
        }
    if isinstance(value, datetime):
        return {"@": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"@": "date", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {"@": "tuple", "v": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"@": "dict", "v": {key: _encode(item) for key, item in value.items()}}
    return value


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag, inner = value["@"], value["v"]
    if tag == "datetime":
        return datetime.fromisoformat(inner)
    if tag == "date":
        return date.fromisoformat(inner)
    if tag == "tuple":
        return tuple(_decode(item) for item in inner)
    if tag == "dict":
        return {key: _decode(item) for key, item in inner.items()}
    return _CLASSES[tag](**{name: _decode(item) for name, item in inner.items()})
