"""Programme analytics for comms: weekly roll-ups of the activity log and the points ledger
(``rollups``), kept up to date by a job of `flask points sync` and `flask analytics refresh`,
and the figures read from them (``figures``)."""

from base.i18n import lazy_gettext as _l
from base.registry import CONSOLE_MENU, Feature, NavEntry
from blueprints.accounts.models import Role
from blueprints.analytics import console
from blueprints.analytics.cli import analytics_cli
from blueprints.analytics.rollups import refresh_job

feature = Feature(
    "analytics",
    console_blueprints=[console.bp],
    commands=[analytics_cli],
    sync_jobs=[refresh_job],
    navigation=[
        NavEntry(
            "console.analytics.index", _l("Analytics"), Role.COMMS, ("console.analytics.",), 5, CONSOLE_MENU
        )
    ],
)
