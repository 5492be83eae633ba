"""The demo's challenges, through the features' own services so every rule holds: comms create
them, colleagues join before they act, their shares are recorded in the past (the activity
listener counts them as it would have), what the log already held in the windows is counted,
and the finished challenge is closed by the closing job as cron would have run it."""

import random
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from base.database import db, unit_of_work
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.challenges import closing, scoring
from blueprints.challenges import services as challenges
from blueprints.challenges.editing import ChallengeChanges, create_challenge
from blueprints.challenges.messages import RESULT, WON
from blueprints.challenges.models import Challenge, GroupBy, Mode, RewardKind
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import CharterAcceptance, ContentItem, Share
from blueprints.demo.data_files import load
from blueprints.notifications.models import Notification
from blueprints.recognition.periods import local_date, start_of
from blueprints.rewards.models import Reward

CHALLENGES = load("challenges.toml")
REVIEWER = 1  # comms@example.com
NETWORKS = ("linkedin", "linkedin", "x", "facebook")
CLOSED_AFTER = timedelta(hours=1)  # the closing job ran an hour after the end


def seed_challenges(people: list[User], now: datetime) -> None:
    rng = random.Random(2027)
    comms = people[REVIEWER]
    sharers = _charter_accepters(people)
    sharing = _Sharing(rng, now)
    for data in CHALLENGES["challenges"]:
        challenge = _create(comms, data, now)
        racers = _racers(rng, data, people, sharers)
        joined = {person.id: _joined_at(rng, challenge, now) for person in racers}
        for person in racers:
            challenges.join(person, challenge.id, now=joined[person.id])
        with unit_of_work():
            for person, shares in zip(_sharing_racers(racers, sharers), data.get("race", []), strict=False):
                start = max(joined[person.id], challenge.starts_at)
                for moment in _moments(rng, start, min(challenge.ends_at, now), shares):
                    sharing.share(person, moment)
        with unit_of_work():  # what the log held in the window, after joining, counts as well
            scoring.catch_up(db.session.get(Challenge, challenge.id))
        if data.get("close"):
            closing.close_challenge(challenge.id, challenge.ends_at + CLOSED_AFTER)
            _results_told_when_closed(challenge.ends_at + CLOSED_AFTER)
    closing.run(now)  # the progress of the running ones, as the job tells it


def _create(comms: User, data: dict, now: datetime) -> Challenge:
    today = local_date(now)
    starts_at, ends_at = (
        start_of(today + timedelta(days=data["starts"])),
        start_of(today + timedelta(days=data["ends"])),
    )
    reward_id = None
    if data.get("catalogue_reward"):
        reward_id = db.session.scalar(sa.select(Reward.id).where(Reward.title_en == data["catalogue_reward"]))
    changes = ChallengeChanges(
        title_fr=data["title_fr"],
        title_en=data["title_en"],
        description_fr=data["description_fr"],
        description_en=data["description_en"],
        mode=Mode(data["mode"]),
        metric=data["metric"],
        starts_at=starts_at,
        ends_at=ends_at,
        target=data.get("target"),
        group_by=GroupBy(data["group_by"]) if data.get("group_by") else None,
        reward_kind=RewardKind(data["reward_kind"]),
        reward_fr=data["reward_fr"],
        reward_en=data["reward_en"],
        reward_id=reward_id,
        winners=data["winners"],
        daily_cap=data.get("daily_cap"),
    )
    created = min(now, starts_at) - timedelta(days=5)  # announced some days before it started
    return create_challenge(comms, changes, now=created)


def _charter_accepters(people: list[User]) -> list[User]:
    """Colleagues who accepted the charter, so their shares are as the site records them."""
    accepted = set(db.session.scalars(sa.select(CharterAcceptance.user_id)))
    return [person for person in people if person.id in accepted and person.role == Role.EMPLOYEE]


def _racers(rng: random.Random, data: dict, people: list[User], sharers: list[User]) -> list[User]:
    if "people" in data:
        return [people[index] for index in data["people"]]
    return rng.sample(sharers, min(len(data["race"]), len(sharers)))


def _sharing_racers(racers: list[User], sharers: list[User]) -> list[User]:
    allowed = {person.id for person in sharers}
    return [person for person in racers if person.id in allowed]


def _joined_at(rng: random.Random, challenge: Challenge, now: datetime) -> datetime:
    """Some joined before the start, some in its first days; never after now."""
    joined = challenge.starts_at + timedelta(hours=rng.uniform(-48, 72))
    return min(joined, now - timedelta(hours=rng.uniform(1, 12)))


def _moments(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` moments spread over [start, end), a little irregular, in order."""
    if count <= 0 or end <= start:
        return []
    step = (end - start) / count
    return [start + step * (n + rng.uniform(0.1, 0.9)) for n in range(count)]


class _Sharing:
    """Shares of live items with a link, each (person, item, network) once, as the site records them."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        items = db.session.scalars(
            sa.select(ContentItem)
            .where(ContentItem.status == Status.PUBLISHED, ContentItem.url.is_not(None))
            .options(selectinload(ContentItem.share_texts))
            .order_by(ContentItem.id)
        )
        # Plain values: they outlive the commits between challenges.
        self.items = [
            (
                item.id,
                item.publish_at,
                item.expire_at,
                [n for n in dict.fromkeys(NETWORKS) if item.texts_for(n)],
            )
            for item in items
        ]
        self.done = set(db.session.execute(sa.select(Share.user_id, Share.item_id, Share.network)).all())

    def share(self, person: User, at: datetime) -> None:
        choices = [
            (item_id, network)
            for item_id, published, expires, networks in self.items
            if published <= at and (expires is None or expires > at)
            for network in networks
            if (person.id, item_id, network) not in self.done
        ]
        if not choices:
            return
        item_id, network = self.rng.choice(choices)
        self.done.add((person.id, item_id, network))
        share = Share(user_id=person.id, item_id=item_id, network=network, token=secrets.token_urlsafe(12))
        share.created_at = at
        db.session.add(share)
        db.session.flush()
        record(
            person,
            content_verbs.CONTENT_SHARED,
            "content",
            item_id,
            {"network": network, "share": share.id},
            at=at,
        )


def _results_told_when_closed(closed_at: datetime) -> None:
    """The result was told when the job closed the challenge, and read since."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.kind.in_([WON, RESULT]))
        .values(created_at=closed_at, read_at=closed_at + timedelta(days=1))
    )
    db.session.commit()
