"""The comms console's home, ambassador profile distribution and account administration."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import CONSOLE_MENU, Feature, NavEntry
from blueprints.accounts.labels import ROLE_LABELS
from blueprints.accounts.models import Role
from blueprints.admin import verbs
from blueprints.admin.routes import bp

feature = Feature(
    "admin",
    console_blueprints=[bp],
    verbs=verbs.VERBS,
    notifications={
        "role_changed": lambda params: _(
            "Your access has changed: you are now %(role)s.", role=ROLE_LABELS[Role(params["role"])]
        ),
    },
    audit_texts={
        verbs.ROLE_CHANGED: lambda target, payload: _(
            "gave %(name)s the role %(role)s", name=target, role=ROLE_LABELS[Role(payload["to"])]
        ),
        verbs.ACCOUNT_DEACTIVATED: lambda target, payload: _(
            "deactivated the account of %(name)s", name=target
        ),
        verbs.ACCOUNT_REACTIVATED: lambda target, payload: _(
            "reactivated the account of %(name)s", name=target
        ),
    },
    navigation=[
        NavEntry("console.admin.index", _l("Comms console"), Role.COMMS, ("console.",), 90),
        NavEntry(
            "console.admin.index", _l("Overview"), Role.COMMS, ("console.admin.index",), 0, CONSOLE_MENU
        ),
        NavEntry(
            "console.admin.personae",
            _l("Ambassador profiles"),
            Role.COMMS,
            ("console.admin.personae",),
            60,
            CONSOLE_MENU,
        ),
        NavEntry(
            "console.admin.users",
            _l("People"),
            Role.ADMIN,
            ("console.admin.users", "console.admin.new_user"),
            70,
            CONSOLE_MENU,
        ),
    ],
)
