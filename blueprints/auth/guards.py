"""Who may enter a view."""

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

from blueprints.accounts.models import Role


def role_required(role: Role):
    """Sign-in required; a signed-in person below ``role`` gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def console_blueprint() -> Blueprint:
    """The comms console (/admin): features nest their console pages in it, under its guard."""
    console = Blueprint("console", __name__, url_prefix="/admin")
    console.before_request(require_comms)
    return console


@role_required(Role.COMMS)
def require_comms():
    """The whole console is for the comms team and administrators."""
