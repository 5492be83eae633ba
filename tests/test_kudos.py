"""Kudos: thanking a colleague, the rules (not oneself, five a day, active colleagues, a
message of 280 characters), the marks of comms and managers, points, badge, wall of fame,
notifications, and the search for a colleague with and without htmx."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from base.database import db, utcnow
from blueprints.accounts.models import Department, Role, User
from blueprints.activity.models import Activity
from blueprints.kudos import services
from blueprints.kudos.models import Kudos
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from blueprints.recognition.fame import entry_text
from blueprints.recognition.models import BadgeAward, FameEntry, PointsEntry
from blueprints.recognition.services import balance_of
from tests.conftest import ON_POSTGRES, at_the_same_time, htmx_headers, post, queries_before_and_after, text


def rows(app, model, *where) -> list:
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).where(*where).order_by(model.id)))
        db.session.expunge_all()
        return found


def points_of(app, user_id: int) -> int:
    with app.app_context():
        return balance_of(user_id).lifetime


def send(app, sender_id: int, recipient_id: int, message: str = "Thanks for the demo!", now=None) -> int:
    with app.app_context():
        return services.send(db.session.get(User, sender_id), recipient_id, message, now).id


# --- Sending -----------------------------------------------------------------------------


def test_sending_kudos_tells_the_colleague_and_records_both_sides(app, client, signed_in, make_user):
    colleague = make_user(language="en", display_name="Carla Dupont")
    me = signed_in(language="en", display_name="Sam Sender")
    response = post(client, "/kudos", {"recipient": colleague.id, "message": "  Thanks for the slides!  "})
    assert response.status_code == 303
    page = text(client.get("/kudos"))
    assert "Thank you! Carla Dupont will see your kudos." in page
    assert "Thanks for the slides!" in page and "To Carla Dupont" in page

    [kudos] = rows(app, Kudos)
    assert (kudos.sender_id, kudos.recipient_id, kudos.message) == (
        me.id,
        colleague.id,
        "Thanks for the slides!",
    )
    assert (kudos.from_comms, kudos.from_manager) == (False, False)
    sent = rows(app, Activity, Activity.verb.like("kudos%"))
    assert [(a.user_id, a.verb, a.object_id) for a in sent] == [
        (me.id, "kudos_sent", kudos.id),
        (colleague.id, "kudos_received", kudos.id),
    ]
    assert points_of(app, colleague.id) == 3
    assert points_of(app, me.id) == 0
    assert [a.badge for a in rows(app, BadgeAward, BadgeAward.user_id == colleague.id)] == ["first_kudos"]
    [fame] = rows(app, FameEntry, FameEntry.kind == "kudos")
    assert (fame.user_id, fame.other_user_id, fame.key) == (colleague.id, me.id, f"kudos:{kudos.id}")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [notice] = rows(app, Notification, Notification.kind == "kudos_received")
        assert notice.user_id == colleague.id
        assert message_text(notice) == "Sam Sender thanked you: “Thanks for the slides!”"
        viewer = db.session.get(User, make_user().id)
        fame = db.session.get(FameEntry, fame.id)
        assert entry_text(fame, viewer) == "Sam Sender thanked Carla Dupont: “Thanks for the slides!”"


def test_the_recipient_sees_the_kudos_received(app, client, auth, make_user):
    sender, colleague = make_user(display_name="Sam Sender"), make_user(language="en")
    send(app, sender.id, colleague.id, "You saved the launch.")
    auth.login(colleague.email)
    page = text(client.get("/kudos"))
    received = page[page.index("Kudos received") : page.index("Kudos sent")]
    assert "You saved the launch." in received and "From Sam Sender" in received


@pytest.mark.parametrize(
    ("sender_fields", "manager_of_recipient", "mark", "label"),
    [
        ({"role": Role.COMMS}, False, (True, False), "Comms team"),
        ({}, True, (False, True), "Your manager"),
        ({}, False, (False, False), None),
    ],
)
def test_kudos_from_comms_or_from_the_manager_are_marked(
    app, client, auth, make_user, sender_fields, manager_of_recipient, mark, label
):
    sender = make_user(display_name="Mia Mark", **sender_fields)
    recipient = make_user(language="en", manager_id=sender.id if manager_of_recipient else None)
    send(app, sender.id, recipient.id, "Well done.")
    [kudos] = rows(app, Kudos)
    assert (kudos.from_comms, kudos.from_manager) == mark
    auth.login(recipient.email)
    html = client.get("/kudos").get_data(as_text=True)
    marks = re.findall(r'class="chip kudos-mark">([^<]+)<', html)
    assert marks == ([label] if label else [])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [notice] = rows(app, Notification, Notification.kind == "kudos_received")
        expected = {
            "Comms team": "Mia Mark, of the comms team, thanked you: “Well done.”",
            "Your manager": "Your manager Mia Mark thanked you: “Well done.”",
            None: "Mia Mark thanked you: “Well done.”",
        }[label]
        assert message_text(notice) == expected


def test_a_manager_who_is_also_comms_gets_both_marks(app, make_user):
    boss = make_user(Role.COMMS)
    report = make_user(manager_id=boss.id)
    send(app, boss.id, report.id)
    [kudos] = rows(app, Kudos)
    assert (kudos.from_comms, kudos.from_manager) == (True, True)


# --- The rules -----------------------------------------------------------------------------


def test_no_kudos_to_oneself(app, client, signed_in):
    me = signed_in(language="en")
    response = post(client, "/kudos", {"recipient": me.id, "message": "I am great."})
    assert response.status_code == 422
    assert "Kudos are for thanking a colleague, not yourself." in text(response)
    assert rows(app, Kudos) == []
    with app.app_context(), pytest.raises(services.KudosError):
        services.send(db.session.get(User, me.id), me.id, "Me again.")
    assert rows(app, Kudos) == []


@pytest.mark.parametrize("recipient", ["inactive", "unknown"])
def test_only_active_colleagues_receive_kudos(app, client, signed_in, make_user, recipient):
    gone = make_user(active=False).id
    signed_in(language="en")
    recipient_id = gone if recipient == "inactive" else 999999
    response = post(client, "/kudos", {"recipient": recipient_id, "message": "Thanks."})
    assert response.status_code == 422
    assert "Choose the colleague to thank from the list." in text(response)
    assert rows(app, Kudos) == []
    assert rows(app, Notification, Notification.kind == "kudos_received") == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"message": "   "}, "Say what you are thanking them for."),
        ({"message": "x" * 281}, "Keep it to 280 characters."),
        ({"recipient": ""}, "Choose the colleague to thank: search by name or e-mail."),
        ({"recipient": "abc"}, "Not a valid integer value."),
        ({"recipient": "99999999999999"}, "Choose the colleague to thank: search by name or e-mail."),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(app, client, signed_in, make_user, fields, message):
    colleague = make_user()
    me = signed_in(language="en")
    response = post(client, "/kudos", {"recipient": colleague.id, "message": "Thanks!", **fields})
    assert response.status_code == 422
    assert message in text(response)
    assert rows(app, Kudos) == []
    assert rows(app, Activity, Activity.user_id == me.id, Activity.verb != "signed_in") == []


def test_a_message_of_exactly_280_characters_is_fine(app, client, signed_in, make_user):
    colleague = make_user()
    signed_in()
    assert post(client, "/kudos", {"recipient": colleague.id, "message": "é" * 280}).status_code == 303
    assert len(rows(app, Kudos)[0].message) == 280


def test_five_kudos_per_programme_day_at_most(app, make_user):
    """Counted over the programme's day (Europe/Paris): 23:30 UTC is already the next day there."""
    me = make_user()
    colleagues = [make_user().id for _ in range(7)]
    morning = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    for colleague in colleagues[:5]:
        send(app, me.id, colleague, now=morning)
    with app.app_context(), pytest.raises(services.KudosError) as refusal:
        services.send(db.session.get(User, me.id), colleagues[5], "One more", morning + timedelta(hours=14))
    assert "You have sent 5 kudos today" in str(refusal.value)
    assert len(rows(app, Kudos)) == 5
    send(app, me.id, colleagues[5], now=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))  # 00:30 in Paris
    assert len(rows(app, Kudos)) == 6


def test_the_page_says_how_many_kudos_are_left_today(app, client, signed_in, make_user):
    colleague = make_user()
    me = signed_in(language="en")
    assert "You can send 5 more kudos today." in text(client.get("/kudos"))
    for _ in range(5):
        send(app, me.id, colleague.id)
    page = text(client.get("/kudos"))
    assert "You have sent today’s 5 kudos: thank more colleagues tomorrow." in page
    assert 'class="kudos-form"' not in page  # no form that could only be refused
    response = post(client, "/kudos", {"recipient": colleague.id, "message": "Sixth"})  # a page left open
    assert response.status_code == 422
    assert "You have sent today’s 5 kudos: thank more colleagues tomorrow." in text(response)
    assert len(rows(app, Kudos)) == 5


def test_kudos_sent_at_the_same_instant_never_pass_the_daily_limit(app, make_user):
    me = make_user()
    colleagues = [make_user().id for _ in range(8)]
    refused = []

    def thank(number: int) -> None:
        try:
            services.send(db.session.get(User, me.id), colleagues[number], "Thanks!")
        except services.KudosError:
            refused.append(colleagues[number])

    assert at_the_same_time(app, thank, len(colleagues)) == []
    assert len(rows(app, Kudos)) == 5
    assert len(refused) == 3


@pytest.mark.postgres_only
def test_two_colleagues_thanking_each_other_at_the_same_instant_both_get_through(app, make_user):
    """Each kudos gives both people their points: two colleagues thanking each other at once
    must not each hold one balance while waiting for the other's (a deadlock, one refused)."""
    assert ON_POSTGRES
    pairs = [(make_user().id, make_user().id) for _ in range(6)]

    def thank(number: int) -> None:
        sender, recipient = pairs[number // 2][:: 1 if number % 2 else -1]
        services.send(db.session.get(User, sender), recipient, "Thanks!")

    assert at_the_same_time(app, thank, 2 * len(pairs)) == []
    assert len(rows(app, Kudos)) == 2 * len(pairs)


def test_kudos_received_earn_points_up_to_five_a_week(app, make_user):
    me = make_user()
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    for day in range(7):
        send(app, make_user().id, me.id, now=monday + timedelta(days=day))
    assert points_of(app, me.id) == 15  # 5 × 3, the sixth and seventh capped
    assert [e.reason for e in rows(app, PointsEntry, PointsEntry.user_id == me.id)][-2:] == [
        "capped",
        "capped",
    ]
    send(app, make_user().id, me.id, now=monday + timedelta(days=7))  # the next week
    assert points_of(app, me.id) == 18
    assert len(rows(app, BadgeAward, BadgeAward.user_id == me.id)) == 1  # the first kudos badge, once


def test_sending_without_the_csrf_token_is_refused(app, client, signed_in, make_user):
    colleague = make_user()
    signed_in()
    response = client.post("/kudos", data={"recipient": colleague.id, "message": "Thanks!"})
    assert response.status_code == 400
    assert rows(app, Kudos) == []


def test_messages_are_escaped(app, client, signed_in, make_user):
    colleague = make_user()
    signed_in()
    assert (
        post(client, "/kudos", {"recipient": colleague.id, "message": "<script>x()</script>"}).status_code
        == 303
    )
    html = client.get("/kudos").get_data(as_text=True)
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


# --- Finding the colleague ---------------------------------------------------------------


def test_search_answers_htmx_with_radio_buttons_of_active_colleagues(app, client, signed_in, make_user):
    me = signed_in(language="en", display_name="Camille Moi")
    with app.app_context():
        department = Department(name="Ventes", name_en="Sales")
        db.session.add(department)
        db.session.commit()
        department_id = department.id
    carla = make_user(display_name="Carla Dupont", department_id=department_id)
    jean = make_user(display_name="Jean Camus", email="jcamus@example.com")
    make_user(display_name="Camille Gone", active=False)
    make_user(display_name="Pascal Nope")
    response = client.get("/kudos/people?q=cam", headers=htmx_headers(client))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    values = re.findall(r'type="radio" name="recipient" value="(\d+)"', body)
    assert values == [str(jean.id)]  # a word of the name starts with it; not me, not someone inactive
    assert me.id not in values
    by_mail = client.get("/kudos/people?q=jcam", headers=htmx_headers(client)).get_data(as_text=True)
    assert re.findall(r'value="(\d+)"', by_mail) == [str(jean.id)]
    by_surname = text(client.get("/kudos/people?q=dup", headers=htmx_headers(client)))
    assert "Carla Dupont" in by_surname and "Sales" in by_surname
    assert carla.id
    nothing = text(client.get("/kudos/people?q=zzz", headers=htmx_headers(client)))
    assert "No colleague matches “zzz”." in nothing
    short = text(client.get("/kudos/people?q=c", headers=htmx_headers(client)))
    assert "Type at least two letters" in short


def test_search_wildcards_are_taken_literally(app, client, signed_in, make_user):
    signed_in()
    make_user(display_name="Anna Smith")
    body = client.get("/kudos/people?q=%25%25", headers=htmx_headers(client)).get_data(as_text=True)
    assert 'name="recipient"' not in body
    body = client.get("/kudos/people?q=__", headers=htmx_headers(client)).get_data(as_text=True)
    assert 'name="recipient"' not in body


def test_search_shows_ten_matches_at_most_among_a_thousand(app, client, signed_in, count_queries):
    signed_in(language="en")
    add_people(app, 15, "Martin")
    headers = htmx_headers(client)
    with count_queries() as few:
        body = client.get("/kudos/people?q=mart", headers=headers).get_data(as_text=True)
    assert len(re.findall(r'name="recipient"', body)) == 10
    assert "Only the first 10 matches are shown" in text_of(body)
    add_people(app, 1000, "Martin")
    with count_queries() as many:
        body = client.get("/kudos/people?q=mart", headers=headers).get_data(as_text=True)
    assert len(re.findall(r'name="recipient"', body)) == 10
    assert few.count == many.count


def test_without_javascript_the_search_reloads_the_page_and_keeps_the_message(
    app, client, signed_in, make_user
):
    carla = make_user(display_name="Carla Dupont")
    signed_in(language="en")
    response = post(client, "/kudos", {"q": "carla", "search": "1", "message": "For the demo"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'name="recipient" value="{carla.id}"' in page
    assert "For the demo</textarea>" in page
    assert rows(app, Kudos) == []
    # A plain visit of the search's address gets the page with the matches.
    plain = client.get("/kudos/people?q=carla")
    assert plain.status_code == 303
    page = client.get(plain.headers["Location"]).get_data(as_text=True)
    assert f'name="recipient" value="{carla.id}"' in page and 'value="carla"' in page


def test_a_refused_send_keeps_the_chosen_colleague_checked(app, client, signed_in, make_user):
    carla = make_user(display_name="Carla Dupont")
    signed_in(language="en")
    response = post(client, "/kudos", {"q": "", "recipient": carla.id, "message": ""})
    assert response.status_code == 422
    assert f'name="recipient" value="{carla.id}" checked' in response.get_data(as_text=True)


# --- For other pages, and query budgets ------------------------------------------------------


def test_kudos_received_for_the_profile_newest_first_with_their_senders(app, make_user, count_queries):
    me = make_user()
    senders = [make_user(display_name=f"Sender {n}").id for n in range(7)]
    for n, sender in enumerate(senders):
        send(app, sender, me.id, f"Thanks {n}", now=utcnow() - timedelta(days=7 - n))
    with app.app_context():
        with count_queries() as counter:
            latest = services.kudos_received(me.id)
            names = [kudos.sender_name for kudos in latest]
        assert counter.count == 1  # senders loaded with the kudos
        assert names == [f"Sender {n}" for n in (6, 5, 4, 3, 2)]
        assert services.kudos_counts(me.id) == services.KudosCounts(received=7, sent=0, left_today=5)
        # Sent a week ago, not today: all five of the day are left.
        assert services.kudos_counts(senders[0]) == services.KudosCounts(received=0, sent=1, left_today=5)
    send(app, senders[0], senders[1], "Thanks today")
    with app.app_context():
        assert services.kudos_counts(senders[0]) == services.KudosCounts(received=0, sent=2, left_today=4)
        assert services.kudos_counts(senders[1]) == services.KudosCounts(received=1, sent=1, left_today=5)


def add_people(app, count: int, surname: str) -> None:
    with app.app_context():
        start = db.session.scalar(sa.select(sa.func.count(User.id)))
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"{surname.lower()}{start + n}@example.com",
                    "display_name": f"Person {start + n} {surname}",
                    "role": Role.EMPLOYEE,
                    "active": True,
                    "session_version": 1,
                    "content_languages": [],
                    "created_at": utcnow(),
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def add_kudos(app, sender_id: int, recipient_id: int, count: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.insert(Kudos),
            [
                {
                    "sender_id": sender_id,
                    "recipient_id": recipient_id,
                    "message": f"Thanks {n}",
                    "from_comms": False,
                    "from_manager": False,
                    "created_at": utcnow() - timedelta(minutes=n),
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def test_the_kudos_page_runs_the_same_queries_with_10_or_1000(
    app, client, signed_in, make_user, count_queries
):
    colleague = make_user()
    me = signed_in()
    add_kudos(app, me.id, colleague.id, 5)
    add_kudos(app, colleague.id, me.id, 5)

    def grow():
        add_kudos(app, me.id, colleague.id, 495)
        add_kudos(app, colleague.id, me.id, 495)

    before, after = queries_before_and_after(client, count_queries, "/kudos?q=pers", grow)
    assert before == after


def text_of(body: str) -> str:
    return re.sub(r"\s+", " ", body.replace("\u00a0", " "))
