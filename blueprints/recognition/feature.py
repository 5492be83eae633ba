"""Recognition: points from every action, badges, streaks and the wall of fame."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from base.registry import CONSOLE_MENU, RECOGNITION_MENU, AuditTarget, Badge, Feature, NavEntry
from blueprints.accounts.models import Role
from blueprints.recognition import console, verbs
from blueprints.recognition.badges import BADGE_EARNED
from blueprints.recognition.catalogue import badge_label, rule_label
from blueprints.recognition.cli import points_cli
from blueprints.recognition.fame import neutral_text
from blueprints.recognition.models import FameEntry
from blueprints.recognition.nudges import STREAK_AT_RISK, nudge_streaks
from blueprints.recognition.routes import bp
from blueprints.recognition.services import on_activity
from blueprints.recognition.streaks import has_had_streak

STREAK_BADGE_WEEKS = 4

feature = Feature(
    "recognition",
    blueprints=[bp],
    console_blueprints=[console.bp],
    commands=[points_cli],
    verbs=verbs.VERBS,
    activity_listeners=[on_activity],
    sync_jobs=[nudge_streaks],
    navigation=[
        NavEntry(
            "recognition.fame",
            _l("Recognition"),
            Role.EMPLOYEE,
            ("recognition.fame", "recognition.badge", "rewards.", "contributions.", "kudos."),
            50,
        ),
        NavEntry(
            "recognition.fame", _l("Wall of fame"), Role.EMPLOYEE, ("recognition.fame",), 10, RECOGNITION_MENU
        ),
        NavEntry(
            "recognition.badges", _l("Badges"), Role.EMPLOYEE, ("recognition.badge",), 20, RECOGNITION_MENU
        ),
        NavEntry(
            "console.recognition.points_table",
            _l("Points"),
            Role.COMMS,
            (
                "console.recognition.points_table",
                "console.recognition.edit_rule",
                "console.recognition.rule_row",
                "console.recognition.recompute",
            ),
            50,
            CONSOLE_MENU,
        ),
        NavEntry(
            "console.recognition.fame_entries",
            _l("Wall of fame"),
            Role.COMMS,
            ("console.recognition.fame_entries",),
            55,
            CONSOLE_MENU,
        ),
    ],
    notifications={
        STREAK_AT_RISK: lambda params: ngettext(
            "You have been active %(num)s week in a row: one action this week keeps your streak going.",
            "You have been active %(num)s weeks in a row: one action this week keeps your streak going.",
            params["weeks"],
        ),
        BADGE_EARNED: lambda params: _(
            "You earned the badge “%(badge)s”. Well done!", badge=badge_label(params["badge"])
        ),
    },
    fame_texts={
        "badge": lambda params: _(
            "%(name)s earned the badge “%(badge)s”.", name=params["name"], badge=badge_label(params["badge"])
        ),
    },
    audit_texts={
        verbs.POINTS_RULE_CHANGED: lambda target, payload: _(
            "changed the points of “%(rule)s” from %(before)s to %(after)s",
            rule=rule_label(payload["verb"]),
            before=payload["before"][0],
            after=payload["after"][0],
        ),
        verbs.POINTS_RECOMPUTED: lambda target, payload: _(
            "recomputed everyone's points with the current table"
        ),
        verbs.FAME_FEATURED: lambda target, payload: _(
            "featured on the wall of fame: %(success)s",
            success=neutral_text(payload["kind"], payload["params"]),
        ),
        verbs.FAME_UNFEATURED: lambda target, payload: _(
            "stopped featuring on the wall of fame: %(success)s",
            success=neutral_text(payload["kind"], payload["params"]),
        ),
        verbs.FAME_HIDDEN: lambda target, payload: _(
            "hid from the wall of fame: %(success)s", success=neutral_text(payload["kind"], payload["params"])
        ),
        verbs.FAME_UNHIDDEN: lambda target, payload: _(
            "showed again on the wall of fame: %(success)s",
            success=neutral_text(payload["kind"], payload["params"]),
        ),
    },
    audit_targets={"fame_entry": AuditTarget(FameEntry, FameEntry.kind)},
    badges=[
        Badge(
            "streak_4",
            _l("Four weeks in a row"),
            _l("Do something for the programme four weeks in a row."),
            "🔥",
            check=lambda user_id: has_had_streak(user_id, STREAK_BADGE_WEEKS),
        )
    ],
)
