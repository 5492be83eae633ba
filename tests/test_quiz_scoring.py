"""Scoring rules of SPEC §4.1 and §8: normalisation, ties, threshold, margin."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.quiz.questions import QUESTIONS, Option, Question
from blueprints.quiz.scoring import HOLD_THRESHOLD, persona_scores, rank_personae

SCORED = [question for question in QUESTIONS if not question.multiple]


def best_answers_for(persona: str) -> dict:
    return {q.key: max(q.options, key=lambda option: option.weights.get(persona, 0)).key for q in SCORED}


def test_the_quiz_has_ten_to_fifteen_questions_and_one_about_networks():
    assert 10 <= len(QUESTIONS) <= 15
    assert [question.key for question in QUESTIONS if question.multiple] == ["networks"]


def test_every_persona_can_be_reached_and_reach_the_top():
    for persona in PERSONA_KEYS:
        scores = persona_scores(best_answers_for(persona))
        assert scores[persona] == pytest.approx(1.0), persona


# Any complete set of answers: one option, any of them, for every scored question.
ANY_ANSWERS = st.fixed_dictionaries(
    {question.key: st.sampled_from([option.key for option in question.options]) for question in SCORED}
)


@settings(max_examples=200, deadline=None)
@given(answers=ANY_ANSWERS)
def test_scores_always_lie_between_0_and_1(answers):
    scores = persona_scores(answers)
    assert list(scores) == list(PERSONA_KEYS)  # one score per persona, none missing or extra
    for persona, score in scores.items():
        assert 0.0 <= score <= 1.0, (persona, score)


def test_normalisation_uses_the_minimum_reachable_not_zero():
    questions = (
        Question("q1", "Q1", (Option("a", "A", {"expert": 2}), Option("b", "B", {"expert": 4}))),
        Question("q2", "Q2", (Option("a", "A", {"expert": 1}), Option("b", "B", {"expert": 3}))),
    )
    assert persona_scores({"q1": "a", "q2": "a"}, questions)["expert"] == 0.0
    assert persona_scores({"q1": "b", "q2": "a"}, questions)["expert"] == 0.5
    assert persona_scores({"q1": "b", "q2": "b"}, questions)["expert"] == 1.0


def test_unanswered_questions_do_not_count():
    questions = (
        Question("q1", "Q1", (Option("a", "A", {"helper": 0}), Option("b", "B", {"helper": 3}))),
        Question("q2", "Q2", (Option("a", "A", {"helper": 0}), Option("b", "B", {"helper": 3}))),
    )
    assert persona_scores({"q1": "b"}, questions)["helper"] == 1.0


def test_ties_are_broken_by_the_fixed_persona_order():
    scores = dict.fromkeys(PERSONA_KEYS, 0.4) | {"curator": 0.9, "expert": 0.9}
    ranked = rank_personae(scores)
    assert [entry.persona for entry in ranked[:2]] == ["expert", "curator"]  # expert comes first in SPEC §3
    assert [entry.rank for entry in ranked] == list(range(1, 12))


def test_margin_and_threshold():
    top = 0.8
    scores = dict.fromkeys(PERSONA_KEYS, 0.0) | {
        "reporter": top,
        "insider": 0.65,  # exactly at the margin (0.8 - 0.15): "also you"
        "helper": 0.64,  # just below the margin
        "curator": HOLD_THRESHOLD,  # held, but far from the top
    }
    ranked = {entry.persona: entry for entry in rank_personae(scores)}
    assert ranked["reporter"].rank == 1 and not ranked["reporter"].also_you
    assert ranked["insider"].also_you and not ranked["helper"].also_you
    assert ranked["curator"].held and not ranked["curator"].also_you
    assert not ranked["messenger"].held


def test_nobody_with_all_zero_scores_gets_an_also_you():
    ranked = rank_personae(dict.fromkeys(PERSONA_KEYS, 0.0))
    assert ranked[0].persona == "messenger"
    assert not any(entry.also_you or entry.held for entry in ranked)


def test_option_keys_are_unique_within_each_question():
    for question in QUESTIONS:
        keys = [option.key for option in question.options]
        assert len(keys) == len(set(keys)), question.key
    assert len({question.key for question in QUESTIONS}) == len(QUESTIONS)


def test_weights_name_only_real_personae():
    for question, option in itertools.chain.from_iterable(((q, o) for o in q.options) for q in QUESTIONS):
        assert set(option.weights) <= set(PERSONA_KEYS), (question.key, option.key)
