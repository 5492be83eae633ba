"""Mentoring's pages for everyone (SPEC §4.5): offer and ask through the forms, with their
errors (422, beside the field); suggestions with their reasons; request → accept → the pair's
page → a session logged; decline, withdraw, a matching round's proposal, the end with private
feedback; who may see a pair; CSRF; the overview's query budget; home's and the personae's
pointers."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Department, Role, User
from blueprints.content.models import ContentItem, Share
from blueprints.core.services import mentoring_step
from blueprints.mentoring import services
from blueprints.mentoring.models import (
    MenteeWish,
    MentoringPair,
    MentoringSession,
    MentoringTopic,
    MentorOffer,
    PairOrigin,
    PairStatus,
)
from blueprints.mentoring.services import HOME_FACTS, OfferInput, WishInput
from blueprints.notifications.models import Notification
from blueprints.quiz.models import PersonaScore, QuizResult
from tests.conftest import post, queries_before_and_after, text

EXPERTISE, CAREERS = "theme:expertise", "theme:careers"
PARIS = ZoneInfo("Europe/Paris")  # the tests' programme time zone: people's "today"
SPEAKING = "public_speaking"


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def topics(app):
    """A topic comms manage (the tests' database has no migration data), beside the themes."""
    with app.app_context():
        db.session.add(
            MentoringTopic(
                key=SPEAKING,
                name="Prendre la parole en public",
                name_en="Speaking in public",
                personae=["expert", "agitator"],
                theme="expertise",
                position=1,
            )
        )
        db.session.commit()


@pytest.fixture
def mentoring(app):
    """Offers, wishes, requests and answers made through the services (ids in, ids out)."""

    def person(user_id: int) -> User:
        return db.session.get(User, user_id)

    def offer(user_id, topics=(EXPERTISE,), languages=("en",), capacity=2, note=""):
        with app.app_context():
            services.save_offer(person(user_id), OfferInput(list(topics), list(languages), capacity, note))

    def wish(user_id, topics=(EXPERTISE,), languages=("en",), goal="Write my first post."):
        with app.app_context():
            services.save_wish(person(user_id), WishInput(list(topics), list(languages), goal))

    def request(mentee_id, mentor_id, message="Hello, could you help me?") -> int:
        with app.app_context():
            return services.request_mentor(person(mentee_id), mentor_id, message).id

    def answer(user_id, pair_id, accept=True, reply="", rhythm="fortnightly"):
        with app.app_context():
            services.answer(person(user_id), pair_id, accept, reply, rhythm)

    def active_pair(mentee_id, mentor_id) -> int:
        offer(mentor_id)
        wish(mentee_id)
        pair_id = request(mentee_id, mentor_id)
        answer(mentor_id, pair_id)
        return pair_id

    return SimpleNamespace(offer=offer, wish=wish, request=request, answer=answer, active_pair=active_pair)


def stored(app, model, *where) -> list:
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).where(*where).order_by(model.id)))
        db.session.expunge_all()
        return found


def pair_of(app, pair_id: int) -> MentoringPair:
    with app.app_context():
        found = db.session.get(MentoringPair, pair_id)
        db.session.expunge(found)
        return found


def field_error(page: str, field_id: str) -> str:
    """The error shown under a field, found by the id its input points to (aria-describedby)."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def section(page: str, title_id: str) -> str:
    """A section of a page, from its heading to the next section."""
    start = page.index(f'id="{title_id}"')
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


def today() -> date:
    return datetime.now(PARIS).date()


def sign_in_as(client, auth, person):
    auth.logout()
    assert auth.login(person.email).status_code == 302


# --- every page renders ----------------------------------------------------------------------


def test_every_page_renders_for_a_signed_in_employee(app, client, signed_in, make_user, mentoring, topics):
    mentor = make_user(language="en", display_name="Mona Mentor")
    me = signed_in(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id, note="Mornings, by video.")
    pages = {
        "/mentoring": "Mentoring",
        "/mentoring/offer": "Offer mentoring",
        "/mentoring/ask": "Ask for a mentor",
        f"/mentoring/mentors/{mentor.id}": "Mona Mentor",
    }
    for path, heading in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert re.search(rf"<h1[^>]*>{heading}</h1>", text(response)), path
    pair_id = mentoring.active_pair(me.id, mentor.id)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "<h1>Mentoring with Mona Mentor</h1>" in page
    assert "Speaking in public" in text(client.get("/mentoring/offer"))  # a managed topic beside the themes


def test_the_pair_page_is_only_for_the_two_people(app, client, auth, signed_in, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    pair_id = mentoring.active_pair(mentee.id, mentor.id)
    for person in (mentor, mentee):
        sign_in_as(client, auth, person)
        assert client.get(f"/mentoring/pairs/{pair_id}").status_code == 200
    for role in (Role.EMPLOYEE, Role.COMMS, Role.ADMIN):
        auth.logout()
        signed_in(role, language="en")
        assert client.get(f"/mentoring/pairs/{pair_id}").status_code == 404, role
        for action in ("sessions", "end", "feedback", "withdraw"):
            response = post(client, f"/mentoring/pairs/{pair_id}/{action}", {"held_on": today().isoformat()})
            assert response.status_code == 404, action
        answer = post(client, f"/mentoring/pairs/{pair_id}/answer", {f"answer-{pair_id}-decision": "accept"})
        assert answer.status_code == 404
    assert client.get("/mentoring/pairs/999999").status_code == 404
    assert stored(app, MentoringSession) == [] and pair_of(app, pair_id).status == PairStatus.ACTIVE


def test_a_mentor_page_needs_an_offer_and_a_closed_one_says_so(client, signed_in, make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    nobody = make_user(language="en")
    signed_in(language="en")
    assert client.get(f"/mentoring/mentors/{nobody.id}").status_code == 404  # never offered
    assert client.get("/mentoring/mentors/999999").status_code == 404
    mentoring.offer(mentor.id)
    assert client.get(f"/mentoring/mentors/{mentor.id}").status_code == 200
    with client.application.app_context():
        services.close_offer(db.session.get(User, mentor.id))
    closed = client.get(f"/mentoring/mentors/{mentor.id}")
    assert closed.status_code == 200  # not a dead end: said so, with a way on
    page = text(closed)
    assert '<h1 id="mentor-title">Mona Mentor</h1>' in page
    assert "Mona Mentor no longer takes new mentees." in page
    assert 'href="/mentoring#suggestions"' in page and 'name="message"' not in page


# --- offering and asking -----------------------------------------------------------------------


def test_the_offer_form_saves_prefills_and_closes(app, client, signed_in, topics):
    me = signed_in(language="en")
    form = client.get("/mentoring/offer")
    assert re.search(r'<input checked[^>]*value="en"', text(form))  # the reader's language, to start with
    assert not re.search(r'<input checked[^>]*value="fr"', text(form))
    response = post(
        client,
        "/mentoring/offer",
        {"topics": [SPEAKING, CAREERS], "languages": ["fr", "en"], "capacity": "3", "note": "  Mornings.  "},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/mentoring"
    [offer] = stored(app, MentorOffer)
    assert (offer.user_id, offer.topics, offer.languages, offer.capacity, offer.note, offer.open) == (
        me.id,
        [SPEAKING, CAREERS],
        ["fr", "en"],
        3,
        "Mornings.",
        True,
    )
    overview = text(client.get("/mentoring"))
    assert "Colleagues looking for a mentor can now find you" in overview
    offered = section(overview, "offer-title")
    assert (
        "Open to new mentees" in offered
        and "Speaking in public" in offered
        and "3 mentees at most" in offered
    )
    prefilled = text(client.get("/mentoring/offer"))
    assert re.search(r'<option selected value="3">|<option[^>]*value="3"[^>]*selected', prefilled)
    assert "Mornings.</textarea>" in prefilled

    assert post(client, "/mentoring/offer/close").status_code == 303
    assert stored(app, MentorOffer)[0].open is False
    overview = text(client.get("/mentoring"))
    assert "You take no new mentees now" in overview
    assert "Open to new mentees" not in overview and "Offer mentoring again" in overview
    again = post(client, "/mentoring/offer/close")
    assert again.status_code == 303
    assert "There is nothing to close" in text(client.get("/mentoring"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"languages": ["en"], "capacity": "1"}, "topics", "Choose at least one topic from the list."),
        (
            {"topics": [EXPERTISE], "capacity": "1"},
            "languages",
            "Choose at least one language from the list.",
        ),
        ({"topics": [EXPERTISE], "languages": ["en"], "capacity": "0"}, "capacity", "Take between 1 and 5"),
        ({"topics": [EXPERTISE], "languages": ["en"], "capacity": "99"}, "capacity", "Take between 1 and 5"),
        ({"topics": [EXPERTISE], "languages": ["en"], "capacity": "two"}, "capacity", "Take between 1 and 5"),
        (
            {"topics": [EXPERTISE], "languages": ["en"], "capacity": "1", "note": "x" * 501},
            "note",
            "Keep it to 500 characters.",
        ),
    ],
    ids=["no-topic", "no-language", "capacity-0", "capacity-99", "capacity-word", "note-too-long"],
)
def test_a_refused_offer_comes_back_with_the_error_beside_its_field(
    app, client, signed_in, data, field, message
):
    signed_in(language="en")
    response = post(client, "/mentoring/offer", data)
    assert response.status_code == 422
    page = text(response)
    assert message in field_error(page, field)
    assert 'class="error-summary"' in page
    if field in ("capacity", "note"):  # a single control points to its error
        assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', page) or re.search(
            rf'aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', page
        )
    else:  # a group of boxes: its fieldset does
        assert re.search(rf'<fieldset class="choices" aria-describedby="[^"]*{field}-error', page)
    assert stored(app, MentorOffer) == []


def test_capacity_below_the_current_mentees_is_refused_by_the_service(
    app, client, auth, make_user, mentoring
):
    mentor = make_user(language="en")
    mentoring.active_pair(make_user(language="en").id, mentor.id)
    mentoring.wish(mentee := make_user(language="en").id)
    mentoring.answer(mentor.id, mentoring.request(mentee, mentor.id))
    sign_in_as(client, auth, mentor)
    response = post(client, "/mentoring/offer", {"topics": [EXPERTISE], "languages": ["en"], "capacity": "1"})
    assert response.status_code == 422
    assert "You mentor, or have a proposal waiting with, 2 people: take at least that many." in field_error(
        text(response), "capacity"
    )
    assert stored(app, MentorOffer)[0].capacity == 2


def test_the_ask_form_saves_and_refuses(app, client, signed_in):
    signed_in(language="en")
    empty = post(client, "/mentoring/ask", {"topics": [EXPERTISE], "languages": ["en"], "goal": "   "})
    assert empty.status_code == 422
    assert "Say in a few words what you would like to achieve." in field_error(text(empty), "goal")
    long = post(client, "/mentoring/ask", {"topics": [EXPERTISE], "languages": ["en"], "goal": "g" * 501})
    assert long.status_code == 422 and "Keep it to 500 characters." in field_error(text(long), "goal")
    unknown = post(client, "/mentoring/ask", {"topics": ["theme:nope"], "languages": ["en"], "goal": "Grow"})
    assert unknown.status_code == 422 and field_error(text(unknown), "topics")
    assert stored(app, MenteeWish) == []

    saved = post(client, "/mentoring/ask", {"topics": [EXPERTISE], "languages": ["en"], "goal": "Speak up."})
    assert saved.status_code == 303 and saved.headers["Location"] == "/mentoring#suggestions"
    [wish] = stored(app, MenteeWish)
    assert (wish.topics, wish.languages, wish.goal, wish.open) == ([EXPERTISE], ["en"], "Speak up.", True)
    overview = text(client.get("/mentoring"))
    assert "Speak up." in section(overview, "wish-title")
    assert "No mentor fits your wish just now." in overview
    assert "Speak up.</textarea>" in text(client.get("/mentoring/ask"))

    assert post(client, "/mentoring/ask/close").status_code == 303
    assert stored(app, MenteeWish)[0].open is False
    overview = text(client.get("/mentoring"))
    assert "You are no longer looking for a mentor." in overview and 'id="suggestions-title"' not in overview


def test_asking_from_a_mentor_page_comes_back_to_it(client, signed_in, make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentoring.offer(mentor.id)
    signed_in(language="en")
    page = text(client.get(f"/mentoring/mentors/{mentor.id}"))
    assert "Ask Mona to mentor you" in page and f'href="/mentoring/ask?mentor={mentor.id}"' in page
    assert 'name="message"' not in page  # no wish yet: nothing to send
    saved = post(
        client,
        f"/mentoring/ask?mentor={mentor.id}",
        {"topics": [EXPERTISE], "languages": ["en"], "goal": "Go"},
    )
    assert saved.status_code == 303 and saved.headers["Location"] == f"/mentoring/mentors/{mentor.id}"
    page = text(client.get(f"/mentoring/mentors/{mentor.id}"))
    assert 'name="message"' in page and "Why this person" in page


# --- the flow: suggestions, request, answer, the pair, sessions ------------------------------


def test_request_accept_then_the_pair_page_and_a_session_for_both(app, client, auth, make_user, mentoring):
    with app.app_context():
        sales = Department(name="Ventes", name_en="Sales")
        db.session.add(sales)
        db.session.commit()
        sales_id = sales.id
    mentor = make_user(language="en", display_name="Mona Mentor", department_id=sales_id)
    other = make_user(language="en", display_name="Otto Other")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id, topics=(EXPERTISE, CAREERS), note="Mornings, by video.")
    mentoring.offer(other.id, topics=(CAREERS,))
    sign_in_as(client, auth, mentee)
    assert (
        post(
            client, "/mentoring/ask", {"topics": [EXPERTISE], "languages": ["en"], "goal": "Speak up"}
        ).status_code
        == 303
    )

    overview = text(client.get("/mentoring"))
    suggested = section(overview, "suggestions-title")
    assert "Mona Mentor" in suggested and "Sales" in suggested and "Mornings, by video." in suggested
    assert "Why this person" in suggested and "Offers what you ask for: Expertise and innovation" in suggested
    assert "Speaks English with you" in suggested and "2 free places" in suggested
    assert "Otto Other" not in suggested  # offers none of the topics asked for
    assert f'href="/mentoring/mentors/{mentor.id}"' in suggested

    page = text(client.get(f"/mentoring/mentors/{mentor.id}"))
    assert "Ask Mona to mentor you" in page and "Offers what you ask for" in page
    refused = post(client, f"/mentoring/mentors/{mentor.id}/request", {"message": " "})
    assert refused.status_code == 422
    assert "Write a few words to introduce yourself." in field_error(text(refused), "message")
    too_long = post(client, f"/mentoring/mentors/{mentor.id}/request", {"message": "m" * 501})
    assert too_long.status_code == 422 and "Keep it to 500 characters." in field_error(
        text(too_long), "message"
    )
    assert stored(app, MentoringPair) == []
    sent = post(client, f"/mentoring/mentors/{mentor.id}/request", {"message": "I would love your help."})
    assert sent.status_code == 303 and sent.headers["Location"] == "/mentoring"
    [pair] = stored(app, MentoringPair)
    assert (pair.mentor_id, pair.mentee_id, pair.status, pair.message) == (
        mentor.id,
        mentee.id,
        PairStatus.PROPOSED,
        "I would love your help.",
    )
    overview = text(client.get("/mentoring"))
    assert "Your request is on its way to Mona Mentor. They have 7 days to answer" in overview
    waiting = section(overview, "waiting-title")
    assert "Mentoring request to Mona Mentor" in waiting and "Withdraw my request" in waiting
    assert "You are waiting for an answer from Mona Mentor." in section(overview, "wish-title")
    assert 'id="suggestions-title"' not in overview  # one request at a time
    assert "You are already waiting for an answer" in text(client.get(f"/mentoring/mentors/{other.id}"))
    # The waiting request, as the mentee reads it: hers, her message, no rhythm before the mentor's yes.
    page = text(client.get(f"/mentoring/pairs/{pair.id}"))
    assert "<h1>Mentoring request to Mona Mentor</h1>" in page
    assert "<title>Mentoring request to Mona Mentor" in page
    assert "Your request," in page and "Asked by the mentee" not in page
    assert "Your message" in page and "Message from" not in page
    assert "Rhythm" not in page

    sign_in_as(client, auth, mentor)
    page = text(client.get(f"/mentoring/pairs/{pair.id}"))
    assert "<h1>Mentoring request from Mel Mentee</h1>" in page and "Their request," in page
    asks = section(page, "about-title")
    assert "What Mel asks for" in asks and "Speak up" in asks and "English" in asks  # her languages too
    assert "Message from Mel" in asks and "Rhythm" not in asks
    overview = text(client.get("/mentoring"))
    to_answer = section(overview, "to-answer-title")
    assert "Mel Mentee" in to_answer and "I would love your help." in to_answer and "Speak up" in to_answer
    assert "<dt>Languages</dt><dd>English</dd>" in to_answer
    assert f'name="answer-{pair.id}-reply"' in to_answer and f'name="answer-{pair.id}-rhythm"' in to_answer
    accepted = post(
        client,
        f"/mentoring/pairs/{pair.id}/answer",
        {
            f"answer-{pair.id}-decision": "accept",
            f"answer-{pair.id}-reply": "With pleasure!",
            f"answer-{pair.id}-rhythm": "weekly",
            "back": "index",
        },
    )
    assert accepted.status_code == 303 and accepted.headers["Location"] == f"/mentoring/pairs/{pair.id}"
    page = text(client.get(f"/mentoring/pairs/{pair.id}"))
    assert "You are now Mel Mentee’s mentor" in page
    assert '<span class="status status--active">Active</span>' in page
    assert "With pleasure!" in page and "Every week, 30 minutes" in page and "I would love your help." in page
    assert "<h1>Mentoring with Mel Mentee</h1>" in page and "Your reply" in page
    assert 'name="held_on"' in page and f'value="{today().isoformat()}"' in page  # today by default
    assert "Mentoring with Mel Mentee" in section(text(client.get("/mentoring")), "active-title")

    logged = post(
        client, f"/mentoring/pairs/{pair.id}/sessions", {"held_on": today().isoformat(), "notes": "Plan"}
    )
    assert logged.status_code == 303 and logged.headers["Location"] == f"/mentoring/pairs/{pair.id}#sessions"
    [session] = stored(app, MentoringSession)
    assert (session.pair_id, session.held_on, session.notes, session.logged_by_id) == (
        pair.id,
        today(),
        "Plan",
        mentor.id,
    )
    again = post(client, f"/mentoring/pairs/{pair.id}/sessions", {"held_on": today().isoformat()})
    assert again.status_code == 422
    assert "A session on this date is already in the log." in field_error(text(again), "held_on")
    future = (today() + timedelta(days=2)).isoformat()
    later = post(client, f"/mentoring/pairs/{pair.id}/sessions", {"held_on": future})
    assert later.status_code == 422 and "this date is in the future" in field_error(text(later), "held_on")
    assert len(stored(app, MentoringSession)) == 1

    sign_in_as(client, auth, mentee)
    page = text(client.get(f"/mentoring/pairs/{pair.id}"))
    assert "Active" in page and "With pleasure!" in page
    sessions = section(page, "sessions-title")
    assert "Plan" in sessions and "Logged by Mona" in sessions
    overview = text(client.get("/mentoring"))
    wish = section(overview, "wish-title")
    assert "Mona Mentor is your mentor." in wish
    assert "Ask for a mentor" not in wish and "Stop looking" not in wish  # the wish is answered
    assert 'id="suggestions-title"' not in overview


def test_declining_tells_the_mentee_and_frees_them_to_ask_someone_else(
    app, client, auth, make_user, mentoring
):
    mentor = make_user(language="en", display_name="Mona Mentor")
    second = make_user(language="en", display_name="Sam Second")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id)
    mentoring.offer(second.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    sign_in_as(client, auth, mentor)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "Your answer" in page and f'name="answer-{pair_id}-decision"' in page
    declined = post(
        client,
        f"/mentoring/pairs/{pair_id}/answer",
        {f"answer-{pair_id}-decision": "decline", f"answer-{pair_id}-reply": "Too busy this month, sorry."},
    )
    assert declined.status_code == 303 and declined.headers["Location"] == "/mentoring"
    stored_pair = pair_of(app, pair_id)
    assert (stored_pair.status, stored_pair.reply) == (PairStatus.DECLINED, "Too busy this month, sorry.")
    overview = text(client.get("/mentoring"))
    assert "You said no. Mel Mentee has been told." in overview and 'id="to-answer-title"' not in overview

    sign_in_as(client, auth, mentee)
    overview = text(client.get("/mentoring"))
    assert '<span class="status status--declined">Declined</span>' in section(overview, "past-title")
    suggested = section(overview, "suggestions-title")
    assert "Sam Second" in suggested and "Mona Mentor" not in suggested  # never a previous pair
    page = text(client.get(f"/mentoring/mentors/{mentor.id}"))
    assert "You have already been paired with this person, or asked them before." in page
    assert 'name="message"' not in page
    assert "Too busy this month, sorry." in text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "Sam Second could help you: ask them from your mentoring page." in text(
        client.get("/notifications")
    )


def test_a_declined_mentee_with_nobody_else_is_told_so(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    mentoring.answer(mentor.id, mentoring.request(mentee.id, mentor.id), accept=False)
    sign_in_as(client, auth, mentee)
    told = "No other mentor fits your wish just now: new offers will show on your mentoring page."
    assert told in text(client.get("/notifications"))
    assert "No mentor fits your wish just now." in text(client.get("/mentoring"))


def test_the_mentee_withdraws_a_waiting_request(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en", display_name="Mona Mentor"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    sign_in_as(client, auth, mentor)
    assert post(client, f"/mentoring/pairs/{pair_id}/withdraw").status_code == 303  # not theirs to take back
    assert pair_of(app, pair_id).status == PairStatus.PROPOSED
    sign_in_as(client, auth, mentee)
    response = post(client, f"/mentoring/pairs/{pair_id}/withdraw")
    assert response.status_code == 303 and response.headers["Location"] == "/mentoring"
    assert pair_of(app, pair_id).status == PairStatus.WITHDRAWN
    overview = text(client.get("/mentoring"))
    assert "Your request to Mona Mentor is withdrawn." in overview
    assert "Mona Mentor" in section(overview, "suggestions-title")  # a withdrawn request is no previous pair
    sign_in_as(client, auth, mentor)
    assert 'id="to-answer-title"' not in text(client.get("/mentoring"))


def test_a_refused_reply_comes_back_to_the_overview_beside_its_field(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    sign_in_as(client, auth, mentor)
    prefix = f"answer-{pair_id}"
    data = {f"{prefix}-decision": "accept", f"{prefix}-reply": "r" * 501, "back": "index"}
    response = post(client, f"/mentoring/pairs/{pair_id}/answer", data)
    assert response.status_code == 422
    page = text(response)
    assert 'id="to-answer-title"' in page and "Keep it to 500 characters." in field_error(
        page, f"{prefix}-reply"
    )
    on_pair_page = post(client, f"/mentoring/pairs/{pair_id}/answer", {**data, "back": ""})
    assert on_pair_page.status_code == 422 and 'id="about-title"' in text(on_pair_page)
    bad_rhythm = post(
        client,
        f"/mentoring/pairs/{pair_id}/answer",
        {f"{prefix}-decision": "accept", f"{prefix}-rhythm": "daily"},
    )
    assert bad_rhythm.status_code == 422 and field_error(text(bad_rhythm), f"{prefix}-rhythm")
    assert (
        post(client, f"/mentoring/pairs/{pair_id}/answer", {f"{prefix}-decision": "maybe"}).status_code == 400
    )
    assert pair_of(app, pair_id).status == PairStatus.PROPOSED


def test_a_matching_round_proposal_needs_both_yeses(app, client, auth, make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    now = utcnow()
    with app.app_context():
        pair = MentoringPair(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            origin=PairOrigin.ROUND,
            topics=[EXPERTISE],
            goal="Write my first post.",
            requested_at=now,
            expires_at=now + timedelta(days=7),
        )
        db.session.add(pair)
        db.session.commit()
        pair_id = pair.id
    sign_in_as(client, auth, mentee)
    to_answer = section(text(client.get("/mentoring")), "to-answer-title")
    assert "Proposed by the comms team" in to_answer and "they would be your mentor" in to_answer
    assert f'name="answer-{pair_id}-reply"' not in to_answer  # the reply and the rhythm are the mentor's
    response = post(client, f"/mentoring/pairs/{pair_id}/answer", {f"answer-{pair_id}-decision": "accept"})
    assert response.status_code == 303
    assert "Mona Mentor has yet to answer" in text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert pair_of(app, pair_id).status == PairStatus.PROPOSED
    assert "Proposed pairing with Mona Mentor" in section(text(client.get("/mentoring")), "waiting-title")

    sign_in_as(client, auth, mentor)
    assert "you would be the mentor" in section(text(client.get("/mentoring")), "to-answer-title")
    response = post(
        client,
        f"/mentoring/pairs/{pair_id}/answer",
        {f"answer-{pair_id}-decision": "accept", f"answer-{pair_id}-rhythm": "monthly"},
    )
    assert response.status_code == 303
    assert "You both said yes: your mentoring with Mel Mentee starts." in text(
        client.get(f"/mentoring/pairs/{pair_id}")
    )
    found = pair_of(app, pair_id)
    assert (found.status, found.rhythm.value) == (PairStatus.ACTIVE, "monthly")


def test_ending_with_feedback_keeps_it_private_to_comms(app, client, auth, make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")
    pair_id = mentoring.active_pair(mentee.id, mentor.id)
    sign_in_as(client, auth, mentee)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "Only the comms team reads it, not Mona." in page
    too_long = post(client, f"/mentoring/pairs/{pair_id}/end", {"feedback": "f" * 1001})
    assert too_long.status_code == 422 and "Keep it to 1000 characters." in field_error(
        text(too_long), "feedback"
    )
    assert '<details class="reject-panel" open>' in text(too_long)
    assert pair_of(app, pair_id).status == PairStatus.ACTIVE
    ended = post(client, f"/mentoring/pairs/{pair_id}/end", {"feedback": "Very helpful, thank you."})
    assert ended.status_code == 303 and ended.headers["Location"] == f"/mentoring/pairs/{pair_id}"
    found = pair_of(app, pair_id)
    assert (found.status, found.ended_by_id, found.mentee_feedback, found.mentor_feedback) == (
        PairStatus.ENDED,
        mentee.id,
        "Very helpful, thank you.",
        "",
    )
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "The pairing has ended." in page and "The comms team has your feedback." in page
    assert 'name="held_on"' not in page and "/end" not in page
    assert "Ended" in section(text(client.get("/mentoring")), "past-title")

    sign_in_as(client, auth, mentor)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "Very helpful, thank you." not in page  # the mentee's feedback is for comms only
    assert "by Mel" in page
    empty = post(client, f"/mentoring/pairs/{pair_id}/feedback", {"feedback": "  "})
    assert empty.status_code == 422 and "Write your feedback first." in field_error(text(empty), "feedback")
    saved = post(client, f"/mentoring/pairs/{pair_id}/feedback", {"feedback": "A keen mentee."})
    assert saved.status_code == 303
    assert pair_of(app, pair_id).mentor_feedback == "A keen mentee."
    assert "A keen mentee.</textarea>" in text(client.get(f"/mentoring/pairs/{pair_id}"))


# --- CSRF and query budget ---------------------------------------------------------------------


def test_every_post_needs_a_csrf_token(app, client, signed_in, make_user, mentoring):
    me = signed_in(language="en")
    mentor = make_user(language="en")
    pair_id = mentoring.active_pair(me.id, mentor.id)
    actions = {
        "/mentoring/offer": {"topics": [EXPERTISE], "languages": ["en"], "capacity": "1"},
        "/mentoring/offer/close": {},
        "/mentoring/ask": {"topics": [EXPERTISE], "languages": ["en"], "goal": "Grow"},
        "/mentoring/ask/close": {},
        f"/mentoring/mentors/{mentor.id}/request": {"message": "Hi"},
        f"/mentoring/pairs/{pair_id}/answer": {f"answer-{pair_id}-decision": "accept"},
        f"/mentoring/pairs/{pair_id}/withdraw": {},
        f"/mentoring/pairs/{pair_id}/sessions": {"held_on": today().isoformat()},
        f"/mentoring/pairs/{pair_id}/end": {"feedback": ""},
        f"/mentoring/pairs/{pair_id}/feedback": {"feedback": "Nice"},
    }
    for path, data in actions.items():
        assert client.post(path, data=data).status_code == 400, path
    assert stored(app, MentorOffer)[0].user_id == mentor.id and len(stored(app, MentorOffer)) == 1
    assert stored(app, MenteeWish)[0].goal == "Write my first post."
    assert stored(app, MentoringSession) == [] and pair_of(app, pair_id).status == PairStatus.ACTIVE
    assert (
        post(client, f"/mentoring/pairs/{pair_id}/sessions", {"held_on": today().isoformat()}).status_code
        == 303
    )


def test_the_overview_query_budget_does_not_grow_with_mentors_and_pairs(
    app, client, signed_in, make_user, mentoring, count_queries
):
    me = signed_in(language="en")
    mentoring.wish(me.id)
    for _ in range(2):
        mentoring.offer(make_user(language="en").id)
    past_mentor = make_user(language="en")
    mentoring.offer(past_mentor.id)
    mentoring.answer(past_mentor.id, mentoring.request(me.id, past_mentor.id), accept=False)

    def many_more():
        for _ in range(18):
            mentoring.offer(make_user(language="en").id)
        for _ in range(3):  # pairs of others, and past requests of mine
            mentoring.active_pair(make_user(language="en").id, make_user(language="en").id)
            mentor = make_user(language="en")
            mentoring.offer(mentor.id)
            mentoring.answer(mentor.id, mentoring.request(me.id, mentor.id), accept=False)

    before, after = queries_before_and_after(client, count_queries, "/mentoring", many_more)
    assert after == before
    page = text(client.get("/mentoring"))
    assert page.count('class="card challenge-card"') == services.SUGGESTIONS
    assert page.count("status--declined") == 4


def test_the_overview_of_a_mentor_with_many_requests_stays_within_budget(
    app, client, signed_in, make_user, mentoring, count_queries
):
    me = signed_in(language="en")
    mentoring.offer(me.id, capacity=5)

    def requests_from(count: int):
        def add():
            for _ in range(count):
                mentee = make_user(language="en")
                mentoring.wish(mentee.id)
                mentoring.request(mentee.id, me.id)

        return add

    requests_from(2)()
    before, after = queries_before_and_after(client, count_queries, "/mentoring", requests_from(3))
    assert after == before
    assert text(client.get("/mentoring")).count("-decision") >= 10  # two buttons per request


# --- home and the personae point to mentoring ------------------------------------------------


def quiz(app, user_id: int, primary: str) -> None:
    with app.app_context():
        result = QuizResult(user_id=user_id, version=1, answers={}, networks=[], primary_persona=primary)
        result.scores = [PersonaScore(persona=primary, score=0.9, rank=1, held=True, also_you=False)]
        db.session.add(result)
        db.session.commit()


def steps(page: str) -> str:
    return page[page.index('id="steps-title"') : page.index('id="feed-title"')]


@pytest.mark.parametrize("persona", ["expert", "agitator"])
def test_home_points_experts_and_challengers_to_offering(app, client, signed_in, mentoring, persona):
    me = signed_in(language="en")
    quiz(app, me.id, persona)
    checklist = steps(text(client.get("/")))
    assert 'href="/mentoring/offer"' in checklist and "/mentoring/ask" not in checklist
    mentoring.offer(me.id)
    checklist = steps(text(client.get("/")))
    assert "you offer mentoring to colleagues." in checklist and 'href="/mentoring/offer"' not in checklist
    assert 'href="/mentoring/offer"' in text(client.get(f"/personae/{persona}"))


def test_home_points_people_who_have_not_shared_to_asking(app, client, signed_in, make_item, mentoring):
    me = signed_in(language="en")
    quiz(app, me.id, "messenger")
    checklist = steps(text(client.get("/")))
    assert 'href="/mentoring/ask"' in checklist and "/mentoring/offer" not in checklist
    assert "/mentoring/offer" not in text(client.get("/personae/messenger"))
    mentoring.wish(me.id)
    assert "you asked for a mentor." in steps(text(client.get("/")))
    with app.app_context():
        db.session.add(Share(user_id=me.id, item_id=make_item(), network="linkedin", token="t" * 32))
        db.session.commit()
    checklist = steps(text(client.get("/")))
    assert "/mentoring/" not in checklist and "asked for a mentor" not in checklist


def test_the_pages_need_signing_in(client, make_user, mentoring):
    mentor, mentee = make_user(), make_user()
    pair_id = mentoring.active_pair(mentee.id, mentor.id)
    for path in [
        "/mentoring",
        "/mentoring/offer",
        "/mentoring/ask",
        f"/mentoring/mentors/{mentor.id}",
        f"/mentoring/pairs/{pair_id}",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"/login?next={path}", path


# --- every state worded for who reads it -------------------------------------------------------


def round_pair(
    app, mentee_id: int, mentor_id: int, mentee_agreed=False, mentor_agreed=False, **fields
) -> int:
    """A matching round's proposal, as ``rounds.confirm`` makes it; either side may have said yes."""
    now = utcnow()
    with app.app_context():
        pair = MentoringPair(
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            origin=PairOrigin.ROUND,
            topics=[EXPERTISE],
            goal="Write my first post.",
            requested_at=now,
            expires_at=now + timedelta(days=7),
            mentee_agreed_at=now if mentee_agreed else None,
            mentor_agreed_at=now if mentor_agreed else None,
            **fields,
        )
        db.session.add(pair)
        db.session.commit()
        return pair.id


@pytest.fixture
def round_people(make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id, note="Mornings, by video.")  # two places: one left beside the proposal
    mentoring.wish(mentee.id, languages=("en", "fr"))
    return SimpleNamespace(mentor=mentor, mentee=mentee)


def test_a_round_proposal_waiting_for_the_mentee_says_it_is_her_turn_and_why(app, client, auth, round_people):
    mentor, mentee = round_people.mentor, round_people.mentee
    pair_id = round_pair(app, mentee.id, mentor.id, mentor_agreed=True)
    sign_in_as(client, auth, mentee)
    overview = text(client.get("/mentoring"))
    wish = section(overview, "wish-title")
    assert "The comms team proposes Mona Mentor as your mentor: it is your turn to answer." in wish
    assert f'href="/mentoring/pairs/{pair_id}">See the proposal' in wish
    assert "waiting for an answer from" not in overview
    card = section(overview, "to-answer-title")
    assert "Proposed by the comms team" in card and "they would be your mentor" in card
    assert "Mona has said yes" in card
    # Why: the mentor's reasons, topics and note.
    assert "Why this person" in card and "Offers what you ask for: Expertise and innovation" in card
    assert "Speaks English with you" in card and "Mornings, by video." in card
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "<h1>Proposed pairing with Mona Mentor</h1>" in page and "Matching round," in page
    why = section(page, "why-title")
    assert "Why the comms team proposes Mona" in why
    assert "Offers what you ask for: Expertise and innovation" in why and "Mornings, by video." in why
    answer = section(page, "answer-title")
    assert "Mona has said yes." in answer and "Your answer" in answer


def test_a_round_proposal_to_a_full_mentor_still_shows_their_note_and_topics(
    app, client, auth, make_user, mentoring
):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id, capacity=1, note="Mornings, by video.")  # the proposal takes the place
    mentoring.wish(mentee.id)
    pair_id = round_pair(app, mentee.id, mentor.id)
    sign_in_as(client, auth, mentee)
    why = section(text(client.get(f"/mentoring/pairs/{pair_id}")), "why-title")
    assert "Mornings, by video." in why and "Expertise and innovation" in why
    assert 'class="why' not in why  # no fit to tell: her place is the one proposed


def test_a_round_proposal_the_mentee_said_yes_to_waits_for_the_mentor(app, client, auth, round_people):
    mentor, mentee = round_people.mentor, round_people.mentee
    pair_id = round_pair(app, mentee.id, mentor.id, mentee_agreed=True)
    sign_in_as(client, auth, mentee)
    overview = text(client.get("/mentoring"))
    assert 'id="to-answer-title"' not in overview
    assert "You said yes to Mona Mentor as your mentor: Mona Mentor has yet to answer." in section(
        overview, "wish-title"
    )
    waiting = section(overview, "waiting-title")
    assert "Proposed pairing with Mona Mentor" in waiting and "You said yes; they have until" in waiting
    assert "Withdraw my request" not in waiting  # a round's proposal is not her request
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "You said yes. Mona has until" in section(page, "answer-title")

    sign_in_as(client, auth, mentor)
    overview = text(client.get("/mentoring"))
    card = section(overview, "to-answer-title")
    assert "you would be the mentor" in card and "Mel has said yes" in card
    assert "Write my first post." in card and "<dt>Languages</dt><dd>English, French</dd>" in card
    assert "Why this person" not in card  # the reasons are the mentee's to read
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    asks = section(page, "about-title")
    assert "What Mel asks for" in asks and "English, French" in asks
    assert 'id="why-title"' not in page and "Mel has said yes." in section(page, "answer-title")


def test_a_round_proposal_the_mentor_said_yes_to_reads_right_on_both_sides(app, client, auth, round_people):
    mentor, mentee = round_people.mentor, round_people.mentee
    pair_id = round_pair(app, mentee.id, mentor.id, mentor_agreed=True)
    sign_in_as(client, auth, mentor)
    overview = text(client.get("/mentoring"))
    assert 'id="to-answer-title"' not in overview
    assert "Proposed pairing with Mel Mentee" in section(overview, "waiting-title")
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "<h1>Proposed pairing with Mel Mentee</h1>" in page
    assert "You said yes. Mel has until" in section(page, "answer-title")


def test_an_overdue_request_reads_expired_whether_or_not_the_job_ran(app, client, auth, make_user, mentoring):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee = make_user(language="en", display_name="Mel Mentee")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    with app.app_context():
        db.session.get(MentoringPair, pair_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    sign_in_as(client, auth, mentee)
    overview = text(client.get("/mentoring"))
    assert 'id="waiting-title"' not in overview
    assert '<span class="status status--expired">Expired</span>' in section(overview, "past-title")
    assert pair_of(app, pair_id).status == PairStatus.EXPIRED
    told = stored(app, Notification, Notification.user_id == mentee.id)
    assert [notice.kind for notice in told] == [services.EXPIRED_NOTICE]
    # Her pair page is no dead end: other mentors are a click away.
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "<h1>Mentoring request to Mona Mentor</h1>" in page
    assert 'href="/mentoring#suggestions">See other mentors' in page and "Rhythm" not in page
    sign_in_as(client, auth, mentor)
    assert 'id="to-answer-title"' not in text(client.get("/mentoring"))
    assert "See other mentors" not in text(client.get(f"/mentoring/pairs/{pair_id}"))


def test_an_overdue_request_expires_when_its_pair_page_is_opened(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    with app.app_context():
        db.session.get(MentoringPair, pair_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    sign_in_as(client, auth, mentor)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert '<span class="status status--expired">Expired</span>' in page and 'id="answer-title"' not in page


def test_a_declined_request_points_the_mentee_to_other_mentors(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, mentor.id)
    mentoring.answer(mentor.id, pair_id, accept=False)
    sign_in_as(client, auth, mentee)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert '<span class="status status--declined">Declined</span>' in page
    assert "Find another mentor" in page and 'href="/mentoring#suggestions"' in page
    assert "Rhythm" not in page


@pytest.mark.parametrize("origin", ["request", "round"])
def test_stopping_looking_says_beforehand_and_after_that_the_waiting_request_is_withdrawn(
    app, client, auth, round_people, mentoring, origin
):
    mentor, mentee = round_people.mentor, round_people.mentee
    if origin == "request":
        pair_id = mentoring.request(mentee.id, mentor.id)
        before = "If you stop looking, your request to Mona Mentor is withdrawn and Mona Mentor is told."
        after = "Your request to Mona Mentor is withdrawn, and Mona Mentor has been told."
    else:
        pair_id = round_pair(app, mentee.id, mentor.id)
        before = "If you stop looking, the proposal to pair you with Mona Mentor is withdrawn and Mona Mentor is told."
        after = "The proposal to pair you with Mona Mentor is withdrawn, and Mona Mentor has been told."
    sign_in_as(client, auth, mentee)
    wish = section(text(client.get("/mentoring")), "wish-title")
    assert f'<p class="hint close-wish-hint" id="close-wish-hint">{before}</p>' in wish
    assert 'aria-describedby="close-wish-hint">Stop looking for a mentor' in wish
    closed = post(client, "/mentoring/ask/close")
    assert closed.status_code == 303
    overview = text(client.get("/mentoring"))
    assert f"You are no longer looking for a mentor. {after}" in overview
    assert pair_of(app, pair_id).status == PairStatus.WITHDRAWN
    assert '<span class="status status--withdrawn">Withdrawn</span>' in section(overview, "past-title")


def test_stopping_looking_with_nothing_waiting_says_nothing_of_a_withdrawal(client, signed_in, mentoring):
    me = signed_in(language="en")
    mentoring.wish(me.id)
    assert "close-wish-hint" not in text(client.get("/mentoring"))
    post(client, "/mentoring/ask/close")
    overview = text(client.get("/mentoring"))
    assert "You are no longer looking for a mentor. Ask again whenever you like." in overview
    assert "withdrawn" not in overview


def test_suggestions_come_right_after_what_needs_an_answer(app, client, signed_in, make_user, mentoring):
    me = signed_in(language="en")
    mentoring.offer(me.id)
    mentoring.offer(make_user(language="en", display_name="Mona Mentor").id)
    mentoring.wish(me.id)
    asker = make_user(language="en")
    mentoring.wish(asker.id)
    mentoring.request(asker.id, me.id)
    page = text(client.get("/mentoring"))
    assert 'id="suggestions"' in page
    order = [page.index(f'id="{title}"') for title in ("to-answer-title", "suggestions-title", "offer-title")]
    assert order == sorted(order)
    with app.app_context():  # none fits any more: the note stays after the wish
        for offer in db.session.scalars(sa.select(MentorOffer).where(MentorOffer.user_id != me.id)):
            offer.open = False
        db.session.commit()
    page = text(client.get("/mentoring"))
    assert "No mentor fits your wish just now." in page
    assert page.index('id="wish-title"') < page.index('id="suggestions-title"')


def test_the_forms_group_the_topics_and_state_their_limits(client, signed_in, topics):
    signed_in(language="en")
    for path in ("/mentoring/offer", "/mentoring/ask"):
        page = text(client.get(path))
        skills = page.index("<legend>Skills</legend>")
        themes = page.index("<legend>Content themes</legend>")
        assert skills < page.index(f'value="{SPEAKING}"') < themes < page.index(f'value="{EXPERTISE}"'), path
        assert page.count('name="topics"') == page.count('type="checkbox" value="theme:') + 1, path
        assert "500 characters at most." in page, path
    assert 'maxlength="500"' in text(client.get("/mentoring/ask"))


def test_the_request_answer_and_session_forms_state_their_limits(app, client, auth, make_user, mentoring):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    mentoring.offer(mentor.id)
    mentoring.wish(mentee.id)
    sign_in_as(client, auth, mentee)
    assert "500 characters at most." in text(client.get(f"/mentoring/mentors/{mentor.id}"))
    pair_id = mentoring.request(mentee.id, mentor.id)
    sign_in_as(client, auth, mentor)
    assert "500 characters at most." in section(text(client.get("/mentoring")), "to-answer-title")
    mentoring.answer(mentor.id, pair_id)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    assert "280 characters at most." in page and "1,000 characters at most." in page


def test_an_ended_pair_suggests_kudos_to_the_mentee_and_feedback_can_be_updated(
    app, client, auth, make_user, mentoring
):
    mentor = make_user(language="en", display_name="Mona Mentor", email="mona@example.com")
    mentee = make_user(language="en", display_name="Mel Mentee")
    pair_id = mentoring.active_pair(mentee.id, mentor.id)
    sign_in_as(client, auth, mentee)
    assert 'id="thanks-title"' not in text(client.get(f"/mentoring/pairs/{pair_id}"))
    post(client, f"/mentoring/pairs/{pair_id}/end", {"feedback": ""})
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    thanks = section(page, "thanks-title")
    assert 'href="/kudos?q=mona@example.com">Thank Mona with kudos' in thanks
    assert '<span class="status status--ended">Ended</span>' in page
    assert "Rhythm" in page  # the rhythm they kept
    assert ">Send my feedback</button>" in page
    post(client, f"/mentoring/pairs/{pair_id}/feedback", {"feedback": "Great."})
    assert ">Update my feedback</button>" in text(client.get(f"/mentoring/pairs/{pair_id}"))
    kudos = client.get("/kudos?q=mona%40example.com")
    assert kudos.status_code == 200 and "Mona Mentor" in text(kudos)
    sign_in_as(client, auth, mentor)
    assert 'id="thanks-title"' not in text(client.get(f"/mentoring/pairs/{pair_id}"))


# --- home's pointers --------------------------------------------------------------------------


def test_home_tells_a_mentor_how_many_requests_wait_in_a_constant_number_of_queries(
    app, client, signed_in, make_user, mentoring, count_queries
):
    me = signed_in(language="en")
    mentoring.offer(me.id, capacity=5)

    def requests_from(count: int):
        def add():
            for _ in range(count):
                mentee = make_user(language="en")
                mentoring.wish(mentee.id)
                mentoring.request(mentee.id, me.id)

        return add

    requests_from(1)()
    checklist = steps(text(client.get("/")))
    assert '<a href="/mentoring">1 mentoring request waits for your answer</a>' in checklist
    assert "/mentoring/ask" not in checklist  # someone who offers mentoring is not pointed to asking
    before, after = queries_before_and_after(client, count_queries, "/", requests_from(2))
    assert after == before
    assert "3 mentoring requests wait for your answer" in steps(text(client.get("/")))


def test_home_does_not_count_an_overdue_request(app, client, signed_in, make_user, mentoring):
    me = signed_in(language="en")
    mentoring.offer(me.id)
    mentee = make_user(language="en")
    mentoring.wish(mentee.id)
    pair_id = mentoring.request(mentee.id, me.id)
    with app.app_context():
        db.session.get(MentoringPair, pair_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "wait for your answer" not in steps(text(client.get("/")))


def test_home_points_a_mentee_to_her_round_proposal_and_then_to_her_pairing(
    app, client, auth, round_people, mentoring
):
    mentor, mentee = round_people.mentor, round_people.mentee
    pair_id = round_pair(app, mentee.id, mentor.id, mentor_agreed=True)
    sign_in_as(client, auth, mentee)
    checklist = steps(text(client.get("/")))
    assert "1 mentoring request waits for your answer" in checklist
    mentoring.answer(mentee.id, pair_id)
    checklist = steps(text(client.get("/")))
    assert f'<a href="/mentoring/pairs/{pair_id}">Mentoring with Mona Mentor</a>' in checklist
    assert "/mentoring/ask" not in checklist and "wait for your answer" not in checklist
    sign_in_as(client, auth, mentor)
    assert f'<a href="/mentoring/pairs/{pair_id}">Mentoring with Mel Mentee</a>' in steps(
        text(client.get("/"))
    )


def test_home_points_a_mentor_of_several_to_the_overview(app, client, signed_in, make_user, mentoring):
    me = signed_in(language="en")
    for _ in range(2):
        mentoring.active_pair(make_user(language="en").id, me.id)
    assert '<a href="/mentoring">Your 2 mentoring pairings</a>' in steps(text(client.get("/")))


def test_an_active_pairs_page_lists_what_fits_its_topics_in_one_query(
    app, client, auth, make_user, mentoring, make_item, make_event, count_queries
):
    mentor, mentee = make_user(language="en"), make_user(language="en")
    pair_id = mentoring.active_pair(mentee.id, mentor.id)  # on expertise
    now = utcnow()
    for hours, title in ((4, "Oldest"), (3, "Third"), (2, "Second"), (1, "Newest")):
        make_item(title=title, theme="expertise", language="en", publish_at=now - timedelta(hours=hours))
    make_item(title="In French", theme="expertise", language="fr")
    make_item(title="Other theme", theme="company_news", language="en")
    make_item(title="Expired", theme="expertise", language="en", expire_at=now - timedelta(minutes=1))
    for days, kind, title in (
        (2, "training", "Training"),
        (1, "webinar", "Webinar"),
        (3, "social_cafe", "Café"),
        (4, "training", "Too far"),
        (1, "talk", "A talk"),
    ):
        make_event(title=title, kind=kind, language="en", starts_at=now + timedelta(days=days))
    make_event(title="Before", kind="training", language="en", starts_at=now - timedelta(days=1))
    with app.app_context():
        pair, reader = db.session.get(MentoringPair, pair_id), db.session.get(User, mentee.id)
        with count_queries() as counter:
            found = services.fitting(pair, reader, now)
    assert counter.count == 1
    assert [row.title for row in found.content] == ["Newest", "Second", "Third"]
    assert [row.title for row in found.events] == ["Webinar", "Training", "Café"]
    sign_in_as(client, auth, mentee)
    page = text(client.get(f"/mentoring/pairs/{pair_id}"))
    learn = page[page.index("To learn together") :]
    assert learn.index("Newest") < learn.index("Second") < learn.index("Third") < learn.index("Webinar")
    assert "Oldest" not in learn and "Too far" not in learn and "A talk" not in learn
    with app.app_context():  # drawn once per state: a renamed item shows at once
        db.session.get(ContentItem, found.content[0].id).title = "Newest, renamed"
        db.session.commit()
    assert "Newest, renamed" in text(client.get(f"/mentoring/pairs/{pair_id}"))


def test_each_pair_shows_its_own_sessions_however_alike(app, client, auth, make_user, mentoring):
    """Sessions are drawn once per state: two pairs' sessions on the same day, logged by the same
    person, differ by their notes, and each page shows its own."""
    mentor = make_user(language="en")
    first, second = (mentoring.active_pair(make_user(language="en").id, mentor.id) for _ in range(2))
    sign_in_as(client, auth, mentor)
    for pair_id, notes in ((first, "Plan the first post"), (second, "Review the profile")):
        post(client, f"/mentoring/pairs/{pair_id}/sessions", {"held_on": today().isoformat(), "notes": notes})
    first_page, second_page = (text(client.get(f"/mentoring/pairs/{pair_id}")) for pair_id in (first, second))
    assert "Plan the first post" in first_page and "Review the profile" not in first_page
    assert "Review the profile" in second_page and "Plan the first post" not in second_page
    assert "Logged by you" in first_page


def test_home_reads_the_persons_mentoring_in_one_query(app, make_user, mentoring, count_queries):
    mentor = make_user(language="en", display_name="Mona Mentor")
    mentee, newcomer = make_user(language="en"), make_user(language="en")
    pair_id = mentoring.active_pair(mentee.id, mentor.id)
    with app.app_context(), count_queries() as read:
        theirs = mentoring_step(mentee.id, set(), utcnow(), HOME_FACTS.read({"person": mentee.id}))
        nothing_yet = mentoring_step(newcomer.id, set(), utcnow(), HOME_FACTS.read({"person": newcomer.id}))
    assert read.count == 2  # one each
    assert (theirs.pair_id, theirs.partner_name, theirs.active, theirs.to_answer, theirs.step) == (
        pair_id,
        "Mona Mentor",
        1,
        0,
        None,  # a mentee with a mentor has their pairing
    )
    assert (nothing_yet.pair_id, nothing_yet.active, nothing_yet.step) == (None, 0, "ask")
