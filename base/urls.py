"""Redirect targets taken from requests, restricted to this site; addresses built for templates."""

import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from flask import has_request_context, request

# Control characters (CR, LF, tab, NUL…), line and paragraph separators, lone surrogates.
UNSAFE_CATEGORIES = {"Cc", "Zl", "Zp", "Cs"}


def is_local_path(target: str | None) -> bool:
    """True for a path on this site ("/feed?x=1"), false for anything that leaves it or that no
    Location header may carry (a line break, any other control character)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(character) in UNSAFE_CATEGORIES for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def local_or(target: str | None, default: str) -> str:
    return target if is_local_path(target) else default


PLAIN_VALUES = {int, str, bool, type(None)}


def remembered_url_for(url_for):
    """Templates' ``url_for``: a page builds the same addresses over and over (the header's
    dozen, each card's), and Flask builds each afresh. Addresses depend only on the endpoint,
    its values, the blueprint (for ".name") and the path the site is mounted at, so they are
    remembered per process; anything else (``_external``, ``_anchor``…, values other than
    numbers, words and None: a Decimal or a date may be equal to another yet print differently)
    is built as usual."""

    @lru_cache(maxsize=8192)
    def remembered(script_root: str, blueprint: str | None, endpoint: str, values: tuple) -> str:
        return url_for(endpoint, **{name: value for name, _kind, value in values})

    def build(endpoint: str, **values) -> str:
        if (
            not has_request_context()
            or any(name.startswith("_") for name in values)
            or not all(type(value) in PLAIN_VALUES for value in values.values())
        ):
            return url_for(endpoint, **values)
        return remembered(
            request.script_root,
            request.blueprint if endpoint.startswith(".") else None,
            endpoint,
            # in the order given (the query string keeps it); the kind too: True == 1 as a key,
            # yet they print differently
            tuple((name, type(value).__name__, value) for name, value in values.items()),
        )

    return build
