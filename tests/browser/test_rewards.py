"""Rewards in a browser: redeem with the question asked in place (htmx) and without JavaScript,
and comms deliver it or, once asked, cancel it; axe-core finds nothing on the pages."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.recognition.models import PointsBalance
from blueprints.rewards import services
from blueprints.rewards.models import Redemption, Reward, RewardKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_content import sign_in_en, sign_in_fr

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def setup(app, make_user, language: str, points: int = 100) -> tuple:
    person = make_user(language=language, display_name="Zoé Martin")
    with app.app_context():
        db.session.add(PointsBalance(user_id=person.id, lifetime=points, redeemed=0))
        mug = Reward(
            kind=RewardKind.CONSUMABLE,
            title_fr="Tasse aux couleurs",
            title_en="Branded mug",
            description_fr="Passe au lave-vaisselle.",
            cost=40,
            stock=2,
        )
        tree = Reward(kind=RewardKind.SYMBOLIC, title_fr="Un arbre planté", cost=500)
        db.session.add_all([mug, tree])
        db.session.commit()
        return person, mug.id


def spent(app) -> list[tuple[int, str]]:
    with app.app_context():
        return [(r.cost, r.status.value) for r in db.session.scalars(sa.select(Redemption))]


@WIDTHS
def test_redeem_in_place_with_javascript(browser, live_server, app, make_user, viewport):
    person, mug = setup(app, make_user, "en")
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/rewards")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rewards")
    expect(page.locator(".reward-balance .big-figure")).to_have_text("100")
    expect(page.locator(f"#reward-{mug} .reward-description")).to_have_attribute("lang", "fr")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("link", name="Redeem Branded mug").click()
    question = page.locator(f"#confirm-{mug}")
    expect(question).to_be_focused()
    expect(question).to_contain_text("Spend 40 points on “Branded mug”?")
    page.get_by_role("link", name="Not now").click()
    expect(page.get_by_role("link", name="Redeem Branded mug")).to_be_focused()
    assert spent(app) == []
    page.get_by_role("link", name="Redeem Branded mug").click()
    page.get_by_role("button", name="Yes, redeem it").click()
    expect(page.locator("#rewards-main .flash--success")).to_contain_text("Done: “Branded mug” is yours.")
    expect(page.locator("#rewards-main .flash--success")).to_be_focused()
    expect(page.locator(".reward-balance .big-figure")).to_have_text("60")
    expect(page.locator(f"#reward-{mug}")).to_contain_text("1 left")
    expect(page.locator("#rewards-main table")).to_contain_text("Waiting for delivery")
    assert page.evaluate("window.sameDocument === true"), "htmx should swap the catalogue in place"
    assert spent(app) == [(40, "pending")]


def test_redeem_without_javascript_and_comms_deliver(browser, live_server, app, make_user):
    person, _mug = setup(app, make_user, "en")
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/rewards")
    page.get_by_role("link", name="Redeem Branded mug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redeem “Branded mug”?")
    page.get_by_role("button", name="Yes, redeem it").click()
    expect(page.locator(".flash--success")).to_contain_text("Done: “Branded mug” is yours.")
    expect(page.locator(".reward-balance .big-figure")).to_have_text("60")
    expect(page.locator("#rewards-main table")).to_contain_text("Waiting for delivery")
    assert spent(app) == [(40, "pending")]

    comms = make_user(Role.COMMS, language="en")
    console = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(console, live_server, comms.email)
    console.goto(f"{live_server}/admin/rewards")
    expect(console.locator(".sub-nav .count-pill")).to_have_text("1 waiting")
    console.get_by_role("button", name="Mark delivered — Branded mug, Zoé Martin").click()
    expect(console.locator(".flash--success")).to_contain_text("is marked delivered to Zoé Martin")
    page.reload()
    expect(page.locator("#rewards-main table")).to_contain_text("Delivered")
    assert spent(app) == [(40, "delivered")]


def test_comms_cancel_a_redemption_once_asked(browser, live_server, app, make_user):
    person, mug = setup(app, make_user, "en")
    with app.app_context():
        services.redeem(db.session.get(User, person.id), mug)
    console = browser.new_context(locale="en-GB", viewport=PHONE, bypass_csp=True).new_page()
    sign_in_en(console, live_server, make_user(Role.COMMS, language="en").email)
    console.goto(f"{live_server}/admin/rewards")
    cancel = console.get_by_role("link", name="Cancel and give the points back — Branded mug, Zoé Martin")
    cancel.click()
    expect(console.locator(".confirm-question")).to_contain_text(
        "Zoé Martin gets the 40 points back and will be told."
    )
    violations = axe_violations(console)
    assert violations == [], describe(violations, "the question before cancelling")
    console.get_by_role("link", name="No, keep it").click()
    assert spent(app) == [(40, "pending")]
    cancel.click()
    console.get_by_role("button", name="Yes, cancel it").click()
    expect(console.locator(".flash--success")).to_contain_text(
        "Zoé Martin has the points back, and was told."
    )
    assert spent(app) == [(40, "cancelled")]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rewards_pages_pass_axe(browser, live_server, app, make_user, language):
    person, mug = setup(app, make_user, language)
    comms = make_user(Role.COMMS, language=language)
    locale = {"fr": "fr-FR", "en": "en-GB"}[language]
    sign_in = sign_in_fr if language == "fr" else sign_in_en
    page = browser.new_context(locale=locale, viewport=PHONE, bypass_csp=True).new_page()
    sign_in(page, live_server, person.email)
    for path in ["/rewards", f"/rewards/{mug}/redeem"]:
        page.goto(f"{live_server}{path}")
        violations = axe_violations(page)
        assert violations == [], describe(violations, path)
    page.goto(f"{live_server}/rewards")
    page.locator(f"#reward-{mug} a.button").click()
    expect(page.locator(f"#confirm-{mug}")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations, "the question in place")
    console = browser.new_context(locale=locale, viewport=DESKTOP, bypass_csp=True).new_page()
    sign_in(console, live_server, comms.email)
    for path in ["/admin/rewards", "/admin/rewards/new", f"/admin/rewards/{mug}/edit"]:
        console.goto(f"{live_server}{path}")
        violations = axe_violations(console)
        assert violations == [], describe(violations, path)
