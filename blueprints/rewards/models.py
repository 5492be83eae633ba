"""The reward catalogue and redemptions.

A consumable reward (a gift, an experience, a day of training) has a stock; a symbolic one
(featured on the wall of fame, a donation in the programme's name) has none. A redemption
keeps its cost, so changing a reward's price never changes what was spent.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, str_enum, utcnow
from blueprints.accounts.models import User


class RewardKind(enum.StrEnum):
    CONSUMABLE = "consumable"
    SYMBOLIC = "symbolic"


class RedemptionStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Reward(db.Model):
    __tablename__ = "rewards"
    __table_args__ = (sa.CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RewardKind] = mapped_column(str_enum(RewardKind))
    title_fr: Mapped[str | None] = mapped_column(sa.String(120))
    title_en: Mapped[str | None] = mapped_column(sa.String(120))
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    cost: Mapped[int]
    stock: Mapped[int | None]  # None: unlimited (symbolic rewards)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Redemption(db.Model):
    __tablename__ = "redemptions"
    __table_args__ = (
        sa.Index("ix_redemptions_status_created", "status", "created_at"),
        sa.Index("ix_redemptions_handled", "handled_at", "id"),  # the console's latest handled
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("rewards.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cost: Mapped[int]
    status: Mapped[RedemptionStatus] = mapped_column(
        str_enum(RedemptionStatus), default=RedemptionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    reward: Mapped[Reward] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
