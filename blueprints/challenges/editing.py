"""Comms' actions on challenges: create, edit, cancel; then what the console reads.

Each action is one unit of work: it commits, or rolls everything back and raises
ChallengeError with a message for the person (and the field it is about), so a refused
action leaves nothing changed. None needs an HTTP context.

Once a challenge has started, what decides its scores is frozen: its start, its metric, its
mode and its groups (a change would make past entries mean something else). Its end can still
move, to a moment still to come. Once it is over, only its texts can change. A cancelled
challenge changes no more.

The audience (the rule of ``services.in_audience``): everyone when its lists are empty, else
the people whose department, site or one of whose ambassador profiles is listed.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime

import sqlalchemy as sa

from base.cache import cache
from base.database import begin_locked_transaction, db, locked_row, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.i18n import lazy_number
from base.registry import registry
from blueprints.accounts.models import Department, Site, User
from blueprints.activity.services import record
from blueprints.challenges import verbs
from blueprints.challenges.messages import CANCELLED, titles
from blueprints.challenges.models import (
    Challenge,
    ChallengeEntry,
    ChallengeWinner,
    GroupBy,
    Mode,
    Participation,
    RewardKind,
)
from blueprints.challenges.scoring import board_subject
from blueprints.notifications.services import notify
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.quiz.services import DISTRIBUTION, DISTRIBUTION_KEPT
from blueprints.rewards.models import Reward
from blueprints.rewards.models import RewardKind as CatalogueKind

MAX_TITLE = 120
MAX_DESCRIPTION = 5000
MAX_REWARD_TEXT = 2000
MAX_TARGET = 1_000_000
MAX_WINNERS = 100
MAX_DAILY_CAP = 1000
FINISHED_SHOWN = 20  # the latest finished challenges in the console
CANCELLED_SHOWN = 10
# Texts comms may still correct once a challenge is over.
TEXTS = ("title_fr", "title_en", "description_fr", "description_en", "reward_fr", "reward_en")


class ChallengeError(Exception):
    """A refused action, with a message for the person and the form field it is about."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class ChallengeChanges:
    """What comms set on a challenge (moments in UTC)."""

    title_fr: str | None
    title_en: str | None
    mode: Mode
    metric: str
    starts_at: datetime
    ends_at: datetime
    reward_kind: RewardKind
    description_fr: str = ""
    description_en: str = ""
    target: int | None = None
    group_by: GroupBy | None = None
    reward_fr: str = ""
    reward_en: str = ""
    reward_id: int | None = None
    winners: int = 3
    daily_cap: int | None = None
    audience_departments: list[int] = field(default_factory=list)
    audience_sites: list[int] = field(default_factory=list)
    audience_personae: list[str] = field(default_factory=list)

    def refusal(self) -> ChallengeError | None:
        """Why these values cannot be saved, as far as they tell by themselves, or None."""
        if not (self.title_fr or self.title_en):
            return ChallengeError(_l("Give a title in at least one language."), "title_fr")
        for name, limit in (("title_fr", MAX_TITLE), ("title_en", MAX_TITLE)):
            if len(getattr(self, name) or "") > limit:
                return ChallengeError(_l("A title has at most %(max)s characters.", max=limit), name)
        for name in ("description_fr", "description_en", "reward_fr", "reward_en"):
            limit = MAX_DESCRIPTION if name.startswith("description") else MAX_REWARD_TEXT
            if len(getattr(self, name)) > limit:
                return ChallengeError(_l("This text has at most %(max)s characters.", max=limit), name)
        if self.metric not in registry().metrics:
            return ChallengeError(_l("Choose what the challenge counts."), "metric")
        if self.ends_at <= self.starts_at:
            return ChallengeError(_l("The end must come after the start."), "ends_at")
        if self.target is not None and not 1 <= self.target <= MAX_TARGET:
            return ChallengeError(
                _l("The target is a whole number from 1 to %(max)s, or empty.", max=lazy_number(MAX_TARGET)),
                "target",
            )
        if self.mode == Mode.COLLECTIVE and self.group_by is None:
            return ChallengeError(
                _l("A collective challenge needs its groups: departments or sites."), "group_by"
            )
        if self.mode == Mode.PERSONAL and self.group_by is not None:
            return ChallengeError(_l("A personal challenge has no groups: leave them out."), "group_by")
        if not 1 <= self.winners <= MAX_WINNERS:
            return ChallengeError(
                _l("The number of winners is a whole number from 1 to %(max)s.", max=MAX_WINNERS), "winners"
            )
        if self.daily_cap is not None and not 1 <= self.daily_cap <= MAX_DAILY_CAP:
            return ChallengeError(
                _l(
                    "The daily cap is a whole number from 1 to %(max)s, or empty.",
                    max=lazy_number(MAX_DAILY_CAP),
                ),
                "daily_cap",
            )
        if self.reward_id is not None and self.reward_kind != RewardKind.CONSUMABLE:
            return ChallengeError(
                _l("A reward from the catalogue is for a consumable reward: choose that kind, or none."),
                "reward_id",
            )
        if (
            self.reward_kind == RewardKind.CONSUMABLE
            and self.reward_id is None
            and not (self.reward_fr or self.reward_en)
        ):
            return ChallengeError(
                _l(
                    "Say what the winners receive, in at least one language, or choose a reward from the catalogue."
                ),
                "reward_fr",
            )
        if set(self.audience_personae) - set(PERSONA_KEYS):
            return ChallengeError(_l("Choose ambassador profiles from the list."), "audience_personae")
        return None

    def apply_to(self, challenge: Challenge) -> list[str]:
        """Set the values on the challenge; the names of those that changed. A moment given to
        the minute keeps the stored one when it is the same minute (forms show no seconds)."""
        changed = []
        for item in fields(self):
            name, value = item.name, getattr(self, item.name)
            value = _normalised(name, value)
            if _same(getattr(challenge, name), value):
                continue
            setattr(challenge, name, value)
            changed.append(name)
        return changed


def _same(stored, value) -> bool:
    if isinstance(stored, datetime) and isinstance(value, datetime):
        return _minute(stored) == _minute(value)
    if isinstance(stored, list) and isinstance(value, list):
        return sorted(set(stored)) == sorted(set(value))
    return stored == value


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _check_references(changes: ChallengeChanges, current_reward_id: int | None = None) -> None:
    """The departments, sites and catalogue reward named exist (a reward newly chosen must be on
    offer and consumable; one kept from before may have been retired since)."""
    for ids, model, name in (
        (changes.audience_departments, Department, "audience_departments"),
        (changes.audience_sites, Site, "audience_sites"),
    ):
        wanted = set(ids)
        if wanted and db.session.scalar(
            sa.select(sa.func.count(model.id)).where(model.id.in_(wanted))
        ) != len(wanted):
            raise ChallengeError(_l("Choose from the list: one of these no longer exists."), name)
    if changes.reward_id is not None:
        reward = db.session.get(Reward, changes.reward_id)
        kept = changes.reward_id == current_reward_id
        if reward is None or reward.kind != CatalogueKind.CONSUMABLE or not (reward.active or kept):
            raise ChallengeError(
                _l("Choose a consumable reward on offer in the catalogue, or none."), "reward_id"
            )


def create_challenge(actor: User, changes: ChallengeChanges, now: datetime | None = None) -> Challenge:
    now = now or utcnow()
    refusal = changes.refusal()
    if refusal:
        raise refusal
    if changes.ends_at <= now:
        raise ChallengeError(_l("A new challenge must end in the future."), "ends_at")
    with unit_of_work():
        _check_references(changes)
        challenge = Challenge(created_by_id=actor.id, created_at=now)
        changes.apply_to(challenge)
        db.session.add(challenge)
        db.session.flush()
        record(actor, verbs.CHALLENGE_CREATED, "challenge", challenge.id, titles(challenge), at=now)
    return challenge


@dataclass(frozen=True)
class UpdateOutcome:
    challenge: Challenge
    changed: list[str]  # the names of what changed; empty when nothing did


FROZEN_ONCE_STARTED = {
    "starts_at": _l("The challenge has started: its start can no longer change."),
    "metric": _l("The challenge has started: what it counts can no longer change."),
    "mode": _l("The challenge has started: its mode can no longer change."),
    "group_by": _l("The challenge has started: its groups can no longer change."),
    # The rules the participants joined under: nobody taken out, no cap changed halfway.
    "audience_departments": _l("The challenge has started: its audience can no longer change."),
    "audience_sites": _l("The challenge has started: its audience can no longer change."),
    "audience_personae": _l("The challenge has started: its audience can no longer change."),
    "daily_cap": _l("The challenge has started: its daily cap can no longer change."),
}


def update_challenge(
    actor: User, challenge_id: int, changes: ChallengeChanges, now: datetime | None = None
) -> UpdateOutcome:
    """Save an edit under the challenge's lock (the closing job meanwhile waits)."""
    now = now or utcnow()
    refusal = changes.refusal()
    if refusal:
        raise refusal
    begin_locked_transaction("a challenge edit")
    with unit_of_work():
        challenge = locked_row(Challenge, challenge_id)
        if challenge is None:
            raise ChallengeError(_l("This challenge does not exist."))
        if challenge.cancelled_at is not None:
            raise ChallengeError(_l("This challenge is cancelled: it can no longer change."))
        _refuse_frozen(challenge, changes, now)
        _check_references(changes, challenge.reward_id)
        changed = changes.apply_to(challenge)
        if changed:
            record(
                actor,
                verbs.CHALLENGE_UPDATED,
                "challenge",
                challenge.id,
                {**titles(challenge), "changed": changed},
                at=now,
            )
    return UpdateOutcome(challenge, changed)


def _refuse_frozen(challenge: Challenge, changes: ChallengeChanges, now: datetime) -> None:
    differs = [
        item.name
        for item in fields(changes)
        if not _same(getattr(challenge, item.name), getattr(changes, item.name))
    ]
    if challenge.ends_at <= now:
        beyond_texts = [name for name in differs if name not in TEXTS]
        if beyond_texts:
            raise ChallengeError(
                _l("The challenge is over: only its texts can still change."), beyond_texts[0]
            )
        return
    if challenge.starts_at <= now:
        for name, message in FROZEN_ONCE_STARTED.items():
            if name in differs:
                raise ChallengeError(message, name)
    elif "starts_at" in differs and changes.starts_at < now:
        # What happened before now was never counted live: the board would change only at closing.
        raise ChallengeError(_l("An upcoming challenge cannot start in the past."), "starts_at")
    if "ends_at" in differs and changes.ends_at <= now:
        raise ChallengeError(_l("The end must be in the future."), "ends_at")


def _normalised(name: str, value):
    return sorted(set(value)) if name.startswith("audience_") else value


def cancel_challenge(actor: User, challenge_id: int, now: datetime | None = None) -> int:
    """Cancel a challenge that is not closed and tell the people taking part; how many were told.
    What they did keeps its points; the challenge names no winner."""
    now = now or utcnow()
    begin_locked_transaction("a challenge cancellation")
    with unit_of_work():
        challenge = locked_row(Challenge, challenge_id)
        if challenge is None:
            raise ChallengeError(_l("This challenge does not exist."))
        if challenge.cancelled_at is not None:
            raise ChallengeError(_l("This challenge is already cancelled."))
        if challenge.closed_at is not None:
            raise ChallengeError(
                _l("This challenge is closed and its winners are named: it can no longer be cancelled.")
            )
        challenge.cancelled_at = now
        people = _taking_part(challenge.id)
        link = ("challenges.index", {})  # the cancelled challenge's page is no longer shown
        for person in people:
            notify(person, CANCELLED, titles(challenge), link=link)
        record(
            actor,
            verbs.CHALLENGE_CANCELLED,
            "challenge",
            challenge.id,
            {**titles(challenge), "told": len(people)},
            at=now,
        )
    return len(people)


def _taking_part(challenge_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Participation, Participation.user_id == User.id)
            .where(Participation.challenge_id == challenge_id, Participation.left_at.is_(None))
            .order_by(User.id)
        )
    )


# --- What the console reads ---------------------------------------------------------------


def find_challenge(challenge_id: int) -> Challenge | None:
    return db.session.get(Challenge, challenge_id)


def participants_count(challenge_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.challenge_id == challenge_id, Participation.left_at.is_(None)
        )
    )


@dataclass(frozen=True)
class EditorChoices:
    departments: list[Department]
    sites: list[Site]
    rewards: list[Reward]  # consumable rewards on offer, and the challenge's own if retired since


def editor_choices(challenge: Challenge | None = None) -> EditorChoices:
    departments = list(db.session.scalars(sa.select(Department).order_by(Department.name)))
    sites = list(db.session.scalars(sa.select(Site).order_by(Site.name)))
    offered = Reward.active
    if challenge is not None and challenge.reward_id is not None:
        offered = sa.or_(offered, Reward.id == challenge.reward_id)
    rewards = list(
        db.session.scalars(
            sa.select(Reward)
            .where(Reward.kind == CatalogueKind.CONSUMABLE, offered)
            .order_by(Reward.cost, Reward.id)
        )
    )
    return EditorChoices(departments, sites, rewards)


@dataclass
class GroupFigures:
    group_id: int
    name: str
    total: int
    active: int  # members who counted something
    average: float
    progress: float | None  # the total against the target (0..1 and beyond), None without one


@dataclass
class ChallengeFigures:
    challenge: Challenge
    participants: int = 0
    audience: int = 0
    counted: int = 0  # actions that counted something
    total: int = 0  # the sum of what counted
    reached_target: int = 0  # personal mode: participants at or above the target
    winners: int = 0  # people named winners at closing
    groups: list[GroupFigures] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """Participants against the audience (None for an empty audience)."""
        return self.participants / self.audience if self.audience else None


@dataclass
class Overview:
    running: list[ChallengeFigures]
    upcoming: list[ChallengeFigures]
    finished: list[ChallengeFigures]
    cancelled: list[ChallengeFigures]


def console_overview(now: datetime | None = None) -> Overview:
    """Every running and upcoming challenge, the latest finished and cancelled ones, with their
    participation and progress (a fixed number of queries, whatever the number of people)."""
    now = now or utcnow()
    live = Challenge.cancelled_at.is_(None)
    running = _challenges(
        sa.and_(live, Challenge.starts_at <= now, Challenge.ends_at > now), Challenge.ends_at
    )
    upcoming = _challenges(sa.and_(live, Challenge.starts_at > now), Challenge.starts_at)
    finished = _challenges(
        sa.and_(live, Challenge.ends_at <= now), Challenge.ends_at.desc(), limit=FINISHED_SHOWN
    )
    cancelled = _challenges(
        Challenge.cancelled_at.is_not(None), Challenge.cancelled_at.desc(), limit=CANCELLED_SHOWN
    )
    figures = {
        challenge.id: ChallengeFigures(challenge)
        for challenge in [*running, *upcoming, *finished, *cancelled]
    }
    if figures:
        _fill_figures(figures)
    return Overview(*([figures[c.id] for c in group] for group in (running, upcoming, finished, cancelled)))


def _challenges(condition, order, limit: int | None = None) -> list[Challenge]:
    query = sa.select(Challenge).where(condition).order_by(order, Challenge.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def _fill_figures(figures: dict[int, ChallengeFigures]) -> None:
    """Each challenge's counts, kept in the cache under its board (which every entry, join and
    leave makes stale) and its rules; those missing are counted together (five queries)."""
    keys = {
        challenge_id: cache.key(board_subject(challenge_id), _counts_variant(row.challenge))
        for challenge_id, row in figures.items()
    }
    counts = {challenge_id: cache.get(key) for challenge_id, key in keys.items()}
    missing = [challenge_id for challenge_id, found in counts.items() if found is None]
    if missing:
        for challenge_id, counted in _counted(missing).items():
            cache.set(keys[challenge_id], counted)
            counts[challenge_id] = counted
    names = _group_names() if any(found["groups"] for found in counts.values()) else {}
    for challenge_id, found in counts.items():
        _apply_counts(figures[challenge_id], found, names)
    _fill_audiences(figures)


def _counts_variant(challenge: Challenge) -> str:
    """What the counts depend on besides the entries: the rules that decide targets and groups,
    and the closing that names the winners."""
    closed = challenge.closed_at.isoformat() if challenge.closed_at else ""
    return f"console-counts:{challenge.mode}:{challenge.target}:{challenge.group_by}:{closed}"


def _counted(ids: list[int]) -> dict[int, dict]:
    counts = {
        challenge_id: {
            "participants": 0,
            "counted": 0,
            "total": 0,
            "reached_target": 0,
            "winners": 0,
            "groups": [],
        }
        for challenge_id in ids
    }
    for challenge_id, count in db.session.execute(
        sa.select(Participation.challenge_id, sa.func.count(Participation.id))
        .where(Participation.challenge_id.in_(ids), Participation.left_at.is_(None))
        .group_by(Participation.challenge_id)
    ):
        counts[challenge_id]["participants"] = count
    for challenge_id, counted, total in db.session.execute(
        sa.select(
            ChallengeEntry.challenge_id,
            sa.func.count(sa.case((ChallengeEntry.value > 0, ChallengeEntry.id))),
            sa.func.coalesce(sa.func.sum(ChallengeEntry.value), 0),
        )
        .where(ChallengeEntry.challenge_id.in_(ids))
        .group_by(ChallengeEntry.challenge_id)
    ):
        counts[challenge_id].update(counted=counted, total=int(total))
    for challenge_id, count in _reached_target(ids):
        counts[challenge_id]["reached_target"] = count
    for challenge_id, count in db.session.execute(
        sa.select(ChallengeWinner.challenge_id, sa.func.count(ChallengeWinner.id))
        .where(ChallengeWinner.challenge_id.in_(ids), ChallengeWinner.user_id.is_not(None))
        .group_by(ChallengeWinner.challenge_id)
    ):
        counts[challenge_id]["winners"] = count
    for challenge_id, group, total, active in _group_totals(ids):
        counts[challenge_id]["groups"].append([group, int(total or 0), active])
    return counts


def _reached_target(ids: list[int]):
    """(challenge id, participants at or above the target) of the personal challenges with one."""
    scores = (
        sa.select(
            ChallengeEntry.challenge_id.label("challenge_id"),
            sa.func.sum(ChallengeEntry.value).label("score"),
        )
        .where(ChallengeEntry.challenge_id.in_(ids))
        .group_by(ChallengeEntry.challenge_id, ChallengeEntry.user_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(scores.c.challenge_id, sa.func.count())
        .join(Challenge, Challenge.id == scores.c.challenge_id)
        .where(
            Challenge.mode == Mode.PERSONAL, Challenge.target.is_not(None), scores.c.score >= Challenge.target
        )
        .group_by(scores.c.challenge_id)
    ).all()


def _group_totals(ids: list[int]):
    """(challenge id, group id, total, members who counted something) of the collective ones."""
    group_id = sa.case(
        (Challenge.group_by == GroupBy.DEPARTMENT, ChallengeEntry.department_id), else_=ChallengeEntry.site_id
    ).label("group_id")
    return db.session.execute(
        sa.select(
            ChallengeEntry.challenge_id,
            group_id,
            sa.func.sum(ChallengeEntry.value),
            sa.func.count(sa.distinct(ChallengeEntry.user_id)),
        )
        .join(Challenge, Challenge.id == ChallengeEntry.challenge_id)
        .where(ChallengeEntry.challenge_id.in_(ids), Challenge.mode == Mode.COLLECTIVE, group_id.is_not(None))
        .group_by(ChallengeEntry.challenge_id, group_id)
    ).all()


def _group_names() -> dict[GroupBy, dict[int, str]]:
    return {
        GroupBy.DEPARTMENT: {d.id: d.label for d in db.session.scalars(sa.select(Department))},
        GroupBy.SITE: {s.id: s.label for s in db.session.scalars(sa.select(Site))},
    }


def _apply_counts(row: ChallengeFigures, counts: dict, names: dict[GroupBy, dict[int, str]]) -> None:
    row.participants, row.counted, row.total = counts["participants"], counts["counted"], counts["total"]
    row.reached_target, row.winners = counts["reached_target"], counts["winners"]
    challenge = row.challenge
    target = challenge.target
    row.groups = sorted(
        (
            GroupFigures(
                group,
                names[challenge.group_by].get(group, "?"),
                total,
                active,
                total / active if active else 0.0,
                total / target if target else None,
            )
            for group, total, active in counts["groups"]
        ),
        key=lambda g: (-g.average, -g.total, g.name),
    )


Audience = tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]  # departments, sites, profiles


def _fill_audiences(figures: dict[int, ChallengeFigures]) -> None:
    """Each challenge's audience: the active people it is for. Counted once per audience and
    kept with the persona distribution (``quiz.services``): a new quiz result, a person leaving
    or coming back, moving department or site counts it again; a change not announced (new
    accounts) shows within its time to live."""
    audiences = {challenge_id: _audience_of(row.challenge) for challenge_id, row in figures.items()}
    keys = {audience: cache.key(DISTRIBUTION, f"audience:{audience}") for audience in set(audiences.values())}
    counts = {audience: cache.get(key) for audience, key in keys.items()}
    missing = [audience for audience, count in counts.items() if count is None]
    if missing:
        for audience, count in _count_audiences(missing).items():
            cache.set(keys[audience], count, DISTRIBUTION_KEPT)
            counts[audience] = count
    for challenge_id, row in figures.items():
        row.audience = counts[audiences[challenge_id]]


def _audience_of(challenge: Challenge) -> Audience:
    return (
        tuple(sorted(challenge.audience_departments)),
        tuple(sorted(challenge.audience_sites)),
        tuple(sorted(challenge.audience_personae)),
    )


def _count_audiences(audiences: list[Audience]) -> dict[Audience, int]:
    """Active people counted by (department, site), and the people holding the profiles these
    audiences name (two queries, the second one empty when none names a profile)."""
    people = db.session.execute(
        sa.select(User.department_id, User.site_id, sa.func.count(User.id))
        .where(User.active)
        .group_by(User.department_id, User.site_id)
    ).all()
    wanted = {key for audience in audiences for key in audience[2]}
    profiles: dict[int, tuple[int | None, int | None, set[str]]] = {}
    latest = sa.select(sa.func.max(QuizResult.id)).group_by(QuizResult.user_id).scalar_subquery()
    for user_id, department_id, site_id, persona in db.session.execute(
        sa.select(User.id, User.department_id, User.site_id, PersonaScore.persona)
        .join(QuizResult, QuizResult.user_id == User.id)
        .join(PersonaScore, PersonaScore.result_id == QuizResult.id)
        .where(
            User.active,
            QuizResult.id.in_(latest),
            PersonaScore.persona.in_(sorted(wanted)),
            PersonaScore.held,
            sa.or_(PersonaScore.rank == 1, PersonaScore.also_you),
        )
    ):
        profiles.setdefault(user_id, (department_id, site_id, set()))[2].add(persona)
    counts = {}
    for audience in audiences:
        departments, sites, personae = (set(part) for part in audience)
        if not (departments or sites or personae):
            counts[audience] = sum(count for _department, _site, count in people)
            continue

        def listed(department_id, site_id, departments=departments, sites=sites) -> bool:
            return department_id in departments or site_id in sites

        counts[audience] = sum(count for department, site, count in people if listed(department, site)) + sum(
            1
            for department, site, held in profiles.values()
            if not listed(department, site) and held & personae
        )
    return counts
