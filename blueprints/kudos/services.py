"""Kudos: thanking a colleague for something concrete.

Sending is one unit of work: the kudos, both people's activities (and so their points and
badges), the recipient's notification and the wall of fame entry are saved together, or
nothing is and KudosError says why. At most MAX_PER_DAY kudos per person and programme day,
counted under a lock on the sender (their row on PostgreSQL, the write lock on SQLite), so
kudos sent at the same instant cannot pass the limit together.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa

from base.database import (
    UTCDateTime,
    begin_locked_transaction,
    column_rows,
    db,
    locked_row,
    unit_of_work,
    utcnow,
)
from base.i18n import lazy_gettext as _l
from base.registry import DAY
from base.web import MAX_INT
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.kudos import verbs
from blueprints.kudos.models import Kudos
from blueprints.notifications.services import notify
from blueprints.recognition.fame import celebrate
from blueprints.recognition.periods import bounds
from blueprints.recognition.points import locked_balance

MAX_PER_DAY = 5
MESSAGE_MAX = 280
SEARCH_RESULTS = 10
SEARCH_MIN, SEARCH_MAX = 2, 100  # characters of a search
RECEIVED_NOTICE = "kudos_received"
FROM_COMMS, FROM_MANAGER = "comms", "manager"


class KudosError(Exception):
    """A refused kudos, with a message for the person and the form field it is about."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Finding the colleague to thank ----------------------------------------------------


def _like_pattern(text: str) -> str:
    """Text matched literally inside a LIKE pattern (with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_people(viewer_id: int, text: str, limit: int = SEARCH_RESULTS) -> tuple[list[User], bool]:
    """Active colleagues (not the viewer) whose name has a word starting with ``text``, or whose
    e-mail address starts with it; at most ``limit``, by name, and whether there are more."""
    text = " ".join(text.split()).lower()[:SEARCH_MAX]
    if len(text) < SEARCH_MIN:
        return [], False
    pattern = _like_pattern(text)
    name, email = sa.func.lower(User.display_name), sa.func.lower(User.email)
    found = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                User.id != viewer_id,
                sa.or_(
                    name.like(f"{pattern}%", escape="\\"),
                    name.like(f"% {pattern}%", escape="\\"),
                    email.like(f"{pattern}%", escape="\\"),
                ),
            )
            .order_by(User.display_name, User.id)
            .limit(limit + 1)
        )
    )
    return found[:limit], len(found) > limit


def recipient_choices(viewer_id: int, text: str, chosen_id: int | None = None) -> tuple[list[User], bool]:
    """The colleagues to choose from: the search's matches, with the one already chosen first."""
    people, more = search_people(viewer_id, text)
    if (
        chosen_id
        and 0 < chosen_id <= MAX_INT
        and chosen_id != viewer_id
        and all(person.id != chosen_id for person in people)
    ):
        chosen = db.session.get(User, chosen_id)
        if chosen is not None and chosen.active:
            people = [chosen, *people]
    return people, more


# --- Sending ----------------------------------------------------------------------------


def _locked_sender(sender_id: int) -> User:
    """Start a transaction holding the sender's lock (before the day's count is read)."""
    begin_locked_transaction("sending kudos")
    return locked_row(User, sender_id, referable=True)


def sent_between(sender_id: int, start: datetime, end: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Kudos.id)).where(
            Kudos.sender_id == sender_id, Kudos.created_at >= start, Kudos.created_at < end
        )
    )


def send(sender: User, recipient_id: int | None, message: str, now: datetime | None = None) -> Kudos:
    """Thank a colleague: the recipient is told, both get the activity, and it goes on the wall
    of fame. Marked as from comms or from the recipient's manager, as they are at sending time."""
    now = now or utcnow()
    message = (message or "").strip()
    if not message:
        raise KudosError(_l("Say what you are thanking them for."), "message")
    if len(message) > MESSAGE_MAX:
        raise KudosError(_l("Keep it to %(num)s characters.", num=MESSAGE_MAX), "message")
    if not recipient_id:
        raise KudosError(_l("Choose the colleague to thank: search by name or e-mail."), "recipient")
    if recipient_id == sender.id:
        raise KudosError(_l("Kudos are for thanking a colleague, not yourself."), "recipient")
    sender = _locked_sender(sender.id)
    with unit_of_work():
        recipient = db.session.get(User, recipient_id)
        if recipient is None or not recipient.active:
            raise KudosError(_l("Choose the colleague to thank from the list."), "recipient")
        start, end = bounds(DAY, now)
        if sent_between(sender.id, start, end) >= MAX_PER_DAY:
            raise KudosError(
                _l(
                    "You have sent %(num)s kudos today, the most for one day: thank more colleagues tomorrow.",
                    num=MAX_PER_DAY,
                )
            )
        kudos = Kudos(
            sender_id=sender.id,
            recipient_id=recipient.id,
            message=message,
            from_comms=sender.is_comms,
            from_manager=recipient.manager_id == sender.id,
            created_at=now,
        )
        db.session.add(kudos)
        db.session.flush()
        # Both balances, in the order of their ids, before recording gives each its points: two
        # colleagues thanking each other at once never each hold one and wait for the other.
        for user_id in sorted((sender.id, recipient.id)):
            locked_balance(user_id)
        record(sender, verbs.KUDOS_SENT, "kudos", kudos.id, at=now)
        record(recipient, verbs.KUDOS_RECEIVED, "kudos", kudos.id, {"from": sender.id}, at=now)
        mark = FROM_MANAGER if kudos.from_manager else FROM_COMMS if kudos.from_comms else ""
        notify(
            recipient,
            RECEIVED_NOTICE,
            {"sender": sender.display_name, "message": message, "from": mark},
            link=("kudos.index", {}),
        ).created_at = now
        celebrate(
            "kudos",
            recipient.id,
            f"kudos:{kudos.id}",
            {"message": message},
            None,
            now,
            other_user_id=sender.id,
        )
    return kudos


# --- What pages read --------------------------------------------------------------------


def kudos_received(user_id: int, limit: int = 5) -> list[sa.Row]:
    """The latest kudos the person received, newest first: each its ``message``,
    ``from_manager``, ``from_comms``, ``created_at`` and ``sender_name`` (plain rows)."""
    received, _sent = _latest_statements()
    return column_rows(received, {"person": user_id, "shown": limit}).all()


def kudos_sent(user_id: int, limit: int = 5) -> list[sa.Row]:
    """The latest kudos the person sent, newest first: as ``kudos_received``, with
    ``recipient_name``."""
    _received, sent = _latest_statements()
    return column_rows(sent, {"person": user_id, "shown": limit}).all()


@lru_cache(maxsize=1)
def _latest_statements() -> tuple[sa.Select, sa.Select]:
    """A person's latest kudos received (with their senders' names) and sent (with their
    recipients'), built once: the person and how many are shown are parameters."""
    person, shown = sa.bindparam("person", type_=sa.Integer), sa.bindparam("shown", type_=sa.Integer)

    def latest(side, other_side, other_name: str) -> sa.Select:
        return (
            sa.select(
                Kudos.id,
                Kudos.message,
                Kudos.from_manager,
                Kudos.from_comms,
                Kudos.created_at,
                User.display_name.label(other_name),
            )
            .join(User, User.id == other_side)
            .where(side == person)
            .order_by(Kudos.created_at.desc(), Kudos.id.desc())
            .limit(shown)
        )

    return (
        latest(Kudos.recipient_id, Kudos.sender_id, "sender_name"),
        latest(Kudos.sender_id, Kudos.recipient_id, "recipient_name"),
    )


@dataclass(frozen=True)
class KudosCounts:
    received: int
    sent: int
    left_today: int  # how many more the person may send this programme day


def kudos_counts(user_id: int, now: datetime | None = None) -> KudosCounts:
    """The person's kudos received and sent, and how many they may still send today: one query."""
    start, end = bounds(DAY, now or utcnow())
    found = db.session.execute(_counts_statement(), {"person": user_id, "start": start, "end": end})
    received, sent, sent_today = found.one()
    return KudosCounts(received, sent, max(MAX_PER_DAY - sent_today, 0))


@lru_cache(maxsize=1)
def _counts_statement() -> sa.Select:
    """A person's kudos received, sent, and sent in a day (``start`` to ``end``), built once."""
    person = sa.bindparam("person", type_=sa.Integer)
    start, end = sa.bindparam("start", type_=UTCDateTime), sa.bindparam("end", type_=UTCDateTime)
    count = sa.select(sa.func.count(Kudos.id))
    return sa.select(
        count.where(Kudos.recipient_id == person).scalar_subquery(),
        count.where(Kudos.sender_id == person).scalar_subquery(),
        count.where(
            Kudos.sender_id == person, Kudos.created_at >= start, Kudos.created_at < end
        ).scalar_subquery(),
    )
