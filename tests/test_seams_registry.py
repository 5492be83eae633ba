"""Features plug in through the registry: what they declare is theirs alone, and the audit
trail and the notifications are written with the texts they registered."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import db
from base.registry import Feature, Registry, registry
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.admin.feature import feature as admin_feature
from blueprints.admin.services import add_person, audit_trail
from blueprints.auth.feature import feature as auth_feature
from blueprints.auth.services import NewPerson
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text, notify
from tests.conftest import text


def test_a_verb_declared_twice_is_refused():
    features = Registry()
    features.add(admin_feature)
    copycat = Feature("copycat", verbs=["role_changed"])
    with pytest.raises(ValueError, match=r"feature 'copycat' declares the verb \['role_changed'\] again"):
        features.add(copycat)


def test_a_notification_kind_declared_twice_is_refused():
    features = Registry()
    features.add(auth_feature)
    copycat = Feature("copycat", notifications={"welcome": "Hi"})
    with pytest.raises(
        ValueError, match=r"feature 'copycat' declares the notification kind \['welcome'\] again"
    ):
        features.add(copycat)


# A feature the site does not have, plugged in by a test: nothing below it names it.
PROBE = Feature(
    "probe",
    verbs=["waved_at"],
    notifications={"waved": "%(who)s waved at you"},
    audit_texts={"waved_at": lambda name, payload: f"waved at {name} {payload['times']} times"},
)


def test_audit_trail_and_notifications_read_a_new_feature_texts(app, client, signed_in, make_user):
    admin = signed_in(Role.ADMIN, display_name="Ada Admin")
    target = make_user(display_name="Tom Target")
    with app.app_context():
        registry().add(PROBE)
        record(db.session.get(User, admin.id), "waved_at", "user", target.id, {"times": 3})
        notify(db.session.get(User, admin.id), "waved", {"who": "Tom"})
        db.session.commit()
        [entry] = audit_trail()  # in a plain app context, as a report job would
        assert (entry.who, entry.what) == ("Ada Admin", "waved at Tom Target 3 times")
        assert message_text(db.session.scalars(sa.select(Notification)).one()) == "Tom waved at you"
    assert "waved at Tom Target 3 times" in text(client.get("/admin/"))
    assert "Tom waved at you" in text(client.get("/notifications"))


def test_audit_trail_and_notifications_of_the_site_features_in_each_language(app, make_user):
    admin = make_user(Role.ADMIN, display_name="Ada Admin")
    with app.app_context():
        nina, _ = add_person(db.session.get(User, admin.id), NewPerson("nina@lumen.example", "Nina Perrin"))
        welcome = db.session.scalars(sa.select(Notification).where(Notification.user_id == nina.id)).one()
        with force_locale("en"):
            assert [entry.what for entry in audit_trail()] == ["created the account of Nina Perrin"]
            assert message_text(welcome) == "Welcome to Porte-voix, Nina! Start by completing your profile."
        with force_locale("fr"):
            assert [entry.what for entry in audit_trail()] == ["a créé le compte de Nina Perrin"]


def test_each_badge_of_the_site_has_its_own_symbol(app):
    with app.app_context():
        symbols = [badge.symbol for badge in registry().badges.values()]
    assert len(symbols) > 5 and len(set(symbols)) == len(symbols)
