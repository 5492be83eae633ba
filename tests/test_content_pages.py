"""The content pages as people read them: why a card is shown, filters by htmx, text in the
other language marked, error summaries, the charter's scroll box, unique ids."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from flask_babel import force_locale

from base.database import db, utcnow
from base.vocabularies import THEMES
from blueprints.accounts.models import Role, User
from blueprints.content import services
from blueprints.content.catalogue import Status
from tests.conftest import htmx_headers, post, text
from tests.test_feed import feed_ids, give_result, hours_ago


def reasons(response) -> dict[int, str]:
    """Each card's "why you see this", by item."""
    body = response.get_data(as_text=True)
    found = re.findall(
        r'id="item-(\d+)-title".*?<p class="why">.*?</span>\s*<span class="visually-hidden">[^<]*</span>\s*([^<]+)</p>',
        body,
        re.S,
    )
    return {int(item): " ".join(why.split()) for item, why in found}


def chips(response) -> dict[int, str]:
    body = response.get_data(as_text=True)
    found = re.findall(r'<span class="chip">([^<]+)</span>.*?id="item-(\d+)-title"', body, re.S)
    return {int(item): chip for chip, item in found}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_reason_never_repeats_the_theme_shown_above_it(client, signed_in, make_item, app, language):
    person = signed_in(language=language, content_languages=["fr"])
    liked = make_item(theme="careers", publish_at=hours_ago(24 * 30))
    fresh = make_item(theme="events", publish_at=hours_ago(2))
    interest = make_item(theme="careers", publish_at=hours_ago(24 * 10))
    targeted = make_item(theme="impact", target_personae=["expert"], publish_at=hours_ago(24 * 12))
    give_result(app, person.id, {"messenger": 0.9, "expert": 0.1})
    post(client, f"/content/{liked}/like")
    response = client.get("/feed")
    why, tags = reasons(response), chips(response)
    assert set(why) == {liked, fresh, interest, targeted}
    for item, reason in why.items():
        assert tags[item] in {str(label) for label in _labels(app, language)}
        assert tags[item] not in reason, (item, reason)
    if language == "en":
        assert why[fresh] == "New: published in the last 3 days"
        assert why[interest] == "Close to what you often share and like"
        assert why[targeted] == "Written for: Expert"


def _labels(app, language):
    with app.test_request_context(), force_locale(language):
        return [str(label) for label in THEMES.values()]


def test_filters_change_the_list_by_htmx_and_keep_a_button_without_javascript(client, signed_in, make_item):
    signed_in(language="en", content_languages=["fr"])
    careers = make_item(theme="careers", kind="job_offer")
    events = make_item(theme="events", kind="event_recap")
    page = client.get("/feed").get_data(as_text=True)
    form = re.search(r'<form class="filters"[^>]*>', page).group(0)
    assert 'hx-get="/feed"' in form and 'hx-trigger="change"' in form
    assert 'hx-target="#feed-results"' in form and 'hx-push-url="true"' in form
    assert '<button type="submit" class="button button--secondary no-js-only">Filter</button>' in page
    assert '<div id="feed-results" class="feed-results">' in page
    assert '<p id="feed-status" class="visually-hidden" role="status"></p>' in page

    swapped = client.get(
        "/feed?theme=careers&type=", headers={**htmx_headers(client), "HX-Target": "feed-results"}
    )
    body = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and "<html" not in body and "<form" in body  # the cards' like buttons
    assert body.lstrip().startswith('<div id="feed-results" class="feed-results">')
    assert feed_ids(swapped) == [careers]
    assert 'href="/feed">Clear the filters</a>' in body
    assert '<p id="feed-status" hx-swap-oob="innerHTML">1 item shown.</p>' in body
    nothing = client.get("/feed?type=training", headers={**htmx_headers(client), "HX-Target": "feed-results"})
    assert "Nothing matches these filters for now." in text(nothing)
    assert feed_ids(client.get("/feed?type=event_recap")) == [events]  # the plain form still works


def test_text_in_another_language_is_marked(client, signed_in, make_item, app, make_user):
    signed_in(Role.COMMS, language="en", content_languages=["fr", "en"])
    french = make_item(
        title="Notre atelier", summary="Une visite.", language="fr", share_texts={"x": ["Bravo"]}
    )
    english = make_item(title="Our workshop", summary="A visit.", language="en")
    feed = client.get("/feed").get_data(as_text=True)
    assert f'<h2 id="item-{french}-title" lang="fr"><a' in feed
    assert f'<h2 id="item-{english}-title"><a' in feed
    assert '<p class="content-summary" lang="fr">Une visite.</p>' in feed
    assert '<p class="content-summary">A visit.</p>' in feed
    item = client.get(f"/content/{french}").get_data(as_text=True)
    assert '<h1 id="item-title" lang="fr">Notre atelier</h1>' in item
    assert re.search(r'<textarea id="text-x" name="text" rows="\d+" maxlength="\d+" lang="fr"', item)
    assert '<span class="visually-hidden" lang="fr"> — Notre atelier</span>' in item
    figures = client.get(f"/admin/content/{french}").get_data(as_text=True)
    assert '<h1 lang="fr">Notre atelier</h1>' in figures
    library = client.get("/admin/content").get_data(as_text=True)
    assert f'<a href="/admin/content/{french}" lang="fr">Notre atelier</a>' in library
    assert f'<a href="/admin/content/{english}">Our workshop</a>' in library
    with app.app_context():
        sam = db.session.get(User, make_user().id)
        suggested = services.suggest(sam, "Une idée", "https://www.example.org/i", "Pourquoi pas", "fr").id
    queue = client.get("/admin/moderation").get_data(as_text=True)
    assert f'<a href="/admin/moderation/{suggested}" lang="fr">Une idée</a>' in queue
    review = client.get(f"/admin/moderation/{suggested}").get_data(as_text=True)
    assert '<h2 id="suggestion-title" lang="fr">Une idée</h2>' in review


def test_a_refused_suggestion_sums_up_its_errors_each_naming_its_field(client, signed_in, app):
    signed_in(language="en")
    response = post(client, "/suggest", {"url": "", "title": "", "reason": "", "language": "fr"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" id="suggest-errors" role="alert" tabindex="-1" data-error-summary.*?</div>',
        body,
        re.S,
    ).group(0)
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        ("url", "Link — Give the address of the page you suggest."),
        ("title", "Title — Give the title of the content."),
        ("reason", "Why is it worth sharing? — Say in a sentence or two why it is worth sharing."),
    ]
    messages = re.findall(r'<p class="field-error" id="(\w+)-error">([^<]+)</p>', body)
    assert messages == [
        ("url", "Give the address of the page you suggest."),
        ("title", "Give the title of the content."),
        ("reason", "Say in a sentence or two why it is worth sharing."),
    ]
    assert "This field is required." not in body
    assert body.index('id="suggest-errors"') < body.index('id="url"')  # at the top of the form
    assert '<div class="error-summary"' not in client.get("/suggest").get_data(as_text=True)


def test_the_charter_box_can_be_reached_by_keyboard_and_is_named(
    client, signed_in, make_item, app, make_user
):
    author = make_user(Role.COMMS)
    with app.app_context():
        services.publish_charter(db.session.get(User, author.id), "Je partage.", "I share.")
    item = make_item()
    signed_in(language="en")
    for path in ("/charter", f"/content/{item}"):
        body = client.get(path).get_data(as_text=True)
        assert (
            '<div class="charter-text" tabindex="0" role="region" aria-label="Programme charter, version 1"><p>I share.</p></div>'
            in body
        ), path


def test_copy_buttons_are_hidden_until_javascript_reveals_them(client, signed_in, make_item):
    signed_in()
    item = make_item(share_texts={"x": ["Bravo"], "linkedin": ["Bravo"]})
    body = client.get(f"/content/{item}").get_data(as_text=True)
    buttons = re.findall(r"<button [^>]*data-copy=[^>]*>", body)
    assert len(buttons) == 3 and all(button.endswith(" hidden>") for button in buttons)


def duplicates(body: str) -> list[str]:
    return [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', body)).items() if count > 1]


def test_content_pages_have_no_duplicate_id(client, signed_in, make_item, app, make_user):
    sam = make_user()
    with app.app_context():
        suggested = services.suggest(
            db.session.get(User, sam.id), "Idea", "https://www.example.org/i", "Why", "fr"
        ).id
    items = [make_item(title=f"Item {n}", share_texts={"x": ["A", "B"]}) for n in range(3)]
    make_item(title="Later", publish_at=utcnow() + timedelta(days=2))
    make_item(title="Draft", status=Status.DRAFT)
    signed_in(Role.COMMS)
    pages = [
        "/feed",
        f"/content/{items[0]}",
        "/suggest",
        "/charter",
        "/admin/moderation",
        f"/admin/moderation/{suggested}",
        "/admin/content",
        f"/admin/content/{items[0]}",
        f"/admin/content/{items[0]}/edit",
        "/admin/content/new",
        "/admin/charter",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert duplicates(response.get_data(as_text=True)) == [], path
    refused = post(client, "/suggest", {"url": "", "title": "", "reason": ""})
    assert refused.status_code == 422 and duplicates(refused.get_data(as_text=True)) == []
