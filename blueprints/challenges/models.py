"""Challenges, who joined them, what counted, what was told, and who won.

A challenge's scores are derived from the activity log and the points ledger: each action of
a participant inside the window, after joining, that the challenge's metric counts becomes one
``ChallengeEntry`` (unique per challenge, action and person), with the department and site the
person belonged to at the time of the action, so a later move keeps past points where they
were earned. Boards are sums of these entries.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, str_enum, utcnow
from blueprints.accounts.models import User


class Mode(enum.StrEnum):
    PERSONAL = "personal"
    COLLECTIVE = "collective"


class GroupBy(enum.StrEnum):
    DEPARTMENT = "department"
    SITE = "site"


class RewardKind(enum.StrEnum):
    CONSUMABLE = "consumable"
    SYMBOLIC = "symbolic"


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="window_not_empty"),
        sa.Index("ix_challenges_window", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fr: Mapped[str | None] = mapped_column(sa.String(120))
    title_en: Mapped[str | None] = mapped_column(sa.String(120))
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    mode: Mapped[Mode] = mapped_column(str_enum(Mode))
    metric: Mapped[str] = mapped_column(sa.String(24))  # a key of registry().metrics
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the window is [starts_at, ends_at)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    target: Mapped[int | None]  # personal: per person; collective: per group
    group_by: Mapped[GroupBy | None] = mapped_column(str_enum(GroupBy))  # collective mode only
    reward_kind: Mapped[RewardKind] = mapped_column(str_enum(RewardKind))
    reward_fr: Mapped[str] = mapped_column(sa.Text, default="")
    reward_en: Mapped[str] = mapped_column(sa.Text, default="")
    # A consumable reward from the catalogue: closing opens a redemption of it for each winner.
    reward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rewards.id"))
    winners: Mapped[int] = mapped_column(default=3)  # personal: the top N ranks (ties included)
    # Audience: empty lists mean everyone.
    audience_departments: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    audience_sites: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    audience_personae: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    daily_cap: Mapped[int | None]  # counted actions per person per programme day
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Participation(db.Model):
    __tablename__ = "challenge_participations"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "user_id", name="uq_challenge_participations_once"),
        sa.Index("ix_challenge_participations_user", "user_id", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)  # what counts starts here
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set: not taking part now

    user: Mapped[User] = relationship()


class ChallengeEntry(db.Model):
    __tablename__ = "challenge_entries"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "activity_id", "user_id", name="uq_challenge_entries_once"),
        sa.Index("ix_challenge_entries_board", "challenge_id", "user_id", "counted_at"),
        sa.Index("ix_challenge_entries_period", "challenge_id", "counted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"))
    value: Mapped[int]
    reason: Mapped[str | None] = mapped_column(sa.String(16))  # None, "capped", "undo"
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the action's time
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))


class ChallengeNotice(db.Model):
    """A challenge message sent once to a person (a milestone, the top 3, the last day, the result)."""

    __tablename__ = "challenge_notices"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "user_id", "kind", name="uq_challenge_notices_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChallengeWinner(db.Model):
    """Recorded when a challenge closes: a person (personal) or a group (collective)."""

    __tablename__ = "challenge_winners"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "user_id", name="uq_challenge_winners_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # personal mode
    group_id: Mapped[int | None]  # collective mode: a department or site id
    rank: Mapped[int]
    score: Mapped[float]

    user: Mapped[User | None] = relationship()
