"""Content items and what people do with them: share texts, shares, reactions, the charter."""

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from base.database import UTCDateTime, db, utcnow
from blueprints.accounts.models import User
from blueprints.content.catalogue import EXPIRED, SCHEDULED, Status


class ContentItem(db.Model):
    """An item of the library, written by comms or suggested by an employee."""

    __tablename__ = "content_items"
    __table_args__ = (
        sa.Index("ix_content_items_feed", "status", "language", "publish_at"),
        sa.Index("ix_content_items_publish_at", "publish_at"),  # the feed's newest items
        sa.Index("ix_content_items_share_count", "share_count"),  # the feed's bound on popularity
        sa.Index("ix_content_items_console", "pinned", "publish_at", "id"),  # the console's list
        sa.Index(
            "ix_content_items_pinned",
            "pinned",
            postgresql_where=sa.text("pinned"),
            sqlite_where=sa.text("pinned"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    theme: Mapped[str] = mapped_column(sa.String(30))
    kind: Mapped[str] = mapped_column(sa.String(30))
    language: Mapped[str] = mapped_column(sa.String(8))
    target_personae: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # empty: everyone
    status: Mapped[Status] = mapped_column(
        sa.Enum(
            Status, native_enum=False, length=16, values_callable=lambda statuses: [s.value for s in statuses]
        ),
        default=Status.DRAFT,
    )
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expire_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pinned: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    suggestion_reason: Mapped[str | None] = mapped_column(sa.Text)  # set when an employee suggested it
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Its shares by everyone, kept by every insert of a Share (``_count_the_share``): the feed
    # ranks hundreds of items per page and would otherwise count their shares each time.
    share_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    share_texts: Mapped[list["ShareText"]] = relationship(
        order_by="(ShareText.network, ShareText.position)", cascade="all, delete-orphan", lazy="selectin"
    )
    # What the link looks like once shared; loaded on demand (the feed joins it in).
    preview: Mapped["LinkPreview | None"] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, back_populates="item"
    )

    @property
    def is_suggestion(self) -> bool:
        return self.suggestion_reason is not None

    def is_live(self, now: datetime) -> bool:
        """Published, its publication date reached and not expired: what the feed shows."""
        return (
            self.status == Status.PUBLISHED
            and self.publish_at <= now
            and (self.expire_at is None or self.expire_at > now)
        )

    def state(self, now: datetime) -> str:
        """The status as the console shows it: a published item is also scheduled (its date
        has not come) or expired (withdrawn on its date)."""
        if self.status == Status.PUBLISHED:
            if self.publish_at > now:
                return SCHEDULED
            if self.expire_at is not None and self.expire_at <= now:
                return EXPIRED
        return self.status.value

    def texts_for(self, network: str) -> list[str]:
        return [text.body for text in self.share_texts if text.network == network]

    @property
    def link_preview(self) -> "LinkPreview | None":
        return preview_shown(self.url, self.preview)

    @property
    def link_site(self) -> str | None:
        return site_shown(self.url, self.link_preview)


def preview_shown(url: str | None, preview: "PreviewLook | None") -> "PreviewLook | None":
    """The preview fetched for an item's current link ``url``, if it found something to show."""
    if preview is None or preview.url != url or not (preview.has_image or preview.site_name):
        return None
    return preview


def site_shown(url: str | None, shown: "PreviewLook | None") -> str | None:
    """The name of the site a link leads to: as the site names itself (its ``shown`` preview),
    or its host."""
    if shown and shown.site_name:
        return shown.site_name
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or None


class PreviewLook:
    """What a link's preview shows, from its ``url``, ``site_name``, ``image_width`` and
    ``fetched_at``: the stored preview, or its columns as a feed card reads them."""

    @property
    def has_image(self) -> bool:
        return self.image_width is not None

    @property
    def version(self) -> int:
        """Changes with each fetch: the image's address carries it, so browsers may cache it for good."""
        return int(self.fetched_at.timestamp())


class LinkPreview(PreviewLook, db.Model):
    """What an item's link shows once posted: the page's image and site name.

    Fetched once, when comms save the link; the image is stored small and re-encoded,
    and served from our own origin, so nothing is loaded from outside when people read.
    A fetch that found nothing still leaves its row, so the same link is not fetched again.
    """

    __tablename__ = "link_previews"

    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(sa.String(2000))  # the link it was fetched for
    title: Mapped[str | None] = mapped_column(sa.String(300))
    site_name: Mapped[str | None] = mapped_column(sa.String(200))
    image: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)  # JPEG
    image_width: Mapped[int | None] = mapped_column()
    image_height: Mapped[int | None] = mapped_column()
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ContentItem] = relationship(back_populates="preview")


class ShareText(db.Model):
    """One suggested text for one network; several variants per network are allowed."""

    __tablename__ = "share_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(sa.Text)


class Share(db.Model):
    """A person's share of an item on a network, with its tracked link's token and visits."""

    __tablename__ = "shares"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "item_id", "network", name="uq_shares_user_item_network"),
        sa.Index("ix_shares_item_created", "item_id", "created_at"),  # counts per item, index only
        sa.Index("ix_shares_created", "created_at"),  # the shares made since a moment (the feed)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("content_items.id"))
    network: Mapped[str] = mapped_column(sa.String(20))
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    clicks: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    item: Mapped[ContentItem] = relationship()


class Reaction(db.Model):
    """A like or a bookmark: at most one of each per person and item."""

    __tablename__ = "reactions"
    __table_args__ = (sa.Index("ix_reactions_item_kind", "item_id", "kind"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("content_items.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


LIKE = "like"
BOOKMARK = "bookmark"
REACTION_KINDS = (LIKE, BOOKMARK)


class Charter(db.Model):
    """One version of the programme charter, in both languages; the highest version is current."""

    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    body_fr: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()

    def body(self, language: str) -> str:
        return self.body_fr if language == "fr" else self.body_en


class CharterAcceptance(db.Model):
    __tablename__ = "charter_acceptances"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    charter_id: Mapped[int] = mapped_column(sa.ForeignKey("charters.id"), primary_key=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@sa.event.listens_for(Share, "after_insert")
def _count_the_share(_mapper, connection, share: Share) -> None:
    """One more share of the item, in the share's own transaction (its row is locked until it
    commits, so simultaneous shares each count); the item's ``updated_at`` stays as it is."""
    items = ContentItem.__table__
    connection.execute(
        items.update()
        .where(items.c.id == share.item_id)
        .values(share_count=items.c.share_count + 1, updated_at=items.c.updated_at)
    )
