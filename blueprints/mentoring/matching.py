"""Who may mentor whom, how well they fit, and the optimal pairs of a matching round (SPEC §8).

Pure functions on plain values: the caller loads the people and computes, for each mentee,
the mentors excluded by the manager chain or by a previous pair. Never oneself, never an
excluded pair, never beyond a mentor's free places.

A round expands each mentor into one slot per free place and solves the assignment problem
with SciPy. The weight of an allowed (mentee, slot) cell is ``BIG + score``, with ``BIG``
larger than any total score the round can reach: one more pair always outweighs any gain in
compatibility, so the optimum matches FIRST as many mentees as possible and THEN maximises
their total compatibility. Inputs are sorted by user id first, so the same people give the
same pairs whatever order they come in.
"""

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import linear_sum_assignment

MAX_SCORE = 100


class Refusal(enum.StrEnum):
    """Why a mentor cannot be paired with a mentee."""

    SELF = "self"
    HIERARCHY = "hierarchy"  # in the mentee's manager chain, or the mentee in theirs
    PREVIOUS = "previous"  # they were paired (or asked) before
    NO_TOPIC = "no_topic"
    NO_LANGUAGE = "no_language"
    FULL = "full"  # the mentor has no free place


class Unmatched(enum.StrEnum):
    """Why a mentee is left out of a round."""

    NO_FREE_PLACE = "no_free_place"  # no mentor has a free place at all
    NO_MATCHING_OFFER = "no_matching_offer"  # no mentor with a free place shares a topic and a language
    NOT_ALLOWED = "not_allowed"  # some do, but each is excluded (self, hierarchy, previous pair)
    PLACES_TAKEN = "places_taken"  # allowed mentors exist, but the optimum gave their places to others


@dataclass(frozen=True)
class Mentee:
    user_id: int
    topics: tuple[str, ...]  # topic keys wanted, order irrelevant
    languages: tuple[str, ...]  # language codes, the preferred one first


@dataclass(frozen=True)
class Mentor:
    user_id: int
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    personae: frozenset[str]  # ambassador personae held, possibly none
    capacity: int  # mentees at once
    taken: int  # active pairs + pending proposals

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


@dataclass(frozen=True)
class Fit:
    score: int  # 0..100
    topics: tuple[str, ...]  # shared topics, sorted
    personae: tuple[str, ...]  # mentor personae complementing the wanted topics, sorted
    languages: tuple[str, ...]  # shared languages, in the mentee's order
    free: int  # mentor's free places


@dataclass(frozen=True)
class Pairing:
    mentee_id: int
    mentor_id: int
    fit: Fit


@dataclass(frozen=True)
class Round:
    pairs: tuple[Pairing, ...]  # sorted by mentee_id
    unmatched: tuple[tuple[int, Unmatched], ...]  # (mentee_id, reason), sorted by mentee_id


def shared_topics(mentee: Mentee, mentor: Mentor) -> tuple[str, ...]:
    return tuple(sorted(set(mentee.topics) & set(mentor.topics)))


def shared_languages(mentee: Mentee, mentor: Mentor) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in mentee.languages if code in mentor.languages))


def compatibility(mentee: Mentee, mentor: Mentor, complements: Mapping[str, frozenset[str]]) -> Fit:
    """How well the mentor fits the mentee, 0..100, with no refusal check.

    ``complements`` maps a topic key to the personae that complement it (a "public_speaking"
    mentee is well served by an "expert" or an "agitator"). The score adds up:

    - topics, 50: the share of the wanted topics that the mentor offers;
    - personae, 20: the share of the wanted topics for which the mentor holds a complementary
      persona (whether or not the mentor offers that topic);
    - language, 20 when the mentee's preferred language is shared, 10 when only another is;
    - room, 10: the mentor's free places over their capacity.

    Computed exactly, rounded half up and clamped to 0..100 (a negative ``taken`` would
    otherwise push the room part past 10).
    """
    wanted = set(mentee.topics)
    topics = shared_topics(mentee, mentor)
    served = [topic for topic in wanted if complements.get(topic, frozenset()) & mentor.personae]
    complementary = set().union(*(complements.get(topic, frozenset()) for topic in wanted))
    languages = shared_languages(mentee, mentor)

    total = Fraction(0)
    if wanted:
        total += Fraction(50 * len(topics), len(wanted)) + Fraction(20 * len(served), len(wanted))
    if languages:  # in the mentee's order, so the first is their preferred one when shared
        total += 20 if languages[0] == mentee.languages[0] else 10
    if mentor.capacity > 0:
        total += Fraction(10 * mentor.free, mentor.capacity)
    score = min(max(math.floor(total + Fraction(1, 2)), 0), MAX_SCORE)
    return Fit(score, topics, tuple(sorted(complementary & mentor.personae)), languages, mentor.free)


def assess(
    mentee: Mentee,
    mentor: Mentor,
    excluded: Mapping[int, Refusal],
    complements: Mapping[str, frozenset[str]],
) -> Fit | Refusal:
    """The fit of an allowed pair, or the first refusal that applies.

    ``excluded`` maps a mentor's user id to HIERARCHY or PREVIOUS for this mentee. Checks in
    order: self, excluded, full, no language, no topic.
    """
    if mentor.user_id == mentee.user_id:
        return Refusal.SELF
    if mentor.user_id in excluded:
        return Refusal(excluded[mentor.user_id])
    if mentor.free == 0:
        return Refusal.FULL
    if not shared_languages(mentee, mentor):
        return Refusal.NO_LANGUAGE
    if not shared_topics(mentee, mentor):
        return Refusal.NO_TOPIC
    return compatibility(mentee, mentor, complements)


def suggestions(
    mentee: Mentee,
    mentors: Iterable[Mentor],
    excluded: Mapping[int, Refusal],
    complements: Mapping[str, frozenset[str]],
    limit: int = 5,
) -> list[tuple[Mentor, Fit]]:
    """The allowed mentors, best first: score desc, then free places desc, then user id asc."""
    allowed = []
    for mentor in mentors:
        outcome = assess(mentee, mentor, excluded, complements)
        if isinstance(outcome, Fit):
            allowed.append((mentor, outcome))
    allowed.sort(key=lambda pair: (-pair[1].score, -pair[1].free, pair[0].user_id))
    return allowed[:limit]


def solve(
    mentees: Iterable[Mentee],
    mentors: Iterable[Mentor],
    excluded: Mapping[int, Mapping[int, Refusal]],
    complements: Mapping[str, frozenset[str]],
) -> Round:
    """The pairs of a matching round: the most mentees matched, then the best total score.

    ``excluded`` maps a mentee's user id to ``{mentor user id: Refusal}``. A person may be
    both a mentee and a mentor in the same round; SELF keeps them apart. Every mentee not
    paired is listed with the reason.
    """
    mentees = sorted(mentees, key=lambda mentee: mentee.user_id)
    mentors = sorted(mentors, key=lambda mentor: mentor.user_id)
    outcomes = [
        [assess(mentee, mentor, excluded.get(mentee.user_id, {}), complements) for mentor in mentors]
        for mentee in mentees
    ]
    assigned = _assign(outcomes, mentors)
    pairs = tuple(
        Pairing(mentee.user_id, mentors[assigned[row]].user_id, outcomes[row][assigned[row]])
        for row, mentee in enumerate(mentees)
        if row in assigned
    )
    unmatched = tuple(
        (mentee.user_id, _unmatched_reason(mentee, mentors, outcomes[row]))
        for row, mentee in enumerate(mentees)
        if row not in assigned
    )
    return Round(pairs, unmatched)


def _assign(outcomes: list[list[Fit | Refusal]], mentors: list[Mentor]) -> dict[int, int]:
    """Mentee row -> mentor column of the optimal assignment, allowed pairs only."""
    slots = [column for column, mentor in enumerate(mentors) for _ in range(mentor.free)]
    if not outcomes or not slots:
        return {}
    big = (MAX_SCORE + 1) * len(outcomes) + 1  # more than any total score of the round
    weights = np.zeros((len(outcomes), len(slots)), dtype=np.int64)
    for row, line in enumerate(outcomes):
        for slot, column in enumerate(slots):
            if isinstance(line[column], Fit):
                weights[row, slot] = big + line[column].score
    rows, chosen = linear_sum_assignment(weights, maximize=True)
    # The solver fills every row it can, so it may pick a 0-weight (not allowed) cell: drop those.
    return {int(row): slots[slot] for row, slot in zip(rows, chosen, strict=True) if weights[row, slot] > 0}


def _unmatched_reason(mentee: Mentee, mentors: list[Mentor], outcomes: list[Fit | Refusal]) -> Unmatched:
    if any(isinstance(outcome, Fit) for outcome in outcomes):
        return Unmatched.PLACES_TAKEN
    open_mentors = [mentor for mentor in mentors if mentor.free > 0]
    if any(shared_topics(mentee, mentor) and shared_languages(mentee, mentor) for mentor in open_mentors):
        return Unmatched.NOT_ALLOWED  # such a mentor is refused only for being oneself or excluded
    if not open_mentors:
        return Unmatched.NO_FREE_PLACE
    return Unmatched.NO_MATCHING_OFFER
