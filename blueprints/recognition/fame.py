"""The wall of fame: recent successes, newest first; comms feature some at the top or hide them.

An entry's text comes from its kind (``registry.fame_texts``, formatted with its params and
the names of the people), so it reads in the viewer's language. People who chose anonymity
are "an ambassador" to everyone but themselves.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from base.database import db, utcnow
from base.registry import registry
from blueprints.accounts.models import User
from blueprints.recognition.models import FameEntry

PAGE_SIZE = 20


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


def public_name(person: User | None, viewer: User) -> str:
    """A person's name as a viewer sees it on public boards."""
    if person is None:
        return ""
    if person.id == viewer.id:
        return _("you")
    return _("an ambassador") if person.anonymous_on_boards else person.display_name


def entry_text(entry: FameEntry, viewer: User) -> str:
    message = registry().fame_texts[entry.kind]
    params = {
        **entry.params,
        "name": public_name(entry.user, viewer),
        "other": public_name(entry.other_user, viewer),
    }
    return message(params) if callable(message) else message % params


@dataclass
class WallPage:
    featured: list[FameEntry]
    entries: list[FameEntry]
    next_before: int | None  # the id to continue from ("load more"), None at the end


def wall(before: int | None = None, page_size: int = PAGE_SIZE) -> WallPage:
    """Featured entries first (on the first page only), then the others newest first."""
    visible = (
        sa.select(FameEntry)
        .options(joinedload(FameEntry.user), joinedload(FameEntry.other_user))
        .where(FameEntry.hidden.is_(False))
    )
    featured = (
        []
        if before
        else list(
            db.session.scalars(
                visible.where(FameEntry.featured_at.is_not(None)).order_by(FameEntry.featured_at.desc())
            )
        )
    )
    rest = visible.where(FameEntry.featured_at.is_(None))
    if before:
        rest = rest.where(FameEntry.id < before)
    entries = list(db.session.scalars(rest.order_by(FameEntry.id.desc()).limit(page_size + 1)))
    more = len(entries) > page_size
    entries = entries[:page_size]
    return WallPage(featured, entries, entries[-1].id if more else None)
