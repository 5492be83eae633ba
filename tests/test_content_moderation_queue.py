"""Moderating from the queue, one or several at once, and the notices around suggestions."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.content import services
from blueprints.content.cards import queue_item_key
from blueprints.content.catalogue import Status
from blueprints.content.models import ContentItem
from blueprints.notifications.models import Notification
from blueprints.notifications.services import mark_all_read, message_text
from tests.conftest import htmx_headers, post, text


def pending(make_item, author_id: int, *titles: str) -> list[int]:
    return [
        make_item(title=title, status=Status.PENDING, suggestion_reason="Worth it", author_id=author_id)
        for title in titles
    ]


def states(app) -> dict[str, tuple]:
    with app.app_context():
        return {
            item.title: (item.status, item.rejection_reason)
            for item in db.session.scalars(sa.select(ContentItem))
        }


def kinds_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        )


@pytest.fixture
def queue(app, make_user, make_item, signed_in):
    """Three suggestions by Sam, and the client signed in as comms (in English)."""
    sam = make_user(display_name="Sam Suggest")
    ids = pending(make_item, sam.id, "First idea", "Second idea", "Third idea")
    signed_in(Role.COMMS, language="en")
    return sam, ids


def test_the_queue_offers_to_decide_from_each_card_and_several_at_once(client, queue):
    _, ids = queue
    response = client.get("/admin/moderation")
    body = response.get_data(as_text=True)
    assert body.count('form="bulk-moderation"') == 3
    assert body.count('name="decision" value="approve"') == 4  # one per card, one for the selection
    assert body.count('name="decision" value="reject"') == 4
    assert '<form id="bulk-moderation"' in body and 'hx-post="/admin/moderation"' in body
    page = text(response)
    assert "Approve selected" in page and "Reject selected" in page
    assert all(f'href="/admin/moderation/{item}"' in body for item in ids)


def test_one_suggestion_approved_from_its_card_without_opening_it(client, queue, app):
    sam, ids = queue
    response = post(client, "/admin/moderation", {"selected": ids[0], "item": ids[0], "decision": "approve"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/moderation"
    assert states(app)["First idea"] == (Status.PUBLISHED, None)
    assert states(app)["Second idea"] == (Status.PENDING, None)
    assert kinds_of(app, sam.id) == ["badge_earned", "suggestion_approved"]  # the first earns a badge
    assert "1 suggestion published; its author has been told." in text(client.get("/admin/moderation"))


def test_one_suggestion_rejected_from_its_card_with_its_reason(client, queue, app):
    sam, ids = queue
    refused = post(
        client, "/admin/moderation", {"selected": ids[1], "item": ids[1], "decision": "reject", "reason": " "}
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert re.search(r'<details class="reject-panel" open>\s*<summary>[^<]*<span[^>]*> — Second idea', body)
    assert f'id="reason-{ids[1]}-error">Give a reason: it is sent to the person who suggested it.</p>' in body
    assert states(app)["Second idea"] == (Status.PENDING, None)
    post(
        client,
        "/admin/moderation",
        {"selected": ids[1], "item": ids[1], "decision": "reject", "reason": "Old news."},
    )
    assert states(app)["Second idea"] == (Status.REJECTED, "Old news.")
    assert kinds_of(app, sam.id) == ["suggestion_rejected"]


def test_several_approved_at_once(client, queue, app):
    sam, ids = queue
    response = post(client, "/admin/moderation", {"selected": [ids[0], ids[2]], "decision": "approve"})
    assert response.status_code == 303
    assert {title: state[0] for title, state in states(app).items()} == {
        "First idea": Status.PUBLISHED,
        "Second idea": Status.PENDING,
        "Third idea": Status.PUBLISHED,
    }
    assert kinds_of(app, sam.id) == ["badge_earned", "suggestion_approved", "suggestion_approved"]
    assert "2 suggestions published; their authors have been told." in text(client.get("/admin/moderation"))


def test_several_rejected_at_once_with_one_reason_each_told(client, queue, app):
    sam, ids = queue
    post(
        client, "/admin/moderation", {"selected": ids, "decision": "reject", "reason": "Not for this month."}
    )
    assert set(states(app).values()) == {(Status.REJECTED, "Not for this month.")}
    with app.app_context():
        notices = db.session.scalars(sa.select(Notification).where(Notification.user_id == sam.id)).all()
        assert (
            sorted((n.kind, n.params["reason"]) for n in notices)
            == [("suggestion_rejected", "Not for this month.")] * 3
        )
    page = text(client.get("/admin/moderation"))
    assert "3 suggestions rejected; their authors have been told why." in page
    assert "Nothing waiting" in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"decision": "approve"}, "Select at least one suggestion."),
        ({"decision": "reject", "reason": "  "}, "Give a reason: it is sent to the person who suggested it."),
        ({"decision": "publish"}, "Invalid value"),
    ],
)
def test_a_bulk_decision_missing_something_is_refused_and_says_what(client, queue, app, form, message):
    _, ids = queue
    data = {"selected": ids[:2], **form} if "reason" in form or form["decision"] == "publish" else form
    response = post(client, "/admin/moderation", data)
    assert response.status_code == 422
    summary = re.search(
        r'<div class="error-summary" role="alert".*?</div>', response.get_data(as_text=True), re.S
    )
    assert summary is not None and message in text(response)
    assert {state for state, _ in states(app).values()} == {Status.PENDING}
    if "reason" in form:  # the selection is kept for a second try
        assert response.get_data(as_text=True).count(" checked>") == 2


@pytest.mark.parametrize("selected", ["99999999999999999999", "-1", "abc", "1e3"])
def test_forged_ids_are_refused_without_an_error(client, queue, app, selected):
    response = post(client, "/admin/moderation", {"selected": selected, "decision": "approve"})
    assert response.status_code == 422
    assert {state for state, _ in states(app).values()} == {Status.PENDING}


def test_by_htmx_the_queue_is_swapped_with_what_was_done(client, queue, app):
    _, ids = queue
    response = client.post(
        "/admin/moderation",
        data={"selected": [ids[0], ids[1]], "decision": "approve"},
        headers=htmx_headers(client),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert '<div id="moderation-queue" class="moderation-queue">' in body and "<main" not in body
    assert "2 suggestions published; their authors have been told." in text(response)
    assert "Third idea" in body and "First idea" not in body
    refused = client.post(
        "/admin/moderation", data={"selected": ids[2], "decision": "reject"}, headers=htmx_headers(client)
    )
    assert refused.status_code == 422 and "<html" not in refused.get_data(as_text=True)
    assert "Give a reason" in text(refused)


def test_a_suggestion_moderated_meanwhile_is_skipped_and_reported(client, queue, app, make_user, make_item):
    _, ids = queue
    regular = make_item(title="Regular item")  # not a suggestion: never touched from here
    with app.app_context():
        other = db.session.get(User, make_user(Role.COMMS).id)
        services.reject(other, ids[1], "Duplicate.")
    response = post(
        client,
        "/admin/moderation",
        {"selected": [ids[0], ids[1], regular], "decision": "approve"},
        follow_redirects=True,
    )
    page = text(response)
    assert "1 suggestion published; its author has been told." in page
    assert "Already moderated by someone else, left as it was: “Second idea”." in page
    found = states(app)
    assert found["First idea"] == (Status.PUBLISHED, None)
    assert found["Second idea"] == (Status.REJECTED, "Duplicate.")
    assert found["Regular item"] == (Status.PUBLISHED, None)
    with app.app_context():
        assert db.session.get(ContentItem, regular).moderated_by_id is None


def test_employees_cannot_moderate_from_the_queue(client, signed_in, make_user, make_item, app):
    ids = pending(make_item, make_user().id, "Idea")
    signed_in()
    assert post(client, "/admin/moderation", {"selected": ids, "decision": "approve"}).status_code == 403
    assert states(app)["Idea"] == (Status.PENDING, None)


# --- Notices around suggestions -------------------------------------------------------


def waiting_notices(app) -> dict[int, list[tuple]]:
    with app.app_context():
        found = {}
        for notice in db.session.scalars(
            sa.select(Notification)
            .where(Notification.kind == "suggestions_waiting")
            .order_by(Notification.id)
        ):
            found.setdefault(notice.user_id, []).append((notice.params["count"], notice.read_at is None))
        return found


@pytest.fixture
def team(make_user):
    return {
        "comms": make_user(Role.COMMS),
        "admin": make_user(Role.ADMIN),
        "away": make_user(Role.COMMS, active=False),
        "colleague": make_user(),
    }


def suggest(app, user_id: int, title: str) -> int:
    with app.app_context():
        return services.suggest(
            db.session.get(User, user_id), title, "https://www.example.org/x", "Why not", "en"
        ).id


def test_comms_get_one_notice_of_the_suggestions_waiting_with_its_count(app, make_user, team):
    sam = make_user()
    for number in range(3):
        suggest(app, sam.id, f"Idea {number}")
    assert waiting_notices(app) == {team["comms"].id: [(3, True)], team["admin"].id: [(3, True)]}
    with app.app_context(), force_locale("en"):
        notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == team["comms"].id))
        assert message_text(notice) == "3 suggestions are waiting for moderation."
        assert (notice.link_endpoint, notice.link_values) == ("console.content.queue", {})
    with app.app_context(), force_locale("en"):
        mark_all_read(db.session.get(User, team["comms"].id))
    suggest(app, sam.id, "Idea 3")
    assert waiting_notices(app) == {
        team["comms"].id: [(3, False), (4, True)],  # read: a new one; the admin's unread one is updated
        team["admin"].id: [(4, True)],
    }


def test_the_suggester_is_told_the_suggestion_arrived(app, make_user, team):
    sam = make_user()
    suggest(app, sam.id, "My idea")
    with app.app_context(), force_locale("en"):
        [notice] = db.session.scalars(sa.select(Notification).where(Notification.user_id == sam.id)).all()
        assert notice.kind == "suggestion_received"
        assert message_text(notice) == (
            "Thank you for your suggestion “My idea”: the comms team will review it and tell you what they decide."
        )
        assert (notice.link_endpoint, notice.link_values) == ("content.suggest", {})


def test_the_count_follows_the_queue_and_an_empty_queue_withdraws_the_notice(app, make_user, team):
    sam = make_user()
    first, second = suggest(app, sam.id, "One"), suggest(app, sam.id, "Two")
    with app.app_context():
        services.approve(db.session.get(User, team["comms"].id), first)
    assert waiting_notices(app) == {team["comms"].id: [(1, True)], team["admin"].id: [(1, True)]}
    with app.app_context():
        services.reject(db.session.get(User, team["admin"].id), second, "No.")
    assert waiting_notices(app) == {}


def test_the_suggestion_form_notifies_through_the_page(client, signed_in, app, team):
    person = signed_in(language="en")
    post(
        client,
        "/suggest",
        {"url": "https://www.example.org/a", "title": "A", "reason": "B", "language": "en"},
    )
    assert kinds_of(app, person.id) == ["suggestion_received"]
    assert waiting_notices(app) == {team["comms"].id: [(1, True)], team["admin"].id: [(1, True)]}


def test_a_drawn_suggestion_carries_the_pages_token_and_its_key_follows_what_it_shows(client, queue, app):
    _, ids = queue
    page = client.get("/admin/moderation").get_data(as_text=True)
    own_token = set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == own_token
    with app.test_request_context("/admin/moderation", headers={"Accept-Language": "en"}):
        item = db.session.get(ContentItem, ids[0])
        key = queue_item_key(item)
        for name, value in [
            ("title", "Better idea"),
            ("language", "en"),
            ("suggestion_reason", "Even more worth it"),
            ("url", "https://www.example.org/other"),
            ("created_at", item.created_at.replace(year=2020)),
        ]:
            before = getattr(item, name)
            setattr(item, name, value)
            assert queue_item_key(item) != key, name
            setattr(item, name, before)
        item.author.display_name = "Sam Renamed"
        assert queue_item_key(item) != key
        db.session.rollback()
        with force_locale("fr"):
            assert queue_item_key(db.session.get(ContentItem, ids[0])) != key
