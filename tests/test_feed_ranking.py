"""The feed's ranking formula (SPEC §8), on plain values: no database, literal expectations."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from blueprints.content.ranking import Candidate, Reader, affinity, freshness, interest, rank, score_ceiling

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HALF_LIFE = 7
NOBODY = Reader({}, {}, frozenset())


def candidate(id, *, theme="company_news", targets=(), age_days=1.0, pinned=False):
    return Candidate(id, theme, tuple(targets), NOW - timedelta(days=age_days), pinned)


def order(candidates, reader=NOBODY, share_counts=None):
    return [ranked.candidate.id for ranked in rank(candidates, reader, share_counts or {}, NOW, HALF_LIFE)]


def test_affinity_follows_the_spec_formula():
    scores = {"messenger": 0.9, "expert": 0.3}
    assert affinity(scores, ("messenger",)) == pytest.approx(0.2 + 0.8 * 0.9)
    assert affinity(scores, ("messenger", "expert")) == pytest.approx(0.2 + 0.8 * 0.6)
    assert affinity(scores, ("reporter",)) == pytest.approx(0.2)


def test_affinity_is_neutral_without_targets_or_without_a_quiz_result():
    assert affinity({"messenger": 0.1}, ()) == 1.0
    assert affinity({}, ("messenger",)) == 1.0


def test_freshness_halves_every_half_life_and_gives_no_boost_to_future_items():
    assert freshness(NOW, NOW, HALF_LIFE) == 1.0
    assert freshness(NOW - timedelta(days=7), NOW, HALF_LIFE) == pytest.approx(0.5)
    assert freshness(NOW - timedelta(days=14), NOW, HALF_LIFE) == pytest.approx(0.25)
    assert freshness(NOW + timedelta(days=3), NOW, HALF_LIFE) == 1.0


def test_interest_is_the_share_of_the_persons_actions_in_the_theme():
    assert interest({}, "careers") == 1.0
    assert interest({"careers": 3, "events": 1}, "careers") == pytest.approx(1.375)
    assert interest({"careers": 3, "events": 1}, "impact") == 1.0


def test_newer_items_come_first_when_nothing_else_differs():
    assert order([candidate(1, age_days=5), candidate(2, age_days=1), candidate(3, age_days=3)]) == [2, 3, 1]


def test_equal_scores_are_ordered_newest_then_highest_id():
    same = [candidate(1, age_days=2), candidate(3, age_days=2), candidate(2, age_days=2)]
    assert order(same) == [3, 2, 1]


def test_pinned_items_come_first_even_when_old():
    assert order([candidate(1, age_days=0), candidate(2, age_days=60, pinned=True)]) == [2, 1]


def test_persona_affinity_lifts_the_items_aimed_at_the_person():
    reader = Reader({"expert": 1.0, "messenger": 0.0}, {}, frozenset())
    items = [candidate(1, targets=["messenger"], age_days=0), candidate(2, targets=["expert"], age_days=3)]
    assert order(items, reader) == [2, 1]
    assert order(items) == [1, 2]  # without a result, affinity is neutral: newest first


def test_learned_theme_interest_lifts_the_persons_themes():
    reader = Reader({}, {"careers": 10}, frozenset())
    items = [candidate(1, theme="events", age_days=0), candidate(2, theme="careers", age_days=2)]
    assert order(items, reader) == [2, 1]


def test_already_shared_items_go_down():
    items = [candidate(1, age_days=0), candidate(2, age_days=5)]
    assert order(items, Reader({}, {}, frozenset({1}))) == [2, 1]


def test_engagement_is_mild():
    """Many shares help an item, but do not bury a clearly fresher one."""
    items = [candidate(1, age_days=0), candidate(2, age_days=14)]
    assert order(items, share_counts={2: 1000}) == [1, 2]
    assert order([candidate(1, age_days=1), candidate(2, age_days=1.2)], share_counts={2: 10}) == [2, 1]


def test_never_more_than_two_items_of_a_theme_in_a_row_when_another_can_follow():
    items = [candidate(i, theme="careers", age_days=i) for i in range(1, 6)]
    items.append(candidate(10, theme="events", age_days=20))
    items.append(candidate(11, theme="impact", age_days=30))
    assert order(items) == [1, 2, 10, 3, 4, 11, 5]


def test_a_single_theme_keeps_its_order():
    items = [candidate(i, theme="careers", age_days=i) for i in range(1, 5)]
    assert order(items) == [1, 2, 3, 4]


@pytest.mark.parametrize("seed", range(20))
def test_no_score_exceeds_the_readers_ceiling_times_freshness(seed):
    """The feed stops ranking older items on this bound: it must hold for every item, and be the
    reader's own (their strongest interest), not a loose one for everybody."""
    rng = random.Random(seed)
    themes = ["careers", "events", "impact"]
    reader = Reader(
        {"messenger": rng.random(), "expert": rng.random()},
        {theme: rng.randrange(4) for theme in rng.sample(themes, rng.randrange(4))},
        frozenset(rng.sample(range(40), 5)),
    )
    items = [
        candidate(
            n,
            theme=rng.choice(themes),
            targets=rng.choice([(), ("messenger",), ("expert", "messenger")]),
            age_days=rng.uniform(-2, 60),
        )
        for n in range(40)
    ]
    share_counts = {n: rng.randrange(300) for n in rng.sample(range(40), 20)}
    ceiling = score_ceiling(reader, max(share_counts.values()))
    ranked = list(rank(items, reader, share_counts, NOW, HALF_LIFE))
    assert all(entry.score <= ceiling * entry.freshness for entry in ranked)
    assert max(entry.score / entry.freshness for entry in ranked) > ceiling / 2  # a close bound


def test_the_ceiling_is_the_readers_strongest_interest_and_the_most_shared_item():
    assert score_ceiling(NOBODY, 0) == 1.0
    assert score_ceiling(Reader({}, {"careers": 3, "events": 1}, frozenset()), 0) == pytest.approx(1.375)
    assert score_ceiling(NOBODY, 1023) == pytest.approx(2.0)  # 1 + 0.1 × log2(1024)
