"""Rewards for everyone: the catalogue with one's points, redeeming (asked first), one's redemptions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.i18n import gettext as _
from base.web import int_arg, wants_fragment
from blueprints.recognition.services import balance_of
from blueprints.rewards import services
from blueprints.rewards.cards import reward_card
from blueprints.rewards.catalogue import KIND_HINTS, KINDS, reward_description, reward_title

bp = Blueprint("rewards", __name__)
bp.add_app_template_global(reward_title, "reward_title")
bp.add_app_template_global(reward_description, "reward_description")
bp.add_app_template_global(reward_card, "reward_card")


def page_context(**extra) -> dict:
    return {
        "rewards": services.catalogue(),
        "balance": balance_of(current_user.id),
        "mine": services.redemptions_of(current_user.id),
        "kinds": KINDS,
        "kind_hints": KIND_HINTS,
        "message": None,
        "error": None,
        "confirming": None,  # the id of the reward being asked about
        "back": None,  # the id of the reward whose question was declined: its button gets the focus
        **extra,
    }


def main_part(status: int = 200, **extra):
    """The catalogue's part of the page alone, for htmx (Vary: the address also serves the page)."""
    body = render_template("rewards/_catalogue.html", **page_context(**extra))
    return body, status, {"Vary": "HX-Request"}


@bp.route("/rewards")
def catalogue():
    back = int_arg("back", 0, minimum=1) or None
    if wants_fragment():
        return main_part(back=back)
    return render_template("rewards/index.html", **page_context(back=back))


@bp.route("/rewards/<int:reward_id>/redeem", methods=["GET", "POST"])
def redeem(reward_id: int):
    """GET: the question (in place by htmx, a page of its own without JavaScript); POST: redeem."""
    reward = services.find_reward(reward_id)
    if reward is None:
        abort(404)
    if request.method == "GET":
        if wants_fragment():
            return main_part(confirming=reward.id)
        if not reward.active:
            return redirect(url_for("rewards.catalogue"), 303)
        return render_template("rewards/confirm.html", reward=reward, **page_context())
    try:
        services.redeem(current_user, reward.id)
    except services.RewardError as refusal:
        return answer(error=str(refusal))
    message = _(
        "Done: “%(title)s” is yours. The comms team will be in touch to deliver it.",
        title=reward_title(reward).text,
    )
    return answer(message=message)


def answer(error: str | None = None, message: str | None = None):
    """The catalogue's part read afresh for htmx, or back to the page with a message."""
    if wants_fragment():
        return main_part(422 if error else 200, error=error, message=message)
    flash(error or message, "error" if error else "success")
    return redirect(url_for("rewards.catalogue"), 303)
