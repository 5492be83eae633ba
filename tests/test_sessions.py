"""Signing out holds: the remember cookie is deleted, and a sign-out, a password change, a
deactivation or a role change ends every earlier session of the person, wherever its
session cookie or "remember me" cookie was copied to."""

import pytest

from base.database import db
from blueprints.accounts.models import Role, User
from tests.conftest import PASSWORD, Auth, csrf_token, post

SESSION, REMEMBER = "session", "remember_token"
NEW_PASSWORD = "a brand new secret"


def sign_in(app, email: str, remember: bool = True):
    """A browser signed in as this person, "keep me signed in" ticked or not."""
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def is_signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 200:
        return True
    assert response.headers["Location"] == "/login?next=/"
    return False


def replay(app, name: str, value: str):
    """Another browser that only has a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def deletes_cookie(response, name: str) -> bool:
    return any(
        header.startswith(f"{name}=;") and "Expires=Thu, 01 Jan 1970" in header
        for header in response.headers.getlist("Set-Cookie")
    )


def test_signing_out_deletes_the_remember_cookie(app, make_user):
    person = make_user()
    browser = sign_in(app, person.email, remember=True)
    assert cookie(browser, REMEMBER)
    response = post(browser, "/logout")
    assert response.headers["Location"] == "/login"
    assert deletes_cookie(response, REMEMBER)
    assert cookie(browser, REMEMBER) is None
    assert not is_signed_in(browser)


def test_the_remember_cookie_alone_signs_in_until_an_event_ends_it(app, make_user):
    """The control for the tests below: a copied remember cookie does work while nothing ended it."""
    person = make_user()
    browser = sign_in(app, person.email)
    assert is_signed_in(replay(app, REMEMBER, cookie(browser, REMEMBER)))
    assert is_signed_in(replay(app, SESSION, cookie(browser, SESSION)))


def sign_out(app, person, browser, admin):
    post(browser, "/logout")


def change_password(app, person, browser, admin):
    data = {
        "password-current_password": PASSWORD,
        "password-new_password": NEW_PASSWORD,
        "password-confirm": NEW_PASSWORD,
    }
    assert post(browser, "/me/password", data).headers["Location"] == "/me"


def deactivate(app, person, browser, admin):
    assert post(admin, f"/admin/users/{person.id}/active", {"active": "0"}).status_code == 302
    post(admin, f"/admin/users/{person.id}/active", {"active": "1"})  # back: the old cookies stay dead


def change_role(app, person, browser, admin):
    assert post(admin, f"/admin/users/{person.id}/role", {"role": "comms"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, person.id).role == Role.COMMS


@pytest.mark.parametrize("event", [sign_out, change_password, deactivate, change_role])
def test_an_event_ends_every_earlier_session(app, make_user, event):
    admin = app.test_client()
    Auth(admin).login(make_user(Role.ADMIN).email)
    person = make_user()
    browser = sign_in(app, person.email)
    other_device = sign_in(app, person.email)
    copied = {SESSION: cookie(browser, SESSION), REMEMBER: cookie(browser, REMEMBER)}

    event(app, person, browser, admin)

    old_session = replay(app, SESSION, copied[SESSION])
    assert not is_signed_in(old_session)
    old_remember = replay(app, REMEMBER, copied[REMEMBER])
    response = old_remember.get("/")
    assert response.headers["Location"] == "/login?next=/"
    assert deletes_cookie(response, REMEMBER)  # the dead cookie is not sent again
    assert not is_signed_in(old_remember)
    assert not is_signed_in(other_device)


def test_a_password_change_keeps_the_browser_that_made_it_signed_in(app, make_user):
    person = make_user()
    browser = sign_in(app, person.email)
    old_remember = cookie(browser, REMEMBER)
    change_password(app, person, browser, None)
    assert "Votre mot de passe est modifié." in browser.get("/me").get_data(as_text=True)
    assert is_signed_in(browser)
    new_remember = cookie(browser, REMEMBER)
    assert new_remember and new_remember != old_remember
    assert is_signed_in(replay(app, REMEMBER, new_remember))  # "remember me" still holds here


def test_a_password_change_without_remember_me_sets_no_remember_cookie(app, make_user):
    person = make_user()
    browser = sign_in(app, person.email, remember=False)
    change_password(app, person, browser, None)
    assert is_signed_in(browser)
    assert cookie(browser, REMEMBER) is None


def test_signing_out_ends_the_sessions_on_other_devices_but_not_the_next_sign_in(app, make_user):
    person = make_user()
    first = sign_in(app, person.email)
    post(sign_in(app, person.email), "/logout")
    assert not is_signed_in(first)
    assert is_signed_in(sign_in(app, person.email))


@pytest.mark.parametrize(
    "stored",
    ["1", "1:", ":1", "1:1:1", "x:1", "99999999999999999999:1", "1:99999999999999999999", "١:١"],
)
def test_a_session_naming_no_current_session_is_signed_out_without_error(app, client, make_user, stored):
    make_user()  # id 1, session version 1
    with client.session_transaction() as session:
        session["_user_id"] = stored
    assert not is_signed_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session  # forgotten, not looked up again on every page


def test_the_session_carries_the_session_version(app, client, make_user):
    person = make_user()
    Auth(client).login(person.email)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{person.id}:1"
    with app.app_context():
        user = db.session.get(User, person.id)
        user.end_sessions()
        db.session.commit()
        assert user.get_id() == f"{person.id}:2"
    assert not is_signed_in(client)
