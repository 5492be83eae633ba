"""The comms console's recognition: the points table (change a rule, recompute everyone's
points with it) and the wall of fame (feature an entry at the top, hide one)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from base.form_fields import WholeNumberField
from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from base.registry import DAY, EVER, WEEK, registry
from base.web import int_arg, wants_fragment
from blueprints.recognition import fame, points, services
from blueprints.recognition.cards import console_fame_entry, fame_row

bp = Blueprint("recognition", __name__)
bp.add_app_template_global(console_fame_entry, "console_fame_entry")

MIN_POINTS, MAX_POINTS = 0, 1000  # never negative: recognition does not punish
MAX_CAP = 1000
NO_CAP = ""


def period_choices():
    return [
        (NO_CAP, _l("No cap")),
        (DAY, _l("Per day")),
        (WEEK, _l("Per week")),
        (EVER, _l("In all")),
    ]


class RuleForm(FlaskForm):
    """A rule of the points table. Prefixed by its verb, so several editors can be open on one
    page; the CSRF token is the page's own (``csrf_field()``), checked for every POST."""

    class Meta:
        csrf = False

    points = WholeNumberField(
        _l("Points for each action"),
        validators=[
            InputRequired(message=_l("Give a number of points, 0 for none.")),
            NumberRange(MIN_POINTS, MAX_POINTS, message=_l("Give a whole number between 0 and 1,000.")),
        ],
        render_kw={"data-focus-after-swap": True},  # the editor opened by htmx: typing goes here
    )
    cap = WholeNumberField(
        _l("Rewarded actions at most"),
        validators=[
            Optional(),
            NumberRange(1, MAX_CAP, message=_l("Give a whole number between 1 and 1,000.")),
        ],
    )
    period = SelectField(_l("Period of the cap"), choices=period_choices, default=NO_CAP)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.cap.errors and not self.period.errors:
            if self.cap.data is not None and self.period.data == NO_CAP:
                self.period.errors.append(_l("Choose the period the cap counts over."))
                valid = False
            elif self.cap.data is None and self.period.data != NO_CAP:
                self.cap.errors.append(_l("Give the cap, or choose “No cap”."))
                valid = False
        return valid

    def change(self) -> services.RuleChange:
        period = self.period.data or None
        return services.RuleChange(self.points.data, self.cap.data if period else None, period)


def rule_form(rule: points.Rule, formdata=None) -> RuleForm:
    form = RuleForm(formdata=formdata, prefix=rule.verb)
    if formdata is None:
        form.points.data, form.cap.data, form.period.data = rule.points, rule.cap, rule.period or NO_CAP
    return form


def rule_or_404(verb: str) -> points.Rule:
    return points.current_rules().get(verb) or abort(404)


def table_context() -> dict:
    return {"rules": points.current_rules(), "defaults": registry().points}


@bp.route("/points")
def points_table():
    return render_template("recognition_console/points.html", **table_context())


@bp.route("/points/<verb>", methods=["GET", "POST"])
def edit_rule(verb: str):
    """One rule's editor: a page of its own, or (htmx) the table's row turned into a form."""
    rule = rule_or_404(verb)
    form = rule_form(rule, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            rule = services.change_rule(current_user, verb, form.change())
        except services.PointsError:
            form.points.errors.append(_("This change could not be saved: check the points and the cap."))
        else:
            message = saved_message(rule)
            if wants_fragment():
                return render_template(
                    "recognition_console/_rule_row.html", rule=rule, message=message, **table_context()
                )
            flash(message, "success")
            return redirect(url_for(".points_table", _anchor=f"rule-{verb}"), 303)
    status = 422 if form.errors else 200
    template = "_rule_editor.html" if wants_fragment() else "rule.html"
    return render_template(f"recognition_console/{template}", rule=rule, form=form), status


def saved_message(rule: points.Rule) -> str:
    return ngettext(
        "“%(rule)s” now earns %(num)s point. This applies to actions from now on.",
        "“%(rule)s” now earns %(num)s points. This applies to actions from now on.",
        rule.points,
        rule=rule.label,
    )


@bp.route("/points/<verb>/row")
def rule_row(verb: str):
    """The table's row of a rule (an editor closed without saving)."""
    rule = rule_or_404(verb)
    if not wants_fragment():
        return redirect(url_for(".points_table", _anchor=f"rule-{verb}"))
    return render_template("recognition_console/_rule_row.html", rule=rule, **table_context())


@bp.route("/points/recompute", methods=["GET", "POST"])
def recompute():
    """Rewrite everyone's points with today's table, once comms confirmed they mean it."""
    if request.method == "POST" and request.form.get("confirmed") == "yes":
        outcome = services.recompute(current_user)
        flash(
            ngettext(
                "Everyone's points are recomputed with the current table: %(num)s ledger entry written.",
                "Everyone's points are recomputed with the current table: %(num)s ledger entries written.",
                outcome.entries,
            ),
            "success",
        )
        return redirect(url_for(".points_table"), 303)
    if request.method == "POST":
        return redirect(url_for(".recompute"), 303)
    return render_template("recognition_console/recompute.html")


# --- The wall of fame ----------------------------------------------------------------------


@bp.route("/fame")
def fame_entries():
    page = fame.console_page(int_arg("page"))
    return render_template("recognition_console/fame.html", page=page)


@bp.post("/fame/<int:entry_id>/feature")
def feature_entry(entry_id: int):
    featured = request.form.get("featured") == "1"
    return change_entry(entry_id, "featured", lambda: fame.set_featured(current_user, entry_id, featured))


@bp.post("/fame/<int:entry_id>/hide")
def hide_entry(entry_id: int):
    hidden = request.form.get("hidden") == "1"
    return change_entry(entry_id, "hidden", lambda: fame.set_hidden(current_user, entry_id, hidden))


def change_entry(entry_id: int, acted: str, change):
    """Apply a change to an entry; answer with its row (htmx: the button just used keeps the
    focus) or the page it was on."""
    fame.find_entry(entry_id) or abort(404)
    entry = change()
    message = entry_message(entry, acted)
    if wants_fragment():
        return render_template(
            "recognition_console/_fame_entry.html", row=fame_row(entry), message=message, acted=acted
        )
    flash(message, "success")
    page = int_arg("page", values=request.form)
    return redirect(
        url_for(".fame_entries", page=page if page > 1 else None, _anchor=f"fame-entry-{entry.id}"), 303
    )


def entry_message(entry, acted: str) -> str:
    if acted == "hidden":
        if entry.hidden:
            return _("Hidden: this success no longer shows on the wall of fame.")
        return _("Shown again on the wall of fame.")
    if entry.featured_at:
        return _("Featured at the top of the wall of fame.")
    return _("No longer featured: it shows among the recent successes.")
