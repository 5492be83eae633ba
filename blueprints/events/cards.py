"""Event cards drawn once per state and reused (``base.drawn``): the list's cards are the same
for every reader who sees an event with the same seats, the same registration of theirs, in the
same language and time zone.

``card_key`` must name everything ``events/_event_card.html`` reads.
"""

from flask import current_app
from markupsafe import Markup

from base.drawn import drawn, reader_key
from base.i18n import LANGUAGE_NAMES
from blueprints.events.catalogue import KINDS
from blueprints.events.listing import Listed

CARD_TEMPLATE = "events/_event_card.html"


def card_key(entry: Listed, past: bool) -> tuple:
    event, seats = entry.event, entry.seats
    return (
        event.id,
        event.title,
        event.kind,
        event.language,
        event.starts_at,
        event.place,
        event.status,
        entry.mine,
        seats.confirmed,
        seats.waiting,
        seats.capacity,
        past,
        *reader_key(),
    )


def event_card(entry: Listed, past: bool) -> Markup:
    """The card as ``events/_event_card.html`` draws it (templates: ``event_card``)."""
    return Markup(drawn("event card", card_key(entry, past), lambda: _draw(entry, past)))


def _draw(entry: Listed, past: bool) -> str:
    template = current_app.jinja_env.get_template(CARD_TEMPLATE)
    return template.render(entry=entry, past=past, kinds=KINDS, languages=LANGUAGE_NAMES)
