"""The demo's mentoring, through the feature's own services so every rule holds (never someone
in one's manager chain, a mentor's places, one mentor at a time): offers and wishes, a matching
round comms confirmed, requests answered or still waiting, sessions logged, a pairing ended with
both sides' feedback, and people still waiting for the next round. Each step happens at its
moment in the past, in the order of the days, so the activity log, the points and the mentor
badge follow as they would have; the notices are dated then too."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from base.database import db, unit_of_work
from blueprints.accounts.models import User
from blueprints.contributions.services import today_for
from blueprints.demo.data_files import load
from blueprints.mentoring import rounds, services
from blueprints.mentoring.models import MentoringTopic
from blueprints.notifications.models import Notification

MENTORING = load("mentoring.toml")
REVIEWER = 1  # comms@example.com confirms the matching rounds
READ_AFTER = timedelta(days=1)  # a notice was read the day after, unless it is from the last days
UNREAD_WITHIN = timedelta(days=3)
NOTICES = (
    services.REQUESTED_NOTICE,
    services.ACCEPTED_NOTICE,
    services.DECLINED_NOTICE,
    services.EXPIRED_NOTICE,
    services.PROPOSED_TO_MENTOR_NOTICE,
    services.PROPOSED_TO_MENTEE_NOTICE,
    services.STARTED_NOTICE,
    services.ENDED_NOTICE,
)
# The order things happen in on the same day, ten minutes apart.
OFFER, WISH, REQUEST, ROUND, ANSWER, MENTEE_ANSWER, SESSION, END, FEEDBACK, CLOSE = range(10)
STEP = timedelta(minutes=10)


@dataclass
class _Timeline:
    """The demo's actions, each at its moment, run in the order they happened."""

    now: datetime
    steps: list[tuple[datetime, int, Callable[[datetime], object]]] = field(default_factory=list)

    def add(self, days: int, order: int, action: Callable[[datetime], object]) -> None:
        at = self.now - timedelta(days=days) + order * STEP
        self.steps.append((at, len(self.steps), action))

    def run(self) -> None:
        for at, _number, action in sorted(self.steps, key=lambda step: step[:2]):
            last_notice = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
            action(at)
            _told_at(at, last_notice, self.now)


def seed_mentoring(people: list[User], now: datetime) -> None:
    cast = {person.display_name: person for person in people}
    _add_missing_topics()
    timeline = _Timeline(now)
    for data in MENTORING["offers"]:
        timeline.add(data["days"], OFFER, _offer(cast[data["mentor"]], data))
    for data in MENTORING["wishes"]:
        mentee = cast[data["mentee"]]
        timeline.add(data["days"], WISH, _wish(mentee, data))
        if "closed" in data:
            timeline.add(data["closed"], CLOSE, lambda at, mentee=mentee: services.close_wish(mentee, now=at))
    pairs: dict[tuple[str, str], int] = {}  # (mentee, mentor) names: the pair's id, once it exists
    for data in MENTORING["rounds"]:
        timeline.add(data["days"], ROUND, _round(people[REVIEWER], data, pairs))
    for data in MENTORING["pairs"]:
        _pair(timeline, cast, data, pairs)
    timeline.run()


def _add_missing_topics() -> None:
    """The starter topics the migration adds, for a database made without it."""
    known = set(db.session.scalars(sa.select(MentoringTopic.key)))
    with unit_of_work():
        for position, data in enumerate(MENTORING["topics"], start=1):
            if data["key"] not in known:
                db.session.add(MentoringTopic(**data, position=position, archived=False))


def _offer(mentor: User, data: dict):
    offer = services.OfferInput(data["topics"], data["languages"], data["capacity"], data["note"])
    return lambda at: services.save_offer(mentor, offer, now=at)


def _wish(mentee: User, data: dict):
    wish = services.WishInput(data["topics"], data["languages"], data["goal"])
    return lambda at: services.save_wish(mentee, wish, now=at)


def _round(organiser: User, data: dict, pairs: dict[tuple[str, str], int]):
    """Comms confirm the round the console proposes then, which must be the one the data expects."""

    def confirm(at: datetime) -> None:
        preview = rounds.preview()
        proposed = {(pair.mentee.display_name, pair.mentor.display_name) for pair in preview.pairs}
        expected = {tuple(names) for names in data["pairs"]}
        if proposed != expected:
            raise RuntimeError(
                f"The demo's matching round proposes {sorted(proposed)}, not {sorted(expected)}."
            )
        for pair in rounds.confirm(organiser, preview.fingerprint, now=at):
            pairs[pair.mentee.display_name, pair.mentor.display_name] = pair.id

    return confirm


def _pair(timeline: _Timeline, cast: dict[str, User], data: dict, pairs: dict[tuple[str, str], int]) -> None:
    """A request or a round's proposal, its answers, its sessions and its end."""
    key = (data["mentee"], data["mentor"])
    side = {"mentee": cast[data["mentee"]], "mentor": cast[data["mentor"]]}

    def ask(at: datetime) -> None:
        pairs[key] = services.request_mentor(side["mentee"], side["mentor"].id, data["message"], now=at).id

    def answer(person: User, reply: str = "", rhythm: str = services.Rhythm.FORTNIGHTLY):
        return lambda at: services.answer(person, pairs[key], data["accepted"], reply, rhythm, now=at)

    def log(session: dict):
        person = side[session["by"]]
        return lambda at: services.log_session(
            person, pairs[key], today_for(person, at), session["notes"], now=at
        )

    if data["origin"] == "request":
        timeline.add(data["asked"], REQUEST, ask)
    if "answered" in data:
        mentor_answer = answer(
            side["mentor"], data.get("reply", ""), data.get("rhythm", services.Rhythm.FORTNIGHTLY)
        )
        timeline.add(data["answered"], ANSWER, mentor_answer)
        if data["origin"] == "round":
            timeline.add(data["answered"], MENTEE_ANSWER, answer(side["mentee"]))
    for session in data.get("sessions", []):
        timeline.add(session["days"], SESSION, log(session))
    if "ended" in data:
        ender = data["ended_by"]
        other = "mentor" if ender == "mentee" else "mentee"
        feedback = {name: data.get(f"{name}_feedback", "") for name in side}
        timeline.add(
            data["ended"],
            END,
            lambda at: services.end_pair(side[ender], pairs[key], feedback[ender], now=at),
        )
        if feedback[other]:
            timeline.add(
                data["ended"],
                FEEDBACK,
                lambda at: services.leave_feedback(side[other], pairs[key], feedback[other]),
            )


def _told_at(at: datetime, last_notice: int, now: datetime) -> None:
    """The mentoring notices an action just sent, dated when it happened (the services date them
    now): read the next day, except the last days' ones."""
    with unit_of_work():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id > last_notice, Notification.kind.in_(NOTICES))
            .values(created_at=at, read_at=at + READ_AFTER if at < now - UNREAD_WITHIN else None)
        )
