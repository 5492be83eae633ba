"""The comms console's challenges (SPEC §4.6, §4.8): create, edit with what decides the scores
frozen once started, cancel after a confirmation; validation with clear messages and nothing
saved when refused; roles and CSRF; participation and progress figures; the audit trail."""

import itertools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.cache import cache
from base.database import db, utcnow
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.admin.services import audit_trail
from blueprints.challenges import cards, editing
from blueprints.challenges import services as challenge_services
from blueprints.challenges.closing import close_challenge
from blueprints.challenges.editing import ChallengeChanges, ChallengeError
from blueprints.challenges.models import Challenge, GroupBy, Mode, Participation, RewardKind
from blueprints.challenges.scoring import board_subject
from blueprints.challenges.verbs import CHALLENGE_CANCELLED, CHALLENGE_CREATED, CHALLENGE_UPDATED
from blueprints.content import verbs as content_verbs
from blueprints.notifications.models import Notification
from blueprints.profile.services import update_profile
from blueprints.rewards.models import Reward
from blueprints.rewards.models import RewardKind as CatalogueKind
from tests.conftest import post, text

AUDIT_VERBS = (CHALLENGE_CREATED, CHALLENGE_UPDATED, CHALLENGE_CANCELLED)
NOW = utcnow().replace(second=0, microsecond=0)
# A window well in the future, as typed in the programme's time zone (Paris).
LOCAL_START, LOCAL_END = "2031-03-03T09:00", "2031-03-17T00:00"
UTC_START = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)  # Paris is UTC+1 in March before the change
UTC_END = datetime(2031, 3, 16, 23, 0, tzinfo=UTC)


def challenge_form(**fields) -> dict:
    form = {
        "title_fr": "Semaine du partage",
        "title_en": "Share week",
        "description_fr": "",
        "description_en": "Share what you like.",
        "mode": "personal",
        "metric": "shares",
        "group_by": "",
        "starts_at": LOCAL_START,
        "ends_at": LOCAL_END,
        "target": "10",
        "daily_cap": "",
        "reward_kind": "symbolic",
        "reward_fr": "",
        "reward_en": "On the wall of fame",
        "reward_id": "",
        "winners": "3",
    }
    form.update(fields)
    return {key: value for key, value in form.items() if value is not None}


def changes(**fields) -> ChallengeChanges:
    values = {
        "title_fr": None,
        "title_en": "Share week",
        "mode": Mode.PERSONAL,
        "metric": "shares",
        "starts_at": NOW + timedelta(days=1),
        "ends_at": NOW + timedelta(days=8),
        "reward_kind": RewardKind.SYMBOLIC,
    }
    values.update(fields)
    return ChallengeChanges(**values)


@pytest.fixture
def make_challenge(create_challenge):
    """An upcoming challenge unless told otherwise."""
    return lambda **fields: create_challenge(
        **{"starts_at": NOW + timedelta(days=1), "ends_at": NOW + timedelta(days=8), **fields}
    )


@pytest.fixture
def service(app):
    """Run an editing service as a person in a plain app context; a challenge comes back as its id."""

    def run(function, user_id, *args, **kwargs):
        with app.app_context():
            result = function(db.session.get(User, user_id), *args, **kwargs)
            return result.id if isinstance(result, Challenge) else result

    return run


def stored(app, challenge_id: int) -> Challenge:
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        db.session.expunge(challenge)
        return challenge


def words(response) -> str:
    """The page's text without its tags, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def audit_verbs_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Activity.id)).where(Activity.verb.in_(AUDIT_VERBS)))


def challenges_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Challenge.id)))


# --- Roles and CSRF ------------------------------------------------------------------------

PAGES = [
    "/admin/challenges",
    "/admin/challenges/new",
    "/admin/challenges/{id}/edit",
    "/admin/challenges/{id}/cancel",
]
ACTIONS = [
    ("/admin/challenges/new", challenge_form()),
    ("/admin/challenges/{id}/edit", challenge_form(title_en="Changed")),
    ("/admin/challenges/{id}/cancel", {}),
]


def test_employees_get_403_on_every_console_route(app, client, signed_in, make_challenge):
    challenge_id = make_challenge()
    signed_in(Role.EMPLOYEE)
    for path in PAGES:
        assert client.get(path.format(id=challenge_id)).status_code == 403, path
    for path, data in ACTIONS:
        assert post(client, path.format(id=challenge_id), data).status_code == 403, path
    assert challenges_count(app) == 1
    assert (
        stored(app, challenge_id).title_en == "Share week" and stored(app, challenge_id).cancelled_at is None
    )


@pytest.mark.parametrize("role", [Role.COMMS, Role.ADMIN])
def test_every_console_post_needs_a_csrf_token(app, client, signed_in, make_challenge, role):
    challenge_id = make_challenge()
    signed_in(role)
    for path, data in ACTIONS:
        assert client.post(path.format(id=challenge_id), data=data).status_code == 400, path
    assert challenges_count(app) == 1 and audit_verbs_count(app) == 0
    assert stored(app, challenge_id).cancelled_at is None
    for path in PAGES:
        assert client.get(path.format(id=challenge_id)).status_code == 200, path
    assert client.get("/admin/challenges/999999/edit").status_code == 404
    assert post(client, "/admin/challenges/999999/cancel").status_code == 404


# --- Creating and editing through the forms ---------------------------------------------------


def test_comms_create_a_challenge_with_its_window_in_the_programme_time_zone(app, client, signed_in):
    with app.app_context():
        sales, lyon = Department(name="Ventes", name_en="Sales"), Site(name="Lyon")
        db.session.add_all([sales, lyon])
        db.session.commit()
        sales_id, lyon_id = sales.id, lyon.id
    signed_in(Role.COMMS, language="en", timezone="America/Montreal")  # the editor's own zone does not matter
    page = text(client.get("/admin/challenges/new"))
    assert "In the programme's time zone: Paris time." in page and "Sales" in page
    data = challenge_form(
        audience_departments=str(sales_id),
        audience_sites=str(lyon_id),
        audience_personae="curator",
        daily_cap="3",
    )
    created = post(client, "/admin/challenges/new", data)
    assert created.status_code == 303 and created.headers["Location"] == "/admin/challenges"
    assert "“Share week” is ready." in text(client.get("/admin/challenges"))
    with app.app_context():
        challenge = db.session.scalars(sa.select(Challenge)).one()
        assert (challenge.starts_at, challenge.ends_at) == (UTC_START, UTC_END)
        assert (challenge.title_fr, challenge.description_fr, challenge.target, challenge.daily_cap) == (
            "Semaine du partage",
            "",
            10,
            3,
        )
        assert (challenge.audience_departments, challenge.audience_sites, challenge.audience_personae) == (
            [sales_id],
            [lyon_id],
            ["curator"],
        )
        assert challenge.group_by is None and challenge.reward_id is None
        challenge_id = challenge.id
    edit_page = text(client.get(f"/admin/challenges/{challenge_id}/edit"))
    assert f'value="{LOCAL_START}"' in edit_page and 'value="Share week"' in edit_page
    saved = post(client, f"/admin/challenges/{challenge_id}/edit", challenge_form(title_en="Share fortnight"))
    assert saved.status_code == 303
    assert "“Share fortnight” is saved." in text(client.get("/admin/challenges"))
    assert stored(app, challenge_id).audience_departments == []  # nothing ticked: everyone
    with app.app_context(), force_locale("en"):
        assert [entry.what for entry in audit_trail()][:2] == [
            "edited the challenge “Share fortnight”",
            "created the challenge “Share week”",
        ]


def test_a_collective_challenge_needs_groups_and_a_personal_one_drops_them(app, client, signed_in):
    signed_in(Role.COMMS, language="en")
    refused = post(client, "/admin/challenges/new", challenge_form(mode="collective"))
    assert refused.status_code == 422
    assert "A collective challenge needs its groups: departments or sites." in text(refused)
    assert post(client, "/admin/challenges/new", challenge_form(group_by="site")).status_code == 303
    assert (
        post(client, "/admin/challenges/new", challenge_form(mode="collective", group_by="site")).status_code
        == 303
    )
    with app.app_context():
        modes = db.session.execute(sa.select(Challenge.mode, Challenge.group_by).order_by(Challenge.id)).all()
    assert modes == [(Mode.PERSONAL, None), (Mode.COLLECTIVE, GroupBy.SITE)]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title_fr": "", "title_en": "  "}, "Give a title in at least one language."),
        ({"title_en": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"ends_at": "2031-03-03T09:00"}, "The end must come after the start."),
        ({"ends_at": ""}, "Give the end."),
        ({"starts_at": "0031-03-03T09:00"}, "Give a date between the years 2000 and 2100."),
        ({"target": "0"}, "The target is a whole number from 1 to 1,000,000, or empty."),
        ({"target": "99999999999999999999"}, "The target is a whole number from 1 to 1,000,000, or empty."),
        ({"winners": "0"}, "The number of winners is a whole number from 1 to 100."),
        ({"winners": "101"}, "The number of winners is a whole number from 1 to 100."),
        ({"daily_cap": "1001"}, "The daily cap is a whole number from 1 to 1,000, or empty."),
        ({"metric": "likes"}, "Not a valid choice."),
        ({"mode": "team"}, "Not a valid choice."),
        ({"reward_id": "999"}, "Not a valid choice."),
        (
            {"reward_kind": "consumable", "reward_en": ""},
            "Say what the winners receive, in at least one language, or choose a reward from the catalogue.",
        ),
        ({"audience_departments": "999"}, "is not a valid choice"),
        ({"audience_personae": "wizard"}, "is not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(
    app, client, signed_in, make_challenge, fields, error
):
    challenge_id = make_challenge(title_en="Kept", target=5)
    signed_in(Role.COMMS, language="en")
    created = post(client, "/admin/challenges/new", challenge_form(**fields))
    assert created.status_code == 422 and error in text(created)
    edited = post(client, f"/admin/challenges/{challenge_id}/edit", challenge_form(**fields))
    assert edited.status_code == 422 and error in text(edited)
    assert challenges_count(app) == 1 and audit_verbs_count(app) == 0
    kept = stored(app, challenge_id)
    assert (kept.title_en, kept.target, kept.winners) == ("Kept", 5, 3)


def test_the_errors_are_summed_up_at_the_top_each_linking_to_its_field(client, signed_in):
    signed_in(Role.COMMS, language="en")

    def summary(**fields) -> str:
        refused = text(post(client, "/admin/challenges/new", challenge_form(**fields)))
        return refused.split('id="challenge-errors"', 1)[1].split("</div>", 1)[0]

    assert '<li><a href="#mode-0">Mode — Choose a mode.</a></li>' in summary(mode=None)
    assert '<a href="#reward_fr">The reward, in French — Say what the winners receive' in summary(
        reward_kind="consumable", reward_en=""
    )  # the service's refusal, beside its field


def test_bounds_in_errors_are_written_as_each_language_writes_numbers(client, signed_in):
    signed_in(Role.COMMS, language="fr")
    refused = post(client, "/admin/challenges/new", challenge_form(target="0"))
    assert refused.status_code == 422
    assert "L'objectif est un nombre entier de 1 à 1\u202f000\u202f000, ou vide." in text(refused)


def test_a_catalogue_reward_must_be_consumable_and_on_offer(app, client, signed_in, make_user, service):
    with app.app_context():
        book = Reward(kind=CatalogueKind.CONSUMABLE, title_en="Book", cost=60, stock=3)
        retired = Reward(kind=CatalogueKind.CONSUMABLE, title_en="Old pen", cost=5, stock=3, active=False)
        thanks = Reward(kind=CatalogueKind.SYMBOLIC, title_en="Thanks", cost=5)
        db.session.add_all([book, retired, thanks])
        db.session.commit()
        book_id, retired_id, thanks_id = book.id, retired.id, thanks.id
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/admin/challenges/new"))
    assert "Book" in page and "Old pen" not in page and "Thanks" not in page
    symbolic = post(client, "/admin/challenges/new", challenge_form(reward_id=str(book_id)))
    assert symbolic.status_code == 422
    assert "A reward from the catalogue is for a consumable reward: choose that kind, or none." in text(
        symbolic
    )
    good = challenge_form(reward_kind="consumable", reward_id=str(book_id))
    assert post(client, "/admin/challenges/new", good).status_code == 303
    comms = make_user(Role.COMMS).id
    for reward_id in (retired_id, thanks_id, 999):
        with pytest.raises(ChallengeError) as refusal:
            service(
                editing.create_challenge,
                comms,
                changes(reward_kind=RewardKind.CONSUMABLE, reward_id=reward_id),
            )
        assert refusal.value.field == "reward_id"
    assert challenges_count(app) == 1


def test_the_service_refuses_what_the_form_would_and_more(app, make_user, service):
    comms = make_user(Role.COMMS).id
    refusals = {
        "group_by": changes(group_by=GroupBy.DEPARTMENT),  # personal with groups
        "metric": changes(metric="likes"),
        "audience_departments": changes(audience_departments=[999]),
        "audience_sites": changes(audience_sites=[999]),
        "audience_personae": changes(audience_personae=["wizard"]),
        "ends_at": changes(
            starts_at=NOW - timedelta(days=9), ends_at=NOW - timedelta(days=1)
        ),  # over already
        "winners": changes(winners=101),
        "daily_cap": changes(daily_cap=0),
        "target": changes(target=0),
        "title_fr": changes(title_en=None),
        "reward_fr": changes(reward_kind=RewardKind.CONSUMABLE),  # nothing said of what is won
    }
    for field, bad in refusals.items():
        with pytest.raises(ChallengeError) as refusal:
            service(editing.create_challenge, comms, bad)
        assert refusal.value.field == field
    assert challenges_count(app) == 0 and audit_verbs_count(app) == 0


# --- Frozen once started ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": NOW - timedelta(days=1)}, "starts_at", "its start can no longer change"),
        ({"metric": "points"}, "metric", "what it counts can no longer change"),
        ({"mode": Mode.COLLECTIVE, "group_by": GroupBy.SITE}, "mode", "its mode can no longer change"),
        ({"ends_at": NOW - timedelta(minutes=1)}, "ends_at", "The end must be in the future."),
        ({"audience_sites": [1]}, "audience_sites", "its audience can no longer change"),
        ({"daily_cap": 2}, "daily_cap", "its daily cap can no longer change"),
    ],
)
def test_what_decides_the_scores_is_frozen_once_started(
    app, make_user, make_challenge, service, change, field, message
):
    start, end = NOW - timedelta(days=2), NOW + timedelta(days=5)
    challenge_id = make_challenge(starts_at=start, ends_at=end, target=5)
    comms = make_user(Role.COMMS).id
    with pytest.raises(ChallengeError) as refusal:
        service(
            editing.update_challenge,
            comms,
            challenge_id,
            changes(**{"starts_at": start, "ends_at": end, "title_en": "New", **change}),
        )
    assert refusal.value.field == field and message in str(refusal.value)
    kept = stored(app, challenge_id)
    assert (kept.title_en, kept.metric, kept.starts_at, kept.ends_at) == ("Share week", "shares", start, end)
    assert audit_verbs_count(app) == 0
    later = end + timedelta(days=3)
    outcome = service(
        editing.update_challenge,
        comms,
        challenge_id,
        changes(starts_at=start, ends_at=later, target=8, title_en="New"),
    )
    assert sorted(outcome.changed) == ["ends_at", "target", "title_en"]
    assert (stored(app, challenge_id).ends_at, stored(app, challenge_id).target) == (later, 8)


def test_a_finished_challenge_keeps_all_but_its_texts(app, make_user, make_challenge, service):
    start, end = NOW - timedelta(days=9), NOW - timedelta(days=1)
    challenge_id = make_challenge(starts_at=start, ends_at=end, target=5)
    comms = make_user(Role.COMMS).id
    with pytest.raises(ChallengeError, match="only its texts can still change"):
        service(
            editing.update_challenge, comms, challenge_id, changes(starts_at=start, ends_at=end, target=6)
        )
    outcome = service(
        editing.update_challenge,
        comms,
        challenge_id,
        changes(starts_at=start, ends_at=end, target=5, title_en="Share week (typo fixed)"),
    )
    assert outcome.changed == ["title_en"]


def test_the_editor_says_why_a_started_challenge_refuses_a_change(app, client, signed_in, make_challenge):
    start = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 30 November 2026, 00:00 in Paris
    end = NOW + timedelta(days=4)
    challenge_id = make_challenge(starts_at=start, ends_at=end)
    signed_in(Role.COMMS, language="en")
    page = text(client.get(f"/admin/challenges/{challenge_id}/edit"))
    assert (
        "This challenge has started: its start, mode, groups, audience, daily cap and what it counts are frozen"
        in page
    )
    # The form shows the stored moments in the programme's zone: sent back, they change nothing.
    local_end = end.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")
    assert 'value="2026-11-30T00:00"' in page and f'value="{local_end}"' in page
    window = {"starts_at": "2026-11-30T00:00", "ends_at": local_end}
    refused = post(
        client, f"/admin/challenges/{challenge_id}/edit", challenge_form(metric="points", **window)
    )
    assert refused.status_code == 422
    assert "The challenge has started: what it counts can no longer change." in text(refused)
    moved = post(
        client,
        f"/admin/challenges/{challenge_id}/edit",
        challenge_form(**{**window, "starts_at": "2026-11-30T01:00"}),
    )
    assert moved.status_code == 422 and "its start can no longer change" in text(moved)
    assert post(client, f"/admin/challenges/{challenge_id}/edit", challenge_form(**window)).status_code == 303
    kept = stored(app, challenge_id)
    assert (kept.starts_at, kept.ends_at, kept.title_fr) == (start, end, "Semaine du partage")


# --- Cancelling -------------------------------------------------------------------------------


def test_cancelling_asks_first_then_tells_the_participants(app, client, signed_in, make_user, make_challenge):
    challenge_id = make_challenge(starts_at=NOW - timedelta(days=1))
    taking_part = [make_user(language="en").id for _ in range(2)]
    gone = make_user().id
    with app.app_context():
        for user_id in taking_part:
            db.session.add(
                Participation(challenge_id=challenge_id, user_id=user_id, joined_at=NOW - timedelta(hours=5))
            )
        db.session.add(
            Participation(
                challenge_id=challenge_id, user_id=gone, joined_at=NOW - timedelta(hours=5), left_at=NOW
            )
        )
        db.session.commit()
    signed_in(Role.COMMS, language="en")
    question = text(client.get(f"/admin/challenges/{challenge_id}/cancel"))
    assert "The 2 people taking part will be told." in question and "Yes, cancel the challenge" in question
    done = post(client, f"/admin/challenges/{challenge_id}/cancel")
    assert done.status_code == 303 and done.headers["Location"] == "/admin/challenges"
    listing = text(client.get("/admin/challenges"))
    assert "“Share week” is cancelled; 2 participants were told." in listing
    assert "Cancelled, latest first" in listing
    with app.app_context():
        told = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "challenge_cancelled")
        ).all()
        assert sorted(told) == sorted(taking_part)
        assert db.session.get(Challenge, challenge_id).cancelled_at is not None
    again = post(client, f"/admin/challenges/{challenge_id}/cancel")
    assert "This challenge is already cancelled." in text(client.get(again.headers["Location"]))
    assert audit_verbs_count(app) == 1
    with app.app_context(), force_locale("en"):
        assert audit_trail()[0].what == "cancelled the challenge “Share week” (2 participants told)"


def test_a_closed_challenge_cannot_be_cancelled(app, make_user, make_challenge, service):
    challenge_id = make_challenge(
        starts_at=NOW - timedelta(days=9), ends_at=NOW - timedelta(days=1), closed_at=NOW - timedelta(hours=3)
    )
    with pytest.raises(ChallengeError, match="closed"):
        service(editing.cancel_challenge, make_user(Role.COMMS).id, challenge_id)
    assert stored(app, challenge_id).cancelled_at is None


# --- The list and its figures -------------------------------------------------------------------


def test_the_list_shows_participation_and_progress(app, client, signed_in, make_user, make_challenge):
    with app.app_context():
        small, large = Department(name="Petite", name_en="Small"), Department(name="Grande", name_en="Large")
        db.session.add_all([small, large])
        db.session.commit()
        small_id, large_id = small.id, large.id
    start = NOW - timedelta(days=3)
    personal = make_challenge(starts_at=start, target=2, audience_departments=[small_id])
    collective = make_challenge(
        title_en="Team share", mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, starts_at=start, target=10
    )
    make_challenge(
        title_en="Next month", starts_at=NOW + timedelta(days=30), ends_at=NOW + timedelta(days=40)
    )
    make_challenge(
        title_en="Last month", starts_at=NOW - timedelta(days=40), ends_at=NOW - timedelta(days=30)
    )
    people = [make_user(department_id=small_id).id for _ in range(4)] + [make_user(department_id=large_id).id]
    with app.app_context():
        for challenge_id in (personal, collective):
            for user_id in people[:2] + people[4:]:
                db.session.add(Participation(challenge_id=challenge_id, user_id=user_id, joined_at=start))
        db.session.commit()
        for n, user_id in enumerate([people[0], people[0], people[1], people[4], people[4], people[4]]):
            record(
                db.session.get(User, user_id),
                content_verbs.CONTENT_SHARED,
                "content",
                n,
                at=start + timedelta(hours=n),
            )
        db.session.commit()
    signed_in(Role.COMMS, language="en")
    page = words(client.get("/admin/challenges"))
    running, rest = page.split("Upcoming, starting soonest first")
    upcoming, finished = rest.split("Finished, latest first")
    assert "Share week" in running and "Team share" in running
    assert "Next month" in upcoming and "Last month" in finished
    assert "Ended, closing at the next run" in finished
    personal_card, team_card = running.split("Team share", 1)
    # 3 participants out of the 4 people of Small (the audience); 6 shares counted; 2 at the target.
    assert "Participants 3 75% of 4 people in its audience" in personal_card
    assert "Actions counted 6" in personal_card and "Reached the target 2" in personal_card
    # Groups by the department at the time of each action, the best average per active member first.
    assert "Large 3 1 3.0 30%" in team_card and "Small 3 2 1.5 30%" in team_card
    assert team_card.index("Large") < team_card.index("Small")
    assert 'href="/admin/challenges"' in client.get("/admin/").get_data(as_text=True)


def test_the_list_costs_the_same_queries_with_more_people_and_actions(
    app, client, signed_in, make_user, make_challenge, count_queries
):
    start = NOW - timedelta(days=3)
    with app.app_context():
        department = Department(name="Only")
        db.session.add(department)
        db.session.commit()
        department_id = department.id
    personal = make_challenge(starts_at=start, target=3, audience_personae=["curator"])
    collective = make_challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, starts_at=start, target=10)
    finished = make_challenge(
        starts_at=NOW - timedelta(days=20), ends_at=NOW - timedelta(days=10), closed_at=NOW
    )
    signed_in(Role.COMMS)

    numbers = itertools.count()

    def more():
        with app.app_context():
            for n in itertools.islice(numbers, 6):
                person = User(
                    email=f"more{n}@example.com", display_name=f"More {n}", department_id=department_id
                )
                db.session.add(person)
                db.session.flush()
                for challenge_id in (personal, collective):
                    db.session.add(
                        Participation(challenge_id=challenge_id, user_id=person.id, joined_at=start)
                    )
                db.session.flush()
                record(person, content_verbs.CONTENT_SHARED, "content", n, at=start + timedelta(hours=n))
            db.session.commit()

    def uncached_queries() -> int:
        """The queries of the page counting everything again (as after a change to each)."""
        with app.app_context():
            for challenge_id in (personal, collective, finished):
                cache.bump(board_subject(challenge_id))
        with count_queries() as counted:
            client.get("/admin/challenges")
        return counted.count

    more()  # some of everything first: the page reads group names once there are groups
    client.get("/admin/challenges")  # the first page after sign-in also notes "last seen"
    before = uncached_queries()
    more()
    assert uncached_queries() == before
    with count_queries() as cached:
        client.get("/admin/challenges")
    assert cached.count == before - 5  # the counts of all challenges: five queries, kept


def test_the_list_follows_every_join_leave_counted_action_and_closing(
    app, client, signed_in, make_user, make_challenge
):
    """The figures are kept between views, until something changes them."""
    challenge_id = make_challenge(
        starts_at=NOW - timedelta(days=3), ends_at=NOW + timedelta(days=1), target=1
    )
    first, second = (make_user().id for _ in range(2))
    signed_in(Role.COMMS, language="en")

    def figures() -> str:
        return words(client.get("/admin/challenges")).split("Finished, latest first")[0]

    assert "Participants 0" in figures()
    with app.app_context():
        for person in (first, second):
            challenge_services.join(db.session.get(User, person), challenge_id)
    assert "Participants 2" in figures() and "Actions counted 0" in figures()
    with app.app_context():
        record(
            db.session.get(User, first),
            content_verbs.CONTENT_SHARED,
            "content",
            1,
            at=utcnow(),
        )
        db.session.commit()
    assert "Actions counted 1" in figures() and "Reached the target 1" in figures()
    with app.app_context():
        challenge_services.leave(db.session.get(User, second), challenge_id)
    assert "Participants 1" in figures()
    with app.app_context():
        db.session.get(Challenge, challenge_id).ends_at = utcnow()  # after the action
        db.session.commit()
        close_challenge(challenge_id, utcnow() + timedelta(seconds=1))
    assert "Winners 1" in words(client.get("/admin/challenges")).split("Finished, latest first")[1]


def test_an_upcoming_challenge_cannot_be_moved_to_start_in_the_past(app, make_user, make_challenge, service):
    start, end = NOW + timedelta(days=2), NOW + timedelta(days=9)
    challenge_id = make_challenge(starts_at=start, ends_at=end)
    comms = make_user(Role.COMMS).id
    with pytest.raises(ChallengeError) as refusal:
        service(
            editing.update_challenge,
            comms,
            challenge_id,
            changes(starts_at=NOW - timedelta(days=1), ends_at=end),
        )
    assert refusal.value.field == "starts_at" and "cannot start in the past" in str(refusal.value)
    assert stored(app, challenge_id).starts_at == start


def test_an_audience_is_kept_and_counted_again_when_someone_moves_site(
    app, client, signed_in, make_user, make_challenge
):
    with app.app_context():
        lyon, paris = Site(name="Lyon"), Site(name="Paris")
        db.session.add_all([lyon, paris])
        db.session.commit()
        lyon_id, paris_id = lyon.id, paris.id
    make_challenge(audience_sites=[lyon_id])
    for _ in range(2):
        make_user(site_id=lyon_id)
    mover = make_user(site_id=paris_id)
    signed_in(Role.COMMS, language="en")

    def audience() -> str:
        return re.search(r"of (\d+) people in its audience", words(client.get("/admin/challenges"))).group(1)

    # Upcoming without participants: the figures show once someone joins.
    with app.app_context():
        challenge_id = db.session.scalar(sa.select(Challenge.id))
        db.session.add(Participation(challenge_id=challenge_id, user_id=mover.id, joined_at=NOW))
        db.session.commit()
    assert audience() == "2"
    make_user(site_id=lyon_id)  # an account added without telling: kept until its time to live
    assert audience() == "2"
    with app.app_context():
        person = db.session.get(User, mover.id)
        update_profile(
            person,
            display_name=person.display_name,
            department_id=0,
            site_id=lyon_id,
            language="en",
            timezone="Europe/Paris",
            directory_opt_in=False,
        )
    assert audience() == "4"


def test_a_challenge_cards_key_changes_with_everything_the_card_shows(app, make_challenge):
    challenge_id = make_challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, target=10)
    with app.test_request_context("/admin/challenges", headers={"Accept-Language": "en"}):
        challenge = db.session.get(Challenge, challenge_id)
        row = editing.ChallengeFigures(challenge, participants=3, audience=10, counted=6, total=6)
        row.groups = [editing.GroupFigures(1, "Sales", 6, 2, 3.0, 0.6)]
        key = cards.card_key(row, "upcoming")
        assert cards.card_key(row, "running") != key
        for name, value in [
            ("participants", 4),
            ("audience", 11),
            ("counted", 7),
            ("total", 7),
            ("reached_target", 1),
            ("winners", 1),
        ]:
            before = getattr(row, name)
            setattr(row, name, value)
            assert cards.card_key(row, "upcoming") != key, name
            setattr(row, name, before)
        for group in [
            editing.GroupFigures(1, "Sales", 7, 2, 3.5, 0.7),
            editing.GroupFigures(1, "Ventes", 6, 2, 3.0, 0.6),
            editing.GroupFigures(1, "Sales", 6, 3, 2.0, 0.6),
        ]:
            row.groups = [group]
            assert cards.card_key(row, "upcoming") != key
        row.groups = [editing.GroupFigures(1, "Sales", 6, 2, 3.0, 0.6)]
        for name, value in [
            ("title_en", "Other"),
            ("title_fr", "Autre"),
            ("mode", Mode.PERSONAL),
            ("group_by", GroupBy.SITE),
            ("metric", "points"),
            ("target", 12),
            ("daily_cap", 2),
            ("starts_at", NOW),
            ("ends_at", NOW + timedelta(days=20)),
            ("closed_at", NOW),
        ]:
            before = getattr(challenge, name)
            setattr(challenge, name, value)
            assert cards.card_key(row, "upcoming") != key, name
            setattr(challenge, name, before)
        assert cards.card_key(row, "upcoming") == key
        with force_locale("fr"):
            assert cards.card_key(row, "upcoming") != key
