"""Helpers for views: which requests want a fragment, which endpoints are public."""

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup


def wants_fragment() -> bool:
    """An htmx swap of part of the page, not a boosted navigation or a history restore."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def public(view):
    """Mark a view as open to signed-out visitors; every other view requires signing in."""
    view.is_public = True
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    """Public: marked views, static files, and requests that match no route (they get a 404)."""
    if endpoint is None or endpoint == "static":
        return True
    return getattr(current_app.view_functions.get(endpoint), "is_public", False)


def csrf_field() -> Markup:
    """The hidden CSRF input of a plain form (templates: ``{{ csrf_field() }}``)."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()
