"""Home's cards are drawn once per state (core/cards.py): whatever a card shows, when it
changes, the next view shows it, in the reader's language."""

import re

import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.challenges.models import Challenge
from blueprints.content import verbs as content_verbs
from blueprints.content.models import ContentItem
from blueprints.events.models import Event
from blueprints.notifications.services import notify
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.recognition.models import BadgeAward
from blueprints.rewards.models import Reward, RewardKind
from tests.conftest import post, text


def home(client) -> str:
    """Home as it reads, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(client.get("/"))).split())


def card(page: str, title: str, next_title: str) -> str:
    return page[page.index(title) : page.index(next_title)]


def change(app, model, row_id: int, **fields) -> None:
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.commit()


def share(app, person_id: int, item_id: int) -> None:
    with app.app_context():
        record(db.session.get(User, person_id), content_verbs.CONTENT_SHARED, "content", item_id)
        db.session.commit()


def test_the_persona_and_next_steps_cards_follow_the_quiz_and_the_notifications(app, client, signed_in):
    me = signed_in(language="en")
    assert "What kind of ambassador are you?" in home(client)
    with app.app_context():
        result = QuizResult(user_id=me.id, version=1, answers={}, networks=[], primary_persona="messenger")
        result.scores = [
            PersonaScore(persona="messenger", score=0.9, rank=1, held=True, also_you=False),
            PersonaScore(persona="expert", score=0.85, rank=2, held=True, also_you=True),
        ]
        db.session.add(result)
        db.session.commit()
        expert = (result.id, "expert")
    page = home(client)
    assert "Your ambassador profile: Messenger" in page and "Also you: Expert" in page
    steps = card(page, "Your next steps", "To share this week")
    assert "Done: you know your ambassador profile." in steps and "all read" in steps
    change(app, PersonaScore, expert, also_you=False)  # the result scored again
    assert "Also you" not in home(client)
    with app.app_context():
        notify(db.session.get(User, me.id), "welcome", {"name": "Zoé"}, link=("profile.me", {}))
        db.session.commit()
    assert "1 unread" in card(home(client), "Your next steps", "To share this week")
    post(client, "/language", {"language": "fr"})
    assert "Votre profil d'ambassadeur" in home(client)


def test_the_feed_and_events_cards_follow_renamed_items_and_sign_ups(
    app, client, signed_in, make_item, make_event
):
    signed_in(language="en")
    item = make_item(title="Our new office", language="en")
    event = make_event(title="Photo walk", language="en", capacity=10)
    page = home(client)
    assert "Our new office" in card(page, "To share this week", "Coming up")
    assert "Photo walk" in card(page, "Coming up", "Your progress")
    change(app, ContentItem, item, title="Our bigger office")
    change(app, Event, event, title="Photo walk by the river")
    page = home(client)
    assert "Our bigger office" in page and "Our new office" not in page
    assert "Photo walk by the river" in card(page, "Coming up", "Your progress")
    post(client, f"/events/{event}/register")
    assert "Photo walk by the river" in card(home(client), "My next events", "Your progress")


def test_the_recognition_card_follows_points_badges_and_rewards(app, client, signed_in, make_item):
    me = signed_in(language="en")
    with app.app_context():
        reward = Reward(kind=RewardKind.SYMBOLIC, title_en="A donation", title_fr=None, cost=40, stock=None)
        db.session.add(reward)
        db.session.commit()
        reward_id = reward.id

    def recognition() -> str:
        return card(home(client), "Your recognition", "New notifications")

    assert "0 points earned" in recognition() and "Latest badge" not in recognition()
    assert "A donation — 40 points to go" in recognition()
    share(app, me.id, make_item())
    assert "5 points earned" in recognition() and "1 week in a row" in recognition()
    assert "Latest badge: 📣 First share" in recognition()
    assert "A donation — 35 points to go" in recognition()
    change(app, Reward, reward_id, title_en="A gift to charity")
    assert "A gift to charity — 35 points to go" in recognition()
    with app.app_context():
        db.session.add(BadgeAward(user_id=me.id, badge="shares_10", earned_at=utcnow()))
        db.session.commit()
    assert "Latest badge: 🔟 Ten shares" in recognition()


def test_home_lists_the_persons_next_events_or_else_the_next_to_join_in_one_query(
    app, make_user, make_event, count_queries
):
    from datetime import timedelta

    from blueprints.events.listing import HOME_EVENTS, home_parameters
    from blueprints.events.models import EventStatus, Registration, RegistrationStatus

    person = make_user()
    later, sooner, soonest = (make_event(starts_at=utcnow() + timedelta(days=days)) for days in (9, 5, 2))
    make_event(starts_at=utcnow() - timedelta(minutes=5))  # under way: no longer to join
    make_event(starts_at=utcnow() + timedelta(days=1), status=EventStatus.CANCELLED)

    def listed(limit: int = 3) -> tuple[list[int], bool]:
        with app.app_context(), count_queries() as counter:
            events, theirs = HOME_EVENTS.read(
                home_parameters(db.session.get(User, person.id), utcnow(), limit)
            )
        assert counter.count == 2, counter.statements  # the person, then both lists at once
        return [event.id for event in events], theirs

    assert listed() == ([soonest, sooner, later], False)
    assert listed(limit=2) == ([soonest, sooner], False)
    with app.app_context():
        db.session.add(Registration(event_id=later, user_id=person.id, status=RegistrationStatus.CONFIRMED))
        db.session.add(Registration(event_id=sooner, user_id=person.id, status=RegistrationStatus.CANCELLED))
        db.session.commit()
    assert listed() == ([later], True)


def test_home_reads_the_persons_own_facts_in_one_query_as_each_feature_reads_them(
    app, make_user, make_event, make_item, create_challenge, count_queries
):
    from datetime import timedelta

    from flask_babel import force_locale

    from blueprints.activity.services import progress_parameters
    from blueprints.challenges.services import HOME_CHALLENGES, home_challenges_of, join
    from blueprints.challenges.services import home_parameters as challenges_parameters
    from blueprints.content.feed import feed_preview
    from blueprints.core.services import PROGRESS, home_progress, mentoring_step, personal_facts
    from blueprints.events.listing import HOME_EVENTS
    from blueprints.events.listing import home_parameters as events_parameters
    from blueprints.mentoring.services import HOME_FACTS
    from blueprints.quiz.services import latest_profile
    from blueprints.recognition.services import balance_of, streak_and_badges
    from blueprints.rewards.services import WITHIN_REACH

    person = make_user()
    make_event(title="Photo walk")
    make_item(title="Our new office")
    now = utcnow()
    running = create_challenge(now - timedelta(days=1), now + timedelta(days=6))
    create_challenge(now + timedelta(days=2), now + timedelta(days=9), title_en="Next week")
    with app.app_context():
        join(db.session.get(User, person.id), running)
        result = QuizResult(
            user_id=person.id, version=1, answers={}, networks=[], primary_persona="messenger"
        )
        result.scores = [
            PersonaScore(persona="messenger", score=0.9, rank=1, held=True, also_you=False),
            PersonaScore(persona="expert", score=0.85, rank=2, held=True, also_you=True),
            PersonaScore(persona="reporter", score=0.2, rank=3, held=False, also_you=False),
        ]
        db.session.add_all(
            [
                result,
                BadgeAward(user_id=person.id, badge="shares_10", earned_at=now - timedelta(days=2)),
                BadgeAward(user_id=person.id, badge="shares_50", earned_at=now - timedelta(hours=1)),
                Reward(
                    kind=RewardKind.SYMBOLIC, title_fr="Un arbre planté", title_en=None, cost=40, stock=None
                ),
            ]
        )
        db.session.commit()
    with app.app_context(), force_locale("en"):
        user = db.session.get(User, person.id)
        profile = latest_profile(person.id)
        alone = (  # each read as its feature reads it (the challenge's standings are then cached)
            home_progress(PROGRESS.read(progress_parameters(person.id, now))),
            profile,
            streak_and_badges(person.id, now),
            WITHIN_REACH.read({"spendable": balance_of(person.id).spendable}),
            mentoring_step(person.id, profile.own, now, HOME_FACTS.read({"person": person.id})),
            HOME_EVENTS.read(events_parameters(user, now)),
            home_challenges_of(user, HOME_CHALLENGES.read(challenges_parameters(user, now)), now),
            feed_preview(user, now, 3),
        )
        with count_queries() as counter:
            facts = personal_facts(user, now, 3)
    assert counter.count == 2, counter.statements  # the person's points, then all at once
    assert (facts.progress.this_week, facts.progress.total, len(facts.progress.recent)) == (1, 1, 1)  # joined
    assert (facts.quiz_profile.also_you, facts.quiz_profile.own) == (("expert",), {"messenger", "expert"})
    assert [earned.badge.key for earned in facts.recognition.badges] == ["shares_50", "shares_10"]
    assert (facts.reward.title.text, facts.reward.title.lang, facts.reward.missing) == (
        "Un arbre planté",
        "fr",
        40,
    )
    assert facts.mentoring.step == "offer"  # an expert (also you) is pointed to offering mentoring
    assert ([event.title for event in facts.events[0]], facts.events[1]) == (["Photo walk"], False)
    assert [entry.challenge.title_en for entry in facts.challenges.mine] == ["Share week"]
    assert [preview.title for preview in facts.feed_preview] == ["Our new office"]
    together = (
        facts.progress,
        facts.quiz_profile,
        (facts.recognition.streak, facts.recognition.badges),
        facts.reward,
        facts.mentoring,
        facts.events,
        facts.challenges,
        facts.feed_preview,
    )
    assert together == alone


def test_the_welcome_challenges_and_notifications_cards_follow_what_they_show(
    app, client, signed_in, create_challenge
):
    from datetime import timedelta

    from blueprints.notifications.models import Notification

    me = signed_in(language="en", display_name="Zoé Martin")
    assert "Hello, Zoé" in home(client) and "Your challenges" not in home(client)
    change(app, User, me.id, display_name="Maya Martin")
    assert "Hello, Maya" in home(client)
    running = create_challenge(utcnow() - timedelta(days=1), utcnow() + timedelta(days=6))
    assert "1 challenge is open to you" in card(home(client), "Your challenges", "Your progress")
    post(client, f"/challenges/{running}/join")
    mine = card(home(client), "Your challenges", "Your progress")
    assert "Share week" in mine and "Nothing counted yet" in mine and "open to you" not in mine
    change(app, Challenge, running, title_en="Share month")
    assert "Share month" in card(home(client), "Your challenges", "Your progress")

    def news() -> str:
        return card(home(client), "New notifications", "Why be an ambassador?")

    assert "Nothing new for now." in news()
    with app.app_context():
        notify(db.session.get(User, me.id), "welcome", {"name": "Zoé"}, link=("profile.me", {}))
        db.session.commit()
        notification = db.session.scalar(sa.select(Notification.id).where(Notification.user_id == me.id))
    assert "Welcome to Porte-voix, Zoé!" in news() and "Open" in news()
    change(app, Notification, notification, params={"name": "Maya"})
    assert "Welcome to Porte-voix, Maya!" in news()
    post(client, "/notifications/read-all")
    assert "Nothing new for now." in news()
