"""Wall of fame entries drawn once per state and reused (``base.drawn``): an entry reads the
same for every reader who sees the same names in it (their own is "you"), in the same language.

``entry_key`` must name everything ``recognition/_entry.html`` shows: the entry's kind,
parameters, link and date, the names as this reader sees them, whether it is featured, and the
reader's language, zone and mount path. Its text and link are worked out only when it is drawn.
The console's entry (``recognition_console/_fame_entry.html``) adds whether it is hidden and the
page it is on.
"""

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import BuildError

from base.drawn import frozen, part, reader_key
from blueprints.recognition import fame
from blueprints.recognition.models import FameEntry

ENTRY_TEMPLATE = "recognition/_entry.html"
ENTRY_LIST_TEMPLATE = "recognition/_entry_list.html"
CONSOLE_ENTRY_TEMPLATE = "recognition_console/_fame_entry.html"


Entry = FameEntry | fame.WallEntry  # the console reads records, the wall what it keeps


@dataclass
class FameRow:
    entry: Entry
    text: str
    link: str | None


def fame_row(entry: Entry) -> FameRow:
    """An entry as the viewer reads it: the text in their language, the link to what it is about."""
    return FameRow(entry, fame.entry_text(entry, current_user), link_of(entry))


def link_of(entry: Entry) -> str | None:
    """The page an entry is about, if the site still has it."""
    if not entry.link_endpoint:
        return None
    try:
        return url_for(entry.link_endpoint, **entry.link_values)
    except BuildError:
        return None


def entry_key(entry: Entry, featured: bool) -> tuple:
    return (
        entry.id,
        entry.kind,
        frozen(entry.params),
        fame.public_name(entry.user, current_user),
        fame.public_name(entry.other_user, current_user),
        entry.link_endpoint,
        frozen(entry.link_values),
        entry.created_at,
        featured,
        *reader_key(),
    )


def fame_entry(entry: Entry, featured: bool = False) -> Markup:
    """The entry as ``recognition/_entry.html`` draws it (templates: ``fame_entry``)."""
    return part(
        ENTRY_TEMPLATE,
        entry_key(entry, featured),
        lambda: {"row": fame_row(entry)},
        is_featured=featured,
    )


def fame_entries(entries: list[fame.WallEntry], state: str, featured: bool = False) -> Markup:
    """A list of the wall's entries drawn as one part (templates: ``fame_entries``): a kept page of
    the wall (``state``) reads the same for every reader but the people it names ("you")."""
    named = {person.id for entry in entries for person in (entry.user, entry.other_user) if person}
    reader = current_user.id if current_user.id in named else None
    key = (state, featured, reader, *reader_key())
    return part(ENTRY_LIST_TEMPLATE, key, entries=entries, featured=featured)


def console_fame_entry(entry: FameEntry, page_number: int) -> Markup:
    """The entry with its feature and hide buttons, as ``recognition_console/_fame_entry.html``
    draws it on a page of the console (templates: ``console_fame_entry``)."""
    key = (entry_key(entry, entry.featured_at is not None), entry.hidden, page_number)
    return part(
        CONSOLE_ENTRY_TEMPLATE,
        key,
        lambda: {"row": fame_row(entry)},
        page_number=page_number,
        message=None,
        acted=None,
    )
