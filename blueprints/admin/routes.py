"""The comms console: its home for comms, account administration for admins."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.cache import cache
from base.exports import csv_download
from base.i18n import gettext as _
from base.urls import local_or
from base.web import int_arg
from blueprints.accounts.labels import ROLE_LABELS
from blueprints.accounts.models import Role, User
from blueprints.activity.services import programme_pulse
from blueprints.admin import services
from blueprints.admin.forms import NewUserForm, RoleForm
from blueprints.admin.rows import person_row
from blueprints.auth.guards import role_required
from blueprints.auth.services import AccountError, NewPerson, user_by_id
from blueprints.quiz.personae import PERSONAE
from blueprints.quiz.services import distribution_rows, persona_distribution

bp = Blueprint("admin", __name__)
bp.add_app_template_global(person_row, "person_row")
PULSE_KEPT = 300  # seconds: the week's active people, counted over the log, at most this old


@bp.route("/")
def index():
    return render_template(
        "admin/index.html",
        pulse=cache.remember("programme-pulse", "this-week", programme_pulse, PULSE_KEPT),
        role_counts=services.role_counts(),
        role_labels=ROLE_LABELS,
        audit=services.audit_trail(),
    )


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    search = request.args.get("q", "").strip()
    page = services.users_page(int_arg("page"), search)
    return render_template("admin/users.html", page=page, search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        new = NewPerson(
            form.email.data,
            form.display_name.data,
            form.password.data or "",
            role=Role(form.role.data),
            language=form.language.data,
            department=form.department.data or "",
            site=form.site.data or "",
        )
        try:
            user, generated_password = services.add_person(current_user, new)
        except AccountError as refusal:
            form.email.errors.append(str(refusal))
        else:
            if generated_password is None:
                flash(_("Account created for %(email)s.", email=user.email), "success")
                return redirect(url_for("console.admin.users"))
            # Shown once, in this page only: never stored in the session cookie.
            return render_template("admin/user_created.html", user=user, password=generated_password)
    return render_template("admin/new_user.html", form=form), 422 if form.errors else 200


@bp.route("/personae")
def personae():
    distribution = persona_distribution()
    return render_template(
        "admin/personae.html",
        distribution=distribution,
        personae=PERSONAE,
        departments=sorted(distribution["by_department"]),
        largest=max([sum(counts.values()) for counts in distribution["totals"].values()] or [0]),
    )


@bp.route("/personae.csv")
def personae_csv():
    rows = distribution_rows(persona_distribution())
    header = [_("Department"), _("Ambassador profile"), _("Primary"), _("Also you")]
    return csv_download("personae.csv", header, rows)


def user_or_404(user_id: int) -> User:
    return user_by_id(user_id) or abort(404)


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    return apply_change(
        lambda: services.change_role(current_user, user_or_404(user_id), Role(form.role.data))
    )


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    return apply_change(lambda: services.set_active(current_user, user_or_404(user_id), active))


def apply_change(change):
    try:
        change()
    except services.AdminError as refusal:
        flash(str(refusal), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(local_or(request.form.get("next"), url_for("console.admin.users")))
