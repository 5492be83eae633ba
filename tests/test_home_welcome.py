"""One rule for a complete profile: the welcome notification asks for it, the home page's
checklist checks it, and once it is done the welcome stops asking."""

import re

import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Department, User
from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify, settle
from tests.conftest import csrf_token, text

WELCOME = "Bienvenue sur Porte-voix, Zoé ! Commencez par compléter votre profil."


def welcome(app, person_id: int) -> int:
    with app.app_context():
        notification = notify(
            db.session.get(User, person_id), "welcome", {"name": "Zoé"}, link=("profile.me", {})
        )
        db.session.commit()
        return notification.id


def department(app) -> int:
    with app.app_context():
        found = Department(name="Ventes")
        db.session.add(found)
        db.session.commit()
        return found.id


def unread_kinds(app, person_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.kind).where(
                    Notification.user_id == person_id, Notification.read_at.is_(None)
                )
            )
        )


def test_settle_marks_read_only_that_kind_of_that_person(app, make_user):
    me, colleague = make_user(), make_user()
    for person in (me, colleague):
        welcome(app, person.id)
    with app.app_context():
        notify(db.session.get(User, me.id), "role_changed", {"role": "comms"})
        assert settle(db.session.get(User, me.id), "welcome") == 1
        db.session.commit()
    assert unread_kinds(app, me.id) == ["role_changed"]
    assert unread_kinds(app, colleague.id) == ["welcome"]


def save_profile(client, department_id: int, timezone: str):
    fields = {
        "display_name": "Zoé Martin",
        "department_id": department_id,
        "site_id": 0,
        "language": "fr",
        "timezone": timezone,
        "content_languages": ["fr"],
    }
    data = {f"profile-{name}": value for name, value in fields.items()}
    return client.post("/me", data={**data, "csrf_token": csrf_token(client)})


def news(page: str) -> str:
    """The home page's new notifications."""
    return page[page.index('id="news-title"') : page.index('id="why-title"')]


def checklist(page: str) -> str:
    """The home page's "next steps", as it reads."""
    steps = page[page.index('id="steps-title"') : page.index('id="feed-title"')]
    return " ".join(re.sub(r"<[^>]+>", " ", steps).split())


def test_completing_the_profile_settles_the_welcome_and_home_agrees(app, client, signed_in):
    me = signed_in(language="fr")
    welcome(app, me.id)
    page = text(client.get("/"))
    assert "Complétez votre profil" in checklist(page)
    assert WELCOME in news(page)

    assert save_profile(client, department(app), "Europe/Paris").status_code == 302
    assert unread_kinds(app, me.id) == []
    page = text(client.get("/"))
    assert "Fait : votre profil est complet." in checklist(page)
    assert WELCOME not in news(page) and "Rien de nouveau pour l'instant." in news(page)
    assert 'class="badge badge--empty"' in page
    assert WELCOME in text(client.get("/notifications"))  # kept, read, in the notification centre


def test_a_profile_saved_incomplete_leaves_the_welcome_asking(app, client, signed_in):
    me = signed_in(language="fr")
    welcome(app, me.id)
    assert save_profile(client, 0, "Europe/Paris").status_code == 302  # no department yet
    assert unread_kinds(app, me.id) == ["welcome"]
    assert "Complétez votre profil" in checklist(text(client.get("/")))
