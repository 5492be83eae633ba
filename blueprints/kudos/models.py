"""Kudos: a colleague thanked for something concrete."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, utcnow
from blueprints.accounts.models import User


class Kudos(db.Model):
    __tablename__ = "kudos"
    __table_args__ = (
        sa.CheckConstraint("sender_id <> recipient_id", name="not_to_oneself"),
        sa.Index("ix_kudos_sender_created", "sender_id", "created_at"),
        sa.Index("ix_kudos_recipient_created", "recipient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(sa.String(280))
    # Marked at sending time: a later change of role or manager does not rewrite the past.
    from_comms: Mapped[bool] = mapped_column(default=False)
    from_manager: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
