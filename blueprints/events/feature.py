"""Events: social cafés, webinars, trainings and talks, with sign-up and waiting lists."""

from datetime import datetime

from base.i18n import format_when
from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import CONSOLE_MENU, REACT, AuditTarget, Badge, Feature, Metric, NavEntry, Points
from blueprints.accounts.models import Role
from blueprints.events import console, verbs
from blueprints.events.cli import events_cli
from blueprints.events.models import Event
from blueprints.events.routes import bp

feature = Feature(
    "events",
    blueprints=[bp],
    console_blueprints=[console.bp],
    commands=[events_cli],
    verbs=verbs.VERBS,
    passive_verbs=verbs.PASSIVE,
    engagement={verbs.EVENT_ATTENDED: REACT},
    audit_targets={"event": AuditTarget(Event, Event.title, "events.detail", "event_id")},
    points={
        verbs.EVENT_REGISTERED: Points(_l("Signing up for an event"), 2),
        verbs.EVENT_PROMOTED: Points(_l("A seat from the waiting list"), 2),
        verbs.EVENT_ATTENDED: Points(_l("Attending an event"), 10),
    },
    undoes={
        verbs.EVENT_REGISTRATION_CANCELLED: (verbs.EVENT_REGISTERED, verbs.EVENT_PROMOTED),
        verbs.EVENT_ATTENDANCE_REMOVED: (verbs.EVENT_ATTENDED,),
    },
    metrics={
        "attendances": Metric(
            _l("Events attended"), (verbs.EVENT_ATTENDED,), (verbs.EVENT_ATTENDANCE_REMOVED,)
        )
    },
    badges=[
        Badge(
            "first_event",
            _l("First event"),
            _l("Attend a social café, a webinar, a training or a talk."),
            "☕",
            (verbs.EVENT_ATTENDED,),
        )
    ],
    notifications={
        "event_waitlisted": _l(
            "You are number %(position)s on the waiting list for “%(title)s”. You will be told as soon as a seat frees up."
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
    },
    navigation=[
        NavEntry("events.index", _l("Events"), Role.EMPLOYEE, ("events.",), 30),
        NavEntry("console.events.index", _l("Events"), Role.COMMS, ("console.events.",), 30, CONSOLE_MENU),
    ],
)
