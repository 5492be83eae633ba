"""Mentoring between colleagues: topics, offers, requests for a mentor, pairs and their sessions."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from base.database import UTCDateTime, db, str_enum, utcnow
from blueprints.accounts.models import WITH_DEPARTMENT, NamedInTwoLanguages, User


class MentoringTopic(NamedInTwoLanguages, db.Model):
    """A topic people offer or ask mentoring about, managed by comms (the content themes are
    topics too, without a row: see ``topics.py``)."""

    __tablename__ = "mentoring_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(80))
    # The personae whose holders are good mentors for it (e.g. reporters for photos).
    personae: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    theme: Mapped[str | None] = mapped_column(sa.String(24))  # the content theme that fits it
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)


class MentorOffer(db.Model):
    """A person's offer to mentor; ``open`` while they take new mentees."""

    __tablename__ = "mentor_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class MenteeWish(db.Model):
    """A person's wish for a mentor; ``open`` while they look for one."""

    __tablename__ = "mentee_wishes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    goal: Mapped[str] = mapped_column(sa.Text, default="")
    open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class PairStatus(enum.StrEnum):
    PROPOSED = "proposed"  # asked by the mentee, or proposed by a matching round
    ACTIVE = "active"
    DECLINED = "declined"
    EXPIRED = "expired"  # not answered in time
    WITHDRAWN = "withdrawn"  # the mentee took the request back
    ENDED = "ended"


class PairOrigin(enum.StrEnum):
    REQUEST = "request"  # the mentee asked; the mentor answers
    ROUND = "round"  # comms' matching round; both answer


class Rhythm(enum.StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class MentoringPair(db.Model):
    """A mentor and a mentee, from the proposal to the end.

    The partial unique indexes hold the rules the transaction also checks: one active mentor
    and one waiting proposal per mentee at a time.
    """

    __tablename__ = "mentoring_pairs"
    __table_args__ = (
        sa.CheckConstraint("mentor_id <> mentee_id", name="not_oneself"),
        sa.Index(
            "uq_mentoring_pairs_one_active_mentor",
            "mentee_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
        sa.Index(
            "uq_mentoring_pairs_one_waiting_proposal",
            "mentee_id",
            unique=True,
            sqlite_where=sa.text("status = 'proposed'"),
            postgresql_where=sa.text("status = 'proposed'"),
        ),
        sa.Index("ix_mentoring_pairs_mentor_status", "mentor_id", "status"),
        sa.Index("ix_mentoring_pairs_mentee_status", "mentee_id", "status"),
        sa.Index("ix_mentoring_pairs_status_requested", "status", "requested_at"),
        # The console's list, newest request first: a page is read from here, not sorted.
        sa.Index("ix_mentoring_pairs_requested", "requested_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[PairStatus] = mapped_column(str_enum(PairStatus), default=PairStatus.PROPOSED)
    origin: Mapped[PairOrigin] = mapped_column(str_enum(PairOrigin), default=PairOrigin.REQUEST)
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # the shared topics
    goal: Mapped[str] = mapped_column(sa.Text, default="")  # the mentee's, when proposed
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the mentee's request
    reply: Mapped[str] = mapped_column(sa.Text, default="")  # the mentor's answer
    rhythm: Mapped[Rhythm] = mapped_column(str_enum(Rhythm), default=Rhythm.FORTNIGHTLY)
    score: Mapped[int | None]  # the round's compatibility score
    mentor_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentee_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Private feedback to comms from each side, when the pair ends (or after).
    mentor_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    mentee_feedback: Mapped[str] = mapped_column(sa.Text, default="")

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    sessions: Mapped[list["MentoringSession"]] = relationship(
        back_populates="pair", order_by="(MentoringSession.held_on.desc(), MentoringSession.id.desc())"
    )

    def side_of(self, user_id: int) -> str | None:
        """'mentor', 'mentee', or None for someone else."""
        if user_id == self.mentor_id:
            return "mentor"
        if user_id == self.mentee_id:
            return "mentee"
        return None

    def other(self, user_id: int) -> User:
        return self.mentee if user_id == self.mentor_id else self.mentor


class MentoringSession(db.Model):
    """A session a pair held, logged by either side: a date and a line of notes."""

    __tablename__ = "mentoring_sessions"
    # One session a day per pair: a double click logs nothing twice.
    __table_args__ = (sa.UniqueConstraint("pair_id", "held_on", name="uq_mentoring_sessions_pair_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("mentoring_pairs.id"))
    held_on: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.String(280), default="")
    logged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pair: Mapped[MentoringPair] = relationship(back_populates="sessions")
    logged_by: Mapped[User] = relationship()


# The two people of a pair as the mentoring pages show them: by name and department.
WITH_PARTNERS = tuple(
    joinedload(person).options(*WITH_DEPARTMENT) for person in (MentoringPair.mentor, MentoringPair.mentee)
)
