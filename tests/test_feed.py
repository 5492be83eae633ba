"""The feed page: what it shows, its order for a person, filters, paging, reactions."""

import random
import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.content import feed
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.feed import PAGE_SIZE, Cursor, Filters, feed_page, feed_preview
from blueprints.content.models import ContentItem, Reaction, Share
from blueprints.quiz.models import PersonaScore, QuizResult
from tests.conftest import htmx_headers, post, text


def feed_ids(response) -> list[int]:
    """The items of a feed page, in order, read from the cards' title links."""
    return [
        int(n)
        for n in re.findall(r'id="item-(\d+)-title"(?: lang="\w+")?><a', response.get_data(as_text=True))
    ]


def give_result(app, user_id: int, scores: dict[str, float]) -> None:
    with app.app_context():
        result = QuizResult(user_id=user_id, version=1, answers={}, networks=[], primary_persona=max(scores))
        result.scores = [
            PersonaScore(persona=key, score=value, rank=rank, held=value >= 0.5, also_you=False)
            for rank, (key, value) in enumerate(sorted(scores.items(), key=lambda kv: -kv[1]), start=1)
        ]
        db.session.add(result)
        db.session.commit()


def hours_ago(hours: float):
    return utcnow() - timedelta(hours=hours)


def test_the_feed_shows_only_live_items_in_the_persons_language(client, signed_in, make_item):
    signed_in(language="fr")
    live = make_item(title="Live")
    make_item(title="Draft", status=Status.DRAFT)
    make_item(title="Pending", status=Status.PENDING)
    make_item(title="Archived", status=Status.ARCHIVED)
    make_item(title="Rejected", status=Status.REJECTED)
    make_item(title="Scheduled", publish_at=utcnow() + timedelta(hours=2))
    make_item(title="Expired", expire_at=hours_ago(0.5))
    still = make_item(title="Expires later", expire_at=utcnow() + timedelta(days=1))
    make_item(title="English", language="en")
    assert sorted(feed_ids(client.get("/feed"))) == sorted([live, still])


def test_content_languages_chosen_on_the_profile_widen_the_feed(client, signed_in, make_item, app):
    person = signed_in(language="fr", content_languages=["en", "fr"])
    french, english = make_item(language="fr"), make_item(language="en")
    assert sorted(feed_ids(client.get("/feed"))) == sorted([french, english])
    with app.app_context():
        db.session.execute(
            sa.text("UPDATE users SET content_languages = '[\"en\"]' WHERE id = :id"), {"id": person.id}
        )
        db.session.commit()
    assert feed_ids(client.get("/feed")) == [english]


def test_persona_affinity_orders_the_feed_and_is_neutral_without_a_result(client, signed_in, make_item, app):
    person = signed_in()
    for_messengers = make_item(title="For messengers", target_personae=["messenger"], publish_at=hours_ago(1))
    for_experts = make_item(
        title="For experts", target_personae=["expert"], theme="expertise", publish_at=hours_ago(30)
    )
    assert feed_ids(client.get("/feed")) == [for_messengers, for_experts]
    give_result(app, person.id, {"expert": 0.9, "messenger": 0.1})
    page = client.get("/feed")
    assert feed_ids(page) == [for_experts, for_messengers]
    assert "Choisi pour les ambassadeurs comme vous : Expert" in text(page)


def test_pinned_items_lead_and_say_why(client, signed_in, make_item):
    signed_in()
    fresh = make_item(publish_at=hours_ago(1))
    pinned = make_item(pinned=True, publish_at=hours_ago(24 * 40))
    page = client.get("/feed")
    assert feed_ids(page) == [pinned, fresh]
    assert "Épinglé par l'équipe comm" in text(page)


def test_what_the_person_shared_and_liked_teaches_the_feed(client, signed_in, make_item, app):
    person = signed_in(language="en", content_languages=["fr"])
    liked_careers = make_item(theme="careers", publish_at=hours_ago(24 * 20))
    new_events = make_item(theme="events", publish_at=hours_ago(2))
    new_careers = make_item(theme="careers", publish_at=hours_ago(30))
    assert feed_ids(client.get("/feed"))[:2] == [new_events, new_careers]
    post(client, f"/content/{liked_careers}/like")
    page = client.get("/feed")
    assert feed_ids(page)[0] == new_careers
    assert "Close to what you often share and like" in text(page)
    with app.app_context():
        assert db.session.get(Reaction, (person.id, liked_careers, "like")) is not None


def test_filters_by_theme_type_and_saved(client, signed_in, make_item):
    signed_in()
    careers = make_item(theme="careers", kind="job_offer")
    events = make_item(theme="events", kind="event_recap")
    assert feed_ids(client.get("/feed?theme=careers")) == [careers]
    assert feed_ids(client.get("/feed?type=event_recap")) == [events]
    assert sorted(feed_ids(client.get("/feed?theme=nonsense"))) == sorted([careers, events])
    assert feed_ids(client.get("/feed?saved=1")) == []
    post(client, f"/content/{events}/bookmark")
    assert feed_ids(client.get("/feed?saved=1")) == [events]


def test_load_more_continues_without_repeats_even_when_new_items_arrive(client, signed_in, make_item):
    signed_in()
    themes = ["company_news", "careers", "events", "impact", "products"]
    ids = [make_item(theme=themes[n % 5], publish_at=hours_ago(n + 1)) for n in range(PAGE_SIZE + 5)]
    first = client.get("/feed")
    first_ids = feed_ids(first)
    assert len(first_ids) == PAGE_SIZE
    more = (
        re.search(r'href="(/feed\?cursor=[^"]+)"', first.get_data(as_text=True))
        .group(1)
        .replace("&amp;", "&")
    )
    make_item(title="Published meanwhile", publish_at=utcnow())
    second = client.get(more, headers=htmx_headers(client))
    assert "<html" not in second.get_data(as_text=True)
    second_ids = feed_ids(second)
    assert sorted(first_ids + second_ids) == sorted(ids)
    assert 'id="load-more"' not in second.get_data(as_text=True)


def test_a_cursor_never_reaches_into_the_future(client, signed_in, make_item):
    signed_in()
    make_item(title="Scheduled", publish_at=utcnow() + timedelta(days=2))
    future = int((utcnow() + timedelta(days=5)).timestamp())
    assert feed_ids(client.get(f"/feed?cursor={future}.0.0")) == []
    assert client.get("/feed?cursor=garbage").status_code == 200


def test_likes_by_htmx_swap_the_buttons_and_are_logged_and_undone(client, signed_in, make_item, app):
    person = signed_in()
    item = make_item()
    response = client.post(f"/content/{item}/like", headers=htmx_headers(client))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'aria-pressed="true"' in body and "1 j'aime" in text(response)
    client.post(f"/content/{item}/like", headers=htmx_headers(client))
    with app.app_context():
        logged = db.session.scalars(
            sa.select(Activity.verb).where(Activity.user_id == person.id).order_by(Activity.id)
        ).all()
        assert logged[-2:] == [content_verbs.CONTENT_LIKED, content_verbs.CONTENT_UNLIKED]
        assert db.session.get(Reaction, (person.id, item, "like")) is None


def test_reactions_work_as_plain_forms_and_return_to_the_page(client, signed_in, make_item):
    signed_in()
    item = make_item()
    response = post(client, f"/content/{item}/bookmark", {"next": "/feed?theme=careers"})
    assert response.status_code == 303 and response.headers["Location"] == "/feed?theme=careers"
    response = post(client, f"/content/{item}/bookmark", {"next": "https://evil.example/"})
    assert response.headers["Location"] == f"/content/{item}"


def test_reactions_need_the_csrf_token(client, signed_in, make_item):
    signed_in()
    item = make_item()
    assert client.post(f"/content/{item}/like").status_code == 400


def test_an_item_page_is_404_unless_live_except_for_comms_preview(client, signed_in, make_item, auth):
    draft = make_item(status=Status.DRAFT, title="Secret plan")
    signed_in()
    assert client.get(f"/content/{draft}").status_code == 404
    assert client.get("/content/999999").status_code == 404
    assert client.post(f"/content/{draft}/like", headers=htmx_headers(client)).status_code == 404
    auth.logout()
    signed_in(Role.COMMS)
    preview = client.get(f"/content/{draft}")
    assert preview.status_code == 200
    assert "Aperçu : cet élément n'est pas dans le fil (Brouillon)." in text(preview)


def test_the_feed_runs_as_many_queries_with_500_items_as_with_10(
    client, signed_in, make_item, count_queries, app
):
    person = signed_in()
    give_result(app, person.id, {"messenger": 0.8, "expert": 0.4})
    for n in range(10):
        make_item(theme=["careers", "events"][n % 2], target_personae=["messenger"] if n % 3 else [])
    client.get("/feed")
    with count_queries() as small:
        client.get("/feed")
    with app.app_context():
        author = db.session.scalar(sa.select(ContentItem.author_id))
        now = utcnow()
        db.session.execute(
            sa.insert(ContentItem),
            [
                {
                    "title": f"Bulk {n}",
                    "summary": "",
                    "url": "https://www.example.org/",
                    "theme": ["careers", "events", "impact"][n % 3],
                    "kind": "news",
                    "language": "fr",
                    "target_personae": ["expert"] if n % 2 else [],
                    "status": Status.PUBLISHED,
                    "publish_at": now - timedelta(hours=n),
                    "pinned": n % 97 == 0,
                    "author_id": author,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(490)
            ],
        )
        db.session.commit()
        for item_id in db.session.scalars(sa.select(ContentItem.id).limit(40)):
            db.session.add(Reaction(user_id=person.id, item_id=item_id, kind="like"))
        db.session.commit()
    with count_queries() as large:
        page = client.get("/feed")
    assert len(feed_ids(page)) == PAGE_SIZE
    assert large.count == small.count, large.statements
    # The person, the reader with the newest candidates (one statement), the cards.
    assert large.count <= 3, large.statements
    more = unescape(re.search(r'href="(/feed\?[^"]*cursor=[^"]+)"', page.get_data(as_text=True)).group(1))
    with count_queries() as later:
        assert client.get(more, headers={"HX-Request": "true"}).status_code == 200
    # A later page also reads the shares made since the first page's moment (a statement of its
    # own: PostgreSQL plans it for each moment, and would plan the reader's with it).
    assert later.count == large.count + 1, later.statements


def read_reader(user: User, as_of, later_page: bool = False):
    """The reader (and the shares made since ``as_of``) as the feed reads them, with its newest items."""
    return feed._reader_and_newest(user, Filters(), as_of, 10, later_page, titled=False)[:2]


def test_the_reader_is_read_in_one_query_with_the_latest_results_scores(
    app, make_user, make_item, count_queries
):
    person, other = make_user(), make_user()
    give_result(app, person.id, {"messenger": 0.9, "expert": 0.1})
    give_result(app, person.id, {"messenger": 0.2, "expert": 0.7})  # retaken: this one counts
    give_result(app, other.id, {"reporter": 1.0})
    careers, events = make_item(theme="careers"), make_item(theme="events")
    with app.app_context():
        db.session.add_all(
            [
                Share(user_id=person.id, item_id=careers, network="linkedin", token="mine"),
                Reaction(user_id=person.id, item_id=careers, kind="like"),
                Reaction(user_id=person.id, item_id=events, kind="like"),
                Reaction(user_id=other.id, item_id=events, kind="like"),
            ]
        )
        db.session.commit()
        with count_queries() as reading:
            reader = read_reader(db.session.get(User, person.id), utcnow())[0]
            nobody = read_reader(db.session.get(User, make_user().id), utcnow())[0]
    assert reader.persona_scores == {"messenger": 0.2, "expert": 0.7}
    assert reader.theme_actions == {"careers": 2, "events": 1}  # a share and a like: two actions
    assert reader.shared_item_ids == {careers}
    assert nobody == feed.Reader({}, {}, frozenset())
    assert len([s for s in reading.statements if "persona_scores" in s]) == 2  # one per reader


def test_the_feed_counts_the_shares_made_up_to_its_moment(app, make_user, make_item):
    """An item's engagement counts the shares made by the ranking's moment, not those after it
    (a "load more" ranks as the first page did)."""
    person = make_user()
    item = make_item(publish_at=hours_ago(48))
    moment = utcnow()
    with app.app_context():
        for n in range(5):
            created = moment - timedelta(hours=n + 1) if n < 3 else moment + timedelta(minutes=n)
            db.session.add(
                Share(user_id=make_user().id, item_id=item, network="x", token=f"m{n}", created_at=created)
            )
        db.session.commit()
        reader = db.session.get(User, person.id)
        assert db.session.get(ContentItem, item).share_count == 5
        for at, expected in (
            (moment, {item: 3}),
            (moment + timedelta(hours=1), {item: 5}),
            (moment - timedelta(days=1), {}),  # live, none yet
        ):
            _reader, made_since = read_reader(reader, at, later_page=True)
            assert feed._candidates(reader, Filters(), at, made_since).shares == expected
        # A first page is ranked as of now: it counts every share stored, with no query of its own.
        assert feed._candidates(reader, Filters(), moment, {}).shares == {item: 5}


def walk_the_feed(app, user_id: int, pages: int) -> list[int]:
    """The item ids of the first pages of the person's feed, following "load more"."""
    with app.app_context():
        person = db.session.get(User, user_id)
        cursor, ids = Cursor(utcnow()), []
        for _page in range(pages):
            page = feed_page(person, Filters(), cursor)
            ids += [card.item.id for card in page.cards]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        return ids


@pytest.mark.parametrize("seed", range(4))
def test_ranking_the_newest_items_only_gives_the_order_of_the_whole_library(
    app, make_user, make_item, monkeypatch, seed
):
    """The feed ranks only the newest items when older ones cannot reach the page: the order
    must be exactly the one of ranking everything, page after page."""
    rng = random.Random(seed)
    person = make_user()
    give_result(app, person.id, {"messenger": rng.random(), "expert": rng.random()})
    sharers = [make_user().id for _ in range(3)]
    items = [
        make_item(
            theme=rng.choice(["careers", "events", "impact"]),
            target_personae=rng.choice([[], ["messenger"], ["expert"]]),
            publish_at=hours_ago(rng.uniform(1, 24 * 120)),
            pinned=rng.random() < 0.03,
        )
        for _ in range(70)
    ]
    with app.app_context():
        for n, item_id in enumerate(rng.sample(items, 25)):
            sharer = person.id if n % 5 == 0 else rng.choice(sharers)
            db.session.add(Share(user_id=sharer, item_id=item_id, network="linkedin", token=f"t{seed}-{n}"))
        db.session.commit()
    whole_library = walk_the_feed(app, person.id, pages=5)
    full_rankings = spy_on_full_rankings(monkeypatch, window=8)
    assert walk_the_feed(app, person.id, pages=5) == whole_library
    assert len(whole_library) == 60
    assert full_rankings.count(None) < 5  # some pages came from the newest items alone
    assert home_preview(app, person.id) == whole_library[:3]
    monkeypatch.setattr(feed, "PREVIEW_WINDOW", 4)  # home's own window, even smaller
    assert home_preview(app, person.id) == whole_library[:3]


def home_preview(app, person_id: int) -> list[int]:
    """The feed's first three items as home shows them: read alone, and read with home's facts."""
    from blueprints.core.services import personal_facts

    with app.test_request_context():
        person, now = db.session.get(User, person_id), utcnow()
        alone = [preview.item_id for preview in feed_preview(person, now, 3)]
        assert [preview.item_id for preview in personal_facts(person, now, 3).feed_preview] == alone
        return alone


def test_home_previews_the_feed_reading_titles_with_the_candidates(app, make_user, make_item, count_queries):
    person = make_user()
    first = make_item(title="Our new office", language="fr", publish_at=hours_ago(1))
    make_item(title="Older news", publish_at=hours_ago(30))
    with app.test_request_context(), count_queries() as counter:
        previews = feed_preview(db.session.get(User, person.id), utcnow(), 1)
    assert counter.count == 2  # the person, what the ranking needs of them with the candidates
    assert [(p.item_id, p.title, p.language) for p in previews] == [(first, "Our new office", "fr")]


@pytest.mark.parametrize("wider", [1, 4])
def test_older_items_that_can_still_win_are_ranked(app, make_user, make_item, monkeypatch, wider):
    person = make_user()
    newest = [
        make_item(theme=theme, publish_at=hours_ago(n + 1))
        for n, theme in enumerate(["careers", "events"] * 5)
    ]
    older = [
        make_item(theme=theme, publish_at=hours_ago(240 + n))
        for n, theme in enumerate(["impact", "events"] * 5)
    ]
    with app.app_context():
        for n, item_id in enumerate(newest):
            db.session.add(Share(user_id=person.id, item_id=item_id, network="linkedin", token=f"mine-{n}"))
        db.session.commit()
    whole_library = walk_the_feed(app, person.id, pages=1)
    full_rankings = spy_on_full_rankings(monkeypatch, window=0, wider=wider)
    assert walk_the_feed(app, person.id, pages=1) == whole_library
    if wider == 1:
        assert full_rankings[-1] is None  # the newest were not enough: everything was ranked
    else:
        assert full_rankings == [13, 52]  # four times as many held every item that could win
    assert len(set(whole_library[:6]) & set(older)) >= 5  # not shared yet, though ten days old


def spy_on_full_rankings(monkeypatch, window: int, wider: int = feed.WIDER) -> list[int | None]:
    """Rank from a small window of newest items (then ``wider`` times as many); the list records
    each fetch's limit (None: all), the first read with the reader."""
    limits = []
    fetch, fetch_with_reader = feed._candidates, feed._reader_and_newest
    monkeypatch.setattr(feed, "RECENT_WINDOW", window)
    monkeypatch.setattr(feed, "WIDER", wider)
    monkeypatch.setattr(feed, "RECENT_PER_ITEM_SHOWN", 1)
    monkeypatch.setattr(
        feed, "_candidates", lambda *a, limit=None, **k: limits.append(limit) or fetch(*a, limit=limit, **k)
    )
    monkeypatch.setattr(
        feed,
        "_reader_and_newest",
        lambda user, filters, as_of, limit, *a: (
            limits.append(limit) or fetch_with_reader(user, filters, as_of, limit, *a)
        ),
    )
    return limits
