"""The persona quiz (one question at a time, htmx or plain forms), results and persona pages."""

import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from htmx_flask import make_response

from base.vocabularies import THEMES
from base.web import wants_fragment
from blueprints.quiz import services
from blueprints.quiz.personae import BY_KEY, NEXT_STEPS, PERSONAE
from blueprints.quiz.questions import QUESTIONS

bp = Blueprint("quiz", __name__)

# Answers given so far, kept in the session until the last question is answered,
# and the attempt they belong to (stored with the result, unique per person).
ANSWERS = "quiz_answers"
ATTEMPT = "quiz_attempt"


@dataclass(frozen=True)
class InProgress:
    """An attempt begun and not finished: the question to continue at, of how many."""

    number: int
    total: int


def quiz_in_progress() -> InProgress | None:
    """The person's unfinished attempt (answers kept in the session), if it has any answer."""
    answers = session.get(ANSWERS)
    valid = services.valid_answers(answers) if isinstance(answers, dict) else {}
    if not valid:
        return None
    return InProgress(min(services.first_unanswered(valid) + 1, len(QUESTIONS)), len(QUESTIONS))


@bp.app_context_processor
def quiz_helpers():
    """Any page may offer to continue the quiz where the person stopped (home, profile)."""
    return {"quiz_in_progress": quiz_in_progress}


@bp.route("/quiz")
def intro():
    return render_template(
        "quiz/intro.html",
        latest=services.latest_result(current_user.id),
        in_progress=quiz_in_progress(),
        question_count=len(QUESTIONS),
    )


@bp.post("/quiz/start")
def start():
    session[ANSWERS] = {}
    session[ATTEMPT] = secrets.token_hex(16)
    return redirect(url_for("quiz.question", number=1))


@bp.route("/quiz/<int:number>", methods=["GET", "POST"])
def question(number: int):
    if not 1 <= number <= len(QUESTIONS):
        abort(404)
    answers = dict(session.get(ANSWERS, {}))
    reachable = min(services.first_unanswered(answers) + 1, len(QUESTIONS))
    if number > reachable:
        return show_question(reachable, answers)
    current = QUESTIONS[number - 1]
    error = None
    if request.method == "POST":
        try:
            answers[current.key] = services.checked_answer(current, request.form.getlist("answer"))
        except services.QuizError as refusal:
            error = str(refusal)
        else:
            session[ANSWERS] = answers
            return finish(answers) if number == len(QUESTIONS) else show_question(number + 1, answers)
    return render_question(number, answers, error)


def render_question(number: int, answers: dict, error: str | None = None):
    """The question's page, or its card for htmx. A card names its own address, so that the
    address bar, a reload and the browser's Back show the question on screen: a new step is
    pushed into the history (Next, Back, a stale step sent back to its question), a refused
    answer keeps the address it has."""
    current = QUESTIONS[number - 1]
    context = {
        "question": current,
        "number": number,
        "total": len(QUESTIONS),
        "chosen": answers.get(current.key, []),
        "error": error,
    }
    status = 422 if error else 200
    if wants_fragment():
        here = url_for("quiz.question", number=number)
        address = {"replace_url": here} if error else {"push_url": here}
        return make_response(render_template("quiz/_question.html", **context), status, **address)
    return render_template("quiz/question.html", **context), status


def show_question(number: int, answers: dict):
    """Go to a question: its card for htmx (it pushes its address), else a redirect to its page."""
    if wants_fragment():
        return render_question(number, answers)
    return redirect(url_for("quiz.question", number=number))


def finish(answers: dict):
    attempt = session.setdefault(ATTEMPT, secrets.token_hex(16))
    try:
        result = services.complete_quiz(current_user, answers, attempt)
    except services.QuizError:
        # An earlier answer was lost or is stale: keep the good ones, resume at the first gap.
        session[ANSWERS] = valid = services.valid_answers(answers)
        return show_question(services.first_unanswered(valid) + 1, valid)
    session.pop(ANSWERS, None)
    session.pop(ATTEMPT, None)
    target = url_for("quiz.result", result_id=result.id)
    return make_response("", redirect=target) if wants_fragment() else redirect(target)


@bp.route("/quiz/result")
def latest():
    result = services.latest_result(current_user.id)
    if result is None:
        return redirect(url_for("quiz.intro"))
    return redirect(url_for("quiz.result", result_id=result.id))


@bp.route("/quiz/results/<int:result_id>")
def result(result_id: int):
    found = services.own_result(current_user.id, result_id)
    if found is None:
        abort(404)
    primary = BY_KEY[found.primary_persona]
    return render_template(
        "quiz/result.html",
        result=found,
        primary=primary,
        also=[BY_KEY[score.persona] for score in found.scores if score.also_you],
        personae=BY_KEY,
        next_steps=next_steps(primary.key),
        is_latest=services.latest_result(current_user.id).id == found.id,
    )


def next_steps(persona: str) -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label, fits in NEXT_STEPS if fits is None or persona in fits]


@bp.route("/personae")
def personae():
    latest = services.latest_result(current_user.id)
    mine = latest.own_personae() if latest else set()
    return render_template("quiz/personae.html", personae=PERSONAE, mine=mine)


@bp.route("/personae/<key>")
def persona(key: str):
    found = BY_KEY.get(key)
    if found is None:
        abort(404)
    return render_template(
        "quiz/persona.html",
        persona=found,
        themes=[THEMES[theme] for theme in found.themes],
        directory=services.directory(key),
        next_steps=next_steps(key),
    )
