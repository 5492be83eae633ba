"""Absolute links built without a request, for e-mails, calendars and tracked links.

``SITE_URL`` is where people reach the site; ``PUBLIC_URL`` (default: ``SITE_URL``) where
people outside the company reach tracked links. Both may include a path prefix.
"""

from urllib.parse import urlsplit

from flask import current_app


def site_url(endpoint: str, **values) -> str:
    """An absolute link to a page of the site, at SITE_URL."""
    return _absolute(current_app.config["SITE_URL"], endpoint, values)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for people outside the company, at PUBLIC_URL (or SITE_URL)."""
    return _absolute(current_app.config["PUBLIC_URL"] or current_app.config["SITE_URL"], endpoint, values)


def _absolute(base: str, endpoint: str, values: dict) -> str:
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
