"""Administration of accounts; every change is written to the audit trail."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from blueprints.activity import verbs
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.auth.labels import ROLE_LABELS
from blueprints.auth.models import Role, User
from blueprints.content.models import ContentItem
from blueprints.notifications.services import notify
from database import db

USERS_PER_PAGE = 50


class AdminError(Exception):
    """A refused administration change, already translated (lazily)."""


def users_page(page: int, search: str = ""):
    query = sa.select(User).order_by(User.display_name, User.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.display_name).like(pattern), User.email.like(pattern)))
    return db.paginate(query, page=page, per_page=USERS_PER_PAGE, error_out=False)


def role_counts() -> dict[Role, int]:
    rows = db.session.execute(
        sa.select(User.role, sa.func.count(User.id)).where(User.active).group_by(User.role)
    )
    counts = dict.fromkeys(Role, 0)
    counts.update(dict(rows.all()))
    return counts


def change_role(actor: User, user: User, role: Role) -> None:
    if user.id == actor.id:
        raise AdminError(_l("You cannot change your own role: ask another administrator."))
    if user.role == role:
        return
    previous, user.role = user.role, role
    record(actor, verbs.ROLE_CHANGED, "user", user.id, {"from": previous.value, "to": role.value})
    notify(user, "role_changed", {"role": role.value})
    db.session.commit()


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise AdminError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    verb = verbs.ACCOUNT_REACTIVATED if active else verbs.ACCOUNT_DEACTIVATED
    record(actor, verb, "user", user.id)
    db.session.commit()


@dataclass
class AuditEntry:
    when: datetime
    who: str
    what: str


AUDIT_DESCRIPTIONS = {
    verbs.USER_CREATED: lambda target, payload: _("created the account of %(name)s", name=target),
    verbs.ROLE_CHANGED: lambda target, payload: _(
        "gave %(name)s the role %(role)s", name=target, role=ROLE_LABELS[Role(payload["to"])]
    ),
    verbs.ACCOUNT_DEACTIVATED: lambda target, payload: _("deactivated the account of %(name)s", name=target),
    verbs.ACCOUNT_REACTIVATED: lambda target, payload: _("reactivated the account of %(name)s", name=target),
    verbs.MODERATION_APPROVED: lambda target, payload: _("approved the suggestion “%(title)s”", title=target),
    verbs.MODERATION_REJECTED: lambda target, payload: _("rejected the suggestion “%(title)s”", title=target),
    verbs.CONTENT_CREATED: lambda target, payload: _("created “%(title)s”", title=target),
    verbs.CONTENT_UPDATED: lambda target, payload: _("edited “%(title)s”", title=target),
    verbs.CONTENT_PINNED: lambda target, payload: _("pinned “%(title)s”", title=target),
    verbs.CONTENT_UNPINNED: lambda target, payload: _("unpinned “%(title)s”", title=target),
    verbs.CONTENT_ARCHIVED: lambda target, payload: _("archived “%(title)s”", title=target),
    verbs.CHARTER_PUBLISHED: lambda target, payload: _(
        "published version %(version)s of the charter", version=payload["version"]
    ),
}

# How an audit entry's object is named: (model, column) per object type.
AUDIT_TARGET_NAMES = {"user": (User, User.display_name), "content": (ContentItem, ContentItem.title)}


def audit_trail(limit: int = 20) -> list[AuditEntry]:
    """The latest administration actions, described in the reader's language (a query per kind of object)."""
    entries = list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.verb.in_(AUDIT_DESCRIPTIONS))
            .options(joinedload(Activity.user))
            .order_by(Activity.created_at.desc(), Activity.id.desc())
            .limit(limit)
        )
    )
    names = {}
    for object_type, (model, name) in AUDIT_TARGET_NAMES.items():
        ids = {entry.object_id for entry in entries if entry.object_type == object_type}
        if ids:
            rows = db.session.execute(sa.select(model.id, name).where(model.id.in_(ids)))
            names.update({(object_type, row[0]): row[1] for row in rows})
    return [
        AuditEntry(
            entry.created_at,
            entry.user.display_name,
            AUDIT_DESCRIPTIONS[entry.verb](
                names.get((entry.object_type, entry.object_id), "?"), entry.payload
            ),
        )
        for entry in entries
    ]
