"""The content services as a cron command or a script calls them: in a plain app context, no request.

Each is one user action: it commits, or refuses with a ContentError and leaves nothing changed.
"""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.content import services
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import ContentItem, Reaction, Share
from blueprints.content.services import CharterToAccept, ContentError, ItemChanges
from blueprints.notifications.models import Notification
from tests.conftest import plain, post

LAB = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def changes(**overrides) -> ItemChanges:
    return ItemChanges(
        **{
            "title": "Our new lab",
            "summary": "Opening in Lyon.",
            "url": "https://www.lumen-co.example/lab",
            "theme": "expertise",
            "kind": "news",
            "language": "fr",
            "target_personae": ["expert"],
            "publish_at": None,
            "expire_at": None,
            "pinned": False,
            "share_texts": {"linkedin": ["First angle", " ", " Second angle "], "x": [""]},
            **overrides,
        }
    )


def person(record) -> User:
    """The live account of a person made by the ``make_user`` factory, in the current app context."""
    return db.session.get(User, record.id)


def refusal_of(action, *args) -> str:
    """The message of a refused action, as a reader sees it."""
    with pytest.raises(ContentError) as refused:
        action(*args)
    return plain(str(refused.value))


def verbs_of(item_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Activity.verb).where(Activity.object_id == item_id).order_by(Activity.id)
        )
    )


@pytest.fixture
def suggestion(app, make_user, make_item):
    """A suggestion waiting for moderation, with one X text; returns (suggester, item id)."""
    suggester = make_user(display_name="Sam Suggest")
    item_id = make_item(
        title="Suggested",
        status=Status.PENDING,
        suggestion_reason="Worth sharing.",
        author_id=suggester.id,
        share_texts={"x": ["Original words"]},
    )
    return suggester, item_id


def test_an_approval_publishes_the_edited_suggestion_and_tells_the_suggester(app, make_user, suggestion):
    suggester, item_id = suggestion
    moderator = make_user(Role.COMMS)
    with app.app_context():
        services.approve(person(moderator), item_id, changes(title="Edited"))
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert (item.status, item.title, item.theme, item.moderated_by_id, item.author_id) == (
            Status.PUBLISHED,
            "Edited",
            "expertise",
            moderator.id,
            suggester.id,
        )
        assert (item.texts_for("linkedin"), item.texts_for("x")) == (["First angle", "Second angle"], [])
        notice = db.session.scalar(
            sa.select(Notification).where(
                Notification.user_id == suggester.id, Notification.kind != "badge_earned"
            )
        )
        assert (notice.kind, notice.params, notice.link_endpoint, notice.link_values) == (
            "suggestion_approved",
            {"title": "Edited"},
            "content.item",
            {"item_id": item_id},
        )
        assert verbs_of(item_id) == [content_verbs.SUGGESTION_APPROVED, content_verbs.MODERATION_APPROVED]


def test_an_approval_refused_because_someone_rejected_meanwhile_leaves_the_item_as_it_was(
    app, make_user, suggestion
):
    suggester, item_id = suggestion
    first, second = make_user(Role.COMMS), make_user(Role.COMMS)
    with app.app_context():
        services.reject(person(first), item_id, " Off topic. ")
    with app.app_context():
        late = changes(title="Edited", theme="careers", share_texts={"x": ["Edited words"]})
        assert refusal_of(services.approve, person(second), item_id, late) == (
            "Cette suggestion a déjà été modérée."
        )
        db.session.commit()  # as a caller going on with its own work would: nothing of the edit is left
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert (item.status, item.rejection_reason, item.moderated_by_id) == (
            Status.REJECTED,
            "Off topic.",
            first.id,
        )
        assert (item.title, item.theme, item.summary, item.texts_for("x")) == (
            "Suggested",
            "company_news",
            "What it is about.",
            ["Original words"],
        )
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == suggester.id))
        assert list(kinds) == ["suggestion_rejected"]
        assert verbs_of(item_id) == [content_verbs.MODERATION_REJECTED]


def test_the_editor_creates_updates_pins_and_archives_an_item(app, make_user):
    editor = make_user(Role.COMMS)
    with app.app_context():
        item_id = services.create_item(person(editor), changes(publish_at=LAB)).id
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert (item.status, item.author_id, item.publish_at, item.url) == (
            Status.DRAFT,
            editor.id,
            LAB,
            "https://www.lumen-co.example/lab",
        )
        assert item.texts_for("linkedin") == ["First angle", "Second angle"]
    with app.app_context():
        renamed = changes(
            title="Renamed", url=None, status=Status.PUBLISHED, share_texts={"x": ["Only this"]}
        )
        services.update_item(person(editor), item_id, renamed)
        services.set_pinned(person(editor), item_id, True)
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert (item.title, item.url, item.status, item.publish_at, item.pinned) == (
            "Renamed",
            None,
            Status.PUBLISHED,
            LAB,  # no date given: the item keeps its own
            True,
        )
        assert (item.texts_for("linkedin"), item.texts_for("x")) == ([], ["Only this"])
        services.archive(person(editor), item_id)
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert (item.status, item.pinned) == (Status.ARCHIVED, False)
        assert verbs_of(item_id) == [
            content_verbs.CONTENT_CREATED,
            content_verbs.CONTENT_UPDATED,
            content_verbs.CONTENT_PINNED,
            content_verbs.CONTENT_ARCHIVED,
        ]


def test_a_share_is_refused_with_a_reason_and_nothing_recorded_until_it_may_happen(app, make_user, make_item):
    sharer = make_user()
    author = make_user(Role.COMMS)
    item = make_item(url="https://www.example.org/story")
    draft = make_item(status=Status.DRAFT)
    without_link = make_item(url=None)
    with app.app_context():
        charter_id = services.publish_charter(person(author), "Soyez courtois.", "Be kind.").id
    with app.app_context():
        user = person(sharer)
        assert (
            refusal_of(services.share, user, item, "myspace", "")
            == "Ce réseau n'est pas proposé pour le partage."
        )
        assert (
            refusal_of(services.share, user, draft, "x", "") == "Le partage ouvre une fois l'élément publié."
        )
        with pytest.raises(CharterToAccept):
            services.share(user, item, "x", "")
        services.accept_charter(user, charter_id)
        assert refusal_of(services.share, user, without_link, "x", "") == (
            "Cet élément n'a pas de lien à partager : copiez plutôt son texte."
        )
        assert refusal_of(services.share, user, item, "x", "a" * 257) == (
            "Votre texte fait 257 caractères ; X en accepte 256 ici."
        )
        assert db.session.scalar(sa.select(sa.func.count(Share.id))) == 0
        shared = services.share(user, item, "x", "  Proud of the team  ")
        again = services.share(user, item, "x", "Other words")
    link = f"http://127.0.0.1:5000/r/{shared.token}"
    assert shared.target == "https://x.com/intent/tweet?" + urlencode(
        {"text": "Proud of the team", "url": link}
    )
    assert (again.token, again.target) == (
        shared.token,
        "https://x.com/intent/tweet?" + urlencode({"text": "Other words", "url": link}),
    )
    with app.app_context():
        assert db.session.scalars(sa.select(Share.token)).all() == [shared.token]


def test_the_share_text_rule_says_the_same_in_the_console_and_when_sharing(app, client, signed_in, make_item):
    comms = signed_in(Role.COMMS, language="fr")
    form = {
        "title": "Too long for X",
        "url": "https://www.example.org/story",
        "theme": "careers",
        "kind": "news",
        "language": "fr",
        "status": "draft",
        "texts-x-0": "a" * 257,
    }
    response = post(client, "/admin/content/new", form)
    assert response.status_code == 422
    in_the_console = plain(
        re.search(r'id="texts-x-0-error">([^<]*)</p>', response.get_data(as_text=True)).group(1)
    )
    item = make_item(url="https://www.example.org/story")
    with app.app_context():
        when_sharing = refusal_of(services.share, person(comms), item, "x", "a" * 257)
    assert in_the_console == when_sharing == "Votre texte fait 257 caractères ; X en accepte 256 ici."


def test_suggesting_and_reacting_run_without_a_request(app, make_user, make_item):
    employee = make_user()
    item = make_item()
    with app.app_context():
        suggested = services.suggest(
            person(employee), " A story ", "https://www.example.org/a ", " Why ", "en"
        ).id
        assert services.toggle_reaction(person(employee), item, "like") is True
        assert refusal_of(services.toggle_reaction, person(employee), item, "love") == "Réaction inconnue."
    with app.app_context():
        stored = db.session.get(ContentItem, suggested)
        assert (stored.title, stored.url, stored.suggestion_reason, stored.status) == (
            "A story",
            "https://www.example.org/a",
            "Why",
            Status.PENDING,
        )
        assert db.session.scalars(sa.select(Reaction.kind).where(Reaction.user_id == employee.id)).all() == [
            "like"
        ]
        assert services.toggle_reaction(person(employee), item, "like") is False
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reaction)) == 0


def test_the_readers_state_towards_an_item_is_theirs_and_read_in_one_query(
    app, make_user, make_item, count_queries
):
    reader, other = make_user(), make_user()
    item, elsewhere = make_item(url="https://www.example.org/story"), make_item()
    with app.app_context():
        author = person(make_user(Role.COMMS))
        services.accept_charter(person(reader), services.publish_charter(author, "Courtois.", "Kind.").id)
        services.accept_charter(person(other), services.current_charter().id)
    with app.app_context():
        assert services.reader_state(person(reader), item) == services.ReaderState(
            False, False, 0, frozenset()
        )
        services.toggle_reaction(person(reader), item, "bookmark")
        services.toggle_reaction(person(other), item, "like")
        services.toggle_reaction(person(reader), elsewhere, "like")
        services.share(person(reader), item, "linkedin", "")
        services.share(person(reader), item, "x", "")
        services.share(person(other), item, "facebook", "")
    with app.app_context(), count_queries() as counter:
        state = services.reader_state(person(reader), item)
        assert counter.count == 2  # the person, then the state
    assert state == services.ReaderState(False, True, 1, frozenset({"linkedin", "x"}))
