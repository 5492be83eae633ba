"""The page's frame and header drawn once per state and reused (``base.drawn``): every page
shows them, and drawing the header's menu, language switch and account menu, or the frame's
addresses and messages, cost more than many pages' own content.

The frame (``page_start``, ``body_start``, ``page_end``) is the same for every reader of a
language and mount path: ``reader_key`` names all it shows (static addresses carry their
content's fingerprint, fixed while the site runs).

``header_key`` must name everything ``core/_header.html`` reads: the person's names and
address, their points and unread count, the main menu's entries (which the role and the
current section decide) and the reader's language, zone and mount path. The form token and
the address the language switch returns to are the request's own, put in by ``base.drawn``.
"""

from flask_login import current_user
from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.core import services
from blueprints.core.navigation import navigation

HEADER_TEMPLATE = "core/_header.html"


def page_start() -> Markup:
    """The page up to its title: its language, metadata, style sheet and scripts (templates:
    ``page_start``)."""
    key = reader_key()
    return part("core/_page_start.html", key, language=key[0])


def body_start() -> Markup:
    """The body's opening tag (the request's form token, the messages scripts show) and the skip
    link (templates: ``body_start``)."""
    return part("core/_body_start.html", reader_key())


def page_end() -> Markup:
    """The footer and the page's end (templates: ``page_end``)."""
    return part("core/_page_end.html", reader_key())


def site_header() -> Markup:
    """The header as ``core/_header.html`` draws it (templates: ``site_header``)."""
    person = current_user._get_current_object()  # the proxy once, not per field
    if not person.is_authenticated:
        return part(HEADER_TEMPLATE, (None, *reader_key()), user=None)
    figures = services.header_figures(person.id)
    menu = navigation("main")
    key = (
        person.display_name,
        person.email,
        figures.balance.lifetime,
        figures.unread,
        tuple((item.endpoint, item.current) for item in menu),
        *reader_key(),
    )
    return part(HEADER_TEMPLATE, key, user=person, menu=menu, balance=figures.balance, unread=figures.unread)
