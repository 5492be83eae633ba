"""The points ledger, balances, the comms' points table, badges, streaks and the wall of fame.

The ledger is append-only and derived from the activity log: one entry per (rule, source
activity, person), so awarding the same action twice is a no-op; an undone action is a
negative entry. A balance row per person holds the ledger's sum (lifetime) and what was
spent on rewards (redeemed), and is the lock that serialises one person's awards and
redemptions.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, utcnow
from blueprints.accounts.models import User


class PointsRule(db.Model):
    """Comms' change to a verb's default points (``registry.Points``); no row: the default."""

    __tablename__ = "points_rules"

    verb: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    points: Mapped[int]
    cap: Mapped[int | None]
    period: Mapped[str | None] = mapped_column(sa.String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PointsEntry(db.Model):
    __tablename__ = "points_entries"
    __table_args__ = (
        sa.UniqueConstraint("rule", "activity_id", "user_id", name="uq_points_entries_award"),
        sa.Index("ix_points_entries_user_earned", "user_id", "earned_at"),
        sa.Index("ix_points_entries_user_object", "user_id", "object_type", "object_id"),
        sa.Index("ix_points_entries_rule_earned", "rule", "earned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(40))  # the verb whose rule gave the points
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    points: Mapped[int]
    # Why the points are what they are: None (the rule), "capped", "own" (one's own object),
    # "undo" (taking back an earlier award).
    reason: Mapped[str | None] = mapped_column(sa.String(16))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    earned_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the action's time: periods count it
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))


class PointsBalance(db.Model):
    __tablename__ = "points_balances"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    lifetime: Mapped[int] = mapped_column(default=0)  # the ledger's sum
    redeemed: Mapped[int] = mapped_column(default=0)  # the cost of redemptions not cancelled

    @property
    def spendable(self) -> int:
        return self.lifetime - self.redeemed


class BadgeAward(db.Model):
    __tablename__ = "badge_awards"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "badge", "period", name="uq_badge_awards_once"),
        sa.Index("ix_badge_awards_badge_earned", "badge", "earned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    badge: Mapped[str] = mapped_column(sa.String(40))
    period: Mapped[str] = mapped_column(sa.String(40), default="")  # "" for once in a lifetime
    earned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Streak(db.Model):
    """Weeks in a row (Monday 00:00, the programme's time zone) with an action of the person."""

    __tablename__ = "streaks"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    length: Mapped[int] = mapped_column(default=0)
    best: Mapped[int] = mapped_column(default=0)
    last_week: Mapped[date | None]  # the Monday of the latest week with an action


class FameEntry(db.Model):
    """A success on the wall of fame; its text comes from the kind (``registry.fame_texts``)."""

    __tablename__ = "fame_entries"
    __table_args__ = (
        sa.Index("ix_fame_entries_wall", "hidden", "created_at"),
        sa.Index("ix_fame_entries_created", "created_at", "id"),  # the console's list, newest first
        sa.Index(  # the wall's featured entries, latest featured first
            "ix_fame_entries_featured",
            "featured_at",
            "id",
            postgresql_where=sa.text("featured_at IS NOT NULL"),
            sqlite_where=sa.text("featured_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    other_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # e.g. who sent kudos
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link_endpoint: Mapped[str | None] = mapped_column(sa.String(80))
    link_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Set once per success, so a job that runs again adds nothing (e.g. "badge:12:first_share:").
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    featured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    other_user: Mapped[User | None] = relationship(foreign_keys=[other_user_id])
