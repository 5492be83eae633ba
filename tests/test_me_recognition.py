"""Recognition on /me, home and the header: the figures match the ledger, the history says why,
the page's cost does not grow with the ledger, and the header's counter refreshes by htmx."""

import re
from datetime import timedelta

import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.content import verbs as content_verbs
from blueprints.content.models import ContentItem
from blueprints.events import verbs as event_verbs
from blueprints.recognition.models import BadgeAward, PointsBalance, PointsEntry
from blueprints.recognition.services import points_history
from blueprints.rewards.models import Reward, RewardKind
from tests.conftest import htmx_headers, post, queries_before_and_after, text


def act(app, user_id: int, verb: str, object_type: str, object_id: int, at=None) -> None:
    with app.app_context():
        record(db.session.get(User, user_id), verb, object_type, object_id, at=at)
        db.session.commit()


def ledger_figures(app, user_id: int) -> tuple[int, int]:
    with app.app_context():
        total = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0)).where(
                PointsEntry.user_id == user_id
            )
        )
        balance = db.session.get(PointsBalance, user_id)
        return total, balance.spendable


def test_me_shows_the_ledgers_figures_each_entry_with_its_reason_and_link(
    app, client, signed_in, make_item, make_event
):
    me = signed_in(language="en")
    item = make_item(title="Our new office")
    event = make_event(title="Photo walk")
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", item)
    act(app, me.id, event_verbs.EVENT_REGISTERED, "event", event)
    act(app, me.id, event_verbs.EVENT_REGISTRATION_CANCELLED, "event", event)
    with app.app_context():
        db.session.get(PointsBalance, me.id).redeemed = 3
        db.session.commit()
    assert ledger_figures(app, me.id) == (5, 2)
    page = text(client.get("/me"))
    assert "Points earned</dt><dd>5</dd>" in page
    assert "Points to spend</dt><dd>2 " in page
    assert f'Sharing an item — <a href="/content/{item}">Our new office</a>' in page
    assert f'Taken back: Signing up for an event — <a href="/events/{event}">Photo walk</a>' in page
    assert "-2</span>" in page and "+2</span>" in page and "+5</span>" in page
    assert "First share" in page  # the badge the share earned
    assert "1 week in a row" in page


def test_the_history_reads_what_each_entry_was_for_with_the_entries(
    app, make_item, make_event, make_user, count_queries
):
    """One statement for a page of the history, the names of items and events in it."""
    me = make_user()
    item, event = make_item(title="Our new office"), make_event(title="Photo walk")
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", item)
    act(app, me.id, event_verbs.EVENT_REGISTERED, "event", event)
    with app.test_request_context(), count_queries() as counter:
        lines = points_history(me.id).lines
    assert counter.count == 1
    assert [(line.about, line.link) for line in lines] == [
        ("Photo walk", ("events.detail", {"event_id": event})),
        ("Our new office", ("content.item", {"item_id": item})),
    ]


def test_capped_and_own_content_entries_say_why_they_earn_nothing(app, client, signed_in, make_item):
    me = signed_in(language="en")
    mine = make_item(author_id=me.id)
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", mine)
    page = text(client.get("/me"))
    assert "(your own content: no points)" in page and "Points earned</dt><dd>0</dd>" in page


def test_the_history_pages_with_htmx_or_without(app, client, signed_in, make_item):
    me = signed_in(language="en")
    items = [make_item(title=f"Item {n}") for n in range(12)]
    start = utcnow() - timedelta(days=30)
    for day, item in enumerate(items):
        act(app, me.id, content_verbs.CONTENT_SHARED, "content", item, at=start + timedelta(days=day))
    first = client.get("/me").get_data(as_text=True)
    assert first.count('class="history-line"') == 10
    with app.app_context():
        oldest_shown = db.session.scalars(
            sa.select(PointsEntry.id)
            .where(PointsEntry.user_id == me.id)
            .order_by(PointsEntry.id.desc())
            .limit(10)
        ).all()[-1]
    assert f"/me/points?before={oldest_shown}" in first
    more = client.get(f"/me/points?before={oldest_shown}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert more.count('class="history-line"') == 2 and "<html" not in more
    assert "Item 0" in more and "Item 1" in more and "Show older points" not in more
    plain = text(client.get(f"/me/points?before={oldest_shown}"))
    assert "My points history" in plain and "Item 1" in plain


def test_the_drawn_history_follows_a_new_entry_a_renamed_item_and_the_language(
    app, client, signed_in, make_item
):
    me = signed_in(language="en")
    item = make_item(title="Our new office")
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", item)
    assert "Sharing an item — " in text(client.get("/me"))
    with app.app_context():
        db.session.get(ContentItem, item).title = "Our bigger office"
        db.session.commit()
    page = text(client.get("/me"))
    assert "Our bigger office" in page and "Our new office" not in page
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", make_item(title="Another story"))
    assert "Another story" in text(client.get("/me"))
    post(client, "/language", {"language": "fr"})
    assert "Partager un contenu — " in text(client.get("/me"))


def test_the_drawn_badges_follow_a_new_badge_and_the_language(app, client, signed_in, make_item):
    me = signed_in(language="en")
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", make_item())

    def badges() -> str:
        page = text(client.get("/me"))
        return page[page.index("My badges") : page.index("My points history")]

    assert "First share" in badges() and "Ten shares" not in badges()
    with app.app_context():
        db.session.add(BadgeAward(user_id=me.id, badge="shares_10", earned_at=utcnow()))
        db.session.commit()
    assert "Ten shares" in badges()
    post(client, "/language", {"language": "fr"})
    assert "Premier partage" in text(client.get("/me"))


def test_appearing_anonymously_is_a_choice_on_me(app, client, signed_in):
    me = signed_in(language="en")
    form = {
        "profile-display_name": "Ana",
        "profile-department_id": 0,
        "profile-site_id": 0,
        "profile-language": "en",
        "profile-timezone": "Europe/Paris",
        "profile-anonymous_on_boards": "y",
    }
    assert post(client, "/me", form).status_code == 302
    with app.app_context():
        assert db.session.get(User, me.id).anonymous_on_boards is True
    form.pop("profile-anonymous_on_boards")
    post(client, "/me", form)
    with app.app_context():
        assert db.session.get(User, me.id).anonymous_on_boards is False


def test_me_costs_the_same_with_10_or_1000_ledger_rows(app, client, signed_in, count_queries, make_item):
    me = signed_in(language="en")
    item = make_item()

    def ledger_rows(count: int):
        def add():
            with app.app_context():
                now = utcnow()
                activities = [
                    {
                        "user_id": me.id,
                        "verb": "content_liked",
                        "object_type": "content",
                        "object_id": item,
                        "created_at": now - timedelta(minutes=n),
                        "payload": {},
                    }
                    for n in range(count)
                ]
                db.session.execute(sa.insert(Activity), activities)
                ids = db.session.scalars(sa.select(Activity.id).where(Activity.user_id == me.id)).all()
                done = set(db.session.scalars(sa.select(PointsEntry.activity_id)))
                db.session.execute(
                    sa.insert(PointsEntry),
                    [
                        {
                            "rule": "content_liked",
                            "activity_id": activity_id,
                            "user_id": me.id,
                            "points": 1,
                            "object_type": "content",
                            "object_id": item,
                            "earned_at": now,
                        }
                        for activity_id in ids
                        if activity_id not in done
                    ],
                )
                db.session.commit()

        return add

    ledger_rows(10)()
    before, after = queries_before_and_after(client, count_queries, "/me", ledger_rows(990))
    assert before == after
    home_before, home_after = queries_before_and_after(client, count_queries, "/", ledger_rows(10))
    assert home_before == home_after


def test_an_htmx_action_that_earns_points_refreshes_the_header(app, client, signed_in, make_event):
    me = signed_in(language="en")
    event = make_event()
    assert 'id="points-counter"' in client.get("/").get_data(as_text=True)
    response = post(client, f"/events/{event}/register", headers=htmx_headers(client))
    assert "points-changed" in response.headers.get("HX-Trigger", "")
    counter = client.get("/points/counter", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "★</span> 2<span" in counter
    plain = post(client, f"/events/{event}/cancel")  # without htmx: the next page shows the count
    assert "points-changed" not in plain.headers.get("HX-Trigger", "")
    assert ledger_figures(app, me.id) == (0, 0)


def test_home_shows_the_streak_the_latest_badge_and_a_reward_within_reach(app, client, signed_in, make_item):
    me = signed_in(language="en")
    act(app, me.id, content_verbs.CONTENT_SHARED, "content", make_item())
    with app.app_context():
        db.session.add(
            Reward(kind=RewardKind.SYMBOLIC, title_en="A donation", title_fr=None, cost=40, stock=None)
        )
        db.session.commit()
    page = " ".join(re.sub(r"<[^>]+>", " ", text(client.get("/"))).split())
    assert "Weekly streak: 1 week in a row" in page
    assert "Latest badge: 📣 First share" in page
    assert "Within reach: A donation — 35 points to go" in page
