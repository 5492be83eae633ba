"""Kudos: anyone thanks a colleague for something concrete; kudos from comms or from one's
manager are marked; received kudos earn a few points and go on the wall of fame."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import RECOGNITION_MENU, WEEK, Badge, Feature, NavEntry, Points
from blueprints.accounts.models import Role
from blueprints.kudos import verbs
from blueprints.kudos.routes import bp
from blueprints.kudos.services import FROM_COMMS, FROM_MANAGER, RECEIVED_NOTICE


def received_text(params: dict) -> str:
    values = {"sender": params["sender"], "message": params["message"]}
    if params.get("from") == FROM_MANAGER:
        return _("Your manager %(sender)s thanked you: “%(message)s”", **values)
    if params.get("from") == FROM_COMMS:
        return _("%(sender)s, of the comms team, thanked you: “%(message)s”", **values)
    return _("%(sender)s thanked you: “%(message)s”", **values)


feature = Feature(
    "kudos",
    blueprints=[bp],
    verbs=verbs.VERBS,
    passive_verbs=verbs.PASSIVE,
    points={
        verbs.KUDOS_RECEIVED: Points(_l("Kudos received"), 3, cap=5, period=WEEK),
        verbs.KUDOS_SENT: Points(_l("Thanking a colleague"), 0),
    },
    badges=[
        Badge(
            "first_kudos",
            _l("First kudos"),
            _l("Be thanked by a colleague for something you did."),
            "🙏",
            (verbs.KUDOS_RECEIVED,),
        )
    ],
    notifications={RECEIVED_NOTICE: received_text},
    fame_texts={
        "kudos": lambda params: _(
            "%(other)s thanked %(name)s: “%(message)s”",
            other=params["other"],
            name=params["name"],
            message=params["message"],
        ),
    },
    navigation=[NavEntry("kudos.index", _l("Kudos"), Role.EMPLOYEE, ("kudos.",), 50, RECOGNITION_MENU)],
)
