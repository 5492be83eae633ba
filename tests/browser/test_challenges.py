"""Challenges in a browser: join, share, and see the board move — with and without JavaScript,
at phone and desktop width."""

import re

import pytest
from playwright.sync_api import expect

from base.database import db, utcnow
from blueprints.accounts.models import Role
from blueprints.challenges.models import Challenge, Mode, RewardKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en
from tests.test_challenges_pages import DAY, give_scores, share

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
SCRIPTS = pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])


def make_challenge(app, author_id: int, **fields) -> int:
    with app.app_context():
        row = Challenge(
            created_by_id=author_id,
            mode=Mode.PERSONAL,
            metric="shares",
            reward_kind=RewardKind.SYMBOLIC,
            reward_en="A tree planted for each winner",
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def rows(page) -> list[str]:
    return [re.sub(r"\s+", " ", row).strip() for row in page.locator("#board tbody tr").all_inner_texts()]


@WIDTHS
@SCRIPTS
def test_join_share_and_see_the_board_move(
    browser, live_server, app, make_user, make_item, viewport, javascript
):
    now = utcnow()
    challenge_id = make_challenge(
        app,
        make_user(Role.COMMS).id,
        title_fr="Sprint du partage",
        title_en="Share sprint",
        starts_at=now - 10 * DAY,
        ends_at=now + 10 * DAY,
    )
    item = make_item(title="Our new plant")
    rival = make_user(display_name="Rita Rival").id
    give_scores(app, challenge_id, {rival: 1}, at=now - 9 * DAY)  # last week at the latest
    person = make_user(language="en", display_name="Pat Person")
    page = browser.new_context(locale="en-GB", viewport=viewport, java_script_enabled=javascript).new_page()
    sign_in_en(page, live_server, person.email)

    page.goto(f"{live_server}/challenges")
    page.get_by_role("link", name="Share sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share sprint")
    if javascript:
        page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Join the challenge").click()
    expect(page.locator("#join-panel")).to_contain_text("You take part since")
    expect(page.locator("#board")).to_contain_text("2 people take part.")  # refreshed after joining
    if javascript:
        assert page.evaluate("window.sameDocument === true"), "htmx should swap the panel in place"
        expect(page.get_by_role("button", name="Leave the challenge")).to_be_focused()
    else:
        expect(page.locator(".flashes")).to_contain_text("You are in!")

    # This week nobody has counted anything yet; the whole challenge has the rival on top.
    expect(page.locator("#board")).to_contain_text("Nothing counted yet this week")
    page.get_by_role("link", name="Whole challenge").click()
    expect(page).to_have_url(re.compile(r"view=all"))
    expect(page.locator("#board tbody tr")).to_have_count(1)
    assert rows(page) == ["1 Rita Rival 1"]

    share(app, person.id, item, utcnow())  # after joining: counted
    share(app, person.id, item, utcnow())
    page.reload()
    expect(page.locator("#board tbody tr")).to_have_count(2)
    assert rows(page) == ["1 You 2", "2 Rita Rival 1"]
    page.get_by_role("link", name="This week").click()
    expect(page.locator("#board tbody tr")).to_have_count(1)
    assert rows(page) == ["1 You 2"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="Leave the challenge").click()
    expect(page.locator("main")).to_contain_text("You left the challenge.")  # the panel or a flash
    expect(page.get_by_role("button", name="Join the challenge")).to_be_visible()
    expect(page.locator("#board")).not_to_contain_text("You 2")  # off the board once left

    page.goto(f"{live_server}/challenges")
    expect(page.get_by_role("heading", name="Running")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_editors_inputs_side_by_side_line_up_whatever_their_hints(browser, live_server, make_user):
    """The start's hint takes one line and the end's two: their inputs still start at the same
    height, as do the target's and the daily cap's."""
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(locale="en-GB", viewport=DESKTOP).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/challenges/new")
    for left, right in (("#starts_at", "#ends_at"), ("#target", "#daily_cap")):
        boxes = [page.locator(field).bounding_box() for field in (left, right)]
        assert boxes[0]["x"] < boxes[1]["x"]  # side by side
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1, (left, right)
