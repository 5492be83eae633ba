"""Notifying people, counting and reading their notifications, e-mailing digests.

Features register their notification kinds and texts (``registry.Feature.notifications``);
a notification stores its kind and parameters and is written in the reader's language
when it is shown.
"""

import logging
from functools import lru_cache
from itertools import groupby

import sqlalchemy as sa

from base.database import db, utcnow
from base.i18n import gettext as _
from base.mail import mail_configured
from base.memo import per_request
from base.paging import paginate
from base.registry import registry
from blueprints.accounts.models import User
from blueprints.notifications.emails import send_digest
from blueprints.notifications.models import Notification

PAGE_SIZE = 20

log = logging.getLogger(__name__)


def notify(user, kind: str, params: dict | None = None, link: tuple[str, dict] | None = None) -> Notification:
    """Queue a notification for a person (the caller commits). ``link``: (endpoint, values)."""
    if kind not in registry().notifications:
        raise ValueError(f"unknown notification kind {kind!r}")
    endpoint, values = link or (None, {})
    notification = Notification(
        user_id=user.id, kind=kind, params=params or {}, link_endpoint=endpoint, link_values=values
    )
    db.session.add(notification)
    return notification


def message_text(notification: Notification) -> str:
    """The notification's text in the current language; a plain line, rather than an error
    page, for a kind no feature registers any more or parameters its text no longer fits."""
    message = registry().notifications.get(notification.kind)
    params = notification.params or {}
    try:
        if message is None:
            raise KeyError(notification.kind)
        return message(params) if callable(message) else str(message) % params
    except (KeyError, ValueError, TypeError):
        log.warning(
            "Notification %s (%s) cannot be written with %r", notification.id, notification.kind, params
        )
        return _("You have a notification from Porte-voix.")


@per_request
def unread_count(user) -> int:
    return db.session.scalar(sa.select(unread_count_of(user.id)))


def unread_count_of(user_id: int | sa.BindParameter) -> sa.ScalarSelect:
    """How many notifications the person has not read, as a part of a larger query."""
    return (
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def _newest_first(user_id: int | sa.BindParameter):
    return (
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notifications_page(user, page: int):
    return paginate(_newest_first(user.id), page, PAGE_SIZE)


def latest_notifications(user, limit: int = 3, unread_only: bool = False) -> list[Notification]:
    """The person's newest notifications; only those not read yet for the home page, where a
    notification read, or whose call to action is done (settled), no longer asks anything."""
    return list(db.session.scalars(_latest_statement(unread_only), {"person": user.id, "shown": limit}))


@lru_cache(maxsize=2)
def _latest_statement(unread_only: bool) -> sa.Select:
    """A person's newest notifications (unread ones only, or all), built once: the person and
    how many are shown are parameters."""
    query = _newest_first(sa.bindparam("person", type_=sa.Integer))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.limit(sa.bindparam("shown", type_=sa.Integer))


def settle(user, kind: str) -> int:
    """Mark the person's unread notifications of a kind read, because what they ask of the
    person is done (the welcome's "complete your profile"); how many (the caller commits)."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def mark_all_read(user) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def open_notification(user, notification_id: int) -> Notification | None:
    """Mark one of the person's notifications read and return it (None if not theirs)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def send_digests() -> int:
    """E-mail each person their unread notifications not yet e-mailed; the number of e-mails sent."""
    if not mail_configured():
        return 0
    pending = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.read_at.is_(None), Notification.emailed_at.is_(None))
            .order_by(Notification.user_id, Notification.created_at)
        )
    )
    people = {
        user.id: user
        for user in db.session.scalars(sa.select(User).where(User.id.in_({n.user_id for n in pending})))
    }
    db.session.expunge_all()  # plain values from here: commits below reload nothing
    sent = 0
    for user_id, notifications in groupby(pending, key=lambda n: n.user_id):
        notifications = list(notifications)
        if people[user_id].active and send_digest(people[user_id], notifications, message_text):
            sent += 1
            db.session.execute(
                sa.update(Notification)
                .where(Notification.id.in_([n.id for n in notifications]))
                .values(emailed_at=utcnow())
            )
            db.session.commit()
    return sent
