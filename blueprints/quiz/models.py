"""Quiz results: every attempt is kept with its quiz version and answers."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, utcnow


class QuizResult(db.Model):
    __tablename__ = "quiz_results"
    __table_args__ = (
        sa.Index("ix_quiz_results_user_latest", "user_id", "id"),
        # One result per attempt: a double-submitted last answer stores nothing twice.
        sa.UniqueConstraint("user_id", "attempt", name="uq_quiz_results_user_attempt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int]
    attempt: Mapped[str | None] = mapped_column(sa.String(32))
    answers: Mapped[dict] = mapped_column(sa.JSON)
    networks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    primary_persona: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scores: Mapped[list["PersonaScore"]] = relationship(
        order_by="PersonaScore.rank", cascade="all, delete-orphan", lazy="selectin"
    )

    def own_personae(self) -> set[str]:
        """The personae the result presents as the person's."""
        return {score.persona for score in self.scores if score.presented_as_own}


class PersonaScore(db.Model):
    """One persona's score in one result, 0 to 1, with how the result presents it."""

    __tablename__ = "persona_scores"

    result_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_results.id"), primary_key=True)
    persona: Mapped[str] = mapped_column(sa.String(20), primary_key=True, index=True)
    score: Mapped[float]
    rank: Mapped[int]
    held: Mapped[bool]  # at or above the holding threshold
    also_you: Mapped[bool]  # not primary, but within the margin of the top score

    @hybrid_property
    def presented_as_own(self) -> bool:
        """Whether the result presents the persona as the person's: held, and primary or "also you"
        (the rule of the quiz pages, of events and of challenges aimed at personae)."""
        return self.held and (self.rank == 1 or self.also_you)

    @presented_as_own.inplace.expression
    @classmethod
    def _presented_as_own_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.held, sa.or_(cls.rank == 1, cls.also_you))

    @property
    def percent(self) -> int:
        return round(self.score * 100)
