"""Events for everyone: the list, an event with sign-up and cancel, calendars."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from base.database import utcnow
from base.i18n import LANGUAGE_NAMES
from base.web import public, wants_fragment
from blueprints.events import listing, services
from blueprints.events.calendars import calendar_of
from blueprints.events.catalogue import KINDS
from blueprints.events.models import Event, RegistrationStatus

bp = Blueprint("events", __name__)


@bp.route("/events")
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    language = request.args.get("language") if request.args.get("language") in LANGUAGE_NAMES else None
    past = request.args.get("when") == "past"
    return render_template(
        "events/index.html",
        listing=listing.events_for(current_user, utcnow(), kind=kind, language=language, past=past),
        kinds=KINDS,
        kind=kind,
        language=language,
        past=past,
        languages=LANGUAGE_NAMES,
    )


@bp.route("/events/<int:event_id>")
def detail(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    return render_template("events/detail.html", **signup_context(event), kinds=KINDS)


def signup_context(event: Event, error: str | None = None) -> dict:
    mine = services.active_registration(current_user.id, event.id)
    return {
        "event": event,
        "seats": services.seats(event.id),
        "mine": mine,
        "position": services.waiting_position(mine)
        if mine and mine.status == RegistrationStatus.WAITLISTED
        else None,
        "coming": listing.first_names_coming(event.id),
        "now": utcnow(),
        "error": error,
    }


@bp.post("/events/<int:event_id>/register")
def register(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    try:
        registration = services.sign_up(current_user, event.id)
    except services.EventError as refusal:
        return answer(event, str(refusal))
    if registration.status == RegistrationStatus.CONFIRMED:
        message = _("You are registered. See you there!")
    else:
        message = _("The event is full: you are on the waiting list. We will tell you if a seat frees up.")
    return answer(event, message=message)


@bp.post("/events/<int:event_id>/cancel")
def cancel(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    try:
        services.cancel_registration(current_user, event.id)
    except services.EventError as refusal:
        return answer(event, str(refusal))
    return answer(event, message=_("Your registration is cancelled."))


def answer(event: Event, error: str | None = None, message: str | None = None):
    """The sign-up panel for htmx, read afresh (the service has ended its transaction), or back to
    the event page with a message."""
    if wants_fragment():
        status = 422 if error else 200
        return render_template("events/_signup.html", **signup_context(event, error), message=message), status
    flash(error or message, "error" if error else "success")
    return redirect(url_for("events.detail", event_id=event.id), 303)


@bp.route("/events/<int:event_id>.ics")
def event_calendar(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    return calendar_file(calendar_of([event], event.title), f"event-{event.id}.ics")


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """A person's private feed of their events, for calendar apps; the secret URL is the key."""
    person = listing.person_with_calendar_token(token)
    if person is None:
        abort(404)
    return calendar_file(calendar_of(listing.calendar_events(person), "Porte-voix"), "porte-voix.ics")


@bp.post("/events/calendar/renew")
def renew_calendar():
    """A new secret address: the old one stops working (shared by mistake, for instance)."""
    services.renew_calendar_token(current_user)
    flash(_("Your calendar has a new private address. Update it in your calendar app."), "success")
    return redirect(url_for("events.index"), 303)


def calendar_file(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
