"""Writing to and reading from the activity log.

Participation counts what people did themselves: every verb except those a feature
declares passive (``registry.Feature.passive_verbs``: signing in, a click on one's shared
link, a seat given by the waiting list), the same rule for the programme and for a person.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import sqlalchemy as sa

from base.database import Reading, UTCDateTime, column_rows, db, insert_or_else, utcnow
from base.registry import registry
from blueprints.accounts.models import User
from blueprints.activity.models import ActionCount, Activity

WEEK = timedelta(days=7)
RECENT_ACTIONS = 4
# What comms compare the pulse with: left alone, 1 % of people create, 9 % react and 90 % only
# watch; good programmes reach 10 % to 70 % active.
PARTICIPATION_NORMS = {"create": 0.01, "react": 0.09, "watch": 0.9, "low": 0.1, "high": 0.7}


def record(
    user: User,
    verb: str,
    object_type: str | None = None,
    object_id: int | None = None,
    payload: dict | None = None,
    at: datetime | None = None,
) -> Activity:
    """Add one action to the log (the caller commits with the rest of its change).

    The features' activity listeners (points, badges, streaks) see it in the same
    transaction, so what an action earns is saved or rolled back with it.
    """
    activity = Activity(
        user_id=user.id,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        payload=payload or {},
        created_at=at or utcnow(),
        department_id=user.department_id,
        site_id=user.site_id,
    )
    db.session.add(activity)
    _count(user.id, verb)
    listeners = registry().activity_listeners
    if listeners:
        db.session.flush()
        for listener in listeners:
            listener(activity)
    return activity


def _count(user_id: int, verb: str) -> None:
    """One more entry of this verb in the person's counts (``ActionCount``), in one statement
    that two actions at once cannot both miss."""
    insert = insert_or_else(ActionCount).values(user_id=user_id, verb=verb, entries=1)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[ActionCount.user_id, ActionCount.verb],
            set_={"entries": ActionCount.entries + 1},
        )
    )


def done_by_the_person():
    """The condition on log entries that are something the person did (no passive verb)."""
    return not_passive(Activity.verb, registry().passive_verbs)


def not_passive(verb: sa.ColumnElement, passive: Iterable[str]) -> sa.ColumnElement:
    """The condition that a verb column names something the person did (none of ``passive``)."""
    passive = sorted(passive)
    return verb.not_in(passive) if passive else sa.true()


def active_people_count(since: datetime) -> int:
    """How many distinct active people did something themselves since a moment."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Activity.user_id)))
        .join(User, User.id == Activity.user_id)
        .where(Activity.created_at >= since, User.active, done_by_the_person())
    )


def programme_pulse(now: datetime | None = None) -> dict:
    """This week's active people against everyone, for the comms console."""
    now = now or utcnow()
    people = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.active))
    active = active_people_count(now - WEEK)
    share = active / people if people else 0.0
    return {"people": people, "active": active, "share": share, "norms": PARTICIPATION_NORMS}


class Entry(NamedTuple):
    """What a person's progress shows of an entry of the log (as ``Activity`` names it)."""

    verb: str
    object_type: str | None
    object_id: int | None
    created_at: datetime
    payload: dict | None


ENTRY_COLUMNS = tuple(getattr(Activity, name) for name in Entry._fields)


@dataclass
class Progress:
    """A person's own participation: actions in the last 7 days, in all, and the latest ones
    (with the values of the columns that describe them, when asked)."""

    this_week: int
    total: int
    recent: list[Entry]
    descriptions: list[tuple] = field(default_factory=list)


def progress_reading(described_by: tuple[sa.ColumnElement, ...] = ()) -> Reading:
    """What the person did themselves (``Progress``), in one statement whatever the log's size:
    their latest entries, each row carrying the counts (no row when the person did nothing yet)
    and the labelled columns ``described_by`` (the same objects on every call: the statement is
    kept for them). Parameters: ``progress_parameters``."""
    return Reading(
        lambda: _progress_statement(tuple(sorted(registry().passive_verbs)), RECENT_ACTIONS, described_by),
        _progress_of,
    )


def progress_parameters(user_id: int, now: datetime) -> dict:
    return {"person": user_id, "week_start": now - WEEK}


def _progress_of(rows: list, _parameters: dict) -> Progress:
    if not rows:
        return Progress(0, 0, [])
    shown = len(Entry._fields)
    rows = sorted(rows, key=itemgetter(Entry._fields.index("created_at"), shown), reverse=True)  # then by id
    return Progress(
        rows[0][shown + 1],
        rows[0][shown + 2],
        [Entry(*row[:shown]) for row in rows],
        [tuple(row[shown + 3 :]) for row in rows],
    )


def object_names(
    objects: Iterable[tuple[str | None, int | None]], linked_only: bool = False
) -> dict[tuple[str, int], str]:
    """The names of objects of the log, as (type, id): every type in one query, each named as
    its feature registered (``registry().audit_targets``); with ``linked_only``, only the types
    that have a page."""
    targets = registry().audit_targets
    named = linked_names(targets) if linked_only else targets
    wanted = defaultdict(set)
    for object_type, object_id in objects:
        if object_type in named and object_id is not None:
            wanted[object_type].add(object_id)
    if not wanted:
        return {}
    types = tuple(sorted(wanted))
    ids = {f"ids_{number}": sorted(wanted[object_type]) for number, object_type in enumerate(types)}
    rows = column_rows(_names_statement(types, tuple(targets[t] for t in types)), ids)
    return {(object_type, object_id): name for object_type, object_id, name in rows}


def column_by_type(type_column, id_column, columns: dict[str, tuple]) -> sa.ColumnElement:
    """A column of the object a row names by type and id, read in the row's own statement (not
    in a second query): for each type, ``(model, column)`` read by the model's id; only the
    row's own type is looked up."""
    return sa.case(
        *(
            (
                type_column == object_type,
                sa.select(sa.cast(column, sa.String)).where(model.id == id_column).scalar_subquery(),
            )
            for object_type, (model, column) in columns.items()
        ),
        else_=sa.null(),
    )


def linked_names(targets: dict) -> dict[str, tuple]:
    """The registered types that have a page (``registry().audit_targets``), each with its
    model and name column, for ``column_by_type``."""
    return {
        object_type: (target.model, target.name_column)
        for object_type, target in targets.items()
        if target.endpoint
    }


@lru_cache(maxsize=4)
def _progress_statement(
    passive: tuple[str, ...], shown: int, described_by: tuple[sa.ColumnElement, ...]
) -> sa.Select:
    """A person's latest own entries (``passive`` verbs left out) with each entry's id, each row
    with their counts since the week's start and in all (from ``ActionCount``: a few rows, not
    their whole history), built once: the person and the moment are parameters."""
    person = sa.bindparam("person", type_=sa.Integer)
    mine = sa.and_(Activity.user_id == person, not_passive(Activity.verb, passive))
    this_week = (
        sa.select(sa.func.count(Activity.id))
        .where(mine, Activity.created_at >= sa.bindparam("week_start", type_=UTCDateTime))
        .scalar_subquery()
    )
    in_all = (
        sa.select(sa.func.coalesce(sa.func.sum(ActionCount.entries), 0))
        .where(ActionCount.user_id == person, not_passive(ActionCount.verb, passive))
        .scalar_subquery()
    )
    shown_rows = sa.literal_column(
        str(shown)
    )  # written in, as ``recognition.services._history_statement`` says
    return (
        sa.select(
            *ENTRY_COLUMNS,
            Activity.id.label("entry_id"),
            this_week.label("this_week"),
            in_all.label("in_all"),
            *described_by,
        )
        .where(mine)
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(shown_rows)
    )


@lru_cache(maxsize=64)
def _names_statement(types: tuple[str, ...], named_by: tuple) -> sa.CompoundSelect:
    """The names of objects of these types (their ids the parameters ``ids_0``, ``ids_1``…),
    built once per set of types: pages of the log ask on every view."""
    return sa.union_all(
        *(
            sa.select(
                sa.literal(object_type).label("object_type"),
                target.model.id.label("id"),
                sa.cast(target.name_column, sa.String).label("name"),
            ).where(target.model.id.in_(sa.bindparam(f"ids_{number}", expanding=True)))
            for number, (object_type, target) in enumerate(zip(types, named_by, strict=True))
        )
    )
