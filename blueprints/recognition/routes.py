"""Recognition pages: the wall of fame, the badges, and the header's points counter."""

from flask import Blueprint, g, render_template, request
from flask_login import current_user

from blueprints.recognition import services

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
