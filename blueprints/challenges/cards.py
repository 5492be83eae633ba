"""Challenge cards drawn once per state and reused (``base.drawn``).

The console's card is the same for every organiser until the challenge's rules, state or
figures change: ``card_key`` must name everything ``challenges_console/_challenge_card.html``
shows (the challenge's fields, its state, its figures and groups). A card of the list for
people is the same until the challenge or the person's standing changes: ``list_card_key``
names everything ``challenges/_card.html`` shows. A challenge's board (``board_key``, for
``challenges/_board.html``) is the same for everyone who sees the same rows. All name the
reader's language, zone and mount path.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from base.registry import registry
from blueprints.challenges.editing import ChallengeFigures
from blueprints.challenges.forms import GROUPS
from blueprints.challenges.models import Challenge
from blueprints.challenges.services import Board, Listed, reward_of, title_of
from blueprints.challenges.services import metric_label as metric_label_of
from blueprints.rewards.catalogue import KINDS as REWARD_KINDS

CARD_TEMPLATE = "challenges_console/_challenge_card.html"
LIST_CARD_TEMPLATE = "challenges/_card.html"
BOARD_TEMPLATE = "challenges/_board.html"


def metric_label(key: str):
    metric = registry().metrics.get(key)
    return metric.label if metric else key


def challenge_fields(challenge: Challenge) -> tuple:
    """What every drawn piece shows of the challenge itself: its names, rules and window."""
    return (
        challenge.id,
        challenge.title_fr,
        challenge.title_en,
        challenge.mode,
        challenge.group_by,
        challenge.metric,
        challenge.target,
        challenge.starts_at,
        challenge.ends_at,
    )


def card_key(row: ChallengeFigures, state: str) -> tuple:
    challenge = row.challenge
    return (
        *challenge_fields(challenge),
        challenge.daily_cap,
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
        challenge_title=title_of,
        metric_label=metric_label,
        groups=GROUPS,
    )


def list_card_key(entry: Listed) -> tuple:
    challenge = entry.challenge
    return (
        *challenge_fields(challenge),
        challenge.reward_kind,
        challenge.reward_fr,
        challenge.reward_en,
        challenge.cancelled_at,
        entry.status,
        entry.taking_part,
        entry.standing,
        *reader_key(),
    )


def challenge_card(entry: Listed) -> Markup:
    """A challenge in the list for people, with the person's standing (templates: ``challenge_card``)."""
    return part(
        LIST_CARD_TEMPLATE,
        list_card_key(entry),
        entry=entry,
        challenge_title=title_of,
        challenge_reward=reward_of,
        metric_label=metric_label_of,
        reward_kinds=REWARD_KINDS,
    )


def board_key(board: Board, focus_board: bool) -> tuple:
    return (
        *challenge_fields(board.challenge),
        board.status,
        board.view,
        board.segment,
        tuple(board.views),
        tuple(board.segments),
        board.period,
        board.participants,
        tuple(board.rows),
        tuple(board.mine),
        board.viewer_score,
        tuple(board.groups),
        board.my_group,
        board.my_group_listed,
        board.my_share,
        tuple(board.winners),
        focus_board,
        *reader_key(),
    )


def challenge_board(board: Board, focus_board: bool = False) -> Markup:
    """A challenge's board as the viewer sees it (templates: ``challenge_board``); by htmx after
    one of its switches, its heading takes the focus (``focus_board``)."""
    return part(
        BOARD_TEMPLATE,
        board_key(board, focus_board),
        board=board,
        focus_board=focus_board,
        metric_label=metric_label_of,
    )
