"""Notifying people, counting and reading their notifications."""

from itertools import groupby

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from blueprints.auth.models import User
from blueprints.notifications.messages import MESSAGES, render_message
from blueprints.notifications.models import Notification
from database import db, utcnow
from mail import mail_configured, send_mail

PAGE_SIZE = 20


def notify(user, kind: str, params: dict | None = None, link: str | None = None) -> Notification:
    """Queue a notification for a person (the caller commits)."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(user_id=user.id, kind=kind, params=params or {}, link=link)
    db.session.add(notification)
    return notification


def message_text(notification: Notification) -> str:
    """The notification's text in the current language."""
    return render_message(notification.kind, notification.params)


def unread_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def _newest_first(user):
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notifications_page(user, page: int):
    return db.paginate(_newest_first(user), page=page, per_page=PAGE_SIZE, error_out=False)


def latest_notifications(user, limit: int = 3) -> list[Notification]:
    return list(db.session.scalars(_newest_first(user).limit(limit)))


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
        if people[user_id].active and _send_digest(people[user_id], notifications):
            sent += 1
            db.session.execute(
                sa.update(Notification)
                .where(Notification.id.in_([n.id for n in notifications]))
                .values(emailed_at=utcnow())
            )
            db.session.commit()
    return sent


def _send_digest(user, notifications: list[Notification]) -> bool:
    """One e-mail in the person's language; the request context at the site's public
    address lets url_for build absolute links from a cron job."""
    config = current_app.config
    language = user.language or config["DEFAULT_LANGUAGE"]
    with current_app.test_request_context(base_url=config["SITE_URL"]), force_locale(language):
        lines = [message_text(notification) for notification in notifications]
        body = render_template("email/digest.txt", user=user, lines=lines)
        return send_mail(user.email, _("Your Porte-voix news"), body)
