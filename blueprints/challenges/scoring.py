"""What counts in a challenge, in the transaction of each action.

An action counts for a challenge when the person takes part (joined before the action, not
left), the action falls in the window [start, end), and the challenge's metric counts its verb:
one for a counted verb, minus one for an undo of something counted (an attendance removed),
or the points the action earned for the "points" metric. A daily cap per person records the
actions beyond it with 0, as the ledger does. Each entry makes the challenge's cached boards
stale once the transaction commits.
"""

import sqlalchemy as sa

from base.cache import cache
from base.database import db
from base.registry import DAY, registry
from blueprints.activity.models import Activity
from blueprints.challenges.models import Challenge, ChallengeEntry, Participation
from blueprints.recognition import periods
from blueprints.recognition.models import PointsEntry

CAPPED, UNDO = "capped", "undo"


def board_subject(challenge_id: int) -> str:
    return f"challenge:{challenge_id}"


def metrics_counting(verb: str) -> list[str]:
    """The metrics an action of ``verb`` may change ("points" for any action that earns some)."""
    return [
        key
        for key, metric in registry().metrics.items()
        if metric.points or verb in metric.verbs or verb in metric.undo_verbs
    ]


def on_activity(activity: Activity) -> None:
    """Count the action in the challenges the person takes part in (an activity listener)."""
    metrics = metrics_counting(activity.verb)
    if not metrics:
        return
    for challenge in _running_for(activity, metrics):
        count(challenge, activity)


def _running_for(activity: Activity, metrics: list[str]) -> list[Challenge]:
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .join(Participation, Participation.challenge_id == Challenge.id)
            .where(
                Participation.user_id == activity.user_id,
                Participation.left_at.is_(None),
                Participation.joined_at <= activity.created_at,
                Challenge.metric.in_(metrics),
                Challenge.cancelled_at.is_(None),
                Challenge.starts_at <= activity.created_at,
                Challenge.ends_at > activity.created_at,
            )
        )
    )


def count(challenge: Challenge, activity: Activity) -> ChallengeEntry | None:
    """The challenge's entry for the action (None when it counts nothing or has one already)."""
    if _has_entry(challenge, activity):
        return None
    value, reason = _value(challenge, activity)
    if value is None:
        return None
    entry = ChallengeEntry(
        challenge_id=challenge.id,
        user_id=activity.user_id,
        activity_id=activity.id,
        value=value,
        reason=reason,
        object_type=activity.object_type,
        object_id=activity.object_id,
        counted_at=activity.created_at,
        department_id=activity.department_id,
        site_id=activity.site_id,
    )
    db.session.add(entry)
    cache.bump_after_commit(board_subject(challenge.id))
    return entry


def _has_entry(challenge: Challenge, activity: Activity) -> bool:
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                ChallengeEntry.challenge_id == challenge.id,
                ChallengeEntry.activity_id == activity.id,
                ChallengeEntry.user_id == activity.user_id,
            )
        )
    )


def _value(challenge: Challenge, activity: Activity) -> tuple[int | None, str | None]:
    metric = registry().metrics[challenge.metric]
    if metric.points:
        earned = db.session.scalar(
            sa.select(sa.func.sum(PointsEntry.points)).where(
                PointsEntry.activity_id == activity.id, PointsEntry.user_id == activity.user_id
            )
        )
        value = earned or None
    elif activity.verb in metric.undo_verbs:
        return (-1 if _held(challenge, activity) > 0 else 0), UNDO
    else:
        value = 1
    if value is None:
        return None, None
    if (
        value > 0
        and challenge.daily_cap is not None
        and _counted_today(challenge, activity) >= challenge.daily_cap
    ):
        return 0, CAPPED
    return value, None


def _held(challenge: Challenge, activity: Activity) -> int:
    """What the person still has counted for the action's object (an undo takes one back)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0)).where(
            ChallengeEntry.challenge_id == challenge.id,
            ChallengeEntry.user_id == activity.user_id,
            ChallengeEntry.object_type == activity.object_type,
            ChallengeEntry.object_id == activity.object_id,
        )
    )


def _counted_today(challenge: Challenge, activity: Activity) -> int:
    """The person's actions that counted for the challenge on the action's programme day."""
    start, end = periods.bounds(DAY, activity.created_at)
    return db.session.scalar(
        sa.select(sa.func.count(ChallengeEntry.id)).where(
            ChallengeEntry.challenge_id == challenge.id,
            ChallengeEntry.user_id == activity.user_id,
            ChallengeEntry.value > 0,
            ChallengeEntry.counted_at >= start,
            ChallengeEntry.counted_at < end,
        )
    )


def catch_up(challenge: Challenge) -> int:
    """Count what the log holds for the challenge and nobody counted (closing runs it), in the
    order things happened; idempotent."""
    metric = registry().metrics[challenge.metric]
    verbs = sorted({*metric.verbs, *metric.undo_verbs}) if not metric.points else None
    counted = sa.exists().where(
        ChallengeEntry.challenge_id == challenge.id,
        ChallengeEntry.activity_id == Activity.id,
        ChallengeEntry.user_id == Activity.user_id,
    )
    query = (
        sa.select(Activity)
        .join(Participation, Participation.user_id == Activity.user_id)
        .where(
            Participation.challenge_id == challenge.id,
            Participation.left_at.is_(None),
            Activity.created_at >= Participation.joined_at,
            Activity.created_at >= challenge.starts_at,
            Activity.created_at < challenge.ends_at,
            ~counted,
        )
        .order_by(Activity.created_at, Activity.id)
    )
    if verbs is not None:
        query = query.where(Activity.verb.in_(verbs))
    return sum(count(challenge, activity) is not None for activity in db.session.scalars(query).all())
