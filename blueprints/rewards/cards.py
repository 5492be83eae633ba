"""Reward cards drawn once per state and reused (``base.drawn``): a card is the same for every
reader who is as far from its cost, in the same language.

``card_key`` must name everything ``rewards/_reward.html`` reads: the reward's fields, how many
points the reader still misses, their balance when the card asks them to confirm, whether the
card takes the focus back, and the reader's language, zone and mount path.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.recognition.services import Balance
from blueprints.rewards.catalogue import KINDS
from blueprints.rewards.models import Reward

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
