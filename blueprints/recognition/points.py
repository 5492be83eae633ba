"""Points: what each action earns, in the transaction of the action.

The points table is each feature's defaults (``registry.Points``) with the changes comms
saved (``PointsRule``); a change applies to actions from then on, unless comms recompute.
Every action whose verb has a rule, or undoes one, gets exactly one ledger entry, 0 points
included (capped, on one's own object, a rule worth nothing), so the ledger tells why.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g

from base.database import db, insert_or_else
from base.registry import DAY, WEEK, registry
from blueprints.activity.models import Activity
from blueprints.recognition import periods
from blueprints.recognition.models import PointsBalance, PointsEntry, PointsRule

CAPPED, OWN, UNDO = "capped", "own", "undo"


@dataclass(frozen=True)
class Rule:
    verb: str
    label: str
    points: int
    cap: int | None
    period: str | None
    not_on_own: bool
    changed: bool  # comms changed the default


def current_rules() -> dict[str, Rule]:
    """The points table now: defaults with comms' changes (read once per app context)."""
    if "points_rules" not in g:
        changes = {row.verb: row for row in db.session.scalars(sa.select(PointsRule))}
        g.points_rules = {
            verb: _rule(verb, default, changes.get(verb)) for verb, default in registry().points.items()
        }
    return g.points_rules


def forget_rules() -> None:
    g.pop("points_rules", None)


def _rule(verb: str, default, change: PointsRule | None) -> Rule:
    source = change or default
    return Rule(
        verb, default.label, source.points, source.cap, source.period, default.not_on_own, bool(change)
    )


def awarded_verbs() -> set[str]:
    """The verbs that get a ledger entry: those with a rule and the undo verbs."""
    return set(registry().points) | set(registry().undoes)


def locked_balance(user_id: int) -> PointsBalance:
    """The person's balance row, created if missing and locked until the transaction ends
    (a row lock on PostgreSQL; on SQLite the transaction already holds the write lock)."""
    db.session.execute(
        insert_or_else(PointsBalance).values(user_id=user_id, lifetime=0, redeemed=0).on_conflict_do_nothing()
    )
    return db.session.scalar(
        sa.select(PointsBalance)
        .where(PointsBalance.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def award(activity: Activity, balance: PointsBalance) -> PointsEntry | None:
    """The ledger entry of one action (None if its verb earns nothing or it has one already).

    ``balance`` is the person's locked balance: caps and undo read the ledger under it.
    """
    undone = registry().undoes.get(activity.verb)
    rule = current_rules().get(activity.verb)
    if (rule is None and undone is None) or _has_entry(activity):
        return None
    points, reason = _undo(activity, undone) if undone else _points(activity, rule)
    entry = PointsEntry(
        rule=activity.verb,
        activity_id=activity.id,
        user_id=activity.user_id,
        points=points,
        reason=reason,
        object_type=activity.object_type,
        object_id=activity.object_id,
        earned_at=activity.created_at,
        department_id=activity.department_id,
        site_id=activity.site_id,
    )
    db.session.add(entry)
    balance.lifetime += points
    if points:
        g.points_changed = True  # the header's counter refreshes (see routes.announce_points)
    return entry


def _has_entry(activity: Activity) -> bool:
    return db.session.scalar(
        sa.select(
            sa.exists().where(PointsEntry.activity_id == activity.id, PointsEntry.user_id == activity.user_id)
        )
    )


def _points(activity: Activity, rule: Rule) -> tuple[int, str | None]:
    if rule.points and rule.not_on_own and _owner_of(activity) == activity.user_id:
        return 0, OWN
    if rule.points > 0 and rule.cap is not None and _rewarded_in_period(activity, rule) >= rule.cap:
        return 0, CAPPED
    return rule.points, None


def _owner_of(activity: Activity) -> int | None:
    target = registry().audit_targets.get(activity.object_type or "")
    if target is None or target.owner_column is None or activity.object_id is None:
        return None
    return db.session.scalar(sa.select(target.owner_column).where(target.model.id == activity.object_id))


def _rewarded_in_period(activity: Activity, rule: Rule) -> int:
    """How many of the person's actions of this rule earned points in the action's period."""
    query = sa.select(sa.func.count(PointsEntry.id)).where(
        PointsEntry.user_id == activity.user_id, PointsEntry.rule == rule.verb, PointsEntry.points > 0
    )
    if rule.period in (DAY, WEEK):
        start, end = periods.bounds(rule.period, activity.created_at)
        query = query.where(PointsEntry.earned_at >= start, PointsEntry.earned_at < end)
    return db.session.scalar(query)


def _undo(activity: Activity, undone: tuple[str, ...]) -> tuple[int, str]:
    """Take back what the person still holds for the same object from the undone verbs."""
    held = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == activity.user_id,
            PointsEntry.object_type == activity.object_type,
            PointsEntry.object_id == activity.object_id,
            PointsEntry.rule.in_([*undone, activity.verb]),
        )
    )
    return -max(held, 0), UNDO
