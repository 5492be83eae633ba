"""The rules of rewards, one function per action: redeem a reward; deliver or cancel a
redemption; create, edit, retire and reactivate a reward. Then what the pages read.

Each action is one unit of work: it commits, or rolls everything back and raises RewardError
with a message for the person, so a refused action leaves nothing changed. None needs an HTTP
context: tests and jobs call them in a plain app context.

Spending runs under locks taken before anything is read: the person's balance row, then the
reward's row (row locks on PostgreSQL, the database's write lock on SQLite). So two
redemptions at the same instant never spend the same points twice, nor the last item twice.
A redemption lowers spendable points only (``redeemed``), never lifetime points; cancelling
it gives the points back, and the item back to the stock.
"""

import math
from dataclasses import dataclass, fields
from functools import lru_cache

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload

from base.database import Reading, begin_locked_transaction, db, locked_row, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.i18n import lazy_ngettext, lazy_number
from base.paging import Page
from blueprints.accounts.models import NAME_ONLY, User
from blueprints.activity.services import record
from blueprints.notifications.services import notify
from blueprints.recognition.fame import celebrate
from blueprints.recognition.models import PointsBalance
from blueprints.recognition.points import locked_balance
from blueprints.rewards import verbs
from blueprints.rewards.catalogue import Localized, localized, reward_title, title_params
from blueprints.rewards.models import Redemption, RedemptionStatus, Reward, RewardKind

MAX_COST = 1_000_000
MAX_STOCK = 100_000
MY_REDEMPTIONS = 20  # the person's latest redemptions on their page
CONSOLE_PENDING = 25  # pending redemptions per page of the console, oldest first
CONSOLE_HANDLED = 20
DELIVERED, CANCELLED = "redemption_delivered", "redemption_cancelled"  # notification kinds
FAME_KIND = "reward"
CATALOGUE_LINK = ("rewards.catalogue", {})


class RewardError(Exception):
    """A refused action, with a message for the person."""


class NotEnoughPoints(RewardError):
    def __init__(self, missing: int, title: str):
        self.missing = missing
        super().__init__(
            lazy_ngettext(
                "You need %(num)s more point for “%(title)s”. Nothing was spent.",
                "You need %(num)s more points for “%(title)s”. Nothing was spent.",
                missing,
                title=title,
            )
        )


class OutOfStock(RewardError):
    def __init__(self, title: str):
        super().__init__(_l("“%(title)s” is out of stock. Nothing was spent.", title=title))


@dataclass
class RewardChanges:
    """What comms set on a reward."""

    kind: RewardKind
    title_fr: str | None
    title_en: str | None
    description_fr: str
    description_en: str
    cost: int
    stock: int | None  # None: no stock (symbolic rewards)

    def refusal(self):
        """Why these values cannot be saved, or None."""
        if not (self.title_fr or self.title_en):
            return _l("Give a title in at least one language.")
        if not 1 <= self.cost <= MAX_COST:
            return _l("The cost is a whole number of points from 1 to %(max)s.", max=lazy_number(MAX_COST))
        if self.kind == RewardKind.CONSUMABLE and self.stock is None:
            return _l("A consumable reward needs a stock.")
        if self.kind == RewardKind.SYMBOLIC and self.stock is not None:
            return _l("A symbolic reward has no stock: leave it empty.")
        if self.stock is not None and not 0 <= self.stock <= MAX_STOCK:
            return _l("The stock is a whole number from 0 to %(max)s.", max=lazy_number(MAX_STOCK))
        return None

    def apply_to(self, reward: Reward) -> None:
        for field in fields(self):
            setattr(reward, field.name, getattr(self, field.name))


# --- The person's actions -------------------------------------------------------


def redeem(user: User, reward_id: int) -> Redemption:
    """Spend the reward's cost from the person's spendable points; for a consumable reward, take
    one from the stock. Refused when the reward is gone, out of stock, or too dear."""
    user_id = user.id
    begin_locked_transaction("a rewards action")
    with unit_of_work():
        balance = locked_balance(user_id)  # first the balance, then the reward: always in this order
        reward = locked_row(Reward, reward_id)
        if reward is None or not reward.active:
            raise RewardError(_l("This reward is no longer offered. Nothing was spent."))
        title = reward_title(reward).text
        if reward.stock is not None and reward.stock < 1:
            raise OutOfStock(title)
        if balance.spendable < reward.cost:
            raise NotEnoughPoints(reward.cost - balance.spendable, title)
        redemption = Redemption(reward_id=reward.id, user_id=user_id, cost=reward.cost)
        db.session.add(redemption)
        balance.redeemed += reward.cost
        if reward.stock is not None:
            reward.stock -= 1
        db.session.flush()
        record(
            user,
            verbs.REWARD_REDEEMED,
            "reward",
            reward.id,
            {"cost": reward.cost, "redemption": redemption.id},
        )
    g.points_changed = True  # the header's counter refreshes (see recognition.routes.announce_points)
    return redemption


# --- Comms' actions on redemptions ------------------------------------------------


def _pending(redemption_id: int) -> Redemption:
    """The redemption, locked, while it waits to be handled (the caller started the locks)."""
    redemption = locked_row(Redemption, redemption_id)
    if redemption is None:
        raise RewardError(_l("This redemption does not exist."))
    if redemption.status != RedemptionStatus.PENDING:
        raise RewardError(_l("This redemption was already handled."))
    return redemption


def deliver(actor: User, redemption_id: int) -> Redemption:
    """Mark a redemption delivered and tell the person; a symbolic reward goes on the wall of fame."""
    actor_id = actor.id
    begin_locked_transaction("a rewards action")
    with unit_of_work():
        redemption = _pending(redemption_id)
        redemption.status = RedemptionStatus.DELIVERED
        redemption.handled_at = utcnow()
        redemption.handled_by_id = actor_id
        reward = redemption.reward
        titles = title_params(reward)
        record(actor, verbs.REDEMPTION_DELIVERED, "redemption", redemption.id, titles)
        notify(redemption.user, DELIVERED, titles, link=CATALOGUE_LINK)
        if reward.kind == RewardKind.SYMBOLIC:
            celebrate(
                FAME_KIND,
                redemption.user_id,
                f"reward:{redemption.id}",
                titles,
                link=CATALOGUE_LINK,
                at=redemption.handled_at,
            )
    return redemption


def cancel(actor: User, redemption_id: int) -> Redemption:
    """Cancel a pending redemption: the person gets the points back (spendable), the stock its
    item back, and the person is told."""
    actor_id = actor.id
    begin_locked_transaction("a rewards action")
    with unit_of_work():
        redemption = _pending(redemption_id)
        # The balances in the order of their ids (the comms person's too: recording the action
        # locks it), then the reward: never the other way round, so no two actions wait on each other.
        for user_id in sorted({actor_id, redemption.user_id}):
            locked_balance(user_id)
        balance = db.session.get(PointsBalance, redemption.user_id)
        reward = locked_row(Reward, redemption.reward_id)
        balance.redeemed -= redemption.cost
        if reward.kind == RewardKind.CONSUMABLE and reward.stock is not None:
            reward.stock += 1
        redemption.status = RedemptionStatus.CANCELLED
        redemption.handled_at = utcnow()
        redemption.handled_by_id = actor_id
        titles = title_params(reward)
        db.session.flush()
        record(
            actor,
            verbs.REDEMPTION_CANCELLED,
            "redemption",
            redemption.id,
            {**titles, "cost": redemption.cost},
        )
        notify(redemption.user, CANCELLED, {**titles, "points": redemption.cost}, link=CATALOGUE_LINK)
    if redemption.user_id == actor_id:
        g.points_changed = True
    return redemption


# --- Comms' actions on the catalogue ---------------------------------------------


def create_reward(actor: User, changes: RewardChanges) -> Reward:
    reason = changes.refusal()
    if reason:
        raise RewardError(reason)
    reward = Reward(active=True)
    changes.apply_to(reward)
    with unit_of_work():
        db.session.add(reward)
        db.session.flush()
        record(actor, verbs.REWARD_CREATED, "reward", reward.id, title_params(reward))
    return reward


def update_reward(actor: User, reward_id: int, changes: RewardChanges) -> Reward:
    """Save an edit under the reward's lock (a redemption taking stock meanwhile waits)."""
    reason = changes.refusal()
    if reason:
        raise RewardError(reason)
    begin_locked_transaction("a rewards action")
    with unit_of_work():
        reward = locked_row(Reward, reward_id)
        if reward is None:
            raise RewardError(_l("This reward does not exist."))
        changes.apply_to(reward)
        record(actor, verbs.REWARD_UPDATED, "reward", reward.id, title_params(reward))
    return reward


def set_active(actor: User, reward_id: int, active: bool) -> Reward:
    """Retire a reward from the catalogue, or offer it again; pending redemptions stay as they are."""
    begin_locked_transaction("a rewards action")
    with unit_of_work():
        reward = locked_row(Reward, reward_id)
        if reward is None:
            raise RewardError(_l("This reward does not exist."))
        if reward.active != active:
            reward.active = active
            verb = verbs.REWARD_REACTIVATED if active else verbs.REWARD_RETIRED
            record(actor, verb, "reward", reward.id, title_params(reward))
    return reward


# --- What pages read ---------------------------------------------------------------


def find_reward(reward_id: int) -> Reward | None:
    return db.session.get(Reward, reward_id)


def find_redemption(redemption_id: int) -> Redemption | None:
    return db.session.get(Redemption, redemption_id)


def catalogue() -> list[Reward]:
    """The rewards on offer, cheapest first."""
    return list(db.session.scalars(sa.select(Reward).where(Reward.active).order_by(Reward.cost, Reward.id)))


def all_rewards() -> list[Reward]:
    """Every reward for the console: those on offer first, cheapest first."""
    return list(db.session.scalars(sa.select(Reward).order_by(Reward.active.desc(), Reward.cost, Reward.id)))


def redemptions_of(user_id: int, limit: int = MY_REDEMPTIONS) -> list[Redemption]:
    """The person's latest redemptions, newest first."""
    return list(
        db.session.scalars(
            sa.select(Redemption)
            .where(Redemption.user_id == user_id)
            .options(joinedload(Redemption.reward))
            .order_by(Redemption.created_at.desc(), Redemption.id.desc())
            .limit(limit)
        )
    )


def pending_redemptions(page: int = 1) -> Page:
    """A page of the redemptions waiting for comms, oldest first (a page past the last is the last)."""
    total = pending_redemptions_count()
    page = min(page, max(math.ceil(total / CONSOLE_PENDING), 1))
    redemptions = db.session.scalars(
        sa.select(Redemption)
        .where(Redemption.status == RedemptionStatus.PENDING)
        .options(joinedload(Redemption.reward), joinedload(Redemption.user).options(*NAME_ONLY))
        .order_by(Redemption.created_at, Redemption.id)
        .limit(CONSOLE_PENDING)
        .offset((page - 1) * CONSOLE_PENDING)
    )
    return Page(list(redemptions), page, total, CONSOLE_PENDING)


def handled_redemptions(limit: int = CONSOLE_HANDLED) -> list[Redemption]:
    """The latest redemptions delivered or cancelled, newest first."""
    return list(
        db.session.scalars(
            sa.select(Redemption)
            .where(Redemption.status != RedemptionStatus.PENDING)
            .options(joinedload(Redemption.reward), joinedload(Redemption.user).options(*NAME_ONLY))
            .order_by(Redemption.handled_at.desc(), Redemption.id.desc())
            .limit(limit)
        )
    )


def pending_redemptions_count() -> int:
    return db.session.scalar(sa.select(pending_redemptions_query()))


def pending_redemptions_query() -> sa.ScalarSelect:
    """How many redemptions wait for delivery (the console menu shows it)."""
    return (
        sa.select(sa.func.count(Redemption.id))
        .where(Redemption.status == RedemptionStatus.PENDING)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class RewardInReach:
    title: Localized
    missing: int  # points still to earn; 0: the person can redeem it now


@lru_cache(maxsize=1)
def _within_reach_statement() -> sa.Select:
    """The reward on offer and in stock to show someone with ``spendable`` points, built once."""
    affordable = Reward.cost <= sa.bindparam("spendable", type_=sa.Integer)
    return (
        sa.select(Reward.title_fr, Reward.title_en, Reward.cost)
        .where(Reward.active, sa.or_(Reward.stock.is_(None), Reward.stock > 0))
        .order_by(
            sa.case((affordable, 0), else_=1),
            sa.case((affordable, -Reward.cost), else_=Reward.cost),
            Reward.id,
        )
        .limit(1)
    )


def _in_reach(rows: list, parameters: dict) -> RewardInReach | None:
    if not rows:
        return None
    title_fr, title_en, cost = rows[0]
    return RewardInReach(localized(title_fr, title_en), max(cost - parameters["spendable"], 0))


# For the home page: among the rewards on offer and in stock, the dearest one a person with
# ``spendable`` points can afford, else the cheapest one they cannot afford yet; None when
# there is none.
WITHIN_REACH = Reading(_within_reach_statement, _in_reach)
