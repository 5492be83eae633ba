"""Mentoring between colleagues: people offer or ask for mentoring, mentees ask the mentors
who fit them best, pairs log their sessions; comms run matching rounds."""

import sqlalchemy as sa

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from base.registry import CONSOLE_MENU, WEEK, AuditTarget, Badge, Feature, NavEntry, Points
from blueprints.accounts.models import Role, User
from blueprints.mentoring import console, services, verbs
from blueprints.mentoring.cli import mentoring_cli
from blueprints.mentoring.models import MentoringPair, MentoringTopic
from blueprints.mentoring.routes import bp


def _name_of(column):
    return sa.select(User.display_name).where(User.id == column).scalar_subquery()


# The audit trail names a pair "mentor → mentee".
PAIR_NAME = _name_of(MentoringPair.mentor_id) + " → " + _name_of(MentoringPair.mentee_id)


def _with_next(text: str, params: dict) -> str:
    """A notice to a mentee (``next`` among its parameters) says who could help them next."""
    if "next" not in params:
        return text
    if params["next"]:
        more = _("%(next)s could help you: ask them from your mentoring page.", next=params["next"])
    else:
        more = _("No other mentor fits your wish just now: new offers will show on your mentoring page.")
    return f"{text} {more}"


feature = Feature(
    "mentoring",
    blueprints=[bp],
    console_blueprints=[console.bp],
    commands=[mentoring_cli],
    verbs=verbs.VERBS,
    passive_verbs=verbs.PASSIVE,
    points={
        verbs.SESSION_GIVEN: Points(_l("A mentoring session given"), 20, cap=2, period=WEEK),
        verbs.SESSION_RECEIVED: Points(_l("A mentoring session received"), 10, cap=2, period=WEEK),
    },
    badges=[
        Badge(
            "mentor",
            _l("Mentor"),
            _l("Hold a first session as a colleague's mentor."),
            "🤝",
            (verbs.SESSION_GIVEN,),
        )
    ],
    sync_jobs=[services.expire_overdue],
    notifications={
        services.REQUESTED_NOTICE: _l("%(name)s asks you to be their mentor."),
        services.ACCEPTED_NOTICE: _l("%(name)s is your mentor now: plan your first session together."),
        services.DECLINED_NOTICE: lambda params: _with_next(
            _("%(name)s cannot take this mentoring on.", name=params["name"]), params
        ),
        services.EXPIRED_NOTICE: lambda params: _with_next(
            _("%(name)s did not answer your mentoring request in time.", name=params["name"]), params
        ),
        services.ROUND_EXPIRED_NOTICE: lambda params: _with_next(
            _(
                "The proposal to pair you with %(name)s expired before you both said yes.",
                name=params["name"],
            ),
            params,
        ),
        services.PROPOSED_TO_MENTOR_NOTICE: _l("The comms team suggests you mentor %(name)s: say yes or no."),
        services.PROPOSED_TO_MENTEE_NOTICE: _l(
            "The comms team suggests %(name)s as your mentor: say yes or no."
        ),
        services.STARTED_NOTICE: _l("You and %(name)s both said yes: your mentoring starts."),
        services.WITHDRAWN_NOTICE: _l("%(name)s no longer looks for a mentor: no need to answer about them."),
        services.ENDED_NOTICE: _l(
            "%(name)s ended your mentoring pairing. Thank you for the time you gave it."
        ),
    },
    audit_texts={
        verbs.OFFER_SAVED: lambda target, payload: _("offered to mentor"),
        verbs.OFFER_CLOSED: lambda target, payload: _("stopped taking new mentees"),
        verbs.WISH_SAVED: lambda target, payload: _("asked for a mentor"),
        verbs.WISH_CLOSED: lambda target, payload: _("stopped looking for a mentor"),
        verbs.REQUESTED: lambda target, payload: _("sent a mentoring request (%(pair)s)", pair=target),
        verbs.WITHDRAWN: lambda target, payload: _("withdrew a mentoring request (%(pair)s)", pair=target),
        verbs.ACCEPTED: lambda target, payload: _("said yes to a mentoring pairing (%(pair)s)", pair=target),
        verbs.DECLINED: lambda target, payload: _("said no to a mentoring pairing (%(pair)s)", pair=target),
        verbs.EXPIRED: lambda target, payload: _("had a mentoring request expire (%(pair)s)", pair=target),
        verbs.ENDED: lambda target, payload: _("ended a mentoring pairing (%(pair)s)", pair=target),
        verbs.ROUND_CONFIRMED: lambda target, payload: ngettext(
            "sent a matching round of %(num)s proposal",
            "sent a matching round of %(num)s proposals",
            payload.get("pairs", 0),
        ),
        verbs.TOPIC_SAVED: lambda target, payload: _("saved the mentoring topic “%(name)s”", name=target),
        verbs.TOPIC_ARCHIVED: lambda target, payload: _(
            "archived the mentoring topic “%(name)s”", name=target
        ),
        verbs.TOPIC_RESTORED: lambda target, payload: _(
            "offered the mentoring topic “%(name)s” again", name=target
        ),
    },
    audit_targets={
        "mentoring_pair": AuditTarget(MentoringPair, PAIR_NAME, "mentoring.pair", "pair_id"),
        "mentoring_topic": AuditTarget(MentoringTopic, MentoringTopic.name),
    },
    navigation=[
        NavEntry("mentoring.index", _l("Mentoring"), Role.EMPLOYEE, ("mentoring.",), 35),
        NavEntry(
            "console.mentoring.index", _l("Mentoring"), Role.COMMS, ("console.mentoring.",), 35, CONSOLE_MENU
        ),
    ],
)
