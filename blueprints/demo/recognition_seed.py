"""The demo's recognition, through the features' own services so every rule holds: rewards,
declared contributions (some waiting for the comms team), kudos, then the ledger replayed from
the whole history in the order things happened, then a few redemptions."""

from datetime import date, datetime, timedelta

from blueprints.accounts.models import User
from blueprints.contributions import services as contributions
from blueprints.demo.data_files import load
from blueprints.kudos import services as kudos
from blueprints.recognition.services import balance_of, rebuild_ledger
from blueprints.rewards import services as rewards
from blueprints.rewards.models import RewardKind

RECOGNITION = load("recognition.toml")
REVIEWER = 1  # comms@example.com


def seed_recognition(people: list[User], now: datetime) -> None:
    comms = people[REVIEWER]
    offer = [_reward(comms, data) for data in RECOGNITION["rewards"]]
    for data in RECOGNITION["contributions"]:
        _contribution(people[data["person"]], comms, data, now)
    for data in RECOGNITION["kudos"]:
        at = now - timedelta(days=data["days"])
        kudos.send(people[data["from"]], people[data["to"]].id, data["message"], now=at)
    rebuild_ledger()
    for data in RECOGNITION["redemptions"]:
        _redeem(comms, offer[data["reward"]], [people[index] for index in data["people"]], data["delivered"])


def _reward(comms: User, data: dict) -> int:
    changes = rewards.RewardChanges(
        kind=RewardKind(data["kind"]),
        title_fr=data["title_fr"],
        title_en=data["title_en"],
        description_fr=data["description_fr"],
        description_en=data["description_en"],
        cost=data["cost"],
        stock=data.get("stock"),
    )
    return rewards.create_reward(comms, changes).id


def _contribution(person: User, comms: User, data: dict, now: datetime) -> None:
    declared = now - timedelta(days=data["days"])
    declaration = contributions.Declaration(
        kind=data["kind"],
        happened_on=_day_before(declared),
        title=data["title"],
        link=data.get("link"),
        description=data["description"],
    )
    contribution = contributions.declare(person, declaration, now=declared)
    reviewed = declared + timedelta(days=1)
    if data["status"] == "validated":
        contributions.validate(comms, contribution.id, featured=data.get("featured", False), now=reviewed)
    elif data["status"] == "declined":
        contributions.decline(comms, contribution.id, data["reason"], now=reviewed)


def _day_before(moment: datetime) -> date:
    return (moment - timedelta(days=1)).date()


def _redeem(comms: User, reward_id: int, candidates: list[User], delivered: int) -> None:
    cost = rewards.find_reward(reward_id).cost
    buyers = [person for person in candidates if balance_of(person.id).spendable >= cost]
    for number, person in enumerate(buyers):
        redemption = rewards.redeem(person, reward_id)
        if number < delivered:
            rewards.deliver(comms, redemption.id)
