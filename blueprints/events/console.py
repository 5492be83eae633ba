"""The comms console's events: create, edit, cancel, capacity, attendance sheet."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from base.database import utcnow
from blueprints.events import listing, services
from blueprints.events.catalogue import KINDS
from blueprints.events.forms import EventForm

bp = Blueprint("events", __name__)


@bp.route("/events")
def index():
    events = listing.latest_events()
    return render_template(
        "events_console/index.html",
        events=events,
        seats=services.seats_of(events),
        kinds=KINDS,
        now=utcnow(),
    )


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    form = EventForm(language=current_user.language)
    if form.validate_on_submit():
        event = services.create_event(current_user, form.changes())
        flash(_("“%(title)s” is scheduled.", title=event.title), "success")
        return redirect(url_for("console.events.attendance", event_id=event.id), 303)
    return render_template("events_console/editor.html", form=form, event=None), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        try:
            outcome = services.update_event(current_user, event.id, form.changes())
        except services.CapacityRefused as refusal:
            form.capacity.errors.append(str(refusal))
        else:
            flash_update(outcome)
            return redirect(url_for("console.events.attendance", event_id=event.id), 303)
    return render_template("events_console/editor.html", form=form, event=event), 422 if form.errors else 200


def flash_update(outcome: services.UpdateOutcome) -> None:
    flash(_("“%(title)s” is saved.", title=outcome.event.title), "success")
    if outcome.told:
        message = ngettext(
            "%(num)s registered person was told of the new time or place.",
            "%(num)s registered people were told of the new time or place.",
            outcome.told,
        )
        flash(message, "success")
    if outcome.promoted:
        message = ngettext(
            "%(num)s person moved from the waiting list to a seat, and was told.",
            "%(num)s people moved from the waiting list to a seat, and were told.",
            outcome.promoted,
        )
        flash(message, "success")


@bp.post("/events/<int:event_id>/cancel")
def cancel_event(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    try:
        told = services.cancel_event(current_user, event.id)
    except services.EventError as refusal:
        flash(str(refusal), "error")
    else:
        flash(
            _("“%(title)s” is cancelled; %(num)s registered people were told.", title=event.title, num=told),
            "success",
        )
    return redirect(url_for("console.events.attendance", event_id=event.id), 303)


@bp.route("/events/<int:event_id>")
def attendance(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    now = utcnow()
    confirmed, waiting = listing.attendees(event.id)
    return render_template(
        "events_console/attendance.html",
        event=event,
        confirmed=confirmed,
        waiting=waiting,
        seats=services.seats(event.id),
        kinds=KINDS,
        now=now,
        sheet_open=not event.is_cancelled and event.has_started(now),
    )


@bp.post("/events/<int:event_id>/attendance/<int:registration_id>")
def mark(event_id: int, registration_id: int):
    """Tick a box on the attendance sheet: by htmx (the row is swapped) or a plain form."""
    registration = listing.find_registration(event_id, registration_id) or abort(404)
    try:
        registration = services.mark_attendance(
            current_user, registration.id, request.form.get("attended") == "1"
        )
    except services.EventError as refusal:
        flash(str(refusal), "error")
        if request.htmx:  # the whole sheet again, with the message
            return "", 200, {"HX-Refresh": "true"}
    else:
        if request.htmx:
            return render_template(
                "events_console/_attendee.html",
                registration=registration,
                event=registration.event,
                sheet_open=True,
            )
    return redirect(url_for("console.events.attendance", event_id=event_id), 303)
