"""Events in a browser, by keyboard and by eye: focus after each swap, the confirmation before a
wanted seat is given up, cards that look and act clickable, a fill state that stands out, the seat
field styled like the others, and the attendance sheet's count and "everyone present"."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.events import services
from blueprints.events.models import Event
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_content import sign_in_en, sign_in_fr
from tests.browser.test_events import make_event

WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
ACTIVE = "() => { const e = document.activeElement; return [e.tagName, e.textContent.replace(/\\s+/g, ' ').trim()]; }"


def tab_to(page, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element says ``text`` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)[1] == text:
            return
    raise AssertionError(f"{text!r} never got the focus by Tab")


def sign_up(app, user_id: int, event_id: int) -> None:
    with app.app_context():
        services.sign_up(db.session.get(User, user_id), event_id)


def active_after_swap(page, expected: list[str]) -> None:
    """Wait until the focus lands on the expected element (htmx swaps, then settles)."""
    page.wait_for_function(
        f"([tag, text]) => {{ const [t, x] = ({ACTIVE})(); return t === tag && x === text; }}", arg=expected
    )
    assert page.evaluate(ACTIVE) == expected


@WIDTHS
def test_signing_up_and_cancelling_by_keyboard_keep_the_focus(browser, live_server, app, make_user, viewport):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, title="Café clavier", capacity=5)
    person = make_user(language="fr")
    page = browser.new_context(locale="fr-FR", viewport=viewport).new_page()
    sign_in_fr(page, live_server, person.email)
    page.goto(f"{live_server}/events/{event}")
    tab_to(page, "S'inscrire")
    page.keyboard.press("Enter")
    expect(page.locator("#signup")).to_contain_text("Vous êtes inscrit·e. À bientôt !")
    active_after_swap(page, ["BUTTON", "Annuler mon inscription"])
    page.keyboard.press("Enter")  # nobody waits: no question, the seat is freed at once
    expect(page.locator("#signup")).to_contain_text("Votre inscription est annulée.")
    active_after_swap(page, ["BUTTON", "S'inscrire"])
    assert page.evaluate("document.activeElement !== document.body")


@WIDTHS
def test_giving_up_a_wanted_seat_asks_first_and_keeps_the_focus(
    browser, live_server, app, make_user, viewport
):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, title="Café complet", capacity=1)
    person, waiting = make_user(language="en"), make_user(language="en")
    sign_up(app, person.id, event)
    sign_up(app, waiting.id, event)
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/events/{event}")
    page.evaluate("window.sameDocument = true")

    tab_to(page, "Cancel my registration")
    page.keyboard.press("Enter")
    expect(page.locator("#signup")).to_contain_text("Give up your seat?")
    question = " ".join(page.locator("#give-up-question").inner_text().split())
    active_after_swap(page, ["P", question])
    tab_to(page, "Yes, give up my seat", limit=3)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == ["A", "Keep my seat"]
    page.keyboard.press("Enter")  # keep it
    expect(page.locator("#signup")).not_to_contain_text("Give up your seat?")
    active_after_swap(page, ["BUTTON", "Cancel my registration"])
    with app.app_context():
        assert services.active_registration(person.id, event).status.value == "confirmed"

    page.keyboard.press("Enter")
    active_after_swap(page, ["P", question])
    tab_to(page, "Yes, give up my seat", limit=3)
    page.keyboard.press("Enter")
    expect(page.locator("#signup")).to_contain_text("Your registration is cancelled.")
    active_after_swap(page, ["BUTTON", "Join the waiting list"])
    assert page.evaluate("window.sameDocument === true"), "htmx should swap the panel in place"
    with app.app_context():
        assert services.active_registration(person.id, event) is None
        assert services.active_registration(waiting.id, event).status.value == "confirmed"


def test_giving_up_a_wanted_seat_without_javascript(browser, live_server, app, make_user):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, title="Full café", language="en", capacity=1)
    person, waiting = make_user(language="en"), make_user(language="en")
    sign_up(app, person.id, event)
    sign_up(app, waiting.id, event)
    page = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE).new_page()
    sign_in_en(page, live_server, person.email)
    page.goto(f"{live_server}/events/{event}")
    page.get_by_role("button", name="Cancel my registration").click()
    assert page.url == f"{live_server}/events/{event}/cancel"
    expect(page.locator("#signup")).to_contain_text("1 person is waiting")
    page.get_by_role("link", name="Keep my seat").click()
    assert page.url == f"{live_server}/events/{event}"
    expect(page.locator("#signup")).to_contain_text("You are registered.")
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, give up my seat").click()
    expect(page.locator(".flash--success")).to_have_text("Your registration is cancelled.")
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()


CONTRAST = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const style = getComputedStyle(element);
  const [l1, l2] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))].sort((a, b) => b - a);
  const background = rgb(style.backgroundColor);
  return {
    ratio: (l1 + 0.05) / (l2 + 0.05),
    opaque: background.length < 4 || background[3] === 1,
    size: parseFloat(style.fontSize),
    weight: Number(style.fontWeight),
  };
}"""


@WIDTHS
def test_the_fill_state_stands_out_on_the_card(browser, live_server, app, make_user, viewport):
    organiser = make_user(Role.COMMS)
    full = make_event(app, organiser.id, title="Café complet", capacity=1)
    make_event(app, organiser.id, title="Café libre", capacity=30)
    sign_up(app, make_user().id, full)
    sign_up(app, make_user().id, full)
    person = make_user(language="fr")
    page = browser.new_context(locale="fr-FR", viewport=viewport).new_page()
    sign_in_fr(page, live_server, person.email)
    page.goto(f"{live_server}/events")
    card = page.locator(".event-card", has_text="Café complet")
    badge = card.locator(".fill-badge")
    expect(badge).to_have_text("Complet · 1 en attente")
    when_size = float(card.locator(".event-when").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    for shown in (badge, page.locator(".event-card", has_text="Café libre").locator(".fill-badge")):
        style = shown.evaluate(CONTRAST)
        assert style["ratio"] >= 4.5, style
        assert style["opaque"] and style["weight"] >= 600, style
        assert style["size"] >= 0.95 * when_size, style  # not the smallest text on the card any more


@WIDTHS
def test_the_whole_card_opens_the_event_and_shows_it_on_hover_and_focus(
    browser, live_server, app, make_user, viewport
):
    organiser = make_user(Role.COMMS)
    event = make_event(app, organiser.id, title="Café carte", capacity=10)
    person = make_user(language="fr")
    page = browser.new_context(locale="fr-FR", viewport=viewport).new_page()
    sign_in_fr(page, live_server, person.email)
    page.goto(f"{live_server}/events")
    card = page.locator(".event-card", has_text="Café carte")
    resting = card.evaluate("e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).boxShadow]")
    where = card.locator(".event-where").bounding_box()  # plain text, away from the title
    page.mouse.move(where["x"] + 5, where["y"] + where["height"] / 2)
    page.wait_for_function(  # the border turns to the brand colour (after a short transition)
        "e => getComputedStyle(e).borderTopColor === 'rgb(47, 63, 181)'",
        arg=card.element_handle(),
        timeout=3000,
    )
    hovered = card.evaluate("e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).boxShadow]")
    assert hovered[0] != resting[0] and hovered[1] != resting[1]
    assert (
        card.locator(".event-card-link").evaluate("e => getComputedStyle(e).textDecorationLine")
        == "underline"
    )
    under_pointer = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return [e.tagName, getComputedStyle(e).cursor]; }",
        [where["x"] + 5, where["y"] + where["height"] / 2],
    )
    assert under_pointer == ["A", "pointer"]  # the title link covers the card

    page.mouse.move(0, 0)
    tab_to(page, "Café carte")
    # The site's focus ring goes around the whole card (once its short transition has run).
    page.wait_for_function(
        "e => getComputedStyle(e).boxShadow.startsWith('rgb(255, 191, 71)')",
        arg=card.element_handle(),
        timeout=3000,
    )
    assert card.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(47, 63, 181)"

    box = card.locator(".event-card-foot").bounding_box()  # a spot away from the title
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"{live_server}/events/{event}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Café carte")


@WIDTHS
def test_the_seat_field_looks_like_the_other_fields(browser, live_server, app, make_user, viewport):
    comms = make_user(Role.COMMS, language="en")
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, comms.email)
    page.goto(f"{live_server}/admin/events/new")
    look = (
        "e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopColor, s.borderRadius,"
        " s.paddingLeft, s.fontSize, s.height, s.width]; }"
    )
    seats, place = page.locator("#capacity").evaluate(look), page.locator("#place").evaluate(look)
    assert seats == place


@WIDTHS
def test_the_attendance_sheet_counts_and_marks_everyone_present(
    browser, live_server, app, make_user, viewport
):
    organiser = make_user(Role.COMMS, language="en")
    event = make_event(app, organiser.id, title="Past café", language="en", capacity=None)
    people = [make_user(display_name=name) for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing")]
    for person in people:
        sign_up(app, person.id, event)
    with app.app_context():
        past = db.session.get(Event, event)
        past.starts_at, past.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
        db.session.commit()
    page = browser.new_context(locale="en-GB", viewport=viewport).new_page()
    sign_in_en(page, live_server, organiser.email)
    page.goto(f"{live_server}/admin/events/{event}")
    count = page.locator(".present-count")
    expect(count).to_have_text("0 present of 3")
    page.get_by_label("Ada Lovelace").check()
    expect(count).to_have_text("1 present of 3")
    page.get_by_role("button", name="Mark everyone present").click()
    expect(count).to_have_text("3 present of 3")
    expect(page.get_by_role("status").filter(has_text="2 people marked present.")).to_be_visible()
    assert page.locator("input[name=present]:checked").count() == 3
    expect(page.get_by_role("button", name="Mark everyone present")).to_have_count(0)
    active_after_swap(page, ["H2", "Attendance sheet"])
    with page.expect_download() as download:
        page.get_by_role("link", name="Export (CSV)").click()
    assert download.value.suggested_filename == f"attendance-event-{event}.csv"
