"""The comms console's content pages: charter versions under concurrency, refused approvals,
an item's state as the library shows it, error summaries and unique ids."""

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.content import services
from blueprints.content.catalogue import Status
from blueprints.content.models import Charter, ContentItem
from tests import test_moderation
from tests.conftest import at_the_same_time, post, text
from tests.test_moderation import approval, items

suggested = test_moderation.suggested  # the fixture: a suggestion, then comms signed in


def ids_of(body: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', body))


# --- Charter versions -------------------------------------------------------------------


def test_ten_simultaneous_charter_publications_get_ten_distinct_versions(app, make_user):
    """Version = highest + 1 is read under a lock: no two publications get the same number,
    none fails (on PostgreSQL a table lock, on SQLite the database's write lock)."""
    authors = [make_user(Role.COMMS).id for _ in range(10)]
    published = []

    def publish(number: int) -> None:
        author = db.session.get(User, authors[number])
        published.append(services.publish_charter(author, f"Règle {number}", f"Rule {number}").version)

    assert at_the_same_time(app, publish, len(authors)) == []
    assert sorted(published) == list(range(1, 11))
    with app.app_context():
        stored = db.session.execute(
            sa.select(Charter.version, Charter.body_en).order_by(Charter.version)
        ).all()
    assert [version for version, _ in stored] == list(range(1, 11))
    assert len({body for _, body in stored}) == 10


def test_simultaneous_publications_by_the_console_all_succeed(make_app, make_user):
    """The same through the pages: every comms person's post answers 303, none 500."""
    from tests.conftest import Auth, csrf_token

    app = make_app()
    clients = []
    for _ in range(6):
        client = app.test_client()
        Auth(client).login(make_user(Role.COMMS).email)
        clients.append((client, csrf_token(client)))
    barrier = threading.Barrier(len(clients))
    answers = []

    def publish(client, token, number):
        barrier.wait()
        answers.append(
            client.post(
                "/admin/charter", data={"body_fr": f"R{number}", "body_en": f"R{number}", "csrf_token": token}
            ).status_code
        )

    threads = [threading.Thread(target=publish, args=(*pair, n)) for n, pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [303] * 6
    with app.app_context():
        assert list(db.session.scalars(sa.select(Charter.version).order_by(Charter.version))) == list(
            range(1, 7)
        )


# --- A refused approval -----------------------------------------------------------------


FIELDS = [
    "approve-title",
    "approve-summary",
    "approve-url",
    "approve-theme",
    "approve-kind",
    "approve-language",
    "approve-target_personae",
    "approve-texts-x-0",
]


@pytest.mark.parametrize("missing", FIELDS)
def test_an_approval_with_a_field_missing_is_refused_by_the_form_or_stored_whole(
    client, suggested, app, missing
):
    """A post without one of the fields never reaches the database half-filled: a required
    field is refused with a message naming it; an optional one is stored empty, never NULL."""
    _, item_id = suggested
    form = {key: value for key, value in approval().items() if key != missing}
    response = post(client, f"/admin/moderation/{item_id}", form)
    [item] = items(app)
    if missing in ("approve-title", "approve-theme", "approve-kind", "approve-language"):
        assert response.status_code == 422
        assert item.status == Status.PENDING and item.title == "Lumen in the press"
        summary = re.search(
            r'<div class="error-summary" id="approve-errors".*?</div>', response.get_data(as_text=True), re.S
        )
        assert summary is not None and f'href="#{missing}"' in summary.group(0)
    else:
        assert response.status_code == 303
        assert item.status == Status.PUBLISHED
        assert item.summary is not None and item.title == "Lumen in the press"


def test_an_approval_without_a_title_says_which_field(client, suggested, app):
    _, item_id = suggested
    response = post(client, f"/admin/moderation/{item_id}", approval(**{"approve-title": "  "}))
    assert response.status_code == 422
    page = text(response)
    assert (
        page.count("Donnez un titre à l'élément.") == 2
    )  # in the summary and beside the field (French page)
    assert "This field is required." not in page and "Ce champ est obligatoire." not in page


def test_the_review_page_has_no_duplicate_id(client, suggested):
    _, item_id = suggested
    for response in (
        client.get(f"/admin/moderation/{item_id}"),
        post(client, f"/admin/moderation/{item_id}", approval(**{"approve-title": ""})),
        post(client, f"/admin/moderation/{item_id}", {"decision": "reject", "reject-reason": ""}),
    ):
        body = response.get_data(as_text=True)
        assert 'aria-labelledby="approve-heading"' in body
        assert [name for name, count in ids_of(body).items() if count > 1] == []


# --- An item's state in the console ---------------------------------------------------------


@pytest.fixture
def library(make_item):
    now = utcnow()
    return {
        "live": make_item(title="Live one"),
        "scheduled": make_item(title="Coming one", publish_at=now + timedelta(days=3)),
        "expired": make_item(
            title="Gone one", publish_at=now - timedelta(days=9), expire_at=now - timedelta(days=1)
        ),
        "draft": make_item(title="Draft one", status=Status.DRAFT),
    }


def status_of(body: str, title: str) -> str:
    row = re.search(rf">{title}</a></td>\s*<td><span class=\"status status--(\w+)\">([^<]+)</span>", body)
    return f"{row.group(1)}: {row.group(2)}"


def test_the_library_says_scheduled_and_expired_rather_than_published(client, signed_in, library):
    signed_in(Role.COMMS, language="en")
    body = client.get("/admin/content").get_data(as_text=True)
    assert status_of(body, "Live one") == "published: Published"
    assert status_of(body, "Coming one") == "scheduled: Scheduled"
    assert status_of(body, "Gone one") == "expired: Expired"
    assert status_of(body, "Draft one") == "draft: Draft"


@pytest.mark.parametrize(
    ("state", "titles"),
    [
        ("scheduled", ["Coming one"]),
        ("expired", ["Gone one"]),
        ("published", ["Live one"]),
        ("draft", ["Draft one"]),
        ("", ["Coming one", "Live one", "Gone one", "Draft one"]),
    ],
)
def test_the_library_filters_by_state(client, signed_in, library, state, titles):
    signed_in(Role.COMMS, language="en")
    body = client.get(f"/admin/content?status={state}").get_data(as_text=True)
    assert sorted(re.findall(r'/admin/content/\d+"(?: lang="\w+")?>([^<]+)</a>', body)) == sorted(titles)
    assert f'<option value="{state}" selected>' in body or not state


@pytest.mark.parametrize(
    ("key", "label"), [("scheduled", "Scheduled"), ("expired", "Expired"), ("live", "Published")]
)
def test_the_item_pages_say_its_state(client, signed_in, library, key, label):
    signed_in(Role.COMMS, language="en")
    figures = client.get(f"/admin/content/{library[key]}").get_data(as_text=True)
    assert (
        f'<dd><span class="status status--{"published" if key == "live" else key}">{label}</span>' in figures
    )
    preview = text(client.get(f"/content/{library[key]}"))
    if key == "live":
        assert "Preview: this item is not in the feed" not in preview
    else:
        assert f"Preview: this item is not in the feed ({label})." in preview


def test_a_huge_page_number_shows_the_last_page(client, signed_in, library):
    signed_in(Role.COMMS)
    assert client.get("/admin/content?page=99999999999999999999").status_code == 200


# --- Error summaries in the console ------------------------------------------------------------


def test_the_editor_and_the_charter_sum_up_their_errors_with_links(client, signed_in):
    signed_in(Role.COMMS, language="en")
    editor = post(
        client,
        "/admin/content/new",
        {
            "title": "",
            "url": "javascript:x",
            "theme": "products",
            "kind": "news",
            "language": "fr",
            "status": "draft",
        },
    )
    assert editor.status_code == 422
    body = editor.get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" id="editor-errors" role="alert".*?</div>', body, re.S
    ).group(0)
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["title", "url"]
    assert "Title — Give the item a title." in text(editor)
    charter = post(client, "/admin/charter", {"body_fr": "", "body_en": "x"})
    assert re.findall(
        r'<a href="#([^"]+)">',
        charter.get_data(as_text=True).split('id="charter-errors"')[1].split("</div>")[0],
    ) == ["body_fr"]
    assert "Write the charter in French." in text(charter)
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ContentItem.id))) == 0
