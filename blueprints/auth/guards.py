"""Who may enter a view."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from blueprints.auth.models import Role


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
