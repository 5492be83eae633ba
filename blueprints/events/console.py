"""The comms console's events: create, edit, cancel, capacity, attendance sheet."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from base.database import db, utcnow
from blueprints.activity.services import record
from blueprints.events import listing, services, verbs
from blueprints.events.catalogue import KINDS
from blueprints.events.forms import EventForm
from blueprints.events.models import Event, Registration, RegistrationStatus

bp = Blueprint("events", __name__)


@bp.route("/events")
def index():
    events = list(
        db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(100))
    )
    return render_template(
        "events_console/index.html",
        events=events,
        counts=listing.seat_counts([event.id for event in events]),
        kinds=KINDS,
        now=utcnow(),
    )


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    form = EventForm(language=current_user.language)
    if form.validate_on_submit():
        event = Event(organiser_id=current_user.id, capacity=form.capacity.data)
        form.copy_to(event)
        db.session.add(event)
        db.session.flush()
        record(current_user, verbs.EVENT_CREATED, "event", event.id)
        db.session.commit()
        flash(_("“%(title)s” is scheduled.", title=event.title), "success")
        return redirect(url_for("console.events.attendance", event_id=event.id), 303)
    return render_template("events_console/editor.html", form=form, event=None), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = EventForm()
    if request.method == "GET":
        form.fill_from(event)
    if form.validate_on_submit() and capacity_fits(form, event):
        moved = form.copy_to(event)
        if moved:
            event.sequence += 1  # calendars update their copy
        record(current_user, verbs.EVENT_UPDATED, "event", event.id)
        db.session.commit()
        try:
            promoted = services.set_capacity(event.id, form.capacity.data)
        except services.EventError as refusal:  # seats taken since the check above
            flash(str(refusal), "error")
            return redirect(url_for("console.events.edit_event", event_id=event.id), 303)
        flash(_("“%(title)s” is saved.", title=event.title), "success")
        if moved:
            announce_change(event)
        if promoted:
            flash(
                ngettext(
                    "%(num)s person moved from the waiting list to a seat, and was told.",
                    "%(num)s people moved from the waiting list to a seat, and were told.",
                    len(promoted),
                ),
                "success",
            )
        return redirect(url_for("console.events.attendance", event_id=event.id), 303)
    return render_template("events_console/editor.html", form=form, event=event), 422 if form.errors else 200


def announce_change(event: Event) -> None:
    """Tell the registrants of an upcoming event that its time or place has changed."""
    if event.is_cancelled or event.has_started(utcnow()):
        return
    told = services.announce_change(event)
    if told:
        message = ngettext(
            "%(num)s registered person was told of the new time or place.",
            "%(num)s registered people were told of the new time or place.",
            told,
        )
        flash(message, "success")


def capacity_fits(form: EventForm, event: Event) -> bool:
    """Refuse, before changing anything, a capacity below the people already confirmed."""
    confirmed = services.seats(event.id).confirmed
    if form.capacity.data is not None and form.capacity.data < confirmed:
        form.capacity.errors.append(services.capacity_refusal(confirmed))
        return False
    return True


@bp.post("/events/<int:event_id>/cancel")
def cancel_event(event_id: int):
    event = db.get_or_404(Event, event_id)
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
    event = db.get_or_404(Event, event_id)
    now = utcnow()
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
            .options(sa.orm.joinedload(Registration.user))
            .order_by(
                Registration.status, Registration.waitlisted_at, Registration.confirmed_at, Registration.id
            )
        )
    )
    return render_template(
        "events_console/attendance.html",
        event=event,
        confirmed=[r for r in registrations if r.status == RegistrationStatus.CONFIRMED],
        waiting=[r for r in registrations if r.status == RegistrationStatus.WAITLISTED],
        seats=services.seats(event.id),
        kinds=KINDS,
        now=now,
        sheet_open=not event.is_cancelled and event.has_started(now),
    )


@bp.post("/events/<int:event_id>/attendance/<int:registration_id>")
def mark(event_id: int, registration_id: int):
    """Tick a box on the attendance sheet: by htmx (the row is swapped) or a plain form."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        abort(404)
    try:
        services.mark_attendance(current_user, registration.id, request.form.get("attended") == "1")
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
