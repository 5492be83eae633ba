from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from htmx_flask import make_response

from base.urls import local_or
from blueprints.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("")
def index():
    page = services.notifications_page(current_user, request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page)


@bp.route("/count")
def count():
    return render_template("notifications/_count.html", unread=services.unread_count(current_user))


@bp.post("/read-all")
def read_all():
    services.mark_all_read(current_user)
    if request.htmx:
        page = services.notifications_page(current_user, 1)
        body = render_template("notifications/_list.html", page=page)
        return make_response(body, trigger="notifications-changed")
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
def open_one(notification_id: int):
    notification = services.open_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    return redirect(notification_target(notification))


def notification_target(notification) -> str:
    """Where a notification leads: its page, else the notification centre."""
    if notification.link_endpoint:
        return url_for(notification.link_endpoint, **notification.link_values)
    return local_or(notification.link, url_for("notifications.index"))
