"""Mentoring between colleagues: offers and wishes, ranked suggestions, the request → answer →
active pair → end flow, sessions, expiry and comms' matching round.

The rules (SPEC §8): never oneself, never someone in one's manager chain (either way), never a
previous pair; a mentee has at most one active mentor and one waiting proposal; a mentor never
has more active mentees than their capacity. Each action is one unit of work that commits, or
rolls back and raises MentoringError with a translated message. Actions that can fill a place
lock the mentor's offer first (a row lock on PostgreSQL, the write lock on SQLite), so
acceptances at the same instant are counted one after the other; the partial unique indexes
on pairs hold the per-mentee rules whatever happens.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from base.database import (
    Reading,
    UTCDateTime,
    begin_locked_transaction,
    db,
    unit_of_work,
    utcnow,
)
from base.i18n import lazy_gettext as _l
from base.i18n import reading_languages
from base.vocabularies import THEMES
from blueprints.accounts.models import NAME_ONLY, User
from blueprints.activity.services import record
from blueprints.content.feed import live_items
from blueprints.content.models import ContentItem, Share
from blueprints.contributions.services import today_for
from blueprints.events.models import Event, EventStatus
from blueprints.mentoring import matching, topics, verbs
from blueprints.mentoring.matching import Fit, Refusal
from blueprints.mentoring.models import (
    WITH_PARTNERS,
    MenteeWish,
    MentoringPair,
    MentoringSession,
    MentoringTopic,
    MentorOffer,
    PairOrigin,
    PairStatus,
    Rhythm,
)
from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

CAPACITY_MAX = 5
NOTE_MAX = 500
GOAL_MAX = 500
MESSAGE_MAX = 500
NOTES_MAX = 280
FEEDBACK_MAX = 1000
TOPIC_NAME_MAX = 80
LEARNING_EVENTS = ("training", "webinar", "social_cafe")
SUGGESTIONS = 5
CHAIN_DEPTH = 32  # deeper than any organisation chart; stops a cycle of managers

# Notification kinds.
REQUESTED_NOTICE = "mentoring_requested"
ACCEPTED_NOTICE = "mentoring_accepted"
DECLINED_NOTICE = "mentoring_declined"
EXPIRED_NOTICE = "mentoring_expired"
ROUND_EXPIRED_NOTICE = "mentoring_round_expired"
PROPOSED_TO_MENTOR_NOTICE = "mentoring_proposed_mentor"
PROPOSED_TO_MENTEE_NOTICE = "mentoring_proposed_mentee"
STARTED_NOTICE = "mentoring_started"
ENDED_NOTICE = "mentoring_ended"
WITHDRAWN_NOTICE = "mentoring_withdrawn"

WAITING = (PairStatus.PROPOSED,)
TAKING_A_PLACE = (PairStatus.ACTIVE, PairStatus.PROPOSED)
# Pairs that rule out proposing the same two people again (a withdrawn request does not).
PREVIOUS = (PairStatus.ACTIVE, PairStatus.ENDED, PairStatus.DECLINED, PairStatus.EXPIRED)


class MentoringError(Exception):
    """A refused action, with a message for the person and the form field it is about."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


REFUSALS = {
    Refusal.SELF: _l("You cannot be your own mentor."),
    Refusal.HIERARCHY: _l("Mentoring is between colleagues outside each other's line of management."),
    Refusal.PREVIOUS: _l("You have already been paired with this person, or asked them before."),
    Refusal.FULL: _l("This mentor has no free place just now."),
    Refusal.NO_LANGUAGE: _l("You have no language in common with this mentor."),
    Refusal.NO_TOPIC: _l("This mentor offers none of the topics you ask for."),
}


@dataclass(frozen=True)
class OfferInput:
    topics: list[str]
    languages: list[str]
    capacity: int
    note: str


@dataclass(frozen=True)
class WishInput:
    topics: list[str]
    languages: list[str]
    goal: str


def pair_link(pair: MentoringPair) -> tuple[str, dict]:
    return "mentoring.pair", {"pair_id": pair.id}


def reply_days() -> int:
    return current_app.config["MENTORING_REPLY_DAYS"]


# --- offers and wishes ------------------------------------------------------------------


def my_offer(user_id: int) -> MentorOffer | None:
    return db.session.scalar(sa.select(MentorOffer).where(MentorOffer.user_id == user_id))


def my_wish(user_id: int) -> MenteeWish | None:
    return db.session.scalar(sa.select(MenteeWish).where(MenteeWish.user_id == user_id))


def offer_and_wish(user_id: int) -> tuple[MentorOffer | None, MenteeWish | None]:
    """The person's offer and wish, in one query."""
    found = db.session.execute(
        sa.select(MentorOffer, MenteeWish)
        .select_from(User)
        .outerjoin(MentorOffer, MentorOffer.user_id == User.id)
        .outerjoin(MenteeWish, MenteeWish.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    return (found[0], found[1]) if found is not None else (None, None)


def _checked_choices(chosen: list[str], languages: list[str]) -> tuple[list[str], list[str]]:
    offered = [topic.key for topic in topics.offered_topics()]
    picked = [key for key in offered if key in set(chosen)]
    if not picked or len(picked) != len(set(chosen)):
        raise MentoringError(_l("Choose at least one topic from the list."), "topics")
    known = current_app.config["LANGUAGES"]
    spoken = [language for language in dict.fromkeys(languages) if language in known]
    if not spoken or len(spoken) != len(set(languages)):
        raise MentoringError(_l("Choose at least one language from the list."), "languages")
    return picked, spoken


def _checked_text(text: str, limit: int, field: str, required_message=None) -> str:
    text = (text or "").strip()
    if required_message is not None and not text:
        raise MentoringError(required_message, field)
    if len(text) > limit:
        raise MentoringError(_l("Keep it to %(num)s characters.", num=limit), field)
    return text


def save_offer(person: User, offer: OfferInput, now: datetime | None = None) -> MentorOffer:
    """Offer to mentor (or change the offer): open to new mentees from now on."""
    now = now or utcnow()
    chosen, languages = _checked_choices(offer.topics, offer.languages)
    if not 1 <= offer.capacity <= CAPACITY_MAX:
        raise MentoringError(_l("Take between 1 and %(num)s mentees at once.", num=CAPACITY_MAX), "capacity")
    note = _checked_text(offer.note, NOTE_MAX, "note")
    with unit_of_work():
        taken = _count(MentoringPair.mentor_id == person.id, MentoringPair.status.in_(TAKING_A_PLACE))
        if offer.capacity < taken:
            raise MentoringError(
                _l(
                    "You mentor, or have a proposal waiting with, %(num)s people: take at least that many.",
                    num=taken,
                ),
                "capacity",
            )
        row = my_offer(person.id) or MentorOffer(user_id=person.id, created_at=now)
        row.topics, row.languages, row.capacity, row.note = chosen, languages, offer.capacity, note
        row.open, row.updated_at = True, now
        db.session.add(row)
        db.session.flush()
        record(person, verbs.OFFER_SAVED, "mentor_offer", row.id, at=now)
    return row


def save_wish(person: User, wish: WishInput, now: datetime | None = None) -> MenteeWish:
    """Ask for a mentor (or change the wish): suggestions and matching rounds consider it."""
    now = now or utcnow()
    chosen, languages = _checked_choices(wish.topics, wish.languages)
    goal = _checked_text(
        wish.goal, GOAL_MAX, "goal", _l("Say in a few words what you would like to achieve.")
    )
    with unit_of_work():
        row = my_wish(person.id) or MenteeWish(user_id=person.id, created_at=now)
        row.topics, row.languages, row.goal, row.open, row.updated_at = chosen, languages, goal, True, now
        db.session.add(row)
        db.session.flush()
        record(person, verbs.WISH_SAVED, "mentee_wish", row.id, at=now)
    return row


def close_offer(person: User, now: datetime | None = None) -> None:
    """Take no new mentees; current pairs and waiting proposals go on."""
    with unit_of_work():
        _close(my_offer(person.id), person, verbs.OFFER_CLOSED, "mentor_offer", now or utcnow())


def close_wish(person: User, now: datetime | None = None) -> MentoringPair | None:
    """Stop looking for a mentor: the request or proposal waiting, if any, is withdrawn (its
    mentor is told), so nobody becomes a mentor the person no longer wants. Returns it."""
    now = now or utcnow()
    begin_locked_transaction("closing a wish for a mentor")
    with unit_of_work():
        _close(my_wish(person.id), person, verbs.WISH_CLOSED, "mentee_wish", now)
        waiting = db.session.scalar(
            sa.select(MentoringPair)
            .where(MentoringPair.mentee_id == person.id, MentoringPair.status == PairStatus.PROPOSED)
            .with_for_update()
        )
        if waiting is not None:
            _withdraw(person, waiting, now)
    return waiting


def _close(row, person: User, verb: str, object_type: str, now: datetime) -> None:
    if row is None or not row.open:
        raise MentoringError(_l("There is nothing to close: it is already closed."))
    row.open, row.updated_at = False, now
    record(person, verb, object_type, row.id, at=now)


# --- who can mentor whom ----------------------------------------------------------------


def _count(*conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count(MentoringPair.id)).where(*conditions)) or 0


def manager_chains(user_ids) -> dict[int, set[int]]:
    """Each person's managers up the chart (manager, their manager…), in one recursive query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    chain = (
        sa.select(User.id.label("start"), User.manager_id.label("manager"), sa.literal(1).label("depth"))
        .where(User.id.in_(ids), User.manager_id.is_not(None))
        .cte("chain", recursive=True)
    )
    above = aliased(User)
    chain = chain.union_all(
        sa.select(chain.c.start, above.manager_id, chain.c.depth + 1)
        .join(above, above.id == chain.c.manager)
        .where(above.manager_id.is_not(None), chain.c.depth < CHAIN_DEPTH)
    )
    found: dict[int, set[int]] = {user_id: set() for user_id in ids}
    for start, manager in db.session.execute(sa.select(chain.c.start, chain.c.manager)):
        found[start].add(manager)
    return found


def _held_personae(user_ids) -> dict[int, frozenset[str]]:
    """The personae each person holds in their latest quiz result."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    latest = (
        sa.select(sa.func.max(QuizResult.id)).where(QuizResult.user_id.in_(ids)).group_by(QuizResult.user_id)
    )
    rows = db.session.execute(
        sa.select(QuizResult.user_id, PersonaScore.persona)
        .join(PersonaScore, PersonaScore.result_id == QuizResult.id)
        .where(QuizResult.id.in_(latest), PersonaScore.held)
    )
    held: dict[int, set[str]] = {}
    for user_id, persona in rows:
        held.setdefault(user_id, set()).add(persona)
    return {user_id: frozenset(personae) for user_id, personae in held.items()}


def _taken_places(mentor_ids=None) -> dict[int, int]:
    """Active pairs and waiting proposals per mentor."""
    query = (
        sa.select(MentoringPair.mentor_id, sa.func.count(MentoringPair.id))
        .where(MentoringPair.status.in_(TAKING_A_PLACE))
        .group_by(MentoringPair.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(MentoringPair.mentor_id.in_(sorted(set(mentor_ids))))
    return dict(db.session.execute(query).all())


def open_offers(exclude_user: int | None = None) -> list[MentorOffer]:
    query = (
        sa.select(MentorOffer)
        .join(User, User.id == MentorOffer.user_id)
        .options(joinedload(MentorOffer.user))
        .where(MentorOffer.open, User.active)
        .order_by(MentorOffer.user_id)
    )
    if exclude_user is not None:
        query = query.where(MentorOffer.user_id != exclude_user)
    return list(db.session.scalars(query))


def mentors_of(offers: list[MentorOffer]) -> list[matching.Mentor]:
    ids = [offer.user_id for offer in offers]
    taken, personae = _taken_places(ids), _held_personae(ids)
    return [
        matching.Mentor(
            offer.user_id,
            tuple(offer.topics),
            tuple(offer.languages),
            personae.get(offer.user_id, frozenset()),
            offer.capacity,
            taken.get(offer.user_id, 0),
        )
        for offer in offers
    ]


def as_mentee(wish: MenteeWish) -> matching.Mentee:
    return matching.Mentee(wish.user_id, tuple(wish.topics), tuple(wish.languages))


def _previous_partners(mentee_ids) -> dict[int, set[int]]:
    rows = db.session.execute(
        sa.select(MentoringPair.mentee_id, MentoringPair.mentor_id).where(
            MentoringPair.mentee_id.in_(sorted(set(mentee_ids))), MentoringPair.status.in_(PREVIOUS)
        )
    )
    previous: dict[int, set[int]] = {}
    for mentee_id, mentor_id in rows:
        previous.setdefault(mentee_id, set()).add(mentor_id)
    return previous


def exclusions(mentee_ids, mentor_ids) -> dict[int, dict[int, Refusal]]:
    """For each mentee, the mentors ruled out: their manager chain either way, previous pairs."""
    chains = manager_chains([*mentee_ids, *mentor_ids])
    previous = _previous_partners(mentee_ids)
    excluded = {
        mentee_id: dict.fromkeys(previous.get(mentee_id, ()), Refusal.PREVIOUS) for mentee_id in mentee_ids
    }
    # Through the chains, not every mentee against every mentor: a round has hundreds of each.
    mentors = set(mentor_ids)
    for mentee_id in mentee_ids:
        for manager_id in chains.get(mentee_id, set()) & mentors:
            excluded[mentee_id][manager_id] = Refusal.HIERARCHY
    for mentor_id in mentors:
        for manager_id in chains.get(mentor_id, set()) & excluded.keys():
            excluded[manager_id][mentor_id] = Refusal.HIERARCHY
    return excluded


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    offer: MentorOffer
    fit: Fit


def suggestions_for(person: User, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The mentors who fit the person's open wish best (none without one), each with its fit."""
    wish = my_wish(person.id)
    if wish is None or not wish.open:
        return []
    offers = open_offers(exclude_user=person.id)
    mentors = mentors_of(offers)
    excluded = exclusions([person.id], [mentor.user_id for mentor in mentors])[person.id]
    ranked = matching.suggestions(as_mentee(wish), mentors, excluded, topics.complements(), limit)
    by_user = {offer.user_id: offer for offer in offers}
    return [Suggestion(by_user[mentor.user_id].user, by_user[mentor.user_id], fit) for mentor, fit in ranked]


def assess_mentor(person: User, mentor_id: int) -> tuple[MentorOffer | None, Fit | Refusal | None]:
    """A mentor's open offer and how it fits the person's wish (None without a wish)."""
    offer = db.session.scalar(
        sa.select(MentorOffer)
        .join(User, User.id == MentorOffer.user_id)
        .where(MentorOffer.user_id == mentor_id, MentorOffer.open, User.active)
    )
    wish = my_wish(person.id)
    if offer is None or wish is None:
        return offer, None
    (mentor,) = mentors_of([offer])
    excluded = exclusions([person.id], [mentor_id])[person.id]
    return offer, matching.assess(as_mentee(wish), mentor, excluded, topics.complements())


# --- the flow ---------------------------------------------------------------------------


def _lock_offer_of(mentor_id: int) -> MentorOffer | None:
    """The mentor's offer, locked until the transaction ends: places are counted one at a time."""
    return db.session.scalar(
        sa.select(MentorOffer)
        .where(MentorOffer.user_id == mentor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def request_mentor(mentee: User, mentor_id: int, message: str, now: datetime | None = None) -> MentoringPair:
    """Ask a mentor: they are told and have ``MENTORING_REPLY_DAYS`` days to answer."""
    now = now or utcnow()
    message = _checked_text(message, MESSAGE_MAX, "message", _l("Write a few words to introduce yourself."))
    begin_locked_transaction("a mentoring request")
    with unit_of_work():
        offer = _lock_offer_of(mentor_id)
        wish = my_wish(mentee.id)
        if wish is None or not wish.open:
            raise MentoringError(_l("Say what you would like help with first: then ask a mentor."))
        if offer is None or not offer.open or not offer.user.active:
            raise MentoringError(_l("This colleague does not offer mentoring just now."))
        _refuse_if_paired_or_waiting(mentee.id)
        (mentor,) = mentors_of([offer])
        excluded = exclusions([mentee.id], [mentor_id])[mentee.id]
        fit = matching.assess(as_mentee(wish), mentor, excluded, topics.complements())
        if isinstance(fit, Refusal):
            raise MentoringError(REFUSALS[fit])
        pair = MentoringPair(
            mentor_id=mentor_id,
            mentee_id=mentee.id,
            status=PairStatus.PROPOSED,
            origin=PairOrigin.REQUEST,
            topics=list(fit.topics),
            goal=wish.goal,
            message=message,
            score=fit.score,
            mentee_agreed_at=now,
            requested_at=now,
            expires_at=now + timedelta(days=reply_days()),
        )
        _insert(pair)
        record(mentee, verbs.REQUESTED, "mentoring_pair", pair.id, at=now)
        notify(
            offer.user, REQUESTED_NOTICE, {"name": mentee.display_name}, link=pair_link(pair)
        ).created_at = now
    return pair


def _refuse_if_paired_or_waiting(mentee_id: int) -> None:
    if _count(MentoringPair.mentee_id == mentee_id, MentoringPair.status == PairStatus.ACTIVE):
        raise MentoringError(_l("You already have a mentor: end that pairing before asking someone else."))
    if _count(MentoringPair.mentee_id == mentee_id, MentoringPair.status == PairStatus.PROPOSED):
        raise MentoringError(_l("You are already waiting for an answer: one request at a time."))


def _insert(pair: MentoringPair) -> None:
    """Add the pair; the unique indexes turn a double click or a race into a clear refusal."""
    db.session.add(pair)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as clash:
        raise MentoringError(_l("You are already waiting for an answer: one request at a time.")) from clash


def _pair_for_update(pair_id: int) -> MentoringPair | None:
    return db.session.scalar(
        sa.select(MentoringPair)
        .where(MentoringPair.id == pair_id)
        .with_for_update(of=MentoringPair)
        .execution_options(populate_existing=True)
    )


def _pending_for(person: User, pair_id: int, now: datetime) -> MentoringPair:
    """The waiting proposal the person has to answer, locked, or MentoringError."""
    mentor_id = db.session.scalar(sa.select(MentoringPair.mentor_id).where(MentoringPair.id == pair_id))
    if mentor_id is None:
        raise MentoringError(_l("This mentoring request does not exist."))
    begin_locked_transaction("an answer to a mentoring request")
    _lock_offer_of(mentor_id)  # the mentor's places first, then the pair: one order for everyone
    pair = _pair_for_update(pair_id)
    side = pair.side_of(person.id)
    if side is None:
        raise MentoringError(_l("This mentoring request does not exist."))
    if pair.status != PairStatus.PROPOSED:
        raise MentoringError(_l("This request has already been answered: nothing was changed."))
    if pair.expires_at <= now:
        raise MentoringError(_l("This request has expired: nothing was changed."))
    agreed = pair.mentor_agreed_at if side == "mentor" else pair.mentee_agreed_at
    if agreed is not None:
        raise MentoringError(_l("You have already said yes: the other person has yet to answer."))
    return pair


def answer(
    person: User,
    pair_id: int,
    accept: bool,
    reply: str = "",
    rhythm: str = Rhythm.FORTNIGHTLY,
    now: datetime | None = None,
) -> MentoringPair:
    """Say yes or no to a waiting proposal. A request from a mentee waits for the mentor only;
    a matching round's proposal for both. The pair starts once both said yes, if the mentor
    still has a free place and the mentee no mentor."""
    now = now or utcnow()
    reply = _checked_text(reply, MESSAGE_MAX, "reply")
    if rhythm not in Rhythm.__members__.values():
        raise MentoringError(_l("Choose a rhythm from the list."), "rhythm")
    with unit_of_work():
        pair = _pending_for(person, pair_id, now)
        side = pair.side_of(person.id)
        pair.answered_at = now
        _settle_notices(person.id, pair.id, now)
        if not accept:
            _decline(person, pair, side, reply, now)
            return pair
        if side == "mentor":
            pair.mentor_agreed_at, pair.reply, pair.rhythm = now, reply, Rhythm(rhythm)
        else:
            pair.mentee_agreed_at = now
        record(person, verbs.ACCEPTED, "mentoring_pair", pair.id, at=now)
        if pair.mentor_agreed_at and pair.mentee_agreed_at:
            _start(pair, side, now)
    return pair


def _decline(person: User, pair: MentoringPair, side: str, reply: str, now: datetime) -> None:
    pair.status = PairStatus.DECLINED
    if side == "mentor":
        pair.reply = reply
    record(person, verbs.DECLINED, "mentoring_pair", pair.id, at=now)
    db.session.flush()
    other = pair.other(person.id)
    params = {"name": person.display_name}
    if side == "mentor":  # the mentee is told who could help them next
        params["next"] = _next_best_name(pair.mentee)
    notify(other, DECLINED_NOTICE, params, link=("mentoring.index", {})).created_at = now


def _next_best_name(mentee: User) -> str:
    """The name of the mentee's best suggestion now, or "" (the notice then says none fits)."""
    best = suggestions_for(mentee, limit=1)
    return best[0].mentor.display_name if best else ""


def _start(pair: MentoringPair, side: str, now: datetime) -> None:
    """Start the pair once both said yes: the mentee's wish is answered (closed), the others told."""
    offer = my_offer(pair.mentor_id)
    active = _count(MentoringPair.mentor_id == pair.mentor_id, MentoringPair.status == PairStatus.ACTIVE)
    if offer is None or active >= offer.capacity:
        if side == "mentor":
            raise MentoringError(_l("You already mentor as many people as you offered: no place is free."))
        raise MentoringError(_l("This mentor has no free place any more: nothing was changed."))
    if _count(MentoringPair.mentee_id == pair.mentee_id, MentoringPair.status == PairStatus.ACTIVE):
        raise MentoringError(_l("This colleague has found a mentor meanwhile: nothing was changed."))
    pair.status, pair.started_at = PairStatus.ACTIVE, now
    wish = my_wish(pair.mentee_id)
    if wish is not None:
        wish.open, wish.updated_at = False, now
    db.session.flush()
    if pair.origin == PairOrigin.REQUEST:
        notices = [(pair.mentee, ACCEPTED_NOTICE, pair.mentor)]
    else:
        notices = [(pair.mentor, STARTED_NOTICE, pair.mentee), (pair.mentee, STARTED_NOTICE, pair.mentor)]
    for person, kind, other in notices:
        notify(person, kind, {"name": other.display_name}, link=pair_link(pair)).created_at = now


def withdraw(mentee: User, pair_id: int, now: datetime | None = None) -> MentoringPair:
    """Take one's own waiting request back (the mentor is no longer asked)."""
    now = now or utcnow()
    begin_locked_transaction("withdrawing a mentoring request")
    with unit_of_work():
        pair = _pair_for_update(pair_id)
        if pair is None or pair.mentee_id != mentee.id or pair.origin != PairOrigin.REQUEST:
            raise MentoringError(_l("This mentoring request does not exist."))
        if pair.status != PairStatus.PROPOSED:
            raise MentoringError(_l("This request has already been answered: nothing was changed."))
        _withdraw(mentee, pair, now)
    return pair


def _withdraw(mentee: User, pair: MentoringPair, now: datetime) -> None:
    """The waiting request or proposal taken back: the mentor is told, and their notice asking
    for an answer is settled."""
    pair.status, pair.answered_at = PairStatus.WITHDRAWN, now
    record(mentee, verbs.WITHDRAWN, "mentoring_pair", pair.id, at=now)
    _settle_notices(pair.mentor_id, pair.id, now)
    notify(
        pair.mentor, WITHDRAWN_NOTICE, {"name": mentee.display_name}, link=pair_link(pair)
    ).created_at = now


ASKING_NOTICES = ("mentoring_requested", "mentoring_proposed_mentor", "mentoring_proposed_mentee")


def _settle_notices(user_id: int, pair_id: int, now: datetime) -> None:
    """Mark read the person's notices asking them to answer about this pair: it is answered."""
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kind.in_(ASKING_NOTICES),
            Notification.read_at.is_(None),
            Notification.link_values["pair_id"].as_integer() == pair_id,
        )
        .values(read_at=now)
    )


def _own_pair(person: User, pair_id: int, status: PairStatus) -> MentoringPair:
    pair = _pair_for_update(pair_id)
    if pair is None or pair.side_of(person.id) is None:
        raise MentoringError(_l("This mentoring pair does not exist."))
    if pair.status != status:
        raise MentoringError(
            _l("This pairing is not active.")
            if status == PairStatus.ACTIVE
            else _l("This pairing has not ended.")
        )
    return pair


def _set_feedback(pair: MentoringPair, person: User, feedback: str) -> None:
    if pair.side_of(person.id) == "mentor":
        pair.mentor_feedback = feedback
    else:
        pair.mentee_feedback = feedback


def end_pair(person: User, pair_id: int, feedback: str = "", now: datetime | None = None) -> MentoringPair:
    """End an active pair (either side), with optional private feedback for comms."""
    now = now or utcnow()
    feedback = _checked_text(feedback, FEEDBACK_MAX, "feedback")
    begin_locked_transaction("ending a mentoring pair")
    with unit_of_work():
        pair = _own_pair(person, pair_id, PairStatus.ACTIVE)
        pair.status, pair.ended_at, pair.ended_by_id = PairStatus.ENDED, now, person.id
        _set_feedback(pair, person, feedback)
        record(person, verbs.ENDED, "mentoring_pair", pair.id, at=now)
        notify(
            pair.other(person.id), ENDED_NOTICE, {"name": person.display_name}, link=pair_link(pair)
        ).created_at = now
    return pair


def leave_feedback(person: User, pair_id: int, feedback: str) -> MentoringPair:
    """Give (or change) one's private feedback on an ended pair."""
    feedback = _checked_text(feedback, FEEDBACK_MAX, "feedback", _l("Write your feedback first."))
    begin_locked_transaction("feedback on a mentoring pair")
    with unit_of_work():
        pair = _own_pair(person, pair_id, PairStatus.ENDED)
        _set_feedback(pair, person, feedback)
    return pair


def log_session(
    person: User, pair_id: int, held_on: date, notes: str, now: datetime | None = None
) -> MentoringSession:
    """Log a session the pair held (either side logs it, once per day): the mentor and the mentee
    each get it in their activity (points, the mentor badge)."""
    now = now or utcnow()
    notes = _checked_text(notes, NOTES_MAX, "notes")
    begin_locked_transaction("logging a mentoring session")
    with unit_of_work():
        pair = _own_pair(person, pair_id, PairStatus.ACTIVE)
        today = today_for(person, now)
        if held_on > today:
            raise MentoringError(
                _l("Log a session once it has taken place: this date is in the future."), "held_on"
            )
        if held_on < today_for(person, pair.started_at) - timedelta(days=1):
            raise MentoringError(_l("This date is before your pairing started."), "held_on")
        if db.session.scalar(
            sa.select(MentoringSession.id).where(
                MentoringSession.pair_id == pair.id, MentoringSession.held_on == held_on
            )
        ):
            raise MentoringError(_l("A session on this date is already in the log."), "held_on")
        session = MentoringSession(
            pair=pair, held_on=held_on, notes=notes, logged_by_id=person.id, created_at=now
        )
        db.session.add(session)
        db.session.flush()
        record(pair.mentor, verbs.SESSION_GIVEN, "mentoring_pair", pair.id, {"session": session.id}, at=now)
        record(
            pair.mentee, verbs.SESSION_RECEIVED, "mentoring_pair", pair.id, {"session": session.id}, at=now
        )
    return session


def expire_overdue(now: datetime | None = None, user_id: int | None = None) -> int:
    """Close the proposals nobody answered in time (only the person's with ``user_id``: their
    pages expire what is overdue before showing it, whether or not the job has run). The mentee
    is told, with the next best mentor for them; for a matching round's proposal the mentor is
    told too. Safe to run as often as wanted (``flask mentoring expire``)."""
    now = now or utcnow()
    query = sa.select(MentoringPair.id).where(
        MentoringPair.status == PairStatus.PROPOSED, MentoringPair.expires_at <= now
    )
    if user_id is not None:
        query = query.where(sa.or_(MentoringPair.mentor_id == user_id, MentoringPair.mentee_id == user_id))
    overdue = db.session.scalars(query).all()
    expired = 0
    for pair_id in overdue:
        begin_locked_transaction("expiring a mentoring request")
        with unit_of_work():
            pair = _pair_for_update(pair_id)
            if pair.status != PairStatus.PROPOSED:
                continue
            pair.status, pair.answered_at = PairStatus.EXPIRED, now
            record(pair.mentee, verbs.EXPIRED, "mentoring_pair", pair.id, at=now)
            db.session.flush()
            _tell_expired(pair, now)
            expired += 1
    return expired


def _tell_expired(pair: MentoringPair, now: datetime) -> None:
    link = ("mentoring.index", {})
    params = {"name": pair.mentor.display_name, "next": _next_best_name(pair.mentee)}
    if pair.origin == PairOrigin.REQUEST:
        notify(pair.mentee, EXPIRED_NOTICE, params, link=link).created_at = now
        return
    notify(pair.mentee, ROUND_EXPIRED_NOTICE, params, link=link).created_at = now
    notify(pair.mentor, ROUND_EXPIRED_NOTICE, {"name": pair.mentee.display_name}, link=link).created_at = now


# --- what a person sees -----------------------------------------------------------------


@dataclass
class Overview:
    offer: MentorOffer | None
    wish: MenteeWish | None
    to_answer: list[MentoringPair]  # proposals waiting for the person's answer
    waiting: list[MentoringPair]  # proposals the person said yes to, waiting for the other side
    active: list[MentoringPair]
    past: list[MentoringPair]  # the latest ended, declined, expired or withdrawn


PAST_SHOWN = 10


def overview(person: User) -> Overview:
    """Everything of the person's mentoring: offer, wish, proposals and pairs (three queries)."""
    pairs = pairs_in_progress(person.id)
    _current, past_pairs = _overview_statements()
    past = db.session.scalars(past_pairs, {"person": person.id})
    proposed = [pair for pair in pairs if pair.status == PairStatus.PROPOSED]
    offer, wish = offer_and_wish(person.id)
    return Overview(
        offer=offer,
        wish=wish,
        to_answer=[pair for pair in proposed if must_answer(pair, person.id)],
        waiting=[pair for pair in proposed if not must_answer(pair, person.id)],
        active=[pair for pair in pairs if pair.status == PairStatus.ACTIVE],
        past=list(past),
    )


def pairs_in_progress(person_id: int) -> list[MentoringPair]:
    """The person's proposals and active pairs (those taking a place), the newest request first,
    with both people by name and department."""
    current, _past = _overview_statements()
    return list(db.session.scalars(current, {"person": person_id}))


@dataclass(frozen=True)
class HomeFacts:
    """What home says of the person's mentoring, read in one query."""

    pairs: list[tuple[MentoringPair, str]]  # proposals and active pairs, with the other side's name
    offer_open: bool | None  # None: no offer
    wish_open: bool | None  # None: no wish
    has_shared: bool


def _home_facts_of(rows: list, _parameters: dict) -> HomeFacts:
    offer_open, wish_open, has_shared = rows[0][:3]  # a row at least: all is joined to the person
    pairs = [
        (MentoringPair(**dict(zip(PAIR_FACTS, values, strict=True))), partner)
        for *values, partner in (row[3:] for row in rows)
        if values[0] is not None
    ]
    return HomeFacts(pairs, offer_open, wish_open, bool(has_shared))


PAIR_FACTS = ("id", "status", "mentor_id", "mentee_id", "mentor_agreed_at", "mentee_agreed_at", "expires_at")


@lru_cache(maxsize=1)
def _home_facts_statement() -> sa.Select:
    """Built once, the person a parameter."""
    person = sa.select(sa.bindparam("person", type_=sa.Integer).label("id")).subquery()
    partner = aliased(User)
    theirs = sa.or_(MentoringPair.mentor_id == person.c.id, MentoringPair.mentee_id == person.c.id)
    partner_id = sa.case(
        (MentoringPair.mentor_id == person.c.id, MentoringPair.mentee_id), else_=MentoringPair.mentor_id
    )
    shared = sa.exists().where(Share.user_id == person.c.id)
    return (
        sa.select(
            MentorOffer.open,
            MenteeWish.open,
            shared,
            *(getattr(MentoringPair, name) for name in PAIR_FACTS),
            partner.display_name,
        )
        .select_from(person)
        .outerjoin(MentorOffer, MentorOffer.user_id == person.c.id)
        .outerjoin(MenteeWish, MenteeWish.user_id == person.c.id)
        .outerjoin(MentoringPair, sa.and_(theirs, MentoringPair.status.in_(TAKING_A_PLACE)))
        .outerjoin(partner, partner.id == partner_id)
    )


# What home says of the person's mentoring (the person a parameter): read with its other facts.
HOME_FACTS = Reading(_home_facts_statement, _home_facts_of)


@lru_cache(maxsize=1)
def _overview_statements() -> tuple[sa.Select, sa.Select]:
    """The person's pairs in progress, and their latest past ones, built once (the person is a
    parameter)."""
    person = sa.bindparam("person", type_=sa.Integer)
    theirs = sa.or_(MentoringPair.mentor_id == person, MentoringPair.mentee_id == person)
    pairs = (
        sa.select(MentoringPair)
        .options(*WITH_PARTNERS)
        .order_by(MentoringPair.requested_at.desc(), MentoringPair.id.desc())
    )
    current = pairs.where(theirs, MentoringPair.status.in_(TAKING_A_PLACE))
    past = pairs.where(theirs, MentoringPair.status.not_in(TAKING_A_PLACE)).limit(PAST_SHOWN)
    return current, past


def current_overview(person: User, now: datetime | None = None) -> Overview:
    """The person's overview, their proposals nobody answered in time shown expired whether or
    not the job has run (read again only when one was overdue)."""
    now = now or utcnow()
    view = overview(person)
    if any(pair.expires_at <= now for pair in (*view.to_answer, *view.waiting)):
        expire_overdue(now, person.id)
        view = overview(person)
    return view


def current_pair(person: User, pair_id: int, now: datetime | None = None) -> MentoringPair | None:
    """A pair the person is part of, a proposal nobody answered in time shown expired whether or
    not the job has run (the person's overdue proposals expired first only when it is one)."""
    now = now or utcnow()
    pair = visible_pair(person, pair_id)
    if pair is not None and pair.status == PairStatus.PROPOSED and pair.expires_at <= now:
        expire_overdue(now, person.id)
        pair = visible_pair(person, pair_id)
    return pair


def must_answer(pair: MentoringPair, user_id: int) -> bool:
    """A proposal still waiting for this person's yes or no."""
    side = pair.side_of(user_id)
    agreed = pair.mentor_agreed_at if side == "mentor" else pair.mentee_agreed_at
    return pair.status == PairStatus.PROPOSED and side is not None and agreed is None


def visible_pair(person: User, pair_id: int) -> MentoringPair | None:
    """A pair the person is part of (None for anyone else, comms included: the console shows it)."""
    pair = db.session.scalar(_pair_statement(), {"pair": pair_id})
    return pair if pair is not None and pair.side_of(person.id) else None


def sessions_of(pair_id: int) -> list[MentoringSession]:
    return list(db.session.scalars(_sessions_statement(), {"pair": pair_id}))


FITTING_SHOWN = 3


@dataclass(frozen=True)
class Fitting:
    """What an active pair may learn from together, as its page lists it: id, title, language
    and ``at`` (when an item was published, when an event starts)."""

    content: list[sa.Row]
    events: list[sa.Row]


def fitting(pair: MentoringPair, reader: User, now: datetime | None = None) -> Fitting:
    """In one query, in the reader's languages: the newest live items of the themes that fit the
    pair's topics, and the next events to learn at together (trainings, webinars, social cafés)."""
    themes = sorted(topics.themes_of(pair.topics))
    found = {"as_of": now or utcnow(), "themes": themes, "languages": reading_languages(reader)}
    rows = db.session.execute(_fitting_statement(), found).all()
    content = sorted(
        (row for row in rows if row.kind == "content"), key=lambda row: (row.at, row.id), reverse=True
    )
    events = sorted((row for row in rows if row.kind == "event"), key=lambda row: (row.at, row.id))
    return Fitting(content, events)


# The statements of a pair's page, built once (the pair, the moment and the reader's languages
# are parameters): putting them together cost as much as running them.


@lru_cache(maxsize=1)
def _pair_statement() -> sa.Select:
    return (
        sa.select(MentoringPair)
        .options(*WITH_PARTNERS)
        .where(MentoringPair.id == sa.bindparam("pair", type_=sa.Integer))
    )


@lru_cache(maxsize=1)
def _sessions_statement() -> sa.Select:
    return (
        sa.select(MentoringSession)
        .options(joinedload(MentoringSession.logged_by).options(*NAME_ONLY))
        .where(MentoringSession.pair_id == sa.bindparam("pair", type_=sa.Integer))
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
    )


@lru_cache(maxsize=1)
def _fitting_statement() -> sa.CompoundSelect:
    as_of = sa.bindparam("as_of", type_=UTCDateTime)
    languages = sa.bindparam("languages", expanding=True)
    content = (
        sa.select(
            ContentItem.id,
            ContentItem.title,
            ContentItem.language,
            sa.literal("content").label("kind"),
            ContentItem.publish_at.label("at"),
        )
        .where(
            live_items(as_of),
            ContentItem.theme.in_(sa.bindparam("themes", expanding=True)),
            ContentItem.language.in_(languages),
        )
        .order_by(ContentItem.publish_at.desc(), ContentItem.id.desc())
        .limit(FITTING_SHOWN)
    )
    events = (
        sa.select(Event.id, Event.title, Event.language, sa.literal("event"), Event.starts_at)
        .where(
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at > as_of,
            Event.kind.in_(LEARNING_EVENTS),
            Event.language.in_(languages),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FITTING_SHOWN)
    )
    # Each part's order and limit inside a subquery (SQLite wants them there); sorted again after.
    return sa.union_all(*(sa.select(part.subquery()) for part in (content, events)))


# --- topics, managed by comms -----------------------------------------------------------


@dataclass(frozen=True)
class TopicInput:
    name: str
    name_en: str
    personae: list[str]
    theme: str | None


def save_topic(
    editor: User, topic_id: int | None, changes: TopicInput, now: datetime | None = None
) -> MentoringTopic:
    """Create a topic (``topic_id`` None) or rename it; its key never changes (people chose it)."""
    now = now or utcnow()
    name = _checked_text(changes.name, TOPIC_NAME_MAX, "name", _l("Give the topic a name."))
    name_en = _checked_text(changes.name_en, TOPIC_NAME_MAX, "name_en") or None
    if any(persona not in PERSONA_BY_KEY for persona in changes.personae):
        raise MentoringError(_l("Choose ambassador profiles from the list."), "personae")
    if changes.theme and changes.theme not in THEMES:
        raise MentoringError(_l("Choose a theme from the list."), "theme")
    with unit_of_work():
        topic = db.session.get(MentoringTopic, topic_id) if topic_id is not None else None
        if topic_id is not None and topic is None:
            raise MentoringError(_l("This topic does not exist."))
        for field, value in (("name", name), ("name_en", name_en)):
            if value and _name_taken(value, topic_id):
                raise MentoringError(_l("Another topic already has this name."), field)
        if topic is None:
            topic = MentoringTopic(key=_new_key(name), position=_next_position())
            db.session.add(topic)
        topic.name, topic.name_en = name, name_en
        topic.personae, topic.theme = (
            [p for p in PERSONA_BY_KEY if p in changes.personae],
            changes.theme or None,
        )
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError as clash:  # the same name saved at the same instant
            raise MentoringError(_l("Another topic already has this name."), "name") from clash
        record(editor, verbs.TOPIC_SAVED, "mentoring_topic", topic.id, at=now)
    return topic


def _name_taken(name: str, topic_id: int | None) -> bool:
    """Whether another topic or a content theme is called so, in either language, whatever the case."""
    wanted = name.casefold()
    themes = {str(label) for label in THEMES.values()}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            themes |= {str(label) for label in THEMES.values()}
    if wanted in {theme.casefold() for theme in themes}:
        return True
    others = db.session.execute(
        sa.select(MentoringTopic.name, MentoringTopic.name_en).where(MentoringTopic.id != (topic_id or 0))
    )
    return any(wanted in {value.casefold() for value in row if value} for row in others)


def _new_key(name: str) -> str:
    """A stable key from the name, made unique."""
    base = re.sub(
        r"[^a-z0-9]+", "_", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    )
    base = base.strip("_")[:30] or "topic"
    taken = set(db.session.scalars(sa.select(MentoringTopic.key).where(MentoringTopic.key.like(f"{base}%"))))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _next_position() -> int:
    return (db.session.scalar(sa.select(sa.func.max(MentoringTopic.position))) or 0) + 1


def set_topic_archived(
    editor: User, topic_id: int, archived: bool, now: datetime | None = None
) -> MentoringTopic:
    """Stop offering a topic (people who chose it keep it), or offer it again."""
    now = now or utcnow()
    with unit_of_work():
        topic = db.session.get(MentoringTopic, topic_id)
        if topic is None:
            raise MentoringError(_l("This topic does not exist."))
        if topic.archived == archived:
            return topic  # already so: nothing to change or to audit
        topic.archived = archived
        verb = verbs.TOPIC_ARCHIVED if archived else verbs.TOPIC_RESTORED
        record(editor, verb, "mentoring_topic", topic.id, at=now)
    return topic


def managed_topics() -> list[MentoringTopic]:
    return list(
        db.session.scalars(sa.select(MentoringTopic).order_by(MentoringTopic.position, MentoringTopic.id))
    )
