"""Programme analytics for comms: weekly roll-ups of the activity log and the points ledger
(``rollups``), kept up to date by a job of `flask points sync` and `flask analytics refresh`,
and the figures read from them (``figures``)."""

from base.registry import Feature
from blueprints.analytics.cli import analytics_cli
from blueprints.analytics.rollups import refresh_job

feature = Feature(
    "analytics",
    commands=[analytics_cli],
    sync_jobs=[refresh_job],
)
