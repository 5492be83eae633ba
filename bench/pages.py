"""The pages the benchmark measures, each with who opens it and the share of the trivial route it must reach.

Pages with an id take the busiest one of the data (the most shared item, the fullest
upcoming event, the running collective challenge with the most participants: its board ranks
teams and people, and both sizes have one, so the same page is compared), so each page is
measured where it costs the most; a mentoring pair's page is the employee's own active pair
with the most sessions (the demo gives them one).
"""

import re
from dataclasses import dataclass
from html import unescape

import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.challenges.models import Challenge, Mode, Participation
from blueprints.content.feed import live_items
from blueprints.content.models import CharterAcceptance, ContentItem, Share
from blueprints.demo.seed import DEMO_EMAILS
from blueprints.events.models import Event, EventStatus, Registration
from blueprints.mentoring.models import MentoringPair, MentoringSession, PairStatus
from blueprints.quiz.models import QuizResult

EMPLOYEE, COMMS, ADMIN = "employee", "comms", "admin"  # who opens the page
TARGETS = {"employee": 0.35, "leaderboard": 0.50, "console": 0.20}  # SPEC §7, issue #14
TRIVIAL_PATH = "/healthz"


@dataclass(frozen=True)
class Page:
    name: str
    viewer: str  # EMPLOYEE, COMMS or ADMIN
    path: str
    kind: str  # a key of TARGETS
    htmx: bool = False  # asked as htmx asks for a fragment

    @property
    def target(self) -> float:
        return TARGETS[self.kind]

    @property
    def headers(self) -> dict[str, str]:
        return {"HX-Request": "true"} if self.htmx else {}


def viewers() -> dict[str, str]:
    """Who signs in for each role. The employee is the busiest demo colleague who took the quiz
    and accepted the charter: the large company adds nothing of their own, so their pages
    follow the same paths at both sizes and only the shared data grows."""
    acted = sa.func.count(Activity.id)
    ambassador = db.session.scalar(
        sa.select(User.email)
        .join(Activity, Activity.user_id == User.id)
        .where(
            User.role == Role.EMPLOYEE,
            User.email.not_in(DEMO_EMAILS),
            User.id.in_(sa.select(QuizResult.user_id)),
            User.id.in_(sa.select(CharterAcceptance.user_id)),
        )
        .group_by(User.id)
        .order_by(acted.desc(), User.id)
        .limit(1)
    )
    return {EMPLOYEE: ambassador, COMMS: "comms@example.com", ADMIN: "admin@example.com"}


def busiest_ids(employee: str) -> dict[str, int]:
    """The ids of the costliest item, event and challenge pages, and of the employee's busiest
    mentoring pair (inside an app context)."""
    now = utcnow()
    item = db.session.scalar(
        sa.select(ContentItem.id)
        .join(Share, Share.item_id == ContentItem.id)
        .where(live_items(now))
        .group_by(ContentItem.id)
        .order_by(sa.func.count().desc(), ContentItem.id)
        .limit(1)
    )
    event = db.session.scalar(
        sa.select(Event.id)
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.starts_at > now, Event.status != EventStatus.CANCELLED)
        .group_by(Event.id)
        .order_by(sa.func.count().desc(), Event.id)
        .limit(1)
    )
    challenge = db.session.scalar(
        sa.select(Challenge.id)
        .join(Participation, Participation.challenge_id == Challenge.id)
        .where(
            Challenge.mode == Mode.COLLECTIVE,
            Challenge.starts_at <= now,
            Challenge.ends_at > now,
            Challenge.cancelled_at.is_(None),
        )
        .group_by(Challenge.id)
        .order_by(sa.func.count().desc(), Challenge.id)
        .limit(1)
    )
    return {"item": item, "event": event, "challenge": challenge, "pair": employee_pair(employee)}


def employee_pair(email: str) -> int:
    """The employee's active mentoring pair with the most sessions: theirs at both sizes (the
    large company pairs only its own people), so its page follows the same paths."""
    person = sa.select(User.id).where(User.email == email).scalar_subquery()
    pair = db.session.scalar(
        sa.select(MentoringPair.id)
        .outerjoin(MentoringSession, MentoringSession.pair_id == MentoringPair.id)
        .where(
            MentoringPair.status == PairStatus.ACTIVE,
            sa.or_(MentoringPair.mentor_id == person, MentoringPair.mentee_id == person),
        )
        .group_by(MentoringPair.id)
        .order_by(sa.func.count(MentoringSession.id).desc(), MentoringPair.id)
        .limit(1)
    )
    if pair is None:
        raise RuntimeError(f"{email} has no active mentoring pair: the demo should give them one.")
    return pair


def pages(ids: dict[str, int], more_path: str) -> list[Page]:
    """Every main page: the employee's, the leaderboards, then the console's."""
    employee = [
        Page("home", EMPLOYEE, "/", "employee"),
        Page("feed", EMPLOYEE, "/feed", "employee"),
        Page("feed, load more", EMPLOYEE, more_path, "employee", htmx=True),
        Page("an item", EMPLOYEE, f"/content/{ids['item']}", "employee"),
        Page("events", EMPLOYEE, "/events", "employee"),
        Page("an event", EMPLOYEE, f"/events/{ids['event']}", "employee"),
        Page("notifications", EMPLOYEE, "/notifications", "employee"),
        Page("me", EMPLOYEE, "/me", "employee"),
        Page("my points", EMPLOYEE, "/me/points", "employee"),
        Page("personae", EMPLOYEE, "/personae", "employee"),
        Page("badges", EMPLOYEE, "/badges", "employee"),
        Page("rewards", EMPLOYEE, "/rewards", "employee"),
        Page("contributions", EMPLOYEE, "/contributions", "employee"),
        Page("kudos", EMPLOYEE, "/kudos", "employee"),
        Page("mentoring", EMPLOYEE, "/mentoring", "employee"),
        Page("a mentoring pair", EMPLOYEE, f"/mentoring/pairs/{ids['pair']}", "employee"),
    ]
    leaderboards = [
        Page("wall of fame", EMPLOYEE, "/fame", "leaderboard"),
        Page("challenges", EMPLOYEE, "/challenges", "leaderboard"),
        Page("a challenge's board", EMPLOYEE, f"/challenges/{ids['challenge']}", "leaderboard"),
    ]
    console = [
        Page("console home", COMMS, "/admin/", "console"),
        Page("console: content", COMMS, "/admin/content", "console"),
        Page("console: an item's figures", COMMS, f"/admin/content/{ids['item']}", "console"),
        Page("console: moderation", COMMS, "/admin/moderation", "console"),
        Page("console: events", COMMS, "/admin/events", "console"),
        Page("console: an event", COMMS, f"/admin/events/{ids['event']}", "console"),
        Page("console: personae", COMMS, "/admin/personae", "console"),
        Page("console: points", COMMS, "/admin/points", "console"),
        Page("console: wall of fame", COMMS, "/admin/fame", "console"),
        Page("console: rewards", COMMS, "/admin/rewards", "console"),
        Page("console: contributions", COMMS, "/admin/contributions", "console"),
        Page("console: challenges", COMMS, "/admin/challenges", "console"),
        Page("console: mentoring", COMMS, "/admin/mentoring", "console"),
        Page("console: matching round", COMMS, "/admin/mentoring/round", "console"),
        Page("console: mentoring topics", COMMS, "/admin/mentoring/topics", "console"),
        Page("console: analytics", COMMS, "/admin/analytics", "console"),
        Page("console: people", ADMIN, "/admin/users", "console"),
    ]
    return employee + leaderboards + console


def load_more_path(feed_html: str) -> str:
    """The address of the feed's "load more" link, as the first page printed it."""
    found = re.search(r'href="(/feed\?[^"]*cursor=[^"]+)"', feed_html)
    if not found:
        raise RuntimeError("The feed printed no 'load more' link: is the library large enough?")
    return unescape(found.group(1))
