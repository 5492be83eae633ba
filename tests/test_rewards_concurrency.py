"""Redemptions at the same instant never overspend points nor the stock.

Each thread is one person's browser: its own app context (its own session and connection),
all let go together by a barrier. The PostgreSQL tests exercise the row locks; the SQLite one
the database's write lock.
"""

import pytest
import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import User
from blueprints.recognition.models import PointsBalance
from blueprints.rewards import services
from blueprints.rewards.models import Redemption, Reward, RewardKind
from tests.conftest import ON_POSTGRES, at_the_same_time

COST = 10


def make_reward(app, stock: int | None) -> int:
    kind = RewardKind.SYMBOLIC if stock is None else RewardKind.CONSUMABLE
    with app.app_context():
        reward = Reward(kind=kind, title_en="Branded mug", cost=COST, stock=stock)
        db.session.add(reward)
        db.session.commit()
        return reward.id


def give_points(app, user_id: int, lifetime: int) -> None:
    with app.app_context():
        db.session.add(PointsBalance(user_id=user_id, lifetime=lifetime, redeemed=0))
        db.session.commit()


def redeem_at_once(app, buyers: list[int], reward_id: int) -> tuple[int, int, list[Exception]]:
    """Each buyer redeems the reward in a thread, all at the same instant: (accepted, refused, errors)."""
    outcomes: list[str] = []

    def redeem(number: int) -> None:
        try:
            services.redeem(db.session.get(User, buyers[number]), reward_id)
        except services.RewardError:
            outcomes.append("refused")
        else:
            outcomes.append("accepted")

    errors = at_the_same_time(app, redeem, len(buyers))
    return outcomes.count("accepted"), outcomes.count("refused"), errors


def balances(app) -> list[tuple[int, int]]:
    """(lifetime, spendable) of every balance."""
    with app.app_context():
        return [(b.lifetime, b.spendable) for b in db.session.scalars(sa.select(PointsBalance))]


def state(app, reward_id: int) -> tuple[int | None, int]:
    """The reward's stock and the number of redemptions saved."""
    with app.app_context():
        stock = db.session.get(Reward, reward_id).stock
        return stock, db.session.scalar(sa.select(sa.func.count(Redemption.id)))


@pytest.mark.postgres_only
@pytest.mark.parametrize("round_", range(3))
def test_twenty_redemptions_at_once_spend_only_the_points_there_are(app, make_user, round_):
    """One person, points for exactly 3, 20 redemptions at the same instant: 3 accepted."""
    assert ON_POSTGRES
    person = make_user().id
    give_points(app, person, 3 * COST + COST - 1)  # 39: three, not four
    reward = make_reward(app, stock=None)
    accepted, refused, errors = redeem_at_once(app, [person] * 20, reward)
    assert errors == []
    assert (accepted, refused) == (3, 17)
    assert balances(app) == [(39, 9)]  # lifetime untouched, spendable never negative
    assert state(app, reward) == (None, 3)


@pytest.mark.postgres_only
@pytest.mark.parametrize("round_", range(3))
def test_twenty_buyers_at_once_never_take_more_than_the_stock(app, make_user, round_):
    """A stock of 2 and 20 people who can all afford it: 2 accepted, the stock at 0."""
    assert ON_POSTGRES
    buyers = [make_user().id for _ in range(20)]
    for buyer in buyers:
        give_points(app, buyer, 100)
    reward = make_reward(app, stock=2)
    accepted, refused, errors = redeem_at_once(app, buyers, reward)
    assert errors == []
    assert (accepted, refused) == (2, 18)
    assert state(app, reward) == (0, 2)
    assert sorted(balances(app)) == [(100, 90)] * 2 + [(100, 100)] * 18


@pytest.mark.sqlite_only
def test_redemptions_at_once_never_overspend_on_sqlite(app, make_user):
    person = make_user().id
    give_points(app, person, 3 * COST)
    buyers = [make_user().id for _ in range(5)]
    for buyer in buyers:
        give_points(app, buyer, 100)
    reward = make_reward(app, stock=None)
    accepted, refused, errors = redeem_at_once(app, [person] * 8, reward)
    assert (errors, accepted, refused) == ([], 3, 5)
    stocked = make_reward(app, stock=2)
    accepted, refused, errors = redeem_at_once(app, buyers, stocked)
    assert (errors, accepted, refused) == ([], 2, 3)
    assert state(app, stocked) == (0, 5)
    assert min(spendable for _, spendable in balances(app)) == 0
