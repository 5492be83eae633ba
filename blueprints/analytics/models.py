"""Weekly roll-ups of the activity log and the points ledger, the only tables the analytics read
for what people did.

One row per week (the Monday, in the programme's time zone) and dimension: rebuilt from the
log by ``rollups.refresh`` (the current and the previous week each time, every week not built
yet), never written anywhere else. Department and site are those stored on the log's rows, the
person's at the time of the action; 0 stands for none, so that the columns can be in the
primary key on both databases.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from base.database import UTCDateTime, db, utcnow

NONE = 0  # no department, no site


class PeopleWeek(db.Model):
    """What a person did in a week, in a department and site (two rows if they moved mid-week).

    No foreign keys here or in the other roll-ups: they are derived data, rebuilt in bulk and
    read joined to the tables they name (a key checked on every inserted row doubled the cost
    of a rebuild)."""

    __tablename__ = "analytics_people_weeks"
    __table_args__ = (
        sa.Index("ix_analytics_people_weeks_department", "department_id", "week"),
        sa.Index("ix_analytics_people_weeks_site", "site_id", "week"),
    )

    week: Mapped[date] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    site_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created: Mapped[int]  # actions of a "create" verb (shared, suggested, contributed)
    reacted: Mapped[int]  # actions of a "react" verb (liked, attended)
    acted: Mapped[int]  # every action done by the person (passive verbs excluded)


class ReachWeek(db.Model):
    """Shares and clicks of a week by item, theme, network, the sharer's persona and group.

    Clicks count in the week of the click, with the sharer's department and site at the time of
    the click.
    """

    __tablename__ = "analytics_reach_weeks"
    __table_args__ = (
        sa.Index("ix_analytics_reach_weeks_department", "department_id", "week"),
        sa.Index("ix_analytics_reach_weeks_site", "site_id", "week"),
    )

    week: Mapped[date] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    theme: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    network: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    persona: Mapped[str] = mapped_column(sa.String(20), primary_key=True)  # "" without one
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    site_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    shares: Mapped[int]
    clicks: Mapped[int]


class PointsWeek(db.Model):
    """Points of the ledger earned in a week, by rule and group (undo entries included, negative)."""

    __tablename__ = "analytics_points_weeks"

    week: Mapped[date] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    site_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    points: Mapped[int]
    entries: Mapped[int]


class WeekBuilt(db.Model):
    """A week whose roll-ups are built, and when they were last rebuilt."""

    __tablename__ = "analytics_weeks_built"

    week: Mapped[date] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


ROLLUPS = (PeopleWeek, ReachWeek, PointsWeek)


class SummarySent(db.Model):
    """The weekly e-mail summary of a week, sent to one person: each goes once (``summary``)."""

    __tablename__ = "analytics_summaries_sent"

    week: Mapped[date] = mapped_column(primary_key=True)  # the Monday of the week summed up
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
