"""The content library's rules: who sees an item, sharing with tracked links, reactions,
suggestions and their moderation, the charter, and each item's figures.
"""

import random
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from base.database import db, utcnow
from base.links import public_url
from base.vocabularies import SHARE_NETWORKS
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.content import verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import (
    LIKE,
    REACTION_KINDS,
    Charter,
    CharterAcceptance,
    ContentItem,
    Reaction,
    Share,
    ShareText,
)
from blueprints.notifications.services import notify
from blueprints.quiz.models import QuizResult


class ContentError(Exception):
    """A refused action, with a message for the person."""


# --- Reading -----------------------------------------------------------------


def item_for(user: User, item_id: int) -> ContentItem | None:
    """The item if the person may open it: live for everyone; any state for comms (preview)
    and for the employee who suggested it."""
    item = db.session.get(ContentItem, item_id)
    if item is None:
        return None
    if item.is_live(utcnow()) or user.is_comms or item.author_id == user.id:
        return item
    return None


def share_networks(result: QuizResult | None) -> list[str]:
    """The networks to offer: those the person said they use in the quiz, or all when unknown."""
    used = [key for key in SHARE_NETWORKS if result and key in (result.networks or [])]
    return used or list(SHARE_NETWORKS)


def chosen_text(item: ContentItem, network: str, variant: int | None) -> tuple[str, int]:
    """The share text variant asked for, or one at random; with its index."""
    texts = item.texts_for(network)
    if not texts:
        return "", 0
    if variant is None or not 0 <= variant < len(texts):
        variant = random.randrange(len(texts))
    return texts[variant], variant


# --- Charter -----------------------------------------------------------------


def current_charter() -> Charter | None:
    return db.session.scalar(sa.select(Charter).order_by(Charter.version.desc()).limit(1))


def must_accept_charter(user: User) -> Charter | None:
    """The current charter if the person has not accepted it yet (None: free to share)."""
    charter = current_charter()
    if charter is None:
        return None
    accepted = db.session.get(CharterAcceptance, (user.id, charter.id))
    return None if accepted else charter


def accept_charter(user: User, charter_id: int) -> None:
    """Record that the person accepted this version; only the current one can be accepted."""
    charter = current_charter()
    if charter is None or charter.id != charter_id:
        raise ContentError(_l("The charter has changed since you opened it. Please read the new version."))
    if db.session.get(CharterAcceptance, (user.id, charter.id)) is None:
        db.session.add(CharterAcceptance(user_id=user.id, charter_id=charter.id))
        record(user, verbs.CHARTER_ACCEPTED, "charter", charter.id, {"version": charter.version})
    db.session.commit()


def publish_charter(author: User, body_fr: str, body_en: str) -> Charter:
    """A new version: everyone is asked to accept it before their next share."""
    previous = current_charter()
    charter = Charter(
        version=(previous.version + 1) if previous else 1, body_fr=body_fr, body_en=body_en, created_by=author
    )
    db.session.add(charter)
    db.session.flush()
    record(author, verbs.CHARTER_PUBLISHED, "charter", charter.id, {"version": charter.version})
    db.session.commit()
    return charter


def charter_history() -> list[Charter]:
    return list(db.session.scalars(sa.select(Charter).order_by(Charter.version.desc())))


# --- Sharing -----------------------------------------------------------------


def tracked_link(share: Share) -> str:
    """The share's public link: on PUBLIC_URL, the address the outside world reaches."""
    return public_url("content.track", token=share.token)


def check_share_text(item: ContentItem, network: str, text: str) -> str:
    limit = SHARE_NETWORKS[network].text_limit_with_link(bool(item.url))
    text = text.strip()
    if len(text) > limit:
        raise ContentError(
            _l(
                "Your text is %(length)s characters long; %(network)s takes %(limit)s here.",
                length=len(text),
                network=SHARE_NETWORKS[network].name,
                limit=limit,
            )
        )
    return text


def share(user: User, item: ContentItem, network: str) -> Share:
    """Record the person's share of an item on a network, once; the existing one if shared before.

    The caller has checked the charter and that the item is live.
    """
    if network not in SHARE_NETWORKS:
        raise ContentError(_l("This network is not offered for sharing."))
    if not item.url:
        raise ContentError(_l("This item has no link to share: copy its text instead."))
    existing = _existing_share(user, item, network)
    if existing:
        return existing
    new_share = Share(user_id=user.id, item_id=item.id, network=network, token=secrets.token_urlsafe(12))
    db.session.add(new_share)
    try:
        db.session.flush()
    except IntegrityError:  # the same share, recorded by a double click an instant earlier
        db.session.rollback()
        return _existing_share(user, item, network)
    record(user, verbs.CONTENT_SHARED, "content", item.id, {"network": network, "share": new_share.id})
    db.session.commit()
    return new_share


def _existing_share(user: User, item: ContentItem, network: str) -> Share | None:
    return db.session.scalar(
        sa.select(Share).where(Share.user_id == user.id, Share.item_id == item.id, Share.network == network)
    )


def shared_networks(user: User, item: ContentItem) -> set[str]:
    return set(
        db.session.scalars(sa.select(Share.network).where(Share.user_id == user.id, Share.item_id == item.id))
    )


def follow_tracked_link(token: str, *, count_visit: bool = True) -> str | None:
    """Count a visit of a tracked link and return where it goes: the item's stored link only.

    Networks fetch a link to build its preview when it is posted; such visits are
    not people and the caller passes ``count_visit=False`` for them.
    """
    found = db.session.execute(
        sa.select(Share, ContentItem.url)
        .join(ContentItem, ContentItem.id == Share.item_id)
        .where(Share.token == token)
    ).first()
    if found is None or not found.url:
        return None
    if count_visit:
        tracked = found.Share
        db.session.execute(sa.update(Share).where(Share.id == tracked.id).values(clicks=Share.clicks + 1))
        record(tracked.user, verbs.CLICK_RECEIVED, "content", tracked.item_id, {"share": tracked.id})
        db.session.commit()
    return found.url


# --- Reactions ---------------------------------------------------------------


def toggle_reaction(user: User, item: ContentItem, kind: str) -> bool:
    """Like or bookmark an item, or undo it; whether it is now on."""
    if kind not in REACTION_KINDS:
        raise ContentError(_l("Unknown reaction."))
    existing = db.session.get(Reaction, (user.id, item.id, kind))
    if existing:
        db.session.delete(existing)
        if kind == LIKE:
            record(user, verbs.CONTENT_UNLIKED, "content", item.id)
    else:
        db.session.add(Reaction(user_id=user.id, item_id=item.id, kind=kind))
        if kind == LIKE:
            record(user, verbs.CONTENT_LIKED, "content", item.id)
    try:
        db.session.commit()
    except IntegrityError:  # a double click already added it
        db.session.rollback()
        return True
    return existing is None


def own_reactions(user: User, item_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Reaction.kind).where(Reaction.user_id == user.id, Reaction.item_id == item_id)
        )
    )


# --- Suggestions and moderation ------------------------------------------------


def suggest(user: User, title: str, url: str, reason: str, language: str) -> ContentItem:
    """An employee's proposal, waiting in the moderation queue."""
    item = ContentItem(
        title=title.strip(),
        url=url.strip(),
        summary="",
        suggestion_reason=reason.strip(),
        theme="company_news",
        kind="news",
        language=language,
        status=Status.PENDING,
        author_id=user.id,
    )
    db.session.add(item)
    db.session.flush()
    record(user, verbs.SUGGESTION_SUBMITTED, "content", item.id)
    db.session.commit()
    return item


def moderation_queue() -> list[ContentItem]:
    return list(
        db.session.scalars(
            sa.select(ContentItem)
            .where(ContentItem.status == Status.PENDING)
            .order_by(ContentItem.created_at, ContentItem.id)
        )
    )


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ContentItem.id)).where(ContentItem.status == Status.PENDING)
    )


def approve(moderator: User, item: ContentItem) -> None:
    """Publish a suggestion (already edited by the moderator) and tell the person who made it."""
    _decide(moderator, item, Status.PUBLISHED)
    record(item.author, verbs.SUGGESTION_APPROVED, "content", item.id)
    record(moderator, verbs.MODERATION_APPROVED, "content", item.id)
    notify(
        item.author,
        "suggestion_approved",
        {"title": item.title},
        link=("content.item", {"item_id": item.id}),
    )
    db.session.commit()


def reject(moderator: User, item: ContentItem, reason: str) -> None:
    _decide(moderator, item, Status.REJECTED)
    item.rejection_reason = reason.strip()
    record(moderator, verbs.MODERATION_REJECTED, "content", item.id)
    notify(item.author, "suggestion_rejected", {"title": item.title, "reason": item.rejection_reason})
    db.session.commit()


def _decide(moderator: User, item: ContentItem, status: Status) -> None:
    """Move a pending suggestion to its decision; refused if someone decided it meanwhile.

    A conditional update, so two moderators deciding at once cannot both win.
    """
    decided = db.session.execute(
        sa.update(ContentItem)
        .where(ContentItem.id == item.id, ContentItem.status == Status.PENDING)
        .values(status=status, moderated_by_id=moderator.id, moderated_at=utcnow())
    )
    if decided.rowcount != 1:
        raise ContentError(_l("This suggestion has already been moderated."))


def my_suggestions(user: User) -> list[ContentItem]:
    return list(
        db.session.scalars(
            sa.select(ContentItem)
            .where(ContentItem.author_id == user.id, ContentItem.suggestion_reason.is_not(None))
            .order_by(ContentItem.created_at.desc(), ContentItem.id.desc())
            .limit(20)
        )
    )


# --- Console -------------------------------------------------------------------


def set_share_texts(item: ContentItem, texts: dict[str, list[str]]) -> None:
    """Replace the item's share texts by the given variants per network (blank ones dropped)."""
    item.share_texts = [
        ShareText(network=network, position=position, body=body.strip())
        for network, bodies in texts.items()
        for position, body in enumerate(body for body in bodies if body.strip())
    ]


def save_item(editor: User, item: ContentItem) -> ContentItem:
    """Add or update an item from the console, with its audit entry."""
    created = item.id is None
    if created:
        item.author_id = item.author_id or editor.id
        db.session.add(item)
    db.session.flush()
    record(editor, verbs.CONTENT_CREATED if created else verbs.CONTENT_UPDATED, "content", item.id)
    db.session.commit()
    return item


def set_pinned(editor: User, item: ContentItem, pinned: bool) -> None:
    item.pinned = pinned
    record(editor, verbs.CONTENT_PINNED if pinned else verbs.CONTENT_UNPINNED, "content", item.id)
    db.session.commit()


def archive(editor: User, item: ContentItem) -> None:
    item.status = Status.ARCHIVED
    item.pinned = False
    record(editor, verbs.CONTENT_ARCHIVED, "content", item.id)
    db.session.commit()


def library_page(page: int, status: str | None, search: str):
    query = sa.select(ContentItem).options(sa.orm.lazyload(ContentItem.share_texts))
    if status in {s.value for s in Status}:
        query = query.where(ContentItem.status == Status(status))
    if search:
        query = query.where(ContentItem.title.ilike(f"%{search}%"))
    query = query.order_by(ContentItem.pinned.desc(), ContentItem.publish_at.desc(), ContentItem.id.desc())
    return db.paginate(query, page=page, per_page=25, error_out=False)


@dataclass
class ItemFigures:
    shares_by_network: dict[str, int]
    clicks_by_network: dict[str, int]
    likes: int
    bookmarks: int

    @property
    def shares(self) -> int:
        return sum(self.shares_by_network.values())

    @property
    def clicks(self) -> int:
        return sum(self.clicks_by_network.values())


def item_figures(item_id: int) -> ItemFigures:
    by_network = db.session.execute(
        sa.select(
            Share.network, sa.func.count(Share.id).label("shares"), sa.func.sum(Share.clicks).label("clicks")
        )
        .where(Share.item_id == item_id)
        .group_by(Share.network)
    ).all()
    reactions = dict(
        db.session.execute(
            sa.select(Reaction.kind, sa.func.count())
            .where(Reaction.item_id == item_id)
            .group_by(Reaction.kind)
        ).all()
    )
    return ItemFigures(
        {row.network: row.shares for row in by_network},
        {row.network: row.clicks or 0 for row in by_network},
        reactions.get("like", 0),
        reactions.get("bookmark", 0),
    )


def recent_sharers(item_id: int, limit: int = 10) -> list[tuple[User, Share]]:
    return list(
        db.session.execute(
            sa.select(User, Share)
            .join(Share, Share.user_id == User.id)
            .where(Share.item_id == item_id)
            .order_by(Share.created_at.desc(), Share.id.desc())
            .limit(limit)
        )
    )
