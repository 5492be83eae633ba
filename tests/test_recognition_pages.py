"""Recognition pages for everyone: the wall of fame (order, load more, featured, hidden,
anonymity, query budget), the badges and a badge's holders, and the week's top shares job."""

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
import sqlalchemy as sa

from base.cache import cache
from base.database import db, unit_of_work, utcnow
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.content import verbs as content_verbs
from blueprints.content.highlights import celebrate_top_shares
from blueprints.content.models import Share
from blueprints.recognition import fame, services
from blueprints.recognition.models import BadgeAward, FameEntry
from blueprints.recognition.periods import start_of, week_of
from tests.conftest import queries_before_and_after, text

KEYS = count(1)
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def add_entry(app):
    """Put a badge success on the wall for a person; returns the entry's id."""

    def factory(user_id: int, at: datetime = NOON, badge: str = "first_share", **fields) -> int:
        with app.app_context():
            entry = FameEntry(
                kind="badge",
                user_id=user_id,
                params={"badge": badge},
                link_endpoint="recognition.badge",
                link_values={"key": badge},
                key=f"test:{next(KEYS)}",
                created_at=at,
                **fields,
            )
            db.session.add(entry)
            db.session.commit()
            return entry.id

    return factory


def add_entries(app, user_id: int, number: int, at: datetime = NOON) -> None:
    """Many successes at once (the query budgets), one minute apart."""
    with app.app_context():
        db.session.add_all(
            FameEntry(
                kind="badge",
                user_id=user_id,
                params={"badge": "first_share"},
                link_endpoint="recognition.badge",
                link_values={"key": "first_share"},
                key=f"bulk:{next(KEYS)}",
                created_at=at - timedelta(minutes=minute),
            )
            for minute in range(number)
        )
        db.session.commit()


def give_badge(app, user_id: int, badge: str = "first_share", at: datetime = NOON, period: str = "") -> None:
    with app.app_context():
        db.session.add(BadgeAward(user_id=user_id, badge=badge, earned_at=at, period=period))
        db.session.commit()


def wall_ids(page: str) -> list[int]:
    """The people of the wall's entries in the order shown ("Person 4 earned…" gives 4)."""
    return [int(number) for number in re.findall(r"Person (\d+) earned", page)]


def fame_texts(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", body).strip() for body in re.findall(r'<p class="fame-text">(.*?)</p>', page)
    ]


# --- The wall: order, paging, featured, hidden --------------------------------------------


def test_the_wall_shows_the_newest_first_ties_by_id(client, signed_in, make_user, add_entry):
    people = [make_user(display_name=f"Person {n}") for n in range(1, 5)]
    add_entry(people[0].id, NOON - timedelta(days=2))
    add_entry(people[1].id, NOON)
    add_entry(people[2].id, NOON - timedelta(days=1))
    add_entry(people[3].id, NOON)  # same moment as person 2, added later: shown first
    signed_in(language="en")
    page = text(client.get("/fame"))
    assert wall_ids(page) == [4, 2, 3, 1]
    assert "Person 4 earned the badge “First share”." in page


def test_an_entry_links_to_what_it_is_about_and_says_its_date(client, signed_in, make_user, add_entry):
    person = make_user(display_name="Person 1")
    add_entry(person.id, datetime(2026, 3, 2, 12, 0, tzinfo=UTC), badge="first_event")
    signed_in(language="en")
    page = text(client.get("/fame"))
    assert '<a href="/badges/first_event">Person 1 earned the badge “First event”.</a>' in page
    assert '<time datetime="2026-03-02T12:00:00+00:00">March 2, 2026</time>' in page
    assert '<nav class="tabs"' in page


def test_load_more_continues_after_the_last_entry_shown_even_among_equal_moments(
    client, signed_in, make_user, add_entry
):
    people = [make_user(display_name=f"Person {n}") for n in range(1, fame.PAGE_SIZE + 6)]
    for person in people:  # all at the same moment: the id decides
        add_entry(person.id, NOON)
    signed_in(language="en")
    first = text(client.get("/fame"))
    shown = wall_ids(first)
    assert shown == list(range(fame.PAGE_SIZE + 5, 5, -1))
    link = re.search(r'<a class="button button--secondary button--wide" href="([^"]+)"', first).group(1)
    assert 'hx-target="#fame-more"' in first

    more = client.get(link, headers={"HX-Request": "true"})
    fragment = text(more)
    assert more.status_code == 200 and "<html" not in fragment
    assert wall_ids(fragment) == [5, 4, 3, 2, 1]
    assert "Load more" not in fragment

    plain = text(client.get(link))  # without JavaScript: a page of its own
    assert "<html" in plain and wall_ids(plain) == [5, 4, 3, 2, 1]
    assert "Back to the latest successes" in plain


def test_featured_entries_come_first_marked_and_only_once(client, signed_in, make_user, add_entry):
    people = [make_user(display_name=f"Person {n}") for n in range(1, fame.PAGE_SIZE + 3)]
    for number, person in enumerate(people):
        add_entry(person.id, NOON + timedelta(minutes=number), featured_at=NOON if number == 0 else None)
    signed_in(language="en")
    page = text(client.get("/fame"))
    featured, recent = page.split('id="recent-title"')
    assert "Featured by the comms team" in featured and "Featured</span>" in featured
    assert wall_ids(featured) == [1]
    assert 1 not in wall_ids(recent)
    second = re.search(r'href="(/fame\?before=\d+)"', page).group(1)
    assert 1 not in wall_ids(text(client.get(second)))  # the featured one is not repeated below


def test_a_hidden_entry_is_not_on_the_wall(client, signed_in, make_user, add_entry):
    shown, hidden = make_user(display_name="Person 1"), make_user(display_name="Person 2")
    add_entry(shown.id)
    add_entry(hidden.id, hidden=True)
    add_entry(hidden.id, hidden=True, featured_at=NOON)
    signed_in(language="en")
    assert wall_ids(text(client.get("/fame"))) == [1]


def test_an_empty_wall_invites(client, signed_in):
    signed_in(language="en")
    page = text(client.get("/fame"))
    assert "The wall is waiting for its first successes" in page
    assert 'href="/badges"' in page


def test_past_the_end_the_wall_says_so_kindly(client, signed_in, make_user, add_entry):
    first = add_entry(make_user().id)
    signed_in(language="en")
    page = text(client.get(f"/fame?before={first}"))
    assert "you have reached the first successes" in page


# --- Anonymity ------------------------------------------------------------------------------


def test_anonymous_people_are_an_ambassador_to_others_and_you_to_themselves(
    client, auth, signed_in, make_user, add_entry
):
    shy = make_user(display_name="Shy Person", anonymous_on_boards=True, language="en")
    add_entry(shy.id)
    signed_in(language="en")
    page = text(client.get("/fame"))
    assert fame_texts(page) == ["An ambassador earned the badge “First share”."]
    assert "Shy Person" not in page

    auth.logout()
    auth.login(shy.email)
    assert fame_texts(text(client.get("/fame"))) == ["You earned the badge “First share”."]


def test_a_badge_page_never_names_anonymous_holders_but_counts_them(client, auth, signed_in, make_user):
    named = make_user(display_name="Open Person")
    shy = [make_user(display_name=f"Shy {n}", anonymous_on_boards=True, language="en") for n in range(3)]
    for person in [named, *shy]:
        give_badge(app_of(client), person.id)
    signed_in(language="en")
    page = text(client.get("/badges/first_share"))
    assert "4 people hold it." in page
    assert "Open Person" in page and "Shy" not in page
    assert "and 3 ambassadors who prefer to stay anonymous" in page

    auth.logout()
    auth.login(shy[0].email)
    page = text(client.get("/badges/first_share"))
    assert '<span class="holder-name">You</span>' in page and "You hold it" in page
    assert "Shy 1" not in page and "Shy 2" not in page
    assert "and 2 ambassadors who prefer to stay anonymous" in page


def app_of(client):
    return client.application


# --- Badges -----------------------------------------------------------------------------------


def test_the_badges_page_lists_every_badge_with_its_holders_and_mine(client, app, signed_in, make_user):
    others = [make_user() for _ in range(3)]
    for person in others:
        give_badge(app, person.id, "first_share")
    give_badge(app, others[0].id, "first_share", NOON + timedelta(days=7), "later")  # the same person again
    me = signed_in(language="en")
    give_badge(app, me.id, "first_event")
    page = text(client.get("/badges"))
    cards = dict(re.findall(r'<a href="/badges/(\w+)">.*?</a></h2>(.*?)</li>', page, flags=re.S))
    with app.app_context():
        from base.registry import registry

        assert set(cards) == set(registry().badges)
    assert "3 people hold it" in cards["first_share"] and "You hold it" not in cards["first_share"]
    assert "1 person holds it" in cards["first_event"] and "You hold it" in cards["first_event"]
    assert "0 people hold it" in cards["streak_4"]


def test_a_badge_page_says_what_earns_it_and_lists_the_holders_newest_first(
    client, app, signed_in, make_user
):
    first, second = make_user(display_name="Early Bird"), make_user(display_name="Late Comer")
    give_badge(app, first.id, "first_event", at=NOON)
    give_badge(app, second.id, "first_event", at=NOON + timedelta(days=1))
    signed_in(language="en")
    page = text(client.get("/badges/first_event"))
    assert "Attend a social café, a webinar, a training or a talk." in page
    assert "2 people hold it." in page and "You hold it" not in page
    assert page.index("Late Comer") < page.index("Early Bird")


def test_a_badge_page_names_a_bounded_number_then_counts_the_others(client, app, signed_in, make_user):
    with app.app_context():
        people = [User(email=f"many{n}@example.com", display_name=f"Many {n}") for n in range(65)]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(BadgeAward(user_id=p.id, badge="first_share", earned_at=NOON) for p in people)
        db.session.commit()
    signed_in(language="en")
    page = text(client.get("/badges/first_share"))
    assert page.count('<span class="holder-name">') == fame.HOLDERS_SHOWN
    assert "and 5 others" in page and "65 people hold it." in page


def test_nobody_holds_it_yet(client, signed_in):
    signed_in(language="en")
    assert "Nobody holds it yet" in text(client.get("/badges/first_share"))


def test_an_unknown_badge_is_not_found(client, signed_in):
    signed_in(language="en")
    assert client.get("/badges/no_such_badge").status_code == 404


# --- Query budgets ----------------------------------------------------------------------------


def test_the_wall_runs_the_same_queries_with_10_or_1000_entries(
    client, app, signed_in, make_user, count_queries
):
    people = [make_user(display_name=f"Person {n}") for n in range(1, 4)]
    shy = make_user(anonymous_on_boards=True)
    for person in [*people, shy]:
        add_entries(app, person.id, 3)
    signed_in(language="en")

    def grow():
        for person in [*people, shy]:
            add_entries(app, person.id, 250, at=NOON - timedelta(days=1))
        with app.app_context():
            db.session.execute(sa.update(FameEntry).where(FameEntry.id % 50 == 0).values(featured_at=NOON))
            db.session.commit()

    def queries_drawing_the_wall() -> int:
        with app.app_context():
            cache.bump(fame.WALL)  # the wall is read afresh, not from the shared cache
        with count_queries() as counter:
            client.get("/fame")
        return counter.count

    client.get("/fame")  # the first page after sign-in also notes "last seen"
    before = queries_drawing_the_wall()
    grow()
    assert queries_drawing_the_wall() == before


def test_the_wall_is_kept_until_an_entry_or_a_name_on_it_changes(
    client, app, signed_in, make_user, add_entry
):
    person = make_user(display_name="Paula Share")
    signed_in(language="en")
    first = add_entry(person.id)
    assert "Paula Share earned" in text(client.get("/fame"))
    add_entry(person.id, at=NOON + timedelta(hours=1), badge="first_event")
    assert text(client.get("/fame")).count("Paula Share earned") == 2  # a new entry shows at once
    with app.app_context(), unit_of_work():
        db.session.get(User, person.id).display_name = "Paula Renamed"
    page = text(client.get("/fame"))
    assert "Paula Share" not in page and page.count("Paula Renamed earned") == 2
    with app.app_context(), unit_of_work():
        db.session.get(User, person.id).anonymous_on_boards = True
    assert "Paula Renamed" not in text(client.get("/fame"))
    with app.app_context(), unit_of_work():
        db.session.get(FameEntry, first).hidden = True
    assert text(client.get("/fame")).count("An ambassador earned") == 1


def test_a_badge_page_runs_the_same_queries_with_10_or_1000_holders(
    client, app, signed_in, make_user, count_queries
):
    def holders(number: int, start: int) -> None:
        with app.app_context():
            people = [
                User(email=f"h{start + n}@example.com", display_name=f"H {n}", anonymous_on_boards=n % 3 == 0)
                for n in range(number)
            ]
            db.session.add_all(people)
            db.session.flush()
            db.session.add_all(BadgeAward(user_id=p.id, badge="first_share", earned_at=NOON) for p in people)
            db.session.commit()

    holders(10, 0)
    signed_in(language="en")
    before, after = queries_before_and_after(
        client, count_queries, "/badges/first_share", lambda: holders(990, 10)
    )
    assert before == after
    assert "1,000 people hold it." in text(client.get("/badges/first_share"))


def test_the_badges_page_runs_the_same_queries_whatever_the_holders(
    client, app, signed_in, make_user, count_queries
):
    signed_in(language="en")

    def more():
        for _ in range(5):
            give_badge(app, make_user().id, "first_event")

    before, after = queries_before_and_after(client, count_queries, "/badges", more)
    assert before == after


# --- The week's most clicked shares ----------------------------------------------------------


@pytest.fixture
def clicks(app, make_user, make_item):
    """Record clicks on a person's share of an item at moments; returns the share's id."""
    items = {}

    def factory(sharer_id: int, moments: list[datetime], title: str = "Our new lab") -> int:
        if title not in items:
            items[title] = make_item(title=title)
        with app.app_context():
            share = Share(user_id=sharer_id, item_id=items[title], network="linkedin", token=f"t{next(KEYS)}")
            db.session.add(share)
            db.session.commit()
            with unit_of_work():
                for moment in moments:
                    record(
                        db.session.get(User, sharer_id),
                        content_verbs.CLICK_RECEIVED,
                        "content",
                        items[title],
                        {"share": share.id},
                        at=moment,
                    )
            return share.id

    return factory


def last_week_moments(app, number: int, hours: int = 0) -> list[datetime]:
    """Moments inside last week (the programme's week, Monday to Monday in Paris)."""
    with app.test_request_context():
        monday = start_of(week_of(utcnow()) - timedelta(days=7))
    return [monday + timedelta(hours=10 + hours, minutes=n) for n in range(number)]


def top_entries(app) -> list[tuple[str, int, dict, datetime]]:
    with app.app_context():
        return [
            (entry.key, entry.user_id, entry.params, entry.created_at)
            for entry in db.session.scalars(
                sa.select(FameEntry).where(FameEntry.kind == "top_share").order_by(FameEntry.key)
            )
        ]


def test_the_top_three_shares_of_last_week_are_celebrated_once(app, make_user, clicks):
    people = [make_user() for _ in range(5)]
    shares = [
        clicks(people[0].id, last_week_moments(app, 9), "Nine"),
        clicks(people[1].id, last_week_moments(app, 7), "Seven"),
        clicks(people[2].id, last_week_moments(app, 5), "Five"),
        clicks(people[3].id, last_week_moments(app, 2), "Two"),
    ]
    with app.app_context():
        this_week = week_of(utcnow())
    clicks(people[4].id, [utcnow()] * 20, "This week")  # the week is not over: not yet
    with app.app_context():
        assert celebrate_top_shares() == 3
        db.session.commit()
    week = (this_week - timedelta(days=7)).isoformat()
    with app.app_context():
        end = start_of(this_week)
    entries = top_entries(app)
    assert sorted((key, user) for key, user, _params, _at in entries) == sorted(
        [(f"top_share:{week}:{shares[n]}", people[n].id) for n in range(3)]
    )
    assert {params["title"]: params["clicks"] for _key, _user, params, _at in entries} == {
        "Nine": 9,
        "Seven": 7,
        "Five": 5,
    }
    assert {at for *_rest, at in entries} == {end}
    with app.app_context():
        assert celebrate_top_shares() == 0  # idempotent
        db.session.commit()
    assert len(top_entries(app)) == 3


def test_shares_tied_with_the_third_are_all_celebrated(app, make_user, clicks):
    people = [make_user() for _ in range(4)]
    for number, person in enumerate(people):
        clicks(person.id, last_week_moments(app, 5 if number else 8), f"Item {number}")
    with app.app_context():
        assert celebrate_top_shares() == 4
        db.session.commit()


def test_the_sync_command_runs_the_top_shares_job_and_the_wall_shows_it(
    app, runner, client, make_user, signed_in, clicks
):
    sharer = make_user(display_name="Sam Sharer")
    clicks(sharer.id, last_week_moments(app, 3), "Lumen lights up Nantes")
    first = runner.invoke(args=["points", "sync"])
    assert "1 highlight(s) added" in first.output
    second = runner.invoke(args=["points", "sync"])
    assert "0 highlight(s) added" in second.output
    assert len(top_entries(app)) == 1
    signed_in(language="en")
    page = text(client.get("/fame"))
    assert (
        "“Lumen lights up Nantes”, shared by Sam Sharer, was among the most clicked shares of the week: 3 clicks."
        in page
    )
    assert re.search(r'<a href="/content/\d+">“Lumen lights up Nantes”', page)


def test_sync_outcome_counts_the_jobs(app, make_user, clicks):
    clicks(make_user().id, last_week_moments(app, 1))
    with app.app_context():
        assert services.sync().jobs == 1


def test_a_drawn_entry_follows_a_new_name_the_choice_to_stay_anonymous_and_featuring(
    client, app, signed_in, make_user, add_entry
):
    person = make_user(display_name="Ada Lovelace")
    add_entry(person.id)
    signed_in(language="en")
    assert fame_texts(text(client.get("/fame"))) == ["Ada Lovelace earned the badge “First share”."]
    with app.app_context():
        db.session.get(User, person.id).display_name = "Ada King"
        db.session.commit()
    assert fame_texts(text(client.get("/fame"))) == ["Ada King earned the badge “First share”."]
    with app.app_context():
        db.session.get(User, person.id).anonymous_on_boards = True
        db.session.scalar(sa.select(FameEntry)).featured_at = NOON
        db.session.commit()
    page = text(client.get("/fame"))
    assert fame_texts(page) == ["An ambassador earned the badge “First share”."]
    assert "fame-entry--featured" in page and "Ada" not in page
