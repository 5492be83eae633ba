"""The demo company of SPEC §6: seeded once, alive, and every page renders with it."""

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from base.vocabularies import NETWORKS, THEMES
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.content import services
from blueprints.content.catalogue import KINDS, Status
from blueprints.content.models import ContentItem, Share
from blueprints.events import services as event_services
from blueprints.events import verbs as events_verbs
from blueprints.events.models import Event
from blueprints.quiz.models import QuizResult
from blueprints.quiz.personae import PERSONA_KEYS
from tests.conftest import csrf_token, post
from tests.test_cli import count
from tests.test_roles import PAGES, expected_status


def test_seed_demo_fills_the_company_once(make_app):
    app = make_app(DEMO_MODE=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        people = db.session.scalars(sa.select(User)).all()
        assert 45 <= len(people) <= 60
        roles = {user.email: user.role for user in people}
        assert roles["admin@example.com"] == Role.ADMIN
        assert roles["comms@example.com"] == Role.COMMS
        assert roles["employee@example.com"] == Role.EMPLOYEE
        assert {user.language for user in people} == {"fr", "en"}
        assert len({user.department_id for user in people}) >= 6
        active_people = db.session.scalar(sa.select(sa.func.count(sa.distinct(Activity.user_id))))
        assert active_people >= 20
        quiz_takers = db.session.scalars(sa.select(QuizResult.primary_persona)).all()
        assert len(quiz_takers) >= 30 and len(set(quiz_takers)) >= 6  # varied personae
        assert any(user.directory_opt_in for user in people)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not added" in again.output
    assert count(app, User) == len(people)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "employee@example.com", "password": "demo", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302


def test_seed_demo_refuses_outside_demo_mode(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert count(app, User) == 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_of_the_demo_renders(make_app, language):
    """The seeded company, seen by each demo role, in both languages."""
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    accounts = {
        "employee@example.com": Role.EMPLOYEE,
        "comms@example.com": Role.COMMS,
        "admin@example.com": Role.ADMIN,
    }
    for email, role in accounts.items():
        client = app.test_client()
        post(client, "/language", {"language": language})
        client.post("/login", data={"email": email, "password": "demo", "csrf_token": csrf_token(client)})
        for path in [page for page in PAGES if page != "/login"]:
            response = client.get(path)
            assert response.status_code == expected_status(path, role), (email, path)


def test_the_demo_library_covers_every_theme_type_persona_and_language(make_app):
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        items = db.session.scalars(sa.select(ContentItem)).all()
        published = [item for item in items if item.status == Status.PUBLISHED and not item.is_suggestion]
        assert 50 <= len(published) <= 70
        assert {item.theme for item in published} == set(THEMES)
        assert {item.kind for item in published} == set(KINDS)
        assert {item.language for item in published} == {"fr", "en"}
        assert {persona for item in published for persona in item.target_personae} == set(PERSONA_KEYS)
        assert all(
            len(text) <= NETWORKS[network].text_limit_with_link(bool(item.url))
            for item in items
            for network in NETWORKS
            for text in item.texts_for(network)
        )
        assert sum(item.status == Status.PENDING for item in items) >= 3
        shares = db.session.scalars(sa.select(Share)).all()
        assert len(shares) >= 20 and sum(share.clicks for share in shares) > 0
        newcomer = db.session.scalar(sa.select(User).where(User.email == "employee@example.com"))
        assert services.must_accept_charter(newcomer) is not None  # the demo shows the charter gate


def test_the_demo_has_past_and_upcoming_events_one_full_with_a_waiting_list(make_app):
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    now = utcnow()
    with app.app_context():
        events = db.session.scalars(sa.select(Event)).all()
        assert any(event.ends_at <= now for event in events) and any(
            event.starts_at > now for event in events
        )
        assert {event.language for event in events} == {"fr", "en"}
        full = [event for event in events if event.starts_at > now and event_services.seats(event.id).full]
        assert any(event_services.seats(event.id).waiting for event in full)
        attended = db.session.scalar(
            sa.select(sa.func.count()).where(Activity.verb == events_verbs.EVENT_ATTENDED)
        )
        assert attended >= 10
