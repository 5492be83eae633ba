"""Recognition's actions: the listener that makes every action count, the points sync and
recompute, the points table, and what pages read (balances, history, badges, streaks)."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa

from base.database import Reading, column_rows, db, unit_of_work, utcnow
from base.memo import per_request
from base.registry import DAY, EVER, WEEK, Badge, registry
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.activity.services import column_by_type, linked_names, record
from blueprints.recognition import badges, points, streaks
from blueprints.recognition.catalogue import rule_label
from blueprints.recognition.models import BadgeAward, PointsBalance, PointsEntry, PointsRule, Streak
from blueprints.recognition.verbs import POINTS_RECOMPUTED, POINTS_RULE_CHANGED

SYNC_BATCH = 500
HISTORY_PAGE = 10
PERIODS = (DAY, WEEK, EVER)


def on_activity(activity: Activity) -> None:
    """Points, streak and badges of a new action, in its transaction (an activity listener)."""
    counts = activity.verb in streaks.meaningful_verbs()
    if not counts and activity.verb not in points.awarded_verbs():
        return
    balance = points.locked_balance(activity.user_id)  # one person's awards, one at a time
    points.award(activity, balance)
    if counts:
        streaks.extend(activity)
    badges.check(activity)


@dataclass(frozen=True)
class SyncOutcome:
    entries: int
    badges: int
    jobs: int


def sync() -> SyncOutcome:
    """Add the ledger entries, badges and streaks the log calls for and nobody recorded.

    Idempotent and safe to run late: actions are replayed in the order they happened, in
    batches that each commit; balances and streaks are then set from the ledger and the log.
    """
    entries = 0
    while batch := _unrecorded_actions():
        with unit_of_work():
            entries += _award_all(batch)
    with unit_of_work():
        _balances_from_ledger()
        _streaks_from_log()
        given = badges.catch_up()
    jobs = 0
    for job in registry().sync_jobs:
        with unit_of_work():
            jobs += job()
    return SyncOutcome(entries, given, jobs)


def _award_all(activities: list[Activity]) -> int:
    return sum(
        bool(points.award(activity, points.locked_balance(activity.user_id))) for activity in activities
    )


def _unrecorded_actions() -> list[Activity]:
    recorded = sa.exists().where(
        PointsEntry.activity_id == Activity.id, PointsEntry.user_id == Activity.user_id
    )
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.verb.in_(sorted(points.awarded_verbs())), ~recorded)
            .order_by(Activity.created_at, Activity.id)
            .limit(SYNC_BATCH)
        )
    )


def _balances_from_ledger() -> None:
    """Every balance equals its ledger's sum (rows added for people who have none)."""
    missing = (
        sa.select(PointsEntry.user_id)
        .distinct()
        .where(PointsEntry.user_id.not_in(sa.select(PointsBalance.user_id)))
    )
    for user_id in db.session.scalars(missing):
        db.session.add(PointsBalance(user_id=user_id, lifetime=0, redeemed=0))
    db.session.flush()
    ledger_sum = (
        sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0))
        .where(PointsEntry.user_id == PointsBalance.user_id)
        .scalar_subquery()
    )
    db.session.execute(sa.update(PointsBalance).values(lifetime=ledger_sum))


def _streaks_from_log() -> None:
    """Every streak from the log, for the people who ever did something."""
    people = db.session.scalars(
        sa.select(Activity.user_id).where(Activity.verb.in_(sorted(streaks.meaningful_verbs()))).distinct()
    )
    for user_id in people:
        streak = db.session.get(Streak, user_id) or Streak(user_id=user_id, length=0, best=0)
        db.session.add(streak)
        streaks.rebuild(streak)


class PointsError(ValueError):
    """A points table change refused, with the reason to show."""


@dataclass(frozen=True)
class RuleChange:
    points: int
    cap: int | None
    period: str | None


@unit_of_work()
def change_rule(actor: User, verb: str, change: RuleChange) -> points.Rule:
    """Save comms' points for a verb; it applies to actions from now on."""
    if verb not in registry().points:
        raise PointsError("unknown verb")
    if (change.cap is None) != (change.period is None) or (change.period and change.period not in PERIODS):
        raise PointsError("a cap needs a period, and a period a cap")
    rule = db.session.get(PointsRule, verb) or PointsRule(verb=verb)
    before = points.current_rules()[verb]
    rule.points, rule.cap, rule.period, rule.updated_at = change.points, change.cap, change.period, utcnow()
    db.session.add(rule)
    record(
        actor,
        POINTS_RULE_CHANGED,
        "points_rule",
        None,
        {
            "verb": verb,
            "before": [before.points, before.cap, before.period],
            "after": [change.points, change.cap, change.period],
        },
    )
    points.forget_rules()
    return points.current_rules()[verb]


def recompute(actor: User) -> SyncOutcome:
    """Rewrite the ledger from the log with today's points table (comms' choice, audited)."""
    with unit_of_work():
        record(actor, POINTS_RECOMPUTED)
    return rebuild_ledger()


def rebuild_ledger() -> SyncOutcome:
    """The ledger written again from the whole log, in the order things happened, in one
    transaction: nobody ever sees a balance half replayed."""
    points.forget_rules()
    entries = 0
    with unit_of_work():
        db.session.execute(sa.delete(PointsEntry))
        db.session.execute(sa.update(PointsBalance).values(lifetime=0))
        while batch := _unrecorded_actions():
            entries += _award_all(batch)
        _balances_from_ledger()
    return SyncOutcome(entries, 0, 0)


@dataclass(frozen=True)
class Balance:
    lifetime: int
    spendable: int

    @classmethod
    def of(cls, lifetime: int | None, redeemed: int | None) -> "Balance":
        """Spendable shows 0 when undone actions took back more than was left after spending
        (redeeming still compares with the true figure); no row yet is no points."""
        lifetime, redeemed = lifetime or 0, redeemed or 0
        return cls(lifetime, max(lifetime - redeemed, 0))


@per_request
def balance_of(user_id: int) -> Balance:
    """Lifetime and spendable points."""
    row = db.session.get(PointsBalance, user_id)
    return Balance.of(row.lifetime, row.redeemed) if row else Balance(0, 0)


def balance_parts_of(user_id: int | sa.BindParameter) -> tuple[sa.ScalarSelect, sa.ScalarSelect]:
    """The person's lifetime and redeemed points as parts of a larger query (``Balance.of``)."""
    return tuple(
        sa.select(column).where(PointsBalance.user_id == user_id).scalar_subquery()
        for column in (PointsBalance.lifetime, PointsBalance.redeemed)
    )


@dataclass(frozen=True)
class HistoryLine:
    """A ledger entry as the person reads it: why, how much, when, and what earned it."""

    entry_id: int
    label: str
    points: int
    reason: str | None
    at: datetime
    about: str | None  # the name of what earned it
    link: tuple[str, dict] | None


@dataclass(frozen=True)
class HistoryPage:
    lines: list[HistoryLine]
    next_before: int | None  # the entry id to continue from, None at the end


def points_history(user_id: int, before: int | None = None, limit: int = HISTORY_PAGE) -> HistoryPage:
    """The person's ledger newest first, a page at a time, each entry with the name of what
    it was for (one query); entries worth nothing by rule (a like, a thank-you sent) are left
    out, capped ones stay."""
    page = {"person": user_id, "before": before}
    targets = registry().audit_targets
    rows = column_rows(_history_statement(bool(before), limit + 1, tuple(targets.items())), page).all()
    lines = [_history_line(*row, targets) for row in rows[:limit]]
    return HistoryPage(lines, lines[-1].entry_id if len(rows) > limit else None)


@lru_cache(maxsize=8)
def _history_statement(after_an_entry: bool, shown: int, targets: tuple) -> sa.Select:
    """A page of the person's telling entries, newest first (after the entry ``before`` when
    asked), with the name of each one's object when it has a page, built once: the person and
    the entry are parameters. The page's size is written in the statement: PostgreSQL plans a
    statement once for all its parameters only when it can see how many rows are asked for."""
    telling = sa.or_(PointsEntry.points != 0, PointsEntry.reason.in_([points.CAPPED, points.OWN]))
    about = column_by_type(PointsEntry.object_type, PointsEntry.object_id, linked_names(dict(targets)))
    query = sa.select(
        PointsEntry.id,
        PointsEntry.rule,
        PointsEntry.points,
        PointsEntry.reason,
        PointsEntry.earned_at,
        PointsEntry.object_type,
        PointsEntry.object_id,
        about,
    ).where(PointsEntry.user_id == sa.bindparam("person", type_=sa.Integer), telling)
    if after_an_entry:
        before = sa.bindparam("before", type_=sa.Integer)
        anchor = sa.select(PointsEntry.earned_at).where(PointsEntry.id == before).scalar_subquery()
        query = query.where(
            sa.or_(
                PointsEntry.earned_at < anchor,
                sa.and_(PointsEntry.earned_at == anchor, PointsEntry.id < before),
            )
        )
    newest_first = (PointsEntry.earned_at.desc(), PointsEntry.id.desc())
    return query.order_by(*newest_first).limit(sa.literal_column(str(shown)))


def _history_line(entry_id, rule, points, reason, at, object_type, object_id, about, targets) -> HistoryLine:
    target = targets.get(object_type or "")
    link = (target.endpoint, {target.id_argument: object_id}) if about is not None else None
    return HistoryLine(entry_id, rule_label(rule), points, reason, at, about, link)


@dataclass(frozen=True)
class Summary:
    """What the person's pages show of their recognition."""

    balance: Balance
    streak: streaks.StreakNow
    badges: list["EarnedBadge"]


def recognition_summary(user_id: int, now: datetime | None = None) -> Summary:
    return Summary(balance_of(user_id), *streak_and_badges(user_id, now or utcnow()))


@dataclass(frozen=True)
class EarnedBadge:
    badge: Badge
    earned_at: datetime


def streak_and_badges(user_id: int, now: datetime) -> tuple[streaks.StreakNow, list[EarnedBadge]]:
    """The person's streak as it stands at ``now`` and their badges, latest first (badges no
    feature declares any more are left out), in one query."""
    return STREAK_AND_BADGES.read({"person": user_id, "now": now})


def _streak_and_badges_of(rows: list, parameters: dict) -> tuple[streaks.StreakNow, list[EarnedBadge]]:
    length, best, last_week = rows[0][:3]  # a row at least: both are joined to the person
    known = registry().badges
    badges = [EarnedBadge(known[badge], earned_at) for *_, badge, earned_at in rows if badge in known]
    badges.sort(key=lambda earned: earned.earned_at, reverse=True)
    return streaks.streak_at(length, best, last_week, parameters["now"]), badges


@lru_cache(maxsize=1)
def _streak_and_badges_statement() -> sa.Select:
    """The person's streak on each of their badge awards (one row with no award when they have
    none), built once: the person is a parameter."""
    person = sa.select(sa.bindparam("person", type_=sa.Integer).label("id")).subquery()
    return (
        sa.select(Streak.length, Streak.best, Streak.last_week, BadgeAward.badge, BadgeAward.earned_at)
        .select_from(person)
        .outerjoin(Streak, Streak.user_id == person.c.id)
        .outerjoin(BadgeAward, BadgeAward.user_id == person.c.id)
    )


# The person's streak (as it stands at the parameter ``now``) and badges: home reads them with
# its other facts.
STREAK_AND_BADGES = Reading(_streak_and_badges_statement, _streak_and_badges_of)
