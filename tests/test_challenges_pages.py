"""Challenges for people (SPEC §4.6, §8): who sees which, joining and leaving (only what follows
joining counts), the boards (ranks 1, 2, 2, 4, anonymity, the viewer's neighbours, collective
averages, "this week" by default), the home card, role and CSRF checks, and query budgets that
do not grow with the number of participants or challenges."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.cache import cache
from base.database import db, unit_of_work, utcnow
from base.registry import WEEK
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.challenges import services
from blueprints.challenges.models import (
    Challenge,
    ChallengeEntry,
    ChallengeWinner,
    GroupBy,
    Mode,
    Participation,
)
from blueprints.challenges.scoring import board_subject
from blueprints.content.verbs import CONTENT_SHARED
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.recognition import periods
from tests.conftest import csrf_token, htmx_headers, post, text

DAY = timedelta(days=1)


@pytest.fixture
def challenge(create_challenge):
    """Create a challenge (personal, on shares, running from three days ago for two weeks); its id."""

    def factory(**fields):
        now = utcnow()
        defaults = {"starts_at": now - 3 * DAY, "ends_at": now + 11 * DAY, "title_fr": "Sprint du partage"}
        defaults |= {"title_en": "Share sprint", "reward_en": "A tree planted for each winner"}
        return create_challenge(**{**defaults, **fields})

    return factory


@pytest.fixture
def item(make_item):
    return make_item(title="Our new plant")


def as_user(app, user_id: int, service, *args, **kwargs):
    """Run a service as a person in a plain app context."""
    with app.app_context():
        return service(db.session.get(User, user_id), *args, **kwargs)


def home_card(user: User, now) -> services.HomeChallenges:
    """Home's challenges card as home reads it (with its other facts, or alone as here)."""
    rows = services.HOME_CHALLENGES.read(services.home_parameters(user, now))
    return services.home_challenges_of(user, rows, now)


def join(app, user_id: int, challenge_id: int, at=None):
    as_user(app, user_id, services.join, challenge_id, now=at)


def share(app, user_id: int, item_id: int, at) -> None:
    """A share, recorded as the content feature records it: the challenge listener counts it."""
    with app.app_context():
        record(db.session.get(User, user_id), CONTENT_SHARED, "content", item_id, at=at)
        db.session.commit()


def score(app, challenge_id: int, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0)).where(
                ChallengeEntry.challenge_id == challenge_id, ChallengeEntry.user_id == user_id
            )
        )


def give_scores(app, challenge_id: int, scores: dict[int, int], at, join_at=None) -> None:
    """Participants with scores, written straight into the tables (one entry each) for the board tests."""
    with app.app_context():
        for offset, (user_id, value) in enumerate(scores.items()):
            person = db.session.get(User, user_id)
            if not db.session.scalar(
                sa.select(Participation.id).where(
                    Participation.challenge_id == challenge_id, Participation.user_id == user_id
                )
            ):
                db.session.add(
                    Participation(challenge_id=challenge_id, user_id=user_id, joined_at=join_at or at - DAY)
                )
            if value:
                moment = at + timedelta(minutes=offset)
                activity = Activity(user_id=user_id, verb=CONTENT_SHARED, created_at=moment, payload={})
                db.session.add(activity)
                db.session.flush()
                db.session.add(
                    ChallengeEntry(
                        challenge_id=challenge_id,
                        user_id=user_id,
                        activity_id=activity.id,
                        value=value,
                        counted_at=moment,
                        department_id=person.department_id,
                        site_id=person.site_id,
                    )
                )
        db.session.commit()
        cache.bump(board_subject(challenge_id))


def add_group(app, model, name: str) -> int:
    with app.app_context():
        row = model(name=name, name_en=name)
        db.session.add(row)
        db.session.commit()
        return row.id


def give_persona(app, user_id: int, persona: str) -> None:
    with app.app_context():
        db.session.add(
            QuizResult(
                user_id=user_id,
                version=1,
                answers={},
                primary_persona=persona,
                scores=[PersonaScore(persona=persona, score=0.8, rank=1, held=True, also_you=False)],
            )
        )
        db.session.commit()


def verbs_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Activity.verb)
                .where(Activity.user_id == user_id, Activity.verb.like("challenge_%"))
                .order_by(Activity.id)
            )
        )


def board_rows(response) -> list[tuple[str, str, str]]:
    """(rank, name, score) of each row of a personal board as a reader sees them."""
    rows = re.findall(
        r'<tr(?: class="board-row--you")?>\s*<td class="num">(\d+)</td>\s*<td>(.*?)</td>\s*<td class="num">([^<]+)</td>',
        response.get_data(as_text=True),
        re.S,
    )
    return [(rank, re.sub(r"<[^>]+>", "", name).strip(), value) for rank, name, value in rows]


# --- Audience ------------------------------------------------------------------------------


def test_people_see_the_challenges_of_their_audience_only(app, make_user, challenge):
    sales, lyon = add_group(app, Department, "Sales"), add_group(app, Site, "Lyon")
    for_all = challenge(title_en="For all")
    for_sales = challenge(title_en="For sales", audience_departments=[sales])
    for_lyon = challenge(title_en="For Lyon", audience_sites=[lyon])
    for_messengers = challenge(title_en="For messengers", audience_personae=["messenger"])
    challenge(title_en="Cancelled", cancelled_at=utcnow())
    seller, lyonnais, messenger, other = (
        make_user(department_id=sales).id,
        make_user(site_id=lyon).id,
        make_user().id,
        make_user().id,
    )
    give_persona(app, messenger, "messenger")

    def seen(user_id):
        listing = as_user(app, user_id, services.challenges_for)
        return {entry.challenge.id for entry in listing.running}

    assert seen(seller) == {for_all, for_sales}
    assert seen(lyonnais) == {for_all, for_lyon}
    assert seen(messenger) == {for_all, for_messengers}
    assert seen(other) == {for_all}
    with app.app_context():  # the same rule in Python, for one challenge
        person = db.session.get(User, messenger)
        assert services.in_audience(db.session.get(Challenge, for_messengers), person)
        assert not services.in_audience(db.session.get(Challenge, for_sales), person)


def test_the_list_reads_the_challenges_not_over_and_the_finished_ones_in_one_query_each_in_its_order(
    app, make_user, challenge, count_queries
):
    now = utcnow()
    running = challenge(starts_at=now - 3 * DAY)
    upcoming = challenge(starts_at=now + DAY, ends_at=now + 9 * DAY)
    running_longer = challenge(starts_at=now - 5 * DAY)
    finished_lately = challenge(starts_at=now - 9 * DAY, ends_at=now - DAY)
    finished_before = challenge(starts_at=now - 9 * DAY, ends_at=now - 2 * DAY)
    person = make_user().id
    with count_queries() as listed:
        listing = as_user(app, person, services.challenges_for, now)
    assert [entry.challenge.id for entry in listing.running] == [running_longer, running]
    assert [entry.challenge.id for entry in listing.upcoming] == [upcoming]
    assert [entry.challenge.id for entry in listing.finished] == [finished_lately, finished_before]
    assert len([statement for statement in listed.statements if "FROM challenges" in statement]) == 1


def test_a_challenge_outside_ones_audience_or_cancelled_is_not_found(
    app, client, signed_in, make_user, challenge
):
    sales = add_group(app, Department, "Sales")
    for_sales = challenge(audience_departments=[sales])
    cancelled = challenge(cancelled_at=utcnow())
    signed_in(language="en")
    assert client.get(f"/challenges/{for_sales}").status_code == 404
    assert client.get(f"/challenges/{cancelled}").status_code == 404
    assert client.get("/challenges/999999").status_code == 404
    assert client.get("/challenges/99999999999").status_code == 404
    assert post(client, f"/challenges/{for_sales}/join").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Participation.id))) == 0


def test_comms_see_any_challenge_but_join_only_their_own(app, client, signed_in, challenge):
    sales = add_group(app, Department, "Sales")
    for_sales = challenge(audience_departments=[sales])
    comms = signed_in(Role.COMMS, language="en")
    page = client.get(f"/challenges/{for_sales}")
    assert page.status_code == 200
    assert "you see it because you work in comms" in text(page)
    refused = client.post(f"/challenges/{for_sales}/join", headers=htmx_headers(client))
    assert refused.status_code == 422
    assert "for other teams" in text(refused)
    assert verbs_of(app, comms.id) == []


def test_signed_out_visitors_are_sent_to_sign_in(client, challenge):
    challenge_id = challenge()
    for path in ["/challenges", f"/challenges/{challenge_id}"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- Joining and leaving -------------------------------------------------------------------


def test_only_what_happens_while_taking_part_counts(app, make_user, challenge, item):
    now = utcnow()
    challenge_id = challenge(starts_at=now - 10 * DAY, ends_at=now + 4 * DAY)
    person = make_user().id
    share(app, person, item, now - 9 * DAY)  # before joining: not counted
    join(app, person, challenge_id, at=now - 8 * DAY)
    share(app, person, item, now - 7 * DAY)  # counted
    as_user(app, person, services.leave, challenge_id, now=now - 6 * DAY)
    share(app, person, item, now - 5 * DAY)  # away: not counted
    join(app, person, challenge_id, at=now - 4 * DAY)
    share(app, person, item, now - 3 * DAY)  # counted
    assert score(app, challenge_id, person) == 2
    with app.app_context():
        participation = services.participation_of(person, challenge_id)
        assert (participation.joined_at, participation.left_at) == (now - 4 * DAY, None)
    assert verbs_of(app, person) == ["challenge_joined", "challenge_left", "challenge_joined"]


def test_joining_twice_changes_nothing_and_joining_before_the_start_is_welcome(app, make_user, challenge):
    upcoming = challenge(starts_at=utcnow() + 2 * DAY, ends_at=utcnow() + 9 * DAY)
    person = make_user().id
    join(app, person, upcoming)
    join(app, person, upcoming)
    assert verbs_of(app, person) == ["challenge_joined"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cancelled_at": utcnow()}, "cancelled"),
        ({"starts_at": utcnow() - 9 * DAY, "ends_at": utcnow() - DAY}, "finished"),
        ({"audience_departments": [999]}, "other teams"),
    ],
)
def test_joining_is_refused_with_a_reason_and_changes_nothing(app, make_user, challenge, fields, message):
    challenge_id = challenge(**fields)
    person = make_user(language="en").id
    with app.app_context(), pytest.raises(services.ChallengeError) as refusal:
        services.join(db.session.get(User, person), challenge_id)
    with app.app_context(), force_locale("en"):
        assert message in str(refusal.value)
    assert verbs_of(app, person) == []
    with app.app_context():
        assert services.participation_of(person, challenge_id) is None


def test_leaving_without_taking_part_is_refused(app, make_user, challenge):
    challenge_id = challenge()
    person = make_user().id
    with pytest.raises(services.ChallengeError):
        as_user(app, person, services.leave, challenge_id)
    assert verbs_of(app, person) == []


def test_join_and_leave_swap_the_panel_with_htmx(app, client, signed_in, challenge):
    challenge_id = challenge()
    person = signed_in(language="en")
    joined = client.post(f"/challenges/{challenge_id}/join", headers=htmx_headers(client))
    assert joined.status_code == 200
    assert "<html" not in joined.get_data(as_text=True)
    assert 'id="join-panel"' in joined.get_data(as_text=True)
    assert "Leave the challenge" in text(joined)
    assert "challenge-changed" in joined.headers["HX-Trigger"]
    left = client.post(f"/challenges/{challenge_id}/leave", headers=htmx_headers(client))
    assert "Join the challenge" in text(left)
    assert verbs_of(app, person.id) == ["challenge_joined", "challenge_left"]


def test_join_and_leave_work_without_javascript(app, client, signed_in, challenge):
    challenge_id = challenge()
    person = signed_in(language="en")
    response = post(client, f"/challenges/{challenge_id}/join")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/challenges/{challenge_id}")
    page = client.get(response.headers["Location"])
    assert "You are in! What you do from now on counts." in text(page)
    assert "You take part since" in text(page)
    assert post(client, f"/challenges/{challenge_id}/leave").status_code == 303
    assert "You left the challenge." in text(client.get(f"/challenges/{challenge_id}"))
    assert verbs_of(app, person.id) == ["challenge_joined", "challenge_left"]


def test_join_and_leave_need_a_csrf_token(app, client, signed_in, challenge):
    challenge_id = challenge()
    person = signed_in(language="en")
    assert client.post(f"/challenges/{challenge_id}/join").status_code == 400
    join(app, person.id, challenge_id)
    assert client.post(f"/challenges/{challenge_id}/leave").status_code == 400
    assert client.post(f"/challenges/{challenge_id}/join", headers={"HX-Request": "true"}).status_code == 400
    assert verbs_of(app, person.id) == ["challenge_joined"]


def test_joining_a_finished_challenge_is_refused_on_its_readable_page(app, client, signed_in, challenge):
    now = utcnow()
    finished = challenge(starts_at=now - 20 * DAY, ends_at=now - DAY, closed_at=now)
    person = signed_in(language="en")
    give_scores(app, finished, {person.id: 4}, at=now - 10 * DAY)
    with app.app_context():
        db.session.add(ChallengeWinner(challenge_id=finished, user_id=person.id, rank=1, score=4))
        db.session.commit()
    page = client.get(f"/challenges/{finished}")
    assert page.status_code == 200
    assert "Final board" in text(page) and "Finished" in text(page)
    assert board_rows(page) == [("1", "You", "4")]
    assert "Winners" in text(page)
    refused = client.post(f"/challenges/{finished}/leave", headers=htmx_headers(client))
    assert refused.status_code == 422
    assert "finished" in text(refused)
    assert verbs_of(app, person.id) == []


def test_an_upcoming_challenge_says_when_it_starts(client, signed_in, challenge):
    upcoming = challenge(starts_at=utcnow() + 2 * DAY, ends_at=utcnow() + 9 * DAY)
    signed_in(language="en")
    page = text(client.get(f"/challenges/{upcoming}"))
    assert "The board opens when the challenge starts" in page
    assert "You can join now: it starts" in page


# --- Boards --------------------------------------------------------------------------------


def test_ranks_are_1_2_2_4_and_anonymous_people_are_an_ambassador(
    app, client, signed_in, make_user, challenge, item
):
    challenge_id = challenge()
    start = utcnow() - 2 * DAY
    alice = make_user(display_name="Alice Martin").id
    bob = make_user(display_name="Bob Durand").id
    hidden = make_user(display_name="Secret Agent", anonymous_on_boards=True).id
    dan = make_user(display_name="Dan Petit").id
    for person in (alice, bob, hidden, dan):
        join(app, person, challenge_id, at=start)
    plan = [(alice, 3), (bob, 2), (hidden, 2), (dan, 1)]  # Bob reaches 2 before the hidden person
    for order, (person, count) in enumerate(plan):
        for n in range(count):
            share(app, person, item, start + timedelta(hours=order + 1, minutes=n))
    signed_in(language="en")
    page = client.get(f"/challenges/{challenge_id}?view=all")
    assert board_rows(page) == [
        ("1", "Alice Martin", "3"),
        ("2", "Bob Durand", "2"),
        ("2", "an ambassador", "2"),
        ("4", "Dan Petit", "1"),
    ]
    assert "Secret Agent" not in text(page)
    assert "4 people take part." in text(page)


def test_anonymous_people_still_see_themselves_as_you(app, client, signed_in, make_user, challenge):
    challenge_id = challenge()
    me = signed_in(language="en", anonymous_on_boards=True)
    other = make_user(display_name="Eve Other").id
    give_scores(app, challenge_id, {other: 5, me.id: 3}, at=utcnow() - DAY)
    assert board_rows(client.get(f"/challenges/{challenge_id}?view=all")) == [
        ("1", "Eve Other", "5"),
        ("2", "You", "3"),
    ]


def test_the_viewer_sees_their_row_with_two_neighbours_below_the_top_ten(app, make_user, challenge):
    challenge_id = challenge()
    people = [make_user(display_name=f"Runner {n:02}").id for n in range(16)]
    give_scores(app, challenge_id, {person: 20 - n for n, person in enumerate(people)}, at=utcnow() - DAY)
    with app.app_context():
        viewer = db.session.get(User, people[13])  # position 14
        shown = services.board(db.session.get(Challenge, challenge_id), viewer, "all", "all")
    assert [row.position for row in shown.rows] == list(range(1, 11))
    assert [row.position for row in shown.mine] == [12, 13, 14, 15, 16]
    assert [row.is_viewer for row in shown.mine] == [False, False, True, False, False]
    assert shown.gap  # position 11 is left out
    with app.app_context():
        in_top = services.board(
            db.session.get(Challenge, challenge_id), db.session.get(User, people[2]), "all", "all"
        )
    assert in_top.mine == [] and [row.is_viewer for row in in_top.rows].index(True) == 2


def test_nobody_is_listed_with_nothing_counted_and_the_viewer_is_invited(
    app, client, signed_in, make_user, challenge
):
    challenge_id = challenge()
    me = signed_in(language="en")
    idle, busy = make_user(display_name="Idle Ida").id, make_user(display_name="Busy Bea").id
    give_scores(app, challenge_id, {idle: 0, busy: 2, me.id: 0}, at=utcnow() - DAY)
    page = client.get(f"/challenges/{challenge_id}?view=all")
    assert board_rows(page) == [("1", "Busy Bea", "2")]
    assert "Idle Ida" not in text(page)
    assert "Nothing counted for you yet in this view: your first action puts you on the board." in text(page)
    assert "3 people take part." in text(page)


def test_segments_show_my_department_or_my_site(app, client, signed_in, make_user, challenge):
    sales, lyon = add_group(app, Department, "Sales"), add_group(app, Site, "Lyon")
    challenge_id = challenge()
    signed_in(language="en", department_id=sales)
    colleague = make_user(display_name="Sam Sales", department_id=sales).id
    neighbour = make_user(display_name="Lou Lyon", site_id=lyon).id
    give_scores(app, challenge_id, {colleague: 2, neighbour: 3}, at=utcnow() - DAY)
    everyone = client.get(f"/challenges/{challenge_id}?view=all")
    assert [name for _, name, _ in board_rows(everyone)] == ["Lou Lyon", "Sam Sales"]
    assert "My site" not in text(everyone)  # the viewer has no site
    mine = client.get(f"/challenges/{challenge_id}?view=all&segment=department")
    assert board_rows(mine) == [("1", "Sam Sales", "2")]
    # A segment the viewer has not falls back to everyone.
    assert len(board_rows(client.get(f"/challenges/{challenge_id}?view=all&segment=site"))) == 2


def test_a_collective_board_compares_averages_with_the_total_beside_and_my_share(
    app, client, signed_in, make_user, challenge
):
    small, large = add_group(app, Department, "Small team"), add_group(app, Department, "Large team")
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, target=10)
    me = signed_in(language="en", department_id=small)
    mates = [make_user(department_id=small).id for _ in range(2)]
    others = [make_user(department_id=large).id for _ in range(5)]
    scores = {me.id: 1, mates[0]: 3, mates[1]: 2, **dict.fromkeys(others, 1)}
    give_scores(app, challenge_id, scores, at=utcnow() - DAY)
    page = client.get(f"/challenges/{challenge_id}")
    body = text(page)
    assert body.index("Small team") < body.index("Large team")  # average 2 beats average 1
    assert "2 per active member" in body and "6 in all" in body and "3 active members" in body
    assert "1 per active member" in body and "5 in all" in body
    assert "6 of 10 (60 %)" in body or "6 of 10 (60%)" in body
    assert re.search(
        r'class="group-row group-row--mine">\s*<p class="group-name">.*?Small team',
        page.get_data(as_text=True),
        re.S,
    )
    assert "Your share for Small team: 1." in body


def test_my_share_is_shown_to_me_only(app, client, auth, make_user, challenge):
    team = add_group(app, Department, "Team")
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    first = make_user(language="en", department_id=team)
    second = make_user(language="en", department_id=team)
    give_scores(app, challenge_id, {first.id: 4, second.id: 1}, at=utcnow() - DAY)
    auth.login(first.email)
    assert "Your share for Team: 4." in text(client.get(f"/challenges/{challenge_id}"))
    auth.logout()
    auth.login(second.email)
    page = text(client.get(f"/challenges/{challenge_id}"))
    assert "Your share for Team: 1." in page and ": 4." not in page


def test_this_week_is_the_default_view_of_a_challenge_longer_than_a_week(
    app, client, signed_in, make_user, challenge
):
    now = utcnow()
    with app.app_context():
        week_start, _ = periods.bounds(WEEK, now)
    long = challenge(starts_at=week_start - 10 * DAY, ends_at=week_start + 10 * DAY)
    signed_in(language="en")
    early, late = make_user(display_name="Early Bird").id, make_user(display_name="Late Comer").id
    give_scores(app, long, {early: 5}, at=week_start - 2 * DAY, join_at=week_start - 9 * DAY)
    give_scores(app, long, {late: 1}, at=week_start + (now - week_start) / 2, join_at=week_start - 9 * DAY)
    default = client.get(f"/challenges/{long}")
    assert board_rows(default) == [("1", "Late Comer", "1")]
    assert 'aria-current="page">This week<' in default.get_data(as_text=True)
    whole = client.get(f"/challenges/{long}?view=all")
    assert board_rows(whole) == [("1", "Early Bird", "5"), ("2", "Late Comer", "1")]
    short = challenge(starts_at=now - 2 * DAY, ends_at=now + 4 * DAY)
    give_scores(app, short, {early: 5}, at=now - DAY)
    page = client.get(f"/challenges/{short}")
    assert board_rows(page) == [("1", "Early Bird", "5")]
    assert "This week" not in text(page)


@pytest.mark.parametrize(
    "query", ["?view=yesterday", "?segment=../../etc", "?view=&segment=", "?view=week&segment=99"]
)
def test_bad_query_arguments_fall_back_to_the_defaults(app, client, signed_in, make_user, challenge, query):
    challenge_id = challenge(starts_at=utcnow() - 2 * DAY, ends_at=utcnow() + 3 * DAY)
    signed_in(language="en")
    give_scores(app, challenge_id, {make_user(display_name="Ann").id: 2}, at=utcnow() - DAY)
    page = client.get(f"/challenges/{challenge_id}{query}")
    assert page.status_code == 200
    assert board_rows(page) == [("1", "Ann", "2")]
    assert "The whole challenge, from" in text(page)


def test_the_board_alone_for_htmx_with_focus_only_when_a_switch_asks(app, client, signed_in, challenge):
    challenge_id = challenge()
    signed_in(language="en")
    switched = client.get(f"/challenges/{challenge_id}?view=all", headers={"HX-Request": "true"})
    body = switched.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith("<section") and 'id="board"' in body
    assert "data-focus-after-swap" in body
    assert "HX-Request" in switched.headers["Vary"]
    refreshed = client.get(
        f"/challenges/{challenge_id}?view=all", headers={"HX-Request": "true", "HX-Trigger": "board"}
    )
    assert "data-focus-after-swap" not in refreshed.get_data(as_text=True)


# --- The list and home ---------------------------------------------------------------------


def test_the_list_shows_each_challenge_with_the_persons_standing(
    app, client, signed_in, make_user, challenge
):
    now = utcnow()
    team = add_group(app, Department, "Team")
    running = challenge(title_en="Running one", target=10)
    collective = challenge(title_en="Together", mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    challenge(title_en="Soon", starts_at=now + DAY, ends_at=now + 8 * DAY)
    challenge(title_en="Done", starts_at=now - 9 * DAY, ends_at=now - 2 * DAY)
    me = signed_in(language="en", department_id=team)
    rival = make_user(department_id=team).id
    give_scores(app, running, {rival: 5, me.id: 3}, at=now - DAY)
    give_scores(app, collective, {me.id: 2}, at=now - DAY)
    page = text(client.get("/challenges"))
    assert page.index("Running one") < page.index("Soon") < page.index("Done")
    assert "Your score: 3 · rank 2 over the whole challenge" in page
    assert "3 of 10 (30 %)" in page or "3 of 10 (30%)" in page
    assert "Team: rank 1 over the whole challenge · your share 2" in page


def test_the_list_reads_each_score_with_its_challenge_a_collective_one_for_the_group_one_is_in_now(
    app, make_user, challenge, count_queries
):
    now = utcnow()
    first, second = add_group(app, Department, "First"), add_group(app, Department, "Second")
    lyon = add_group(app, Site, "Lyon")
    personal = challenge(title_en="Mine")
    by_department = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    by_site = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.SITE)
    person = make_user(department_id=first, site_id=lyon).id
    give_scores(app, personal, {person: 3}, at=now - 2 * DAY)
    give_scores(app, by_department, {person: 2}, at=now - 2 * DAY)
    give_scores(app, by_site, {person: 4}, at=now - 2 * DAY)
    with app.app_context():
        db.session.get(User, person).department_id = second  # moved: past points stay with First
        db.session.commit()
    give_scores(app, by_department, {person: 1}, at=now - DAY)
    give_scores(app, personal, {person: 5}, at=now - DAY)
    with count_queries() as listed:
        listing = as_user(app, person, services.challenges_for, now)
    shares = {entry.challenge.id: entry.standing.score for entry in listing.running}
    assert shares == {personal: 8, by_department: 1, by_site: 4}
    # No query of the person's entries of its own: the scores come with the challenges.
    assert not any(statement.startswith("SELECT challenge_entries.") for statement in listed.statements)


def test_a_card_of_the_list_follows_the_challenge_and_the_persons_standing(
    app, client, signed_in, make_user, challenge
):
    """Cards are drawn once per state (challenges.cards): each change shows at once."""
    now = utcnow()
    running = challenge(title_en="Running one", target=10)
    me = signed_in(language="en")
    assert "You take part" not in text(client.get("/challenges"))
    join(app, me.id, running)
    page = text(client.get("/challenges"))
    assert "You take part" in page and "Nothing counted yet" in page
    give_scores(app, running, {me.id: 3}, at=now - DAY)
    assert "Your score: 3 · rank 1 over the whole challenge" in text(client.get("/challenges"))
    give_scores(app, running, {make_user().id: 5}, at=now - DAY)
    assert "Your score: 3 · rank 2 over the whole challenge" in text(client.get("/challenges"))
    with app.app_context(), unit_of_work():
        db.session.get(Challenge, running).title_en = "Renamed"
    page = text(client.get("/challenges"))
    assert "Renamed" in page and "Running one" not in page
    post(client, "/language", {"language": "fr"})  # each language has its own cards
    assert "Votre score : 3 · rang 2 sur tout le défi" in text(client.get("/challenges"))


def test_home_shows_my_running_challenges_or_an_invitation_or_nothing(
    app, client, signed_in, make_user, challenge
):
    me = signed_in(language="en")
    assert "Your challenges" not in text(client.get("/"))
    challenge_id = challenge(title_en="Share sprint", target=4)
    home = text(client.get("/"))
    assert "1 challenge is open to you." in home
    give_scores(app, challenge_id, {me.id: 1}, at=utcnow() - DAY)
    home = text(client.get("/"))
    assert "Share sprint" in home and ("1 of 4 (25 %)" in home or "1 of 4 (25%)" in home)
    for n in range(4):
        give_scores(app, challenge(title_en=f"Extra {n}"), {me.id: 1}, at=utcnow() - DAY)
    assert text(client.get("/")).count("Your score:") == 3


def test_the_home_card_counts_in_one_query_the_challenges_not_joined_that_are_not_over(
    app, signed_in, challenge, count_queries
):
    me = signed_in(language="en")
    now = utcnow()
    upcoming_joined = challenge(title_en="Joined, to come", starts_at=now + DAY, ends_at=now + 5 * DAY)
    join(app, me.id, upcoming_joined)
    left = challenge(title_en="Left")
    join(app, me.id, left)
    as_user(app, me.id, services.leave, left)
    challenge(title_en="Open, running")
    challenge(title_en="Open, to come", starts_at=now + DAY, ends_at=now + 5 * DAY)
    challenge(title_en="Over", starts_at=now - 9 * DAY, ends_at=now - DAY)
    with count_queries() as card:
        shown = as_user(app, me.id, home_card, now)
    # The one joined has not started: nothing of theirs runs, three they could join.
    assert (shown.mine, shown.open_to_join) == ([], 3)
    assert len([statement for statement in card.statements if "FROM challenges" in statement]) == 1


# --- Query budgets -------------------------------------------------------------------------


def add_participants(app, challenge_id: int, count: int, departments: list[int]) -> None:
    """Many people who joined and counted something, in bulk."""
    at = utcnow() - DAY
    with app.app_context():
        start = db.session.scalar(sa.select(sa.func.max(User.id)))
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"bulk{start + n}@example.com",
                    "display_name": f"Bulk {n}",
                    "department_id": departments[n % len(departments)],
                }
                for n in range(count)
            ],
        )
        people = db.session.execute(
            sa.select(User.id, User.department_id).where(User.id > start).order_by(User.id)
        ).all()
        db.session.execute(
            sa.insert(Participation),
            [{"challenge_id": challenge_id, "user_id": pid, "joined_at": at - DAY} for pid, _ in people],
        )
        db.session.execute(
            sa.insert(Activity),
            [
                {
                    "user_id": pid,
                    "verb": CONTENT_SHARED,
                    "created_at": at,
                    "payload": {},
                    "department_id": dep,
                }
                for pid, dep in people
            ],
        )
        activities = db.session.execute(
            sa.select(Activity.id, Activity.user_id, Activity.department_id).where(Activity.user_id > start)
        ).all()
        db.session.execute(
            sa.insert(ChallengeEntry),
            [
                {
                    "challenge_id": challenge_id,
                    "user_id": uid,
                    "activity_id": aid,
                    "value": 1 + aid % 7,
                    "counted_at": at,
                    "department_id": dep,
                }
                for aid, uid, dep in activities
            ],
        )
        db.session.commit()


def cold_cost(app, client, count_queries, path: str, challenge_ids: list[int]) -> int:
    """The queries of a page whose challenges' cached boards were all just made stale."""
    with app.app_context():
        for challenge_id in challenge_ids:
            cache.bump(board_subject(challenge_id))
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("mode", [Mode.PERSONAL, Mode.COLLECTIVE])
def test_a_board_page_costs_the_same_with_10_or_1000_participants(
    app, client, signed_in, challenge, count_queries, mode
):
    departments = [add_group(app, Department, f"Department {n}") for n in range(4)]
    challenge_id = challenge(mode=mode, group_by=GroupBy.DEPARTMENT if mode == Mode.COLLECTIVE else None)
    me = signed_in(language="en", department_id=departments[0])
    join(app, me.id, challenge_id)
    add_participants(app, challenge_id, 10, departments)
    path = f"/challenges/{challenge_id}"
    client.get(path)  # the first page after sign-in also notes "last seen"
    small = cold_cost(app, client, count_queries, path, [challenge_id])
    warm = cold_cost(app, client, count_queries, path, [])
    add_participants(app, challenge_id, 990, departments)
    large = cold_cost(app, client, count_queries, path, [challenge_id])
    assert small == large
    assert warm < small  # the shared part comes from the cache
    with count_queries() as kept:
        client.get(path)
    # The person's participation (the board and the join panel ask) comes with the challenge.
    assert not any(statement.startswith("SELECT challenge_participations.") for statement in kept.statements)


def test_a_kept_collective_board_names_its_groups_in_the_readers_language_without_a_query(
    app, client, signed_in, challenge, count_queries
):
    team = add_group(app, Department, "Team")
    with app.app_context():
        sales = Department(name="Ventes", name_en="Sales")
        db.session.add(sales)
        db.session.commit()
        sales_id = sales.id
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    me = signed_in(language="en", department_id=team)
    join(app, me.id, challenge_id)
    add_participants(app, challenge_id, 4, [team, sales_id])
    path = f"/challenges/{challenge_id}"
    assert "Sales" in text(client.get(path))
    with count_queries() as kept:
        english = text(client.get(path))
    assert "Sales" in english and "Ventes" not in english
    assert not any(statement.startswith("SELECT departments.") for statement in kept.statements)
    client.post("/language", data={"language": "fr", "csrf_token": csrf_token(client)})
    french = text(client.get(path))
    assert "Ventes" in french and "Sales" not in french


def test_the_list_and_home_cost_the_same_with_2_or_30_challenges(
    app, client, signed_in, challenge, count_queries
):
    team = add_group(app, Department, "Team")
    me = signed_in(language="en", department_id=team)
    ids = []

    def add_challenges(count: int) -> None:
        for n in range(count):
            mode = Mode.COLLECTIVE if n % 2 else Mode.PERSONAL
            challenge_id = challenge(title_en=f"Challenge {len(ids)}", mode=mode, group_by=GroupBy.DEPARTMENT)
            give_scores(app, challenge_id, {me.id: 1 + n}, at=utcnow() - DAY)
            add_participants(app, challenge_id, 3, [team])
            ids.append(challenge_id)

    add_challenges(2)
    client.get("/challenges")
    small, home_small = (cold_cost(app, client, count_queries, path, ids) for path in ["/challenges", "/"])
    add_challenges(28)
    large, home_large = (cold_cost(app, client, count_queries, path, ids) for path in ["/challenges", "/"])
    assert (small, home_small) == (large, home_large)
    with count_queries() as listed:
        client.get("/challenges")
    # Whether the person takes part, and their personae, come with each challenge, not from
    # queries of their own.
    assert not any(
        statement.startswith(("SELECT challenge_participations.", "SELECT quiz_results."))
        for statement in listed.statements
    )
