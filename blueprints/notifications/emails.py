"""The e-mail digest, written in the reader's language from a plain app context (cron)."""

from collections.abc import Callable

from flask import render_template
from flask_babel import force_locale

from base.i18n import gettext as _
from base.i18n import language_of
from base.links import site_url
from base.mail import send_mail
from blueprints.notifications.models import Notification


def send_digest(user, notifications: list[Notification], text_of: Callable[[Notification], str]) -> bool:
    """One e-mail listing the notifications; whether it was sent."""
    with force_locale(language_of(user)):
        lines = [text_of(notification) for notification in notifications]
        body = render_template(
            "email/digest.txt", user=user, lines=lines, link=site_url("notifications.index")
        )
        return send_mail(user.email, _("Your Porte-voix news"), body)
