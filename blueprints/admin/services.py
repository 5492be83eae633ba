"""Administration of accounts; every change is written to the audit trail."""

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.cache import cache
from base.database import db
from base.i18n import lazy_gettext as _l
from base.registry import registry
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.activity.services import object_names, record
from blueprints.admin import verbs
from blueprints.auth.services import NewPerson, create_account
from blueprints.notifications.services import notify
from blueprints.quiz.services import forget_distribution

USERS_PER_PAGE = 50
AUDIT_TRAIL = "audit-trail"  # cache subject: the latest audited entries, renewed by a new one
ROLE_COUNTS = "people-by-role"  # cache subject: renewed by an account added, or its role or activity changed


class AdminError(Exception):
    """A refused administration change, already translated (lazily)."""


def users_page(page: int, search: str = ""):
    query = sa.select(User).order_by(User.display_name, User.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.display_name).like(pattern), User.email.like(pattern)))
    return db.paginate(query, page=page, per_page=USERS_PER_PAGE, error_out=False)


def role_counts() -> dict[Role, int]:
    """Active people by role (counted over every account, so kept until one changes: ROLE_COUNTS)."""
    counted = cache.remember(ROLE_COUNTS, "active", _count_roles)
    return {role: counted.get(role.value, 0) for role in Role}


def _count_roles() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(User.role, sa.func.count(User.id)).where(User.active).group_by(User.role)
    )
    return {role.value: count for role, count in rows}


@sa.event.listens_for(User, "after_insert")
def _person_added(mapper, connection, person: User) -> None:
    cache.bump_after_commit(ROLE_COUNTS)


@sa.event.listens_for(User, "after_update")
def _person_changed(mapper, connection, person: User) -> None:
    state = sa.inspect(person)
    if state.attrs.role.history.has_changes() or state.attrs.active.history.has_changes():
        cache.bump_after_commit(ROLE_COUNTS)


def add_person(actor: User, new: NewPerson) -> tuple[User, str | None]:
    """Create an account for someone, logged for the audit trail. Without a password given, one
    is generated and returned to hand over: it is shown once and stored nowhere in clear.
    AccountError, and nothing created, when the address is taken."""
    generated = None if new.password else secrets.token_urlsafe(9)
    user = create_account(replace(new, password=new.password or generated), created_by=actor)
    return user, generated


def change_role(actor: User, user: User, role: Role) -> None:
    if user.id == actor.id:
        raise AdminError(_l("You cannot change your own role: ask another administrator."))
    if user.role == role:
        return
    previous, user.role = user.role, role
    user.end_sessions()  # signed in again, the person gets the pages of their new role only
    record(actor, verbs.ROLE_CHANGED, "user", user.id, {"from": previous.value, "to": role.value})
    notify(user, "role_changed", {"role": role.value}, link=("core.home", {}))
    db.session.commit()


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise AdminError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    forget_distribution()  # only active people are counted
    if not active:
        user.end_sessions()
    verb = verbs.ACCOUNT_REACTIVATED if active else verbs.ACCOUNT_DEACTIVATED
    record(actor, verb, "user", user.id)
    db.session.commit()


@lru_cache(maxsize=4)
def _latest_ids(verbs: tuple[str, ...], limit: int):
    """The ids of the latest ``limit`` entries among these verbs, as the union of each verb's
    latest: each part reads the (verb, moment) index backwards and stops, however long the log
    and however rare the verb (one query over all verbs would scan the log for the rare ones).
    Built once per set of verbs: putting its forty parts together took longer than running it."""
    latest = (
        sa.select(Activity.id, Activity.created_at)
        .where(Activity.verb == verb)
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(limit)
        .subquery()
        for verb in verbs
    )
    union = sa.union_all(*(sa.select(part.c.id, part.c.created_at) for part in latest)).subquery()
    return sa.select(union.c.id).order_by(union.c.created_at.desc(), union.c.id.desc()).limit(limit)


@sa.event.listens_for(Activity, "after_insert")
def _audited_action_logged(mapper, connection, activity: Activity) -> None:
    if activity.verb in registry().audit_texts:
        cache.bump_after_commit(AUDIT_TRAIL)


@dataclass
class AuditEntry:
    when: datetime
    who: str
    what: str


def audit_trail(limit: int = 20) -> list[AuditEntry]:
    """The latest administration actions, described in the reader's language (two queries; the
    entries' ids are kept in the shared cache until an audited action is logged).

    Features register which verbs appear here, with their texts and how their objects are named.
    """
    features = registry()
    latest = cache.remember(
        AUDIT_TRAIL,
        str(limit),
        lambda: list(db.session.scalars(_latest_ids(tuple(sorted(features.audit_texts)), limit))),
    )
    entries = list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.id.in_(latest))
            .options(joinedload(Activity.user))
            .order_by(Activity.created_at.desc(), Activity.id.desc())
        )
    )
    names = object_names((entry.object_type, entry.object_id) for entry in entries)
    return [
        AuditEntry(
            entry.created_at,
            entry.user.display_name,
            features.audit_texts[entry.verb](
                names.get((entry.object_type, entry.object_id), "?"), entry.payload
            ),
        )
        for entry in entries
    ]
