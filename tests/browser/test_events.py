"""Events in a browser: sign up, wait in line, cancel, and see the promotion."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from base.database import db, utcnow
from blueprints.accounts.models import Role
from blueprints.events.models import Event
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en, sign_in_fr

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def make_event(app, organiser_id, **fields):
    starts = utcnow() + timedelta(days=2)
    with app.app_context():
        event = Event(
            title=fields.pop("title", "Café des ambassadeurs"),
            kind="social_cafe",
            language=fields.pop("language", "fr"),
            place="Paris",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            organiser_id=organiser_id,
            **fields,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


@WIDTHS
def test_sign_up_wait_cancel_and_promotion(browser, live_server, app, make_user, viewport):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, capacity=1)
    first, second = make_user(language="fr", display_name="Alice Premier"), make_user(language="fr")
    first_page = browser.new_context(locale="fr-FR", viewport=viewport).new_page()
    second_page = browser.new_context(locale="fr-FR", viewport=viewport).new_page()

    sign_in_fr(first_page, live_server, first.email)
    first_page.goto(f"{live_server}/events")
    first_page.get_by_role("link", name="Café des ambassadeurs").click()
    first_page.evaluate("window.sameDocument = true")
    first_page.get_by_role("button", name="S'inscrire").click()
    expect(first_page.locator("#signup")).to_contain_text("Vous êtes inscrit·e. À bientôt !")
    assert first_page.evaluate("window.sameDocument === true"), "htmx should swap the panel in place"

    sign_in_fr(second_page, live_server, second.email)
    second_page.goto(f"{live_server}/events/{event}")
    expect(second_page.locator("#signup")).to_contain_text("Complet")
    expect(second_page.locator("#signup")).to_contain_text("Alice")
    second_page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(second_page.locator("#signup")).to_contain_text("Vous êtes numéro 1 sur la liste d'attente.")

    first_page.get_by_role("button", name="Annuler mon inscription").click()
    expect(first_page.locator("#signup")).to_contain_text("1 personne attend")  # asked first: someone waits
    first_page.get_by_role("button", name="Oui, je libère ma place").click()
    expect(first_page.locator("#signup")).to_contain_text("Votre inscription est annulée.")

    second_page.reload()
    expect(second_page.locator("#signup")).to_contain_text("Vous êtes inscrit·e.")
    expect(second_page.locator(".bell .badge")).to_have_text(re.compile(r"^2\b"))  # place in line, then seat
    second_page.goto(f"{live_server}/notifications")
    expect(second_page.get_by_role("paragraph").filter(has_text="Une place s'est libérée")).to_be_visible()
    expect(
        second_page.get_by_role("paragraph").filter(has_text="Vous êtes numéro 1 sur la liste d'attente de «")
    ).to_be_visible()


def test_sign_up_and_cancel_without_javascript(browser, live_server, app, make_user):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, title="Webinar: your own words", language="en", capacity=None)
    person = make_user(language="en")
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/events/{event}")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash--success")).to_have_text("You are registered. See you there!")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.locator(".flash--success")).to_have_text("Your registration is cancelled.")
    expect(page.get_by_role("button", name="Sign up")).to_be_visible()
