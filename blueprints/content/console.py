"""The comms console's content pages: library, editor, figures, moderation queue, charter."""

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from base.database import db, utcnow
from base.i18n import gettext as _
from base.i18n import ngettext
from base.vocabularies import SHARE_NETWORKS, THEMES
from base.web import wants_fragment
from blueprints.content import services
from blueprints.content.cards import queue_item
from blueprints.content.catalogue import KINDS, LIBRARY_STATES, STATE_LABELS, STATUS_LABELS, Status
from blueprints.content.forms import CharterForm, ItemFieldsForm, ItemForm, QueueForm, RejectForm
from blueprints.content.models import ContentItem
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

bp = Blueprint("content", __name__)
bp.add_app_template_global(queue_item, "queue_item")


def labels() -> dict:
    return {
        "themes": THEMES,
        "kinds": KINDS,
        "status_labels": STATUS_LABELS,
        "state_labels": STATE_LABELS,
        "networks": SHARE_NETWORKS,
        "personae": PERSONA_BY_KEY,
        "now": utcnow(),
    }


@bp.route("/content")
def library():
    status = request.args.get("status", "")
    search = request.args.get("q", "").strip()
    page = services.library_page(request.args.get("page", 1, type=int), status, search)
    return render_template(
        "content_console/library.html",
        page=page,
        status=status,
        search=search,
        states=LIBRARY_STATES,
        **labels(),
    )


@bp.route("/content/new", methods=["GET", "POST"])
def new_item():
    form = ItemForm(language=current_user.language, status=Status.DRAFT)
    if form.validate_on_submit():
        return saved(services.create_item(current_user, form.changes()))
    return render_editor(form, None)


@bp.route("/content/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    item = db.get_or_404(ContentItem, item_id)
    if item.status in (Status.PENDING, Status.REJECTED):
        return redirect(url_for("console.content.review", item_id=item.id))
    form = ItemForm() if request.method == "POST" else ItemForm.of(item)
    if form.validate_on_submit():
        return saved(services.update_item(current_user, item.id, form.changes()))
    return render_editor(form, item)


def saved(item: ContentItem):
    flash(_("“%(title)s” is saved.", title=item.title), "success")
    return redirect(url_for("console.content.figures", item_id=item.id), 303)


def render_editor(form: ItemForm, item: ContentItem | None):
    page = render_template("content_console/editor.html", form=form, item=item, **labels())
    return page, 422 if form.errors else 200


@bp.route("/content/<int:item_id>")
def figures(item_id: int):
    item = db.get_or_404(ContentItem, item_id, options=[joinedload(ContentItem.author)])
    return render_template(
        "content_console/figures.html",
        item=item,
        figures=services.item_figures(item.id),
        sharers=services.recent_sharers(item.id),
        **labels(),
    )


@bp.post("/content/<int:item_id>/pin")
def pin(item_id: int):
    item = db.get_or_404(ContentItem, item_id)
    pinned = request.form.get("pinned") == "1"
    services.set_pinned(current_user, item.id, pinned)
    flash(_("Pinned at the top of the feed.") if pinned else _("No longer pinned."), "success")
    return redirect(url_for("console.content.figures", item_id=item.id), 303)


@bp.post("/content/<int:item_id>/archive")
def archive(item_id: int):
    item = db.get_or_404(ContentItem, item_id)
    services.archive(current_user, item.id)
    flash(_("“%(title)s” is archived: it has left the feed.", title=item.title), "success")
    return redirect(url_for("console.content.figures", item_id=item.id), 303)


@bp.route("/moderation", methods=["GET", "POST"])
def queue():
    """The suggestions waiting; approve or reject them from here, one or several at once
    (by htmx, the queue is swapped in place; by a plain form, the page comes back)."""
    form = QueueForm()
    said = []
    if form.validate_on_submit():
        try:
            done = services.moderate(current_user, form.selected.data, form.approving, form.reason.data or "")
        except services.ContentError as refusal:
            form.reason.errors.append(str(refusal))
        else:
            said = outcome_messages(done)
            if not wants_fragment():
                for category, message in said:
                    flash(message, category)
                return redirect(url_for("console.content.queue"), 303)
    page = render_template(
        "content_console/_queue.html" if wants_fragment() else "content_console/queue.html",
        queue=services.moderation_queue(),
        form=form,
        said=said,
        **labels(),
    )
    return page, 422 if form.errors else 200


def outcome_messages(done: services.Moderated) -> list[tuple[str, str]]:
    said = []
    if done.approved:
        said.append(
            (
                "success",
                ngettext(
                    "%(num)s suggestion published; its author has been told.",
                    "%(num)s suggestions published; their authors have been told.",
                    len(done.approved),
                ),
            )
        )
    if done.rejected:
        said.append(
            (
                "success",
                ngettext(
                    "%(num)s suggestion rejected; its author has been told why.",
                    "%(num)s suggestions rejected; their authors have been told why.",
                    len(done.rejected),
                ),
            )
        )
    if done.skipped:
        titles = ", ".join(_("“%(title)s”", title=title) for title in done.skipped)
        said.append(
            (
                "info",
                ngettext(
                    "Already moderated by someone else, left as it was: %(titles)s.",
                    "Already moderated by someone else, left as they were: %(titles)s.",
                    len(done.skipped),
                    titles=titles,
                ),
            )
        )
    return said


@bp.route("/moderation/<int:item_id>", methods=["GET", "POST"])
def review(item_id: int):
    """Approve a suggestion, edited on the way, or reject it with a reason."""
    item = db.get_or_404(ContentItem, item_id)
    if not item.is_suggestion:
        abort(404)
    form = (
        ItemFieldsForm(prefix="approve")
        if request.method == "POST"
        else ItemFieldsForm.of(item, prefix="approve")
    )
    reject_form = RejectForm(prefix="reject")
    decision = request.form.get("decision")
    if decision == "approve" and form.validate_on_submit():
        approve = partial(services.approve, current_user, item.id, form.changes())
        return moderated(approve, _("Published. %(name)s has been told."))
    if decision == "reject" and reject_form.validate_on_submit():
        reject = partial(services.reject, current_user, item.id, reject_form.reason.data)
        return moderated(reject, _("Rejected. %(name)s has been told why."))
    page = render_template(
        "content_console/review.html", item=item, form=form, reject_form=reject_form, **labels()
    )
    return page, 422 if form.errors or reject_form.errors else 200


def moderated(decide, done: str):
    """Apply a moderation decision; one taken meanwhile by someone else stands, and is said."""
    try:
        item = decide()
    except services.ContentError as refusal:
        flash(str(refusal), "error")
    else:
        flash(done % {"name": item.author.display_name}, "success")
    return redirect(url_for("console.content.queue"), 303)


@bp.route("/charter", methods=["GET", "POST"])
def charter():
    form = CharterForm() if request.method == "POST" else CharterForm(obj=services.current_charter())
    if form.validate_on_submit():
        published = services.publish_charter(current_user, form.body_fr.data, form.body_en.data)
        flash(
            _(
                "Version %(version)s is published: everyone accepts it before their next share.",
                version=published.version,
            ),
            "success",
        )
        return redirect(url_for("console.content.charter"), 303)
    page = render_template("content_console/charter.html", form=form, history=services.charter_history())
    return page, 422 if form.errors else 200
