"""Recognition pages: the wall of fame, the badges, and the header's points counter."""

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user

from base.web import int_arg, wants_fragment
from blueprints.recognition import fame, services
from blueprints.recognition.cards import fame_entries, fame_entry

bp = Blueprint("recognition", __name__)
bp.add_app_template_global(fame_entry, "fame_entry")
bp.add_app_template_global(fame_entries, "fame_entries")


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


@bp.route("/fame", endpoint="fame")
def fame_wall():
    """The wall of fame; "load more" brings the next entries (by htmx, the entries alone)."""
    before = int_arg("before", 0, minimum=1) or None
    page = fame.wall(before)
    context = {
        "featured": page.featured,
        "entries": page.entries,
        "next_before": page.next_before,
        "state": page.state,
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
