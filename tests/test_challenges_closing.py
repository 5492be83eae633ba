"""Closing challenges and telling people their progress (SPEC §4.6, §8): winners with ties at
the cut-off, collective fairness by the average per active member, closing twice awards once,
late catch-up of what the listener missed, the result told once, a badge per challenge, the
reward delivered (wall of fame or a redemption), progress notices each once, and the job's output."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Department, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.challenges import closing
from blueprints.challenges.models import (
    Challenge,
    ChallengeEntry,
    ChallengeNotice,
    ChallengeWinner,
    GroupBy,
    Mode,
    Participation,
    RewardKind,
)
from blueprints.content import verbs as content_verbs
from blueprints.notifications.models import Notification
from blueprints.recognition.models import BadgeAward, FameEntry
from blueprints.recognition.services import sync
from blueprints.rewards.models import Redemption, Reward
from blueprints.rewards.models import RewardKind as CatalogueKind

NOW = utcnow().replace(microsecond=0)
START, END = NOW - timedelta(days=10), NOW - timedelta(hours=1)  # ended an hour ago
SHARE = content_verbs.CONTENT_SHARED


@pytest.fixture
def challenge(create_challenge):
    """A personal challenge on shares that ended an hour ago."""
    return lambda **fields: create_challenge(
        **{"starts_at": START, "ends_at": END, "title_fr": "Semaine du partage", **fields}
    )


def join(app, challenge_id: int, *user_ids: int, at=START - timedelta(days=1)) -> None:
    with app.app_context():
        for user_id in user_ids:
            db.session.add(Participation(challenge_id=challenge_id, user_id=user_id, joined_at=at))
        db.session.commit()


def shares(app, user_id: int, count: int, at=START + timedelta(days=1)) -> None:
    """``count`` shares of different items, recorded as the site does (the listener counts them)."""
    with app.app_context():
        person = db.session.get(User, user_id)
        for n in range(count):
            record(person, SHARE, "content", 1000 + n, at=at + timedelta(minutes=n))
        db.session.commit()


def close(app, now=NOW):
    with app.app_context():
        return closing.run(now)


def winners(app, challenge_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ChallengeWinner)
            .where(ChallengeWinner.challenge_id == challenge_id)
            .order_by(ChallengeWinner.rank, ChallengeWinner.user_id, ChallengeWinner.group_id)
        )
        return [(row.user_id, row.group_id, row.rank, row.score) for row in rows]


def kinds_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.kind)
                .where(Notification.user_id == user_id, Notification.kind.like("challenge%"))
                .order_by(Notification.id)
            )
        )


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


# --- Winners ---------------------------------------------------------------------------


def test_everyone_tied_at_the_cut_off_wins_and_nobody_wins_with_nothing(app, make_user, challenge):
    first, second, third, fourth, idle = (make_user(language="en").id for _ in range(5))
    challenge_id = challenge(winners=2)
    join(app, challenge_id, first, second, third, fourth, idle)
    for person, number in ((first, 5), (second, 4), (third, 4), (fourth, 3)):
        shares(app, person, number)
    close(app)
    assert winners(app, challenge_id) == [(first, None, 1, 5), (second, None, 2, 4), (third, None, 2, 4)]
    lonely = challenge(winners=3)
    join(app, lonely, idle)
    close(app)
    assert winners(app, lonely) == []  # rank within the winners, but a score of zero wins nothing


def test_people_who_left_neither_win_nor_hear_the_result(app, make_user, challenge):
    leaver, stayer = make_user().id, make_user().id
    challenge_id = challenge(winners=1)
    join(app, challenge_id, leaver, stayer)
    shares(app, leaver, 5)
    shares(app, stayer, 1)
    with app.app_context():
        db.session.execute(
            sa.update(Participation)
            .where(Participation.user_id == leaver)
            .values(left_at=START + timedelta(days=3))
        )
        db.session.commit()
    close(app)
    assert winners(app, challenge_id) == [(stayer, None, 1, 1)]
    assert kinds_of(app, leaver) == []
    assert kinds_of(app, stayer) == ["challenge_won"]


def test_a_small_group_beats_a_large_one_on_the_average_per_active_member(app, make_user, challenge):
    with app.app_context():
        small, large = (
            Department(name="Petite équipe", name_en="Small team"),
            Department(name="Grande équipe"),
        )
        db.session.add_all([small, large])
        db.session.commit()
        small_id, large_id = small.id, large.id
    trio = [make_user(department_id=small_id).id for _ in range(3)]
    crowd = [make_user(department_id=large_id).id for _ in range(30)]
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    join(app, challenge_id, *trio, *crowd)
    for person in trio:
        shares(app, person, 3)  # 9 in all: 3 per active member
    for person in crowd:
        shares(app, person, 2)  # 60 in all: 2 per active member
    close(app)
    rows = winners(app, challenge_id)
    assert (None, small_id, 1, 3.0) in rows
    assert sorted(user_id for user_id, *_ in rows if user_id) == sorted(trio)
    assert all(group_id != large_id for _, group_id, *_ in rows)
    assert count(app, BadgeAward, BadgeAward.badge == "challenge_won") == 3
    with app.app_context():
        [entry] = db.session.scalars(sa.select(FameEntry).where(FameEntry.kind == "challenge_won")).all()
        assert entry.params["group_en"] == "Small team" and entry.params["title_en"] == "Share week"


def test_groups_tied_on_the_average_both_win(app, make_user, challenge):
    with app.app_context():
        one, two = Department(name="One"), Department(name="Two")
        db.session.add_all([one, two])
        db.session.commit()
        one_id, two_id = one.id, two.id
    a, b, c = (
        make_user(department_id=one_id).id,
        make_user(department_id=two_id).id,
        make_user(department_id=two_id).id,
    )
    challenge_id = challenge(mode=Mode.COLLECTIVE, group_by=GroupBy.DEPARTMENT)
    join(app, challenge_id, a, b, c)
    shares(app, a, 4)
    shares(app, b, 2)
    shares(app, c, 6)
    close(app)
    assert {group_id for user_id, group_id, *_ in winners(app, challenge_id) if user_id is None} == {
        one_id,
        two_id,
    }


# --- Idempotence and catching up ---------------------------------------------------------


def test_closing_twice_awards_once(app, make_user, challenge):
    person, other = make_user().id, make_user().id
    challenge_id = challenge(winners=1)
    join(app, challenge_id, person, other)
    shares(app, person, 2)
    first = close(app)
    second = close(app, NOW + timedelta(days=1))
    assert [c.challenge_id for c in first.closed] == [challenge_id] and second.closed == []
    assert winners(app, challenge_id) == [(person, None, 1, 2)]
    assert count(app, BadgeAward, BadgeAward.user_id == person, BadgeAward.badge == "challenge_won") == 1
    assert count(app, Activity, Activity.verb == "challenge_won") == 1
    assert count(app, FameEntry, FameEntry.kind == "challenge_won") == 1
    assert kinds_of(app, person) == ["challenge_won"] and kinds_of(app, other) == ["challenge_result"]
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).closed_at == NOW


def test_closing_counts_what_the_listener_missed_however_late(app, make_user, challenge):
    late, early = make_user().id, make_user().id
    challenge_id = challenge(winners=1)
    join(app, challenge_id, late, early)
    shares(app, early, 2)
    with app.app_context():  # three shares written to the log without the listener (a crash, an import)
        for n in range(3):
            db.session.add(
                Activity(
                    user_id=late,
                    verb=SHARE,
                    object_type="content",
                    object_id=n,
                    created_at=START + timedelta(hours=n),
                )
            )
        db.session.add(Activity(user_id=late, verb=SHARE, object_type="content", object_id=9, created_at=END))
        db.session.commit()
    outcome = close(app, NOW + timedelta(days=40))
    assert outcome.closed[0].caught_up == 3  # the one at the end of the window is outside it
    assert winners(app, challenge_id) == [(late, None, 1, 3)]
    assert count(app, ChallengeEntry, ChallengeEntry.user_id == late) == 3


def test_running_cancelled_and_closed_challenges_are_left_alone(app, make_user, challenge):
    person = make_user().id
    running = challenge(ends_at=NOW + timedelta(days=3))
    cancelled = challenge(cancelled_at=NOW - timedelta(days=2))
    done = challenge(closed_at=NOW - timedelta(minutes=5))
    join(app, running, person)
    join(app, cancelled, person)
    join(app, done, person)
    shares(app, person, 1)
    assert close(app).closed == []
    assert count(app, ChallengeWinner) == 0
    assert kinds_of(app, person) == ["challenge_top_three"]  # the running one's progress, nothing else


# --- Badges and rewards ------------------------------------------------------------------


def test_each_win_is_its_own_badge_and_the_points_sync_adds_none(app, make_user, challenge):
    person = make_user().id
    first, second = challenge(), challenge(title_en="Second week")
    join(app, first, person)
    join(app, second, person)
    shares(app, person, 1)
    close(app)
    with app.app_context():
        periods = db.session.scalars(
            sa.select(BadgeAward.period).where(
                BadgeAward.user_id == person, BadgeAward.badge == "challenge_won"
            )
        ).all()
        assert sorted(periods) == sorted([str(first), str(second)])
        assert sync().badges == 0
        badge_notices = [
            n.params["badge"]
            for n in db.session.scalars(
                sa.select(Notification).where(
                    Notification.user_id == person, Notification.kind == "badge_earned"
                )
            )
        ]
        assert badge_notices.count("challenge_won") == 2


def test_a_consumable_reward_opens_a_redemption_at_no_cost(app, make_user, challenge):
    person = make_user().id
    with app.app_context():
        reward = Reward(kind=CatalogueKind.CONSUMABLE, title_en="Book", cost=60, stock=2)
        db.session.add(reward)
        db.session.commit()
        reward_id = reward.id
    challenge_id = challenge(reward_kind=RewardKind.CONSUMABLE, reward_id=reward_id)
    join(app, challenge_id, person)
    shares(app, person, 1)
    close(app)
    close(app)
    with app.app_context():
        [redemption] = db.session.scalars(sa.select(Redemption)).all()
        assert (redemption.user_id, redemption.reward_id, redemption.cost, redemption.status.value) == (
            person,
            reward_id,
            0,
            "pending",
        )
        assert db.session.get(Reward, reward_id).stock == 1
        assert (
            db.session.scalar(sa.select(sa.func.count(FameEntry.id)).where(FameEntry.kind == "challenge_won"))
            == 0
        )
        [won] = db.session.scalars(sa.select(Notification).where(Notification.kind == "challenge_won")).all()
        assert won.params["delivery"] is True


# --- What people are told ---------------------------------------------------------------------


def test_the_result_is_told_once_in_the_reader_language(app, make_user, challenge):
    from flask_babel import force_locale

    from blueprints.notifications.services import message_text

    winner, other = make_user(language="en").id, make_user(language="en").id
    challenge_id = challenge(winners=1)
    join(app, challenge_id, winner, other)
    shares(app, winner, 2)
    shares(app, other, 1)
    close(app)
    close(app, NOW + timedelta(hours=2))
    assert count(app, ChallengeNotice, ChallengeNotice.kind == "result") == 2
    with app.app_context(), force_locale("en"):
        texts = {
            n.user_id: message_text(n)
            for n in db.session.scalars(sa.select(Notification).where(Notification.kind.like("challenge%")))
        }
        assert texts == {
            winner: "You are among the winners of “Share week”. Congratulations!",
            other: "“Share week” is over and its results are in. Thank you for taking part!",
        }
        fame = db.session.scalars(sa.select(FameEntry).where(FameEntry.kind == "challenge_won")).one()
        assert fame.user_id == winner and fame.params == {
            "title_fr": "Semaine du partage",
            "title_en": "Share week",
        }


RUNNING_START = NOW - timedelta(days=5)


def progress(app, challenge_id, now=NOW) -> int:
    with app.app_context():
        return closing.send_progress(challenge_id, now)


def test_milestones_and_the_top_three_are_told_once_each(app, make_user, challenge):
    people = [make_user(language="en").id for _ in range(5)]
    challenge_id = challenge(starts_at=RUNNING_START, ends_at=NOW + timedelta(days=5), target=4)
    join(app, challenge_id, *people, at=RUNNING_START)
    at = RUNNING_START + timedelta(hours=1)
    for person, number in zip(people, (1, 2, 3, 4, 0), strict=True):
        shares(app, person, number, at=at)
    assert progress(app, challenge_id) == 4 + 3  # four people past a mark, three in the top 3
    assert progress(app, challenge_id) == 0
    with app.app_context():
        notices = set(
            db.session.execute(
                sa.select(ChallengeNotice.user_id, ChallengeNotice.kind).where(
                    ChallengeNotice.challenge_id == challenge_id
                )
            ).all()
        )
        told = {
            (n.user_id, n.kind, n.params.get("percent"), n.params.get("rank"))
            for n in db.session.scalars(sa.select(Notification).where(Notification.kind.like("challenge%")))
        }
    # A jump past several marks tells the highest, and the lower ones are not told later.
    assert (people[3], "challenge_milestone", 100, None) in told
    assert {(people[3], f"target{p}") for p in (25, 50, 75, 100)} <= notices
    assert (people[2], "challenge_milestone", 75, None) in told
    assert (people[0], "challenge_milestone", 25, None) in told
    assert not any(user_id == people[4] for user_id, *_ in told)
    top = {(user_id, rank) for user_id, kind, _, rank in told if kind == "challenge_top_three"}
    assert top == {(people[3], 1), (people[2], 2), (people[1], 3)}
    shares(app, people[0], 1, at=at + timedelta(hours=1))  # now at 2 of 4: 50 %, tied third
    assert progress(app, challenge_id) == 2
    assert kinds_of(app, people[0]) == ["challenge_milestone", "challenge_milestone", "challenge_top_three"]


def test_group_milestones_go_to_the_people_of_that_group(app, make_user, challenge):
    with app.app_context():
        ours, theirs = Department(name="Ours"), Department(name="Theirs")
        db.session.add_all([ours, theirs])
        db.session.commit()
        ours_id, theirs_id = ours.id, theirs.id
    a, b = make_user(department_id=ours_id, language="en").id, make_user(department_id=ours_id).id
    c = make_user(department_id=theirs_id).id
    challenge_id = challenge(
        mode=Mode.COLLECTIVE,
        group_by=GroupBy.DEPARTMENT,
        target=10,
        starts_at=RUNNING_START,
        ends_at=NOW + timedelta(days=5),
    )
    join(app, challenge_id, a, b, c, at=RUNNING_START)
    shares(app, a, 5, at=RUNNING_START + timedelta(hours=1))
    shares(app, c, 1, at=RUNNING_START + timedelta(hours=1))
    assert progress(app, challenge_id) == 2
    assert progress(app, challenge_id) == 0
    assert kinds_of(app, a) == kinds_of(app, b) == ["challenge_group_milestone"]
    assert kinds_of(app, c) == []
    from flask_babel import force_locale

    from blueprints.notifications.services import message_text

    with app.app_context(), force_locale("en"):
        notice = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == a, Notification.kind.like("challenge%"))
        ).one()
        assert message_text(notice) == "Ours is at 50% of the target of “Share week”."


def test_the_last_day_is_told_once_24_hours_before_the_end(app, make_user, challenge):
    person = make_user().id
    end = NOW + timedelta(hours=30)
    challenge_id = challenge(starts_at=RUNNING_START, ends_at=end)
    join(app, challenge_id, person, at=RUNNING_START)
    assert progress(app, challenge_id, end - timedelta(hours=25)) == 0
    assert progress(app, challenge_id, end - timedelta(hours=23)) == 1
    assert progress(app, challenge_id, end - timedelta(hours=2)) == 0
    assert kinds_of(app, person) == ["challenge_last_day"]


def test_the_job_says_what_it_did(app, runner, make_user, challenge):
    person = make_user().id
    challenge_id = challenge(winners=1, title_en="Share week")
    join(app, challenge_id, person)
    shares(app, person, 1)
    result = runner.invoke(args=["challenges", "close"])
    assert result.exit_code == 0, result.output
    assert (
        f"Closed challenge {challenge_id} “Share week”: 1 winner(s), 1 participant(s) told" in result.output
    )
    assert "progress notification(s) sent." in result.output
    again = runner.invoke(args=["challenges", "close"])
    assert "No challenge to close." in again.output
    assert count(app, ChallengeWinner) == 1


def test_two_jobs_closing_at_the_same_instant_award_once(app, make_user, challenge):
    """Two cron runs overlapping (two servers): the challenge's row lock lets one close it, and
    the other finds it closed (row locks on PostgreSQL, the write lock on SQLite)."""
    import threading

    people = [make_user().id for _ in range(3)]
    challenge_id = challenge(winners=2)
    join(app, challenge_id, *people)
    for person, number in zip(people, (3, 2, 1), strict=True):
        shares(app, person, number)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run_job() -> None:
        try:
            with app.app_context():
                barrier.wait()
                outcomes.append(closing.close_challenge(challenge_id, NOW))
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run_job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    assert winners(app, challenge_id) == [(people[0], None, 1, 3), (people[1], None, 2, 2)]
    assert count(app, BadgeAward, BadgeAward.badge == "challenge_won") == 2
    assert count(app, ChallengeNotice, ChallengeNotice.kind == "result") == 3


def test_a_challenge_that_fails_to_close_does_not_stop_the_others(
    app, runner, make_user, challenge, monkeypatch
):
    person = make_user().id
    broken, fine = challenge(title_en="Broken"), challenge(title_en="Fine")
    join(app, broken, person)
    join(app, fine, person)
    shares(app, person, 1)
    real = closing._personal_winners

    def failing(challenge_row):
        if challenge_row.id == broken:
            raise RuntimeError("disk full")
        return real(challenge_row)

    monkeypatch.setattr(closing, "_personal_winners", failing)
    result = runner.invoke(args=["challenges", "close"])
    assert result.exit_code == 0, result.output
    assert f"Closed challenge {fine} “Fine”" in result.output
    assert f"Failed, left for the next run (see the log): challenge(s) {broken}." in result.output
    with app.app_context():
        assert db.session.get(Challenge, broken).closed_at is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count(ChallengeEntry.id)).where(ChallengeEntry.challenge_id == broken)
            )
            == 1
        )
    monkeypatch.setattr(closing, "_personal_winners", real)
    assert f"Closed challenge {broken} “Broken”" in runner.invoke(args=["challenges", "close"]).output
