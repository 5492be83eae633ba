"""Comms' matching round: the optimal assignment of the people waiting for a mentor to the
mentors with free places (``matching.solve``), previewed, then confirmed as proposals that
both sides answer.

The preview carries a fingerprint of its pairs; confirming recomputes the round under the
write lock and refuses if anything changed meanwhile (a new offer, a request answered, a
second confirmation), so comms confirm exactly what they saw.
"""

import hashlib
import json
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.cache import cache
from base.database import begin_locked_transaction, db, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.mentoring import matching, topics, verbs
from blueprints.mentoring.matching import Fit, Pairing, Unmatched
from blueprints.mentoring.models import MenteeWish, MentoringPair, MentorOffer, PairOrigin, PairStatus
from blueprints.mentoring.services import (
    PROPOSED_TO_MENTEE_NOTICE,
    PROPOSED_TO_MENTOR_NOTICE,
    TAKING_A_PLACE,
    MentoringError,
    as_mentee,
    exclusions,
    mentors_of,
    open_offers,
    pair_link,
    reply_days,
)
from blueprints.notifications.services import notify


@dataclass(frozen=True)
class ProposedPair:
    mentee: User
    mentor: User
    wish: MenteeWish
    fit: Fit


@dataclass(frozen=True)
class LeftOut:
    mentee: User
    reason: Unmatched


@dataclass(frozen=True)
class RoundPreview:
    pairs: list[ProposedPair]
    unmatched: list[LeftOut]
    free_places: int  # in all, before the round
    fingerprint: str

    @property
    def total_score(self) -> int:
        return sum(pair.fit.score for pair in self.pairs)


def _waiting_wishes() -> list[MenteeWish]:
    """Open wishes of active people with no mentor and no proposal waiting."""
    busy = sa.select(MentoringPair.mentee_id).where(MentoringPair.status.in_(TAKING_A_PLACE))
    return list(
        db.session.scalars(
            sa.select(MenteeWish)
            .join(User, User.id == MenteeWish.user_id)
            .options(joinedload(MenteeWish.user))
            .where(MenteeWish.open, User.active, MenteeWish.user_id.not_in(busy))
            .order_by(MenteeWish.user_id)
        )
    )


def preview() -> RoundPreview:
    """The best round now: as many people matched as possible, then the best total fit."""
    wishes = _waiting_wishes()
    offers = open_offers()
    mentors = mentors_of(offers)
    mentees = [as_mentee(wish) for wish in wishes]
    excluded = exclusions([m.user_id for m in mentees], [m.user_id for m in mentors])
    solved = _solved(mentees, mentors, excluded, topics.complements())
    wish_of = {wish.user_id: wish for wish in wishes}
    user_of = {offer.user_id: offer.user for offer in offers} | {wish.user_id: wish.user for wish in wishes}
    pairs = [
        ProposedPair(user_of[pair.mentee_id], user_of[pair.mentor_id], wish_of[pair.mentee_id], pair.fit)
        for pair in solved.pairs
    ]
    unmatched = [LeftOut(user_of[mentee_id], reason) for mentee_id, reason in solved.unmatched]
    return RoundPreview(pairs, unmatched, sum(m.free for m in mentors), _fingerprint(solved))


ROUND_SUBJECT = "mentoring-round"


def _solved(mentees, mentors, excluded, complements) -> matching.Round:
    """The round's solution, remembered by its inputs (the same people, places, exclusions and
    topics give the same pairs): a preview opened again, or confirmed, is not solved again."""
    inputs = json.dumps(
        [
            sorted((mentee.user_id, mentee.topics, mentee.languages) for mentee in mentees),
            sorted(
                (m.user_id, m.topics, m.languages, sorted(m.personae), m.capacity, m.taken) for m in mentors
            ),
            sorted((mentee, sorted(refusals.items())) for mentee, refusals in excluded.items()),
            sorted((key, sorted(personae)) for key, personae in complements.items()),
        ]
    )
    solved = cache.remember(
        ROUND_SUBJECT,
        hashlib.sha256(inputs.encode()).hexdigest(),
        lambda: _round_as_json(matching.solve(mentees, mentors, excluded, complements)),
    )
    return _round_from_json(solved)


def _round_as_json(solved: matching.Round) -> dict:
    return {
        "pairs": [[pair.mentee_id, pair.mentor_id, *astuple(pair.fit)] for pair in solved.pairs],
        "unmatched": [[mentee_id, str(reason)] for mentee_id, reason in solved.unmatched],
    }


def _round_from_json(solved: dict) -> matching.Round:
    return matching.Round(
        tuple(
            Pairing(mentee_id, mentor_id, Fit(score, *(tuple(part) for part in parts), free))
            for mentee_id, mentor_id, score, *parts, free in solved["pairs"]
        ),
        tuple((mentee_id, Unmatched(reason)) for mentee_id, reason in solved["unmatched"]),
    )


def _fingerprint(solved: matching.Round) -> str:
    text = ";".join(f"{p.mentee_id}-{p.mentor_id}-{p.fit.score}" for p in solved.pairs)
    text += "|" + ";".join(f"{mentee_id}-{reason}" for mentee_id, reason in solved.unmatched)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class RoundChanged(MentoringError):
    """The round is not the one previewed any more; ``preview`` is the new one."""

    def __init__(self, message, fresh: RoundPreview):
        super().__init__(message)
        self.preview = fresh


def confirm(organiser: User, fingerprint: str, now: datetime | None = None) -> list[MentoringPair]:
    """Send the previewed round's proposals: each mentor and mentee is told and answers."""
    now = now or utcnow()
    begin_locked_transaction("a matching round")
    with unit_of_work():
        # On PostgreSQL, the open offers' rows: no place changes while the round is written.
        db.session.execute(sa.select(MentorOffer.id).where(MentorOffer.open).with_for_update())
        fresh = preview()
        if fresh.fingerprint != fingerprint:
            raise RoundChanged(_l("Things changed since the preview: here is the round as it is now."), fresh)
        if not fresh.pairs:
            raise MentoringError(_l("This round proposes no pair: there is nothing to send."))
        created = [_propose(pair, now) for pair in fresh.pairs]
        record(organiser, verbs.ROUND_CONFIRMED, None, None, {"pairs": len(created)}, at=now)
    return created


def _propose(proposed: ProposedPair, now: datetime) -> MentoringPair:
    pair = MentoringPair(
        mentor_id=proposed.mentor.id,
        mentee_id=proposed.mentee.id,
        status=PairStatus.PROPOSED,
        origin=PairOrigin.ROUND,
        topics=list(proposed.fit.topics),
        goal=proposed.wish.goal,
        score=proposed.fit.score,
        requested_at=now,
        expires_at=now + timedelta(days=reply_days()),
    )
    db.session.add(pair)
    db.session.flush()
    notify(
        proposed.mentor,
        PROPOSED_TO_MENTOR_NOTICE,
        {"name": proposed.mentee.display_name},
        link=pair_link(pair),
    )
    notify(
        proposed.mentee,
        PROPOSED_TO_MENTEE_NOTICE,
        {"name": proposed.mentor.display_name},
        link=pair_link(pair),
    )
    return pair
