"""Recognition in a browser: the wall of fame's "load more" with and without JavaScript, the
console's points table edited in place (and on its own page without JavaScript), and axe-core
on the recognition pages at phone and desktop widths."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role
from blueprints.recognition.fame import PAGE_SIZE
from blueprints.recognition.models import BadgeAward, FameEntry
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_content import sign_in_en

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def fill_the_wall(app, make_user, number: int) -> None:
    people = [make_user(display_name=f"Person {n}") for n in range(number)]
    with app.app_context():
        db.session.add_all(
            FameEntry(
                kind="badge",
                user_id=person.id,
                params={"badge": "first_share"},
                link_endpoint="recognition.badge",
                link_values={"key": "first_share"},
                key=f"browser:{person.id}",
                created_at=NOON + timedelta(minutes=n),
            )
            for n, person in enumerate(people)
        )
        db.session.add_all(
            BadgeAward(user_id=person.id, badge="first_share", earned_at=NOON) for person in people
        )
        db.session.commit()


@WIDTHS
def test_load_more_on_the_wall_with_htmx(browser, live_server, app, make_user, viewport):
    fill_the_wall(app, make_user, PAGE_SIZE + 4)
    person = make_user(language="en")
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/fame")
    page.evaluate("window.sameDocument = true")
    expect(page.locator(".fame-entry")).to_have_count(PAGE_SIZE)
    expect(page.locator(".tabs a[aria-current=page]")).to_have_text("Wall of fame")
    page.get_by_role("link", name="Load more").click()
    expect(page.locator(".fame-entry")).to_have_count(PAGE_SIZE + 4)
    expect(page.locator(".fame-entry").nth(PAGE_SIZE)).to_be_focused()  # reading goes on there
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    expect(page.locator(".fame-entry").last).to_contain_text("Person 0 earned the badge “First share”.")
    assert page.evaluate("window.sameDocument === true"), "htmx should append the next entries in place"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_load_more_on_the_wall_without_javascript(browser, live_server, app, make_user):
    fill_the_wall(app, make_user, PAGE_SIZE + 2)
    person = make_user(language="en")
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/fame")
    page.get_by_role("link", name="Load more").click()
    expect(page).to_have_url(re.compile(r"/fame\?before=\d+$"))
    expect(page.locator(".fame-entry")).to_have_count(2)
    page.get_by_role("link", name="← Back to the latest successes").click()
    expect(page.locator(".fame-entry")).to_have_count(PAGE_SIZE)


@WIDTHS
def test_the_points_table_is_edited_in_place(browser, live_server, make_user, viewport):
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/points")
    page.evaluate("window.sameDocument = true")
    row = page.locator("#rule-event_registered")

    row.get_by_role("link", name="Change Signing up for an event").click()
    points = row.get_by_label("Points for each action")
    expect(points).to_be_focused()
    points.fill("5000")
    row.get_by_role("button", name="Save").click()
    expect(row.locator("#event_registered-points-error")).to_contain_text("between 0 and 1,000")
    # Focus comes back to the points once the errors settle in (20 ms after the swap): typing
    # elsewhere before that would go on in the points field, as it would for a person.
    expect(row.get_by_label("Points for each action")).to_be_focused()

    row.get_by_label("Points for each action").fill("7")
    row.get_by_label("Rewarded actions at most").fill("2")
    row.get_by_label("Period of the cap").select_option(label="Per day")
    row.get_by_role("button", name="Save").click()
    expect(row.locator("td").first).to_have_text("7")
    expect(row).to_contain_text("2 rewarded actions a day")
    expect(row).to_contain_text("Changed")
    expect(page.locator("#points-status")).to_contain_text("“Signing up for an event” now earns 7 points.")
    expect(row.get_by_role("link", name="Change Signing up for an event")).to_be_focused()

    row.get_by_role("link", name="Change Signing up for an event").click()
    row.get_by_role("link", name="Cancel").click()
    expect(row.locator("td").first).to_have_text("7")
    assert page.evaluate("window.sameDocument === true"), "htmx should edit the row in place"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_points_table_without_javascript(browser, live_server, make_user):
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/points")
    page.get_by_role("link", name="Change Signing up for an event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Points for “Signing up for an event”")
    page.get_by_label("Points for each action").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/admin/points#rule-event_registered$"))
    expect(page.locator(".flash--success")).to_contain_text("now earns 4 points")
    expect(page.locator("#rule-event_registered td").first).to_have_text("4")


RECOGNITION_PAGES = [
    ("employee", "/fame"),
    ("employee", "/badges"),
    ("employee", "/badges/first_share"),
    ("comms", "/admin/points"),
    ("comms", "/admin/points/event_registered"),
    ("comms", "/admin/points/recompute"),
    ("comms", "/admin/fame"),
]


@WIDTHS
def test_no_axe_violations_on_the_recognition_pages(browser, live_server, app, make_user, viewport):
    fill_the_wall(app, make_user, 3)
    with app.app_context():
        entry = db.session.get(FameEntry, 1)
        entry.featured_at = NOON
        db.session.commit()
    people = {"employee": make_user(language="en"), "comms": make_user(Role.COMMS, language="en")}
    for role, path in RECOGNITION_PAGES:
        page = browser.new_context(locale="en-GB", viewport=viewport, bypass_csp=True).new_page()
        sign_in_en(page, live_server, people[role].email)
        page.goto(f"{live_server}{path}", wait_until="domcontentloaded")
        violations = axe_violations(page)
        assert violations == [], describe(violations, f"{path} ({viewport['width']} px)")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        page.context.close()
