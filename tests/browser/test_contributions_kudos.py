"""Contributions and kudos in a browser: declare, comms validate, points and the wall of fame;
thank a colleague with the search as one types, and without JavaScript."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role
from blueprints.kudos import services as kudos
from blueprints.kudos.models import Kudos
from blueprints.recognition.models import FameEntry
from blueprints.recognition.services import balance_of
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def english_page(browser, viewport, javascript: bool = True):
    return browser.new_context(locale="en-GB", viewport=viewport, java_script_enabled=javascript).new_page()


@WIDTHS
def test_declare_then_comms_validate_then_points_and_the_wall_of_fame(
    browser, live_server, app, make_user, viewport
):
    author = make_user(language="en", display_name="Ada Author")
    comms = make_user(Role.COMMS, language="en", display_name="Cleo Comms")
    page = english_page(browser, viewport)
    sign_in_en(page, live_server, author.email)
    page.goto(f"{live_server}/contributions")
    expect(page.get_by_role("heading", level=1)).to_have_text("My contributions")
    page.get_by_label("What was it?").select_option(label="A talk at a conference or a school")
    page.get_by_label("When did it happen?").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Title").fill("Engineering careers at the Lycée Ampère")
    page.get_by_label("Link (optional)").fill("https://www.example.org/ampere")
    page.get_by_role("button", name="Declare it").click()
    expect(page.locator(".flash--success")).to_contain_text("The comms team will review")
    expect(page.locator(".contribution-list")).to_contain_text("Waiting for the comms team")

    console = english_page(browser, viewport)
    sign_in_en(console, live_server, comms.email)
    console.goto(f"{live_server}/admin/contributions")
    expect(console.locator(".sub-nav")).to_contain_text(re.compile(r"Contributions\s*1"))
    item = console.locator(".queue-item").filter(has_text="Engineering careers at the Lycée Ampère")
    item.get_by_label("Feature it at the top of the wall of fame").check()
    item.get_by_role("button", name=re.compile("^Validate")).click()
    expect(console.locator(".flash--success")).to_contain_text("Validated: Ada Author has been told")
    expect(console.get_by_text("Nothing waiting: every contribution has been reviewed.")).to_be_visible()

    page.reload()
    expect(page.locator(".contribution-list")).to_contain_text("Validated")
    expect(page.locator("#points-counter")).to_contain_text("30")
    with app.app_context():
        assert balance_of(author.id).lifetime == 30
        entry = db.session.scalar(sa.select(FameEntry).where(FameEntry.kind == "contribution"))
        assert entry is not None and entry.featured_at is not None
    console.goto(f"{live_server}/fame")
    featured = console.locator(".fame-entry--featured")
    expect(featured.filter(has_text="Engineering careers at the Lycée Ampère")).to_contain_text("Ada Author")


def test_kudos_with_the_search_as_one_types(browser, live_server, app, make_user):
    colleague = make_user(language="en", display_name="Carla Dupont")
    make_user(display_name="Carl Other")
    me = make_user(language="en", display_name="Sam Sender")
    page = english_page(browser, PHONE)
    sign_in_en(page, live_server, me.email)
    page.goto(f"{live_server}/kudos")
    page.evaluate("window.sameDocument = true")
    expect(page.get_by_role("button", name="Search")).to_be_hidden()  # htmx does it as one types
    page.get_by_label("Search by name or e-mail").press_sequentially("dupo", delay=30)
    expect(page.get_by_role("radio", name=re.compile("Carla Dupont"))).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(1)
    assert page.evaluate("window.sameDocument === true"), "the matches should come without reloading"
    page.get_by_role("radio", name=re.compile("Carla Dupont")).check()
    page.get_by_label("What are you thanking them for?").fill("Your demo convinced the client.")
    page.get_by_role("button", name="Send my thanks").click()
    expect(page.locator(".flash--success")).to_have_text("Thank you! Carla Dupont will see your kudos.")
    expect(page.get_by_role("region", name=re.compile("Kudos sent"))).to_contain_text("To Carla Dupont")
    with app.app_context():
        [kudos] = db.session.scalars(sa.select(Kudos)).all()
        assert (kudos.sender_id, kudos.recipient_id) == (me.id, colleague.id)


def test_kudos_without_javascript(browser, live_server, app, make_user):
    colleague = make_user(language="en", display_name="Carla Dupont")
    me = make_user(language="en")
    page = english_page(browser, PHONE, javascript=False)
    sign_in_en(page, live_server, me.email)
    page.goto(f"{live_server}/kudos")
    page.get_by_label("What are you thanking them for?").fill("Thanks for covering my shift.")
    page.get_by_label("Search by name or e-mail").fill("carla")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("radio", name=re.compile("Carla Dupont")).check()
    expect(page.get_by_label("What are you thanking them for?")).to_have_value(
        "Thanks for covering my shift."
    )
    page.get_by_role("button", name="Send my thanks").click()
    expect(page.locator(".flash--success")).to_have_text("Thank you! Carla Dupont will see your kudos.")
    with app.app_context():
        [kudos] = db.session.scalars(sa.select(Kudos)).all()
        assert (kudos.sender_id, kudos.recipient_id, kudos.message) == (
            me.id,
            colleague.id,
            "Thanks for covering my shift.",
        )


def test_thanks_with_a_long_link_wrap_on_the_recipients_phone(browser, live_server, app, make_user):
    colleague = make_user(language="en")
    with app.app_context():
        kudos.send(make_user(), colleague.id, "https://example.org/" + "a" * 250)
    page = english_page(browser, PHONE)
    sign_in_en(page, live_server, colleague.email)
    for path in ("/", "/notifications"):
        page.goto(f"{live_server}{path}")
        expect(page.get_by_text("aaaaaaaaaa").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
