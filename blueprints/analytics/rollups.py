"""Building the weekly roll-ups (``models``) from the activity log and the points ledger.

A week is the programme's: Monday 00:00 to the next Monday 00:00 in its time zone, half-open,
in UTC (``recognition.periods``; a week across a daylight-saving change lasts 167 or 169
hours). Weeks are rebuilt whole, a run of consecutive weeks (at most ``BATCH``) per
transaction: their rows deleted, then inserted by one ``INSERT … SELECT … GROUP BY`` per table
over those weeks' log rows, each row given its week by comparing its time with the weeks'
bounds (computed here, with ``zoneinfo``). A rebuild reads the range of the log it rebuilds
(an index range on ``created_at``), not the whole log; the ledger, which has no index on its
time alone, is scanned once per run of weeks, not once per week.

``refresh`` rebuilds the current and the previous week (an action is logged at most a little
late: a click, a sync catching up) and every week not built yet, back to the first action. A
week older than that is final; ``refresh(all_weeks=True)`` rebuilds everything, e.g. after a
back-dated import, a change of the verbs' engagement or of the programme's time zone.
"""

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from base.cache import cache
from base.database import begin_locked_transaction, db, unit_of_work, utcnow
from base.registry import CREATE, REACT, registry
from blueprints.activity.models import Activity
from blueprints.activity.services import done_by_the_person
from blueprints.analytics.models import NONE, ROLLUPS, PeopleWeek, PointsWeek, ReachWeek, WeekBuilt
from blueprints.content.models import ContentItem, Share
from blueprints.content.verbs import CLICK_RECEIVED, CONTENT_SHARED
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.recognition.models import PointsEntry
from blueprints.recognition.periods import start_of, week_of

ONE_WEEK = timedelta(days=7)
BATCH = 13  # weeks rebuilt in one transaction at most (a quarter)
# The cache subject of views computed from the roll-ups: made stale by every rebuild.
SUBJECT = "analytics"


def refresh(now: datetime | None = None, all_weeks: bool = False) -> int:
    """Rebuild the weeks that need it (see the module); how many were rebuilt. Idempotent."""
    weeks = weeks_to_build(week_of(now or utcnow()), all_weeks)
    for run in _runs(weeks):
        rebuild(run)
    return len(weeks)


def refresh_job() -> int:
    """The job of `flask points sync`, run after the ledger is brought up to date. It adds
    nothing people see (the sync counts what its jobs add to the wall), so it counts 0."""
    refresh()
    return 0


def weeks_to_build(this_week: date, all_weeks: bool = False) -> list[date]:
    """The current and previous weeks, and the weeks not built yet since the first action."""
    first = db.session.scalar(sa.select(sa.func.min(Activity.created_at)))
    since = this_week - ONE_WEEK
    if first is not None:
        since = min(since, week_of(first))
    every = [since + ONE_WEEK * n for n in range((this_week - since).days // 7 + 1)]
    if all_weeks:
        return every
    built = set(db.session.scalars(sa.select(WeekBuilt.week).where(WeekBuilt.week >= since)))
    return [week for week in every if week not in built or week >= this_week - ONE_WEEK]


def _runs(weeks: list[date]) -> Iterator[list[date]]:
    """Consecutive weeks, at most BATCH at a time."""
    run: list[date] = []
    for week in weeks:
        if run and (week != run[-1] + ONE_WEEK or len(run) == BATCH):
            yield run
            run = []
        run.append(week)
    if run:
        yield run


class Weeks:
    """A run of consecutive weeks: its bounds in UTC, and the week of a moment, in SQL."""

    def __init__(self, weeks: Sequence[date]) -> None:
        self.weeks = list(weeks)
        self.ends = [start_of(week + ONE_WEEK) for week in self.weeks]
        self.start, self.end = start_of(self.weeks[0]), self.ends[-1]

    def holds(self, column) -> sa.ColumnElement:
        return sa.and_(column >= self.start, column < self.end)

    def of(self, column) -> sa.ColumnElement:
        """The Monday of the week holding ``column`` (a moment that ``holds`` keeps)."""
        return sa.case(
            *[
                (column < end, sa.literal(week, sa.Date))
                for week, end in zip(self.weeks, self.ends, strict=True)
            ]
        )


def rebuild(weeks: Sequence[date]) -> None:
    """Recompute the roll-ups of a run of consecutive weeks from the log and the ledger, in one
    transaction.

    Two rebuilds at once are serialised (the database's write lock on SQLite, a table lock on
    PostgreSQL that readers go through), so the second one replaces the first one's rows.
    """
    run = Weeks(weeks)
    begin_locked_transaction("rebuild()")
    with unit_of_work():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(f"LOCK TABLE {WeekBuilt.__tablename__} IN EXCLUSIVE MODE"))
            # Compiling these short statements (JIT) would take longer than running them.
            db.session.execute(sa.text("SET LOCAL jit = off"))
        for model in (*ROLLUPS, WeekBuilt):
            db.session.execute(sa.delete(model.__table__).where(model.__table__.c.week.in_(run.weeks)))
        db.session.execute(_people(run))
        db.session.execute(_reach(run))
        db.session.execute(_points(run))
        now = utcnow()
        db.session.execute(
            sa.insert(WeekBuilt.__table__), [{"week": w, "refreshed_at": now} for w in run.weeks]
        )
        cache.bump_after_commit(SUBJECT)


def _group(column) -> sa.ColumnElement:
    return sa.func.coalesce(column, NONE)


def _verbs(kind: str) -> list[str]:
    return sorted(verb for verb, engagement in registry().engagement.items() if engagement == kind)


# Each statement groups the columns of a subquery: PostgreSQL would not recognise an expression
# with a bound parameter (the week, a COALESCE, a JSON path) written again in GROUP BY as the same.


def _people(run: Weeks):
    actions = (
        sa.select(
            run.of(Activity.created_at).label("week"),
            Activity.user_id.label("user_id"),
            _group(Activity.department_id).label("department_id"),
            _group(Activity.site_id).label("site_id"),
            sa.case((Activity.verb.in_(_verbs(CREATE)), 1), else_=0).label("created"),
            sa.case((Activity.verb.in_(_verbs(REACT)), 1), else_=0).label("reacted"),
        )
        .where(run.holds(Activity.created_at), done_by_the_person())
        .subquery()
    )
    keys = (actions.c.week, actions.c.user_id, actions.c.department_id, actions.c.site_id)
    grouped = sa.select(
        *keys, sa.func.sum(actions.c.created), sa.func.sum(actions.c.reacted), sa.func.count()
    ).group_by(*keys)
    columns = ["week", "user_id", "department_id", "site_id", "created", "reacted", "acted"]
    return sa.insert(PeopleWeek.__table__).from_select(columns, grouped)


def _primary_personae():
    """Each person's primary persona in their latest quiz result, when they hold it (the rule of
    the personae distribution: a primary score under the threshold is no profile)."""
    latest = (
        sa.select(QuizResult.user_id.label("user_id"), sa.func.max(QuizResult.id).label("result_id"))
        .group_by(QuizResult.user_id)
        .subquery()
    )
    return (
        sa.select(latest.c.user_id, PersonaScore.persona)
        .join(
            PersonaScore,
            sa.and_(PersonaScore.result_id == latest.c.result_id, PersonaScore.rank == 1, PersonaScore.held),
        )
        .subquery()
    )


def _reach(run: Weeks):
    """Shares (``content_shared``) and clicks (``click_received``, logged for the sharer) by
    week, item, theme, network, the sharer's persona and group. Both carry the share's id in
    their payload; the network is the share's."""
    actions = (
        sa.select(
            run.of(Activity.created_at).label("week"),
            Activity.payload["share"].as_integer().label("share_id"),
            Activity.user_id.label("user_id"),
            _group(Activity.department_id).label("department_id"),
            _group(Activity.site_id).label("site_id"),
            sa.case((Activity.verb == CONTENT_SHARED, 1), else_=0).label("shares"),
            sa.case((Activity.verb == CLICK_RECEIVED, 1), else_=0).label("clicks"),
        )
        .where(Activity.verb.in_([CONTENT_SHARED, CLICK_RECEIVED]), run.holds(Activity.created_at))
        .subquery()
    )
    personae = _primary_personae()
    keys = (
        actions.c.week,
        Share.item_id,
        ContentItem.theme,
        Share.network,
        personae.c.persona,
        actions.c.department_id,
        actions.c.site_id,
    )
    grouped = (
        sa.select(
            *keys[:4],
            sa.func.coalesce(personae.c.persona, ""),
            *keys[5:],
            sa.func.sum(actions.c.shares),
            sa.func.sum(actions.c.clicks),
        )
        .join(Share, Share.id == actions.c.share_id)
        .join(ContentItem, ContentItem.id == Share.item_id)
        .outerjoin(personae, personae.c.user_id == actions.c.user_id)
        .group_by(*keys)
    )
    columns = [
        "week",
        "item_id",
        "theme",
        "network",
        "persona",
        "department_id",
        "site_id",
        "shares",
        "clicks",
    ]
    return sa.insert(ReachWeek.__table__).from_select(columns, grouped)


def _points(run: Weeks):
    entries = (
        sa.select(
            run.of(PointsEntry.earned_at).label("week"),
            PointsEntry.rule.label("rule"),
            _group(PointsEntry.department_id).label("department_id"),
            _group(PointsEntry.site_id).label("site_id"),
            PointsEntry.points.label("points"),
        )
        .where(run.holds(PointsEntry.earned_at))
        .subquery()
    )
    keys = (entries.c.week, entries.c.rule, entries.c.department_id, entries.c.site_id)
    grouped = sa.select(*keys, sa.func.sum(entries.c.points), sa.func.count()).group_by(*keys)
    columns = ["week", "rule", "department_id", "site_id", "points", "entries"]
    return sa.insert(PointsWeek.__table__).from_select(columns, grouped)
