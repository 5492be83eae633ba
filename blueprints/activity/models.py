"""The activity log: every meaningful action, recorded once.

Points, badges, challenge scores and analytics are all derived from it. The
department and site are copied from the person at the time of the action, so a
later move does not carry past activity to the new group.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, utcnow
from blueprints.accounts.models import User


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        sa.Index("ix_activities_user_created", "user_id", "created_at"),
        sa.Index("ix_activities_verb_created", "verb", "created_at"),
        sa.Index("ix_activities_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    verb: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User] = relationship()


class ActionCount(db.Model):
    """How many entries of each verb the log holds for a person, kept by ``record``: a person's
    count of their own actions reads a few rows, not their whole history (issue #14). Kept per
    verb, so a verb a feature later declares passive leaves the counts right."""

    __tablename__ = "action_counts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    verb: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    entries: Mapped[int]
