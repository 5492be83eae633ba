"""The menus: each feature registers its entries (``base.registry``); a page shows those the
person's role may see, the current one marked."""

from dataclasses import dataclass

from flask import request
from flask_login import current_user
from markupsafe import Markup

from base.drawn import part, reader_key
from base.registry import registry
from blueprints.core import services


@dataclass
class MenuItem:
    endpoint: str
    label: str
    current: bool
    badge: int | None


def navigation(menu: str) -> list[MenuItem]:
    """A menu's entries that the person may see, as the features registered them, with their
    counts (all of a menu's in one query)."""
    here, person = request.endpoint or "", current_user._get_current_object()  # the proxy once, not per entry
    entries = [entry for entry in registry().navigation if entry.menu == menu and person.has_role(entry.role)]
    counts = services.menu_counts([entry.badge for entry in entries if entry.badge])
    return [
        MenuItem(entry.endpoint, entry.label, here.startswith(entry.section), entry.badge and next(counts))
        for entry in entries
    ]


def drawn_menu(menu: str, template: str) -> Markup:
    """A menu as ``template`` draws it from ``menu`` (its entries), drawn once per state: its
    entries, which one is current, their counts, and the reader's language and mount path
    (templates: ``drawn_menu``)."""
    items = navigation(menu)
    key = (menu, tuple((item.endpoint, item.current, item.badge) for item in items), *reader_key())
    return part(template, key, menu=items)
