"""The comms console's mentoring: offers, wishes and pairs, figures, topics and the matching round."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from base.drawn import part, reader_key
from base.exports import csv_download
from base.i18n import gettext as _
from base.i18n import ngettext
from base.vocabularies import THEMES
from base.web import int_arg
from blueprints.mentoring import reports, rounds, services, topics
from blueprints.mentoring.cards import blank_topic_form_and_themes, console_pair_row
from blueprints.mentoring.catalogue import (
    LANGUAGE_LABELS,
    ORIGIN_LABELS,
    RHYTHM_LABELS,
    STATUS_LABELS,
    UNMATCHED_LABELS,
)
from blueprints.mentoring.console_forms import TopicForm
from blueprints.mentoring.matching import Fit
from blueprints.mentoring.models import MentoringTopic, PairStatus
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

bp = Blueprint("mentoring", __name__)
bp.add_app_template_global(console_pair_row)
bp.add_app_template_global(blank_topic_form_and_themes)

VIEWS = ("pairs", "offers", "wishes")
CHOICES = {"open": True, "closed": False}  # ?state=
ANSWERS = {"yes": True, "no": False}  # ?matched=


def labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "origin_labels": ORIGIN_LABELS,
        "rhythm_labels": RHYTHM_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "topic_labels": topics.labels_of,
        "personae": PERSONA_BY_KEY,
        "themes": THEMES,
    }


def days_text(days: float) -> str:
    """A number of days to one decimal place ("1.5 days", "1,5 jour"). The plural form is
    chosen with a whole number that both languages' rules agree with: 1 for exactly one day,
    0 below two days (singular in French, plural in English), 2 from two days on."""
    days = round(days, 1)
    count = 1 if days == 1 else (2 if days >= 2 else 0)
    return ngettext("%(days)s day", "%(days)s days", count, days=format_decimal(days, "#,##0.#"))


def _department(known) -> int | None:
    """?department=: an id of a known department, else no filter."""
    chosen = int_arg("department", 0)
    return chosen if chosen in {department.id for department in known} else None


def _choice(name: str, values: dict):
    return values.get(request.args.get(name, ""))


def pair_filters(known) -> reports.PairFilters:
    status = request.args.get("status", "")
    return reports.PairFilters(
        PairStatus(status) if status in PairStatus.__members__.values() else None, _department(known)
    )


@bp.route("/mentoring")
def index():
    """The figures, then one list (pairs, offers or wishes) with its filters; unknown filter
    values are ignored."""
    figures = reports.current_figures()  # first: the proposals past their deadline read expired
    known = reports.departments()
    view = request.args.get("view") if request.args.get("view") in VIEWS else "pairs"
    number = int_arg("page")
    if view == "pairs":
        filters = pair_filters(known)
        page = reports.pairs_page(filters, number, known)
    elif view == "offers":
        filters = reports.OfferFilters(_choice("state", CHOICES), _department(known))
        page = reports.offers_page(filters, number)
    else:
        filters = reports.WishFilters(
            _choice("state", CHOICES), _choice("matched", ANSWERS), _department(known)
        )
        page = reports.wishes_page(filters, number)
    return render_template(
        "mentoring_console/index.html",
        figures=figures,
        view=view,
        filters=filters,
        args=query_args(view, filters),
        page=page,
        departments=known,
        days_text=days_text,
        **labels(),
    )


def query_args(view: str, filters) -> dict:
    """The list's filters as its links carry them (its pages, the export); None leaves one out."""
    if view == "pairs":
        return {
            "status": filters.status.value if filters.status else None,
            "department": filters.department_id,
        }
    args = {"state": _key_of(CHOICES, filters.open), "department": filters.department_id}
    if view == "wishes":
        args["matched"] = _key_of(ANSWERS, filters.matched)
    return args


def _key_of(values: dict, chosen) -> str | None:
    return next((key for key, value in values.items() if chosen is value), None)


@bp.route("/mentoring/pairs.csv")
def export():
    """The pairs list as a spreadsheet, with the same filters."""
    header = [
        _("Mentor"),
        _("Mentor's department"),
        _("Mentee"),
        _("Mentee's department"),
        _("Status"),
        _("Origin"),
        _("Topics"),
        _("Requested"),
        _("Started"),
        _("Ended"),
        _("Sessions"),
        _("Mentor's feedback"),
        _("Mentee's feedback"),
    ]
    rows = reports.export_rows(pair_filters(reports.departments()))
    return csv_download("mentoring-pairs.csv", header, rows)


@bp.route("/mentoring/pairs/<int:pair_id>")
def pair(pair_id: int):
    """A pair as comms see it: who, when, what about, how many sessions, the feedback."""
    found = reports.find_pair(pair_id) or abort(404)
    return render_template(
        "mentoring_console/pair.html", pair=found, sessions=reports.session_dates(found.id), **labels()
    )


# --- the matching round -------------------------------------------------------------------


def reasons(fit: Fit) -> list[str]:
    """Why a mentor fits a mentee, as comms read it (``catalogue.why`` speaks to the mentee)."""
    lines = [_("Topics in common: %(topics)s", topics=", ".join(topics.labels_of(fit.topics)))]
    if fit.personae:
        names = ", ".join(str(PERSONA_BY_KEY[key].name) for key in fit.personae if key in PERSONA_BY_KEY)
        lines.append(_("Ambassador profile that suits the topics: %(personae)s", personae=names))
    languages = ", ".join(str(LANGUAGE_LABELS.get(code, code)) for code in fit.languages)
    lines.append(
        ngettext(
            "Language in common: %(languages)s",
            "Languages in common: %(languages)s",
            len(fit.languages),
            languages=languages,
        )
    )
    lines.append(
        ngettext("The mentor has %(num)s free place", "The mentor has %(num)s free places", fit.free)
    )
    return lines


def best_first(pairs: list[rounds.ProposedPair]) -> list[rounds.ProposedPair]:
    """The round's pairs as comms read them: the best fit first, then by the mentee's name."""
    return sorted(
        pairs, key=lambda pair: (-pair.fit.score, pair.mentee.display_name.casefold(), pair.mentee.id)
    )


ROUND_TEMPLATE = "mentoring_console/_round.html"


def round_page(preview: rounds.RoundPreview, message: str | None = None, status: int = 200):
    """The round's page; a kept preview (``preview.state``) is drawn once per state: its
    pairs and people, the days to reply, the reader's language, zone and mount path."""
    context = {
        "preview": preview,
        "proposed": best_first(preview.pairs),
        "reasons": reasons,
        "unmatched_labels": UNMATCHED_LABELS,
        "reply_days": services.reply_days(),
    }
    drawn = None
    if preview.state is not None:
        drawn = part(ROUND_TEMPLATE, (preview.state, context["reply_days"], *reader_key()), **context)
    page = render_template("mentoring_console/round.html", message=message, drawn=drawn, **context)
    return page, status


@bp.route("/mentoring/round", endpoint="round")
def round_preview():
    return round_page(rounds.shown_preview())


@bp.post("/mentoring/round/confirm")
def confirm_round():
    """Send the previewed round's proposals, if the round is still the one previewed."""
    fingerprint = request.form.get("fingerprint", "")[:64]
    try:
        created = rounds.confirm(current_user, fingerprint)
    except rounds.RoundChanged as changed:
        return round_page(changed.preview, str(changed), 409)
    except services.MentoringError as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("console.mentoring.round"), 303)
    flash(
        ngettext(
            "%(num)s proposal sent: each mentor and mentee has been told and says yes or no.",
            "%(num)s proposals sent: each mentor and mentee has been told and says yes or no.",
            len(created),
        ),
        "success",
    )
    return redirect(url_for("console.mentoring.index", status=PairStatus.PROPOSED.value), 303)


# --- topics -------------------------------------------------------------------------------


def topics_page(form: TopicForm, status: int = 200):
    page = render_template(
        "mentoring_console/topics.html",
        managed=services.managed_topics(),
        theme_topics=topics.theme_topics(),
        form=form,
        **labels(),
    )
    return page, status


def _save(form: TopicForm, topic_id: int | None) -> MentoringTopic | None:
    """Save the form's topic, or put the service's refusal on the field it is about."""
    try:
        return services.save_topic(current_user, topic_id, form.changes())
    except services.MentoringError as refusal:
        field = getattr(form, refusal.field or "", None) or form.name
        field.errors = [*field.errors, str(refusal)]
        return None


@bp.route("/mentoring/topics", methods=["GET", "POST"], endpoint="topics")
def topics_list():
    """The topics, and a form to add one."""
    form = TopicForm()
    if not form.is_submitted():
        return topics_page(form)
    topic = _save(form, None)
    if topic is None:
        return topics_page(form, 422)
    flash(_("The topic “%(name)s” is added.", name=topic.name), "success")
    # To the top of the page, where the message is (not the form's anchor the browser would keep).
    return redirect(url_for("console.mentoring.topics", _anchor="main"), 303)


@bp.route("/mentoring/topics/<int:topic_id>", methods=["GET", "POST"])
def edit_topic(topic_id: int):
    """Edit a topic: its names in both languages, the profiles that suit it, its theme."""
    topic = _topic_or_404(topic_id)
    form = TopicForm(obj=topic)
    if form.is_submitted() and _save(form, topic.id) is not None:
        flash(_("The topic “%(name)s” is saved.", name=topic.name), "success")
        return redirect(url_for("console.mentoring.topics"), 303)
    page = render_template("mentoring_console/topic.html", form=form, topic=topic, **labels())
    return page, 422 if form.errors else 200


def _topic_or_404(topic_id: int) -> MentoringTopic:
    return reports.find_topic(topic_id) or abort(404)


@bp.post("/mentoring/topics/<int:topic_id>/archive")
def archive_topic(topic_id: int):
    topic = services.set_topic_archived(current_user, _topic_or_404(topic_id).id, True)
    flash(
        _(
            "“%(name)s” is archived: nobody can choose it any more; those who chose it keep it.",
            name=topic.name,
        ),
        "success",
    )
    return redirect(url_for("console.mentoring.topics"), 303)


@bp.post("/mentoring/topics/<int:topic_id>/restore")
def restore_topic(topic_id: int):
    topic = services.set_topic_archived(current_user, _topic_or_404(topic_id).id, False)
    flash(_("“%(name)s” is offered again.", name=topic.name), "success")
    return redirect(url_for("console.mentoring.topics"), 303)
