"""The feed's ranking: one documented function of stored inputs and a moment.

Scores are computed at request time (a stored rank that depends on "now" goes
stale), always for a fixed moment ``as_of``: the cursor of "load more" carries
it, so later pages are ranked exactly as the first one was.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import NamedTuple

# Tuning, kept here with the formula it tunes.
AFFINITY_FLOOR = 0.2  # an item aimed at other personae still scores this share of its value
INTEREST_WEIGHT = 0.5  # a theme that is all the person shares and likes weighs up to 1.5×
ENGAGEMENT_WEIGHT = 0.1  # mild: popularity must not drown personal relevance
ALREADY_SHARED = 0.25  # what is left of the score of an item the person already shared
MAX_SAME_THEME_IN_A_ROW = 2
SECONDS_A_DAY = 86400


class Candidate(NamedTuple):
    """What the ranking needs of an item (a named tuple: hundreds are made for each page)."""

    id: int
    theme: str
    target_personae: tuple[str, ...]
    publish_at: datetime
    pinned: bool


@dataclass(frozen=True)
class Reader:
    """What the ranking needs of the person, as of the ranking's moment."""

    persona_scores: dict[str, float]  # empty: no quiz result
    theme_actions: dict[str, int]  # shares and likes per theme
    shared_item_ids: frozenset[int]


class Ranked(NamedTuple):
    candidate: Candidate
    score: float
    affinity: float
    interest: float
    freshness: float
    shares: int  # by everyone
    already_shared: bool  # by the reader


def affinity(persona_scores: dict[str, float], target_personae: tuple[str, ...]) -> float:
    """0.2 + 0.8 × (person's persona vector · item's target vector) / Σ item vector (SPEC §8).

    The item's vector is 1 for each target persona, so this is the floor plus the
    person's mean score over the targets. Neutral (1) for an untargeted item or a
    person without a quiz result.
    """
    if not target_personae or not persona_scores:
        return 1.0
    mean = sum(persona_scores.get(persona, 0.0) for persona in target_personae) / len(target_personae)
    return AFFINITY_FLOOR + (1 - AFFINITY_FLOOR) * mean


def interest(theme_actions: dict[str, int], theme: str) -> float:
    """1 plus up to 0.5 for the share of the person's shares and likes that went to this theme."""
    total = sum(theme_actions.values())
    return 1.0 + INTEREST_WEIGHT * theme_actions.get(theme, 0) / total if total else 1.0


def freshness(publish_at: datetime, as_of: datetime, half_life_days: float) -> float:
    """2^(−age / half-life); a future-dated item gets no boost beyond 1."""
    return 2 ** (min(publish_at.timestamp() - as_of.timestamp(), 0) / (half_life_days * SECONDS_A_DAY))


def engagement(shares: int) -> float:
    return 1.0 + ENGAGEMENT_WEIGHT * math.log2(1 + shares)


def score_ceiling(reader: Reader, most_shares: int) -> float:
    """The highest score an item of freshness 1 can have for this reader: full affinity (an
    untargeted item has it), the reader's strongest interest, and the shares of the library's
    most shared item (an item's shares as of a moment never exceed its count today)."""
    strongest = max((interest(reader.theme_actions, theme) for theme in reader.theme_actions), default=1.0)
    return 1.0 * strongest * engagement(most_shares)


def runs_longer_than_allowed(ordered: list[Ranked]) -> bool:
    """More items of one theme in a row than the variation allows: it found no other theme to take."""
    themes = [ranked.candidate.theme for ranked in ordered]
    return any(
        len(set(themes[start : start + MAX_SAME_THEME_IN_A_ROW + 1])) == 1
        for start in range(len(themes) - MAX_SAME_THEME_IN_A_ROW)
    )


def rank(
    candidates: list[Candidate],
    reader: Reader,
    share_counts: dict[int, int],
    as_of: datetime,
    half_life_days: float,
) -> Iterator[Ranked]:
    """The feed's order for one person at one moment, lazily (a page needs only its start).

    score = affinity × interest × freshness × engagement × (0.25 if already shared)

    Pinned items come first; then higher score, then newer, then higher id; then
    no more than two items in a row share a theme when another theme can follow.
    """
    # The same formulas, each part computed once per distinct input: many items share a theme,
    # a target list or a share count, and a page ranks hundreds of them. Freshness is worked
    # out on timestamps (as ``freshness`` does), and the sort compares plain tuples: the id
    # makes each one's start unique, so the values after it are never compared.
    affinity_to = cache(partial(affinity, reader.persona_scores))
    interest_in = cache(partial(interest, reader.theme_actions))
    engagement_of = cache(engagement)
    shared_ids, now, half_life = reader.shared_item_ids, as_of.timestamp(), half_life_days * SECONDS_A_DAY
    keyed = []
    for candidate in candidates:
        shared = candidate.id in shared_ids
        shares = share_counts.get(candidate.id, 0)
        published = candidate.publish_at.timestamp()
        liked_by_persona, theme_interest = (
            affinity_to(candidate.target_personae),
            interest_in(candidate.theme),
        )
        fresh = 2 ** (min(published - now, 0) / half_life)
        score = liked_by_persona * theme_interest * fresh * engagement_of(shares)
        if shared:
            score *= ALREADY_SHARED
        keyed.append(
            (not candidate.pinned, -score, -published, -candidate.id,
             candidate, liked_by_persona, theme_interest, fresh, shares, shared)
        )  # fmt: skip
    keyed.sort()
    pinned = next((index for index, entry in enumerate(keyed) if entry[0]), len(keyed))  # first unpinned
    # Only what the page takes is made a ``Ranked`` (it takes its start).
    yield from map(_ranked, keyed[:pinned])
    yield from map(_ranked, vary_themes(keyed[pinned:]))


def _ranked(entry: tuple) -> Ranked:
    return Ranked(entry[4], -entry[1], *entry[5:])


def vary_themes(ordered: list[tuple]) -> Iterator[tuple]:
    """Keep the order, but take the best item of another theme after two of the same in a row
    (``rank``'s entries: each one's candidate fifth)."""
    waiting = list(ordered)
    recent: list[str] = []
    while waiting:
        index = 0
        if len(recent) == MAX_SAME_THEME_IN_A_ROW and len(set(recent)) == 1:
            index = next((i for i, entry in enumerate(waiting) if entry[4].theme != recent[0]), 0)
        chosen = waiting.pop(index)
        recent = [*recent, chosen[4].theme][-MAX_SAME_THEME_IN_A_ROW:]
        yield chosen
