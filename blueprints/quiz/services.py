"""The quiz's rules: checking answers, storing results, reading them back."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from base.cache import cache
from base.database import Reading, column_rows, db, utcnow
from base.i18n import lazy_gettext as _l
from base.memo import per_request
from blueprints.accounts.models import Department, User
from blueprints.activity.services import record
from blueprints.quiz import verbs
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.quiz.personae import BY_KEY, PERSONA_KEYS
from blueprints.quiz.questions import NETWORKS_QUESTION, NO_NETWORK, QUESTIONS, QUIZ_VERSION, Question
from blueprints.quiz.scoring import persona_scores, rank_personae


class QuizError(Exception):
    """An answer that cannot be accepted, with a message for the person."""


def checked_answer(question: Question, values: list[str]) -> str | list[str]:
    """The answer to store for the submitted values, or QuizError."""
    values = [value for value in values if value]
    if not values:
        raise QuizError(_l("Choose an answer to continue."))
    if not set(values) <= question.option_keys() or (not question.multiple and len(values) > 1):
        raise QuizError(_l("This answer is not one of the choices. Please choose again."))
    if not question.multiple:
        return values[0]
    if NO_NETWORK in values and len(values) > 1:
        raise QuizError(_l("Choose your networks, or “None of them yet”, but not both."))
    return sorted(set(values))


def first_unanswered(answers: dict) -> int:
    """Index of the first question without an answer (len(QUESTIONS) when all are answered)."""
    for index, question in enumerate(QUESTIONS):
        if question.key not in answers:
            return index
    return len(QUESTIONS)


def valid_answers(answers: dict) -> dict:
    """The answers that still check out (a stale session may hold others)."""
    valid = {}
    for question in QUESTIONS:
        value = answers.get(question.key)
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        try:
            valid[question.key] = checked_answer(question, values)
        except QuizError:
            continue
    return valid


def complete_quiz(user: User, answers: dict, attempt: str) -> QuizResult:
    """Store the result of a finished attempt. An attempt stored already (a double-submitted
    last answer) stores nothing again: the result is the latest one. QuizError, and nothing
    stored, when an answer is missing or no longer valid."""
    try:
        result = save_result(user, answers, attempt)
        db.session.commit()
    except IntegrityError:  # the unique (user, attempt): the other submission won
        db.session.rollback()
        return latest_result(user.id)
    return result


def save_result(
    user: User, answers: dict, attempt: str | None = None, at: datetime | None = None
) -> QuizResult:
    """Score a finished quiz and add it with its log entry (the caller commits: the demo seed
    adds many at once; a person's attempt goes through complete_quiz).

    QuizError, and nothing added, when an answer is missing or forged.
    """
    answers = valid_answers(answers)
    if len(answers) < len(QUESTIONS):
        raise QuizError(_l("Choose an answer to continue."))
    ranked = rank_personae(persona_scores(answers))
    networks = [network for network in answers[NETWORKS_QUESTION] if network != NO_NETWORK]
    result = QuizResult(
        user_id=user.id,
        version=QUIZ_VERSION,
        attempt=attempt,
        answers=answers,
        networks=networks,
        primary_persona=ranked[0].persona,
        created_at=at or utcnow(),
        scores=[
            PersonaScore(persona=r.persona, score=r.score, rank=r.rank, held=r.held, also_you=r.also_you)
            for r in ranked
        ],
    )
    db.session.add(result)
    db.session.flush()
    forget_distribution()
    record(user, verbs.QUIZ_COMPLETED, "quiz_result", result.id, {"primary": result.primary_persona}, at=at)
    return result


@per_request
def latest_result(user_id: int) -> QuizResult | None:
    """The person's latest result with its scores, in one query (many pages read it)."""
    return db.session.scalars(_latest_result_statement(), {"person": user_id}).unique().first()


@lru_cache(maxsize=1)
def _latest_result_statement() -> sa.Select:
    """Built once, the person a parameter: most pages run it."""
    person = sa.bindparam("person", type_=sa.Integer)
    return (
        sa.select(QuizResult)
        .options(joinedload(QuizResult.scores))
        .where(QuizResult.id == latest_result_id(person))
    )


@dataclass(frozen=True)
class Profile:
    """What home shows of the person's latest result: its id, its primary persona, the personae
    it also finds in them (by rank) and those it presents as theirs (``QuizResult.own_personae``)."""

    result_id: int
    primary_persona: str
    also_you: tuple[str, ...]
    own: frozenset[str]


def latest_profile(user_id: int) -> Profile | None:
    """The person's latest result as home shows it, in one query of plain rows."""
    return PROFILE.read({"person": user_id})


def _profile_of(rows: list, _parameters: dict) -> Profile | None:
    if not rows:
        return None
    rows = sorted(rows, key=lambda row: row[-1] or 0)  # by rank
    result_id, primary = rows[0][:2]
    also_you = tuple(persona for *_, persona, also, _own, _rank in rows if also)
    own = frozenset(persona for *_, persona, _also, own, _rank in rows if own)
    return Profile(result_id, primary, also_you, own)


@lru_cache(maxsize=1)
def _latest_profile_statement() -> sa.Select:
    """Built once, the person a parameter: the latest result, a row for each of its scores that
    the profile names (the first, the "also you" ones, those presented as the person's)."""
    named = sa.or_(PersonaScore.rank == 1, PersonaScore.also_you, PersonaScore.presented_as_own)
    return (
        sa.select(
            QuizResult.id,
            QuizResult.primary_persona,
            PersonaScore.persona,
            PersonaScore.also_you,
            PersonaScore.presented_as_own,
            PersonaScore.rank,
        )
        .outerjoin(PersonaScore, sa.and_(PersonaScore.result_id == QuizResult.id, named))
        .where(QuizResult.id == latest_result_id(sa.bindparam("person", type_=sa.Integer)))
    )


# The person's latest result (the person a parameter): home reads it with its other facts.
PROFILE = Reading(_latest_profile_statement, _profile_of)


def latest_result_id(person: int | sa.BindParameter) -> sa.ScalarSelect:
    """The id of the person's latest result (the highest), as part of a larger query."""
    return (
        sa.select(QuizResult.id)
        .where(QuizResult.user_id == person)
        .order_by(QuizResult.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def own_personae_of(person: int | sa.BindParameter) -> sa.Select:
    """The personae the person's latest result presents as theirs (``QuizResult.own_personae``),
    as part of a larger query."""
    return sa.select(PersonaScore.persona).where(
        PersonaScore.result_id == latest_result_id(person), PersonaScore.presented_as_own
    )


def own_result(user_id: int, result_id: int) -> QuizResult | None:
    result = db.session.get(QuizResult, result_id)
    return result if result is not None and result.user_id == user_id else None


def history(user_id: int) -> list[sa.Row]:
    """The person's results newest first, each its ``id``, ``created_at`` and
    ``primary_persona`` (what the list shows: plain rows, not results with their scores)."""
    return column_rows(_history_statement(), {"person": user_id}).all()


@lru_cache(maxsize=1)
def _history_statement() -> sa.Select:
    """A person's results, built once (the person is a parameter)."""
    return (
        sa.select(QuizResult.id, QuizResult.created_at, QuizResult.primary_persona)
        .where(QuizResult.user_id == sa.bindparam("person", type_=sa.Integer))
        .order_by(QuizResult.id.desc())
    )


def _latest_result_ids():
    return sa.select(sa.func.max(QuizResult.id)).group_by(QuizResult.user_id).scalar_subquery()


def _shown_as_theirs():
    """Same rule as QuizResult.own_personae, in SQL."""
    return sa.and_(PersonaScore.held, sa.or_(PersonaScore.rank == 1, PersonaScore.also_you))


DIRECTORY_LIMIT = 60


def directory(persona: str) -> tuple[list[User], int]:
    """Active colleagues who opted in and whose latest result shows this persona as theirs:
    the first DIRECTORY_LIMIT by name, and how many there are in all."""
    query = (
        sa.select(User)
        .join(QuizResult, QuizResult.user_id == User.id)
        .join(PersonaScore, PersonaScore.result_id == QuizResult.id)
        .where(
            QuizResult.id.in_(_latest_result_ids()),
            PersonaScore.persona == persona,
            _shown_as_theirs(),
            User.active,
            User.directory_opt_in,
        )
        .order_by(User.display_name, User.id)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return list(db.session.scalars(query.limit(DIRECTORY_LIMIT))), total


DISTRIBUTION = "persona-distribution"  # cache subject
DISTRIBUTION_KEPT = 300  # seconds: the longest a change not announced (an import…) takes to show


def persona_distribution() -> dict:
    """Who the programme's ambassador profiles count, by one rule: each active person's latest
    result, with the profiles it presents as theirs (primary, and "also you"), overall and by
    department. ``people`` is how many are counted, the sum of the primary bars: a person is
    counted once, by their primary profile. ``without_profile`` took the quiz too, but no
    profile of theirs reached the threshold, so they are in no bar.

    Counted over every result, so kept until a result is added, a person leaves or comes back,
    or moves to another department or site (``forget_distribution``; challenges keep their
    audiences under the same subject)."""
    return cache.remember(DISTRIBUTION, "counts", _count_distribution, DISTRIBUTION_KEPT)


def forget_distribution() -> None:
    """The distribution is counted again once the current transaction commits."""
    cache.bump_after_commit(DISTRIBUTION)


def _count_distribution() -> dict:
    department = sa.func.coalesce(Department.name, "").label("department")
    is_primary = (PersonaScore.rank == 1).label("is_primary")
    rows = db.session.execute(
        sa.select(department, PersonaScore.persona, is_primary, sa.func.count())
        .select_from(PersonaScore)
        .join(QuizResult, QuizResult.id == PersonaScore.result_id)
        .join(User, User.id == QuizResult.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(QuizResult.id.in_(_latest_result_ids()), User.active, _shown_as_theirs())
        .group_by(department, PersonaScore.persona, is_primary)
    )
    by_department: dict[str, dict[str, dict[str, int]]] = defaultdict(_zero_counts)
    totals = _zero_counts()
    for department_name, persona, is_primary, count in rows:
        kind = "primary" if is_primary else "also"
        by_department[department_name][persona][kind] += count
        totals[persona][kind] += count
    people = sum(counts["primary"] for counts in totals.values())
    return {
        "totals": totals,
        "by_department": dict(by_department),
        "people": people,
        "without_profile": people_with_result_count() - people,
    }


def _zero_counts() -> dict[str, dict[str, int]]:
    return {persona: {"primary": 0, "also": 0} for persona in PERSONA_KEYS}


def distribution_rows(distribution: dict) -> list[list]:
    """The distribution as table rows: department, persona name, primary, also."""
    return [
        [department or "—", str(BY_KEY[persona].name), counts["primary"], counts["also"]]
        for department, by_persona in sorted(distribution["by_department"].items())
        for persona, counts in by_persona.items()
    ]


def people_with_result_count() -> int:
    """Active people who took the quiz at least once."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(QuizResult.user_id)))
        .join(User, User.id == QuizResult.user_id)
        .where(User.active)
    )
