"""The demo company of SPEC §6: seeded once, alive, and every page renders with it."""

import re
from collections import Counter

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from base.vocabularies import NETWORKS, THEMES
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.analytics import figures
from blueprints.content import services
from blueprints.content.catalogue import KINDS, Status
from blueprints.content.models import Charter, ContentItem, Share, ShareText
from blueprints.events import services as event_services
from blueprints.events import verbs as events_verbs
from blueprints.events.models import Event
from blueprints.mentoring import rounds
from blueprints.mentoring import services as mentoring
from blueprints.mentoring import verbs as mentoring_verbs
from blueprints.mentoring.models import MentoringPair, MentorOffer, PairStatus
from blueprints.quiz.models import QuizResult
from blueprints.quiz.personae import PERSONA_KEYS
from tests.conftest import csrf_token, post
from tests.test_cli import count
from tests.test_roles import PAGES, expected_status

DEMO_ACCOUNTS = {
    "employee@example.com": Role.EMPLOYEE,
    "comms@example.com": Role.COMMS,
    "admin@example.com": Role.ADMIN,
}


def sign_in(client, email: str):
    return client.post("/login", data={"email": email, "password": "demo", "csrf_token": csrf_token(client)})


def test_seed_demo_fills_the_company_once(make_app):
    app = make_app(DEMO_MODE=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        people = db.session.scalars(sa.select(User)).all()
        assert 45 <= len(people) <= 60
        assert f"Demo company created: {len(people)} people" in result.output
        roles = {user.email: user.role for user in people}
        for email, role in DEMO_ACCOUNTS.items():
            assert roles[email] == role, email
        assert {user.language for user in people} == {"fr", "en"}
        departments = {user.department_id for user in people}
        assert None not in departments
        assert len(departments) >= 6
        active_people = db.session.scalar(sa.select(sa.func.count(sa.distinct(Activity.user_id))))
        assert active_people >= 20
        quiz_takers = db.session.scalars(sa.select(QuizResult.primary_persona)).all()
        assert len(quiz_takers) >= 30
        assert len(set(quiz_takers)) >= 6  # varied personae
        opted_in = sum(user.directory_opt_in for user in people)
        assert 0 < opted_in < len(quiz_takers)  # some quiz takers are listed in the directory, not all
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert again.output == "The database already has people: demo data not added.\n"
    assert count(app, User) == len(people)
    response = sign_in(app.test_client(), "employee@example.com")
    assert response.status_code == 302
    assert response.headers.get("Location") == "/"  # signed in and sent home, not back to the form


def test_seed_demo_refuses_outside_demo_mode(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "seed-demo fills a demo site: set DEMO_MODE=1 first." in result.output
    assert count(app, User) == 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_of_the_demo_renders(make_app, language):
    """The seeded company, seen by each demo role, in both languages."""
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    for email, role in DEMO_ACCOUNTS.items():
        client = app.test_client()
        signed_in = sign_in(client, email)
        assert (signed_in.status_code, signed_in.headers.get("Location")) == (302, "/"), email
        # Once signed in, the account's language wins over the session's: switch it there.
        switched = post(client, "/language", {"language": language})
        assert (switched.status_code, switched.headers.get("Location")) == (302, "/"), email
        home = client.get("/").get_data(as_text=True)
        assert f'<html lang="{language}">' in home, email
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
        texts = [
            (item, network, text)
            for item in items
            for network in NETWORKS
            for text in item.texts_for(network)
        ]
        assert len(texts) == db.session.scalar(sa.select(sa.func.count(ShareText.id)))
        assert {network for _, network, _ in texts} == {"linkedin", "x", "facebook"}
        too_long = [
            (item.title, network)
            for item, network, text in texts
            if len(text) > NETWORKS[network].text_limit_with_link(bool(item.url))
        ]
        assert too_long == []
        french = [
            text
            for item in items
            if item.language == "fr"
            for text in (
                item.title,
                item.summary,
                item.suggestion_reason or "",
                *(share_text.body for share_text in item.share_texts),
            )
        ]
        assert [text for text in french if re.search(r" [:;!?]", text)] == []  # French spacing is no-break
        assert any("\u00a0:" in text for text in french)
        pending = [item for item in items if item.status == Status.PENDING]
        assert len(pending) >= 3
        assert all(item.is_suggestion for item in pending), [item.title for item in pending]
        shares = db.session.scalars(sa.select(Share)).all()
        assert len(shares) >= 20
        assert sum(share.clicks for share in shares) > 0
        newcomer = db.session.scalar(sa.select(User).where(User.email == "employee@example.com"))
        charter = db.session.scalar(sa.select(Charter))
        assert services.must_accept_charter(newcomer) == charter  # the demo shows the charter gate


def test_the_demo_has_past_and_upcoming_events_one_full_with_a_waiting_list(make_app):
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    now = utcnow()
    with app.app_context():
        events = db.session.scalars(sa.select(Event)).all()
        assert any(event.ends_at <= now for event in events)
        assert any(event.starts_at > now for event in events)
        assert {event.language for event in events} == {"fr", "en"}
        upcoming = [event_services.seats(event.id) for event in events if event.starts_at > now]
        assert [seats.waiting for seats in upcoming if seats.full and seats.waiting > 0] == [3]
        assert [seats.waiting for seats in upcoming if not seats.full and seats.waiting > 0] == []
        attended = db.session.scalar(
            sa.select(sa.func.count()).where(Activity.verb == events_verbs.EVENT_ATTENDED)
        )
        assert attended >= 10


def test_the_demo_mentors_across_departments_and_languages_with_a_round_to_run(make_app):
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        offers = db.session.scalars(sa.select(MentorOffer)).all()
        assert len({offer.user.department_id for offer in offers}) >= 3
        assert {language for offer in offers for language in offer.languages} == {"fr", "en"}
        assert {offer.user.language for offer in offers} == {"fr", "en"}
        pairs = db.session.scalars(sa.select(MentoringPair)).all()
        active = [pair for pair in pairs if pair.status == PairStatus.ACTIVE]
        assert len(active) >= 3
        assert all(len(pair.sessions) >= 2 for pair in active)
        ended = [pair for pair in pairs if pair.status == PairStatus.ENDED]
        assert len(ended) == 1
        assert ended[0].mentor_feedback and ended[0].mentee_feedback and ended[0].sessions
        waiting = [pair for pair in pairs if pair.status == PairStatus.PROPOSED]
        assert len(waiting) >= 2
        chains = mentoring.manager_chains(
            [person for pair in pairs for person in (pair.mentor_id, pair.mentee_id)]
        )
        assert [pair.id for pair in pairs if pair.mentor_id in chains[pair.mentee_id]] == []
        assert [pair.id for pair in pairs if pair.mentee_id in chains[pair.mentor_id]] == []
        capacity = {offer.user_id: offer.capacity for offer in offers}
        mentored = Counter(pair.mentor_id for pair in active)
        assert all(count <= capacity[mentor] for mentor, count in mentored.items())
        newcomer = db.session.scalar(sa.select(User).where(User.email == "employee@example.com"))
        assert len(mentoring.overview(newcomer).to_answer) == 1  # the demo shows a request to answer
        preview = rounds.preview()
        assert len(preview.pairs) >= 2
        assert len(preview.unmatched) >= 1
        sessions = db.session.scalar(
            sa.select(sa.func.count()).where(Activity.verb == mentoring_verbs.SESSION_GIVEN)
        )
        assert sessions == sum(len(pair.sessions) for pair in pairs)


def test_the_demo_has_its_analytics_roll_ups_built(make_app):
    app = make_app(DEMO_MODE=True)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert figures.refreshed_at() is not None
        weeks = figures.active_weeks(12).weeks
        assert sum(week.active for week in weeks) > 0 and any(week.creators for week in weeks)
        assert figures.reach(12).total.shares > 0
