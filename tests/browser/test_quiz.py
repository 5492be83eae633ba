"""The whole persona quiz in a browser: with htmx in French, without JavaScript in English."""

import re

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect

from blueprints.quiz.personae import BY_KEY
from blueprints.quiz.questions import QUESTIONS
from blueprints.quiz.scoring import persona_scores, rank_personae
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def sign_in(page, base, email, email_label, password_label, button):
    page.goto(f"{base}/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()


@WIDTHS
def test_quiz_with_htmx_in_french(page, live_server, make_user, viewport):
    page.set_viewport_size(viewport)
    person = make_user(language="fr")
    sign_in(page, live_server, person.email, "Adresse e-mail", "Mot de passe", "Se connecter")
    page.get_by_role("link", name="Passer le quiz").first.click()
    page.get_by_role("button", name="Commencer le quiz").click()
    page.evaluate("window.sameDocument = true")  # lost on any full page load

    page.get_by_role("button", name="Suivante →").click()  # nothing chosen yet
    expect(page.get_by_role("alert")).to_have_text("Choisissez une réponse pour continuer.")
    for number, question in enumerate(QUESTIONS, start=1):
        expect(page.locator(".quiz-progress-label")).to_have_text(f"Question {number} sur {len(QUESTIONS)}")
        if number == 2:  # go back once, and forward again
            page.get_by_role("link", name="← Retour").click()
            expect(page.locator(".quiz-progress-label")).to_have_text(f"Question 1 sur {len(QUESTIONS)}")
            expect(page.locator("input[name=answer]:checked")).to_have_count(1)
            page.get_by_role("button", name="Suivante →").click()
            # Question 2 again before answering it: a click meant for it would land on question 1.
            expect(page.locator(".quiz-progress-label")).to_have_text(f"Question 2 sur {len(QUESTIONS)}")
        page.locator(".choice").first.click()
        if question.multiple:
            page.locator(".choice").nth(1).click()
        page.get_by_role("button", name=re.compile("Suivante|Voir mon résultat")).click()
        if number < len(QUESTIONS):
            expect(page).to_have_url(re.compile(rf"/quiz/{number + 1}$"))
            assert page.evaluate("window.sameDocument === true"), "htmx should swap the card in place"
    expect(page).to_have_url(re.compile(r"/quiz/results/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil d'ambassadeur : Messager")
    expect(page.locator(".persona-bar")).to_have_count(11)


def test_quiz_without_javascript_in_english(app, browser, live_server, make_user):
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    page = context.new_page()
    person = make_user(language="en")
    sign_in(page, live_server, person.email, "E-mail address", "Password", "Sign in")
    page.goto(f"{live_server}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    for number, question in enumerate(QUESTIONS, start=1):
        expect(page.locator(".quiz-progress-label")).to_have_text(f"Question {number} of {len(QUESTIONS)}")
        page.locator(".choice").last.click() if not question.multiple else page.locator(
            ".choice"
        ).first.click()
        page.get_by_role("button", name=re.compile("Next|See my result")).click()
    expect(page).to_have_url(re.compile(r"/quiz/results/\d+$"))
    # The answers clicked: each question's last choice, the first network.
    answers = {q.key: [q.options[0].key] if q.multiple else q.options[-1].key for q in QUESTIONS}
    primary = BY_KEY[rank_personae(persona_scores(answers))[0].persona]
    with app.app_context(), force_locale("en"):
        heading = f"Your ambassador profile: {primary.name}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.goto(f"{live_server}/")
    expect(page.get_by_text(heading, exact=True)).to_be_visible()
    context.close()


def shown(page, number: int):
    """The page shows question ``number`` and the address bar says so."""
    expect(page.locator(".quiz-progress-label")).to_have_text(f"Question {number} sur {len(QUESTIONS)}")
    expect(page).to_have_url(re.compile(rf"/quiz/{number}$"))


def next_question(page, to: int):
    """Answer the question on screen and wait for question ``to``."""
    page.locator(".choice").first.click()
    page.get_by_role("button", name="Suivante →").click()
    shown(page, to)


@WIDTHS
def test_quiz_address_reload_and_back_follow_the_question_on_screen(page, live_server, make_user, viewport):
    page.set_viewport_size(viewport)
    person = make_user(language="fr")
    sign_in(page, live_server, person.email, "Adresse e-mail", "Mot de passe", "Se connecter")
    page.goto(f"{live_server}/quiz")
    page.get_by_role("button", name="Commencer le quiz").click()
    shown(page, 1)
    next_question(page, to=2)
    page.reload()
    shown(page, 2)
    page.go_back()
    shown(page, 1)
    page.go_forward()
    shown(page, 2)
    next_question(page, to=3)
    next_question(page, to=4)
    page.get_by_role("link", name="← Retour").click()
    shown(page, 3)
    page.reload()
    shown(page, 3)
    page.go_back()
    shown(page, 4)


def test_a_step_sent_back_to_an_earlier_question_shows_its_address(page, live_server, make_user):
    person = make_user(language="fr")
    sign_in(page, live_server, person.email, "Adresse e-mail", "Mot de passe", "Se connecter")
    page.goto(f"{live_server}/quiz")
    page.get_by_role("button", name="Commencer le quiz").click()
    next_question(page, to=2)
    next_question(page, to=3)
    other_tab = page.context.new_page()  # the quiz started again elsewhere: the answers are gone
    other_tab.goto(f"{live_server}/quiz")
    other_tab.get_by_role("button", name="Commencer le quiz").click()
    shown(other_tab, 1)  # closed only once its page has loaded: closing mid-navigation can hang
    other_tab.close()
    next_question(page, to=1)
    page.reload()
    shown(page, 1)
