"""Sharing: the charter gate, one share per person, item and network, tracked links."""

import re
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.content import services
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import ContentItem, Share
from blueprints.quiz.models import QuizResult
from tests.conftest import at_the_same_time, post, text


@pytest.fixture
def charter(app, make_user):
    """Publish a charter version; returns its id."""
    author = make_user(Role.COMMS, display_name="Charter Author")

    def publish(body: str = "Be kind. Never share confidential facts."):
        with app.app_context():
            return services.publish_charter(db.session.get(User, author.id), f"FR: {body}", body).id

    return publish


def share(client, item_id: int, network: str, text: str = ""):
    return post(client, f"/content/{item_id}/share/{network}", {"text": text})


def accept(client, charter_id: int, next_page: str = "/feed"):
    return post(client, "/charter", {"charter_id": charter_id, "next": next_page})


def linkedin_page(token: str) -> str:
    """LinkedIn's share page for a share's tracked link (on SITE_URL, the test default)."""
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
        {"url": f"http://127.0.0.1:5000/r/{token}"}
    )


def stored_shares(app) -> list[Share]:
    with app.app_context():
        shares = list(db.session.scalars(sa.select(Share).order_by(Share.id)))
        db.session.expunge_all()
        return shares


def test_the_first_share_asks_for_the_charter_then_goes_to_the_network(
    client, signed_in, make_item, charter, app
):
    person = signed_in()
    charter_id = charter()
    item = make_item(url="https://www.example.org/story", share_texts={"x": ["Proud of this #team"]})
    page = client.get(f"/content/{item}")
    assert "J'ai lu la charte et je l'accepte" in text(page)
    assert "Partager sur" not in text(page)
    refused = share(client, item, "x", "Hello")
    assert (refused.status_code, refused.headers["Location"]) == (303, f"/charter?next=/content/{item}")
    assert stored_shares(app) == []
    accepted = accept(client, charter_id, f"/content/{item}")
    assert accepted.headers["Location"] == f"/content/{item}"
    assert "Partager sur X" in text(client.get(f"/content/{item}"))
    shared = share(client, item, "x", "Proud of this #team")
    assert shared.status_code == 303
    assert [(s.user_id, s.item_id, s.network) for s in stored_shares(app)] == [(person.id, item, "x")]


def test_a_new_charter_version_asks_again(client, signed_in, make_item, charter, app):
    signed_in()
    item = make_item()
    accept(client, charter())
    linkedin = share(client, item, "linkedin").headers["Location"]
    assert linkedin == linkedin_page(stored_shares(app)[0].token)
    second = charter("Version two.")
    assert share(client, item, "facebook").headers["Location"] == f"/charter?next=/content/{item}"
    assert "FR: Version two." in text(client.get("/charter"))
    accept(client, second)
    facebook = share(client, item, "facebook").headers["Location"]
    token = stored_shares(app)[1].token
    assert (
        facebook
        == f"https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F127.0.0.1%3A5000%2Fr%2F{token}"
    )


def test_accepting_an_outdated_charter_version_is_refused(client, signed_in, make_item, charter, app):
    person = signed_in()
    first = charter()
    charter("Version two.")
    response = accept(client, first)
    assert response.headers["Location"] == "/charter?next=/feed"
    with app.app_context():
        assert services.must_accept_charter(db.session.get(User, person.id)).version == 2


def test_without_any_charter_sharing_is_free(client, signed_in, make_item, app):
    signed_in()
    item = make_item()
    location = share(client, item, "linkedin").headers["Location"]
    assert location == linkedin_page(stored_shares(app)[0].token)


def test_x_gets_the_text_and_the_tracked_link_linkedin_and_facebook_only_the_link(
    client, signed_in, make_item, app
):
    signed_in()
    item = make_item(url="https://www.example.org/story")
    x_target = urlsplit(share(client, item, "x", "My own words").headers["Location"])
    assert (x_target.scheme, x_target.netloc, x_target.path) == ("https", "x.com", "/intent/tweet")
    x_query = parse_qs(x_target.query)
    assert x_query["text"] == ["My own words"]
    tokens = {s.network: s.token for s in stored_shares(app)}
    assert x_query["url"] == [f"http://127.0.0.1:5000/r/{tokens['x']}"]
    linkedin = share(client, item, "linkedin", "Ignored by LinkedIn").headers["Location"]
    tokens = {s.network: s.token for s in stored_shares(app)}
    assert linkedin == linkedin_page(tokens["linkedin"])
    facebook = parse_qs(urlsplit(share(client, item, "facebook", "Ignored").headers["Location"]).query)
    tokens = {s.network: s.token for s in stored_shares(app)}
    assert facebook == {"u": [f"http://127.0.0.1:5000/r/{tokens['facebook']}"]}
    assert len(set(tokens.values())) == 3


def test_tracked_links_use_the_public_address_when_configured(make_app, make_item, auth, make_user):
    app = make_app(PUBLIC_URL="https://ambassadors.example.com/")
    client = app.test_client()
    person = make_user()
    auth.client = client
    auth.login(person.email)
    item = make_item()
    location = share(client, item, "x").headers["Location"]
    [recorded] = stored_shares(app)
    assert parse_qs(urlsplit(location).query) == {
        "url": [f"https://ambassadors.example.com/r/{recorded.token}"]
    }


def test_a_share_is_recorded_once_per_person_item_and_network(client, signed_in, make_item, app):
    person = signed_in()
    item = make_item()
    first = share(client, item, "linkedin").headers["Location"]
    again = share(client, item, "linkedin").headers["Location"]
    assert first == again
    share(client, item, "x")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Share.id))) == 2
        logged = db.session.scalars(
            sa.select(Activity.payload).where(
                Activity.verb == content_verbs.CONTENT_SHARED, Activity.user_id == person.id
            )
        ).all()
        assert sorted(entry["network"] for entry in logged) == ["linkedin", "x"]


def test_the_database_refuses_a_duplicate_share(app, make_user, make_item):
    person = make_user()
    item = make_item()
    with app.app_context():
        db.session.add_all(
            [Share(user_id=person.id, item_id=item, network="x", token=token) for token in ("one", "two")]
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


def test_an_x_text_over_the_limit_is_refused_and_nothing_is_recorded(client, signed_in, make_item, app):
    signed_in()
    item = make_item(url="https://www.example.org/story")
    response = share(client, item, "x", "a" * 257)
    assert response.status_code == 422
    assert "Votre texte fait 257 caractères ; X en accepte 256 ici." in text(response)
    assert stored_shares(app) == []
    assert share(client, item, "x", "a" * 256).status_code == 303


def test_items_that_are_not_live_cannot_be_shared(client, signed_in, make_item, app):
    signed_in(Role.COMMS)
    draft = make_item(status=Status.DRAFT)
    assert share(client, draft, "x").status_code == 404
    assert share(client, make_item(), "myspace").status_code == 404
    assert stored_shares(app) == []


def test_sharing_needs_the_csrf_token(client, signed_in, make_item):
    signed_in()
    item = make_item()
    assert client.post(f"/content/{item}/share/x", data={"text": "hi"}).status_code == 400


def test_a_tracked_link_counts_the_visit_and_goes_to_the_stored_link_only(
    client, signed_in, make_item, app, auth
):
    person = signed_in()
    item = make_item(url="https://www.example.org/story")
    share(client, item, "linkedin")
    token = stored_shares(app)[0].token
    auth.logout()  # visitors from outside are not signed in
    for attempt in (
        f"/r/{token}",
        f"/r/{token}?next=https://evil.example/",
        f"/r/{token}?url=//evil.example",
    ):
        response = client.get(attempt, headers={"Referer": "https://evil.example/"})
        assert response.status_code == 302
        assert response.headers["Location"] == "https://www.example.org/story"
    assert stored_shares(app)[0].clicks == 3
    with app.app_context():
        clicks = db.session.scalars(
            sa.select(Activity.user_id).where(Activity.verb == content_verbs.CLICK_RECEIVED)
        ).all()
        assert clicks == [person.id] * 3


@pytest.mark.parametrize(
    "robot",
    [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
    ],
)
def test_link_preview_robots_are_redirected_but_not_counted(client, signed_in, make_item, app, auth, robot):
    signed_in()
    item = make_item(url="https://www.example.org/story")
    share(client, item, "linkedin")
    token = stored_shares(app)[0].token
    auth.logout()
    response = client.get(f"/r/{token}", headers={"User-Agent": robot})
    assert response.headers["Location"] == "https://www.example.org/story"
    assert stored_shares(app)[0].clicks == 0
    with app.app_context():
        counted = sa.select(sa.func.count(Activity.id)).where(Activity.verb == content_verbs.CLICK_RECEIVED)
        assert db.session.scalar(counted) == 0


def test_an_unknown_tracked_link_is_404(client):
    assert client.get("/r/unknown-token").status_code == 404


def test_share_buttons_follow_the_networks_of_the_quiz_or_all_when_unknown(client, signed_in, make_item, app):
    person = signed_in()
    item = make_item(share_texts={"linkedin": ["LinkedIn words"], "x": ["X words"]})
    page = text(client.get(f"/content/{item}"))
    assert all(f"Partager sur {name}" in page for name in ("LinkedIn", "X", "Facebook"))
    with app.app_context():
        db.session.add(
            QuizResult(
                user_id=person.id,
                version=1,
                answers={},
                networks=["x", "instagram"],
                primary_persona="expert",
            )
        )
        db.session.commit()
    page = text(client.get(f"/content/{item}"))
    assert "Partager sur X" in page and "Partager sur LinkedIn" not in page
    assert "Apportez ce que vous savez" in page  # the expert's tip for adding one's own words
    assert "X words" in page


def linkedin_text(response) -> str:
    return re.search(r'<textarea id="text-linkedin"[^>]*>([^<]*)</textarea>', text(response)).group(1)


def test_variants_can_be_picked_and_linkedin_says_to_paste_the_text(client, signed_in, make_item):
    signed_in()
    item = make_item(share_texts={"linkedin": ["First angle", "Second angle"]})
    second = client.get(f"/content/{item}?linkedin=1")
    assert linkedin_text(second) == "Second angle"
    assert "Proposition 2 sur 2." in text(second)
    assert f'href="/content/{item}?linkedin=0#text-linkedin">Une autre proposition</a>' in text(second)
    assert linkedin_text(client.get(f"/content/{item}?linkedin=0")) == "First angle"
    page = client.get(f"/content/{item}?linkedin=7")  # out of range: one at random
    assert linkedin_text(page) in ("First angle", "Second angle")
    assert "LinkedIn ne reprend que le lien : copiez d'abord votre texte" in text(page)


def test_the_item_counts_each_of_simultaneous_shares_by_different_people(app, make_user, make_item):
    """The feed reads an item's stored share count: every share adds one, even at the same moment."""
    people = [make_user().id for _ in range(8)]
    item = make_item()

    def click(number: int) -> None:
        services.share(db.session.get(User, people[number]), item, "linkedin", "")

    assert at_the_same_time(app, click, len(people)) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Share.id))) == 8
        assert db.session.get(ContentItem, item).share_count == 8


def test_simultaneous_clicks_record_one_share(app, make_user, make_item):
    """A burst of identical share requests (double clicks, several tabs) stores one share."""
    person = make_user()
    item = make_item()
    barrier = threading.Barrier(8)
    tokens = []

    def click():
        with app.app_context():
            user = db.session.get(User, person.id)
            barrier.wait()
            tokens.append(services.share(user, item, "linkedin", "").token)
            db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 8 and len(set(tokens)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Share.id))) == 1
        assert db.session.get(ContentItem, item).share_count == 1  # the refused duplicates count nothing
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Activity.verb == content_verbs.CONTENT_SHARED))
            == 1
        )
