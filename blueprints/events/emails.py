"""The reminder e-mail, written in the reader's language and time zone from a plain app context (cron)."""

from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale

from base.i18n import language_of
from base.i18n import lazy_gettext as _l
from base.links import site_url
from base.mail import mail_configured, send_mail
from blueprints.accounts.models import User
from blueprints.events.models import Event
from blueprints.events.zones import zone_label


def email_reminder(user: User, event: Event) -> None:
    """Tell a person by e-mail that their event starts soon (nothing without SMTP)."""
    if not mail_configured():
        return
    language = language_of(user)
    zone_name = user.timezone or current_app.config["DEFAULT_TIMEZONE"]
    link = site_url("events.detail", event_id=event.id)
    with force_locale(language):
        when = format_datetime(event.starts_at, "medium", tzinfo=ZoneInfo(zone_name), locale=language)
        when = f"{when} ({zone_label(zone_name)})"  # the reader may be in another city than the event
        body = render_template("email/event_reminder.txt", user=user, event=event, link=link, when=when)
        subject = str(_l("Reminder: %(title)s", title=event.title))
    send_mail(user.email, subject, body)
