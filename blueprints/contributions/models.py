"""Declared contributions: advocacy done off the platform, validated by comms."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, str_enum, utcnow
from blueprints.accounts.models import User


class ContributionStatus(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    DECLINED = "declined"


class Contribution(db.Model):
    __tablename__ = "contributions"
    __table_args__ = (
        sa.Index("ix_contributions_status_created", "status", "created_at"),
        sa.Index("ix_contributions_reviewed", "reviewed_at", "id"),  # the console's latest reviewed
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))  # a key of catalogue.KINDS
    happened_on: Mapped[date]
    title: Mapped[str] = mapped_column(sa.String(160))
    link: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    persona: Mapped[str | None] = mapped_column(sa.String(24))  # the persona it relates to
    status: Mapped[ContributionStatus] = mapped_column(
        str_enum(ContributionStatus),
        default=ContributionStatus.PENDING,
    )
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
