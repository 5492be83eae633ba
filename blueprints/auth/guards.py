"""Who may enter a view, beyond signing in (every view but the public ones requires that)."""

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from blueprints.accounts.models import Role


def _has_role(role: Role) -> bool:
    """At or above ``role``; false for a visitor, should a public view be guarded too."""
    return current_user.is_authenticated and current_user.has_role(role)


def role_required(role: Role):
    """A person below ``role`` gets 403."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not _has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def console_blueprint() -> Blueprint:
    """The comms console (/admin): features nest their console pages in it, under its guard."""
    console = Blueprint("console", __name__, url_prefix="/admin")
    console.before_request(require_comms)
    return console


def require_comms() -> None:
    """The whole console is for the comms team and administrators."""
    if not _has_role(Role.COMMS):
        abort(403)
