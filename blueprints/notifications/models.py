"""In-app notifications.

A notification stores its kind and parameters, not its text: the text is written
when it is shown, in the reader's language at that moment.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from base.database import UTCDateTime, db, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Where the notification leads: a page of the site by endpoint and values, built when shown
    # (so a move of the site or of its URLs keeps old notifications working), or a path.
    link_endpoint: Mapped[str | None] = mapped_column(sa.String(80))
    link_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    link: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def has_link(self) -> bool:
        return bool(self.link_endpoint or self.link)

    @property
    def unread(self) -> bool:
        return self.read_at is None
