"""Challenge scores and boards (SPEC §4.6, §8): what counts (window, joining, caps, undo,
points), ranking 1, 2, 2, 4 with the order among equals, collective fairness and the group at
the time of the action, the cache cleared by every entry, private rows never shared."""

from datetime import UTC, datetime, timedelta

import pytest
import redis
import sqlalchemy as sa

from base.database import db
from base.registry import WEEK
from blueprints.accounts.models import Department, User
from blueprints.activity.services import record
from blueprints.challenges import boards
from blueprints.challenges.models import ChallengeEntry, GroupBy, Mode, Participation
from blueprints.content import verbs as content_verbs
from blueprints.events import verbs as event_verbs
from blueprints.recognition import periods
from tests.conftest import ON_POSTGRES

TEST_REDIS = "redis://127.0.0.1:6379/13"
START = datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # Monday 19 October 2026, 00:00 in Paris (summer time)
END = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)  # Monday 2 November, 00:00 in Paris (winter time)


@pytest.fixture
def challenge(create_challenge):
    """A personal challenge on shares over two weeks that cross the end of summer time."""
    return lambda **fields: create_challenge(**{"starts_at": START, "ends_at": END, **fields})


def join(app, challenge_id: int, user_id: int, at: datetime = START - timedelta(days=1)) -> None:
    with app.app_context():
        db.session.add(Participation(challenge_id=challenge_id, user_id=user_id, joined_at=at))
        db.session.commit()


def act(app, user_id: int, verb: str, object_id: int, at: datetime, object_type: str = "content") -> None:
    with app.app_context():
        record(db.session.get(User, user_id), verb, object_type, object_id, at=at)
        db.session.commit()


def scores(app, challenge_id: int) -> dict[int, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(ChallengeEntry.user_id, sa.func.sum(ChallengeEntry.value))
            .where(ChallengeEntry.challenge_id == challenge_id)
            .group_by(ChallengeEntry.user_id)
        )
        return dict(rows.all())


def standings(app, challenge_id: int, scope=None) -> list[tuple[int, int, int]]:
    with app.app_context():
        return [
            (row.user_id, row.score, row.rank) for row in boards.top(challenge_id, scope or boards.Scope())
        ]


@pytest.fixture
def items(make_item):
    return [make_item(title=f"Item {n}") for n in range(6)]


def test_the_window_is_half_open_in_the_programme_time_zone(app, make_user, challenge, items):
    person = make_user().id
    challenge_id = challenge()
    join(app, challenge_id, person)
    act(
        app, person, content_verbs.CONTENT_SHARED, items[0], START - timedelta(microseconds=1)
    )  # Sunday night
    act(app, person, content_verbs.CONTENT_SHARED, items[1], START)  # Monday 00:00: counts
    act(app, person, content_verbs.CONTENT_SHARED, items[2], END - timedelta(minutes=1))  # Sunday 23:59
    act(app, person, content_verbs.CONTENT_SHARED, items[3], END)  # Monday 00:00 after: too late
    assert scores(app, challenge_id) == {person: 2}


def test_only_what_happens_after_joining_counts(app, make_user, challenge, items):
    person = make_user().id
    challenge_id = challenge()
    act(app, person, content_verbs.CONTENT_SHARED, items[0], START + timedelta(days=1))
    join(app, challenge_id, person, at=START + timedelta(days=2))
    act(app, person, content_verbs.CONTENT_SHARED, items[1], START + timedelta(days=3))
    assert scores(app, challenge_id) == {person: 1}


def test_a_daily_cap_counts_the_extra_actions_with_nothing(app, make_user, challenge, items):
    person = make_user().id
    challenge_id = challenge(daily_cap=2)
    join(app, challenge_id, person)
    monday = START + timedelta(hours=9)
    for n in range(4):
        act(app, person, content_verbs.CONTENT_SHARED, items[n], monday + timedelta(minutes=n))
    act(app, person, content_verbs.CONTENT_SHARED, items[4], monday + timedelta(days=1))
    with app.app_context():
        values = db.session.scalars(
            sa.select(ChallengeEntry.value)
            .where(ChallengeEntry.challenge_id == challenge_id)
            .order_by(ChallengeEntry.id)
        ).all()
    assert values == [1, 1, 0, 0, 1]


def test_removed_attendance_takes_back_what_it_counted(app, make_user, challenge, make_event):
    person = make_user().id
    challenge_id = challenge(metric="attendances")
    join(app, challenge_id, person)
    event = make_event()
    day = START + timedelta(days=2)
    act(app, person, event_verbs.EVENT_ATTENDED, event, day, "event")
    act(app, person, event_verbs.EVENT_ATTENDANCE_REMOVED, event, day + timedelta(hours=1), "event")
    act(app, person, event_verbs.EVENT_ATTENDANCE_REMOVED, event, day + timedelta(hours=2), "event")
    assert scores(app, challenge_id) == {person: 0}


def test_the_points_metric_counts_what_the_ledger_awarded(app, make_user, challenge, items, make_item):
    person = make_user().id
    challenge_id = challenge(metric="points")
    join(app, challenge_id, person)
    act(app, person, content_verbs.CONTENT_SHARED, items[0], START + timedelta(days=1))  # 5 points
    own = make_item(author_id=person)
    act(app, person, content_verbs.CONTENT_SHARED, own, START + timedelta(days=1, hours=1))  # own: 0
    assert scores(app, challenge_id) == {person: 5}


def test_ranks_are_1_2_2_4_and_equals_are_ordered_by_who_got_there_first(app, make_user, challenge, items):
    challenge_id = challenge()
    first, tie_late, tie_early, last = (make_user().id for _ in range(4))
    for person in (first, tie_late, tie_early, last):
        join(app, challenge_id, person)
    day = START + timedelta(days=1)
    for n in range(3):
        act(app, first, content_verbs.CONTENT_SHARED, items[n], day + timedelta(minutes=n))
    for n in range(2):
        act(app, tie_early, content_verbs.CONTENT_SHARED, items[n], day + timedelta(minutes=10 + n))
        act(app, tie_late, content_verbs.CONTENT_SHARED, items[n], day + timedelta(minutes=20 + n))
    act(app, last, content_verbs.CONTENT_SHARED, items[0], day + timedelta(minutes=30))
    assert standings(app, challenge_id) == [(first, 3, 1), (tie_early, 2, 2), (tie_late, 2, 2), (last, 1, 4)]


def test_a_share_changes_the_cached_board_at_once(app, make_user, challenge, items):
    challenge_id = challenge()
    person, other = make_user().id, make_user().id
    join(app, challenge_id, person)
    join(app, challenge_id, other)
    act(app, other, content_verbs.CONTENT_SHARED, items[0], START + timedelta(hours=1))
    assert standings(app, challenge_id)[0] == (other, 1, 1)  # now cached
    for n in (1, 2):
        act(app, person, content_verbs.CONTENT_SHARED, items[n], START + timedelta(hours=1 + n))
    assert standings(app, challenge_id)[0] == (person, 2, 1)


@pytest.mark.postgres_only
def test_the_board_cached_in_redis_is_cleared_by_a_share(make_app, make_user, challenge, items):
    assert ON_POSTGRES
    redis.Redis.from_url(TEST_REDIS).flushdb()  # nothing cached by an earlier run of the suite
    app = make_app(REDIS_URL=TEST_REDIS)
    test_a_share_changes_the_cached_board_at_once(app, make_user, challenge, items)


def test_viewers_rows_are_their_own_and_kept_until_an_entry_changes_the_board(
    app, make_user, challenge, items, count_queries
):
    challenge_id = challenge()
    people = [make_user().id for _ in range(8)]
    for person in people:
        join(app, challenge_id, person)
    for rank, person in enumerate(people):  # person 0 shares most
        for n in range(len(people) - rank):
            act(
                app,
                person,
                content_verbs.CONTENT_SHARED,
                items[n % len(items)],
                START + timedelta(hours=rank, minutes=n),
            )
    with app.app_context():
        mine = [row.user_id for row in boards.around(challenge_id, boards.Scope(), people[5])]
        theirs = [row.user_id for row in boards.around(challenge_id, boards.Scope(), people[1])]
        with count_queries() as again:
            boards.around(challenge_id, boards.Scope(), people[5])
    assert mine == people[3:8] and theirs == people[0:4]  # each viewer's own rows
    assert again.count == 0  # kept for that viewer
    for n in range(3):  # person 7 climbs above person 5
        act(
            app,
            people[7],
            content_verbs.CONTENT_SHARED,
            items[n % len(items)],
            START + timedelta(days=1, minutes=n),
        )
    with app.app_context():
        moved = [row.user_id for row in boards.around(challenge_id, boards.Scope(), people[5])]
    assert moved == [people[4], people[7], people[5], people[6]]  # 4 shares, reached after person 4


def test_a_board_costs_the_same_with_10_or_1000_participants(app, make_user, challenge, items, count_queries):
    challenge_id = challenge()
    viewer = make_user().id
    join(app, challenge_id, viewer)

    def add_participants(count: int) -> None:
        with app.app_context():
            start = db.session.scalar(sa.select(sa.func.max(User.id)))
            db.session.execute(
                sa.insert(User),
                [{"email": f"p{start + n}@example.com", "display_name": f"P {n}"} for n in range(count)],
            )
            ids = db.session.scalars(sa.select(User.id).where(User.id > start)).all()
            db.session.execute(
                sa.insert(Participation),
                [{"challenge_id": challenge_id, "user_id": i, "joined_at": START} for i in ids],
            )
            db.session.commit()

    def cost() -> int:
        with app.app_context(), count_queries() as counter:
            boards.top(challenge_id, boards.Scope(start=START, end=END))
            boards.around(challenge_id, boards.Scope(start=START, end=END), viewer)
            boards.participants(challenge_id)
        return counter.count

    add_participants(10)
    small = cost()
    add_participants(990)
    act(app, viewer, content_verbs.CONTENT_SHARED, items[0], START + timedelta(hours=1))  # the cache is stale
    assert cost() == small


def test_a_collective_board_compares_the_average_per_active_member(app, make_user, challenge, items):
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, target=50)
    with app.app_context():
        small, large = Department(name="Small"), Department(name="Large")
        db.session.add_all([small, large])
        db.session.commit()
        small_id, large_id = small.id, large.id
    few = [make_user(department_id=small_id).id for _ in range(3)]
    many = [make_user(department_id=large_id).id for _ in range(30)]
    for person in few + many:
        join(app, challenge_id, person)
    day = START + timedelta(days=1)
    for person in few:  # 3 people, 2 shares each: 6 in all, 2 per member
        for n in range(2):
            act(app, person, content_verbs.CONTENT_SHARED, items[n], day + timedelta(minutes=n))
    for person in many:  # 30 people, 1 share each: 30 in all, 1 per member
        act(app, person, content_verbs.CONTENT_SHARED, items[0], day)
    with app.app_context():
        board = boards.groups(challenge_id, GroupBy.DEPARTMENT, boards.Scope())
    assert [(row.group_id, row.total, row.active, row.average, row.rank) for row in board] == [
        (small_id, 6, 3, 2.0, 1),
        (large_id, 30, 30, 1.0, 2),
    ]


def test_moving_department_keeps_past_actions_where_they_were_done(app, make_user, challenge, items):
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    with app.app_context():
        before, after = Department(name="Before"), Department(name="After")
        db.session.add_all([before, after])
        db.session.commit()
        before_id, after_id = before.id, after.id
    person = make_user(department_id=before_id).id
    join(app, challenge_id, person)
    act(app, person, content_verbs.CONTENT_SHARED, items[0], START + timedelta(days=1))
    with app.app_context():
        db.session.get(User, person).department_id = after_id
        db.session.commit()
    act(app, person, content_verbs.CONTENT_SHARED, items[1], START + timedelta(days=2))
    with app.app_context():
        board = {
            row.group_id: row.total for row in boards.groups(challenge_id, GroupBy.DEPARTMENT, boards.Scope())
        }
        shares = {
            group: boards.my_share(challenge_id, GroupBy.DEPARTMENT, group, person, boards.Scope())
            for group in (before_id, after_id)
        }
    assert board == {before_id: 1, after_id: 1}
    assert shares == {before_id: 1, after_id: 1}


def test_a_this_week_view_counts_only_the_week(app, make_user, challenge, items):
    challenge_id = challenge()
    person = make_user().id
    join(app, challenge_id, person)
    act(app, person, content_verbs.CONTENT_SHARED, items[0], START + timedelta(days=1))
    second_week = START + timedelta(weeks=1, hours=1)  # the week after the clocks changed
    act(app, person, content_verbs.CONTENT_SHARED, items[1], second_week)
    with app.app_context():
        start, end = periods.bounds(WEEK, second_week)
    assert start == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # Monday 00:00 in winter time
    week = boards.Scope(start=start, end=end)
    assert standings(app, challenge_id, week) == [(person, 1, 1)]
    assert standings(app, challenge_id) == [(person, 2, 1)]


def test_a_capped_action_does_not_move_a_person_behind_their_equals(app, make_user, challenge, items):
    challenge_id = challenge(daily_cap=1)
    capped, other = make_user().id, make_user().id
    join(app, challenge_id, capped)
    join(app, challenge_id, other)
    day = START + timedelta(hours=9)
    act(app, capped, content_verbs.CONTENT_SHARED, items[0], day)
    act(app, other, content_verbs.CONTENT_SHARED, items[0], day + timedelta(minutes=5))
    act(app, capped, content_verbs.CONTENT_SHARED, items[1], day + timedelta(minutes=10))  # capped: 0
    assert standings(app, challenge_id) == [(capped, 1, 1), (other, 1, 1)]


def test_a_member_whose_attendance_was_removed_is_not_an_active_member(app, make_user, challenge, make_event):
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT, metric="attendances")
    with app.app_context():
        team = Department(name="Team")
        db.session.add(team)
        db.session.commit()
        team_id = team.id
    came, removed = make_user(department_id=team_id).id, make_user(department_id=team_id).id
    event = make_event()
    for person in (came, removed):
        join(app, challenge_id, person)
        act(app, person, event_verbs.EVENT_ATTENDED, event, START + timedelta(days=1), "event")
    act(
        app, removed, event_verbs.EVENT_ATTENDANCE_REMOVED, event, START + timedelta(days=1, hours=1), "event"
    )
    with app.app_context():
        [row] = boards.groups(challenge_id, GroupBy.DEPARTMENT, boards.Scope())
    assert (row.total, row.active, row.average) == (1, 1, 1.0)
