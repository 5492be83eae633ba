"""The comms console's rewards: the catalogue (create, edit, retire, offer again) and the
redemptions waiting to be delivered or cancelled."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.i18n import gettext as _
from base.web import int_arg
from blueprints.rewards import services
from blueprints.rewards.cards import console_reward_row, handled_redemption_row, pending_redemption_row
from blueprints.rewards.catalogue import KIND_HINTS, reward_title
from blueprints.rewards.forms import RewardForm

bp = Blueprint("rewards", __name__)
for row in (pending_redemption_row, console_reward_row, handled_redemption_row):
    bp.add_app_template_global(row)


@bp.route("/rewards")
def index():
    return render_template(
        "rewards_console/index.html",
        rewards=services.all_rewards(),
        pending=services.pending_redemptions(int_arg("page")),
        handled=services.handled_redemptions(),
    )


def editor(form: RewardForm, reward=None):
    page = render_template("rewards_console/editor.html", form=form, reward=reward, kind_hints=KIND_HINTS)
    return page, 422 if form.errors else 200


@bp.route("/rewards/new", methods=["GET", "POST"])
def new_reward():
    form = RewardForm()
    if form.validate_on_submit():
        try:
            reward = services.create_reward(current_user, form.changes())
        except services.RewardError as refusal:
            form.form_errors.append(str(refusal))
        else:
            flash(_("“%(title)s” is in the catalogue.", title=reward_title(reward).text), "success")
            return redirect(url_for("console.rewards.index"), 303)
    return editor(form)


@bp.route("/rewards/<int:reward_id>/edit", methods=["GET", "POST"])
def edit_reward(reward_id: int):
    reward = services.find_reward(reward_id) or abort(404)
    form = RewardForm(obj=reward)
    if form.validate_on_submit():
        try:
            reward = services.update_reward(current_user, reward.id, form.changes())
        except services.RewardError as refusal:
            form.form_errors.append(str(refusal))
        else:
            flash(_("“%(title)s” is saved.", title=reward_title(reward).text), "success")
            return redirect(url_for("console.rewards.index"), 303)
    return editor(form, reward)


@bp.post("/rewards/<int:reward_id>/active")
def set_active(reward_id: int):
    """Retire a reward (``active=0``) or offer it again (``active=1``)."""
    reward = services.find_reward(reward_id) or abort(404)
    active = request.form.get("active") == "1"
    try:
        reward = services.set_active(current_user, reward.id, active)
    except services.RewardError as refusal:
        flash(str(refusal), "error")
    else:
        title = reward_title(reward).text
        if active:
            flash(_("“%(title)s” is on offer again.", title=title), "success")
        else:
            flash(_("“%(title)s” is retired from the catalogue.", title=title), "success")
    return redirect(url_for("console.rewards.index"), 303)


def _handle_redemption(redemption_id: int, action, done):
    """Deliver or cancel a redemption, then say what was done (``done(redemption, title, name)``)
    or why not."""
    services.find_redemption(redemption_id) or abort(404)
    try:
        redemption = action(current_user, redemption_id)
    except services.RewardError as refusal:
        flash(str(refusal), "error")
    else:
        flash(done(redemption, reward_title(redemption.reward).text, redemption.user.display_name), "success")
    page = int_arg("page", values=request.form)  # back to the page of waiting redemptions it was on
    return redirect(url_for("console.rewards.index", page=page if page > 1 else None), 303)


@bp.post("/rewards/redemptions/<int:redemption_id>/deliver")
def deliver(redemption_id: int):
    return _handle_redemption(
        redemption_id,
        services.deliver,
        lambda redemption, title, name: _(
            "“%(title)s” is marked delivered to %(name)s, who was told.", title=title, name=name
        ),
    )


@bp.get("/rewards/redemptions/<int:redemption_id>/cancel")
def confirm_cancel(redemption_id: int):
    """Ask first, saying what the person gets back and that they will be told."""
    redemption = services.find_redemption(redemption_id) or abort(404)
    return render_template("rewards_console/cancel.html", redemption=redemption, page_number=int_arg("page"))


@bp.post("/rewards/redemptions/<int:redemption_id>/cancel")
def cancel(redemption_id: int):
    return _handle_redemption(
        redemption_id,
        services.cancel,
        lambda redemption, title, name: (
            _(
                "The redemption of “%(title)s” is cancelled: %(name)s has the points back, and was told.",
                title=title,
                name=name,
            )
            if redemption.cost
            else _(
                "“%(title)s”, won by %(name)s, is cancelled, and %(name)s was told.", title=title, name=name
            )
        ),
    )
