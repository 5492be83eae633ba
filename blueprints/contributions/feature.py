"""Declared contributions: advocacy done off the platform (a talk, a jury, an article…),
declared by the person and validated by comms; validated ones earn points and go on the
wall of fame."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.registry import (
    CONSOLE_MENU,
    CREATE,
    RECOGNITION_MENU,
    AuditTarget,
    Badge,
    Feature,
    Metric,
    NavEntry,
    Points,
)
from blueprints.accounts.models import Role
from blueprints.contributions import console, verbs
from blueprints.contributions.models import Contribution
from blueprints.contributions.routes import bp
from blueprints.contributions.services import DECLINED_NOTICE, VALIDATED_NOTICE, pending_count_query

feature = Feature(
    "contributions",
    blueprints=[bp],
    console_blueprints=[console.bp],
    verbs=verbs.VERBS,
    passive_verbs=verbs.PASSIVE,
    engagement={verbs.CONTRIBUTION_DECLARED: CREATE},
    metrics={"contributions": Metric(_l("Contributions validated"), (verbs.CONTRIBUTION_VALIDATED,))},
    points={
        verbs.CONTRIBUTION_VALIDATED: Points(_l("A contribution validated"), 30),
        verbs.CONTRIBUTION_DECLARED: Points(_l("Declaring a contribution"), 0),
    },
    badges=[
        Badge(
            "first_contribution",
            _l("First contribution"),
            _l("Declare something you did for the programme outside the site, validated by the comms team."),
            "🎤",
            (verbs.CONTRIBUTION_VALIDATED,),
        )
    ],
    notifications={
        VALIDATED_NOTICE: _l("The comms team validated your contribution “%(title)s”. Thank you!"),
        DECLINED_NOTICE: _l(
            "Your contribution “%(title)s” was not validated. The comms team says: %(reason)s"
        ),
    },
    fame_texts={
        "contribution": lambda params: _(
            "%(name)s did something for the programme away from this site: “%(title)s”.",
            name=params["name"],
            title=params["title"],
        ),
    },
    audit_texts={
        verbs.CONTRIBUTION_REVIEW_VALIDATED: lambda target, payload: _(
            "validated the contribution “%(title)s”", title=target
        ),
        verbs.CONTRIBUTION_REVIEW_DECLINED: lambda target, payload: _(
            "declined the contribution “%(title)s”", title=target
        ),
    },
    audit_targets={
        "contribution": AuditTarget(
            Contribution,
            Contribution.title,
            "contributions.detail",
            "contribution_id",
            owner_column=Contribution.user_id,
        )
    },
    navigation=[
        NavEntry(
            "contributions.index",
            _l("Contributions"),
            Role.EMPLOYEE,
            ("contributions.",),
            40,
            RECOGNITION_MENU,
        ),
        NavEntry(
            "console.contributions.index",
            _l("Contributions"),
            Role.COMMS,
            ("console.contributions.",),
            25,
            CONSOLE_MENU,
            badge=pending_count_query,
        ),
    ],
)
