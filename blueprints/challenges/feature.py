"""Challenges: personal or collective, opt-in, with fair and fast leaderboards."""

import sqlalchemy as sa

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import CONSOLE_MENU, AuditTarget, Badge, Feature, Metric, NavEntry
from blueprints.accounts.models import Role
from blueprints.challenges import console, verbs
from blueprints.challenges.cli import challenges_cli
from blueprints.challenges.messages import AUDIT_TEXTS, NOTIFICATIONS, group_from
from blueprints.challenges.models import Challenge
from blueprints.challenges.routes import bp
from blueprints.challenges.scoring import on_activity
from blueprints.rewards.catalogue import title_from

feature = Feature(
    "challenges",
    blueprints=[bp],
    console_blueprints=[console.bp],
    commands=[challenges_cli],
    verbs=verbs.VERBS,
    passive_verbs=verbs.PASSIVE,
    activity_listeners=[on_activity],  # after recognition's: the points metric reads the ledger
    metrics={"points": Metric(_l("Points"), points=True)},
    notifications=NOTIFICATIONS,
    audit_texts=AUDIT_TEXTS,
    audit_targets={
        "challenge": AuditTarget(
            Challenge,
            sa.func.coalesce(Challenge.title_fr, Challenge.title_en),
            "challenges.detail",
            "challenge_id",
        )
    },
    badges=[
        Badge(
            "challenge_won",
            _l("Challenge won"),
            _l("Be among the winners of a challenge, alone or with your team."),
            "🏆",
            (verbs.CHALLENGE_WON,),
        )
    ],
    fame_texts={
        # Both titles (and a group's both names) are kept: the reader's language is picked when shown.
        "challenge_won": lambda params: (
            _(
                "%(group)s won the challenge “%(title)s”, together.",
                group=group_from(params),
                title=title_from(params),
            )
            if params.get("group_fr") or params.get("group_en")
            else _("%(name)s won the challenge “%(title)s”.", name=params["name"], title=title_from(params))
        ),
    },
    navigation=[
        NavEntry("challenges.index", _l("Challenges"), Role.EMPLOYEE, ("challenges.",), 45),
        NavEntry(
            "console.challenges.index",
            _l("Challenges"),
            Role.COMMS,
            ("console.challenges.",),
            35,
            CONSOLE_MENU,
        ),
    ],
)
