"""Kudos: thank a colleague, see the kudos received and sent; the search for a colleague
answers as one types (htmx) or by submitting the search (without JavaScript)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.i18n import gettext as _
from base.web import wants_fragment
from blueprints.kudos import services
from blueprints.kudos.forms import KudosForm

bp = Blueprint("kudos", __name__)

LISTED = 20  # kudos received and sent shown on the page


def search_text(value: str | None) -> str:
    return (value or "").strip()[: services.SEARCH_MAX]


@bp.route("/kudos", methods=["GET", "POST"])
def index():
    """GET: the page (``?q=`` searches); POST: send, or search again (the no-JavaScript button)."""
    if request.method == "GET":
        form = KudosForm(formdata=None, q=search_text(request.args.get("q")))
    else:
        form = KudosForm()
        if "search" not in request.form and form.validate_on_submit():
            try:
                kudos = services.send(current_user, form.recipient.data, form.message.data)
            except services.KudosError as refusal:
                field = form[refusal.field] if refusal.field else form.recipient
                field.errors = [*field.errors, str(refusal)]
            else:
                flash(
                    _("Thank you! %(name)s will see your kudos.", name=kudos.recipient.display_name),
                    "success",
                )
                return redirect(url_for("kudos.index"), 303)
    return render_page(form), 422 if form.errors else 200


def render_page(form: KudosForm) -> str:
    # The colleague chosen stays checked when something else was refused.
    chosen = (
        form.recipient.data if isinstance(form.recipient.data, int) and not form.recipient.errors else None
    )
    people, more = services.recipient_choices(current_user.id, search_text(form.q.data), chosen)
    counts = services.kudos_counts(current_user.id)
    return render_template(
        "kudos/index.html",
        form=form,
        people=people,
        more=more,
        chosen=chosen,
        q=search_text(form.q.data),
        left_today=counts.left_today,
        max_per_day=services.MAX_PER_DAY,
        received=services.kudos_received(current_user.id, LISTED),
        received_count=counts.received,
        sent=services.kudos_sent(current_user.id, LISTED),
        sent_count=counts.sent,
    )


@bp.route("/kudos/people")
def people():
    """The search's matches as radio buttons, for htmx; a plain visit gets the page with them."""
    q = search_text(request.args.get("q"))
    if not wants_fragment():
        return redirect(url_for("kudos.index", q=q or None), 303)
    matches, more = services.search_people(current_user.id, q)
    page = render_template("kudos/_people.html", people=matches, more=more, chosen=None, q=q)
    return page, 200, {"Vary": "HX-Request"}
