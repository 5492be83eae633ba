"""The signed-in session of a browser: starting, renewing and ending it.

Flask-Login keeps "id:session version" in the session and in the "remember me" cookie
(``User.get_id``). A sign-out, a password change, a deactivation or a role change raises the
person's session version, so every session and remember cookie issued before stops working,
wherever it was copied to.
"""

from flask import current_app, request, session
from flask_login import COOKIE_NAME, decode_cookie, login_user, logout_user

from base.extensions import login_manager
from base.registry import registry
from base.web import is_public_endpoint
from blueprints.accounts.models import User
from blueprints.auth import services


def keep_only_language() -> None:
    """Forget everything a previous person left in the session (quiz answers…) but the language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def start_session(user: User, remember: bool = False) -> None:
    keep_only_language()
    login_user(user, remember=remember)


def renew_session(user: User) -> None:
    """Keep this browser signed in after the person's session version changed (a password
    change): its session, and its remember cookie if it has one, carry the new version."""
    login_user(user, remember=remember_cookie_name() in request.cookies)


def end_session() -> None:
    """Sign this browser out: the session forgets all but the language, the remember cookie is
    deleted. (Clearing comes first: Flask-Login's note to delete the cookie is in the session.)"""
    keep_only_language()
    logout_user()


def remember_cookie_name() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user = services.user_for_session(session_id, registry().person_figures if shows_a_page() else ())
    if user is None:
        forget_ended_session(session_id)
    return user


def shows_a_page() -> bool:
    """Whether the request asks for a whole page (with its header), not a fragment, a file or
    the health check: only then are the header's figures read with the person."""
    return (
        request.method == "GET"
        and "HX-Request" not in request.headers
        and not is_public_endpoint(request.endpoint)
    )


def forget_ended_session(session_id: str) -> None:
    """A session or remember cookie that names no current session: drop it from the session,
    and delete the remember cookie when it is the one that named it."""
    if session.get("_user_id") == session_id:
        session.pop("_user_id", None)
        session.pop("_fresh", None)
    cookie = request.cookies.get(remember_cookie_name())
    if cookie and decode_cookie(cookie) == session_id:
        session["_remember"] = "clear"
