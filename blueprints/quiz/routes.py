"""The persona quiz (one question at a time, htmx or plain forms), results and persona pages."""

import secrets

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


@bp.route("/quiz")
def intro():
    answers = session.get(ANSWERS, {})
    return render_template(
        "quiz/intro.html",
        latest=services.latest_result(current_user.id),
        answered=min(services.first_unanswered(answers), len(QUESTIONS) - 1) if answers else 0,
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
        return redirect(url_for("quiz.question", number=reachable))
    current = QUESTIONS[number - 1]
    error = None
    if request.method == "POST":
        try:
            answers[current.key] = services.checked_answer(current, request.form.getlist("answer"))
        except services.QuizError as refusal:
            error = str(refusal)
        else:
            session[ANSWERS] = answers
            return finish(answers) if number == len(QUESTIONS) else show_next(number + 1, answers)
    return render_question(number, answers, error)


def render_question(number: int, answers: dict, error: str | None = None, push_url: str | None = None):
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
        return make_response(render_template("quiz/_question.html", **context), status, push_url=push_url)
    return render_template("quiz/question.html", **context), status


def show_next(number: int, answers: dict):
    if wants_fragment():
        return render_question(number, answers, push_url=url_for("quiz.question", number=number))
    return redirect(url_for("quiz.question", number=number))


def finish(answers: dict):
    attempt = session.setdefault(ATTEMPT, secrets.token_hex(16))
    try:
        result = services.complete_quiz(current_user, answers, attempt)
    except services.QuizError:
        # An earlier answer was lost or is stale: keep the good ones, resume at the first gap.
        session[ANSWERS] = valid = services.valid_answers(answers)
        return redirect(url_for("quiz.question", number=services.first_unanswered(valid) + 1))
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
