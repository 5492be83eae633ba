"""Writing to and reading from the activity log."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import User
from blueprints.activity.models import Activity


def record(
    user: User,
    verb: str,
    object_type: str | None = None,
    object_id: int | None = None,
    payload: dict | None = None,
    at: datetime | None = None,
) -> Activity:
    """Add one action to the log (the caller commits with the rest of its change)."""
    activity = Activity(
        user_id=user.id,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        payload=payload or {},
        created_at=at or utcnow(),
        department_id=user.department_id,
        site_id=user.site_id,
    )
    db.session.add(activity)
    return activity


def active_people_count(since: datetime) -> int:
    """How many distinct people did anything since a moment."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Activity.user_id))).where(Activity.created_at >= since)
    )


def programme_pulse(now: datetime | None = None) -> dict:
    """This week's active people against everyone, for the home page and the console."""
    now = now or utcnow()
    people = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.active))
    active = active_people_count(now - timedelta(days=7))
    return {"people": people, "active": active, "share": active / people if people else 0.0}
