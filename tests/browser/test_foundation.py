"""Sign in, switch language, read notifications and sign out in a real browser, phone and desktop."""

import re

import pytest
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.notifications.services import notify
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@WIDTHS
def test_sign_in_switch_language_and_sign_out(page, live_server, make_user, viewport):
    page.set_viewport_size(viewport)
    person = make_user(display_name="Chloé Robert", language="fr")
    sign_in(page, live_server, person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Chloé")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Chloé")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Chloé")

    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You are signed out. See you soon!")).to_be_visible()


@WIDTHS
def test_wrong_password_is_explained(page, live_server, make_user, viewport):
    page.set_viewport_size(viewport)
    person = make_user()
    page.goto(f"{live_server}/login")
    page.get_by_label("Adresse e-mail").fill(person.email)
    page.get_by_label("Mot de passe").fill("not the password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()


def test_mark_all_read_updates_the_counter_without_reload(page, live_server, app, make_user):
    person = make_user()
    with app.app_context():
        notify(db.session.get(User, person.id), "welcome", {"name": "Chloé"})
        db.session.commit()
    sign_in(page, live_server, person.email)
    expect(page.locator("#unread-count")).to_have_text("1 non lue")
    page.goto(f"{live_server}/notifications")
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.locator("#unread-count")).to_be_empty()
    expect(page.locator(".notification--unread")).to_have_count(0)


def test_no_console_errors_on_the_main_pages(page, live_server, make_user):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    admin = make_user(Role.ADMIN)
    sign_in(page, live_server, admin.email)
    for path in ["/", "/me", "/notifications", "/admin/", "/admin/users"]:
        page.goto(f"{live_server}{path}")
    assert errors == []
