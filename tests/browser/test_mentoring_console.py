"""The comms console's matching round in a browser: preview, then confirm, with and without
JavaScript; the wide tables scroll inside their frame on a phone."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from base.database import db
from blueprints.accounts.models import Department, Role, User
from blueprints.mentoring import services
from blueprints.mentoring.models import MentoringPair, PairOrigin, PairStatus
from blueprints.mentoring.services import OfferInput, WishInput
from blueprints.notifications.models import Notification
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en

TOPIC = "theme:expertise"


def setup(app, make_user):
    """Two mentors with a place each; three colleagues looking for one."""
    with app.app_context():
        sales = Department(name="Ventes", name_en="Sales")
        db.session.add(sales)
        db.session.commit()
        department = sales.id
    mentors = [
        make_user(display_name=name, department_id=department) for name in ("Marie Curie", "Alan Turing")
    ]
    mentees = [make_user(display_name=name) for name in ("Ada Lovelace", "Grace Hopper", "Niels Bohr")]
    with app.app_context():
        for mentor in mentors:
            services.save_offer(db.session.get(User, mentor.id), OfferInput([TOPIC], ["fr", "en"], 1, ""))
        for mentee in mentees:
            services.save_wish(
                db.session.get(User, mentee.id), WishInput([TOPIC], ["en"], "Speak at a conference")
            )
    return mentors, mentees


def round_pairs(app) -> list[tuple[int, int, PairStatus, PairOrigin]]:
    with app.app_context():
        pairs = db.session.scalars(sa.select(MentoringPair).order_by(MentoringPair.id))
        return [(pair.mentee_id, pair.mentor_id, pair.status, pair.origin) for pair in pairs]


@pytest.mark.parametrize(
    ("javascript", "viewport"),
    [(True, DESKTOP), (True, PHONE), (False, PHONE)],
    ids=["js-desktop", "js-phone", "no-js"],
)
def test_preview_then_confirm_a_matching_round(browser, live_server, app, make_user, javascript, viewport):
    mentors, mentees = setup(app, make_user)
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(java_script_enabled=javascript, locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/mentoring")
    page.get_by_role("link", name="Matching round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching round")

    proposed = page.locator(".round-pairs tbody tr")
    expect(proposed).to_have_count(2)
    expect(proposed.nth(0)).to_contain_text("Marie Curie")
    expect(proposed.nth(0)).to_contain_text("Sales")
    expect(proposed.nth(0)).to_contain_text("Topics in common: Expertise and innovation")
    left_out = page.locator(".round-unmatched tbody tr")
    expect(left_out).to_have_count(1)
    expect(left_out).to_contain_text("went to others, for more pairs in all")
    expect(page.locator(".confirm-step")).to_contain_text("within 7 days")
    # On a phone the tables scroll inside their frame: the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="Send 2 proposals").click()
    expect(page.locator(".flash--success")).to_contain_text("2 proposals sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring")
    expect(page.get_by_label("Status")).to_have_value("proposed")
    expect(page.locator(".mentoring-pairs tbody tr")).to_have_count(2)
    assert [(mentee, mentor) for mentee, mentor, *_ in round_pairs(app)] == [
        (mentees[0].id, mentors[0].id),
        (mentees[1].id, mentors[1].id),
    ]
    assert {status for _, _, status, _ in round_pairs(app)} == {PairStatus.PROPOSED}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 4

    # Back to the round: nothing more to propose, and no button to send it.
    page.goto(f"{live_server}/admin/mentoring/round")
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    expect(page.locator(".round-unmatched tbody tr")).to_contain_text("Niels Bohr")


def test_a_round_that_changed_meanwhile_is_shown_again_without_sending(browser, live_server, app, make_user):
    _mentors, _mentees = setup(app, make_user)
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/mentoring/round")
    expect(page.locator(".round-pairs tbody tr")).to_have_count(2)
    newcomer = make_user(display_name="Rosalind Franklin")
    with app.app_context():
        services.save_offer(db.session.get(User, newcomer.id), OfferInput([TOPIC], ["en"], 1, ""))
    page.get_by_role("button", name="Send 2 proposals").click()
    expect(page.get_by_role("alert")).to_contain_text("Things changed since the preview")
    expect(page.locator(".round-pairs tbody tr")).to_have_count(3)
    assert round_pairs(app) == []
    page.get_by_role("button", name="Send 3 proposals").click()
    expect(page.locator(".flash--success")).to_contain_text("3 proposals sent")
    assert len(round_pairs(app)) == 3
