"""Challenges: personal or collective, opt-in, with fair and fast leaderboards."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from base.registry import Badge, Feature, Metric
from blueprints.challenges import console, verbs
from blueprints.challenges.cli import challenges_cli
from blueprints.challenges.messages import AUDIT_TEXTS, NOTIFICATIONS
from blueprints.challenges.routes import bp
from blueprints.challenges.scoring import on_activity

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
        "challenge_won": lambda params: _(
            "%(name)s won the challenge “%(title)s”.", name=params["name"], title=params["title"]
        ),
    },
)
