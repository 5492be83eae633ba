"""The comms console's analytics page (/admin/analytics) and the CSV of each of its tables.

Both read the same query arguments: ``period`` (4, 12 or 52 weeks) and ``segment`` ("all",
"department-<id>", "site-<id>"); an unknown value stands for the default (12 weeks, everyone),
as the console's other filters do.
"""

from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from base.cache import cache
from base.database import utcnow
from base.exports import csv_download
from base.web import int_arg
from blueprints.analytics import figures, presenters
from blueprints.analytics.figures import PERIODS
from blueprints.analytics.rollups import SUBJECT
from blueprints.recognition.periods import week_of

bp = Blueprint("analytics", __name__)


def _filters() -> tuple[int, presenters.SegmentChoices, presenters.SegmentChoice]:
    period = int_arg("period", presenters.DEFAULT_PERIOD)
    choices = presenters.segment_choices()
    return (
        period if period in PERIODS else presenters.DEFAULT_PERIOD,
        choices,
        choices.find(request.args.get("segment")),
    )


@bp.route("/analytics")
def index():
    period, choices, chosen = _filters()
    span = figures.period_of(period)
    return render_template(
        "analytics_console/index.html",
        period=period,
        periods=presenters.period_choices(),
        choices=choices,
        chosen=chosen,
        body=_body(period, chosen),
        first_day=span.weeks[0],
        last_day=span.weeks[-1] + timedelta(days=6),
        refreshed_at=figures.refreshed_at(),
    )


def _body(period: int, chosen: presenters.SegmentChoice) -> Markup:
    """The figures, charts and tables, drawn (most of the page's work) once per language, time
    zone, period and people, and kept as long as the figures they show."""

    def draw() -> str:
        return render_template(
            "analytics_console/_body.html",
            chosen=chosen,
            args={"period": period, "segment": chosen.value},
            key_figures=presenters.key_figures(period, chosen.segment),
            sections=presenters.sections(period, chosen.segment),
        )

    # The reader's language and time zone (the challenges' dates are days in it).
    reader = f"{get_locale()}:{get_timezone()}"
    variant = f"page:{period}:{chosen.value}:{reader}:{week_of(utcnow()).isoformat()}"
    return Markup(cache.remember(SUBJECT, variant, draw, figures.CACHED_FOR))


@bp.route("/analytics/<name>.csv")
def export(name: str):
    """One of the page's tables, with the same filters: the same columns and rows, the numbers
    unformatted (a share as a fraction, a date as YYYY-MM-DD)."""
    period, _choices, chosen = _filters()
    table = presenters.table(name, period, chosen.segment) or abort(404)
    filename = f"analytics-{name}-{period}w-{chosen.value}.csv"
    return csv_download(filename, table.header, table.csv_rows())
