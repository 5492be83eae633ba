"""Recognition's actions: the listener that makes every action count, the points sync and
recompute, the points table, and what pages read (balances, history, badges, streaks)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from base.database import db, unit_of_work, utcnow
from base.registry import DAY, EVER, WEEK, registry
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.activity.services import done_by_the_person, record
from blueprints.recognition import badges, points, streaks
from blueprints.recognition.models import BadgeAward, PointsBalance, PointsEntry, PointsRule, Streak
from blueprints.recognition.verbs import POINTS_RECOMPUTED, POINTS_RULE_CHANGED

SYNC_BATCH = 500
PERIODS = (DAY, WEEK, EVER)


def on_activity(activity: Activity) -> None:
    """Points, streak and badges of a new action, in its transaction (an activity listener)."""
    counts = activity.verb not in registry().passive_verbs
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
            for activity in batch:
                entries += bool(points.award(activity, points.locked_balance(activity.user_id)))
    with unit_of_work():
        _balances_from_ledger()
        _streaks_from_log()
        given = badges.catch_up()
    jobs = 0
    for job in registry().sync_jobs:
        with unit_of_work():
            jobs += job()
    return SyncOutcome(entries, given, jobs)


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
    people = db.session.scalars(sa.select(Activity.user_id).where(done_by_the_person()).distinct())
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
        db.session.execute(sa.delete(PointsEntry))
        record(actor, POINTS_RECOMPUTED)
    points.forget_rules()
    return sync()


@dataclass(frozen=True)
class Balance:
    lifetime: int
    spendable: int


def balance_of(user_id: int) -> Balance:
    row = db.session.get(PointsBalance, user_id)
    return Balance(row.lifetime, row.spendable) if row else Balance(0, 0)


def history(user_id: int, before: int | None = None, limit: int = 20) -> list[PointsEntry]:
    """The person's ledger, newest first (``before``: an entry id to continue from)."""
    query = sa.select(PointsEntry).where(PointsEntry.user_id == user_id)
    if before:
        query = query.where(PointsEntry.id < before)
    return list(db.session.scalars(query.order_by(PointsEntry.id.desc()).limit(limit)))


def badges_of(user_id: int) -> list[BadgeAward]:
    return list(
        db.session.scalars(
            sa.select(BadgeAward).where(BadgeAward.user_id == user_id).order_by(BadgeAward.earned_at.desc())
        )
    )


def streak_now(user_id: int, now: datetime | None = None) -> streaks.StreakNow:
    return streaks.streak_now(user_id, now or utcnow())
