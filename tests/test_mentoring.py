"""Mentoring's rules (SPEC §4.5, §8): never oneself, never the manager chain, never a previous
pair, one active mentor per mentee, a mentor's capacity (also at the same instant), expiry and
the next best match, sessions in the activity log, and the matching round's proposals."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from base.database import db
from blueprints.accounts.models import User
from blueprints.activity.models import Activity
from blueprints.mentoring import rounds, services, verbs
from blueprints.mentoring.models import MentoringPair, MentoringTopic, PairOrigin, PairStatus
from blueprints.notifications.models import Notification
from blueprints.recognition.models import BadgeAward, PointsEntry
from tests.conftest import ON_POSTGRES, at_the_same_time

EXPERTISE = "theme:expertise"
CAREERS = "theme:careers"
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def person(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def offer(user_id, topics=(EXPERTISE,), languages=("fr",), capacity=1, now=NOW):
    return services.save_offer(
        person(user_id),
        services.OfferInput(list(topics), list(languages), capacity, "Un café par mois."),
        now,
    )


def wish(user_id, topics=(EXPERTISE,), languages=("fr",), goal="Oser publier un premier post.", now=NOW):
    return services.save_wish(person(user_id), services.WishInput(list(topics), list(languages), goal), now)


def ask(mentee_id, mentor_id, now=NOW):
    return services.request_mentor(person(mentee_id), mentor_id, "Bonjour, pouvez-vous m'aider ?", now)


def accept(user_id, pair_id, now=NOW):
    return services.answer(person(user_id), pair_id, True, "Avec plaisir.", now=now)


def refused(action, *args, **kwargs) -> str:
    with pytest.raises(services.MentoringError) as refusal:
        action(*args, **kwargs)
    return str(refusal.value)


def status_of(pair_id) -> PairStatus:
    db.session.expire_all()
    return db.session.get_one(MentoringPair, pair_id).status


def notices(user_id, kind):
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
        )
    )


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_suggestions_rank_fits_and_never_offer_oneself(ctx, make_user):
    mentee, close_fit, loose_fit, other_language = (make_user().id for _ in range(4))
    wish(mentee, topics=(EXPERTISE, CAREERS))
    offer(mentee)  # a mentee may offer too: never suggested to themselves
    offer(close_fit, topics=(EXPERTISE, CAREERS))
    offer(loose_fit, topics=(CAREERS,))
    offer(other_language, languages=("en",))
    found = [s.mentor.id for s in services.suggestions_for(person(mentee))]
    assert found == [close_fit, loose_fit]
    assert "propre mentor" in refused(ask, mentee, mentee)


def test_the_manager_chain_is_never_suggested_nor_asked_either_way(ctx, make_user):
    grand_manager = make_user().id
    manager = make_user(manager_id=grand_manager).id
    mentee = make_user(manager_id=manager).id
    report = make_user(manager_id=mentee).id  # the mentee manages them
    colleague = make_user(manager_id=grand_manager).id
    wish(mentee)
    for mentor in (grand_manager, manager, report, colleague):
        offer(mentor)
    assert [s.mentor.id for s in services.suggestions_for(person(mentee))] == [colleague]
    for mentor in (grand_manager, report):
        assert "ligne hiérarchique" in refused(ask, mentee, mentor)
    assert ask(mentee, colleague).status == PairStatus.PROPOSED


def test_a_manager_cycle_does_not_loop(ctx, make_user):
    first = make_user().id
    second = make_user(manager_id=first).id
    person(first).manager_id = second
    db.session.commit()
    assert services.manager_chains([first]) == {first: {first, second}}


def test_a_previous_pair_is_never_proposed_again_but_a_withdrawn_request_is(ctx, make_user):
    mentee, mentor, declining = (make_user().id for _ in range(3))
    wish(mentee)
    offer(mentor, capacity=2)
    offer(declining)
    withdrawn = ask(mentee, mentor)
    services.withdraw(person(mentee), withdrawn.id, NOW)
    pair = ask(mentee, mentor)  # a withdrawn request rules nothing out
    accept(mentor, pair.id)
    services.end_pair(person(mentee), pair.id, "", NOW)
    wish(mentee)  # the started pair answered the wish: looking again
    assert "déjà" in refused(ask, mentee, mentor)
    no = ask(mentee, declining)
    services.answer(person(declining), no.id, False, "Pas le temps ce trimestre.", now=NOW)
    assert "déjà" in refused(ask, mentee, declining)
    assert services.suggestions_for(person(mentee)) == []


def test_a_mentee_has_one_active_mentor_and_one_waiting_request(ctx, make_user):
    mentee, first, second = (make_user().id for _ in range(3))
    wish(mentee)
    offer(first)
    offer(second)
    pair = ask(mentee, first)
    assert "une demande à la fois" in refused(ask, mentee, second)
    accept(first, pair.id)
    wish(mentee)
    assert "déjà un mentor" in refused(ask, mentee, second)
    # The database holds the rule too, whatever the code path.
    db.session.add(
        MentoringPair(
            mentor_id=second, mentee_id=mentee, status=PairStatus.ACTIVE, expires_at=NOW, requested_at=NOW
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def proposed(mentor_id, mentee_ids, origin=PairOrigin.REQUEST, now=NOW):
    """Waiting proposals written directly (as a round could, before the mentor answers)."""
    pairs = [
        MentoringPair(
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            status=PairStatus.PROPOSED,
            origin=origin,
            mentee_agreed_at=now,
            requested_at=now,
            expires_at=now + timedelta(days=7),
        )
        for mentee_id in mentee_ids
    ]
    db.session.add_all(pairs)
    db.session.commit()
    return [pair.id for pair in pairs]


def test_a_mentor_never_exceeds_capacity(ctx, make_user):
    mentor = make_user().id
    offer(mentor, capacity=2)
    mentees = [make_user().id for _ in range(3)]
    first, second, third = proposed(mentor, mentees)
    accept(mentor, first)
    accept(mentor, second)
    assert "aucune place" in refused(accept, mentor, third)
    assert status_of(third) == PairStatus.PROPOSED  # refused: nothing changed
    assert "au moins" in refused(offer, mentor, capacity=1)  # never below the active mentees
    late = make_user().id
    wish(late)
    assert "place" in refused(ask, late, mentor)


def refused_accepting_at_once(app, mentor: int, pair_ids: list[int]) -> list[Exception]:
    """The refusals when the mentor accepts every proposal at the same instant, one thread each."""
    refusals = []

    def accept(number: int) -> None:
        try:
            services.answer(person(mentor), pair_ids[number], True, now=NOW)
        except services.MentoringError as refusal:
            refusals.append(refusal)

    assert at_the_same_time(app, accept, len(pair_ids)) == []
    return refusals


@pytest.mark.postgres_only
def test_twenty_simultaneous_acceptances_never_exceed_capacity(app, make_user):
    assert ON_POSTGRES
    with app.app_context():
        mentor = make_user().id
        offer(mentor, capacity=3)
        pair_ids = proposed(mentor, [make_user().id for _ in range(20)])
    assert len(refused_accepting_at_once(app, mentor, pair_ids)) == 17
    with app.app_context():
        statuses = [status_of(pair_id) for pair_id in pair_ids]
    assert statuses.count(PairStatus.ACTIVE) == 3
    assert statuses.count(PairStatus.PROPOSED) == 17


@pytest.mark.sqlite_only
def test_simultaneous_acceptances_never_exceed_capacity_on_sqlite(app, make_user):
    with app.app_context():
        mentor = make_user().id
        offer(mentor, capacity=2)
        pair_ids = proposed(mentor, [make_user().id for _ in range(6)])
    assert len(refused_accepting_at_once(app, mentor, pair_ids)) == 4
    with app.app_context():
        assert [status_of(p) for p in pair_ids].count(PairStatus.ACTIVE) == 2


def test_an_unanswered_request_expires_and_the_mentee_is_offered_the_next_best(ctx, make_user):
    mentee = make_user().id
    silent = make_user(display_name="Silent Mentor").id
    next_best = make_user(display_name="Next Best").id
    wish(mentee)
    offer(silent, topics=(EXPERTISE, CAREERS))
    offer(next_best)
    pair = ask(mentee, silent)
    assert services.expire_overdue(NOW + timedelta(days=6)) == 0
    later = NOW + timedelta(days=7)
    assert "expiré" in refused(accept, silent, pair.id, later)
    assert services.expire_overdue(later) == 1
    assert services.expire_overdue(later) == 0  # once
    assert status_of(pair.id) == PairStatus.EXPIRED
    (notice,) = notices(mentee, services.EXPIRED_NOTICE)
    assert notice.params == {"name": "Silent Mentor", "next": "Next Best"}
    expired = db.session.scalar(sa.select(Activity).where(Activity.verb == verbs.EXPIRED))
    assert expired.user_id == mentee
    assert [s.mentor.id for s in services.suggestions_for(person(mentee))] == [next_best]


def test_declining_tells_the_mentee_with_the_next_best_and_a_reply(ctx, make_user):
    mentee = make_user().id
    busy = make_user(display_name="Busy").id
    wish(mentee)
    offer(busy)
    pair = ask(mentee, busy)
    services.answer(person(busy), pair.id, False, "Trop pris en ce moment.", now=NOW)
    assert status_of(pair.id) == PairStatus.DECLINED
    (notice,) = notices(mentee, services.DECLINED_NOTICE)
    assert notice.params == {"name": "Busy", "next": ""}  # nobody else fits yet
    assert db.session.get_one(MentoringPair, pair.id).reply == "Trop pris en ce moment."


def test_only_the_mentor_answers_a_request_and_only_once(ctx, make_user):
    mentee, mentor, stranger = (make_user().id for _ in range(3))
    wish(mentee)
    offer(mentor)
    pair = ask(mentee, mentor)
    assert "n'existe pas" in refused(accept, stranger, pair.id)
    assert "déjà dit oui" in refused(accept, mentee, pair.id)
    accept(mentor, pair.id)
    assert "déjà reçu une réponse" in refused(accept, mentor, pair.id)
    (notice,) = notices(mentee, services.ACCEPTED_NOTICE)
    assert notice.link_values == {"pair_id": pair.id}


def active_pair(make_user):
    mentee, mentor = make_user().id, make_user().id
    wish(mentee)
    offer(mentor)
    pair = ask(mentee, mentor)
    accept(mentor, pair.id)
    return mentee, mentor, pair.id


def test_sessions_are_logged_once_a_day_and_earn_both_sides_points_and_the_mentor_badge(ctx, make_user):
    mentee, mentor, pair_id = active_pair(make_user)
    today = date(2026, 11, 10)
    services.log_session(person(mentee), pair_id, today, "Relu mon profil.", NOW)
    assert "déjà" in refused(services.log_session, person(mentor), pair_id, today, "Encore", NOW)
    assert "futur" in refused(
        services.log_session, person(mentor), pair_id, today + timedelta(days=1), "", NOW
    )
    assert "antérieure" in refused(
        services.log_session, person(mentor), pair_id, today - timedelta(days=30), "", NOW
    )
    done = {(a.user_id, a.verb) for a in db.session.scalars(sa.select(Activity))}
    assert {(mentor, verbs.SESSION_GIVEN), (mentee, verbs.SESSION_RECEIVED)} <= done
    points = dict(
        db.session.execute(
            sa.select(PointsEntry.user_id, PointsEntry.points).where(PointsEntry.points > 0)
        ).all()
    )
    assert points == {mentor: 20, mentee: 10}
    assert db.session.scalars(sa.select(BadgeAward.user_id).where(BadgeAward.badge == "mentor")).all() == [
        mentor
    ]


def test_either_side_ends_a_pair_with_private_feedback(ctx, make_user):
    mentee, mentor, pair_id = active_pair(make_user)
    stranger = make_user().id
    assert "n'existe pas" in refused(services.end_pair, person(stranger), pair_id)
    services.end_pair(person(mentee), pair_id, "Très utile.", NOW)
    assert "pas actif" in refused(services.log_session, person(mentor), pair_id, date(2026, 11, 10), "", NOW)
    services.leave_feedback(person(mentor), pair_id, "Une belle rencontre.")
    pair = db.session.get_one(MentoringPair, pair_id)
    assert (pair.status, pair.ended_by_id) == (PairStatus.ENDED, mentee)
    assert (pair.mentee_feedback, pair.mentor_feedback) == ("Très utile.", "Une belle rencontre.")
    assert len(notices(mentor, services.ENDED_NOTICE)) == 1


def test_offers_and_wishes_refuse_bad_input(ctx, make_user):
    someone = make_user().id
    archived = MentoringTopic(key="old", name="Ancien sujet", archived=True)
    db.session.add(archived)
    db.session.commit()
    assert refused(offer, someone, topics=()).startswith("Choisissez au moins un sujet")
    assert "sujet" in refused(offer, someone, topics=("old",))
    assert "sujet" in refused(offer, someone, topics=("nonsense",))
    assert "langue" in refused(offer, someone, languages=("de",))
    assert "1 et 5" in refused(offer, someone, capacity=0)
    assert "1 et 5" in refused(offer, someone, capacity=6)
    assert "quelques mots" in refused(wish, someone, goal="   ")
    assert "500" in refused(wish, someone, goal="x" * 501)


def test_a_round_proposes_pairs_that_both_sides_must_accept(ctx, make_user):
    mentor, mentee, left_out = make_user().id, make_user().id, make_user().id
    offer(mentor)
    wish(mentee)
    wish(left_out, topics=(CAREERS,))
    comms = make_user().id
    preview = rounds.preview()
    assert [(p.mentee.id, p.mentor.id) for p in preview.pairs] == [(mentee, mentor)]
    assert [(u.mentee.id, u.reason) for u in preview.unmatched] == [(left_out, "no_matching_offer")]
    assert rounds.preview().fingerprint == preview.fingerprint  # same input, same round
    with pytest.raises(rounds.RoundChanged):
        rounds.confirm(person(comms), "stale", NOW)
    assert db.session.scalar(sa.select(sa.func.count(MentoringPair.id))) == 0
    (pair,) = rounds.confirm(person(comms), preview.fingerprint, NOW)
    pair_id = pair.id
    assert (pair.origin, pair.status) == (PairOrigin.ROUND, PairStatus.PROPOSED)
    assert len(notices(mentor, services.PROPOSED_TO_MENTOR_NOTICE)) == 1
    assert len(notices(mentee, services.PROPOSED_TO_MENTEE_NOTICE)) == 1
    with pytest.raises(services.MentoringError):  # the same round again: it changed, nothing sent twice
        rounds.confirm(person(comms), preview.fingerprint, NOW)
    accept(mentee, pair_id)
    assert status_of(pair_id) == PairStatus.PROPOSED  # the mentor has yet to say yes
    accept(mentor, pair_id)
    assert status_of(pair_id) == PairStatus.ACTIVE
    assert len(notices(mentee, services.STARTED_NOTICE)) == 1
    audit = db.session.scalar(sa.select(Activity).where(Activity.verb == verbs.ROUND_CONFIRMED))
    assert (audit.user_id, audit.payload) == (comms, {"pairs": 1})


def confirmed_round(make_user):
    mentor, mentee, comms = make_user(display_name="Round Mentor").id, make_user().id, make_user().id
    offer(mentor)
    wish(mentee)
    (pair,) = rounds.confirm(person(comms), rounds.preview().fingerprint, NOW)
    return mentor, mentee, pair.id


def test_an_expired_round_proposal_tells_both_sides_and_only_the_mentee_who_is_next(ctx, make_user):
    mentor, mentee, pair_id = confirmed_round(make_user)
    accept(mentor, pair_id)  # the mentee never answers
    later = NOW + timedelta(days=7)
    assert services.expire_overdue(later) == 1
    (to_mentee,) = notices(mentee, services.ROUND_EXPIRED_NOTICE)
    (to_mentor,) = notices(mentor, services.ROUND_EXPIRED_NOTICE)
    assert to_mentee.params == {"name": "Round Mentor", "next": ""}
    assert "next" not in to_mentor.params
    assert to_mentor.created_at == later
    assert notices(mentee, services.EXPIRED_NOTICE) == []  # not "your request": there was none


def test_a_mentee_saying_no_to_a_round_tells_the_mentor_without_pointing_elsewhere(ctx, make_user):
    mentor, mentee, pair_id = confirmed_round(make_user)
    services.answer(person(mentee), pair_id, False, now=NOW)
    (notice,) = notices(mentor, services.DECLINED_NOTICE)
    assert "next" not in notice.params


def test_a_pair_that_starts_answers_the_wish_and_places_waiting_count_against_lower_capacity(ctx, make_user):
    mentor, mentee, pair_id = confirmed_round(make_user)
    offer(mentor, capacity=2)
    other = make_user().id
    wish(other)
    ask(other, mentor)  # two places taken: one proposal from the round, one request
    assert "au moins" in refused(offer, mentor, capacity=1)
    accept(mentor, pair_id)
    accept(mentee, pair_id)
    assert status_of(pair_id) == PairStatus.ACTIVE
    assert services.my_wish(mentee).open is False  # answered: no second mentor in the next round
    assert rounds.preview().pairs == []


def test_a_mentee_accepting_when_the_mentor_is_full_reads_a_message_for_them(ctx, make_user):
    mentor, mentee, pair_id = confirmed_round(make_user)
    (other_pair,) = proposed(mentor, [make_user().id])
    accept(mentor, other_pair)  # the only place goes to someone else
    accept(mentor, pair_id)
    assert "plus de place" in refused(accept, mentee, pair_id)


def test_no_longer_looking_withdraws_the_waiting_request_and_tells_the_mentor(ctx, make_user):
    mentee, mentor = make_user(display_name="Léa").id, make_user().id
    wish(mentee)
    offer(mentor)
    pair = ask(mentee, mentor)
    withdrawn = services.close_wish(person(mentee), NOW)
    assert withdrawn.id == pair.id and status_of(pair.id) == PairStatus.WITHDRAWN
    (notice,) = notices(mentor, services.WITHDRAWN_NOTICE)
    assert notice.params == {"name": "Léa"}
    (asked,) = notices(mentor, services.REQUESTED_NOTICE)
    assert asked.read_at == NOW  # nothing left to answer
    assert "rien à clore" in refused(services.close_wish, person(mentee), NOW)


def test_answering_settles_only_the_notice_about_that_pair(ctx, make_user):
    mentor = make_user().id
    offer(mentor, capacity=2)
    first, second = make_user().id, make_user().id
    for mentee in (first, second):
        wish(mentee)
    first_pair, second_pair = ask(first, mentor), ask(second, mentor)
    accept(mentor, first_pair.id)
    unread = [
        n.link_values["pair_id"] for n in notices(mentor, services.REQUESTED_NOTICE) if n.read_at is None
    ]
    assert unread == [second_pair.id]


def test_a_persons_pages_expire_only_their_overdue_requests(ctx, make_user):
    mentor, mine, theirs = make_user().id, make_user().id, make_user().id
    offer(mentor, capacity=2)
    for mentee in (mine, theirs):
        wish(mentee)
    mine_pair, their_pair = ask(mine, mentor), ask(theirs, mentor)
    later = NOW + timedelta(days=8)
    assert services.expire_overdue(later, user_id=mine) == 1
    assert (status_of(mine_pair.id), status_of(their_pair.id)) == (PairStatus.EXPIRED, PairStatus.PROPOSED)


@pytest.mark.parametrize(
    ("name", "name_en", "field"),
    [
        ("prendre LA parole", "", "name"),  # another topic's French name, whatever the case
        ("Tourner une vidéo", "speaking in public", "name_en"),  # another topic's English name
        ("Événements", "", "name"),  # a content theme's French name
        ("Vidéo", "Events", "name_en"),  # a content theme's English name
    ],
)
def test_a_topic_name_is_unique_across_topics_themes_and_languages(ctx, make_user, name, name_en, field):
    comms = make_user().id
    services.save_topic(
        person(comms), None, services.TopicInput("Prendre la parole", "Speaking in public", [], None)
    )
    with pytest.raises(services.MentoringError) as refusal:
        services.save_topic(person(comms), None, services.TopicInput(name, name_en, [], None))
    assert refusal.value.field == field
