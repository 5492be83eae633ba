"""Streaks: weeks in a row with at least one action the person did themselves.

Kept up to date action by action; an action older than the latest counted week (the
points sync, the demo) rebuilds the person's streak from the log.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from base.database import db
from base.registry import registry
from blueprints.activity.models import Activity
from blueprints.recognition.models import Streak
from blueprints.recognition.periods import week_of

WEEK = timedelta(days=7)


def extend(activity: Activity) -> Streak:
    """Count the action's week in the person's streak (the caller holds the person's lock)."""
    streak = db.session.get(Streak, activity.user_id) or _new_streak(activity.user_id)
    week = week_of(activity.created_at)
    if streak.last_week is None or week > streak.last_week:
        streak.length = streak.length + 1 if streak.last_week == week - WEEK else 1
        streak.last_week = week
        streak.best = max(streak.best, streak.length)
    elif week < streak.last_week:
        rebuild(streak)
    return streak


def _new_streak(user_id: int) -> Streak:
    streak = Streak(user_id=user_id, length=0, best=0)
    db.session.add(streak)
    return streak


def meaningful_verbs() -> set[str]:
    """What keeps a streak going: the actions of the points table that the person does
    themselves (sharing, liking, signing up, attending, suggesting, declaring, thanking...),
    not an undo, a redemption or console work."""
    return set(registry().points) - registry().passive_verbs


def rebuild(streak: Streak) -> None:
    """The streak from the whole of the person's log."""
    moments = db.session.scalars(
        sa.select(Activity.created_at).where(
            Activity.user_id == streak.user_id, Activity.verb.in_(sorted(meaningful_verbs()))
        )
    )
    streak.length, streak.best, streak.last_week = runs(week_of(moment) for moment in moments)


def runs(weeks) -> tuple[int, int, date | None]:
    """(the latest run of consecutive weeks, the longest, the latest week) of some weeks."""
    length = best = 0
    latest = None
    for week in sorted(set(weeks)):
        length = length + 1 if latest == week - WEEK else 1
        best = max(best, length)
        latest = week
    return length, best, latest


@dataclass(frozen=True)
class StreakNow:
    weeks: int  # 0 when broken
    best: int
    at_risk: bool  # alive last week, nothing yet this week


def streak_at(length: int | None, best: int | None, last_week: date | None, now: datetime) -> StreakNow:
    """A stored streak (its length, best and latest week; None when the person has none) as it
    stands at ``now``: broken when the latest week is older than last week."""
    if last_week is None:
        return StreakNow(0, 0, False)
    this_week = week_of(now)
    alive = last_week >= this_week - WEEK
    return StreakNow(length if alive else 0, best, alive and last_week < this_week)


def has_had_streak(user_id: int, weeks: int) -> bool:
    streak = db.session.get(Streak, user_id)
    return streak is not None and streak.best >= weeks
