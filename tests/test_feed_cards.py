"""Feed cards drawn once and reused (content/cards.py): each reader still sees their own state,
their own form token and return address, and a changed item is drawn again (issue #14)."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from flask_babel import force_locale

from base.database import db
from base.drawn import DrawnParts
from blueprints.accounts.models import Role
from blueprints.content import cards
from blueprints.content.feed import Card
from blueprints.content.models import ContentItem
from tests.conftest import Auth, csrf_token, post, text


@pytest.fixture
def two_readers(app, make_user):
    """Two signed-in browsers of two people reading in English."""
    browsers = []
    for _ in range(2):
        person = make_user(Role.EMPLOYEE, language="en")
        browser = app.test_client()
        assert Auth(browser).login(person.email).status_code == 302
        browsers.append(browser)
    return browsers


def card_of(page: str, item_id: int) -> str:
    found = re.search(rf'<article [^>]*aria-labelledby="item-{item_id}-title">.*?</article>', page, re.S)
    assert found, f"no card for item {item_id}"
    return found.group(0)


def token_in(card: str) -> str:
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', card))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def session_part(token: str) -> str:
    return token.split(".")[0]


def without_token_moments(card: str) -> str:
    """The card with its form tokens cut to their session's part (a token is signed with the
    second it was made in, so two pages a second apart carry different ones)."""
    return re.sub(r'(name="csrf_token" value="[^".]+)\.[^"]+"', r'\1"', card)


def test_a_card_drawn_for_one_reader_shows_the_next_their_own_state_token_and_address(
    app, two_readers, make_item
):
    first, second = two_readers
    item = make_item(title="Our new plant", language="en")
    assert post(first, f"/content/{item}/bookmark", {"next": "/feed"}).status_code == 303
    mine = card_of(text(first.get("/feed")), item)
    theirs = card_of(text(second.get("/feed?theme=")), item)
    assert 'aria-pressed="true"' in mine and "★" in mine
    assert 'aria-pressed="true"' not in theirs and "☆" in theirs
    # each session's own token (signed with the moment: compared by the session's part)
    assert session_part(token_in(mine)) == session_part(csrf_token(first))
    assert session_part(token_in(theirs)) == session_part(csrf_token(second)) != session_part(token_in(mine))
    assert 'name="next" value="/feed"' in mine and 'name="next" value="/feed?theme="' in theirs
    again = card_of(text(second.get("/feed")), item)  # drawn already: only the marks change
    assert without_token_moments(again) == without_token_moments(theirs).replace(
        'value="/feed?theme="', 'value="/feed"'
    )


def test_a_card_is_drawn_again_when_the_item_or_the_language_changes(app, two_readers, make_item):
    reader, _ = two_readers
    item = make_item(title="Our new plant", language="en")
    assert "Our new plant" in card_of(text(reader.get("/feed")), item)
    with app.app_context():
        db.session.get(ContentItem, item).title = "Our newest plant"
        db.session.commit()
    assert "Our newest plant" in card_of(text(reader.get("/feed")), item)
    post(reader, "/language", {"language": "fr", "next": "/feed"})
    french = card_of(text(reader.get("/feed")), item)
    assert "J’aime" in french or "J'aime" in french
    assert ' lang="en"' in french  # the English title, marked on a French page


def test_a_card_drawn_under_one_mount_path_is_not_served_under_another(app, two_readers, make_item):
    reader, _ = two_readers
    item = make_item(title="Our new plant", language="en")
    assert f'href="/content/{item}"' in card_of(text(reader.get("/feed")), item)
    mounted = card_of(text(reader.get("/feed", base_url="http://localhost/porte-voix/")), item)
    assert f'href="/porte-voix/content/{item}"' in mounted and f'href="/content/{item}"' not in mounted


def test_a_title_that_looks_like_a_mark_stays_text(app, two_readers, make_item):
    reader, _ = two_readers
    item = make_item(title="Our plant <!--csrf--> <!--next-->", language="en")
    card = card_of(reader.get("/feed").get_data(as_text=True), item)
    assert "Our plant &lt;!--csrf--&gt; &lt;!--next--&gt;" in card and card.count('name="csrf_token"') == 2


def test_a_cards_key_changes_with_everything_the_card_shows(app, make_item):
    item_id = make_item(title="Our new plant", language="en")
    with app.test_request_context("/feed", headers={"Accept-Language": "en"}):
        item = db.session.get(ContentItem, item_id)
        card = Card(item, "New", liked=False, bookmarked=False, likes=0, shared=False)
        key = cards.card_key(card)
        for change in [
            {"reason": "Pinned"},
            {"liked": True},
            {"bookmarked": True},
            {"likes": 1},
            {"shared": True},
        ]:
            assert cards.card_key(replace(card, **change)) != key, change
        changes = [("title", "T"), ("summary", "S"), ("theme", "careers"), ("kind", "training")]
        changes += [("language", "fr"), ("pinned", True), ("url", "https://news.example.com/x")]
        for name, value in changes:
            before = getattr(item, name)
            setattr(item, name, value)
            assert cards.card_key(card) != key, name
            setattr(item, name, before)
        item.publish_at = item.publish_at - timedelta(days=1)
        assert cards.card_key(card) != key
        item.publish_at = item.publish_at + timedelta(days=1)
        assert cards.card_key(card) == key
        with force_locale("fr"):
            assert cards.card_key(card) != key


def test_drawn_parts_are_kept_up_to_their_number_most_recent_first():
    drawn = DrawnParts(2)
    drawn.keep(("a",), "A")
    drawn.keep(("b",), "B")
    assert drawn.get(("a",)) == "A"  # now the most recent
    drawn.keep(("c",), "C")
    assert (drawn.get(("a",)), drawn.get(("b",)), drawn.get(("c",))) == ("A", None, "C")
