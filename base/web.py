"""Helpers for views: which requests want a fragment, which endpoints are public, numbers
read from URLs, query strings and forms."""

import re
from collections.abc import Mapping

from flask import Request, current_app, g, request
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from base.drawn import request_token

# The largest number a URL, a query string or a form may carry: an INTEGER column's largest.
MAX_INT = 2**31 - 1
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in routes (it replaces the default): a number beyond MAX_INT is no page of
    ours (404), rather than an overflow in the database."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT, signed=False
    ):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _bounded(number) -> bool:
    return not isinstance(number, int) or -MAX_INT - 1 <= number <= MAX_INT


class BoundedValues(ImmutableMultiDict):
    """Query strings and forms (``request.args``, ``request.form``): a number read with
    ``.get(name, default, type=int)`` beyond an INTEGER column counts as no number (the
    default), as a word would; ``.getlist(name, type=int)`` leaves it out."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default=default, type=type)
        return value if type is not int or _bounded(value) else default

    def getlist(self, key, type=None):
        return [value for value in super().getlist(key, type=type) if type is not int or _bounded(value)]


def with_bounded_numbers(request_class: type[Request]) -> type[Request]:
    """The app's request class (htmx's, say) with numbers from query strings and forms bounded."""
    return type(request_class.__name__, (request_class,), {"parameter_storage_class": BoundedValues})


def int_arg(
    name: str,
    default: int = 1,
    *,
    minimum: int = 1,
    maximum: int = MAX_INT,
    values: Mapping[str, str] | None = None,
) -> int:
    """A whole number from the query string (or ``values``, e.g. ``request.form``): ``default``
    when it is missing, not a number, or outside ``minimum``..``maximum`` (``?page=…``)."""
    raw = (request.args if values is None else values).get(name, "").strip()
    if not WHOLE_NUMBER.fullmatch(raw):
        return default
    number = int(raw)
    return number if minimum <= number <= maximum else default


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


CSRF_FIELD = "_csrf_field"


def csrf_field() -> Markup:
    """The hidden CSRF input of a plain form (templates: ``{{ csrf_field() }}``), written once per
    request (a page of cards has dozens of forms; the token is the request's anyway)."""
    field = g.get(CSRF_FIELD)
    if field is None:
        field = Markup('<input type="hidden" name="csrf_token" value="%s">') % request_token()
        setattr(g, CSRF_FIELD, field)
    return field
