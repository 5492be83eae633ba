"""Suggestions by employees, the moderation queue, the console editor, figures and charter."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from base.database import db
from base.vocabularies import SHARE_NETWORKS
from blueprints.accounts.models import Role
from blueprints.activity.models import Activity
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import MAX_VARIANTS, Status
from blueprints.content.models import Charter, ContentItem, Share, ShareText
from blueprints.notifications.models import Notification
from tests.conftest import post, text

MARKUP = '<script>alert("x")</script><b>bold</b>'


def suggestion(**overrides):
    return {
        "url": "https://www.lighting-today.example/lumen",
        "title": "Lumen in the press",
        "reason": "A great article about our street lights.",
        "language": "en",
        **overrides,
    }


def approval(**overrides):
    return {
        "decision": "approve",
        "approve-title": "Lumen in the press",
        "approve-summary": "A trade magazine on our street lights.",
        "approve-url": "https://www.lighting-today.example/lumen",
        "approve-theme": "products",
        "approve-kind": "news",
        "approve-language": "en",
        "approve-target_personae": ["curator", "expert"],
        "approve-texts-x-0": "Our street lights in the press",
        **overrides,
    }


def textarea(page: str, name: str) -> str:
    """The text of a page's text area (the line break browsers drop after the tag aside)."""
    return re.search(rf'<textarea [^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1).strip()


def items(app) -> list[ContentItem]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(ContentItem).order_by(ContentItem.id)))
        db.session.expunge_all()
        return found


def notifications_of(app, user_id: int) -> list[Notification]:
    with app.app_context():
        found = list(
            db.session.scalars(
                sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        )
        db.session.expunge_all()
        return found


@pytest.fixture
def suggested(client, auth, signed_in, app):
    """An employee's suggestion, then the client signed in as comms; returns (suggester, item id)."""
    suggester = signed_in(display_name="Sam Suggest")
    assert post(client, "/suggest", suggestion()).status_code == 303
    auth.logout()
    signed_in(Role.COMMS)
    return suggester, items(app)[-1].id


def test_a_suggestion_waits_in_the_queue_and_is_logged(client, signed_in, app):
    person = signed_in()
    response = post(client, "/suggest", suggestion())
    assert response.status_code == 303
    [item] = items(app)
    assert (item.status, item.author_id, item.url, item.language) == (
        Status.PENDING,
        person.id,
        "https://www.lighting-today.example/lumen",
        "en",
    )
    page = text(client.get("/suggest"))
    assert "Lumen in the press" in page and "En attente de modération" in page
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(Activity.verb).where(Activity.user_id == person.id).order_by(Activity.id.desc())
            )
            == content_verbs.SUGGESTION_SUBMITTED
        )


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://files.example/x",
        "data:text/html,hi",
        "https://",
        "https:///path",
        "www.example.org",
        "https://a b.example/",
    ],
)
def test_only_web_links_can_be_suggested(client, signed_in, app, link):
    signed_in()
    response = post(client, "/suggest", suggestion(url=link))
    assert response.status_code == 422
    assert "Indiquez une adresse web commençant par http:// ou https://." in text(response)
    assert items(app) == []


def test_a_suggestion_needs_a_title_and_a_reason(client, signed_in, app):
    signed_in()
    response = post(client, "/suggest", suggestion(title="", reason="  "))
    assert response.status_code == 422
    assert items(app) == []


@pytest.mark.parametrize("path", ["/admin/moderation", "/admin/content", "/admin/charter"])
def test_employees_cannot_open_the_console_pages(client, signed_in, path):
    signed_in()
    assert client.get(path).status_code == 403


def test_employees_cannot_moderate(client, signed_in, make_item, app):
    signed_in()
    pending = make_item(status=Status.PENDING, suggestion_reason="Why not")
    assert post(client, f"/admin/moderation/{pending}", approval()).status_code == 403
    assert (
        post(
            client, f"/admin/moderation/{pending}", {"decision": "reject", "reject-reason": "No"}
        ).status_code
        == 403
    )
    assert post(client, f"/admin/content/{pending}/pin", {"pinned": "1"}).status_code == 403
    assert post(client, f"/admin/content/{pending}/archive").status_code == 403
    assert post(client, "/admin/charter", {"body_fr": "x", "body_en": "y"}).status_code == 403
    assert post(client, "/admin/content/new", {"title": "x"}).status_code == 403
    assert items(app)[0].status == Status.PENDING


def test_approving_publishes_the_edited_suggestion_and_tells_the_suggester(
    client, suggested, app, auth, signed_in
):
    suggester, item_id = suggested
    assert "Lumen in the press" in text(client.get("/admin/moderation"))
    response = post(client, f"/admin/moderation/{item_id}", approval())
    assert response.status_code == 303
    [item] = items(app)
    assert (item.status, item.theme, item.target_personae, item.summary) == (
        Status.PUBLISHED,
        "products",
        ["curator", "expert"],
        "A trade magazine on our street lights.",
    )
    assert item.texts_for("x") == ["Our street lights in the press"]
    received, badge, notice = notifications_of(app, suggester.id)  # the first published earns a badge
    assert (badge.kind, badge.params) == ("badge_earned", {"badge": "first_suggestion"})
    assert received.kind == "suggestion_received"
    assert notice.kind == "suggestion_approved" and (notice.link_endpoint, notice.link_values) == (
        "content.item",
        {"item_id": item_id},
    )
    with app.app_context():
        verbs_logged = set(db.session.scalars(sa.select(Activity.verb).where(Activity.object_id == item_id)))
    assert verbs_logged == {
        content_verbs.SUGGESTION_SUBMITTED,
        content_verbs.SUGGESTION_APPROVED,
        content_verbs.MODERATION_APPROVED,
    }
    assert "Rien en attente" in text(client.get("/admin/moderation"))
    auth.logout()
    signed_in(language="en")
    assert "Lumen in the press" in text(client.get("/feed"))


def test_rejecting_needs_a_reason_and_tells_the_suggester_why(client, suggested, app):
    suggester, item_id = suggested
    empty = post(client, f"/admin/moderation/{item_id}", {"decision": "reject", "reject-reason": " "})
    assert empty.status_code == 422
    assert '<details class="card reject-panel" open>' in empty.get_data(as_text=True)  # the error shows
    assert items(app)[0].status == Status.PENDING
    post(client, f"/admin/moderation/{item_id}", {"decision": "reject", "reject-reason": "Off topic for us."})
    [item] = items(app)
    assert (item.status, item.rejection_reason) == (Status.REJECTED, "Off topic for us.")
    received, notice = notifications_of(app, suggester.id)
    assert received.kind == "suggestion_received"
    assert notice.kind == "suggestion_rejected" and notice.params["reason"] == "Off topic for us."


def test_a_suggestion_is_moderated_once_and_a_late_approval_edits_nothing(client, suggested, app):
    _, item_id = suggested
    post(client, f"/admin/moderation/{item_id}", {"decision": "reject", "reject-reason": "No."})
    late = approval(
        **{"approve-title": "Edited title", "approve-theme": "careers", "approve-texts-x-0": "Edited"}
    )
    response = post(client, f"/admin/moderation/{item_id}", late, follow_redirects=True)
    assert "Cette suggestion a déjà été modérée." in text(response)
    [item] = items(app)
    assert (item.status, item.rejection_reason, item.title, item.theme) == (
        Status.REJECTED,
        "No.",
        "Lumen in the press",
        "company_news",
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ShareText.id))) == 0


def test_an_invalid_approval_changes_nothing(client, suggested, app):
    _, item_id = suggested
    response = post(client, f"/admin/moderation/{item_id}", approval(**{"approve-texts-x-0": "x" * 300}))
    assert response.status_code == 422
    assert "Votre texte fait 300 caractères ; X en accepte 256 ici." in text(response)
    [item] = items(app)
    assert item.status == Status.PENDING and item.theme == "company_news"


def test_user_text_with_markup_is_escaped_everywhere(client, auth, signed_in, app):
    suggester = signed_in(display_name=MARKUP)
    post(client, "/suggest", suggestion(title=MARKUP, reason=MARKUP))
    [item] = items(app)
    pages = [client.get("/suggest")]
    auth.logout()
    signed_in(Role.COMMS)
    pages += [client.get("/admin/moderation"), client.get(f"/admin/moderation/{item.id}")]
    post(client, f"/admin/moderation/{item.id}", {"decision": "reject", "reject-reason": MARKUP})
    pages += [client.get(f"/content/{item.id}"), client.get(f"/admin/content/{item.id}")]
    with app.app_context():
        db.session.execute(sa.update(ContentItem).values(status=Status.PUBLISHED, language="fr"))
        db.session.commit()
    pages.append(client.get("/feed"))
    auth.logout()
    auth.login(suggester.email)
    pages += [client.get("/notifications"), client.get("/"), client.get("/suggest")]
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>alert" not in body and "<b>bold</b>" not in body, page.request.path
    assert "&lt;script&gt;" in pages[-3].get_data(as_text=True)


def test_comms_create_an_item_with_share_texts_and_dates_in_their_time_zone(client, signed_in, app):
    signed_in(Role.COMMS, timezone="Europe/Paris")
    form = {
        "title": "Our new lab",
        "summary": "Opening in Lyon.",
        "url": "https://www.lumen-co.example/lab",
        "theme": "expertise",
        "kind": "news",
        "language": "fr",
        "target_personae": ["expert"],
        "status": "published",
        "publish_at": "2026-07-01T10:00",
        "expire_at": "2026-08-01T10:00",
        "texts-linkedin-0": "First angle",
        "texts-linkedin-1": "Second angle",
        "texts-linkedin-2": " ",
        "texts-x-0": "Short",
    }
    response = post(client, "/admin/content/new", form)
    assert response.status_code == 303
    [item] = items(app)
    assert item.publish_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert item.expire_at == datetime(2026, 8, 1, 8, 0, tzinfo=UTC)
    with app.app_context():
        stored = db.session.get(ContentItem, item.id)
        assert stored.texts_for("linkedin") == ["First angle", "Second angle"]
        assert stored.texts_for("x") == ["Short"]
    editor = client.get(f"/admin/content/{item.id}/edit").get_data(as_text=True)
    assert 'id="publish_at" name="publish_at" type="datetime-local" value="2026-07-01T10:00"' in editor
    assert '<option selected value="published">' in editor
    assert [textarea(editor, f"texts-linkedin-{n}") for n in range(3)] == ["First angle", "Second angle", ""]


def test_the_editor_refuses_bad_input_with_messages(client, signed_in, app):
    signed_in(Role.COMMS)
    form = {
        "title": "",
        "url": "javascript:alert(1)",
        "theme": "nonsense",
        "kind": "news",
        "language": "fr",
        "status": "published",
        "publish_at": "2026-07-02T10:00",
        "expire_at": "2026-07-01T10:00",
        "texts-x-0": "x" * 281,
    }
    response = post(client, "/admin/content/new", form)
    assert response.status_code == 422
    page = text(response)
    assert "Indiquez une adresse web" in page
    assert "Le retrait doit venir après la publication." in page
    assert "Votre texte fait 281 caractères ; X en accepte 280 ici." in page  # no valid link: all 280
    assert items(app) == []
    body = response.get_data(as_text=True)
    share_text_ids = re.findall(r'<textarea [^>]*id="(texts-[a-z]+-\d)"', body)
    assert len(share_text_ids) == MAX_VARIANTS * len(SHARE_NETWORKS)
    assert all(f'<label for="{field_id}">' in body for field_id in share_text_ids)
    assert '<label for="texts-x-0">X, texte 1</label>' in body
    assert '<textarea aria-describedby="texts-x-0-error" aria-invalid="true" id="texts-x-0"' in body
    assert '<p class="field-error" id="texts-x-0-error">' in body


def test_pin_archive_and_figures(client, signed_in, make_item, make_user, app):
    signed_in(Role.COMMS)
    item = make_item(title="Figures")
    sharers = [make_user(display_name=f"Sharer {n}") for n in range(3)]
    with app.app_context():
        for n, (person, network) in enumerate(zip(sharers, ["x", "x", "linkedin"], strict=True)):
            db.session.add(
                Share(user_id=person.id, item_id=item, network=network, token=f"t{n}", clicks=n + 1)
            )
        db.session.commit()
    page = text(client.get(f"/admin/content/{item}"))
    assert "Sharer 2 sur LinkedIn" in page
    assert "6 clics sur les liens suivis" in page
    post(client, f"/admin/content/{item}/pin", {"pinned": "1"})
    assert items(app)[0].pinned is True
    post(client, f"/admin/content/{item}/archive")
    archived = items(app)[0]
    assert (archived.status, archived.pinned) == (Status.ARCHIVED, False)
    with app.app_context():
        audit = set(db.session.scalars(sa.select(Activity.verb).where(Activity.object_id == item)))
    assert audit == {content_verbs.CONTENT_PINNED, content_verbs.CONTENT_ARCHIVED}


def test_the_charter_is_versioned_by_comms(client, signed_in, app):
    signed_in(Role.COMMS)
    assert "Pas encore de charte" in text(client.get("/admin/charter"))
    assert post(client, "/admin/charter", {"body_fr": "", "body_en": "x"}).status_code == 422
    post(client, "/admin/charter", {"body_fr": "Un", "body_en": "One"})
    post(client, "/admin/charter", {"body_fr": "Deux", "body_en": "Two"})
    with app.app_context():
        assert db.session.execute(
            sa.select(Charter.version, Charter.body_en).order_by(Charter.version)
        ).all() == [
            (1, "One"),
            (2, "Two"),
        ]
    assert "Version 2" in text(client.get("/admin/charter"))
