"""Redirect targets taken from requests, restricted to this site."""

import unicodedata
from urllib.parse import urlsplit

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
