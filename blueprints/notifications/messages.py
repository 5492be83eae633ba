"""The text of each kind of notification, translated when it is shown.

Feature packages add their kinds here. An entry is a lazy string formatted with
the stored parameters, or a function of the parameters for values that need
translating too. Parameters are plain values that templates escape.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.auth.labels import ROLE_LABELS
from blueprints.auth.models import Role
from i18n import format_when

MESSAGES = {
    "welcome": _l("Welcome to Porte-voix, %(name)s! Start by completing your profile."),
    "suggestion_approved": _l("Your suggestion “%(title)s” is published in the feed. Thank you!"),
    "suggestion_rejected": _l(
        "Your suggestion “%(title)s” was not published. The comms team says: %(reason)s"
    ),
    "event_promoted": _l("A seat is free: you are now confirmed for “%(title)s”."),
    "event_cancelled": _l("“%(title)s” is cancelled. Sorry for the change of plans."),
    "event_changed": lambda params: _(
        "The time or place of “%(title)s” has changed: it now starts %(when)s. See the details.",
        title=params["title"],
        when=format_when(datetime.fromisoformat(params["starts_at"])),
    ),
    "event_reminder": lambda params: _(
        "Reminder: “%(title)s” starts %(when)s.",
        title=params["title"],
        when=format_when(datetime.fromisoformat(params["starts_at"])),
    ),
    "role_changed": lambda params: _(
        "Your access has changed: you are now %(role)s.", role=ROLE_LABELS[Role(params["role"])]
    ),
}


def render_message(kind: str, params: dict) -> str:
    message = MESSAGES[kind]
    return message(params) if callable(message) else str(message) % params
