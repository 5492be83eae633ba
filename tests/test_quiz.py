"""The persona quiz: one question at a time with and without htmx, validation, results, directory, console."""

import csv
import io
import random
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import db
from blueprints.accounts.models import Department, Role, User
from blueprints.activity.models import Activity
from blueprints.admin.services import set_active
from blueprints.profile.services import update_profile
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.quiz.personae import PERSONAE
from blueprints.quiz.questions import QUESTIONS
from blueprints.quiz.scoring import persona_scores, rank_personae
from blueprints.quiz.services import latest_result, own_personae_of, save_result
from tests.conftest import csrf_token, text

LAST = len(QUESTIONS)


def first_answers() -> dict:
    """Each question's first option; LinkedIn and X for networks."""
    return {q.key: (["linkedin", "x"] if q.multiple else q.options[0].key) for q in QUESTIONS}


def answer(client, number: int, value, htmx: bool = False):
    values = value if isinstance(value, list) else [value]
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/quiz/{number}", data={"answer": values, "csrf_token": csrf_token(client)}, headers=headers
    )


def take_quiz(client, answers: dict | None = None):
    answers = answers or first_answers()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    response = None
    for number, question in enumerate(QUESTIONS, start=1):
        response = answer(client, number, answers[question.key])
    return response


def results(app, user_id):
    with app.app_context():
        return db.session.scalars(sa.select(QuizResult).where(QuizResult.user_id == user_id)).all()


def test_plain_form_quiz_stores_a_scored_result_and_logs_it(app, client, signed_in):
    person = signed_in()
    response = take_quiz(client)
    assert response.status_code == 302
    [result] = results(app, person.id)
    assert response.headers["Location"] == f"/quiz/results/{result.id}"
    assert result.version == 1 and result.networks == ["linkedin", "x"]
    expected = rank_personae(persona_scores(first_answers()))
    assert result.primary_persona == expected[0].persona
    assert [score.persona for score in result.scores] == [entry.persona for entry in expected]
    with app.app_context():
        verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == person.id)).all()
    assert verbs.count("quiz_completed") == 1
    page = text(client.get(response.headers["Location"]))
    assert "Votre profil d'ambassadeur : Messager" in page


def test_each_step_redirects_to_the_next_question(client, signed_in):
    signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    response = answer(client, 1, QUESTIONS[0].options[1].key)
    assert response.headers["Location"] == "/quiz/2"
    page = text(client.get("/quiz/2"))
    assert "Question 2 sur 11" in page
    assert text(client.get("/quiz/1")).count("checked") == 1  # the way back keeps the answer


@pytest.mark.parametrize(
    "values, message",
    [
        ([], "Choisissez une réponse pour continuer."),
        (["forged"], "Cette réponse ne fait pas partie des choix."),
    ],
)
def test_missing_or_forged_answer_is_refused_and_nothing_is_stored(app, client, signed_in, values, message):
    person = signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    response = answer(client, 1, values)
    assert response.status_code == 422
    assert message in text(response)
    assert client.get("/quiz/2").headers["Location"] == "/quiz/1"
    assert results(app, person.id) == []


def test_forged_last_answer_stores_nothing(app, client, signed_in):
    person = signed_in()
    answers = first_answers()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    for number, question in enumerate(QUESTIONS[:-1], start=1):
        answer(client, number, answers[question.key])
    for forged in (["linkedin", "none"], ["myspace"], []):
        assert answer(client, LAST, forged).status_code == 422
    assert results(app, person.id) == []


def test_two_options_for_a_single_choice_question_are_refused(client, signed_in):
    signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    response = answer(client, 1, [QUESTIONS[0].options[0].key, QUESTIONS[0].options[1].key])
    assert response.status_code == 422


def test_questions_cannot_be_skipped(client, signed_in):
    signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    assert client.get("/quiz/5").headers["Location"] == "/quiz/1"
    assert answer(client, 5, QUESTIONS[4].options[0].key).headers["Location"] == "/quiz/1"
    assert client.get(f"/quiz/{LAST + 1}").status_code == 404


def test_htmx_steps_swap_the_card_and_push_the_url(app, client, signed_in):
    person = signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    answers = first_answers()
    for number, question in enumerate(QUESTIONS[:-1], start=1):
        response = answer(client, number, answers[question.key], htmx=True)
        body = response.get_data(as_text=True)
        assert body.lstrip().startswith('<section id="quiz-card"') and "<html" not in body
        assert response.headers["HX-Push-Url"] == f"/quiz/{number + 1}"
    error = answer(client, LAST, [], htmx=True)
    assert error.status_code == 422 and "<html" not in error.get_data(as_text=True)
    final = answer(client, LAST, answers["networks"], htmx=True)
    [result] = results(app, person.id)
    assert final.headers["HX-Redirect"] == f"/quiz/results/{result.id}"


def test_going_back_by_htmx_returns_the_previous_card(client, signed_in):
    signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    answer(client, 1, QUESTIONS[0].options[2].key)
    response = client.get("/quiz/1", headers={"HX-Request": "true"})
    assert response.get_data(as_text=True).lstrip().startswith('<section id="quiz-card"')
    boosted = client.get("/quiz/1", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_retake_keeps_every_result_and_the_latest_drives_the_home_page(app, client, signed_in):
    person = signed_in()
    take_quiz(client)
    helper_answers = {
        q.key: max(q.options, key=lambda o: o.weights.get("helper", 0)).key
        for q in QUESTIONS
        if not q.multiple
    } | {"networks": ["none"]}
    take_quiz(client, helper_answers)
    first, second = sorted(results(app, person.id), key=lambda result: result.id)
    assert (first.primary_persona, second.primary_persona) == ("messenger", "helper")
    assert second.networks == []
    assert "Votre profil d'ambassadeur : Helper" in text(client.get("/"))
    me = text(client.get("/me"))
    assert me.count('href="/quiz/results/') == 2
    assert f'href="/quiz/results/{first.id}"' in me and f'href="/quiz/results/{second.id}"' in me
    assert text(client.get(f"/quiz/results/{first.id}")).count("un résultat précédent") == 1


def test_nobody_sees_someone_else_result(app, client, signed_in, make_user):
    signed_in()
    other = make_user()
    with app.app_context():
        result = save_result(db.session.get(User, other.id), first_answers())
        db.session.commit()
        result_id = result.id
    assert client.get(f"/quiz/results/{result_id}").status_code == 404


def test_home_invites_people_without_a_result(client, signed_in):
    signed_in()
    page = text(client.get("/"))
    assert "Quel ambassadeur êtes-vous ?" in page
    assert client.get("/quiz/result").headers["Location"] == "/quiz"


def test_persona_pages(client, signed_in):
    signed_in()
    listing = text(client.get("/personae"))
    for name in ["Messager", "Amplificateur", "Vulgarisateur", "Dénicheur", "Agitateur"]:
        assert name in listing
    page = text(client.get("/personae/talent_scout"))
    assert "Dénicheur" in page and "Carrières et recrutement" in page
    assert client.get("/personae/unknown").status_code == 404


def save_for(app, make_user, answers=None, **fields):
    person = make_user(**fields)
    with app.app_context():
        save_result(db.session.get(User, person.id), answers or first_answers())
        db.session.commit()
    return person


def test_directory_lists_only_opted_in_active_people_by_their_latest_result(
    app, client, signed_in, make_user
):
    signed_in()
    save_for(app, make_user, display_name="Listed Lina", directory_opt_in=True)
    save_for(app, make_user, display_name="Private Paul", directory_opt_in=False)
    save_for(app, make_user, display_name="Gone Gaspard", directory_opt_in=True, active=False)
    moved = save_for(app, make_user, display_name="Moved Maud", directory_opt_in=True)
    helper_answers = {
        q.key: max(q.options, key=lambda o: o.weights.get("helper", 0)).key
        for q in QUESTIONS
        if not q.multiple
    } | {"networks": ["x"]}
    with app.app_context():
        save_result(db.session.get(User, moved.id), helper_answers)
        db.session.commit()
    page = text(client.get("/personae/messenger"))
    assert "Listed Lina" in page
    for hidden in ["Private Paul", "Gone Gaspard", "Moved Maud"]:
        assert hidden not in page
    assert "Moved Maud" in text(client.get("/personae/helper"))


def test_directory_escapes_names(app, client, signed_in, make_user):
    signed_in()
    save_for(app, make_user, display_name="<script>alert(1)</script>", directory_opt_in=True)
    page = client.get("/personae/messenger").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_directory_opt_in_is_set_on_the_profile(app, client, signed_in):
    person = signed_in()
    data = {
        "display_name": "Me",
        "department_id": "0",
        "site_id": "0",
        "language": "fr",
        "timezone": "Europe/Paris",
        "directory_opt_in": "y",
    }
    client.post(
        "/me", data={**{f"profile-{k}": v for k, v in data.items()}, "csrf_token": csrf_token(client)}
    )
    with app.app_context():
        assert db.session.get(User, person.id).directory_opt_in is True


def test_console_distribution_matches_an_independent_count(app, client, signed_in, make_user):
    signed_in(Role.COMMS)
    rng = random.Random(7)
    with app.app_context():
        departments = [Department(name="Ventes"), Department(name="R&D")]
        db.session.add_all(departments)
        db.session.commit()
        department_ids = {d.id: d.name for d in departments}
    expected: dict[tuple[str, str], list[int]] = {}
    for index in range(24):
        department_id = list(department_ids)[index % 2]
        person = make_user(department_id=department_id)
        attempts = 2 if index % 5 == 0 else 1  # some retook the quiz: only the latest counts
        for _ in range(attempts):
            answers = {q.key: (["x"] if q.multiple else rng.choice(q.options).key) for q in QUESTIONS}
            with app.app_context():
                save_result(db.session.get(User, person.id), answers)
                db.session.commit()
        for entry in rank_personae(persona_scores(answers)):
            if entry.held and (entry.rank == 1 or entry.also_you):
                counts = expected.setdefault((department_ids[department_id], entry.persona), [0, 0])
                counts[0 if entry.rank == 1 else 1] += 1
    response = client.get("/admin/personae.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Service", "Profil d'ambassadeur", "Principal", "Aussi vous"]
    with app.app_context(), force_locale("fr"):
        names = {str(persona.name): persona.key for persona in PERSONAE}
    actual = {}
    for department, persona_name, primary, also in rows[1:]:
        if int(primary) or int(also):
            actual[(department, names[persona_name])] = [int(primary), int(also)]
    assert actual == expected
    page = text(client.get("/admin/personae"))
    counted = sum(primary for primary, _also in expected.values())  # 24 took it, some with no profile held
    assert 0 < counted < 24
    assert f"{counted} personnes sont comptées : actives" in page
    assert f"{24 - counted} autre" in page


def test_console_personae_is_for_comms(client, signed_in):
    signed_in(Role.EMPLOYEE)
    assert client.get("/admin/personae").status_code == 403
    assert client.get("/admin/personae.csv").status_code == 403


@pytest.mark.parametrize("path", ["/", "/personae", "/personae/messenger", "/quiz", "/admin/personae"])
def test_query_budget_does_not_grow_with_results(app, client, signed_in, make_user, count_queries, path):
    signed_in(Role.ADMIN)
    take_quiz(client)
    save_for(app, make_user, directory_opt_in=True)

    def more_people_with_results():
        for _ in range(15):
            save_for(app, make_user, directory_opt_in=True)

    client.get(path)  # the first view after sign-in notes "last seen"
    with count_queries() as before:
        client.get(path)
    more_people_with_results()
    client.get(path)  # the console's distribution is counted again once, after the new results
    with count_queries() as after:
        client.get(path)
    assert before.count == after.count


def people_counted(client) -> int:
    headline = re.search(r"(\d+) personnes? (?:est|sont) comptée", text(client.get("/admin/personae")))
    return int(headline.group(1))


def test_console_distribution_is_kept_until_a_result_or_a_person_changes(
    app, client, signed_in, make_user, count_queries
):
    comms = signed_in(Role.COMMS)
    save_for(app, make_user)
    assert people_counted(client) == 1
    with count_queries() as counting:
        client.get("/admin/personae")
    assert not [statement for statement in counting.statements if "persona_scores" in statement]
    newcomer = save_for(app, make_user)
    assert people_counted(client) == 2  # a new result: counted again
    with app.app_context():
        set_active(db.session.get(User, comms.id), db.session.get(User, newcomer.id), False)
    assert people_counted(client) == 1  # only active people count
    with app.app_context():
        db.session.add(Department(name="Ventes"))
        db.session.commit()
        mover = db.session.get(User, db.session.scalar(sa.select(QuizResult.user_id)))
        update_profile(
            mover,
            display_name=mover.display_name,
            department_id=db.session.scalar(sa.select(Department.id)),
            site_id=0,
            language="fr",
            timezone="Europe/Paris",
            directory_opt_in=False,
        )
    assert "Ventes" in text(client.get("/admin/personae"))  # counted in their new department


def answer_all_but_last(client):
    answers = first_answers()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    for number, question in enumerate(QUESTIONS[:-1], start=1):
        answer(client, number, answers[question.key])
    return answers


def test_a_double_submitted_last_answer_stores_one_result(app, client, signed_in):
    person = signed_in()
    answers = answer_all_but_last(client)
    with client.session_transaction() as session:
        before_submit = dict(session)
    first = answer(client, LAST, answers["networks"])
    with client.session_transaction() as session:  # the second request carries the same cookie
        session.update(before_submit)
    second = answer(client, LAST, answers["networks"])
    [result] = results(app, person.id)
    assert first.headers["Location"] == second.headers["Location"] == f"/quiz/results/{result.id}"
    with app.app_context():
        logged = db.session.scalar(
            sa.select(sa.func.count(Activity.id)).where(Activity.verb == "quiz_completed")
        )
    assert logged == 1


def test_a_stale_answer_sends_back_to_its_question_not_to_a_missing_page(app, client, signed_in):
    person = signed_in()
    answers = answer_all_but_last(client)
    with client.session_transaction() as session:
        session["quiz_answers"] = {**session["quiz_answers"], "phone": "retired-option"}
    response = answer(client, LAST, answers["networks"])
    assert response.headers["Location"] == "/quiz/2"
    assert results(app, person.id) == []
    assert client.get("/quiz/2").status_code == 200
    assert text(client.get("/quiz")).count(f'href="/quiz/{LAST + 1}"') == 0


def test_a_persona_below_the_threshold_is_never_presented_as_theirs():
    result = QuizResult(
        scores=[
            PersonaScore(persona="messenger", score=0.4, rank=1, held=False, also_you=False),
            PersonaScore(persona="reporter", score=0.3, rank=2, held=False, also_you=True),
        ]
    )
    assert result.own_personae() == set()


def test_every_htmx_card_pushes_the_address_of_the_question_it_shows(client, signed_in):
    """Address bar, reload and the browser's Back follow the question on screen."""
    signed_in()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    answers = first_answers()
    for number, question in enumerate(QUESTIONS[:3], start=1):
        assert (
            answer(client, number, answers[question.key], htmx=True).headers["HX-Push-Url"]
            == f"/quiz/{number + 1}"
        )
    back = client.get("/quiz/3", headers={"HX-Request": "true"})  # the card's Back link
    assert back.headers["HX-Push-Url"] == "/quiz/3" and "Question 3 sur 11" in text(back)
    refused = answer(client, 3, [], htmx=True)
    assert refused.status_code == 422
    assert refused.headers["HX-Replace-Url"] == "/quiz/3" and "HX-Push-Url" not in refused.headers
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})  # restarted in another tab
    stale = answer(client, 4, answers[QUESTIONS[3].key], htmx=True)
    assert stale.status_code == 200 and "<html" not in stale.get_data(as_text=True)
    assert "Question 1 sur 11" in text(stale) and stale.headers["HX-Push-Url"] == "/quiz/1"


def answers_without_a_profile() -> dict:
    """Answers none of whose profiles reaches the threshold (found by a seeded search)."""
    rng = random.Random(1)
    while True:
        answers = {q.key: (["x"] if q.multiple else rng.choice(q.options).key) for q in QUESTIONS}
        if not rank_personae(persona_scores(answers))[0].held:
            return answers


def test_console_headline_counts_the_people_in_the_bars(app, client, signed_in, make_user):
    signed_in(Role.COMMS)
    for _ in range(3):
        save_for(app, make_user)
    save_for(app, make_user, answers_without_a_profile())
    gone = save_for(app, make_user)
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
    page = text(client.get("/admin/personae"))
    bars = [int(n) for n in re.findall(r'class="distribution-value">(\d+) principal', page)]
    assert len(bars) == len(PERSONAE) and sum(bars) == 3
    assert (
        "3 personnes sont comptées : actives, avec un profil d'ambassadeur issu de leur dernier résultat"
        in page
    )
    assert "1 autre personne a passé le quiz sans qu'aucun profil ne se détache" in page


VISIBLE_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_interface_says_ambassador_profile_not_persona(app, client, signed_in, language):
    signed_in(Role.COMMS, language=language)
    take_quiz(client)
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    [result] = client.get("/quiz/result").headers["Location"].rsplit("/", 1)[1:]
    label = {"fr": "Profils d'ambassadeur", "en": "Ambassador profiles"}[language]
    for path in [
        "/",
        "/me",
        "/quiz",
        "/quiz/1",
        f"/quiz/results/{result}",
        "/personae",
        "/personae/helper",
        "/admin/",
        "/admin/personae",
    ]:
        page = text(client.get(path))
        visible = VISIBLE_TEXT.sub(" ", page)
        assert not re.search(r"\bpersona", visible, re.I), (
            path,
            re.findall(r".{30}persona.{30}", visible, re.I),
        )
        assert re.search(rf'<a href="/personae"( aria-current="page")?>{label}</a>', page), path
    assert f"<title>{label} · " in text(client.get("/personae"))
    assert f"<title>{label} · " in text(client.get("/admin/personae"))


def test_a_quiz_in_progress_is_offered_to_continue_where_the_person_stopped(client, signed_in):
    signed_in()
    answers = first_answers()
    client.post("/quiz/start", data={"csrf_token": csrf_token(client)})
    me = text(client.get("/me"))
    assert "Vous n'avez pas encore passé le quiz." in me  # started, nothing answered yet
    for number, question in enumerate(QUESTIONS[:3], start=1):
        answer(client, number, answers[question.key])
    me = text(client.get("/me"))
    assert "pas encore passé le quiz" not in me
    assert 'En cours :</strong> question 4 sur 11.\n        <a href="/quiz/4">Reprendre le quiz</a>' in me
    home = text(client.get("/"))
    assert home.count('href="/quiz/4"') == 2  # the quiz card and the next steps
    assert 'href="/quiz/4">Reprendre où je m\'étais arrêté·e' in text(client.get("/quiz"))


def test_the_personae_presented_as_ones_own_are_the_same_in_sql_and_in_python(app, make_user):
    """Held and primary, or held and "also you": only the latest result counts."""
    person = make_user().id
    flags = {  # persona: (rank, held, also you)
        "messenger": (1, True, False),
        "expert": (2, True, True),
        "curator": (3, True, False),
        "helper": (4, False, True),
    }
    with app.app_context():
        for primary in ("insider", "messenger"):  # an older result, then the latest
            db.session.add(
                QuizResult(
                    user_id=person,
                    version=1,
                    answers={},
                    primary_persona=primary,
                    scores=[
                        PersonaScore(persona=key, score=0.9 - rank / 10, rank=rank, held=held, also_you=also)
                        for key, (rank, held, also) in flags.items()
                    ]
                    if primary == "messenger"
                    else [PersonaScore(persona="insider", score=0.9, rank=1, held=True, also_you=False)],
                )
            )
            db.session.commit()
        in_sql = set(db.session.scalars(own_personae_of(person)))
        in_python = latest_result(person).own_personae()
    assert in_sql == in_python == {"messenger", "expert"}
