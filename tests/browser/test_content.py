"""The content flows in a browser: sharing behind the charter, suggestion to feed, load more, likes."""

import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.content import services
from blueprints.content.feed import PAGE_SIZE
from blueprints.content.models import Share
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_quiz import sign_in

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def sign_in_fr(page, base, email):
    sign_in(page, base, email, "Adresse e-mail", "Mot de passe", "Se connecter")


def sign_in_en(page, base, email):
    sign_in(page, base, email, "E-mail address", "Password", "Sign in")


@WIDTHS
def test_share_on_linkedin_after_accepting_the_charter(
    page, context, live_server, app, make_user, make_item, viewport
):
    page.set_viewport_size(viewport)
    comms = make_user(Role.COMMS)
    with app.app_context():
        services.publish_charter(db.session.get(User, comms.id), "Je reste courtois.", "I stay courteous.")
    item = make_item(
        title="Notre nouveau laboratoire",
        url="https://www.lumen-co.example/lab",
        share_texts={"linkedin": ["Fier de notre nouveau labo !"], "x": ["Nouveau labo #Lumen"]},
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    person = make_user(language="fr")
    sign_in_fr(page, live_server, person.email)

    page.goto(f"{live_server}/feed")
    page.get_by_role("link", name="Notre nouveau laboratoire", exact=True).click()
    expect(page.get_by_text("Je reste courtois.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Partager sur"))).to_have_count(0)
    page.get_by_role("button", name="J'ai lu la charte et je l'accepte").click()
    expect(page.locator(".flash--success")).to_contain_text("vous pouvez maintenant partager")

    page.get_by_label("Votre publication sur LinkedIn").fill("Fier de notre nouveau labo ! Venez le visiter.")
    # A new tab follows our redirect to LinkedIn (unreachable here: the request is what counts).
    linkedin = "https://www.linkedin.com/sharing/share-offsite/"
    with context.expect_event("request", lambda request: request.url.startswith(linkedin)) as opened:
        page.get_by_role("button", name=re.compile("Partager sur LinkedIn")).click()
    with app.app_context():
        token = db.session.scalar(
            sa.select(Share.token).where(Share.user_id == person.id, Share.item_id == item)
        )
    assert opened.value.url == linkedin + "?" + urlencode({"url": f"http://127.0.0.1:5000/r/{token}"})
    expect(page.locator("#toast")).to_have_text("Texte copié — collez-le dans votre publication.")
    assert page.evaluate("navigator.clipboard.readText()") == "Fier de notre nouveau labo ! Venez le visiter."

    page.reload()
    expect(page).to_have_url(f"{live_server}/content/{item}")
    expect(page.locator(".share-network", has_text="LinkedIn").get_by_text("Partagé ✓")).to_be_visible()


def test_a_suggestion_approved_by_comms_appears_in_the_feed(browser, live_server, make_user):
    employee = make_user(language="en", display_name="Erin Employee")
    comms = make_user(Role.COMMS, language="en")
    employee_page = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(employee_page, live_server, employee.email)
    employee_page.goto(f"{live_server}/feed")
    employee_page.get_by_role("link", name="Suggest content").click()
    employee_page.get_by_label("Link").fill("https://www.lighting-today.example/lumen")
    employee_page.get_by_label("Title").fill("Lumen lights up Nantes")
    employee_page.get_by_label("Why is it worth sharing?").fill("Great photos of our street lights.")
    employee_page.get_by_role("button", name="Send my suggestion").click()
    expect(employee_page.locator(".flash--success")).to_contain_text("Thank you!")
    expect(employee_page.get_by_text("Waiting for moderation")).to_be_visible()

    comms_page = browser.new_context(locale="en-GB", viewport=DESKTOP).new_page()
    sign_in_en(comms_page, live_server, comms.email)
    comms_page.goto(f"{live_server}/admin/")
    comms_page.get_by_role("link", name=re.compile("Moderation")).click()
    comms_page.get_by_role("link", name="Lumen lights up Nantes", exact=True).first.click()
    comms_page.get_by_label("Summary").fill("A regional paper on our new street lights.")
    comms_page.get_by_label("Theme").select_option("products")
    comms_page.get_by_label("X, text 1").fill("Our lights in Nantes")
    comms_page.get_by_role("button", name="Approve and publish").click()
    expect(comms_page.locator(".flash--success")).to_contain_text("Erin Employee has been told")

    employee_page.goto(f"{live_server}/feed")
    expect(employee_page.get_by_role("link", name="Lumen lights up Nantes", exact=True)).to_be_visible()
    # Three notices: the suggestion was received, then published, and the first one earns a badge.
    expect(employee_page.locator(".bell .badge")).to_have_text(re.compile(r"^3\b"))


@WIDTHS
def test_load_more_and_likes_with_htmx(page, live_server, make_user, make_item, viewport):
    page.set_viewport_size(viewport)
    themes = ["company_news", "careers", "events", "impact"]
    for number in range(PAGE_SIZE + 3):
        make_item(title=f"Article {number}", theme=themes[number % 4])
    person = make_user(language="fr")
    sign_in_fr(page, live_server, person.email)
    page.goto(f"{live_server}/feed")
    page.evaluate("window.sameDocument = true")
    expect(page.locator(".content-card")).to_have_count(PAGE_SIZE)
    page.get_by_role("link", name="Voir plus").click()
    expect(page.locator(".content-card")).to_have_count(PAGE_SIZE + 3)
    expect(page.get_by_role("link", name="Voir plus")).to_have_count(0)
    first = page.locator(".content-card").first
    first.get_by_role("button", name=re.compile("^J'aime")).click()
    expect(first.get_by_role("button", name=re.compile("^Aimé"))).to_have_attribute("aria-pressed", "true")
    expect(first.get_by_text("1 j'aime")).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "htmx should load more and like in place"


def test_load_more_and_likes_without_javascript(browser, live_server, make_user, make_item):
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    page = context.new_page()
    for number in range(PAGE_SIZE + 2):
        make_item(title=f"Story {number}", language="en")
    person = make_user(language="en")
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/feed")
    page.get_by_role("link", name="Load more").click()
    expect(page.locator(".content-card")).to_have_count(2)
    card = page.locator(".content-card").first
    card.get_by_role("button", name=re.compile("^Save")).click()
    expect(page).to_have_url(re.compile(r"/feed\?cursor="))
    page.goto(f"{live_server}/feed?saved=1")
    expect(page.locator(".content-card")).to_have_count(1)
