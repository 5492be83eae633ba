"""The wall of fame: recent successes, newest first; comms feature some at the top or hide them.

An entry's text comes from its kind (``registry.fame_texts``, formatted with its params and
the names of the people), so it reads in the viewer's language. People who chose anonymity
are "an ambassador" to everyone but themselves. The badge pages read their holders here too,
under the same rule.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.cache import cache
from base.database import db, unit_of_work, utcnow
from base.i18n import gettext as _
from base.paging import Page
from base.registry import Badge, registry
from blueprints.accounts.models import NAME_ONLY, User
from blueprints.activity.services import record
from blueprints.recognition.models import BadgeAward, FameEntry
from blueprints.recognition.verbs import FAME_FEATURED, FAME_HIDDEN, FAME_UNFEATURED, FAME_UNHIDDEN

PAGE_SIZE = 20
HOLDERS = "badge-holders"  # the cache subject of the badge counts
WALL = "fame-wall"  # the cache subject of the wall's pages
FEATURED_SHOWN = 10  # the most recently featured entries at the top of the wall
CONSOLE_PAGE_SIZE = 30
HOLDERS_SHOWN = 60  # named on a badge's page; the others are counted


def celebrate(
    kind: str,
    user_id: int,
    key: str,
    params: dict | None = None,
    link: tuple[str, dict] | None = None,
    at: datetime | None = None,
    other_user_id: int | None = None,
) -> FameEntry | None:
    """Put a success on the wall once (``key`` names it; the caller commits)."""
    if kind not in registry().fame_texts:
        raise ValueError(f"unknown wall of fame kind {kind!r}")
    if db.session.scalar(sa.select(sa.exists().where(FameEntry.key == key))):
        return None
    endpoint, values = link or (None, {})
    entry = FameEntry(
        kind=kind,
        user_id=user_id,
        other_user_id=other_user_id,
        params=params or {},
        link_endpoint=endpoint,
        link_values=values,
        key=key,
        created_at=at or utcnow(),
    )
    db.session.add(entry)
    return entry


def public_name(person: "User | Person | None", viewer: User) -> str:
    """A person's name as a viewer sees it on public boards."""
    if person is None:
        return ""
    if person.id == viewer.id:
        return _("you")
    return _("an ambassador") if person.anonymous_on_boards else person.display_name


def entry_text(entry: "FameEntry | WallEntry", viewer: User) -> str:
    params = {
        **entry.params,
        "name": public_name(entry.user, viewer),
        "other": public_name(entry.other_user, viewer),
    }
    return _sentence(_format(entry.kind, params))


def neutral_text(kind: str, params: dict) -> str:
    """An entry's text naming nobody (the audit trail says what was featured or hidden)."""
    someone = _("an ambassador")
    try:
        return _format(kind, {**params, "name": someone, "other": someone})
    except (KeyError, TypeError, ValueError):  # a kind no longer registered, or changed
        return kind


def _format(kind: str, params: dict) -> str:
    message = registry().fame_texts[kind]
    return str(message(params) if callable(message) else message % params)


def _sentence(text: str) -> str:
    """A text that starts with a name ("you earned…") starts with a capital."""
    return text[:1].upper() + text[1:]


# --- The wall ---------------------------------------------------------------------------

# The people an entry names, without where they work (an entry shows names only).
WITH_NAMES = [joinedload(person).options(*NAME_ONLY) for person in (FameEntry.user, FameEntry.other_user)]


@dataclass(frozen=True)
class Person:
    """Who an entry names, as the wall keeps them: enough to say their name or "an ambassador"."""

    id: int
    display_name: str
    anonymous_on_boards: bool


@dataclass
class WallEntry:
    """An entry as the wall keeps it (in the shared cache): what its text, link and date need."""

    id: int
    kind: str
    params: dict
    user: Person | None
    other_user: Person | None
    link_endpoint: str | None
    link_values: dict
    created_at: datetime


@dataclass
class WallPage:
    featured: list[WallEntry]
    entries: list[WallEntry]
    next_before: int | None  # the id to continue from ("load more"), None at the end
    state: str  # names this page as it was kept: it reads the same until the wall changes


def _visible():
    return sa.select(FameEntry).options(*WITH_NAMES).where(FameEntry.hidden.is_(False))


def wall(before: int | None = None, page_size: int = PAGE_SIZE) -> WallPage:
    """Featured entries first (on the first page only), then the others newest first by
    (created_at, id); ``before`` is the last entry shown, the page continues after it.

    Every reader sees the same page, so it is kept in the shared cache until an entry is added,
    featured or hidden, or someone it may name changes their name or anonymity (``WALL``)."""
    kept = cache.remember(WALL, f"page:{before or 0}:{page_size}", lambda: _wall_page(before, page_size))
    return WallPage(
        [_unkept(entry) for entry in kept["featured"]],
        [_unkept(entry) for entry in kept["entries"]],
        kept["next_before"],
        kept["state"],
    )


def _wall_page(before: int | None, page_size: int) -> dict:
    featured = list(
        db.session.scalars(
            _visible()
            .where(FameEntry.featured_at.is_not(None))
            .order_by(FameEntry.featured_at.desc(), FameEntry.id.desc())
            .limit(FEATURED_SHOWN)
        )
    )
    # Entries featured longest ago, beyond those at the top, take their place in time again.
    rest = _visible().where(FameEntry.id.not_in([entry.id for entry in featured]))
    if before:
        rest = rest.where(_older_than(before))
    entries = list(
        db.session.scalars(
            rest.order_by(FameEntry.created_at.desc(), FameEntry.id.desc()).limit(page_size + 1)
        )
    )
    more = len(entries) > page_size
    entries = entries[:page_size]
    return {
        "featured": [] if before else [_kept(entry) for entry in featured],
        "entries": [_kept(entry) for entry in entries],
        "next_before": entries[-1].id if more else None,
        "state": uuid.uuid4().hex,
    }


def _kept(entry: FameEntry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "params": entry.params,
        "user": _kept_person(entry.user),
        "other_user": _kept_person(entry.other_user),
        "link_endpoint": entry.link_endpoint,
        "link_values": entry.link_values,
        "created_at": entry.created_at.isoformat(),
    }


def _kept_person(person: User | None) -> list | None:
    return None if person is None else [person.id, person.display_name, person.anonymous_on_boards]


def _unkept(kept: dict) -> WallEntry:
    user, other = kept["user"], kept["other_user"]
    return WallEntry(
        **{
            **kept,
            "user": user and Person(*user),
            "other_user": other and Person(*other),
            "created_at": datetime.fromisoformat(kept["created_at"]),
        }
    )


@sa.event.listens_for(FameEntry, "after_insert")
@sa.event.listens_for(FameEntry, "after_update")
@sa.event.listens_for(FameEntry, "after_delete")
def _entries_changed(mapper, connection, entry: FameEntry) -> None:
    cache.bump_after_commit(WALL)


@sa.event.listens_for(User, "after_update")
def _names_changed(mapper, connection, person: User) -> None:
    state = sa.inspect(person)
    if (
        state.attrs.display_name.history.has_changes()
        or state.attrs.anonymous_on_boards.history.has_changes()
    ):
        cache.bump_after_commit(WALL)


def _older_than(entry_id: int):
    """After the entry ``entry_id`` in the wall's order (nothing, should it no longer exist)."""
    anchor = sa.select(FameEntry.created_at).where(FameEntry.id == entry_id).scalar_subquery()
    return sa.or_(
        FameEntry.created_at < anchor,
        sa.and_(FameEntry.created_at == anchor, FameEntry.id < entry_id),
    )


# --- The console: featuring and hiding ----------------------------------------------------


def console_page(page: int) -> Page:
    """Every entry, hidden ones included, newest first (the comms console). How many there are
    is kept with the wall's pages: counting them all on each view grew with the wall."""
    total = cache.remember(WALL, "count", lambda: db.session.scalar(sa.select(sa.func.count(FameEntry.id))))
    entries = db.session.scalars(
        sa.select(FameEntry)
        .options(*WITH_NAMES)
        .order_by(FameEntry.created_at.desc(), FameEntry.id.desc())
        .limit(CONSOLE_PAGE_SIZE)
        .offset((page - 1) * CONSOLE_PAGE_SIZE)
    )
    return Page(list(entries), page, total, CONSOLE_PAGE_SIZE)


def find_entry(entry_id: int) -> FameEntry | None:
    return db.session.get(FameEntry, entry_id)


@unit_of_work()
def set_featured(actor: User, entry_id: int, featured: bool) -> FameEntry:
    """Feature an entry at the top of the wall, or no longer (comms; audited)."""
    entry = db.session.get_one(FameEntry, entry_id)
    if (entry.featured_at is not None) != featured:
        entry.featured_at = utcnow() if featured else None
        entry.hidden = entry.hidden and not featured  # featuring shows it again
        _audit(actor, FAME_FEATURED if featured else FAME_UNFEATURED, entry)
    return entry


@unit_of_work()
def set_hidden(actor: User, entry_id: int, hidden: bool) -> FameEntry:
    """Take an entry off the wall, or put it back (comms; audited)."""
    entry = db.session.get_one(FameEntry, entry_id)
    if entry.hidden != hidden:
        entry.hidden = hidden
        entry.featured_at = entry.featured_at if not hidden else None  # a hidden entry is not featured
        _audit(actor, FAME_HIDDEN if hidden else FAME_UNHIDDEN, entry)
    return entry


def _audit(actor: User, verb: str, entry: FameEntry) -> None:
    record(actor, verb, "fame_entry", entry.id, {"kind": entry.kind, "params": entry.params})


# --- Badges and their holders ------------------------------------------------------------


@dataclass
class BadgeRow:
    badge: Badge
    holders: int
    held: bool  # by the viewer


def badge_board(viewer: User) -> list[BadgeRow]:
    """Every registered badge, how many people hold it (shared, cached until a badge is given)
    and whether the viewer does."""
    counts = cache.remember(HOLDERS, "counts", _holder_counts)
    held = set(db.session.scalars(sa.select(BadgeAward.badge).where(BadgeAward.user_id == viewer.id)))
    return [BadgeRow(badge, counts.get(key, 0), key in held) for key, badge in registry().badges.items()]


def _holder_counts() -> dict[str, int]:
    return dict(
        db.session.execute(
            sa.select(BadgeAward.badge, sa.func.count(sa.distinct(BadgeAward.user_id))).group_by(
                BadgeAward.badge
            )
        ).all()
    )


@dataclass
class Holder:
    name: str
    earned_at: datetime
    is_viewer: bool


@dataclass
class BadgeHolders:
    badge: Badge
    total: int
    named: list[Holder]  # newest first
    others: int  # named on no list: beyond the ones shown
    anonymous: int  # who prefer to stay anonymous (never the viewer)
    held: bool  # by the viewer


def badge_holders(key: str, viewer: User, shown: int = HOLDERS_SHOWN) -> BadgeHolders | None:
    """A badge's holders as the viewer may see them (two queries, whatever their number)."""
    badge = registry().badges.get(key)
    if badge is None:
        return None
    hidden = sa.and_(User.anonymous_on_boards, User.id != viewer.id)
    total, anonymous, held = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(BadgeAward.user_id)),
            sa.func.count(sa.distinct(sa.case((hidden, BadgeAward.user_id)))),
            sa.func.count(sa.case((BadgeAward.user_id == viewer.id, BadgeAward.id))),
        )
        .join(User, User.id == BadgeAward.user_id)
        .where(BadgeAward.badge == key)
    ).one()
    latest = sa.func.max(BadgeAward.earned_at).label("latest")
    rows = db.session.execute(
        sa.select(User.id, User.display_name, latest)
        .join(User, User.id == BadgeAward.user_id)
        .where(BadgeAward.badge == key, ~hidden)
        .group_by(User.id, User.display_name)
        .order_by(latest.desc(), User.id.desc())
        .limit(shown)
    ).all()
    named = [
        Holder(_("you") if row.id == viewer.id else row.display_name, row.latest, row.id == viewer.id)
        for row in rows
    ]
    return BadgeHolders(badge, total, named, total - anonymous - len(named), anonymous, bool(held))
