"""Scoring a quiz, as SPEC §4.1 and §8 define it. Pure functions of the answers.

A persona's score is (raw − minimum reachable) / (maximum − minimum) over the
answered questions, so it lies in [0, 1]. A person holds every persona at or above
HOLD_THRESHOLD; the primary persona is the top one, ties broken by the fixed order
of personae; every other persona within MARGIN of the top is shown as "also you".
"""

from dataclasses import dataclass

from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.quiz.questions import QUESTIONS, Question

HOLD_THRESHOLD = 0.5
MARGIN = 0.15
TOLERANCE = 1e-9  # 0.8 - 0.15 is 0.6500000000000001 in floating point


@dataclass(frozen=True)
class RankedPersona:
    persona: str
    score: float
    rank: int
    held: bool
    also_you: bool


def persona_scores(answers: dict, questions: tuple[Question, ...] = QUESTIONS) -> dict[str, float]:
    raw = dict.fromkeys(PERSONA_KEYS, 0)
    lowest = dict.fromkeys(PERSONA_KEYS, 0)
    highest = dict.fromkeys(PERSONA_KEYS, 0)
    for question in questions:
        if question.multiple or question.key not in answers:
            continue
        chosen = next(option for option in question.options if option.key == answers[question.key])
        for persona in PERSONA_KEYS:
            weights = [option.weights.get(persona, 0) for option in question.options]
            lowest[persona] += min(weights)
            highest[persona] += max(weights)
            raw[persona] += chosen.weights.get(persona, 0)
    return {
        persona: (raw[persona] - lowest[persona]) / (highest[persona] - lowest[persona])
        if highest[persona] > lowest[persona]
        else 0.0
        for persona in PERSONA_KEYS
    }


def rank_personae(scores: dict[str, float]) -> list[RankedPersona]:
    """Every persona, best first; equal scores keep the fixed persona order."""
    ordered = sorted(PERSONA_KEYS, key=lambda persona: (-scores[persona], PERSONA_KEYS.index(persona)))
    top = scores[ordered[0]]
    return [
        RankedPersona(
            persona,
            scores[persona],
            rank,
            held=scores[persona] >= HOLD_THRESHOLD - TOLERANCE,
            also_you=rank > 1 and scores[persona] > 0 and scores[persona] >= top - MARGIN - TOLERANCE,
        )
        for rank, persona in enumerate(ordered, start=1)
    ]
