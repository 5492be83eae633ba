"""Which language and time zone a request is served in."""

from datetime import datetime
from zoneinfo import available_timezones

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def select_locale() -> str:
    """The user's stored choice, else the visitor's session choice, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone of the kind people live in (Area/City), sorted."""
    zones = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc/"))
    return [(zone, zone.replace("_", " ")) for zone in zones]


def format_when(moment: datetime) -> str:
    """Date and time to the minute, in the reader's language and time zone."""
    return _("%(date)s, %(time)s", date=format_date(moment, "medium"), time=format_time(moment, "short"))


def language_of(user) -> str:
    """The language to write to a person in outside a request (e-mails): theirs, else the default."""
    return user.language or current_app.config["DEFAULT_LANGUAGE"]


def reading_languages(user) -> list[str]:
    """The languages the person reads content in: chosen on /me, else the interface language."""
    return list(user.content_languages) or [language_of(user)]
