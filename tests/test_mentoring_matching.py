"""Mentoring compatibility and matching rounds (SPEC §8): refusals, scores, optimal pairs."""

import itertools
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprints.mentoring.matching import (
    Fit,
    Mentee,
    Mentor,
    Pairing,
    Refusal,
    Round,
    Unmatched,
    assess,
    compatibility,
    solve,
    suggestions,
)

SPEAKING, PHOTOS, WRITING = "public_speaking", "photos_video", "writing"
COMPLEMENTS = {
    SPEAKING: frozenset({"expert", "agitator"}),
    PHOTOS: frozenset({"reporter"}),
}


def mentee(user_id, topics=(SPEAKING,), languages=("fr",)) -> Mentee:
    return Mentee(user_id, tuple(topics), tuple(languages))


def mentor(user_id, topics=(SPEAKING,), languages=("fr",), personae=(), capacity=1, taken=0) -> Mentor:
    return Mentor(user_id, tuple(topics), tuple(languages), frozenset(personae), capacity, taken)


def pairs_of(result: Round) -> set[tuple[int, int]]:
    return {(pair.mentee_id, pair.mentor_id) for pair in result.pairs}


# --- compatibility ---------------------------------------------------------------------------


def test_a_mentor_covering_everything_scores_100():
    wanted = mentee(1, topics=(SPEAKING, PHOTOS), languages=("fr", "en"))
    ideal = mentor(2, topics=(SPEAKING, PHOTOS, WRITING), languages=("fr",), personae={"expert", "reporter"})
    assert compatibility(wanted, ideal, COMPLEMENTS) == Fit(
        score=100, topics=(PHOTOS, SPEAKING), personae=("expert", "reporter"), languages=("fr",), free=1
    )


def test_each_part_weighs_its_share():
    wanted = mentee(1, topics=(SPEAKING, PHOTOS), languages=("fr", "en"))
    partial = mentor(
        2, topics=(SPEAKING, WRITING), languages=("en",), personae={"expert"}, capacity=2, taken=1
    )
    # topics 1/2 × 50 + personae 1/2 × 20 + a language not the preferred one 10 + room 1/2 × 10
    assert compatibility(wanted, partial, COMPLEMENTS) == Fit(
        score=50, topics=(SPEAKING,), personae=("expert",), languages=("en",), free=1
    )


@pytest.mark.parametrize(
    ("mentor_languages", "expected"),
    [(("en", "fr"), 80), (("en",), 70), (("de",), 60)],
    ids=["preferred shared", "only another shared", "none shared"],
)
def test_the_preferred_language_counts_double(mentor_languages, expected):
    wanted = mentee(1, languages=("fr", "en"))
    assert compatibility(wanted, mentor(2, languages=mentor_languages), COMPLEMENTS).score == expected


def test_shared_languages_follow_the_mentee_order_and_personae_only_those_complementing():
    wanted = mentee(1, topics=(SPEAKING, PHOTOS), languages=("en", "fr"))
    offer = mentor(2, languages=("fr", "en"), personae={"reporter", "agitator", "expert", "builder"})
    fit = compatibility(wanted, offer, COMPLEMENTS)
    assert fit.languages == ("en", "fr")
    assert fit.personae == ("agitator", "expert", "reporter")


def test_a_persona_counts_for_a_wanted_topic_the_mentor_does_not_offer():
    wanted = mentee(1, topics=(SPEAKING, PHOTOS))
    with_reporter = mentor(2, topics=(SPEAKING,), personae={"reporter"})
    without = mentor(3, topics=(SPEAKING,))
    assert compatibility(wanted, with_reporter, COMPLEMENTS).score == 65  # 25 + 10 + 20 + 10
    assert compatibility(wanted, without, COMPLEMENTS).score == 55


def test_scores_are_rounded_half_up():
    # topics 50 + language 20 + room 1/4 × 10 = 72.5 (round() would give 72)
    assert compatibility(mentee(1), mentor(2, capacity=4, taken=3), COMPLEMENTS).score == 73
    # topics 1/3 × 50 + language 20 + room 10 = 46.67
    thirds = mentee(1, topics=(SPEAKING, PHOTOS, WRITING))
    assert compatibility(thirds, mentor(2), COMPLEMENTS).score == 47


def test_a_mentee_without_topics_scores_on_language_and_room_only():
    assert compatibility(mentee(1, topics=()), mentor(2), COMPLEMENTS).score == 30


def test_the_score_never_exceeds_100_even_with_inconsistent_counts():
    fit = compatibility(mentee(1), mentor(2, capacity=1, taken=-5), COMPLEMENTS)
    assert (fit.score, fit.free) == (100, 6)


# --- assess ----------------------------------------------------------------------------------


def test_refusals_are_checked_in_order():
    wanted = mentee(1, topics=(SPEAKING,), languages=("fr",))
    offer = mentor(1, topics=(WRITING,), languages=("en",), capacity=1, taken=1)
    excluded = {1: Refusal.HIERARCHY}
    assert assess(wanted, offer, excluded, COMPLEMENTS) == Refusal.SELF
    offer = replace(offer, user_id=2)
    assert assess(wanted, offer, {2: Refusal.HIERARCHY}, COMPLEMENTS) == Refusal.HIERARCHY
    assert assess(wanted, offer, {2: Refusal.PREVIOUS}, COMPLEMENTS) == Refusal.PREVIOUS
    assert assess(wanted, offer, {}, COMPLEMENTS) == Refusal.FULL
    offer = replace(offer, taken=0)
    assert assess(wanted, offer, {}, COMPLEMENTS) == Refusal.NO_LANGUAGE
    offer = replace(offer, languages=("en", "fr"))
    assert assess(wanted, offer, {}, COMPLEMENTS) == Refusal.NO_TOPIC
    offer = replace(offer, topics=(WRITING, SPEAKING))
    assert assess(wanted, offer, {}, COMPLEMENTS) == compatibility(wanted, offer, COMPLEMENTS)


def test_an_exclusion_of_another_mentor_does_not_refuse_this_one():
    assert isinstance(assess(mentee(1), mentor(2), {3: Refusal.PREVIOUS}, COMPLEMENTS), Fit)


def test_a_mentor_with_taken_beyond_capacity_is_full():
    assert assess(mentee(1), mentor(2, capacity=1, taken=3), {}, COMPLEMENTS) == Refusal.FULL


# --- suggestions -----------------------------------------------------------------------------


def test_suggestions_come_best_first_then_by_free_places_then_id():
    wanted = mentee(1, topics=(SPEAKING,), languages=("fr", "en"))
    mentors = [
        mentor(7, languages=("en",)),  # 70
        mentor(6),  # 80, free 1
        mentor(5, capacity=4, taken=2),  # 75, free 2
        mentor(4, capacity=2, taken=1),  # 75, free 1
        mentor(3, capacity=2, taken=1),  # 75, free 1
        mentor(2, personae={"expert"}),  # 100
    ]
    ranked = suggestions(wanted, mentors, {}, COMPLEMENTS, limit=10)
    assert [(offer.user_id, fit.score) for offer, fit in ranked] == [
        (2, 100),
        (6, 80),
        (5, 75),
        (3, 75),
        (4, 75),
        (7, 70),
    ]


def test_suggestions_stop_at_the_limit():
    mentors = [mentor(user_id) for user_id in range(2, 10)]
    assert [offer.user_id for offer, _ in suggestions(mentee(1), mentors, {}, COMPLEMENTS)] == [2, 3, 4, 5, 6]
    assert len(suggestions(mentee(1), mentors, {}, COMPLEMENTS, limit=2)) == 2


def test_refused_mentors_are_never_suggested():
    mentors = [
        mentor(1, personae={"expert"}),  # oneself
        mentor(2, personae={"expert"}),  # manager chain
        mentor(3, personae={"expert"}),  # previous pair
        mentor(4, capacity=1, taken=1),  # full
        mentor(5, topics=(WRITING,)),  # no topic
        mentor(6),
    ]
    excluded = {2: Refusal.HIERARCHY, 3: Refusal.PREVIOUS}
    assert [offer.user_id for offer, _ in suggestions(mentee(1), mentors, excluded, COMPLEMENTS)] == [6]


# --- solve -----------------------------------------------------------------------------------


def test_matching_more_mentees_beats_a_greedy_best_score():
    alice = mentee(1, topics=(SPEAKING, PHOTOS), languages=("fr", "en"))
    bob = mentee(2, topics=(SPEAKING, WRITING, "ads", "podcasts"), languages=("de", "fr"))
    star = mentor(10, topics=(SPEAKING, PHOTOS), personae={"expert", "reporter"}, capacity=4, taken=3)
    other = mentor(11, topics=(PHOTOS,), languages=("en",), capacity=4, taken=3)
    best, bobs_only, alices_fallback = (
        compatibility(alice, star, COMPLEMENTS).score,
        compatibility(bob, star, COMPLEMENTS).score,
        compatibility(alice, other, COMPLEMENTS).score,
    )
    # Greedy gives the star to Alice and leaves Bob out; that single pair even scores more.
    assert best > bobs_only + alices_fallback
    result = solve([alice, bob], [star, other], {}, COMPLEMENTS)
    assert pairs_of(result) == {(1, 11), (2, 10)}
    assert result.unmatched == ()


def test_with_as_many_pairs_either_way_the_higher_total_wins():
    first = mentee(1, topics=(SPEAKING,))
    second = mentee(2, topics=(SPEAKING, PHOTOS))
    both = mentor(10, topics=(SPEAKING, PHOTOS))
    one = mentor(11, topics=(SPEAKING,))
    # 1→10 (80) + 2→11 (55) = 135 against 1→11 (80) + 2→10 (80) = 160
    result = solve([first, second], [both, one], {}, COMPLEMENTS)
    assert pairs_of(result) == {(1, 11), (2, 10)}
    assert sum(pair.fit.score for pair in result.pairs) == 160


def test_a_mentor_takes_no_more_mentees_than_free_places():
    mentees = [mentee(user_id) for user_id in range(1, 5)]
    result = solve(mentees, [mentor(10, capacity=3, taken=1)], {}, COMPLEMENTS)
    assert len(result.pairs) == 2
    assert {pair.mentor_id for pair in result.pairs} == {10}
    assert [reason for _, reason in result.unmatched] == [Unmatched.PLACES_TAKEN] * 2


def test_pairs_come_with_their_fit_sorted_by_mentee():
    result = solve([mentee(3), mentee(1)], [mentor(10, capacity=2)], {}, COMPLEMENTS)
    assert result.pairs == (
        Pairing(1, 10, compatibility(mentee(1), mentor(10, capacity=2), COMPLEMENTS)),
        Pairing(3, 10, compatibility(mentee(3), mentor(10, capacity=2), COMPLEMENTS)),
    )


def test_self_and_excluded_pairs_are_never_proposed():
    people = [1, 2, 3]
    excluded = {1: {3: Refusal.HIERARCHY}, 2: {1: Refusal.PREVIOUS}}
    result = solve(
        [mentee(1), mentee(2)],
        [mentor(user_id, personae={"expert"}) for user_id in people],
        excluded,
        COMPLEMENTS,
    )
    assert pairs_of(result) == {(1, 2), (2, 3)}  # the only way to pair both


@pytest.mark.parametrize(
    ("mentors", "excluded", "expected"),
    [
        ([], {}, Unmatched.NO_FREE_PLACE),
        ([mentor(10, capacity=1, taken=1), mentor(11, capacity=0)], {}, Unmatched.NO_FREE_PLACE),
        ([mentor(10, capacity=1, taken=1), mentor(11, topics=(WRITING,))], {}, Unmatched.NO_MATCHING_OFFER),
        ([mentor(10, languages=("en",))], {}, Unmatched.NO_MATCHING_OFFER),
        ([mentor(10), mentor(11, topics=(WRITING,))], {1: {10: Refusal.HIERARCHY}}, Unmatched.NOT_ALLOWED),
        ([mentor(10)], {1: {10: Refusal.PREVIOUS}}, Unmatched.NOT_ALLOWED),
        ([mentor(1)], {}, Unmatched.NOT_ALLOWED),
    ],
    ids=[
        "no mentor",
        "every mentor full",
        "free mentors offer other topics",
        "free mentors speak other languages",
        "the matching mentor is in the manager chain",
        "the matching mentor was paired before",
        "the matching mentor is oneself",
    ],
)
def test_a_lone_mentee_left_out_gets_the_reason(mentors, excluded, expected):
    assert solve([mentee(1)], mentors, excluded, COMPLEMENTS) == Round(pairs=(), unmatched=((1, expected),))


def test_a_mentee_whose_allowed_mentors_went_to_others_is_told_places_were_taken():
    result = solve([mentee(1), mentee(2)], [mentor(10)], {}, COMPLEMENTS)
    assert len(result.pairs) == 1
    assert result.unmatched == ((3 - result.pairs[0].mentee_id, Unmatched.PLACES_TAKEN),)


def test_a_round_without_mentees_is_empty():
    assert solve([], [mentor(10)], {}, COMPLEMENTS) == Round(pairs=(), unmatched=())
    assert solve([], [], {}, COMPLEMENTS) == Round(pairs=(), unmatched=())


def test_the_same_people_in_any_order_give_the_same_round():
    # Identical profiles make every choice a tie: only the sort by id keeps it stable.
    mentees = [mentee(user_id) for user_id in (4, 1, 3, 2)]
    mentors = [mentor(user_id) for user_id in (12, 10, 11)]
    rounds = {
        solve(list(some_mentees), list(some_mentors), {}, COMPLEMENTS)
        for some_mentees in itertools.permutations(mentees)
        for some_mentors in itertools.permutations(mentors)
    }
    assert len(rounds) == 1
    assert len(rounds.pop().pairs) == 3


# --- against a brute force ------------------------------------------------------------------

TOPICS = (SPEAKING, PHOTOS, WRITING)
IDS = st.integers(min_value=1, max_value=7)
TOPIC_SETS = st.lists(st.sampled_from(TOPICS), unique=True, max_size=3).map(tuple)
LANGUAGE_LISTS = st.lists(st.sampled_from(("fr", "en")), unique=True, max_size=2).map(tuple)
MENTEES = st.lists(
    st.builds(Mentee, user_id=IDS, topics=TOPIC_SETS, languages=LANGUAGE_LISTS),
    max_size=5,
    unique_by=lambda person: person.user_id,
)
MENTORS = st.lists(
    st.builds(
        Mentor,
        user_id=IDS,
        topics=TOPIC_SETS,
        languages=LANGUAGE_LISTS,
        personae=st.frozensets(st.sampled_from(("expert", "agitator", "reporter"))),
        capacity=st.integers(min_value=0, max_value=2),
        taken=st.integers(min_value=0, max_value=2),
    ),
    max_size=4,
    unique_by=lambda person: person.user_id,
)
EXCLUSIONS = st.dictionaries(
    IDS, st.dictionaries(IDS, st.sampled_from((Refusal.HIERARCHY, Refusal.PREVIOUS)), max_size=3), max_size=5
)


def allowed(person: Mentee, offer: Mentor, excluded) -> bool:
    """SPEC §8 restated independently of ``assess``."""
    return (
        person.user_id != offer.user_id
        and offer.user_id not in excluded.get(person.user_id, {})
        and offer.free > 0
        and bool(set(person.topics) & set(offer.topics))
        and bool(set(person.languages) & set(offer.languages))
    )


def expected_reason(person: Mentee, mentors, excluded) -> Unmatched:
    if any(allowed(person, offer, excluded) for offer in mentors):
        return Unmatched.PLACES_TAKEN
    open_offers = [offer for offer in mentors if offer.free > 0]
    if any(
        set(person.topics) & set(offer.topics) and set(person.languages) & set(offer.languages)
        for offer in open_offers
    ):
        return Unmatched.NOT_ALLOWED
    return Unmatched.NO_MATCHING_OFFER if open_offers else Unmatched.NO_FREE_PLACE


def brute_force_best(mentees, mentors, excluded) -> tuple[int, int]:
    """The lexicographic maximum of (pairs, total score) over every valid assignment."""
    choices = [
        [None]
        + [
            (offer.user_id, compatibility(person, offer, COMPLEMENTS).score)
            for offer in mentors
            if allowed(person, offer, excluded)
        ]
        for person in mentees
    ]
    free = {offer.user_id: offer.free for offer in mentors}
    best = (0, 0)
    for assignment in itertools.product(*choices):
        chosen = [choice for choice in assignment if choice is not None]
        load = Counter(mentor_id for mentor_id, _ in chosen)
        if all(load[mentor_id] <= free[mentor_id] for mentor_id in load):
            best = max(best, (len(chosen), sum(score for _, score in chosen)))
    return best


@settings(max_examples=150, deadline=None, derandomize=True)
@given(mentees=MENTEES, mentors=MENTORS, excluded=EXCLUSIONS, shuffler=st.randoms(use_true_random=False))
def test_solve_finds_the_optimum_of_a_brute_force(mentees, mentors, excluded, shuffler):
    result = solve(mentees, mentors, excluded, COMPLEMENTS)
    people = {person.user_id: person for person in mentees}
    offers = {offer.user_id: offer for offer in mentors}

    total = sum(pair.fit.score for pair in result.pairs)
    assert (len(result.pairs), total) == brute_force_best(mentees, mentors, excluded)
    for pair in result.pairs:
        person, offer = people[pair.mentee_id], offers[pair.mentor_id]
        assert allowed(person, offer, excluded), pair
        assert pair.fit == compatibility(person, offer, COMPLEMENTS)
        assert 0 <= pair.fit.score <= 100
    load = Counter(pair.mentor_id for pair in result.pairs)
    assert all(load[mentor_id] <= offers[mentor_id].free for mentor_id in load)

    listed = [pair.mentee_id for pair in result.pairs] + [mentee_id for mentee_id, _ in result.unmatched]
    assert sorted(listed) == sorted(people)  # everyone once, either paired or told why not
    assert [pair.mentee_id for pair in result.pairs] == sorted(pair.mentee_id for pair in result.pairs)
    assert [mentee_id for mentee_id, _ in result.unmatched] == sorted(
        mentee_id for mentee_id, _ in result.unmatched
    )
    for mentee_id, reason in result.unmatched:
        assert reason == expected_reason(people[mentee_id], mentors, excluded), mentee_id
        could = [offer for offer in mentors if allowed(people[mentee_id], offer, excluded)]
        # Had one of them a place left, pairing them would make one more pair.
        assert all(load[offer.user_id] == offer.free for offer in could)

    shuffler.shuffle(mentees)
    shuffler.shuffle(mentors)
    assert solve(mentees, mentors, excluded, COMPLEMENTS) == result


def test_brute_force_sees_a_better_assignment_than_a_greedy_one():
    """The oracle itself must not be trivially satisfied."""
    mentees = [mentee(1, topics=(SPEAKING, PHOTOS)), mentee(2, languages=("en",))]
    mentors = [
        mentor(10, topics=(SPEAKING, PHOTOS), languages=("fr", "en")),
        mentor(11, topics=(PHOTOS,)),
    ]
    assert brute_force_best(mentees, mentors, {})[0] == 2
    assert brute_force_best(mentees, mentors, {1: {11: Refusal.PREVIOUS}})[0] == 1
