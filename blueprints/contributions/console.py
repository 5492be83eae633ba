"""The comms console's contributions: the queue (pending first), validate or decline each one."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from base.i18n import gettext as _
from base.web import int_arg
from blueprints.contributions import services
from blueprints.contributions.cards import reviewed_contribution_row, waiting_contribution
from blueprints.contributions.forms import DeclineForm, ValidateForm
from blueprints.contributions.routes import labels

bp = Blueprint("contributions", __name__)
bp.add_app_template_global(waiting_contribution)
bp.add_app_template_global(reviewed_contribution_row)


@bp.route("/contributions")
def index():
    queue = services.review_queue(int_arg("page"))
    reviewed = services.recently_reviewed()
    return render_template(
        "contributions_console/index.html",
        queue=queue,
        reviewed=reviewed,
    )


@bp.route("/contributions/<int:contribution_id>")
def review(contribution_id: int):
    return review_page(contribution_id, DeclineForm(formdata=None))


def review_page(contribution_id: int, decline_form: DeclineForm, status: int = 200):
    contribution = services.find(contribution_id) or abort(404)
    page = render_template(
        "contributions_console/review.html",
        contribution=contribution,
        decline_form=decline_form,
        **labels(),
    )
    return page, status


@bp.post("/contributions/<int:contribution_id>/validate")
def validate(contribution_id: int):
    featured = ValidateForm().featured.data  # CSRF is checked before any view
    try:
        contribution = services.validate(current_user, contribution_id, featured=featured)
    except services.ContributionError as refusal:
        flash(str(refusal), "error")
    else:
        name = contribution.user.display_name
        flash(_("Validated: %(name)s has been told and earns the points.", name=name), "success")
    return redirect(url_for("console.contributions.index"), 303)


@bp.post("/contributions/<int:contribution_id>/decline")
def decline(contribution_id: int):
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            contribution = services.decline(current_user, contribution_id, form.reason.data)
        except services.ContributionError as refusal:
            if refusal.field != "reason":
                flash(str(refusal), "error")
                return redirect(url_for("console.contributions.index"), 303)
            form.reason.errors.append(str(refusal))
        else:
            flash(_("Declined: %(name)s has been told why.", name=contribution.user.display_name), "success")
            return redirect(url_for("console.contributions.index"), 303)
    return review_page(contribution_id, form, 422)
