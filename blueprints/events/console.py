"""The comms console's events: create, edit, cancel, capacity, attendance sheet and its export."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user

from base.database import utcnow
from base.exports import csv_download
from base.i18n import gettext as _
from base.i18n import ngettext
from base.web import int_arg, wants_fragment
from blueprints.events import listing, services
from blueprints.events.cards import attendee_rows, console_event_row, waiting_rows
from blueprints.events.catalogue import KINDS
from blueprints.events.forms import EventForm
from blueprints.events.zones import zone_label

bp = Blueprint("events", __name__)
bp.add_app_template_global(attendee_rows, "attendee_rows")
bp.add_app_template_global(waiting_rows, "waiting_rows")
bp.add_app_template_global(console_event_row, "console_event_row")


@bp.route("/events")
def index():
    now = utcnow()
    upcoming, past = listing.console_events(now, int_arg("upcoming"), int_arg("past"))
    return render_template(
        "events_console/index.html",
        upcoming=upcoming,
        past=past,
        seats={event.id: services.seats_on(event) for event in upcoming.items + past.items},
        now=now,
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
    return render_template("events_console/attendance.html", **sheet_context(event), kinds=KINDS)


def sheet_context(event) -> dict:
    now = utcnow()
    confirmed, waiting = listing.attendance_sheet(event.id)
    return {
        "event": event,
        "confirmed": confirmed,
        "waiting": waiting,
        "present": sum(registration.attended for registration in confirmed),
        "seats": services.seats_on(event),
        "now": now,
        "sheet_open": not event.is_cancelled and event.has_started(now),
    }


@bp.post("/events/<int:event_id>/attendance")
def mark_all(event_id: int):
    """Mark every confirmed person present at once: by htmx (the sheet is swapped) or a plain form."""
    event = listing.find_event(event_id) or abort(404)
    try:
        marked = services.mark_all_present(current_user, event.id)
    except services.EventError as refusal:
        error = str(refusal)
        if wants_fragment():
            return render_template("events_console/_sheet.html", **sheet_context(event), error=error), 422
        flash(error, "error")
    else:
        message = ngettext("%(num)s person marked present.", "%(num)s people marked present.", marked)
        if wants_fragment():
            return render_template("events_console/_sheet.html", **sheet_context(event), message=message)
        flash(message, "success")
    return redirect(url_for("console.events.attendance", event_id=event.id), 303)


@bp.route("/events/<int:event_id>/attendance.csv")
def attendance_csv(event_id: int):
    """The attendance sheet as a spreadsheet: the confirmed people, present or not, then those waiting."""
    event = listing.find_event(event_id) or abort(404)
    confirmed, waiting = listing.attendees(event.id)
    header = [_("Name"), _("E-mail"), _("Department"), _("Status"), _("Present")]
    header.append(_("Signed up (%(zone)s)", zone=zone_label()))
    rows = [
        person_row(registration, _("Registered"), _("Yes") if registration.attended else _("No"))
        for registration in confirmed
    ] + [person_row(registration, _("On the waiting list"), "") for registration in waiting]
    return csv_download(f"attendance-event-{event.id}.csv", header, rows)


def person_row(registration, status: str, present: str) -> list[str]:
    person = registration.user
    signed_up = format_datetime(registration.created_at, "yyyy-MM-dd HH:mm")
    return [
        person.display_name,
        person.email,
        person.department.label if person.department else "",
        status,
        present,
        signed_up,
    ]


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
        if request.htmx:  # the row, and the present count out of band
            confirmed, _waiting = listing.attendance_sheet(event_id)
            return render_template(
                "events_console/_marked.html",
                registration=listing.Attendee.of(registration),
                event=registration.event,
                sheet_open=True,
                present=sum(person.attended for person in confirmed),
                confirmed=confirmed,
            )
    return redirect(url_for("console.events.attendance", event_id=event_id), 303)
