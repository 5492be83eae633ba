"""Recognition pages: the wall of fame, the badges, and the header's points counter."""

from dataclasses import dataclass

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from base.web import int_arg, wants_fragment
from blueprints.recognition import fame, services
from blueprints.recognition.models import FameEntry

bp = Blueprint("recognition", __name__)


@bp.route("/points/counter")
def points_counter():
    """The header's counter, fetched again when a response says points changed."""
    return render_template("recognition/_points.html", balance=services.balance_of(current_user.id))


@bp.after_app_request
def announce_points(response):
    """Tell htmx that the person's points changed, so the header's counter refreshes."""
    if g.get("points_changed") and request.headers.get("HX-Request"):
        triggers = [name for name in response.headers.get("HX-Trigger", "").split(",") if name.strip()]
        response.headers["HX-Trigger"] = ", ".join([*triggers, "points-changed"])
    return response


@dataclass
class FameRow:
    entry: FameEntry
    text: str
    link: str | None


def fame_rows(entries: list[FameEntry]) -> list[FameRow]:
    """Entries as the viewer reads them: the text in their language, the link to what it is about."""
    return [FameRow(entry, fame.entry_text(entry, current_user), link_of(entry)) for entry in entries]


def link_of(entry: FameEntry) -> str | None:
    """The page an entry is about, if the site still has it."""
    if not entry.link_endpoint:
        return None
    try:
        return url_for(entry.link_endpoint, **entry.link_values)
    except BuildError:
        return None


@bp.route("/fame", endpoint="fame")
def fame_wall():
    """The wall of fame; "load more" brings the next entries (by htmx, the entries alone)."""
    before = int_arg("before", 0, minimum=1) or None
    page = fame.wall(before)
    context = {
        "featured": fame_rows(page.featured),
        "rows": fame_rows(page.entries),
        "next_before": page.next_before,
        "continued": before is not None,
    }
    if wants_fragment() and before:
        response = render_template("recognition/_entries.html", **context)
    else:
        response = render_template("recognition/fame.html", **context)
    return response, 200, {"Vary": "HX-Request"}


@bp.route("/badges")
def badges():
    return render_template("recognition/badges.html", rows=fame.badge_board(current_user))


@bp.route("/badges/<key>")
def badge(key: str):
    holders = fame.badge_holders(key, current_user) or abort(404)
    return render_template("recognition/badge.html", holders=holders, badge=holders.badge)
