"""The content library's rules: who sees an item, sharing with tracked links, reactions,
suggestions and their moderation, the charter, and each item's figures.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from base.database import begin_locked_transaction, db, unit_of_work, utcnow
from base.i18n import lazy_gettext as _l
from base.links import public_url
from base.vocabularies import SHARE_NETWORKS
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.content import verbs
from blueprints.content.catalogue import EXPIRED, SCHEDULED, Status
from blueprints.content.models import (
    BOOKMARK,
    LIKE,
    REACTION_KINDS,
    Charter,
    CharterAcceptance,
    ContentItem,
    LinkPreview,
    Reaction,
    Share,
    ShareText,
)
from blueprints.content.previews import Limits, Preview, PreviewUnavailable, fetch_preview
from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify
from blueprints.quiz.models import QuizResult


class ContentError(Exception):
    """A refused action, with a message for the person."""


class CharterToAccept(ContentError):
    """A share refused until the person accepts the current charter."""


# --- Reading -----------------------------------------------------------------


# An item as its page shows it: with its share texts and link preview, in one query.
WITH_TEXTS_AND_PREVIEW = (joinedload(ContentItem.share_texts), joinedload(ContentItem.preview))


def item_for(user: User, item_id: int) -> ContentItem | None:
    """The item if the person may open it: live for everyone; any state for comms (preview)
    and for the employee who suggested it."""
    item = db.session.get(ContentItem, item_id, options=WITH_TEXTS_AND_PREVIEW)
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
    """The current charter if the person has not accepted it yet (None: free to share); one query."""
    found = db.session.execute(_charter_statement(), {"person": user.id}).first()
    return found[0] if found is not None and not found[1] else None


@lru_cache(maxsize=1)
def _charter_statement() -> sa.Select:
    """The current charter and whether the person accepted it, built once (sharing asks on
    every item)."""
    accepted = sa.exists().where(
        CharterAcceptance.user_id == sa.bindparam("person", type_=sa.Integer),
        CharterAcceptance.charter_id == Charter.id,
    )
    return sa.select(Charter, accepted).order_by(Charter.version.desc()).limit(1)


@unit_of_work()
def accept_charter(user: User, charter_id: int) -> None:
    """Record that the person accepted this version; only the current one can be accepted."""
    charter = current_charter()
    if charter is None or charter.id != charter_id:
        raise ContentError(_l("The charter has changed since you opened it. Please read the new version."))
    if db.session.get(CharterAcceptance, (user.id, charter.id)) is None:
        db.session.add(CharterAcceptance(user_id=user.id, charter_id=charter.id))
        record(user, verbs.CHARTER_ACCEPTED, "charter", charter.id, {"version": charter.version})


@unit_of_work()
def publish_charter(author: User, body_fr: str, body_en: str) -> Charter:
    """A new version: everyone is asked to accept it before their next share.

    Its number is the highest one plus one, read under a lock on the charters, so two
    versions published at the same instant get two numbers, one after the other.
    """
    _lock_charters()
    previous = current_charter()
    charter = Charter(
        version=(previous.version + 1) if previous else 1, body_fr=body_fr, body_en=body_en, created_by=author
    )
    db.session.add(charter)
    db.session.flush()
    record(author, verbs.CHARTER_PUBLISHED, "charter", charter.id, {"version": charter.version})
    return charter


def _lock_charters() -> None:
    """Start a transaction holding the charters' write lock until commit or rollback: the
    table lock on PostgreSQL (readers go on), the database's write lock on SQLite."""
    begin_locked_transaction("_lock_charters()")  # before reading the versions
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"LOCK TABLE {Charter.__tablename__} IN EXCLUSIVE MODE"))


def charter_history() -> list[Charter]:
    return list(db.session.scalars(sa.select(Charter).order_by(Charter.version.desc())))


# --- Sharing -----------------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    """A recorded share: its tracked link's token, and the network's share page to open."""

    token: str
    target: str


@unit_of_work()
def share(user: User, item_id: int, network: str, text: str) -> Shared:
    """Record the person's share of a live item on a network, once: sharing again gives the same link.

    The network's share page gets the person's text, when it takes one, and the share's
    tracked link on PUBLIC_URL, the address the outside world reaches.
    """
    if network not in SHARE_NETWORKS:
        raise ContentError(_l("This network is not offered for sharing."))
    item = item_for(user, item_id)
    if item is None or not item.is_live(utcnow()):
        raise ContentError(_l("Sharing opens once the item is published."))
    if must_accept_charter(user):
        raise CharterToAccept(_l("Please read and accept the programme charter before your first share."))
    if not item.url:
        raise ContentError(_l("This item has no link to share: copy its text instead."))
    text = text.strip()
    refusal = SHARE_NETWORKS[network].text_refusal(text, has_link=True)  # the item has one (above)
    if refusal:
        raise ContentError(refusal)
    recorded = _existing_share(user, item, network) or _new_share(user, item, network)
    tracked_link = public_url("content.track", token=recorded.token)
    return Shared(recorded.token, SHARE_NETWORKS[network].share_url(tracked_link, text))


def _new_share(user: User, item: ContentItem, network: str) -> Share:
    new_share = Share(user_id=user.id, item_id=item.id, network=network, token=secrets.token_urlsafe(12))
    db.session.add(new_share)
    try:
        db.session.flush()
    except IntegrityError:  # the same share, recorded by a double click an instant earlier
        db.session.rollback()
        return _existing_share(user, item, network)
    record(user, verbs.CONTENT_SHARED, "content", item.id, {"network": network, "share": new_share.id})
    return new_share


def _existing_share(user: User, item: ContentItem, network: str) -> Share | None:
    return db.session.scalar(
        sa.select(Share).where(Share.user_id == user.id, Share.item_id == item.id, Share.network == network)
    )


@unit_of_work()
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
    return found.url


# --- Reactions ---------------------------------------------------------------


@unit_of_work()
def toggle_reaction(user: User, item_id: int, kind: str) -> bool:
    """Like or bookmark an item, or undo it; whether it is now on."""
    if kind not in REACTION_KINDS:
        raise ContentError(_l("Unknown reaction."))
    db.session.get_one(ContentItem, item_id)  # an unknown item is a caller's mistake, not a refusal
    existing = db.session.get(Reaction, (user.id, item_id, kind))
    if existing:
        db.session.delete(existing)
        if kind == LIKE:
            record(user, verbs.CONTENT_UNLIKED, "content", item_id)
    else:
        db.session.add(Reaction(user_id=user.id, item_id=item_id, kind=kind))
        if kind == LIKE:
            record(user, verbs.CONTENT_LIKED, "content", item_id)
    try:
        db.session.flush()
    except IntegrityError:  # a double click already added it
        db.session.rollback()
        return True
    return existing is None


@dataclass(frozen=True)
class ReaderState:
    """What the reader did with an item (liked, bookmarked, the networks they shared it on) and
    how many people like it."""

    liked: bool
    bookmarked: bool
    likes: int
    shared: frozenset[str]


def reader_state(user: User, item_id: int) -> ReaderState:
    """The reader's state towards an item, in one query."""
    found = db.session.execute(_reader_state_statement(), {"person": user.id, "item": item_id})
    liked, bookmarked, likes, shared = found.one()
    return ReaderState(liked, bookmarked, likes, frozenset(shared.split(",")) if shared else frozenset())


@lru_cache(maxsize=1)
def _reader_state_statement() -> sa.Select:
    """The reader's likes, bookmarks and shares of an item and its likes, built once (the
    person and the item are parameters)."""
    person, item = sa.bindparam("person", type_=sa.Integer), sa.bindparam("item", type_=sa.Integer)
    theirs = sa.and_(Reaction.user_id == person, Reaction.item_id == item)
    return sa.select(
        sa.exists().where(theirs, Reaction.kind == LIKE),
        sa.exists().where(theirs, Reaction.kind == BOOKMARK),
        sa.select(sa.func.count()).where(Reaction.item_id == item, Reaction.kind == LIKE).scalar_subquery(),
        sa.select(sa.func.aggregate_strings(Share.network, ","))
        .where(Share.user_id == person, Share.item_id == item)
        .scalar_subquery(),
    )


# --- Editing items -------------------------------------------------------------


@dataclass(frozen=True)
class ItemChanges:
    """An item as the console's editor (or a moderator approving a suggestion) submits it.

    Moments are aware UTC. ``publish_at`` None keeps the item's date (a new item: now);
    ``status`` None keeps its status (an approval publishes). ``share_texts`` maps each
    network to its suggested variants; blank ones are dropped.
    """

    title: str
    summary: str
    url: str | None
    theme: str
    kind: str
    language: str
    target_personae: list[str]
    publish_at: datetime | None
    expire_at: datetime | None
    pinned: bool
    share_texts: dict[str, list[str]]
    status: Status | None = None


# The fields set as given; the publication date and the status are set only when given.
ITEM_FIELDS = (
    "title",
    "summary",
    "url",
    "theme",
    "kind",
    "language",
    "target_personae",
    "expire_at",
    "pinned",
)


def _apply(item: ContentItem, changes: ItemChanges) -> None:
    if item.preview is not None and item.preview.url != changes.url:
        item.preview = None  # it showed the previous link
    for name in ITEM_FIELDS:
        setattr(item, name, getattr(changes, name))
    if changes.publish_at:
        item.publish_at = changes.publish_at
    if changes.status:
        item.status = changes.status
    item.share_texts = [
        ShareText(network=network, position=position, body=body)
        for network, bodies in changes.share_texts.items()
        for position, body in enumerate(body.strip() for body in bodies if body.strip())
    ]


# --- Suggestions and moderation ------------------------------------------------

SUGGESTION_RECEIVED = "suggestion_received"
SUGGESTIONS_WAITING = "suggestions_waiting"


@unit_of_work()
def suggest(user: User, title: str, url: str, reason: str, language: str) -> ContentItem:
    """An employee's proposal, waiting in the moderation queue: the person is told it arrived,
    and comms that it waits."""
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
    notify(user, SUGGESTION_RECEIVED, {"title": item.title}, link=("content.suggest", {}))
    _tell_moderators(new_suggestion=True)
    return item


def _tell_moderators(new_suggestion: bool) -> None:
    """Keep comms' notice of the suggestions waiting up to date: at most one unread per person,
    whose count follows the queue (a new suggestion brings it back to the top; an empty
    queue withdraws it)."""
    waiting = pending_count()
    unread = {
        notice.user_id: notice
        for notice in db.session.scalars(
            sa.select(Notification).where(
                Notification.kind == SUGGESTIONS_WAITING, Notification.read_at.is_(None)
            )
        )
    }
    for notice in unread.values():
        if not waiting:
            db.session.delete(notice)
            continue
        notice.params = {"count": waiting}
        if new_suggestion:
            notice.created_at = utcnow()
    if not (new_suggestion and waiting):
        return
    moderators = db.session.scalars(
        sa.select(User).where(User.role.in_([Role.COMMS, Role.ADMIN]), User.active.is_(True))
    )
    for moderator in moderators:
        if moderator.id not in unread:
            notify(moderator, SUGGESTIONS_WAITING, {"count": waiting}, link=("console.content.queue", {}))


def moderation_queue() -> list[ContentItem]:
    return list(
        db.session.scalars(
            sa.select(ContentItem)
            .where(ContentItem.status == Status.PENDING)
            .options(joinedload(ContentItem.author))
            .order_by(ContentItem.created_at, ContentItem.id)
        )
    )


def pending_count() -> int:
    return db.session.scalar(sa.select(pending_count_query()))


def pending_count_query() -> sa.ScalarSelect:
    """How many suggestions wait for moderation (the console menu shows it)."""
    return (
        sa.select(sa.func.count(ContentItem.id)).where(ContentItem.status == Status.PENDING).scalar_subquery()
    )


def approve(moderator: User, item_id: int, changes: ItemChanges | None = None) -> ContentItem:
    """Publish a suggestion, with the moderator's edits (None: as it is), and tell the person
    who made it; then fetch its link's preview."""
    with unit_of_work():
        item = _decide(moderator, item_id, Status.PUBLISHED)
        if changes is not None:
            _apply(item, changes)
        record(item.author, verbs.SUGGESTION_APPROVED, "content", item.id)
        record(moderator, verbs.MODERATION_APPROVED, "content", item.id)
        notify(
            item.author,
            "suggestion_approved",
            {"title": item.title},
            link=("content.item", {"item_id": item.id}),
        )
        _tell_moderators(new_suggestion=False)
    fetch_link_preview(item_id)
    return item


@unit_of_work()
def reject(moderator: User, item_id: int, reason: str) -> ContentItem:
    """Turn a suggestion down and tell the person why."""
    reason = reason.strip()
    if not reason:
        raise ContentError(_l("Give a reason: it is sent to the person who suggested it."))
    item = _decide(moderator, item_id, Status.REJECTED)
    item.rejection_reason = reason
    record(moderator, verbs.MODERATION_REJECTED, "content", item.id)
    notify(
        item.author,
        "suggestion_rejected",
        {"title": item.title, "reason": item.rejection_reason},
        link=("content.suggest", {}),
    )
    _tell_moderators(new_suggestion=False)
    return item


def _decide(moderator: User, item_id: int, status: Status) -> ContentItem:
    """Move a pending suggestion to its decision; refused if someone decided it meanwhile.

    A conditional update, so two moderators deciding at once cannot both win; it comes
    before any edit, so a refused decision has nothing to undo.
    """
    decided = db.session.execute(
        sa.update(ContentItem)
        .where(ContentItem.id == item_id, ContentItem.status == Status.PENDING)
        .values(status=status, moderated_by_id=moderator.id, moderated_at=utcnow())
    )
    if decided.rowcount != 1:
        raise ContentError(_l("This suggestion has already been moderated."))
    return db.session.get_one(ContentItem, item_id, populate_existing=True)


@dataclass
class Moderated:
    """What a decision on several suggestions did: the titles decided, and those left as
    they were because someone had moderated them meanwhile."""

    approved: list[str]
    rejected: list[str]
    skipped: list[str]


def moderate(moderator: User, item_ids: list[int], approve_them: bool, reason: str = "") -> Moderated:
    """Approve (as they are) or reject (with one reason) several suggestions from the queue.

    Each is its own decision, committed on its own under the usual rule: one already
    moderated is skipped and reported, and the others go on.
    """
    if not approve_them and not reason.strip():
        raise ContentError(_l("Give a reason: it is sent to the person who suggested it."))
    done = Moderated([], [], [])
    for item_id in dict.fromkeys(item_ids):  # once each, in the order given
        try:
            if approve_them:
                done.approved.append(approve(moderator, item_id).title)
            else:
                done.rejected.append(reject(moderator, item_id, reason).title)
        except ContentError:
            item = db.session.get(ContentItem, item_id)
            if item is not None and item.is_suggestion:
                done.skipped.append(item.title)
    return done


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


def create_item(editor: User, changes: ItemChanges) -> ContentItem:
    """A new item of the library, with its audit entry; a draft unless the changes say
    otherwise. Its link's preview is fetched once it is saved."""
    with unit_of_work():
        item = ContentItem(author_id=editor.id, status=Status.DRAFT)
        _apply(item, changes)
        db.session.add(item)
        db.session.flush()
        record(editor, verbs.CONTENT_CREATED, "content", item.id)
    fetch_link_preview(item.id)
    return item


def update_item(editor: User, item_id: int, changes: ItemChanges) -> ContentItem:
    """Save an edited item; a new link's preview is fetched once it is saved."""
    with unit_of_work():
        item = db.session.get_one(ContentItem, item_id)
        _apply(item, changes)
        record(editor, verbs.CONTENT_UPDATED, "content", item.id)
    fetch_link_preview(item_id)
    return item


@unit_of_work()
def set_pinned(editor: User, item_id: int, pinned: bool) -> None:
    item = db.session.get_one(ContentItem, item_id)
    item.pinned = pinned
    record(editor, verbs.CONTENT_PINNED if pinned else verbs.CONTENT_UNPINNED, "content", item.id)


@unit_of_work()
def archive(editor: User, item_id: int) -> None:
    """Take an item out of the feed for good (and off the top of it)."""
    item = db.session.get_one(ContentItem, item_id)
    item.status = Status.ARCHIVED
    item.pinned = False
    record(editor, verbs.CONTENT_ARCHIVED, "content", item.id)


MAX_PAGE = 100_000  # beyond any library: a larger page number is its last page


def library_page(page: int, state: str | None, search: str):
    """A page of the library, filtered by status, or by a published item's state."""
    query = sa.select(ContentItem).options(sa.orm.lazyload(ContentItem.share_texts))
    now = utcnow()
    published = ContentItem.status == Status.PUBLISHED
    if state == SCHEDULED:
        query = query.where(published, ContentItem.publish_at > now)
    elif state == EXPIRED:
        query = query.where(published, ContentItem.expire_at <= now)
    elif state == Status.PUBLISHED.value:
        query = query.where(
            published,
            ContentItem.publish_at <= now,
            sa.or_(ContentItem.expire_at.is_(None), ContentItem.expire_at > now),
        )
    elif state in {s.value for s in Status}:
        query = query.where(ContentItem.status == Status(state))
    if search:
        query = query.where(ContentItem.title.ilike(f"%{search}%"))
    query = query.order_by(ContentItem.pinned.desc(), ContentItem.publish_at.desc(), ContentItem.id.desc())
    return db.paginate(query, page=min(max(page, 1), MAX_PAGE), per_page=25, error_out=False)


# --- Link previews ---------------------------------------------------------------


def preview_fetching_enabled() -> bool:
    """PREVIEW_FETCH_ENABLED (on by default; the tests turn it off)."""
    return bool(current_app.config["PREVIEW_FETCH_ENABLED"])


def preview_limits() -> Limits:
    config = current_app.config
    defaults = Limits()
    return Limits(
        timeout=float(config.get("PREVIEW_FETCH_TIMEOUT", defaults.timeout)),
        max_page_bytes=int(config.get("PREVIEW_MAX_PAGE_BYTES", defaults.max_page_bytes)),
        max_image_bytes=int(config.get("PREVIEW_MAX_IMAGE_BYTES", defaults.max_image_bytes)),
        max_redirects=int(config.get("PREVIEW_MAX_REDIRECTS", defaults.max_redirects)),
        image_width=int(config.get("PREVIEW_IMAGE_WIDTH", defaults.image_width)),
        # Only a test app may reach a server on this machine.
        allow_loopback=current_app.testing and bool(config.get("PREVIEW_FETCH_ALLOW_LOOPBACK")),
    )


def fetch_link_preview(item_id: int) -> LinkPreview | None:
    """Fetch the preview of the item's link, once per link, after the item is saved.

    The transaction is over before the network is reached; a fetch that fails leaves the
    item as it was saved, without a preview (and notes that this link was tried).
    """
    if not preview_fetching_enabled():
        return None
    url = db.session.scalar(sa.select(ContentItem.url).where(ContentItem.id == item_id))
    tried = db.session.scalar(sa.select(LinkPreview.url).where(LinkPreview.item_id == item_id))
    db.session.rollback()  # only reads: no transaction stays open during the fetch
    if not url or tried == url:
        return None
    try:
        found = fetch_preview(url, preview_limits())
    except PreviewUnavailable as failure:
        current_app.logger.info("No preview for item %s (%s): %s", item_id, url, failure)
        found = None
    except Exception:  # a fault of ours must not turn a saved item into an error page
        current_app.logger.exception("Preview of item %s failed", item_id)
        return None
    try:
        return _store_preview(item_id, url, found)
    except IntegrityError:  # the same link, saved twice at once: the other fetch stored it
        return None


@unit_of_work()
def _store_preview(item_id: int, url: str, found: Preview | None) -> LinkPreview | None:
    item = db.session.get(ContentItem, item_id)
    if item is None or item.url != url:  # the link changed meanwhile: its own save fetches it
        return None
    preview = item.preview or LinkPreview(item_id=item.id)
    preview.url = url
    preview.title = found.title if found else None
    preview.site_name = found.site_name if found else None
    preview.image = found.image if found else None
    preview.image_width = found.image_width if found else None
    preview.image_height = found.image_height if found else None
    preview.fetched_at = utcnow()
    item.preview = preview
    return preview


def preview_image(user: User, item_id: int) -> tuple[bytes, int] | None:
    """The stored preview image of an item the person may open, with its version."""
    item = item_for(user, item_id)
    if item is None:
        return None
    found = db.session.execute(
        sa.select(LinkPreview.image, LinkPreview.fetched_at).where(
            LinkPreview.item_id == item.id, LinkPreview.url == item.url, LinkPreview.image.is_not(None)
        )
    ).first()
    if found is None:
        return None
    return found.image, int(found.fetched_at.timestamp())


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
