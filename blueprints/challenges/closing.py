"""The challenges job (``flask challenges close``, from cron): close the challenges that ended,
and tell the people of running ones where they stand.

Closing is idempotent and catches up however late it runs: each challenge that ended, is not
cancelled and not closed is closed in one transaction under its row's lock, which re-checks
that nobody closed it meanwhile. It first counts what the activity log holds and nobody
counted (``scoring.catch_up``), then names the winners:

- personal mode: everyone whose rank (1, 2, 2, 4) is within the challenge's number of winners,
  with a score above zero (all those tied at the cut-off win);
- collective mode: the group or groups with the best average per active member (a member who
  counted something for the group), so a group of 3 can beat a group of 30; ties win. Their
  members who still take part are the winning people.

Each winning person gets the "challenge won" badge for this challenge (a badge per challenge),
the win in the activity log, and the reward: on the wall of fame for a symbolic one, a
redemption to deliver (at no cost) for a reward of the catalogue. Everyone taking part is told
the result once.

Progress, each told once per (challenge, person, kind): 25, 50, 75 and 100 % of the target (in
personal mode the person's score, in collective mode the group's total, told to the people of
that group; a jump past several marks tells the highest), entering the top 3 (personal), and
24 hours before the end.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

import sqlalchemy as sa

from base.database import begin_locked_transaction, db, locked_row, unit_of_work, utcnow
from base.registry import registry
from blueprints.accounts.models import Department, Site, User
from blueprints.activity.services import record
from blueprints.challenges import boards, messages, scoring, verbs
from blueprints.challenges.messages import titles
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
from blueprints.notifications.services import notify
from blueprints.recognition.badges import award_badge
from blueprints.recognition.fame import celebrate
from blueprints.rewards.models import Redemption, RedemptionStatus, Reward

log = logging.getLogger(__name__)

BADGE = "challenge_won"
FAME_KIND = "challenge_won"
MILESTONES = (25, 50, 75, 100)
TOP = 3
LAST_DAY = timedelta(hours=24)
# What ChallengeNotice records (at most 16 characters).
RESULT, TOP_THREE, LAST_DAY_NOTICE = "result", "top3", "last_day"


def milestone_notice(percent: int) -> str:
    return f"target{percent}"


def challenge_link(challenge_id: int) -> tuple[str, dict]:
    return "challenges.detail", {"challenge_id": challenge_id}


@dataclass
class Closed:
    challenge_id: int
    title: str
    caught_up: int  # entries the listener had missed
    winners: int  # winning people
    groups: list[int] = field(default_factory=list)  # collective mode: the winning groups
    told: int = 0  # people told the result


@dataclass
class JobOutcome:
    closed: list[Closed]
    notices: int  # progress notifications sent to running challenges' participants
    failed: list[int] = field(default_factory=list)  # challenges left for the next run (logged)

    def report(self) -> list[str]:
        """What the job did, a line each (the command prints them)."""
        lines = [
            f"Closed challenge {c.challenge_id} “{c.title}”: {c.winners} winner(s)"
            + (f" in group(s) {', '.join(map(str, c.groups))}" if c.groups else "")
            + f", {c.told} participant(s) told, {c.caught_up} missed entr(y/ies) counted."
            for c in self.closed
        ]
        if not self.closed:
            lines.append("No challenge to close.")
        lines.append(f"{self.notices} progress notification(s) sent.")
        if self.failed:
            lines.append(
                f"Failed, left for the next run (see the log): challenge(s) {', '.join(map(str, self.failed))}."
            )
        return lines


def run(now: datetime | None = None) -> JobOutcome:
    """Close every challenge that ended, then tell the people of running ones their progress.
    A challenge that fails is logged and left for the next run; the others go on."""
    now = now or utcnow()
    outcome = JobOutcome([], 0)
    for challenge_id in due_for_closing(now):
        closed = _attempt(outcome, challenge_id, close_challenge, now)
        if closed:
            outcome.closed.append(closed)
    for challenge_id in running(now):
        outcome.notices += _attempt(outcome, challenge_id, send_progress, now) or 0
    return outcome


def _attempt(outcome: JobOutcome, challenge_id: int, step, now: datetime):
    try:
        return step(challenge_id, now)
    except Exception:  # one challenge's trouble must not stop the others (unit_of_work rolled it back)
        log.exception("Challenge %s: %s failed", challenge_id, step.__name__)
        outcome.failed.append(challenge_id)
        return None


def due_for_closing(now: datetime) -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(Challenge.id)
            .where(Challenge.ends_at <= now, Challenge.cancelled_at.is_(None), Challenge.closed_at.is_(None))
            .order_by(Challenge.ends_at, Challenge.id)
        )
    )
    db.session.rollback()  # end the reads: each closing starts its own locked transaction
    return ids


def running(now: datetime) -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(Challenge.id)
            .where(Challenge.starts_at <= now, Challenge.ends_at > now, Challenge.cancelled_at.is_(None))
            .order_by(Challenge.id)
        )
    )
    db.session.rollback()
    return ids


# --- Closing ------------------------------------------------------------------------------


def close_challenge(challenge_id: int, now: datetime | None = None) -> Closed | None:
    """Close one challenge that ended (None when there is nothing to do: not over yet, cancelled,
    or closed already)."""
    now = now or utcnow()
    begin_locked_transaction("closing a challenge")
    with unit_of_work():
        challenge = locked_row(Challenge, challenge_id)
        if (
            challenge is None
            or challenge.closed_at is not None
            or challenge.cancelled_at is not None
            or challenge.ends_at > now
        ):
            return None
        caught_up = scoring.catch_up(challenge)
        db.session.flush()
        if challenge.mode == Mode.PERSONAL:
            winning = _personal_winners(challenge)
            groups: list[int] = []
        else:
            winning, groups = _collective_winners(challenge)
        people = _people(challenge.id)
        winners = [people[user_id] for user_id in winning if user_id in people]
        for person in winners:
            _reward(challenge, person, winning[person.id], now)
        if challenge.reward_kind == RewardKind.SYMBOLIC and challenge.mode == Mode.COLLECTIVE:
            _celebrate_groups(challenge, {p.id: winning[p.id] for p in winners}, now)
        told = _tell_result(challenge, people, set(winning), now)
        challenge.closed_at = now
        return Closed(challenge.id, _plain_title(challenge), caught_up, len(winners), groups, told)


def _plain_title(challenge: Challenge) -> str:
    return challenge.title_en or challenge.title_fr or ""


def _people(challenge_id: int) -> dict[int, User]:
    """The people taking part (who did not leave), by id."""
    return {
        person.id: person
        for person in db.session.scalars(
            sa.select(User)
            .join(Participation, Participation.user_id == User.id)
            .where(Participation.challenge_id == challenge_id, Participation.left_at.is_(None))
        )
    }


def scores(challenge_id: int) -> dict[int, int]:
    """Each person taking part and their score over the whole window (0 with nothing counted)."""
    return {
        user_id: int(score)
        for user_id, score in db.session.execute(
            sa.select(Participation.user_id, sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0))
            .outerjoin(
                ChallengeEntry,
                sa.and_(
                    ChallengeEntry.challenge_id == Participation.challenge_id,
                    ChallengeEntry.user_id == Participation.user_id,
                ),
            )
            .where(Participation.challenge_id == challenge_id, Participation.left_at.is_(None))
            .group_by(Participation.user_id)
        )
    }


def competition_ranks(by_person: dict[int, int]) -> dict[int, int]:
    """Standard competition ranking (1, 2, 2, 4) of those with a score above zero."""
    ordered = sorted((score for score in by_person.values() if score > 0), reverse=True)
    first_at: dict[int, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_at.setdefault(score, position)
    return {user_id: first_at[score] for user_id, score in by_person.items() if score > 0}


@dataclass(frozen=True)
class Win:
    rank: int
    score: float
    group_id: int | None = None


def _personal_winners(challenge: Challenge) -> dict[int, Win]:
    by_person = scores(challenge.id)
    ranks = competition_ranks(by_person)
    winning = {
        user_id: Win(rank, by_person[user_id]) for user_id, rank in ranks.items() if rank <= challenge.winners
    }
    for user_id, win in sorted(winning.items(), key=lambda item: (item[1].rank, item[0])):
        db.session.add(
            ChallengeWinner(challenge_id=challenge.id, user_id=user_id, rank=win.rank, score=win.score)
        )
    return winning


def _group_column(challenge: Challenge):
    return (
        ChallengeEntry.department_id if challenge.group_by == GroupBy.DEPARTMENT else ChallengeEntry.site_id
    )


def group_totals(challenge: Challenge) -> dict[int, tuple[int, int]]:
    """Each group's total and active members (who counted something for it), by the group each
    person belonged to at the time of each action."""
    totals = boards.group_totals(challenge.id, challenge.group_by, boards.Scope())
    return {group_id: (total, active) for group_id, total, active in totals}


def _collective_winners(challenge: Challenge) -> tuple[dict[int, Win], list[int]]:
    averages = {
        group_id: Fraction(total, active)
        for group_id, (total, active) in group_totals(challenge).items()
        if active and total > 0
    }
    if not averages:
        return {}, []
    best = max(averages.values())
    groups = sorted(group_id for group_id, average in averages.items() if average == best)
    for group_id in groups:
        db.session.add(
            ChallengeWinner(challenge_id=challenge.id, group_id=group_id, rank=1, score=float(best))
        )
    column = _group_column(challenge)
    members = db.session.execute(
        sa.select(ChallengeEntry.user_id, sa.func.min(column))
        .join(
            Participation,
            sa.and_(
                Participation.challenge_id == ChallengeEntry.challenge_id,
                Participation.user_id == ChallengeEntry.user_id,
            ),
        )
        .where(
            ChallengeEntry.challenge_id == challenge.id, column.in_(groups), Participation.left_at.is_(None)
        )
        .group_by(ChallengeEntry.user_id)
        .having(sa.func.sum(ChallengeEntry.value) > 0)  # whose actions still count
        .order_by(ChallengeEntry.user_id)
    ).all()
    winning = {user_id: Win(1, float(best), group_id) for user_id, group_id in members}
    for user_id, win in winning.items():
        # The winning people, beside their group's row: the group's average, not the person's
        # share (that stays theirs alone); the group is in the log's record of the win.
        db.session.add(ChallengeWinner(challenge_id=challenge.id, user_id=user_id, rank=1, score=win.score))
    return winning, groups


def _reward(challenge: Challenge, person: User, win: Win, now: datetime) -> None:
    """The badge of this challenge, the win in the log, and the reward."""
    # The badge first, for this challenge (a badge per challenge): recording the win then finds it held.
    award_badge(person, registry().badges[BADGE], now, period=str(challenge.id))
    payload = {**titles(challenge), "rank": win.rank}
    if win.group_id is not None:
        payload["group"] = win.group_id
    if challenge.reward_kind == RewardKind.CONSUMABLE and challenge.reward_id is not None:
        payload["redemption"] = _redemption(challenge.reward_id, person, now).id
    elif challenge.reward_kind == RewardKind.SYMBOLIC and challenge.mode == Mode.PERSONAL:
        celebrate(
            FAME_KIND,
            person.id,
            f"challenge:{challenge.id}:{person.id}",
            titles(challenge),
            link=challenge_link(challenge.id),
            at=now,
        )
    record(person, verbs.CHALLENGE_WON, "challenge", challenge.id, payload, at=now)


def _redemption(reward_id: int, person: User, now: datetime) -> Redemption:
    """A redemption of the catalogue's reward, at no cost, for comms to deliver; one item
    leaves the stock while some is left."""
    reward = locked_row(Reward, reward_id)
    if reward.stock:
        reward.stock -= 1
    redemption = Redemption(
        reward_id=reward.id, user_id=person.id, cost=0, status=RedemptionStatus.PENDING, created_at=now
    )
    db.session.add(redemption)
    db.session.flush()
    return redemption


def _celebrate_groups(challenge: Challenge, winning: dict[int, Win], now: datetime) -> None:
    """A collective win goes on the wall once per winning group, naming the group, not a person
    (the entry is filed under one of its members, whom its text does not name)."""
    model = Department if challenge.group_by == GroupBy.DEPARTMENT else Site
    filed_under: dict[int, int] = {}
    for user_id, win in sorted(winning.items()):
        filed_under.setdefault(win.group_id, user_id)
    for group_id, user_id in sorted(filed_under.items()):
        group = db.session.get(model, group_id)
        celebrate(
            FAME_KIND,
            user_id,
            f"challenge:{challenge.id}:group:{group_id}",
            {**titles(challenge), "group_fr": group.name, "group_en": group.name_en or group.name},
            link=challenge_link(challenge.id),
            at=now,
        )


def _tell_result(challenge: Challenge, people: dict[int, User], winning: set[int], now: datetime) -> int:
    """Tell everyone taking part the result, once."""
    told_before = set(
        db.session.scalars(
            sa.select(ChallengeNotice.user_id).where(
                ChallengeNotice.challenge_id == challenge.id, ChallengeNotice.kind == RESULT
            )
        )
    )
    delivery = challenge.reward_kind == RewardKind.CONSUMABLE and challenge.reward_id is not None
    told = 0
    for user_id, person in sorted(people.items()):
        if user_id in told_before:
            continue
        db.session.add(
            ChallengeNotice(challenge_id=challenge.id, user_id=user_id, kind=RESULT, created_at=now)
        )
        if user_id in winning:
            notify(
                person,
                messages.WON,
                {**titles(challenge), "delivery": delivery},
                link=challenge_link(challenge.id),
            )
        else:
            notify(person, messages.RESULT, titles(challenge), link=challenge_link(challenge.id))
        told += 1
    return told


# --- Progress -------------------------------------------------------------------------------


def send_progress(challenge_id: int, now: datetime | None = None) -> int:
    """Tell the people of a running challenge what they reached since the last run; how many
    notifications were sent."""
    now = now or utcnow()
    begin_locked_transaction("challenge progress notices")
    with unit_of_work():
        challenge = locked_row(Challenge, challenge_id)
        if (
            challenge is None
            or challenge.cancelled_at is not None
            or challenge.closed_at is not None
            or not challenge.starts_at <= now < challenge.ends_at
        ):
            return 0
        sent = set(
            db.session.execute(
                sa.select(ChallengeNotice.user_id, ChallengeNotice.kind).where(
                    ChallengeNotice.challenge_id == challenge.id
                )
            ).all()
        )
        due: list[tuple[int, str, dict, list[str]]] = []  # person, notification kind, params, notices
        if challenge.mode == Mode.PERSONAL:
            by_person = scores(challenge.id)
            if challenge.target:
                for user_id, score in by_person.items():
                    due += _milestone(challenge, user_id, score, sent, messages.MILESTONE, {})
            for user_id, rank in competition_ranks(by_person).items():
                if rank <= TOP and (user_id, TOP_THREE) not in sent:
                    due.append(
                        (user_id, messages.TOP_THREE, {**titles(challenge), "rank": rank}, [TOP_THREE])
                    )
        elif challenge.target:
            due += _group_milestones(challenge, sent)
        if now >= challenge.ends_at - LAST_DAY:
            params = {**titles(challenge), "ends_at": challenge.ends_at.isoformat()}
            due += [
                (user_id, messages.LAST_DAY, params, [LAST_DAY_NOTICE])
                for user_id in scores(challenge.id)
                if (user_id, LAST_DAY_NOTICE) not in sent
            ]
        return _send(challenge, due, now)


def _milestone(
    challenge: Challenge, user_id: int, value: int, sent: set, kind: str, extra: dict
) -> list[tuple[int, str, dict, list[str]]]:
    reached = [percent for percent in MILESTONES if value * 100 >= percent * challenge.target]
    new = [percent for percent in reached if (user_id, milestone_notice(percent)) not in sent]
    if not new:
        return []
    params = {**titles(challenge), **extra, "percent": max(new)}
    return [(user_id, kind, params, [milestone_notice(percent) for percent in new])]


def _group_milestones(challenge: Challenge, sent: set) -> list[tuple[int, str, dict, list[str]]]:
    totals = group_totals(challenge)
    if not totals:
        return []
    model = Department if challenge.group_by == GroupBy.DEPARTMENT else Site
    current = User.department_id if challenge.group_by == GroupBy.DEPARTMENT else User.site_id
    names = {
        group.id: {"group_fr": group.name, "group_en": group.name_en or group.name}
        for group in db.session.scalars(sa.select(model).where(model.id.in_(list(totals))))
    }
    due = []
    for user_id, group_id in db.session.execute(
        sa.select(Participation.user_id, current)
        .join(User, User.id == Participation.user_id)
        .where(
            Participation.challenge_id == challenge.id,
            Participation.left_at.is_(None),
            current.in_(list(totals)),
        )
    ):
        total = totals[group_id][0]
        due += _milestone(challenge, user_id, total, sent, messages.GROUP_MILESTONE, names[group_id])
    return due


def _send(challenge: Challenge, due: list[tuple[int, str, dict, list[str]]], now: datetime) -> int:
    if not due:
        return 0
    people = {
        person.id: person
        for person in db.session.scalars(sa.select(User).where(User.id.in_({user_id for user_id, *_ in due})))
    }
    for user_id, kind, params, notices in due:
        for notice in notices:
            db.session.add(
                ChallengeNotice(challenge_id=challenge.id, user_id=user_id, kind=notice, created_at=now)
            )
        notify(people[user_id], kind, params, link=challenge_link(challenge.id))
    return len(due)
