"""Accounts: sign-in, sign-up, single sign-on and the ``users`` commands."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import AuditTarget, Feature
from blueprints.accounts.models import User
from blueprints.auth import verbs
from blueprints.auth.cli import users_cli
from blueprints.auth.routes import bp

feature = Feature(
    "auth",
    blueprints=[bp],
    commands=[users_cli],
    verbs=verbs.VERBS,
    passive_verbs=[verbs.SIGNED_IN],  # arriving is not taking part
    notifications={"welcome": _l("Welcome to Porte-voix, %(name)s! Start by completing your profile.")},
    audit_texts={
        verbs.USER_CREATED: lambda target, payload: _("created the account of %(name)s", name=target)
    },
    audit_targets={"user": AuditTarget(User, User.display_name)},
)
