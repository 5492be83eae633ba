"""Reward cards and the console's rows drawn once per state and reused (``base.drawn``): a card
is the same for every reader who is as far from its cost, in the same language; a row of the
console the same until its redemption or reward changes.

``card_key`` must name everything ``rewards/_reward.html`` reads: the reward's fields, how many
points the reader still misses, their balance when the card asks them to confirm, whether the
card takes the focus back, and the reader's language, zone and mount path. ``pending_key``,
``console_reward_key`` and ``handled_key`` name everything their row of the console shows.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.recognition.services import Balance
from blueprints.rewards.catalogue import KINDS
from blueprints.rewards.models import Redemption, Reward

CARD_TEMPLATE = "rewards/_reward.html"


def card_key(reward: Reward, balance: Balance, confirming: int | None, back: int | None) -> tuple:
    asking = reward.id == confirming
    return (
        reward.id,
        reward.kind,
        reward.stock,
        reward.cost,
        reward.title_fr,
        reward.title_en,
        reward.description_fr,
        reward.description_en,
        max(reward.cost - balance.spendable, 0),
        (balance.spendable, balance.lifetime) if asking else None,
        asking,
        reward.id == back,
        *reader_key(),
    )


def reward_card(reward: Reward, balance: Balance, confirming: int | None, back: int | None) -> Markup:
    """The card as ``rewards/_reward.html`` draws it (templates: ``reward_card``)."""
    return part(
        CARD_TEMPLATE,
        card_key(reward, balance, confirming, back),
        reward=reward,
        balance=balance,
        confirming=confirming,
        back=back,
        kinds=KINDS,
    )


PENDING_TEMPLATE = "rewards_console/_pending_row.html"
CONSOLE_REWARD_TEMPLATE = "rewards_console/_reward_row.html"
HANDLED_TEMPLATE = "rewards_console/_handled_row.html"


def titles_of(reward: Reward) -> tuple:
    return reward.title_fr, reward.title_en


def pending_key(redemption: Redemption, page_number: int) -> tuple:
    person = redemption.user
    return (
        redemption.id,
        person.display_name,
        person.email,
        titles_of(redemption.reward),
        redemption.cost,
        redemption.created_at,
        page_number,
        *reader_key(),
    )


def pending_redemption_row(redemption: Redemption, page_number: int) -> Markup:
    """A redemption waiting, as ``rewards_console/_pending_row.html`` draws it on a page of the
    console (templates: ``pending_redemption_row``)."""
    key = pending_key(redemption, page_number)
    return part(PENDING_TEMPLATE, key, redemption=redemption, page_number=page_number)


def console_reward_key(reward: Reward) -> tuple:
    return (
        reward.id,
        reward.active,
        titles_of(reward),
        reward.kind,
        reward.cost,
        reward.stock,
        *reader_key(),
    )


def console_reward_row(reward: Reward) -> Markup:
    """A reward of the console's catalogue (templates: ``console_reward_row``)."""
    return part(CONSOLE_REWARD_TEMPLATE, console_reward_key(reward), reward=reward, kinds=KINDS)


def handled_key(redemption: Redemption) -> tuple:
    return (
        redemption.id,
        redemption.user.display_name,
        titles_of(redemption.reward),
        redemption.cost,
        redemption.handled_at,
        redemption.status,
        *reader_key(),
    )


def handled_redemption_row(redemption: Redemption) -> Markup:
    """A redemption handled lately (templates: ``handled_redemption_row``)."""
    return part(HANDLED_TEMPLATE, handled_key(redemption), redemption=redemption)
