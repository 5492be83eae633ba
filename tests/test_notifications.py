"""The notification centre, its htmx counter and the optional e-mail digest."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from markupsafe import escape

from base.database import db, utcnow
from base.registry import registry
from blueprints.accounts.models import User
from blueprints.notifications.models import Notification
from blueprints.notifications.services import PAGE_SIZE, message_text, notify, send_digests
from tests.conftest import htmx_headers, plain, post, text


def add_notifications(app, person, count: int, link: str | None = None) -> list[int]:
    with app.app_context():
        user = db.session.get(User, person.id)
        ids = [notify(user, "welcome", {"name": f"N{i}"}, link=link) for i in range(count)]
        db.session.commit()
        return [notification.id for notification in ids]


def test_counter_shows_unread_only(app, client, signed_in):
    person = signed_in()
    add_notifications(app, person, 3)
    fragment = client.get("/notifications/count", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<span id="unread-count"')
    assert ">3<" in fragment
    assert "<html" not in fragment


def test_page_lists_newest_first_and_in_the_reader_language(app, client, signed_in):
    person = signed_in(language="en")
    add_notifications(app, person, 2)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Welcome to Porte-voix, N1!") < page.index("Welcome to Porte-voix, N0!")
    post(client, "/language", {"language": "fr"})
    assert "Bienvenue sur Porte-voix, N1 !" in text(client.get("/notifications"))


def test_mark_all_read_by_htmx_tells_the_page_to_refresh_the_counter(app, client, signed_in):
    person = signed_in()
    add_notifications(app, person, 2)
    response = client.post("/notifications/read-all", headers=htmx_headers(client))
    assert response.headers["HX-Trigger"] == "notifications-changed"
    assert response.get_data(as_text=True).strip().startswith('<div id="notification-list">')
    assert 'class="badge badge--empty"' in client.get("/notifications/count").get_data(as_text=True)


def test_mark_all_read_without_javascript_redirects(app, client, signed_in):
    person = signed_in()
    add_notifications(app, person, 1)
    assert post(client, "/notifications/read-all").headers["Location"] == "/notifications"
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at)) is not None
    assert 'class="badge badge--empty"' in client.get("/notifications/count").get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_follows_its_local_link(app, client, signed_in):
    person = signed_in()
    [mine] = add_notifications(app, person, 1, link=("profile.me", {}))
    assert post(client, f"/notifications/{mine}/open").headers["Location"] == "/me"
    with app.app_context():
        assert db.session.get(Notification, mine).read_at is not None


def test_nobody_opens_someone_else_notification(app, client, signed_in, make_user):
    signed_in()
    [theirs] = add_notifications(app, make_user(), 1, link=("profile.me", {}))
    assert post(client, f"/notifications/{theirs}/open").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, theirs).read_at is None


def test_notification_text_escapes_what_people_typed(app, client, signed_in):
    person = signed_in()
    with app.app_context():
        notify(db.session.get(User, person.id), "welcome", {"name": "<img src=x onerror=alert(1)>"})
        db.session.commit()
    for path in ["/notifications", "/"]:
        page = client.get(path).get_data(as_text=True)
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "<img src=x" not in page


def test_list_is_paginated(app, client, signed_in):
    person = signed_in()
    add_notifications(app, person, 25)
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count('class="notification ') == 20
    assert "Page 1 sur 2" in first
    assert client.get("/notifications?page=2").get_data(as_text=True).count('class="notification ') == 5


def test_a_page_of_the_list_and_its_total_come_in_one_query(app, client, signed_in, count_queries):
    person = signed_in()
    add_notifications(app, person, 25)
    client.get("/notifications")
    with count_queries() as listed:
        second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Page 2 sur 2" in second and second.count('class="notification ') == 5
    listing = [s for s in listed.statements if "ORDER BY notifications.created_at DESC" in s]
    assert len(listing) == 1 and "count(*) OVER ()" in listing[0]  # the total rides on the rows
    assert not any(s.startswith("SELECT count(*)") for s in listed.statements)
    past_the_end = client.get("/notifications?page=9").get_data(as_text=True)  # an old link
    assert "Page 2 sur 2" in past_the_end and past_the_end.count('class="notification ') == 5


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, username, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_digest_is_sent_once_in_each_reader_language(make_app, make_user, monkeypatch):
    """The cron job's way: a plain app context, no request; links are built on SITE_URL."""
    app = make_app(SMTP_HOST="smtp.lumen.example", SITE_URL="https://intranet.lumen.example/porte-voix/")
    monkeypatch.setattr("base.mail.smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    english, french = make_user(language="en"), make_user(language="fr")
    add_notifications(app, english, 2)
    add_notifications(app, french, 1)
    with app.app_context():
        assert send_digests() == 2
        assert send_digests() == 0
    assert len(FakeSMTP.sent) == 2
    by_recipient = {message["To"]: message for message in FakeSMTP.sent}
    assert by_recipient[english.email]["Subject"] == "Your Porte-voix news"
    english_lines = by_recipient[english.email].get_content().splitlines()
    assert "See everything on https://intranet.lumen.example/porte-voix/notifications" in english_lines
    assert by_recipient[french.email]["Subject"] == "Vos nouvelles Porte-voix"
    assert (
        "- Bienvenue sur Porte-voix, N0 ! Commencez par compléter votre profil."
        in plain(by_recipient[french.email].get_content()).splitlines()
    )


def test_digest_does_nothing_without_smtp(app, make_user, runner):
    add_notifications(app, make_user(), 1)
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0
    assert "0 digest(s) sent." in result.output


# Sample parameters for every kind of notification the features register, and what of them the
# text shows in either language: a kind missing here fails the test below, so each new kind is
# checked in both languages on the notification centre.
TITLE, EVENT, WHEN = "Our new office", "Social café", "2030-05-06T08:30:00+00:00"
SAMPLES = {
    "welcome": ({"name": "Zoé"}, ["Zoé"]),
    "role_changed": ({"role": "comms"}, []),
    "suggestion_received": ({"title": TITLE}, [TITLE]),
    "suggestions_waiting": ({"count": 3}, ["3"]),
    "suggestion_approved": ({"title": TITLE}, [TITLE]),
    "suggestion_rejected": (
        {"title": TITLE, "reason": "Already in the feed"},
        [TITLE, "Already in the feed"],
    ),
    "event_waitlisted": ({"title": EVENT, "position": 2}, [EVENT, "2"]),
    "event_promoted": ({"title": EVENT}, [EVENT]),
    "event_cancelled": ({"title": EVENT}, [EVENT]),
    "event_changed": ({"title": EVENT, "starts_at": WHEN}, [EVENT, "2030"]),
    "event_reminder": ({"title": EVENT, "starts_at": WHEN}, [EVENT, "2030"]),
    "badge_earned": ({"badge": "first_share"}, []),
    "streak_at_risk": ({"weeks": 3}, ["3"]),
    "redemption_delivered": ({"title_fr": "Tasse", "title_en": "Tasse"}, ["Tasse"]),
    "redemption_cancelled": ({"title_fr": "Tasse", "title_en": "Tasse", "points": 40}, ["Tasse", "40"]),
    "contribution_validated": ({"title": "Talk at Lyon school"}, ["Talk at Lyon school"]),
    "contribution_declined": (
        {"title": "Talk at Lyon school", "reason": "Not public"},
        ["Talk at Lyon school", "Not public"],
    ),
    "challenge_milestone": ({"title_fr": "Sprint", "title_en": "Sprint", "percent": 50}, ["Sprint", "50"]),
    "challenge_group_milestone": (
        {
            "title_fr": "Sprint",
            "title_en": "Sprint",
            "percent": 75,
            "group_fr": "Ventes",
            "group_en": "Sales",
        },
        ["Sprint", "75"],
    ),
    "challenge_top_three": ({"title_fr": "Sprint", "title_en": "Sprint", "rank": 2}, ["Sprint", "2"]),
    "challenge_last_day": (
        {"title_fr": "Sprint", "title_en": "Sprint", "ends_at": "2030-05-06T22:00:00+00:00"},
        ["Sprint", "2030"],
    ),
    "challenge_won": ({"title_fr": "Sprint", "title_en": "Sprint", "delivery": True}, ["Sprint"]),
    "challenge_result": ({"title_fr": "Sprint", "title_en": "Sprint"}, ["Sprint"]),
    "challenge_cancelled": ({"title_fr": "Sprint", "title_en": "Sprint"}, ["Sprint"]),
    "kudos_received": (
        {"sender": "Zoé Martin", "message": "Thanks for the demo", "from": ""},
        ["Zoé Martin", "Thanks for the demo"],
    ),
    "mentoring_requested": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_accepted": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_declined": ({"name": "Zoé Martin", "next": "Léo Petit"}, ["Zoé Martin", "Léo Petit"]),
    "mentoring_expired": ({"name": "Zoé Martin", "next": ""}, ["Zoé Martin"]),
    "mentoring_proposed_mentor": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_proposed_mentee": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_round_expired": ({"name": "Zoé Martin", "next": "Léo Petit"}, ["Zoé Martin", "Léo Petit"]),
    "mentoring_started": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_withdrawn": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
    "mentoring_ended": ({"name": "Zoé Martin"}, ["Zoé Martin"]),
}


def test_every_registered_kind_has_sample_params(app):
    with app.app_context():
        kinds = set(registry().notifications)
    assert sorted(kinds - set(SAMPLES)) == [], "add sample parameters for these kinds"
    assert sorted(set(SAMPLES) - kinds) == [], "these kinds are no longer registered"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_kind_reads_well_in_the_notification_centre(app, client, signed_in, language):
    person = signed_in(language=language)
    with app.app_context():
        user = db.session.get(User, person.id)
        kinds = [kind for kind in registry().notifications if kind in SAMPLES]
        for kind in kinds:
            notify(user, kind, SAMPLES[kind][0], link=("core.home", {}))
        db.session.commit()
        with force_locale(language):
            texts = {n.kind: message_text(n) for n in db.session.scalars(sa.select(Notification))}
        with force_locale("en" if language == "fr" else "fr"):
            other = {n.kind: message_text(n) for n in db.session.scalars(sa.select(Notification))}
    pages = range(1, len(kinds) // PAGE_SIZE + 2)  # every kind, on the centre's pages
    page = "".join(client.get(f"/notifications?page={number}").get_data(as_text=True) for number in pages)
    for kind, written in texts.items():
        assert written != FALLBACK[language], kind
        assert "%(" not in written and "%s" not in written, kind
        for shown in SAMPLES[kind][1]:
            assert shown in written, (kind, shown)
        assert written != other[kind], f"{kind} is not translated"
        if language == "fr":
            assert not re.search(r" [:;!?»]|« ", written), f"{kind}: a plain space where French wants U+00A0"
        assert escape(written) in page, kind
    assert page.count('<form class="notification-open"') == len(kinds)


FALLBACK = {
    "fr": "Vous avez une notification de Porte-voix.",
    "en": "You have a notification from Porte-voix.",
}


def test_a_notification_whose_text_no_longer_fits_shows_a_plain_line(app, client, signed_in):
    person = signed_in(language="en")
    with app.app_context():
        user = db.session.get(User, person.id)
        notify(user, "welcome", {"name": "Zoé"})
        db.session.add(
            Notification(user_id=user.id, kind="welcome", params={})
        )  # stored before a text change
        db.session.add(
            Notification(user_id=user.id, kind="retired_kind", params={"x": 1})
        )  # its feature is gone
        db.session.commit()
    for path in ["/notifications", "/"]:
        response = client.get(path)
        assert response.status_code == 200
        page = text(response)
        assert page.count(FALLBACK["en"]) == 2
        assert "Welcome to Porte-voix, Zoé!" in page


def test_home_lists_the_latest_notifications_with_their_link(app, client, signed_in):
    person = signed_in()
    [linked] = add_notifications(app, person, 1, link=("profile.me", {}))
    add_notifications(app, person, 1)
    page = client.get("/").get_data(as_text=True)
    assert page.count('<form class="notification-open"') == 1
    assert f'action="/notifications/{linked}/open"' in page


def test_home_shows_only_what_is_not_read_yet(app, client, signed_in):
    person = signed_in(language="en")
    read, _unread = add_notifications(app, person, 2)
    with app.app_context():
        db.session.get(Notification, read).read_at = utcnow()
        db.session.commit()
    page = text(client.get("/"))
    news = page[page.index('id="news-title"') : page.index('id="why-title"')]
    assert "Welcome to Porte-voix, N1!" in news and "N0" not in news
    post(client, "/notifications/read-all")
    news = text(client.get("/")).split('id="news-title"')[1].split('id="why-title"')[0]
    assert "Welcome to Porte-voix" not in news and "Nothing new for now." in news


def test_home_reads_no_notification_when_none_is_unread(app, client, signed_in, count_queries):
    person = signed_in(language="en")
    client.get("/")
    with count_queries() as nothing_unread:
        client.get("/")
    add_notifications(app, person, 1)
    with count_queries() as one_unread:
        page = text(client.get("/"))
    assert "Welcome to Porte-voix, N0!" in page
    assert not [s for s in nothing_unread.statements if "FROM notifications" in s and "LIMIT" in s]
    assert one_unread.count == nothing_unread.count + 1, one_unread.statements
