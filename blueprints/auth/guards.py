"""Who may enter a view."""

from functools import wraps

from flask import abort, current_app, request
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


def sign_in_required_except(*public_endpoints: str):
    """A blueprint's before-request hook: sign-in for every view but the named public ones."""

    def require_sign_in():
        if request.endpoint not in public_endpoints and not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return None

    return require_sign_in


def wants_fragment() -> bool:
    """An htmx swap of part of the page, not a boosted navigation or a history restore."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request
