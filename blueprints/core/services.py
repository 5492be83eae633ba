"""Upkeep of the site (whether the database answers, dropping the work of a failed action) and
what the home page reads: the person's own progress, in words."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from base.database import db, read_together
from base.i18n import lazy_gettext as _l
from base.memo import per_request, remember
from base.registry import PersonFigures
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.activity.services import (
    Entry,
    Progress,
    column_by_type,
    progress_parameters,
    progress_reading,
)
from blueprints.admin import verbs as admin_verbs
from blueprints.auth import verbs as auth_verbs
from blueprints.challenges import verbs as challenges_verbs
from blueprints.challenges.services import HOME_CHALLENGES, HomeChallenges, home_challenges_of
from blueprints.challenges.services import home_parameters as challenges_parameters
from blueprints.content import verbs as content_verbs
from blueprints.content.feed import Preview, feed_preview, preview_parameters, preview_readings
from blueprints.content.models import ContentItem
from blueprints.contributions import verbs as contributions_verbs
from blueprints.events import verbs as events_verbs
from blueprints.events.listing import HOME_EVENTS, EventLine
from blueprints.events.listing import home_parameters as events_parameters
from blueprints.events.models import Event
from blueprints.kudos import verbs as kudos_verbs
from blueprints.mentoring import verbs as mentoring_verbs
from blueprints.mentoring.models import MentoringPair, PairStatus
from blueprints.mentoring.services import HOME_FACTS, HomeFacts, must_answer
from blueprints.notifications.services import unread_count_of
from blueprints.quiz import verbs as quiz_verbs
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.quiz.services import PROFILE, Profile
from blueprints.recognition import verbs as recognition_verbs
from blueprints.recognition.services import STREAK_AND_BADGES, Balance, Summary, balance_of, balance_parts_of
from blueprints.rewards import verbs as rewards_verbs
from blueprints.rewards.services import WITHIN_REACH, RewardInReach


@dataclass(frozen=True)
class HeaderFigures:
    unread: int
    balance: Balance


def header_columns(user_id: int | sa.BindParameter) -> tuple:
    return (unread_count_of(user_id), *balance_parts_of(user_id))


@per_request
def header_figures(user_id: int) -> HeaderFigures:
    """The figures every page's header shows the person: their unread notifications and their
    points. A page reads them with the person (``HEADER_FIGURES``); else in one round trip."""
    return figures_of(db.session.execute(sa.select(*header_columns(user_id))).one())


def figures_of(values: tuple) -> HeaderFigures:
    unread, lifetime, redeemed = values
    return HeaderFigures(unread, Balance.of(lifetime, redeemed))


def keep_header_figures(user_id: int, values: tuple) -> None:
    """The header's figures read with the person, kept for the request: the points also answer
    ``balance_of`` (the person's recognition on home, their profile, the rewards)."""
    figures = figures_of(values)
    remember(header_figures, user_id, value=figures)
    remember(balance_of, user_id, value=figures.balance)


HEADER_FIGURES = PersonFigures(header_columns, keep_header_figures)


def menu_counts(count_queries: list[Callable[[], sa.ScalarSelect]]) -> Iterator[int]:
    """The counts shown beside a menu's entries (suggestions waiting…), in one round trip."""
    if not count_queries:
        return iter(())
    return iter(db.session.execute(_counts_statement(tuple(count_queries))).one())


@lru_cache(maxsize=8)
def _counts_statement(count_queries: tuple[Callable[[], sa.ScalarSelect], ...]) -> sa.Select:
    """A menu's counts in one statement, built once: every console page runs it."""
    return sa.select(*[count_query() for count_query in count_queries])


def database_reachable() -> bool:
    """Whether the database answers a trivial query (the session stays usable either way)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def discard_unfinished_work() -> None:
    """Roll back what a failed action left in the session, so that its error page can still
    read the database (the person's menu, their unread count)."""
    db.session.rollback()


# What each action of the log is called on the person's home page (nouns: they read the same
# whoever did them). A verb missing here (a new feature's) is shown as ACTION.
ACTION = _l("Action")
ACTION_NAMES = {
    content_verbs.CONTENT_SHARED: _l("Shared"),
    content_verbs.CONTENT_LIKED: _l("Liked"),
    content_verbs.CONTENT_UNLIKED: _l("Like withdrawn"),
    content_verbs.SUGGESTION_SUBMITTED: _l("Suggestion"),
    content_verbs.CHARTER_ACCEPTED: _l("Charter accepted"),
    content_verbs.CHARTER_PUBLISHED: _l("Charter published"),
    content_verbs.MODERATION_APPROVED: _l("Suggestion approved"),
    content_verbs.MODERATION_REJECTED: _l("Suggestion declined"),
    content_verbs.CONTENT_CREATED: _l("Content created"),
    content_verbs.CONTENT_UPDATED: _l("Content edited"),
    content_verbs.CONTENT_PINNED: _l("Content pinned"),
    content_verbs.CONTENT_UNPINNED: _l("Content unpinned"),
    content_verbs.CONTENT_ARCHIVED: _l("Content archived"),
    events_verbs.EVENT_REGISTERED: _l("Event sign-up"),
    events_verbs.EVENT_WAITLISTED: _l("Waiting list"),
    events_verbs.EVENT_REGISTRATION_CANCELLED: _l("Sign-up cancelled"),
    events_verbs.EVENT_ATTENDED: _l("Event attended"),
    events_verbs.EVENT_CREATED: _l("Event created"),
    events_verbs.EVENT_UPDATED: _l("Event edited"),
    events_verbs.EVENT_CANCELLED: _l("Event cancelled"),
    quiz_verbs.QUIZ_COMPLETED: _l("Quiz taken"),
    auth_verbs.USER_CREATED: _l("Account created"),
    admin_verbs.ROLE_CHANGED: _l("Role changed"),
    admin_verbs.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    admin_verbs.ACCOUNT_REACTIVATED: _l("Account reactivated"),
    contributions_verbs.CONTRIBUTION_DECLARED: _l("Contribution declared"),
    contributions_verbs.CONTRIBUTION_REVIEW_VALIDATED: _l("Contribution validated"),
    contributions_verbs.CONTRIBUTION_REVIEW_DECLINED: _l("Contribution declined"),
    kudos_verbs.KUDOS_SENT: _l("Colleague thanked"),
    rewards_verbs.REWARD_REDEEMED: _l("Reward chosen"),
    rewards_verbs.REWARD_CREATED: _l("Reward created"),
    rewards_verbs.REWARD_UPDATED: _l("Reward edited"),
    rewards_verbs.REWARD_RETIRED: _l("Reward retired"),
    rewards_verbs.REWARD_REACTIVATED: _l("Reward offered again"),
    rewards_verbs.REDEMPTION_DELIVERED: _l("Reward delivered"),
    rewards_verbs.REDEMPTION_CANCELLED: _l("Redemption cancelled"),
    recognition_verbs.POINTS_RULE_CHANGED: _l("Points table changed"),
    recognition_verbs.POINTS_RECOMPUTED: _l("Points recomputed"),
    challenges_verbs.CHALLENGE_JOINED: _l("Challenge joined"),
    challenges_verbs.CHALLENGE_LEFT: _l("Challenge left"),
    recognition_verbs.FAME_FEATURED: _l("Featured on the wall of fame"),
    recognition_verbs.FAME_UNFEATURED: _l("No longer featured on the wall of fame"),
    recognition_verbs.FAME_HIDDEN: _l("Hidden from the wall of fame"),
    recognition_verbs.FAME_UNHIDDEN: _l("Shown again on the wall of fame"),
    mentoring_verbs.OFFER_SAVED: _l("Mentoring offered"),
    mentoring_verbs.OFFER_CLOSED: _l("No new mentees taken"),
    mentoring_verbs.WISH_SAVED: _l("Mentor wanted"),
    mentoring_verbs.WISH_CLOSED: _l("No longer looking for a mentor"),
    mentoring_verbs.REQUESTED: _l("Mentoring request sent"),
    mentoring_verbs.WITHDRAWN: _l("Mentoring request withdrawn"),
    mentoring_verbs.ACCEPTED: _l("Mentoring accepted"),
    mentoring_verbs.DECLINED: _l("Mentoring declined"),
    mentoring_verbs.EXPIRED: _l("Mentoring request expired"),
    mentoring_verbs.ENDED: _l("Mentoring ended"),
    mentoring_verbs.SESSION_GIVEN: _l("Mentoring session given"),
    mentoring_verbs.SESSION_RECEIVED: _l("Mentoring session received"),
    mentoring_verbs.ROUND_CONFIRMED: _l("Matching round sent"),
    mentoring_verbs.TOPIC_SAVED: _l("Mentoring topic saved"),
    mentoring_verbs.TOPIC_ARCHIVED: _l("Mentoring topic archived"),
    mentoring_verbs.TOPIC_RESTORED: _l("Mentoring topic offered again"),
}

# Where an action's object is shown to the person who did it (an endpoint and its value).
VISIBLE_CONTENT = {content_verbs.CONTENT_SHARED, content_verbs.CONTENT_LIKED, content_verbs.CONTENT_UNLIKED}


@dataclass
class Step:
    """One of the person's recent actions: its name, what it was about, where that is, when."""

    name: Any
    about: str | None
    link: tuple[str, dict] | None
    when: datetime
    language: str | None = None  # of ``about``, when it is a title written in one language


@dataclass
class HomeProgress:
    this_week: int
    total: int
    recent: list[Step]


def home_progress(progress: Progress) -> HomeProgress:
    """The person's own progress with their latest actions in words (read by ``PROGRESS``)."""
    return HomeProgress(
        progress.this_week,
        progress.total,
        [_step(entry, *about) for entry, about in zip(progress.recent, progress.descriptions, strict=True)],
    )


# How the home page names an action's object: its column, and the language it is written in.
NAMED_OBJECTS = {
    "content": (ContentItem, ContentItem.title, ContentItem.language),
    "event": (Event, Event.title, Event.language),
    "user": (User, User.display_name, None),
}


def _name_and_language() -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """The name of each entry's object and the language it is written in, read with the entries
    (built once, for ``PROGRESS``: the progress statement is kept for these very columns)."""
    names = {kind: (model, name) for kind, (model, name, _language) in NAMED_OBJECTS.items()}
    languages = {
        kind: (model, language) for kind, (model, _name, language) in NAMED_OBJECTS.items() if language
    }
    return (
        column_by_type(Activity.object_type, Activity.object_id, names).label("about"),
        column_by_type(Activity.object_type, Activity.object_id, languages).label("about_language"),
    )


PROGRESS = progress_reading(_name_and_language())


def _step(entry: Entry, about: str | None, language: str | None) -> Step:
    name = ACTION_NAMES.get(entry.verb, ACTION)
    link = None
    if entry.verb == quiz_verbs.QUIZ_COMPLETED and entry.payload.get("primary") in PERSONA_BY_KEY:
        about, language = str(PERSONA_BY_KEY[entry.payload["primary"]].name), None
        link = ("quiz.result", {"result_id": entry.object_id})
    elif entry.verb in VISIBLE_CONTENT and about is not None:
        link = ("content.item", {"item_id": entry.object_id})
    elif entry.object_type == "event" and about is not None:
        link = ("events.detail", {"event_id": entry.object_id})
    return Step(name, about, link, entry.created_at, language)


# The ambassador profiles home points to offering mentoring: experts and challengers.
MENTOR_PERSONAE = frozenset({"expert", "agitator"})


@dataclass(frozen=True)
class MentoringPointer:
    """What home's next steps say of mentoring: the requests and proposals waiting for the
    person's answer, their pairing to open, and the step to take ("offer", "offering", "ask",
    "asking" or None)."""

    to_answer: int
    pair_id: int | None  # their only active pair, to open
    partner_name: str | None  # the other side of it
    active: int  # their active pairs
    step: str | None


def mentoring_step(user_id: int, personae: set[str], now: datetime, facts: HomeFacts) -> MentoringPointer:
    """The mentoring lines of the person's next steps on home, in one query whatever the data.
    Requests and proposals to answer (before their deadline) and active pairs come first. Then
    "offer" for experts and challengers ("offering" once they do); "ask" for people who have not
    shared yet ("asking" once they did), unless they offer mentoring themselves or have a mentor;
    None for others, and for anyone who closed their offer or wish (they chose to stop). From
    the person's ``facts`` (``mentoring.services.HOME_FACTS``, read with home's other facts)."""
    to_answer = sum(must_answer(pair, user_id) and pair.expires_at > now for pair, _partner in facts.pairs)
    active = [(pair, partner) for pair, partner in facts.pairs if pair.status == PairStatus.ACTIVE]
    only = active[0] if len(active) == 1 else (None, None)
    return MentoringPointer(
        to_answer=to_answer,
        pair_id=only[0].id if only[0] else None,
        partner_name=only[1],
        active=len(active),
        step=_mentoring_step(user_id, personae, facts, [pair for pair, _partner in active]),
    )


def _mentoring_step(
    user_id: int, personae: set[str], facts: HomeFacts, active: list[MentoringPair]
) -> str | None:
    offering = "offering" if facts.offer_open else None
    if personae & MENTOR_PERSONAE:
        return "offer" if facts.offer_open is None else offering
    if offering or any(pair.mentee_id == user_id for pair in active):
        return offering  # a mentor is not pointed to asking; a mentee with a mentor has their pairing
    if facts.has_shared:
        return None
    return "ask" if facts.wish_open is None else "asking" if facts.wish_open else None


@dataclass(frozen=True)
class PersonalFacts:
    """What home shows of the person and for them."""

    progress: HomeProgress
    quiz_profile: Profile | None
    recognition: Summary
    reward: RewardInReach | None
    mentoring: MentoringPointer
    events: tuple[list[EventLine], bool]  # their next events (True), or the next to join
    challenges: HomeChallenges
    feed_preview: list[Preview]


def personal_facts(user: User, now: datetime, feed_items: int) -> PersonalFacts:
    """The person's progress, their quiz profile, their streak and badges, the reward within
    their reach, their mentoring, their next events, their challenges and the top ``feed_items``
    of their feed, in one query (eight features' reads: a round trip each before)."""
    balance = balance_of(user.id)
    parameters = {
        "person": user.id,
        "now": now,
        "spendable": balance.spendable,
        **events_parameters(user, now),
        **challenges_parameters(user, now),
        **preview_parameters(user, now),
        **progress_parameters(user.id, now),
    }
    readings = [PROGRESS, PROFILE, STREAK_AND_BADGES, WITHIN_REACH, HOME_FACTS, HOME_EVENTS, HOME_CHALLENGES]
    read = read_together([*readings, *preview_readings(user, feed_items)], parameters)
    progress, profile, (streak, badges), reward, mentoring, events, challenges = read[: len(readings)]
    own = profile.own if profile else set()
    return PersonalFacts(
        home_progress(progress),
        profile,
        Summary(balance, streak, badges),
        reward,
        mentoring_step(user.id, own, now, mentoring),
        events,
        home_challenges_of(user, challenges, now),
        feed_preview(user, now, feed_items, first_read=read[len(readings) :]),
    )
