"""Comms' matching round: the optimal assignment of the people waiting for a mentor to the
mentors with free places (``matching.solve``), previewed, then confirmed as proposals that
both sides answer.

The preview carries a fingerprint of its pairs; confirming recomputes the round under the
write lock and refuses if anything changed meanwhile (a new offer, a request answered, a
second confirmation), so comms confirm exactly what they saw.

The console shows a preview kept in the shared cache (``shown_preview``): gathering the round's
inputs (every open offer and wish, the people's managers, personae and past pairs) is most of
its cost, and they change far less often than comms look. Any change to them through the ORM
makes it stale at once (``ROUND_PREVIEW``); one made around it (an import) shows within
``PREVIEW_KEPT`` seconds, and a confirmation is refused, never sent, if the round changed.
"""

import hashlib
import json
import uuid
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.cache import cache
from base.database import begin_locked_transaction, db, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from blueprints.accounts.models import Department, NamedRow, User
from blueprints.activity.services import record
from blueprints.mentoring import matching, topics, verbs
from blueprints.mentoring.matching import Fit, Pairing, Unmatched
from blueprints.mentoring.models import (
    MenteeWish,
    MentoringPair,
    MentoringTopic,
    MentorOffer,
    PairOrigin,
    PairStatus,
)
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
from blueprints.quiz.models import PersonaScore, QuizResult

ROUND_PREVIEW = "mentoring-round-preview"  # the cache subject of the console's preview (and figures)
PREVIEW_KEPT = 300  # seconds: the longest a change made around the ORM takes to show
PREVIEW_PEOPLE_FIELDS = ("display_name", "active", "manager_id", "department_id")  # what a round reads


@dataclass(frozen=True)
class ShownPerson:
    """A person as a kept preview shows them: their name and department."""

    id: int
    display_name: str
    department: NamedRow | None


@dataclass(frozen=True)
class ProposedPair:
    mentee: User | ShownPerson
    mentor: User | ShownPerson
    wish: MenteeWish | None  # None in a kept preview: only confirming reads the wish
    fit: Fit


@dataclass(frozen=True)
class LeftOut:
    mentee: User | ShownPerson
    reason: Unmatched


@dataclass(frozen=True)
class RoundPreview:
    pairs: list[ProposedPair]
    unmatched: list[LeftOut]
    free_places: int  # in all, before the round
    fingerprint: str
    state: str | None = None  # names a kept preview (it reads the same until it changes)

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


def shown_preview() -> RoundPreview:
    """The preview as the console shows it: kept until the round's inputs change (module doc)."""
    return _shown(cache.remember(ROUND_PREVIEW, "preview", lambda: _kept(preview()), ttl=PREVIEW_KEPT))


def _kept(fresh: RoundPreview) -> dict:
    return {
        "pairs": [[_kept_person(p.mentee), _kept_person(p.mentor), astuple(p.fit)] for p in fresh.pairs],
        "unmatched": [[_kept_person(left.mentee), str(left.reason)] for left in fresh.unmatched],
        "free_places": fresh.free_places,
        "fingerprint": fresh.fingerprint,
        "state": uuid.uuid4().hex,
    }


def _kept_person(person: User) -> list:
    department = person.department
    return [
        person.id,
        person.display_name,
        department and [department.id, department.name, department.name_en],
    ]


def _shown(kept: dict) -> RoundPreview:
    return RoundPreview(
        [
            ProposedPair(_shown_person(mentee), _shown_person(mentor), None, _fit(fit))
            for mentee, mentor, fit in kept["pairs"]
        ],
        [LeftOut(_shown_person(mentee), Unmatched(reason)) for mentee, reason in kept["unmatched"]],
        kept["free_places"],
        kept["fingerprint"],
        kept["state"],
    )


def _shown_person(kept: list) -> ShownPerson:
    person_id, name, department = kept
    return ShownPerson(person_id, name, department and NamedRow(*department))


def _preview_inputs_changed(*_args) -> None:
    cache.bump_after_commit(ROUND_PREVIEW)


PREVIEW_INPUTS = (
    MentorOffer,
    MenteeWish,
    MentoringPair,
    MentoringTopic,
    QuizResult,
    PersonaScore,
    Department,
)
for model in PREVIEW_INPUTS:
    for change in ("after_insert", "after_update", "after_delete"):
        sa.event.listen(model, change, _preview_inputs_changed)


@sa.event.listens_for(User, "after_update")
def _people_changed(mapper, connection, person: User) -> None:
    state = sa.inspect(person)
    if any(state.attrs[field].history.has_changes() for field in PREVIEW_PEOPLE_FIELDS):
        cache.bump_after_commit(ROUND_PREVIEW)


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
        tuple(Pairing(mentee_id, mentor_id, _fit(fit)) for mentee_id, mentor_id, *fit in solved["pairs"]),
        tuple((mentee_id, Unmatched(reason)) for mentee_id, reason in solved["unmatched"]),
    )


def _fit(kept: list) -> Fit:
    """A fit from its kept fields (``astuple``): its lists back to tuples."""
    score, *parts, free = kept
    return Fit(score, *(tuple(part) for part in parts), free)


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
