"""The page header drawn once per state and reused (``base.drawn``): every page shows it, and
drawing its menu, language switch and account menu cost more than many pages' own content.

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


def site_header() -> Markup:
    """The header as ``core/_header.html`` draws it (templates: ``site_header``)."""
    if not current_user.is_authenticated:
        return part(HEADER_TEMPLATE, (None, *reader_key()), user=None)
    figures = services.header_figures(current_user.id)
    menu = navigation("main")
    key = (
        current_user.display_name,
        current_user.email,
        figures.balance.lifetime,
        figures.unread,
        tuple((item.endpoint, item.current) for item in menu),
        *reader_key(),
    )
    return part(
        HEADER_TEMPLATE, key, user=current_user, menu=menu, balance=figures.balance, unread=figures.unread
    )
