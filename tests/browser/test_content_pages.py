"""Content pages in a browser: filters by htmx, copy buttons without JavaScript, the charter's
scroll box by keyboard, the error summary, moderating several suggestions at once."""

import re

import pytest
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.content import services
from blueprints.content.catalogue import Status
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en, sign_in_fr

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


@WIDTHS
def test_a_filter_changes_the_list_in_place(page, live_server, make_user, make_item, viewport):
    page.set_viewport_size(viewport)
    make_item(title="Nous recrutons", theme="careers", kind="job_offer")
    make_item(title="Le café de jeudi", theme="events", kind="event_recap")
    sign_in_fr(page, live_server, make_user(language="en", content_languages=["fr"]).email)
    page.goto(f"{live_server}/feed")
    page.evaluate("window.sameDocument = true")
    expect(page.get_by_role("button", name="Filter")).to_be_hidden()  # not needed with JavaScript
    page.get_by_label("Theme").select_option("careers")
    expect(page.locator(".content-card")).to_have_count(1)
    expect(page.get_by_role("link", name="Nous recrutons", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/feed\?theme=careers&type=$"))
    expect(page.locator("#feed-status")).to_have_text("1 item shown.")
    page.get_by_label("Type").select_option("event_recap")
    expect(
        page.locator("#feed-results").get_by_text("Nothing matches these filters for now.")
    ).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "the filters should swap the list by htmx"
    page.reload()
    expect(page.get_by_label("Type")).to_have_value("event_recap")


def test_filters_work_without_javascript_with_their_button(browser, live_server, make_user, make_item):
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    make_item(title="We are hiring", theme="careers", language="en")
    make_item(title="Thursday café", theme="events", language="en")
    sign_in_en(page, live_server, make_user(language="en").email)
    page.goto(f"{live_server}/feed")
    page.get_by_label("Theme").select_option("events")
    expect(page.locator(".content-card")).to_have_count(2)  # nothing happens until the button
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/feed\?theme=events"))
    expect(page.locator(".content-card")).to_have_count(1)


def test_copy_buttons_show_only_with_javascript(browser, live_server, make_user, make_item):
    item = make_item(title="Notre labo", share_texts={"x": ["Bravo"], "linkedin": ["Bravo"]})
    person = make_user(language="fr")
    for javascript, visible in ((False, 0), (True, 3)):
        context = browser.new_context(java_script_enabled=javascript, locale="fr-FR", viewport=PHONE)
        page = context.new_page()
        sign_in_fr(page, live_server, person.email)
        page.goto(f"{live_server}/content/{item}")
        expect(page.get_by_role("button", name="Partager sur X")).to_be_visible()
        buttons = page.get_by_role("button", name="Copier le texte")
        if visible:
            expect(buttons).to_have_count(visible)
            for number in range(visible):
                expect(buttons.nth(number)).to_be_visible()
        else:
            expect(buttons).to_have_count(0)  # hidden: not even in the accessibility tree
            assert page.locator("[data-copy]").count() == 3
            assert all(not page.locator("[data-copy]").nth(n).is_visible() for n in range(3))
        context.close()


def test_the_charter_box_scrolls_by_keyboard_on_a_phone(page, live_server, app, make_user, make_item):
    page.set_viewport_size(PHONE)
    comms = make_user(Role.COMMS)
    rules = "\n".join(
        f"Règle {n} : je partage avec mes mots, sans rien de confidentiel." for n in range(1, 25)
    )
    with app.app_context():
        services.publish_charter(db.session.get(User, comms.id), rules, rules)
    item = make_item()
    sign_in_fr(page, live_server, make_user(language="en", content_languages=["fr"]).email)
    page.goto(f"{live_server}/content/{item}")
    box = page.get_by_role("region", name="Programme charter, version 1")
    expect(box).to_be_visible()
    assert box.evaluate("el => el.scrollHeight > el.clientHeight"), "the charter should scroll here"
    page.get_by_role("link", name="← My feed").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the charter box")
    page.keyboard.press("PageDown")
    for _ in range(20):  # the page's strict CSP forbids wait_for_function's eval: poll instead
        if box.evaluate("el => el.scrollTop") > 0:
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("PageDown did not scroll the charter box")


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(page, live_server, make_user):
    page.set_viewport_size(PHONE)
    sign_in_fr(page, live_server, make_user(language="en").email)
    page.goto(f"{live_server}/suggest")
    page.get_by_role("button", name="Send my suggestion").click()
    summary = page.get_by_role("alert").filter(has_text="Some fields need your attention.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Title — ")).click()
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.locator(".field-error")).to_have_text(
        [
            "Give the address of the page you suggest.",
            "Give the title of the content.",
            "Say in a sentence or two why it is worth sharing.",
        ]
    )


@WIDTHS
def test_several_suggestions_approved_at_once_by_htmx(page, live_server, app, make_user, make_item, viewport):
    page.set_viewport_size(viewport)
    sam = make_user(display_name="Sam Suggest")
    for title in ("First idea", "Second idea", "Third idea"):
        make_item(
            title=title, language="en", status=Status.PENDING, suggestion_reason="Nice", author_id=sam.id
        )
    sign_in_fr(page, live_server, make_user(Role.COMMS, language="en").email)
    page.goto(f"{live_server}/admin/moderation")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("checkbox", name="Select First idea").check()
    page.get_by_role("checkbox", name="Select Third idea").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 suggestions published; their authors have been told."
    )
    expect(page.locator(".queue-item")).to_have_count(1)
    expect(page.locator(".queue-item h2")).to_have_text("Second idea")
    # The message takes the focus once the queue settles in (20 ms after the swap): typing the
    # reason before that would be cut off, as it would be for a person.
    expect(page.get_by_role("status")).to_be_focused()
    page.locator(".queue-item summary").click()
    page.get_by_label("Reason, sent to the person who suggested it").fill("Already covered.")
    page.get_by_role("button", name="Reject with this reason").click()
    expect(page.get_by_text("Nothing waiting: every suggestion has been answered.")).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "the queue should be swapped in place"
    with app.app_context():
        assert services.pending_count() == 0


def test_moderating_several_at_once_without_javascript(browser, live_server, make_user, make_item):
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sam = make_user()
    for title in ("One", "Two"):
        make_item(
            title=title, language="en", status=Status.PENDING, suggestion_reason="Nice", author_id=sam.id
        )
    sign_in_en(page, live_server, make_user(Role.COMMS, language="en").email)
    page.goto(f"{live_server}/admin/moderation")
    page.get_by_role("checkbox", name="Select One").check()
    page.get_by_role("checkbox", name="Select Two").check()
    page.get_by_role("button", name="Reject selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    page.get_by_label("Reason for rejecting, sent to each person").fill("Not this time.")
    page.get_by_role("button", name="Reject selected").click()
    expect(page.get_by_text("2 suggestions rejected; their authors have been told why.")).to_be_visible()


def test_the_post_preview_follows_the_text(page, live_server, make_user, make_item):
    page.set_viewport_size(DESKTOP)
    item = make_item(title="Notre labo", share_texts={"linkedin": ["Fier de notre labo"]})
    sign_in_fr(page, live_server, make_user(language="en", content_languages=["fr"]).email)
    page.goto(f"{live_server}/content/{item}")
    preview = page.locator(".post-mock--linkedin .post-mock-text")
    expect(preview).to_have_text("Fier de notre labo")
    page.get_by_label("Your post on LinkedIn").fill("Proud of our lab!")
    expect(preview).to_have_text("Proud of our lab!")
    expect(page.locator(".post-mock--linkedin .link-card-site")).to_have_text("example.org")
