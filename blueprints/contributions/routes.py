"""Declared contributions for everyone: declare one, follow one's declarations, see one."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from base.i18n import gettext as _
from base.web import int_arg
from blueprints.contributions import services
from blueprints.contributions.catalogue import KINDS, STATUS_LABELS, SUGGESTED_PERSONA
from blueprints.contributions.forms import ContributionForm
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.recognition.fame import public_name

bp = Blueprint("contributions", __name__)


def labels() -> dict:
    return {
        "kinds": KINDS,
        "status_labels": STATUS_LABELS,
        "personae": PERSONA_BY_KEY,
        "suggested_personae": SUGGESTED_PERSONA,
    }


@bp.route("/contributions", methods=["GET", "POST"])
def index():
    form = ContributionForm()
    if form.validate_on_submit():
        try:
            contribution = services.declare(current_user, form.declaration())
        except services.ContributionError as refusal:
            form[refusal.field or "title"].errors.append(str(refusal))
        else:
            flash(
                _(
                    "Thank you! The comms team will review “%(title)s” and tell you what they decide.",
                    title=contribution.title,
                ),
                "success",
            )
            return redirect(url_for("contributions.index"), 303)
    page = render_template(
        "contributions/index.html",
        form=form,
        page=services.my_contributions(current_user.id, int_arg("page")),
        points=services.validation_points(),
        **labels(),
    )
    return page, 422 if form.errors else 200


@bp.route("/contributions/<int:contribution_id>")
def detail(contribution_id: int):
    contribution = services.visible_contribution(current_user, contribution_id) or abort(404)
    # Comms see who declared it; others see the name as on the wall of fame.
    name = (
        contribution.user.display_name
        if current_user.is_comms and contribution.user_id != current_user.id
        else public_name(contribution.user, current_user)
    )
    return render_template(
        "contributions/detail.html",
        contribution=contribution,
        mine=contribution.user_id == current_user.id,
        name=name,
        **labels(),
    )
