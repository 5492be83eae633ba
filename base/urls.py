"""Redirect targets taken from requests, restricted to this site."""

from urllib.parse import urlsplit


def is_local_path(target: str | None) -> bool:
    """True for a path on this site ("/feed?x=1"), false for anything that leaves it."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def local_or(target: str | None, default: str) -> str:
    return target if is_local_path(target) else default
