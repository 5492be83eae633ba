"""A gentle word when a streak is about to end: the person was active last week and not yet
this one. Sent once a week from Thursday (the programme's clock), as a notification, so the
weekly digest carries it too. Never a reproach: it says what keeps the streak going."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import User
from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify
from blueprints.recognition.models import Streak
from blueprints.recognition.periods import local_date, start_of, week_of

STREAK_AT_RISK = "streak_at_risk"
FROM_WEEKDAY = 3  # Thursday: half the week gone, time left to act
MIN_WEEKS = 2


def nudge_streaks(now: datetime | None = None) -> int:
    """Tell the people whose streak ends this week unless they act; the number told."""
    now = now or utcnow()
    if local_date(now).weekday() < FROM_WEEKDAY:
        return 0
    this_week = week_of(now)
    told_this_week = sa.select(Notification.user_id).where(
        Notification.kind == STREAK_AT_RISK, Notification.created_at >= start_of(this_week)
    )
    people = db.session.execute(
        sa.select(User, Streak.length)
        .join(Streak, Streak.user_id == User.id)
        .where(
            User.active,
            Streak.last_week == this_week - timedelta(days=7),
            Streak.length >= MIN_WEEKS,
            User.id.not_in(told_this_week),
        )
    ).all()
    for person, weeks in people:
        notify(person, STREAK_AT_RISK, {"weeks": weeks}, link=("content.feed", {})).created_at = now
    return len(people)
