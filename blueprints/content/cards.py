"""Feed cards drawn once and reused: a card is the same for every reader in the same state.

Drawing a card is half of a feed page's work (issue #14), yet a card depends only on what it
shows: the item's fields, the reader's state towards it (why, liked, saved, shared), the like
count, and the reader's language and time zone. Those are the key of a drawn card, kept by
``base.drawn``. The two parts that belong to the request — the CSRF token and the address a
reaction returns to without JavaScript — are drawn as marks and put in on the way out.

``card_key`` must name everything ``content/_card.html`` and ``_reactions.html`` read, and
``queue_item_key`` everything a suggestion of the moderation queue shows.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from base.vocabularies import THEMES
from blueprints.content.catalogue import KINDS
from blueprints.content.feed import Card
from blueprints.content.models import ContentItem

CARD_TEMPLATE = "content/_card.html"


def card_key(card: Card) -> tuple:
    item, preview = card.item, card.item.link_preview
    shown_preview = preview and (
        preview.has_image,
        preview.version,
        preview.image_width,
        preview.image_height,
    )
    return (
        item.id,
        item.title,
        item.summary,
        item.theme,
        item.kind,
        item.language,
        item.pinned,
        item.publish_at,
        item.link_site,
        shown_preview,
        card.reason,
        card.liked,
        card.bookmarked,
        card.likes,
        card.shared,
        *reader_key(),
    )


def feed_card(card: Card) -> Markup:
    """The card as ``content/_card.html`` draws it for this request (templates: ``feed_card``)."""
    return part(CARD_TEMPLATE, card_key(card), card=card, item=card.item, themes=THEMES, kinds=KINDS)


QUEUE_ITEM_TEMPLATE = "content_console/_queue_item.html"


def queue_item_key(item: ContentItem) -> tuple:
    return (
        item.id,
        item.title,
        item.language,
        item.author.display_name,
        item.created_at,
        item.suggestion_reason,
        item.url,
        *reader_key(),
    )


def queue_item(item: ContentItem) -> Markup:
    """A suggestion of the moderation queue as nobody has touched it yet, as
    ``content_console/_queue_item.html`` draws it (templates: ``queue_item``)."""
    return part(QUEUE_ITEM_TEMPLATE, queue_item_key(item), item=item, mine=False, checked=False)
