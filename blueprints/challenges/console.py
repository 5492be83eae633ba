"""The comms console's challenges: the list with participation and progress, create, edit
(what decides the scores is frozen once started), cancel after a confirmation."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from base.database import utcnow
from base.i18n import gettext as _
from base.i18n import ngettext
from blueprints.challenges import editing
from blueprints.challenges.cards import console_challenge_card, metric_label
from blueprints.challenges.forms import GROUPS, MODES, REWARD_KINDS, ChallengeForm
from blueprints.challenges.services import title_of as challenge_title
from blueprints.recognition.periods import programme_zone

bp = Blueprint("challenges", __name__)
bp.add_app_template_global(console_challenge_card)


@bp.context_processor
def console_helpers():
    return {
        "challenge_title": challenge_title,
        "metric_label": metric_label,
        "modes": MODES,
        "groups": GROUPS,
        "reward_kinds": REWARD_KINDS,
        "programme_zone": str(programme_zone()),
    }


@bp.route("/challenges")
def index():
    now = utcnow()
    return render_template("challenges_console/index.html", overview=editing.console_overview(now), now=now)


def editor(form: ChallengeForm, challenge=None):
    now = utcnow()
    started = challenge is not None and challenge.starts_at <= now
    over = challenge is not None and challenge.ends_at <= now
    page = render_template(
        "challenges_console/editor.html", form=form, challenge=challenge, started=started, over=over
    )
    return page, 422 if form.errors else 200


def refused(form: ChallengeForm, refusal: editing.ChallengeError) -> None:
    """Show a service's refusal beside its field, or at the top of the form."""
    target = getattr(form, refusal.field, None) if refusal.field else None
    if target is not None:
        target.errors.append(str(refusal))
    else:
        form.form_errors.append(str(refusal))


@bp.route("/challenges/new", methods=["GET", "POST"])
def new_challenge():
    form = ChallengeForm()
    form.set_choices(editing.editor_choices())
    if form.validate_on_submit():
        try:
            challenge = editing.create_challenge(current_user, form.changes())
        except editing.ChallengeError as refusal:
            refused(form, refusal)
        else:
            flash(_("“%(title)s” is ready.", title=challenge_title(challenge).text), "success")
            return redirect(url_for("console.challenges.index"), 303)
    return editor(form)


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
def edit_challenge(challenge_id: int):
    challenge = editing.find_challenge(challenge_id) or abort(404)
    form = ChallengeForm(obj=challenge)
    form.set_choices(editing.editor_choices(challenge))
    if form.validate_on_submit():
        try:
            outcome = editing.update_challenge(current_user, challenge.id, form.changes())
        except editing.ChallengeError as refusal:
            refused(form, refusal)
        else:
            title = challenge_title(outcome.challenge).text
            if outcome.changed:
                flash(_("“%(title)s” is saved.", title=title), "success")
            else:
                flash(_("Nothing changed in “%(title)s”.", title=title), "success")
            return redirect(url_for("console.challenges.index"), 303)
    return editor(form, challenge)


@bp.get("/challenges/<int:challenge_id>/cancel")
def confirm_cancel(challenge_id: int):
    """Ask first, saying how many people will be told."""
    challenge = editing.find_challenge(challenge_id) or abort(404)
    return render_template(
        "challenges_console/cancel.html",
        challenge=challenge,
        participants=editing.participants_count(challenge.id),
    )


@bp.post("/challenges/<int:challenge_id>/cancel")
def cancel_challenge(challenge_id: int):
    challenge = editing.find_challenge(challenge_id) or abort(404)
    try:
        told = editing.cancel_challenge(current_user, challenge.id)
    except editing.ChallengeError as refusal:
        flash(str(refusal), "error")
    else:
        flash(
            ngettext(
                "“%(title)s” is cancelled; %(num)s participant was told.",
                "“%(title)s” is cancelled; %(num)s participants were told.",
                told,
                title=challenge_title(challenge).text,
            ),
            "success",
        )
    return redirect(url_for("console.challenges.index"), 303)
