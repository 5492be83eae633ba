"""Leaderboards: one aggregate query each, the shared part cached, the viewer's part apart.

Personal boards use standard competition ranking (1, 2, 2, 4); among equals, who reached the
score first (the earlier last counted action), then the lower id. The top ten of a (challenge,
period, segment) is shared by everyone and cached (Redis when configured) until an entry of the
challenge changes it; the viewer's own row and neighbours are kept for them alone (their id in
the key), so one person's view never reaches another through the cache.

Collective boards sum each group's entries by the group the person belonged to at the time of
the action, and compare groups by the average per active member (members who counted
something), with the raw total beside it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from base.cache import cache
from base.database import db
from blueprints.accounts.models import Department, NamedRow, Site, User
from blueprints.challenges.models import ChallengeEntry, GroupBy, Participation
from blueprints.challenges.scoring import board_subject

TOP = 10
NEIGHBOURS = 2
NEVER = datetime(9999, 1, 1, tzinfo=UTC)  # "reached" of a participant with nothing counted yet


@dataclass(frozen=True)
class Scope:
    """Which part of a challenge a board shows: a period [start, end) and a segment of people
    (their department or site now); None: the whole window, everyone."""

    start: datetime | None = None
    end: datetime | None = None
    segment: GroupBy | None = None
    segment_id: int | None = None

    def key(self) -> str:
        start = self.start.isoformat() if self.start else ""
        return f"{start}:{self.segment or ''}:{self.segment_id or ''}"


@dataclass(frozen=True)
class Standing:
    user_id: int
    score: int
    rank: int
    position: int  # 1, 2, 3… in display order


def _scores(challenge_id: int, scope: Scope):
    """Each participant's score in the scope (0 with nothing counted) and when they reached it."""
    counted = [ChallengeEntry.challenge_id == challenge_id, ChallengeEntry.user_id == Participation.user_id]
    if scope.start is not None:
        counted += [ChallengeEntry.counted_at >= scope.start, ChallengeEntry.counted_at < scope.end]
    query = (
        sa.select(
            Participation.user_id.label("user_id"),
            sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0).label("score"),
            # The score was reached by the latest entry that changed it (a capped one changes nothing).
            sa.func.coalesce(
                sa.func.max(sa.case((ChallengeEntry.value != 0, ChallengeEntry.counted_at))), NEVER
            ).label("reached"),
        )
        .outerjoin(ChallengeEntry, sa.and_(*counted))
        .where(Participation.challenge_id == challenge_id, Participation.left_at.is_(None))
        .group_by(Participation.user_id)
    )
    if scope.segment is not None:
        column = User.department_id if scope.segment == GroupBy.DEPARTMENT else User.site_id
        query = query.join(User, User.id == Participation.user_id).where(column == scope.segment_id)
    return query.subquery()


def _ranked(challenge_id: int, scope: Scope):
    scores = _scores(challenge_id, scope)
    return sa.select(
        scores.c.user_id,
        scores.c.score,
        sa.func.rank().over(order_by=scores.c.score.desc()).label("rank"),
        sa.func.row_number()
        .over(order_by=(scores.c.score.desc(), scores.c.reached, scores.c.user_id))
        .label("position"),
    ).subquery()


def top(challenge_id: int, scope: Scope, size: int = TOP) -> list[Standing]:
    """The board's first rows, shared by every viewer (cached until an entry changes them)."""

    def compute():
        ranked = _ranked(challenge_id, scope)
        rows = db.session.execute(
            sa.select(ranked).where(ranked.c.position <= size).order_by(ranked.c.position)
        )
        return [[row.user_id, int(row.score), row.rank, row.position] for row in rows]

    return [
        Standing(*row)
        for row in cache.remember(board_subject(challenge_id), f"top:{size}:{scope.key()}", compute)
    ]


def around(challenge_id: int, scope: Scope, user_id: int, neighbours: int = NEIGHBOURS) -> list[Standing]:
    """The viewer's row with their neighbours above and below, cached for them alone (their id
    in the key) until an entry changes the board: finding one's place ranks every participant."""

    def compute():
        ranked = _ranked(challenge_id, scope)
        mine = sa.select(ranked.c.position).where(ranked.c.user_id == user_id).scalar_subquery()
        rows = db.session.execute(
            sa.select(ranked)
            .where(ranked.c.position.between(mine - neighbours, mine + neighbours))
            .order_by(ranked.c.position)
        )
        return [[row.user_id, int(row.score), row.rank, row.position] for row in rows]

    variant = f"around:{user_id}:{neighbours}:{scope.key()}"
    return [Standing(*row) for row in cache.remember(board_subject(challenge_id), variant, compute)]


def participants(challenge_id: int) -> int:
    return cache.remember(
        board_subject(challenge_id),
        "participants",
        lambda: db.session.scalar(
            sa.select(sa.func.count(Participation.id)).where(
                Participation.challenge_id == challenge_id, Participation.left_at.is_(None)
            )
        ),
    )


@dataclass(frozen=True)
class GroupStanding:
    group_id: int
    total: int
    active: int  # members who counted something for the group
    average: float
    rank: int
    group: NamedRow  # its name in both languages ("?" if the group is gone)


def groups(challenge_id: int, group_by: GroupBy, scope: Scope) -> list[GroupStanding]:
    """Every group that counted something, best average first, with its name (cached like the
    top ten: a new group only appears with a new entry, which renews the board)."""

    rows = cache.remember(
        board_subject(challenge_id),
        f"named-groups:{group_by}:{scope.key()}",  # (renamed when the names joined the totals)
        lambda: _named_totals(challenge_id, group_by, scope),
    )
    standings = sorted(
        (
            (group_id, total, active, total / active if active else 0.0, names)
            for group_id, total, active, *names in rows
        ),
        key=lambda row: (-row[3], -row[1], row[0]),
    )
    ranked, previous, rank = [], None, 0
    for position, (group_id, total, active, average, names) in enumerate(standings, start=1):
        rank = rank if average == previous else position
        previous = average
        ranked.append(GroupStanding(group_id, total, active, average, rank, NamedRow(group_id, *names)))
    return ranked


def _named_totals(challenge_id: int, group_by: GroupBy, scope: Scope) -> list[list]:
    totals = group_totals(challenge_id, group_by, scope)
    names = group_names(group_by, {group_id for group_id, _total, _active in totals})
    return [[group_id, total, active, *_names_of(names.get(group_id))] for group_id, total, active in totals]


def _names_of(group: NamedRow | None) -> tuple[str, str | None]:
    return (group.name, group.name_en) if group is not None else ("?", None)


def group_names(group_by: GroupBy, ids: set[int]) -> dict[int, NamedRow]:
    """The departments or sites of these ids, by name in both languages."""
    ids = ids - {None}
    if not ids:
        return {}
    model = Department if group_by == GroupBy.DEPARTMENT else Site
    rows = db.session.execute(sa.select(model.id, model.name, model.name_en).where(model.id.in_(ids)))
    return {group_id: NamedRow(group_id, name, name_en) for group_id, name, name_en in rows}


def group_totals(challenge_id: int, group_by: GroupBy, scope: Scope) -> list[tuple[int, int, int]]:
    """(group, total, active members) for every group that counted something, by the group each
    person belonged to at the time of each action. Active: a member whose actions still count
    for the group (nothing left after an attendance removed): they neither lower the average
    nor win."""
    column = ChallengeEntry.department_id if group_by == GroupBy.DEPARTMENT else ChallengeEntry.site_id
    members = sa.select(
        column.label("group_id"), ChallengeEntry.user_id, sa.func.sum(ChallengeEntry.value).label("net")
    ).where(ChallengeEntry.challenge_id == challenge_id, column.is_not(None))
    if scope.start is not None:
        members = members.where(
            ChallengeEntry.counted_at >= scope.start, ChallengeEntry.counted_at < scope.end
        )
    members = members.group_by(column, ChallengeEntry.user_id).subquery()
    rows = db.session.execute(
        sa.select(
            members.c.group_id,
            sa.func.sum(members.c.net),
            sa.func.count(sa.case((members.c.net > 0, members.c.user_id))),
        ).group_by(members.c.group_id)
    )
    return [(group_id, int(total), int(active)) for group_id, total, active in rows]


def my_share(challenge_id: int, group_by: GroupBy, group_id: int, user_id: int, scope: Scope) -> int:
    """What the viewer counted for a group (theirs alone: never cached)."""
    column = ChallengeEntry.department_id if group_by == GroupBy.DEPARTMENT else ChallengeEntry.site_id
    query = sa.select(sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0)).where(
        ChallengeEntry.challenge_id == challenge_id, ChallengeEntry.user_id == user_id, column == group_id
    )
    if scope.start is not None:
        query = query.where(ChallengeEntry.counted_at >= scope.start, ChallengeEntry.counted_at < scope.end)
    return db.session.scalar(query)
