"""The console's challenge cards drawn once per state and reused (``base.drawn``): a card is the
same for every organiser until the challenge's rules, state or figures change.

``card_key`` must name everything ``challenges_console/_challenge_card.html`` shows: the
challenge's fields, its state, its figures and groups, and the reader's language, zone and
mount path.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from base.registry import registry
from blueprints.challenges.editing import ChallengeFigures
from blueprints.challenges.forms import GROUPS
from blueprints.challenges.models import Challenge
from blueprints.rewards.catalogue import localized

CARD_TEMPLATE = "challenges_console/_challenge_card.html"


def challenge_title(challenge: Challenge):
    return localized(challenge.title_fr, challenge.title_en)


def metric_label(key: str):
    metric = registry().metrics.get(key)
    return metric.label if metric else key


def card_key(row: ChallengeFigures, state: str) -> tuple:
    challenge = row.challenge
    return (
        challenge.id,
        challenge.title_fr,
        challenge.title_en,
        challenge.mode,
        challenge.group_by,
        challenge.metric,
        challenge.target,
        challenge.daily_cap,
        challenge.starts_at,
        challenge.ends_at,
        challenge.closed_at,
        state,
        row.participants,
        row.audience,
        row.counted,
        row.total,
        row.reached_target,
        row.winners,
        tuple((group.group_id, group.name, group.total, group.active) for group in row.groups),
        *reader_key(),
    )


def console_challenge_card(row: ChallengeFigures, state: str) -> Markup:
    """A challenge of the console's overview (templates: ``console_challenge_card``)."""
    return part(
        CARD_TEMPLATE,
        card_key(row, state),
        row=row,
        state=state,
        challenge_title=challenge_title,
        metric_label=metric_label,
        groups=GROUPS,
    )
