"""Badges: milestones earned once per (person, badge, period), each told and celebrated."""

from datetime import datetime

import sqlalchemy as sa

from base.cache import cache
from base.database import db, utcnow
from base.registry import Badge, registry
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.notifications.services import notify
from blueprints.recognition.fame import HOLDERS, celebrate
from blueprints.recognition.models import BadgeAward, Streak
from blueprints.recognition.streaks import meaningful_verbs

BADGE_EARNED = "badge_earned"


def badge_link(key: str) -> tuple[str, dict]:
    return "recognition.badge", {"key": key}


def held_badges(user_id: int) -> set[str]:
    return set(db.session.scalars(sa.select(BadgeAward.badge).where(BadgeAward.user_id == user_id)))


def check(activity: Activity) -> list[BadgeAward]:
    """The badges the person earns with this action (the caller holds the person's lock)."""
    candidates = [
        badge
        for badge in registry().badges.values()
        if activity.verb in badge.verbs or (badge.check and activity.verb in meaningful_verbs())
    ]
    if not candidates:
        return []
    held = held_badges(activity.user_id)
    return [
        award_badge(activity.user, badge, activity.created_at)
        for badge in candidates
        if badge.key not in held and earned(badge, activity.user_id)
    ]


def earned(badge: Badge, user_id: int) -> bool:
    if badge.check:
        return badge.check(user_id)
    count = db.session.scalar(
        sa.select(sa.func.count(Activity.id)).where(
            Activity.user_id == user_id, Activity.verb.in_(badge.verbs)
        )
    )
    return count >= badge.threshold


def award_badge(user: User, badge: Badge, at: datetime, period: str = "") -> BadgeAward:
    """Give a badge, tell the person and put it on the wall (the caller commits)."""
    award = BadgeAward(user_id=user.id, badge=badge.key, period=period, earned_at=at)
    db.session.add(award)
    cache.bump_after_commit(HOLDERS)
    notice = notify(user, BADGE_EARNED, {"badge": badge.key}, link=badge_link(badge.key))
    notice.created_at = at  # when it was earned, also when a late points sync finds it
    celebrate(
        "badge",
        user.id,
        f"badge:{user.id}:{badge.key}:{period}",
        {"badge": badge.key},
        badge_link(badge.key),
        at,
    )
    return award


def catch_up() -> int:
    """Give the count badges that the log shows earned and nobody gave (the points sync)."""
    given = 0
    for badge in registry().badges.values():
        if badge.check:
            given += _catch_up_checked(badge)
            continue
        holders = sa.select(BadgeAward.user_id).where(BadgeAward.badge == badge.key)
        due = db.session.scalars(
            sa.select(Activity.user_id)
            .where(Activity.verb.in_(badge.verbs), Activity.user_id.not_in(holders))
            .group_by(Activity.user_id)
            .having(sa.func.count(Activity.id) >= badge.threshold)
        ).all()
        for user_id in due:
            award_badge(db.session.get(User, user_id), badge, _reached_at(badge, user_id))
            given += 1
    return given


def _catch_up_checked(badge: Badge) -> int:
    """A badge given by its own check: asked for everyone who ever kept a streak going."""
    holders = sa.select(BadgeAward.user_id).where(BadgeAward.badge == badge.key)
    candidates = db.session.scalars(sa.select(Streak.user_id).where(Streak.user_id.not_in(holders))).all()
    due = [user_id for user_id in candidates if badge.check(user_id)]
    for user_id in due:
        award_badge(db.session.get(User, user_id), badge, utcnow())
    return len(due)


def _reached_at(badge: Badge, user_id: int) -> datetime:
    """When the person's count reached the badge's threshold."""
    return db.session.scalar(
        sa.select(Activity.created_at)
        .where(Activity.user_id == user_id, Activity.verb.in_(badge.verbs))
        .order_by(Activity.created_at, Activity.id)
        .offset(badge.threshold - 1)
        .limit(1)
    )
