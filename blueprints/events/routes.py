"""Events for everyone: the list, an event with sign-up and cancel, calendars."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.database import utcnow
from base.i18n import LANGUAGE_NAMES
from base.i18n import gettext as _
from base.web import public, wants_fragment
from blueprints.events import listing, services
from blueprints.events.calendars import calendar_of
from blueprints.events.cards import event_card
from blueprints.events.catalogue import KINDS
from blueprints.events.models import Event, RegistrationStatus
from blueprints.events.zones import zone_label

bp = Blueprint("events", __name__)
bp.add_app_template_global(zone_label, "zone_label")
bp.add_app_template_global(event_card, "event_card")


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
    """The event page; by htmx, its sign-up panel alone ("Keep my seat" swaps it back)."""
    event = listing.find_event(event_id) or abort(404)
    if wants_fragment():
        return panel(event)
    return render_template("events/detail.html", **signup_context(event), kinds=KINDS)


def signup_context(event: Event, error: str | None = None, **extra) -> dict:
    seats, mine = services.seats_and_registration(current_user.id, event)
    return {
        "event": event,
        "seats": seats,
        "mine": mine,
        "position": services.waiting_position(mine)
        if mine and mine.status == RegistrationStatus.WAITLISTED
        else None,
        "coming": listing.first_names_coming(event.id, seats.confirmed),
        "now": utcnow(),
        "error": error,
        "message": None,
        "changed": False,  # the panel answers an action just taken: its status line is the message
        "confirming": False,  # asking before a seat goes to the first in line
        **extra,
    }


def panel(event: Event, status: int = 200, **context):
    """The sign-up panel alone, for htmx (Vary: the same address also serves the whole page)."""
    response = render_template("events/_signup.html", **signup_context(event, **context))
    return response, status, {"Vary": "HX-Request"}


@bp.post("/events/<int:event_id>/register")
def register(event_id: int):
    event = listing.find_event(event_id) or abort(404)
    try:
        registration = services.sign_up(current_user, event.id)
    except services.EventError as refusal:
        return answer(event, str(refusal))
    if wants_fragment():  # the panel's own status line says it, once
        return panel(event, changed=True)
    if registration.status == RegistrationStatus.CONFIRMED:
        return answer(event, message=_("You are registered. See you there!"))
    return answer(event, message=_("You joined the waiting list."))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    """Give up one's place. A seat someone is waiting for asks first (GET: the question, also the
    page that a form without JavaScript is sent to); the answer posts ``give_up=1``."""
    event = listing.find_event(event_id) or abort(404)
    if request.method == "GET":
        return confirmation(event)
    try:
        services.cancel_registration(current_user, event.id, give_up_seat=request.form.get("give_up") == "1")
    except services.SeatWouldGoToNext:
        if wants_fragment():
            return panel(event, confirming=True)
        return redirect(url_for("events.cancel", event_id=event.id), 303)
    except services.EventError as refusal:
        return answer(event, str(refusal))
    return answer(event, message=_("Your registration is cancelled."))


def confirmation(event: Event):
    """The question, while there is a seat to give up that someone waits for; else the event page."""
    context = signup_context(event)
    mine, now = context["mine"], context["now"]
    wanted = mine and mine.status == RegistrationStatus.CONFIRMED and context["seats"].waiting
    if not wanted or event.has_started(now):
        return redirect(url_for("events.detail", event_id=event.id), 303)
    if wants_fragment():
        return panel(event, confirming=True)
    return render_template("events/detail.html", **{**context, "confirming": True}, kinds=KINDS)


def answer(event: Event, error: str | None = None, message: str | None = None):
    """The sign-up panel for htmx, read afresh (the service has ended its transaction), or back to
    the event page with a message."""
    if wants_fragment():
        return panel(event, 422 if error else 200, error=error, message=message)
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
