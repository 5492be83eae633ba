"""Mentoring for everyone: offer, ask, the suggestions, requests and a pair's page.

Plain forms that answer with a 303 redirect and a message, or the page again (422) with each
error beside its field.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from base.database import utcnow
from base.i18n import current_language, ngettext
from base.i18n import gettext as _
from base.web import int_arg
from blueprints.contributions.services import today_for
from blueprints.mentoring import reports, services
from blueprints.mentoring.cards import fitting_card, session_lines
from blueprints.mentoring.catalogue import (
    LANGUAGE_LABELS,
    ORIGIN_LABELS,
    RHYTHM_LABELS,
    STATUS_LABELS,
    why,
)
from blueprints.mentoring.forms import (
    ACCEPT,
    DECLINE,
    AnswerForm,
    EndForm,
    FeedbackForm,
    OfferForm,
    RequestForm,
    SessionForm,
    WishForm,
)
from blueprints.mentoring.matching import Fit, Refusal
from blueprints.mentoring.models import MentoringPair, MentorOffer, PairOrigin, PairStatus
from blueprints.mentoring.services import MentoringError
from blueprints.mentoring.topics import labels_of

bp = Blueprint("mentoring", __name__)
bp.add_app_template_global(fitting_card)
bp.add_app_template_global(session_lines)


def labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "rhythm_labels": RHYTHM_LABELS,
        "origin_labels": ORIGIN_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "topic_labels": labels_of,
        "why": why,
    }


def refuse(form, refusal: MentoringError, default: str | None = None) -> bool:
    """Put a service's refusal beside its field; False when it names no field of the form."""
    name = refusal.field if refusal.field in form else default
    if name is None:
        return False
    form[name].errors.append(str(refusal))
    return True


# --- the overview -----------------------------------------------------------------------


@bp.route("/mentoring")
def index():
    return render_index(view=services.current_overview(current_user))


@dataclass(frozen=True)
class ProposedMentor:
    """What a mentee reads of the mentor a matching round proposes: their offer (None once
    closed) and why they fit (None when the fit cannot be told now, e.g. no other free place)."""

    offer: MentorOffer | None
    fit: Fit | None


def proposed_mentor(pair: MentoringPair) -> ProposedMentor:
    offer, fit = services.assess_mentor(pair.mentee, pair.mentor_id)
    return ProposedMentor(offer, fit if isinstance(fit, Fit) else None)


def render_index(
    answering: AnswerForm | None = None,
    answering_id: int | None = None,
    status: int = 200,
    view: services.Overview | None = None,
):
    view = view or services.overview(current_user)
    forms = {pair.id: AnswerForm.for_pair(pair.id, formdata=None) for pair in view.to_answer}
    if answering is not None and answering_id in forms:
        forms[answering_id] = answering
    mine = [
        pair for pair in (*view.to_answer, *view.waiting, *view.active) if pair.mentee_id == current_user.id
    ]
    looking = view.wish is not None and view.wish.open and not mine
    # The mentor reads each mentee's wish (languages too); the mentee, why a round proposes them a mentor.
    mentored = [pair.mentee_id for pair in view.to_answer if pair.mentor_id == current_user.id]
    proposals = [
        pair
        for pair in view.to_answer
        if pair.mentee_id == current_user.id and pair.origin == PairOrigin.ROUND
    ]
    page = render_template(
        "mentoring/index.html",
        view=view,
        answer_forms=forms,
        as_mentee=mine[0] if mine else None,
        looking=looking,
        suggestions=services.suggestions_for(current_user) if looking else [],
        mentee_wishes=reports.wishes_of(mentored),
        proposed_mentors={pair.id: proposed_mentor(pair) for pair in proposals},
        waiting_pair=mine[0] if mine and mine[0].status == PairStatus.PROPOSED else None,
        must_answer=services.must_answer,
        **labels(),
    )
    return page, status


# --- offering and asking ----------------------------------------------------------------


@bp.route("/mentoring/offer", methods=["GET", "POST"])
def offer():
    current = services.my_offer(current_user.id)
    form = OfferForm(obj=current) if current else OfferForm(languages=[current_language()])
    if form.validate_on_submit():
        try:
            services.save_offer(current_user, form.offer())
        except MentoringError as refusal:
            refuse(form, refusal, "topics")
        else:
            flash(_("Thank you! Colleagues looking for a mentor can now find you and ask you."), "success")
            return redirect(url_for("mentoring.index"), 303)
    page = render_template("mentoring/offer.html", form=form, offer=current)
    return page, 422 if form.errors else 200


@bp.post("/mentoring/offer/close")
def close_offer():
    try:
        services.close_offer(current_user)
    except MentoringError as refusal:
        flash(str(refusal), "error")
    else:
        flash(_("You take no new mentees now. Your current pairings go on."), "success")
    return redirect(url_for("mentoring.index"), 303)


@bp.route("/mentoring/ask", methods=["GET", "POST"])
def ask():
    current = services.my_wish(current_user.id)
    form = WishForm(obj=current) if current else WishForm(languages=[current_language()])
    # Coming from a mentor's page: back there once the wish is saved, to ask them.
    mentor_id = int_arg("mentor", 0)
    if form.validate_on_submit():
        try:
            services.save_wish(current_user, form.wish())
        except MentoringError as refusal:
            refuse(form, refusal, "topics")
        else:
            flash(
                _("Saved. Choose a mentor among the colleagues who fit, and send them a message."), "success"
            )
            target = (
                url_for("mentoring.mentor", user_id=mentor_id)
                if mentor_id
                else url_for("mentoring.index", _anchor="suggestions")
            )
            return redirect(target, 303)
    page = render_template(
        "mentoring/ask.html", form=form, wish=current, mentor_id=mentor_id, reply_days=services.reply_days()
    )
    return page, 422 if form.errors else 200


@bp.post("/mentoring/ask/close")
def close_wish():
    try:
        withdrawn = services.close_wish(current_user)
    except MentoringError as refusal:
        flash(str(refusal), "error")
    else:
        flash(wish_closed(withdrawn), "success")
    return redirect(url_for("mentoring.index"), 303)


def wish_closed(withdrawn: MentoringPair | None) -> str:
    """What closing one's wish did, the request or proposal it withdrew included."""
    if withdrawn is None:
        return _("You are no longer looking for a mentor. Ask again whenever you like.")
    name = withdrawn.mentor.display_name
    if withdrawn.origin == PairOrigin.ROUND:
        return _(
            "You are no longer looking for a mentor. The proposal to pair you with %(name)s is withdrawn,"
            " and %(name)s has been told.",
            name=name,
        )
    return _(
        "You are no longer looking for a mentor. Your request to %(name)s is withdrawn,"
        " and %(name)s has been told.",
        name=name,
    )


# --- a mentor and a request -------------------------------------------------------------


@bp.route("/mentoring/mentors/<int:user_id>")
def mentor(user_id: int):
    return render_mentor(user_id, RequestForm(formdata=None))


def render_mentor(user_id: int, form: RequestForm, status: int = 200):
    offer, fit = services.assess_mentor(current_user, user_id)
    if offer is None:
        return render_closed_offer(user_id)
    view = services.overview(current_user)
    mine = [
        pair for pair in (*view.to_answer, *view.waiting, *view.active) if pair.mentee_id == current_user.id
    ]
    own = user_id == current_user.id
    wish_open = view.wish is not None and view.wish.open
    page = render_template(
        "mentoring/mentor.html",
        offer=offer,
        person=offer.user,
        own=own,
        fit=fit if isinstance(fit, Fit) else None,
        refusal=services.REFUSALS[fit] if isinstance(fit, Refusal) and not own else None,
        wish_open=wish_open,
        busy=mine[0] if mine else None,
        must_answer=services.must_answer,
        can_ask=not own and wish_open and isinstance(fit, Fit) and not mine,
        form=form,
        reply_days=services.reply_days(),
        **labels(),
    )
    return page, status


def render_closed_offer(user_id: int):
    """A mentor page whose offer is closed (or whose person left): said so, with a way on; a
    404 for someone who never offered mentoring."""
    closed = services.my_offer(user_id) or abort(404)
    page = render_template("mentoring/mentor_closed.html", person=closed.user, own=user_id == current_user.id)
    return page, 200


@bp.post("/mentoring/mentors/<int:user_id>/request", endpoint="request")
def ask_mentor(user_id: int):
    form = RequestForm()
    if form.validate_on_submit():
        try:
            pair = services.request_mentor(current_user, user_id, form.message.data)
        except MentoringError as refusal:
            if not refuse(form, refusal):
                flash(str(refusal), "error")
                return redirect(url_for("mentoring.index"), 303)
        else:
            flash(
                ngettext(
                    "Your request is on its way to %(name)s. They have %(num)s day to answer; you will be told.",
                    "Your request is on its way to %(name)s. They have %(num)s days to answer; you will be told.",
                    services.reply_days(),
                    name=pair.mentor.display_name,
                ),
                "success",
            )
            return redirect(url_for("mentoring.index"), 303)
    return render_mentor(user_id, form, 422)


# --- a pair -----------------------------------------------------------------------------


@bp.route("/mentoring/pairs/<int:pair_id>")
def pair(pair_id: int):
    return render_pair(pair_id)


def render_pair(pair_id: int, status: int = 200, **failed):
    """The pair's page; ``failed`` holds a refused form (answer_form, session_form, end_form or
    feedback_form) to show with its errors."""
    found = services.current_pair(current_user, pair_id) or abort(404)
    side = found.side_of(current_user.id)
    mine = found.mentor_feedback if side == "mentor" else found.mentee_feedback
    to_answer = services.must_answer(found, current_user.id)
    active = found.status == PairStatus.ACTIVE
    proposed = found.status == PairStatus.PROPOSED
    page = render_template(
        "mentoring/pair.html",
        pair=found,
        side=side,
        other=found.other(current_user.id),
        to_answer=to_answer,
        # While proposed: the mentor reads the mentee's wish; the mentee, why a round proposes the mentor.
        mentee_wish=services.my_wish(found.mentee_id) if proposed and side == "mentor" else None,
        proposed_mentor=proposed_mentor(found)
        if proposed and side == "mentee" and found.origin == PairOrigin.ROUND
        else None,
        can_withdraw=side == "mentee"
        and found.origin == PairOrigin.REQUEST
        and found.status == PairStatus.PROPOSED,
        sessions=services.sessions_of(found.id)
        if found.status in (PairStatus.ACTIVE, PairStatus.ENDED)
        else [],
        fitting=services.fitting(found, current_user) if active else None,
        my_feedback=mine,
        **(shown_forms(found, to_answer, mine) | failed),
        **labels(),
    )
    return page, status


def shown_forms(pair: MentoringPair, to_answer: bool, feedback: str | None) -> dict:
    """The blank forms the pair's state shows (building a form costs: only these are built)."""
    if to_answer:
        return {"answer_form": AnswerForm.for_pair(pair.id, formdata=None)}
    if pair.status == PairStatus.ACTIVE:
        return {
            "session_form": SessionForm(formdata=None, held_on=today_for(current_user, utcnow())),
            "end_form": EndForm(formdata=None),
        }
    if pair.status == PairStatus.ENDED:
        return {"feedback_form": FeedbackForm(formdata=None, feedback=feedback)}
    return {}


def own_pair_or_404(pair_id: int) -> MentoringPair:
    return services.visible_pair(current_user, pair_id) or abort(404)


def answered(pair: MentoringPair, accepted: bool) -> str:
    name = pair.other(current_user.id).display_name
    if not accepted:
        return _("You said no. %(name)s has been told.", name=name)
    if pair.status != PairStatus.ACTIVE:
        return _("Thank you. %(name)s has yet to answer: you will be told.", name=name)
    if pair.origin == PairOrigin.ROUND:
        return _("You both said yes: your mentoring with %(name)s starts.", name=name)
    return _("You are now %(name)s’s mentor: plan your first session together.", name=name)


@bp.post("/mentoring/pairs/<int:pair_id>/answer")
def answer(pair_id: int):
    own_pair_or_404(pair_id)
    form = AnswerForm.for_pair(pair_id)
    if form.decision.data not in (ACCEPT, DECLINE):
        abort(400)  # only the page's two buttons send an answer
    from_index = request.form.get("back") == "index"
    if form.validate_on_submit():
        accepted = form.decision.data == ACCEPT
        try:
            found = services.answer(current_user, pair_id, accepted, form.reply.data or "", form.rhythm.data)
        except MentoringError as refusal:
            if not refuse(form, refusal):
                flash(str(refusal), "error")
                return redirect(url_for("mentoring.index"), 303)
        else:
            flash(answered(found, accepted), "success")
            target = url_for("mentoring.pair", pair_id=pair_id) if accepted else url_for("mentoring.index")
            return redirect(target, 303)
    if from_index:
        return render_index(form, pair_id, 422)
    return render_pair(pair_id, 422, answer_form=form)


@bp.post("/mentoring/pairs/<int:pair_id>/withdraw")
def withdraw(pair_id: int):
    own_pair_or_404(pair_id)
    try:
        found = services.withdraw(current_user, pair_id)
    except MentoringError as refusal:
        flash(str(refusal), "error")
    else:
        flash(
            _(
                "Your request to %(name)s is withdrawn. You can ask another mentor.",
                name=found.mentor.display_name,
            ),
            "success",
        )
    return redirect(url_for("mentoring.index"), 303)


def on_pair_page(pair_id: int, form, form_name: str, action, done: str, anchor: str | None = None):
    """A form of the pair's page: run the action, then back to the page with a thank-you, or the
    page again (422) with the error beside its field (a refusal about no field is flashed)."""
    if form.validate_on_submit():
        try:
            action()
        except MentoringError as refusal:
            if not refuse(form, refusal):
                flash(str(refusal), "error")
                return redirect(url_for("mentoring.pair", pair_id=pair_id), 303)
        else:
            flash(done, "success")
            return redirect(url_for("mentoring.pair", pair_id=pair_id, _anchor=anchor), 303)
    return render_pair(pair_id, 422, **{form_name: form})


@bp.post("/mentoring/pairs/<int:pair_id>/sessions")
def log_session(pair_id: int):
    own_pair_or_404(pair_id)
    form = SessionForm()
    return on_pair_page(
        pair_id,
        form,
        "session_form",
        lambda: services.log_session(current_user, pair_id, form.held_on.data, form.notes.data or ""),
        _("Session logged. Well done, both of you!"),
        anchor="sessions",
    )


@bp.post("/mentoring/pairs/<int:pair_id>/end")
def end(pair_id: int):
    own_pair_or_404(pair_id)
    form = EndForm()
    return on_pair_page(
        pair_id,
        form,
        "end_form",
        lambda: services.end_pair(current_user, pair_id, form.feedback.data or ""),
        _("The pairing has ended. Thank you for the time you gave it."),
    )


@bp.post("/mentoring/pairs/<int:pair_id>/feedback")
def feedback(pair_id: int):
    own_pair_or_404(pair_id)
    form = FeedbackForm()
    return on_pair_page(
        pair_id,
        form,
        "feedback_form",
        lambda: services.leave_feedback(current_user, pair_id, form.feedback.data),
        _("Thank you: your feedback goes to the comms team only."),
    )
