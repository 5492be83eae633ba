"""Mentoring in a browser, with JavaScript and without: offer (a refused form first), ask, the
suggestion and its reasons, a request, the mentor's yes with a rhythm and a reply, a session
logged and seen by both; and the pages pass axe-core in both languages."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import User
from blueprints.mentoring import services
from blueprints.mentoring.models import MentoringPair, MentoringSession, MentorOffer, PairStatus
from blueprints.mentoring.services import OfferInput, WishInput
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_content import sign_in_en, sign_in_fr

EXPERTISE = "theme:expertise"


def new_page(browser, viewport, javascript: bool, locale: str = "en-GB", **options):
    context = browser.new_context(locale=locale, viewport=viewport, java_script_enabled=javascript, **options)
    return context.new_page()


def stored(app, model):
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).order_by(model.id)))
        db.session.expunge_all()
        return found


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_offer_ask_request_accept_and_log_a_session(browser, live_server, app, make_user, javascript):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")

    # The mentor offers, on a phone; the form sent without a topic comes back with the error.
    page = new_page(browser, PHONE, javascript)
    sign_in_en(page, live_server, mentor.email)
    page.goto(f"{live_server}/mentoring")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring")
    page.get_by_role("link", name="Offer mentoring", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer mentoring")
    expect(page.get_by_label("English")).to_be_checked()  # the reader's language, to start with
    page.get_by_role("button", name="Save my offer").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one topic from the list.")
    expect(page.locator("#topics-error")).to_have_text("Choose at least one topic from the list.")
    page.get_by_label("Expertise and innovation").check()
    page.get_by_label("How many mentees at once").select_option("2")
    page.get_by_label("How you like to work (optional)").fill("Mornings, by video.")
    page.get_by_role("button", name="Save my offer").click()
    expect(page.locator(".flash--success")).to_contain_text(
        "Colleagues looking for a mentor can now find you"
    )
    expect(page.locator("section[aria-labelledby=offer-title]")).to_contain_text("Open to new mentees")
    [offer] = stored(app, MentorOffer)
    assert (offer.topics, offer.languages, offer.capacity) == ([EXPERTISE], ["en"], 2)

    # The mentee asks, on a desktop, and asks the suggested mentor.
    other = new_page(browser, DESKTOP, javascript)
    sign_in_en(other, live_server, mentee.email)
    other.goto(f"{live_server}/mentoring")
    other.get_by_role("link", name="Ask for a mentor", exact=True).click()
    other.get_by_label("Expertise and innovation").check()
    other.get_by_label("Your goal, in your own words").fill(
        "Write my first post without fearing the comments."
    )
    other.get_by_role("button", name="Save my wish").click()
    expect(other.locator(".flash--success")).to_contain_text("Choose a mentor among the colleagues who fit")
    # Straight to the suggestions, their heading clear of the sticky header.
    assert other.url.endswith("/mentoring#suggestions")
    header_bottom = other.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    assert other.locator("#suggestions-title").bounding_box()["y"] >= header_bottom
    suggestion = other.locator(".challenge-card").filter(has_text="Mona Mentor")
    expect(suggestion).to_contain_text("Why this person")
    expect(suggestion).to_contain_text("Offers what you ask for: Expertise and innovation")
    expect(suggestion).to_contain_text("Mornings, by video.")
    suggestion.get_by_role("link", name="Ask Mona (Mona Mentor)").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Mona Mentor")
    other.get_by_label("Your message").fill("Hello Mona, I would love your help.")
    other.get_by_role("button", name="Send my request").click()
    expect(other.locator(".flash--success")).to_contain_text("Your request is on its way to Mona Mentor")
    expect(other.locator("section[aria-labelledby=waiting-title]")).to_contain_text(
        "Mentoring request to Mona Mentor"
    )

    # The mentor says yes, with a rhythm and a reply, and lands on the pair's page.
    page.goto(f"{live_server}/mentoring")
    waiting = page.locator("section[aria-labelledby=to-answer-title]")
    expect(waiting).to_contain_text("Mel Mentee")
    expect(waiting).to_contain_text("Hello Mona, I would love your help.")
    waiting.get_by_label("Suggested rhythm, if you say yes").select_option(label="Every week, 30 minutes")
    waiting.get_by_label("Your reply (optional)").fill("With pleasure!")
    waiting.get_by_role("button", name="Accept — Mel Mentee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring with Mel Mentee")
    expect(page.locator(".flash--success")).to_contain_text("You are now Mel Mentee’s mentor")
    expect(page.locator("main > .content-meta .status")).to_have_text("Active")
    expect(page.locator("section[aria-labelledby=about-title]")).to_contain_text("Every week, 30 minutes")

    # A session logged (the date is today's by default) shows for both.
    page.get_by_label("In a line (optional)").fill("First talk: the plan for the post.")
    page.get_by_role("button", name="Log this session").click()
    expect(page.locator(".flash--success")).to_contain_text("Session logged.")
    expect(page.locator("#sessions")).to_contain_text("First talk: the plan for the post.")
    [pair] = stored(app, MentoringPair)
    assert (pair.status, pair.reply, pair.rhythm.value) == (PairStatus.ACTIVE, "With pleasure!", "weekly")
    [session] = stored(app, MentoringSession)
    assert (session.pair_id, session.notes) == (pair.id, "First talk: the plan for the post.")

    other.goto(f"{live_server}/mentoring")
    expect(other.locator("section[aria-labelledby=wish-title]")).to_contain_text(
        "Mona Mentor is your mentor."
    )
    other.get_by_role("link", name="Mentoring with Mona Mentor").click()
    expect(other.locator("main > .content-meta .status")).to_have_text("Active")
    expect(other.locator("#sessions")).to_contain_text("First talk: the plan for the post.")
    expect(other.locator("#sessions")).to_contain_text("Logged by Mona")
    expect(other.locator("section[aria-labelledby=about-title]")).to_contain_text("With pleasure!")


def set_up_pages(app, make_user, language: str) -> dict:
    """A mentor with a request to answer from one mentee and an active pair with another."""
    mentor = make_user(language=language, display_name="Mona Mentor")
    asking = make_user(language=language, display_name="Mel Mentee")
    paired = make_user(language=language, display_name="Paul Paired")
    with app.app_context():
        person = lambda user_id: db.session.get(User, user_id)  # noqa: E731
        services.save_offer(
            person(mentor.id), OfferInput([EXPERTISE], ["fr", "en"], 3, "Mornings, by video.")
        )
        for mentee in (asking, paired):
            services.save_wish(person(mentee.id), WishInput([EXPERTISE], [language], "Speak up at meetings."))
        active = services.request_mentor(person(paired.id), mentor.id, "Could you help me?")
        services.answer(person(mentor.id), active.id, True, "Gladly.", "monthly")
        waiting = services.request_mentor(person(asking.id), mentor.id, "Hello, may I ask you?")
        return {"mentor": mentor, "asking": asking, "pair": active.id, "request": waiting.id}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_mentoring_pages_pass_axe(browser, live_server, app, make_user, language):
    people = set_up_pages(app, make_user, language)
    locale = {"fr": "fr-FR", "en": "en-GB"}[language]
    sign_in = sign_in_fr if language == "fr" else sign_in_en
    mentor = new_page(browser, PHONE, True, locale, bypass_csp=True)
    sign_in(mentor, live_server, people["mentor"].email)
    mentee = new_page(browser, DESKTOP, True, locale, bypass_csp=True)
    sign_in(mentee, live_server, make_user(language=language).email)
    mentee.goto(f"{live_server}/mentoring/ask")
    mentee.locator(f"input[value='{EXPERTISE}']").check()
    mentee.locator("main textarea").fill("Find my voice.")
    mentee.locator("main form[method=post] button[type=submit]").click()
    expect(mentee.locator(".flash--success")).to_be_visible()
    visits = [
        (mentor, "/mentoring", None),
        (mentor, "/mentoring/offer", "submit-empty"),
        (mentor, f"/mentoring/pairs/{people['pair']}", None),
        (mentor, f"/mentoring/pairs/{people['request']}", None),
        (mentee, "/mentoring", None),
        (mentee, "/mentoring/ask", None),
        (mentee, f"/mentoring/mentors/{people['mentor'].id}", None),
        (mentee, f"/mentoring/mentors/{people['mentor'].id}", "submit"),
    ]
    for page, path, action in visits:
        page.goto(f"{live_server}{path}")
        if action == "submit-empty":
            page.locator("main form[method=post] input[type=checkbox]:checked").first.uncheck()
        if action:
            page.locator("main form[method=post] button[type=submit]").first.click()
            expect(page.locator(".field-error").first).to_be_visible()
        violations = axe_violations(page)
        assert violations == [], describe(violations, f"{path} ({language}, {action})")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways"
    assert re.search(r"/mentoring/mentors/\d+/request$", mentee.url)
