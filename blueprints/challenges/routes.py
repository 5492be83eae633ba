"""Challenges for everyone: the list, a challenge with its board, joining and leaving."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from htmx_flask import make_response

from base.database import utcnow
from base.i18n import gettext as _
from base.web import wants_fragment
from blueprints.challenges import services
from blueprints.challenges.cards import challenge_board, challenge_card
from blueprints.challenges.models import Challenge
from blueprints.rewards.catalogue import KINDS as REWARD_KINDS

bp = Blueprint("challenges", __name__)
bp.add_app_template_global(challenge_card)
bp.add_app_template_global(challenge_board)
BOARD_ID = "board"  # the board's element: its own refresh (after joining) takes no focus


@bp.context_processor
def challenge_helpers():
    return {
        "challenge_title": services.title_of,
        "challenge_description": services.description_of,
        "challenge_reward": services.reward_of,
        "metric_label": services.metric_label,
        "reward_kinds": REWARD_KINDS,
    }


@bp.route("/challenges")
def index():
    return render_template("challenges/index.html", listing=services.challenges_for(current_user, utcnow()))


@bp.route("/challenges/<int:challenge_id>")
def detail(challenge_id: int):
    """The challenge and its board; by htmx, the board alone (its view and segment switches)."""
    challenge = services.visible_challenge(current_user, challenge_id) or abort(404)
    now = utcnow()
    board = services.board(
        challenge, current_user, request.args.get("view"), request.args.get("segment"), now
    )
    if wants_fragment():
        focus = request.htmx.trigger != BOARD_ID  # a switch was pressed: the board's heading takes it
        body = challenge_board(board, focus)
        return body, 200, {"Vary": "HX-Request"}
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        board=board,
        panel=services.join_panel(challenge, current_user, now),
    )


@bp.post("/challenges/<int:challenge_id>/join")
def join(challenge_id: int):
    challenge = services.visible_challenge(current_user, challenge_id) or abort(404)
    try:
        services.join(current_user, challenge.id)
    except services.ChallengeError as refusal:
        return answer(challenge, error=str(refusal))
    return answer(challenge, message=_("You are in! What you do from now on counts."))


@bp.post("/challenges/<int:challenge_id>/leave")
def leave(challenge_id: int):
    challenge = services.visible_challenge(current_user, challenge_id) or abort(404)
    try:
        services.leave(current_user, challenge.id)
    except services.ChallengeError as refusal:
        return answer(challenge, error=str(refusal))
    return answer(challenge, message=_("You left the challenge. You are welcome back at any time."))


def answer(challenge: Challenge, error: str | None = None, message: str | None = None):
    """The join panel for htmx (read afresh: the service ended its transaction; the board is told
    to refresh), or back to the challenge's page with a message."""
    if wants_fragment():
        body = render_template(
            "challenges/_join.html",
            panel=services.join_panel(challenge, current_user),
            error=error,
            message=message,
        )
        if error:
            return make_response(body, 422)
        return make_response(body, trigger="challenge-changed")
    flash(error or message, "error" if error else "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id), 303)
