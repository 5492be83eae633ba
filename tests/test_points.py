"""The points ledger, badges and streaks (SPEC §4.6, §8): derived from the activity log,
idempotent, capped per period in the programme's time zone, nothing for one's own content,
undo as negative entries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.content import verbs as content_verbs
from blueprints.events import verbs as event_verbs
from blueprints.notifications.models import Notification
from blueprints.recognition import periods, points, services
from blueprints.recognition.models import BadgeAward, FameEntry, PointsBalance, PointsEntry, Streak
from blueprints.recognition.nudges import nudge_streaks
from blueprints.recognition.services import RuleChange
from tests.conftest import ON_POSTGRES, at_the_same_time

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Paris


def act(user_id: int, verb: str, object_id: int | None = None, at: datetime = MONDAY, object_type="content"):
    """Record an action as its feature would, and commit it."""
    activity = record(
        db.session.get(User, user_id), verb, object_type if object_id else None, object_id, at=at
    )
    db.session.commit()
    return activity.id


def ledger(user_id: int | None = None) -> list[tuple]:
    query = sa.select(
        PointsEntry.rule, PointsEntry.activity_id, PointsEntry.user_id, PointsEntry.points, PointsEntry.reason
    )
    if user_id:
        query = query.where(PointsEntry.user_id == user_id)
    return sorted(db.session.execute(query.order_by(PointsEntry.id)).all(), key=lambda row: row[1:3])


def lifetime(user_id: int) -> int:
    db.session.expire_all()
    balance = db.session.get(PointsBalance, user_id)
    return balance.lifetime if balance else 0


def ledger_sum(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0)).where(PointsEntry.user_id == user_id)
    )


@pytest.fixture
def person(make_user):
    return make_user(display_name="Amal Ambassador").id


@pytest.fixture
def items(make_item):
    """Items written by someone else (the factory's comms author)."""
    return [make_item(title=f"Item {n}") for n in range(8)]


def test_a_share_earns_its_points_once_and_the_balance_is_the_ledger_sum(app, person, items):
    with app.app_context():
        activity_id = act(person, content_verbs.CONTENT_SHARED, items[0])
        assert ledger(person) == [("content_shared", activity_id, person, 5, None)]
        assert lifetime(person) == 5
        activity = db.session.get(Activity, activity_id)
        assert points.award(activity, points.locked_balance(person)) is None  # the same award again
        db.session.commit()
        assert lifetime(person) == 5 == ledger_sum(person)


def test_the_ledger_refuses_the_same_award_twice(app, person, items):
    with app.app_context():
        activity_id = act(person, content_verbs.CONTENT_SHARED, items[0])
        db.session.add(
            PointsEntry(
                rule="content_shared", activity_id=activity_id, user_id=person, points=5, earned_at=MONDAY
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_shares_beyond_the_daily_cap_are_logged_with_no_points(app, person, items):
    with app.app_context():
        for n in range(7):
            act(person, content_verbs.CONTENT_SHARED, items[n], MONDAY + timedelta(minutes=n))
        next_day = act(person, content_verbs.CONTENT_SHARED, items[7], MONDAY + timedelta(days=1))
        entries = ledger(person)
        assert [entry.points for entry in entries] == [5] * 5 + [0, 0] + [5]
        assert [entry.reason for entry in entries][5:7] == ["capped", "capped"]
        assert entries[-1].activity_id == next_day
        assert lifetime(person) == 30 == ledger_sum(person)


def test_actions_on_ones_own_content_earn_nothing(app, make_user, make_item):
    with app.app_context():
        author = make_user().id
        own = make_item(author_id=author)
        act(author, content_verbs.CONTENT_SHARED, own)
        act(author, content_verbs.CLICK_RECEIVED, own)
        assert [(entry.points, entry.reason) for entry in ledger(author)] == [(0, "own"), (0, "own")]
        assert lifetime(author) == 0


def test_an_undone_action_is_a_negative_entry_never_a_deletion(app, person, make_event):
    with app.app_context():
        event = make_event()
        steps = [
            event_verbs.EVENT_REGISTERED,
            event_verbs.EVENT_REGISTRATION_CANCELLED,
            event_verbs.EVENT_REGISTERED,
            event_verbs.EVENT_ATTENDED,
            event_verbs.EVENT_ATTENDANCE_REMOVED,
            event_verbs.EVENT_ATTENDANCE_REMOVED,  # twice: takes nothing more back
        ]
        for minute, verb in enumerate(steps):
            act(person, verb, event, MONDAY + timedelta(minutes=minute), object_type="event")
        assert [(entry.rule, entry.points) for entry in ledger(person)] == [
            ("event_registered", 2),
            ("event_registration_cancelled", -2),
            ("event_registered", 2),
            ("event_attended", 10),
            ("event_attendance_removed", -10),
            ("event_attendance_removed", 0),
        ]
        assert lifetime(person) == 2 == ledger_sum(person)


def test_unliking_takes_back_only_what_the_like_earned(app, person, items):
    with app.app_context():
        act(person, content_verbs.CONTENT_LIKED, items[0])
        act(person, content_verbs.CONTENT_UNLIKED, items[0], MONDAY + timedelta(minutes=1))
        assert [(entry.points, entry.reason) for entry in ledger(person)] == [(0, None), (0, "undo")]


@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    event_verbs.EVENT_REGISTERED,
                    event_verbs.EVENT_PROMOTED,
                    event_verbs.EVENT_REGISTRATION_CANCELLED,
                    event_verbs.EVENT_ATTENDED,
                    event_verbs.EVENT_ATTENDANCE_REMOVED,
                ]
            ),
            st.integers(0, 1),
        ),
        max_size=12,
    )
)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_sequence_of_actions_and_undos_keeps_the_balance_equal_to_the_ledger(
    app, make_user, make_event, steps
):
    with app.app_context():
        person = make_user().id
        events = [make_event(), make_event()]
        for minute, (verb, which) in enumerate(steps):
            act(person, verb, events[which], MONDAY + timedelta(minutes=minute), object_type="event")
        assert lifetime(person) == ledger_sum(person) >= 0
        assert db.session.scalar(
            sa.select(sa.func.count(PointsEntry.id)).where(PointsEntry.user_id == person)
        ) == len(steps)


def test_replaying_the_whole_log_gives_the_same_ledger(app, make_user, items, make_event):
    with app.app_context():
        people = [make_user().id for _ in range(3)]
        event = make_event()
        for n, person in enumerate(people):
            for day in range(3):
                at = MONDAY + timedelta(days=day, minutes=n)
                for item in items[: 4 + n]:
                    act(person, content_verbs.CONTENT_SHARED, item, at)
                act(person, content_verbs.CLICK_RECEIVED, items[0], at)
            act(person, event_verbs.EVENT_REGISTERED, event, MONDAY, object_type="event")
            act(
                person,
                event_verbs.EVENT_REGISTRATION_CANCELLED,
                event,
                MONDAY + timedelta(hours=1),
                object_type="event",
            )
        first = ledger()
        totals = {person: lifetime(person) for person in people}
        assert services.sync().entries == 0  # nothing missing: a no-op
        assert ledger() == first
        db.session.execute(sa.delete(PointsEntry))
        db.session.execute(sa.update(PointsBalance).values(lifetime=999))
        db.session.commit()
        assert services.sync().entries == len(first)
        assert ledger() == first
        assert {person: lifetime(person) for person in people} == totals
        assert all(totals[person] == ledger_sum(person) for person in people)


def test_a_changed_rule_applies_to_new_actions_only_unless_comms_recompute(app, person, items, make_user):
    with app.app_context():
        comms = db.session.get(User, make_user(Role.COMMS).id)
        act(person, content_verbs.CONTENT_SHARED, items[0])
        services.change_rule(comms, content_verbs.CONTENT_SHARED, RuleChange(points=8, cap=None, period=None))
        act(person, content_verbs.CONTENT_SHARED, items[1], MONDAY + timedelta(minutes=1))
        assert [entry.points for entry in ledger(person)] == [5, 8]
        services.recompute(comms)
        assert [entry.points for entry in ledger(person)] == [8, 8]
        assert lifetime(person) == 16
        audit = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == comms.id)).all()
        assert audit == ["points_rule_changed", "points_recomputed"]


@pytest.mark.parametrize(
    "change", [RuleChange(5, 3, None), RuleChange(5, None, "week"), RuleChange(5, 2, "month")]
)
def test_a_cap_without_its_period_is_refused(app, make_user, change):
    with app.app_context():
        comms = db.session.get(User, make_user(Role.COMMS).id)
        with pytest.raises(services.PointsError):
            services.change_rule(comms, content_verbs.CONTENT_SHARED, change)
        assert points.current_rules()[content_verbs.CONTENT_SHARED].points == 5


# Paris leaves summer time on Sunday 25 October 2026 (03:00 → 02:00) and enters it on 29 March.
def test_periods_follow_the_programme_clock_across_daylight_saving(app):
    with app.app_context():
        sunday = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
        start, end = periods.bounds("day", sunday)
        assert (start, end) == (
            datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
        )
        assert end - start == timedelta(hours=25)
        start, end = periods.bounds("day", datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
        assert end - start == timedelta(hours=23)
        start, end = periods.bounds("week", sunday)
        assert (start, end) == (
            datetime(2026, 10, 18, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
        )
        monday_midnight = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 00:00 in Paris, winter time
        assert periods.week_of(monday_midnight) == date(2026, 10, 26)
        assert periods.week_of(monday_midnight - timedelta(microseconds=1)) == date(2026, 10, 19)


def test_a_weekly_cap_starts_again_at_monday_midnight_after_the_clocks_change(app, person, items, make_user):
    with app.app_context():
        comms = db.session.get(User, make_user(Role.COMMS).id)
        services.change_rule(comms, content_verbs.CLICK_RECEIVED, RuleChange(points=1, cap=2, period="week"))
        sunday_night = datetime(2026, 10, 25, 22, 59, tzinfo=UTC)  # 23:59 on Sunday in Paris
        for n in range(3):
            act(person, content_verbs.CLICK_RECEIVED, items[n], sunday_night - timedelta(hours=n))
        act(person, content_verbs.CLICK_RECEIVED, items[3], datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
        assert [entry.points for entry in ledger(person)] == [1, 1, 0, 1]


def test_milestone_badges_are_earned_once_told_and_celebrated(app, person, items, make_item):
    with app.app_context():
        more = [make_item(title=f"More {n}") for n in range(4)]
        for day, item in enumerate(items + more):
            act(person, content_verbs.CONTENT_SHARED, item, MONDAY + timedelta(days=day))
        held = db.session.execute(
            sa.select(BadgeAward.badge, BadgeAward.period).where(BadgeAward.user_id == person)
        )
        assert sorted(held) == [("first_share", ""), ("shares_10", "")]
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == person)).all()
        assert kinds == ["badge_earned", "badge_earned"]
        assert db.session.scalar(sa.select(sa.func.count(FameEntry.id)).where(FameEntry.kind == "badge")) == 2
        assert services.sync().badges == 0
        db.session.add(BadgeAward(user_id=person, badge="first_share", period="", earned_at=MONDAY))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_the_sync_gives_badges_the_log_calls_for_dated_when_they_were_reached(app, person, items):
    with app.app_context():
        for day in range(2):
            db.session.add(
                Activity(
                    user_id=person,
                    verb=content_verbs.CONTENT_SHARED,
                    object_type="content",
                    object_id=items[day],
                    created_at=MONDAY + timedelta(days=day),
                    payload={},
                )
            )
        db.session.commit()  # written without the listeners, as an old log would be
        outcome = services.sync()
        assert (outcome.entries, outcome.badges) == (2, 1)
        award = db.session.scalar(sa.select(BadgeAward).where(BadgeAward.user_id == person))
        assert (award.badge, award.earned_at) == ("first_share", MONDAY)
        assert lifetime(person) == 10
        assert services.sync() == services.SyncOutcome(0, 0, services.sync().jobs)


def test_weeks_in_a_row_make_a_streak_and_four_earn_its_badge(app, person, items):
    with app.app_context():
        for week in (0, 1, 2):
            act(person, content_verbs.CONTENT_LIKED, items[week], MONDAY + timedelta(weeks=week))
        act(
            person, content_verbs.CLICK_RECEIVED, items[0], MONDAY + timedelta(weeks=3)
        )  # not the person's doing
        streak = db.session.get(Streak, person)
        assert (streak.length, streak.best, streak.last_week) == (3, 3, date(2026, 11, 30))
        assert services.streak_and_badges(person, MONDAY + timedelta(weeks=3))[
            0
        ] == services.streaks.StreakNow(3, 3, True)
        assert services.streak_and_badges(person, MONDAY + timedelta(weeks=4))[0].weeks == 0
        act(person, content_verbs.CONTENT_LIKED, items[3], MONDAY + timedelta(weeks=3, days=6))
        assert "streak_4" in {earned.badge.key for earned in services.streak_and_badges(person, utcnow())[1]}
        act(person, content_verbs.CONTENT_LIKED, items[4], MONDAY + timedelta(weeks=6))  # a gap: starts again
        db.session.expire_all()
        streak = db.session.get(Streak, person)
        assert (streak.length, streak.best) == (1, 4)


def test_the_streak_and_the_badges_are_read_together_in_one_query(app, person, items, count_queries):
    with app.app_context():
        with count_queries() as nothing_yet:
            assert services.streak_and_badges(person, MONDAY) == (services.streaks.StreakNow(0, 0, False), [])
        for week in range(4):
            act(person, content_verbs.CONTENT_LIKED, items[week], MONDAY + timedelta(weeks=week))
        act(person, content_verbs.CONTENT_SHARED, items[4], MONDAY + timedelta(weeks=3, days=1))
        with count_queries() as earned:
            streak, badges = services.streak_and_badges(person, MONDAY + timedelta(weeks=3, days=2))
    assert nothing_yet.count == earned.count == 1
    assert streak == services.streaks.StreakNow(4, 4, False)
    assert [badge.badge.key for badge in badges] == ["first_share", "streak_4"]  # the latest first


def test_an_action_older_than_the_streak_rebuilds_it_from_the_log(app, person, items):
    with app.app_context():
        act(person, content_verbs.CONTENT_LIKED, items[0], MONDAY)
        act(person, content_verbs.CONTENT_LIKED, items[1], MONDAY + timedelta(weeks=2))
        act(person, content_verbs.CONTENT_LIKED, items[2], MONDAY + timedelta(weeks=1))  # late: fills the gap
        db.session.expire_all()
        streak = db.session.get(Streak, person)
        assert (streak.length, streak.best) == (3, 3)


@pytest.mark.postgres_only
def test_twenty_simultaneous_shares_never_pass_the_daily_cap(app, make_user, make_item):
    """20 shares of one person at the same instant, a cap of 5 a day: exactly 5 rewarded."""
    assert ON_POSTGRES
    person = make_user().id
    items = [make_item(title=f"Item {n}") for n in range(20)]

    def share(number: int) -> None:
        record(
            db.session.get(User, person), content_verbs.CONTENT_SHARED, "content", items[number], at=MONDAY
        )
        db.session.commit()

    assert at_the_same_time(app, share, len(items)) == []
    with app.app_context():
        assert sorted(entry.points for entry in ledger(person)) == [0] * 15 + [5] * 5
        assert lifetime(person) == 25 == ledger_sum(person)


def test_a_streak_about_to_end_gets_one_gentle_word_from_thursday(app, person, items, make_user):
    with app.app_context():
        broken = make_user().id
        for week in (0, 1):
            act(person, content_verbs.CONTENT_LIKED, items[week], MONDAY + timedelta(weeks=week))
        act(broken, content_verbs.CONTENT_LIKED, items[2], MONDAY)
        next_monday, next_thursday = MONDAY + timedelta(weeks=2), MONDAY + timedelta(weeks=2, days=3)
        assert nudge_streaks(next_monday) == 0
        assert nudge_streaks(next_thursday) == 1
        db.session.commit()
        assert nudge_streaks(next_thursday + timedelta(days=1)) == 0  # once a week
        notices = db.session.scalars(
            sa.select(Notification).where(Notification.kind == "streak_at_risk")
        ).all()
        assert [(notice.user_id, notice.params) for notice in notices] == [(person, {"weeks": 2})]


def test_undoing_after_spending_shows_no_negative_points_to_spend(app, person, make_event):
    with app.app_context():
        event = make_event()
        act(person, event_verbs.EVENT_REGISTERED, event, MONDAY, object_type="event")
        db.session.get(PointsBalance, person).redeemed = 2
        db.session.commit()
        act(
            person,
            event_verbs.EVENT_REGISTRATION_CANCELLED,
            event,
            MONDAY + timedelta(hours=1),
            object_type="event",
        )
        assert services.balance_of(person) == services.Balance(lifetime=0, spendable=0)
        assert db.session.get(PointsBalance, person).spendable == -2  # a redemption compares with this


def test_undos_redemptions_and_console_work_keep_no_streak_going(app, make_user, make_event):
    with app.app_context():
        comms = db.session.get(User, make_user(Role.COMMS).id)
        event = make_event()
        services.change_rule(comms, content_verbs.CONTENT_SHARED, RuleChange(points=6, cap=None, period=None))
        act(comms.id, event_verbs.EVENT_REGISTRATION_CANCELLED, event, MONDAY, object_type="event")
        assert db.session.get(Streak, comms.id) is None


def test_the_sync_gives_the_streak_badge_a_late_log_calls_for(app, person, items):
    with app.app_context():
        for week in range(4):
            db.session.add(
                Activity(
                    user_id=person,
                    verb=content_verbs.CONTENT_LIKED,
                    object_type="content",
                    object_id=items[week],
                    created_at=MONDAY + timedelta(weeks=week),
                    payload={},
                )
            )
        db.session.commit()
        services.sync()
        assert {earned.badge.key for earned in services.streak_and_badges(person, utcnow())[1]} == {
            "streak_4"
        }


def test_recomputing_rewrites_every_balance_from_the_new_table(app, person, items, make_user):
    with app.app_context():
        comms = db.session.get(User, make_user(Role.COMMS).id)
        for n in range(3):
            act(person, content_verbs.CONTENT_SHARED, items[n], MONDAY + timedelta(minutes=n))
        services.change_rule(comms, content_verbs.CONTENT_SHARED, RuleChange(points=1, cap=None, period=None))
        outcome = services.recompute(comms)
        assert outcome.entries == len(ledger())
        assert lifetime(person) == 3 == ledger_sum(person)
