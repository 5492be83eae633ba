"""The comms console's recognition: the points table (a change applies to the next actions
only; recompute rewrites the ledger; both audited), and the wall of fame (feature, hide)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from base.database import db, unit_of_work
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.events import verbs as event_verbs
from blueprints.recognition import fame
from blueprints.recognition.models import FameEntry, PointsBalance, PointsEntry, PointsRule
from tests.conftest import htmx_headers, post, text

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SIGN_UP = event_verbs.EVENT_REGISTERED  # "Signing up for an event": 2 points by default, no cap


def sign_up(app, user_id: int, event_id: int) -> None:
    """An action of the person, recorded as a service records it (points come with it)."""
    with app.app_context(), unit_of_work():
        record(db.session.get(User, user_id), SIGN_UP, "event", event_id)


def ledger(app, user_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(PointsEntry.points)
                .where(PointsEntry.user_id == user_id)
                .order_by(PointsEntry.activity_id)
            )
        )


def balance(app, user_id: int) -> int:
    with app.app_context():
        return db.session.get(PointsBalance, user_id).lifetime


def rules(app) -> list[tuple]:
    with app.app_context():
        return [(r.verb, r.points, r.cap, r.period) for r in db.session.scalars(sa.select(PointsRule))]


def verbs_logged(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Activity.verb).order_by(Activity.id)))


def rule_form(verb: str = SIGN_UP, points="7", cap="", period="") -> dict:
    return {f"{verb}-points": points, f"{verb}-cap": cap, f"{verb}-period": period}


@pytest.fixture
def entry(app, make_user):
    """A success on the wall; returns its id."""

    def factory(name: str = "Person Shown", **fields) -> int:
        person = make_user(display_name=name)
        with app.app_context():
            row = FameEntry(
                kind="badge",
                user_id=person.id,
                params={"badge": "first_share"},
                key=f"test:{name}",
                created_at=fields.pop("created_at", NOON),
                **fields,
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return factory


# --- Who may enter ---------------------------------------------------------------------------

GET_PAGES = [
    "/admin/points",
    f"/admin/points/{SIGN_UP}",
    f"/admin/points/{SIGN_UP}/row",
    "/admin/points/recompute",
    "/admin/fame",
]
POSTS = [f"/admin/points/{SIGN_UP}", "/admin/points/recompute", "/admin/fame/1/feature", "/admin/fame/1/hide"]


def test_employees_get_403_on_every_console_page_and_action(client, app, signed_in, entry):
    entry()
    signed_in(Role.EMPLOYEE)
    for path in GET_PAGES:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert (
            post(
                client, path, {**rule_form(), "confirmed": "yes", "featured": "1", "hidden": "1"}
            ).status_code
            == 403
        )
    assert rules(app) == [] and verbs_logged(app) == ["signed_in"]
    with app.app_context():
        assert db.session.scalar(sa.select(FameEntry.hidden)) is False


@pytest.mark.parametrize("role", [Role.COMMS, Role.ADMIN])
def test_comms_and_admins_see_the_pages_and_the_menu(client, signed_in, role, entry):
    entry()
    signed_in(role, language="en")
    for path in GET_PAGES:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
    menu = text(client.get("/admin/points")).split('<nav class="sub-nav"')[1].split("</nav>")[0]
    assert re.search(r'<a href="/admin/points" aria-current="page">Points</a>', menu)
    assert '<a href="/admin/fame">Wall of fame</a>' in menu


# --- The points table ---------------------------------------------------------------------


def test_the_table_lists_every_rule_with_its_points_and_cap(client, app, signed_in):
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/admin/points"))
    with app.app_context():
        from base.registry import registry

        verbs = set(registry().points)
    assert set(re.findall(r'<tr id="rule-(\w+)">', page)) == verbs
    row = re.search(r'<tr id="rule-content_shared">.*?</tr>', page, flags=re.S).group(0)
    assert "Sharing an item" in row and ">5</td>" in row and "5 rewarded actions a day" in row
    assert "unchanged" in row and "Changed" not in row
    assert "A change applies to actions from now on" in page


def test_a_change_applies_to_the_next_actions_only(client, app, signed_in, make_user):
    person = make_user()
    sign_up(app, person.id, 1)
    comms = signed_in(Role.COMMS, language="en")
    response = post(client, f"/admin/points/{SIGN_UP}", rule_form(points="7"))
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/admin/points#rule-{SIGN_UP}"
    )
    assert "“Signing up for an event” now earns 7 points." in text(client.get("/admin/points"))
    sign_up(app, person.id, 2)
    assert ledger(app, person.id) == [2, 7]
    assert balance(app, person.id) == 9
    assert rules(app) == [(SIGN_UP, 7, None, None)]
    with app.app_context():
        change = db.session.scalar(sa.select(Activity).where(Activity.verb == "points_rule_changed"))
        assert change.user_id == comms.id
        assert change.payload == {"verb": SIGN_UP, "before": [2, None, None], "after": [7, None, None]}
    page = text(client.get("/admin/points"))
    row = re.search(rf'<tr id="rule-{SIGN_UP}">.*?</tr>', page, flags=re.S).group(0)
    assert "Changed" in row and ">7</td>" in row and "2 points · No cap" in row
    assert "changed the points of “Signing up for an event”" in text(client.get("/admin/"))


def test_a_cap_with_its_period_is_saved_and_counts(client, app, signed_in, make_user):
    person = make_user()
    signed_in(Role.COMMS, language="en")
    assert (
        post(client, f"/admin/points/{SIGN_UP}", rule_form(points="3", cap="1", period="day")).status_code
        == 303
    )
    assert rules(app) == [(SIGN_UP, 3, 1, "day")]
    sign_up(app, person.id, 1)
    sign_up(app, person.id, 2)
    assert ledger(app, person.id) == [3, 0]  # the second of the day is capped


@pytest.mark.parametrize(
    "form, field, message",
    [
        (rule_form(points="5000"), "points", "between 0 and 1,000"),
        (rule_form(points="-1"), "points", "between 0 and 1,000"),
        (rule_form(points=""), "points", "Give a number of points"),
        (rule_form(points="ten"), "points", "Give a whole number between 0 and 1,000."),
        (rule_form(points="99999999999999999999"), "points", "between 0 and 1,000"),
        (rule_form(cap="3"), "period", "Choose the period the cap counts over."),
        (rule_form(period="week"), "cap", "Give the cap, or choose “No cap”."),
        (rule_form(cap="0", period="day"), "cap", "between 1 and 1,000"),
        (rule_form(cap="5", period="month"), "period", "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(client, app, signed_in, form, field, message):
    signed_in(Role.COMMS, language="en")
    response = post(client, f"/admin/points/{SIGN_UP}", form)
    page = text(response)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{SIGN_UP}-{field}-error">(.*?)</p>', page)
    assert error and message in error.group(1)
    assert rules(app) == [] and "points_rule_changed" not in verbs_logged(app)


def test_a_refused_word_is_not_printed_back_into_the_number_field(client, signed_in):
    signed_in(Role.COMMS, language="en")
    page = text(post(client, f"/admin/points/{SIGN_UP}", rule_form(points="ten", cap="5000", period="day")))
    points_input = re.search(rf'<input[^>]*name="{SIGN_UP}-points"[^>]*>', page).group(0)
    cap_input = re.search(rf'<input[^>]*name="{SIGN_UP}-cap"[^>]*>', page).group(0)
    assert 'value=""' in points_input and "ten" not in points_input
    assert 'value="5000"' in cap_input  # a number stays, to be corrected


def test_an_unknown_rule_is_not_found(client, signed_in):
    signed_in(Role.COMMS)
    assert client.get("/admin/points/no_such_verb").status_code == 404
    assert post(client, "/admin/points/no_such_verb", rule_form("no_such_verb")).status_code == 404


def test_by_htmx_the_row_turns_into_its_editor_and_back(client, app, signed_in):
    signed_in(Role.COMMS, language="en")
    editor = client.get(f"/admin/points/{SIGN_UP}", headers={"HX-Request": "true"})
    fragment = text(editor)
    assert "<html" not in fragment and f'<tr id="rule-{SIGN_UP}" class="rule-editor">' in fragment
    assert f'name="{SIGN_UP}-points"' in fragment and 'value="2"' in fragment

    refused = client.post(f"/admin/points/{SIGN_UP}", data=rule_form(cap="2"), headers=htmx_headers(client))
    assert refused.status_code == 422 and "Choose the period the cap counts over." in text(refused)
    assert "<html" not in text(refused) and rules(app) == []

    saved = client.post(f"/admin/points/{SIGN_UP}", data=rule_form(points="4"), headers=htmx_headers(client))
    fragment = text(saved)
    assert saved.status_code == 200 and "<html" not in fragment
    assert f'<tr id="rule-{SIGN_UP}">' in fragment and ">4</td>" in fragment
    assert '<p id="points-status" hx-swap-oob="innerHTML">' in fragment
    assert rules(app) == [(SIGN_UP, 4, None, None)]

    row = client.get(f"/admin/points/{SIGN_UP}/row", headers={"HX-Request": "true"})
    assert f'<tr id="rule-{SIGN_UP}">' in text(row) and "<html" not in text(row)


def test_the_points_form_refuses_a_post_without_its_csrf_token(client, app, signed_in):
    signed_in(Role.COMMS)
    assert client.post(f"/admin/points/{SIGN_UP}", data=rule_form()).status_code == 400
    assert client.post("/admin/points/recompute", data={"confirmed": "yes"}).status_code == 400
    assert rules(app) == [] and "points_recomputed" not in verbs_logged(app)


# --- Recompute -------------------------------------------------------------------------------


def test_recompute_asks_first_then_rewrites_the_ledger_and_is_audited(client, app, signed_in, make_user):
    person = make_user()
    sign_up(app, person.id, 1)
    sign_up(app, person.id, 2)
    signed_in(Role.COMMS, language="en")
    post(client, f"/admin/points/{SIGN_UP}", rule_form(points="10"))
    assert ledger(app, person.id) == [2, 2]

    confirm = text(client.get("/admin/points/recompute"))
    assert "Recompute everyone’s points?" in confirm and 'name="confirmed" value="yes"' in confirm
    unconfirmed = post(client, "/admin/points/recompute")  # straight from elsewhere: asked first
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith(
        "/admin/points/recompute"
    )
    assert ledger(app, person.id) == [2, 2] and "points_recomputed" not in verbs_logged(app)

    done = post(client, "/admin/points/recompute", {"confirmed": "yes"}, follow_redirects=True)
    assert "Everyone's points are recomputed with the current table" in text(done)
    assert ledger(app, person.id) == [10, 10]
    assert balance(app, person.id) == 20
    assert "recomputed everyone's points with the current table" in text(client.get("/admin/"))


# --- The wall of fame in the console -----------------------------------------------------


def test_the_console_lists_every_entry_newest_first_hidden_ones_too(client, signed_in, entry):
    entry("Person Old", created_at=NOON - timedelta(days=1))
    entry("Person Hidden", hidden=True)
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/admin/fame"))
    assert page.index("Person Hidden earned") < page.index("Person Old earned")
    hidden = re.search(
        r'<li class="card console-fame-entry".*?Person Hidden.*?</li>', page, flags=re.S
    ).group(0)
    assert "Hidden</span>" in hidden and "Show again" in hidden


def test_the_consoles_pages_follow_new_entries_at_once(client, signed_in, entry):
    entry("Person First")
    signed_in(Role.COMMS, language="en")
    assert "Page 1 of" not in text(client.get("/admin/fame"))  # one page: no pagination
    for number in range(fame.CONSOLE_PAGE_SIZE):
        entry(f"Person {number}", created_at=NOON + timedelta(minutes=number))
    assert "Page 1 of 2" in text(client.get("/admin/fame"))
    assert "Person First earned" in text(client.get("/admin/fame?page=2"))


def test_hiding_takes_an_entry_off_the_wall_at_once_and_is_audited(client, app, signed_in, entry):
    shown = entry("Person Shown")
    signed_in(Role.COMMS, language="en")
    assert "Person Shown earned" in text(client.get("/fame"))
    response = post(client, f"/admin/fame/{shown}/hide", {"hidden": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/admin/fame#fame-entry-{shown}"
    )
    assert "Person Shown earned" not in text(client.get("/fame"))
    post(client, f"/admin/fame/{shown}/hide", {"hidden": "1"})  # again: nothing more to record
    audit = text(client.get("/admin/"))
    assert "hid from the wall of fame: an ambassador earned the badge “First share”." in audit
    post(client, f"/admin/fame/{shown}/hide", {"hidden": "0"})
    assert "Person Shown earned" in text(client.get("/fame"))
    assert verbs_logged(app)[-2:] == ["fame_hidden", "fame_unhidden"]
    with app.app_context():
        logged = db.session.scalar(sa.select(Activity).where(Activity.verb == "fame_hidden"))
        assert (logged.object_type, logged.object_id) == ("fame_entry", shown)


def test_featuring_by_htmx_swaps_the_entry_and_puts_it_at_the_top_of_the_wall(client, app, signed_in, entry):
    old = entry("Person Old", created_at=NOON - timedelta(days=30))
    entry("Person New")
    signed_in(Role.COMMS, language="en")
    response = client.post(f"/admin/fame/{old}/feature", data={"featured": "1"}, headers=htmx_headers(client))
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert f'<li class="card console-fame-entry" id="fame-entry-{old}">' in fragment
    assert "Stop featuring" in fragment and "Featured at the top of the wall of fame." in fragment
    wall = text(client.get("/fame"))
    assert wall.index("Person Old earned") < wall.index("Person New earned")
    assert "featured on the wall of fame: an ambassador earned the badge" in text(client.get("/admin/"))
    client.post(f"/admin/fame/{old}/feature", data={"featured": "0"}, headers=htmx_headers(client))
    wall = text(client.get("/fame"))
    assert wall.index("Person New earned") < wall.index("Person Old earned")
    assert verbs_logged(app)[-2:] == ["fame_featured", "fame_unfeatured"]


def test_fame_actions_refuse_unknown_entries_and_missing_csrf(client, app, signed_in, entry):
    shown = entry()
    signed_in(Role.COMMS)
    assert post(client, "/admin/fame/999/hide", {"hidden": "1"}).status_code == 404
    assert client.post(f"/admin/fame/{shown}/hide", data={"hidden": "1"}).status_code == 400
    assert client.post(f"/admin/fame/{shown}/feature", data={"featured": "1"}).status_code == 400
    with app.app_context():
        row = db.session.get(FameEntry, shown)
        assert (row.hidden, row.featured_at) == (False, None)
    assert "fame_hidden" not in verbs_logged(app)


def test_the_console_wall_is_paged(client, app, signed_in, entry):
    for number in range(35):
        entry(f"Person {number:02}", created_at=NOON + timedelta(minutes=number))
    signed_in(Role.COMMS, language="en")
    first = text(client.get("/admin/fame"))
    assert first.count('class="card console-fame-entry"') == 30 and "Person 34 earned" in first
    second = text(client.get("/admin/fame?page=2"))
    assert second.count('class="card console-fame-entry"') == 5 and "Person 00 earned" in second
    assert 'name="page" value="2"' in second
    shown = re.search(r'id="fame-entry-(\d+)"', second).group(1)
    response = post(client, f"/admin/fame/{shown}/hide", {"hidden": "1", "page": "2"})
    assert response.headers["Location"].endswith(f"/admin/fame?page=2#fame-entry-{shown}")


def test_a_drawn_console_entry_follows_hiding_and_featuring_with_each_request_token(client, signed_in, entry):
    shown = entry("Person Shown")
    signed_in(Role.COMMS, language="en")

    def console_entry() -> str:
        page = text(client.get("/admin/fame"))
        found = re.search(
            rf'<li class="card console-fame-entry" id="fame-entry-{shown}">.*?</li>', page, re.S
        )
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', found.group(0)))
        assert tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))  # this page's own token
        return found.group(0)

    before = console_entry()
    assert "Hide from the wall" in before and "Feature at the top" in before and "Hidden</span>" not in before
    post(client, f"/admin/fame/{shown}/hide", {"hidden": "1"})
    hidden = console_entry()
    assert "Show again" in hidden and "Hidden</span>" in hidden
    post(client, f"/admin/fame/{shown}/feature", {"featured": "1"})
    featured = console_entry()
    assert "Stop featuring" in featured and "Featured</span>" in featured and "Hidden</span>" not in featured
