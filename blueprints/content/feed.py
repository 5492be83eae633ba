"""The personalised feed: gathering the ranking's inputs, paging with a cursor, saying why.

Every page runs the same few queries whatever the library's size: one for the
reader (their persona scores and what they shared and liked), one for the
candidates' ranking columns, one for the page's items with their figures.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from itertools import islice

import sqlalchemy as sa
from flask import current_app

from base.database import Reading, UTCDateTime, column_rows, read_together
from base.i18n import gettext as _
from base.i18n import ngettext, reading_languages
from blueprints.accounts.models import User
from blueprints.content.catalogue import Status
from blueprints.content.models import (
    BOOKMARK,
    LIKE,
    ContentItem,
    LinkPreview,
    PreviewLook,
    Reaction,
    Share,
    preview_shown,
    site_shown,
)
from blueprints.content.ranking import (
    Candidate,
    Ranked,
    Reader,
    freshness,
    rank,
    runs_longer_than_allowed,
    score_ceiling,
)
from blueprints.quiz.models import PersonaScore
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.quiz.services import latest_result_id

PAGE_SIZE = 12
NEW_FOR_DAYS = 3
POPULAR_FROM_SHARES = 3
STRONG_AFFINITY = 0.6
STRONG_INTEREST = 1.15
# The newest items ranked first: enough for an exact first page on a library of any size
# (about a week of a busy programme); more as the person reads further, and four times as
# many when that was not enough, before ranking the whole library.
RECENT_WINDOW = 60
RECENT_PER_ITEM_SHOWN = 4
WIDER = 4
# Home's preview of the feed's first few items ranks fewer: on the large company (``make bench``),
# the 40 newest were enough for each of 300 people taken at random (32 were not for 5).
PREVIEW_WINDOW = 40


@dataclass(frozen=True)
class Cursor:
    """Where a "load more" continues: the ranking's moment, the position and the last item shown.

    The moment freezes the ranking, so items published since do not shift the
    pages; the last item's id keeps the place even if an item was withdrawn.
    """

    as_of: datetime
    position: int = 0
    last_id: int = 0

    def encode(self) -> str:
        return f"{int(self.as_of.timestamp())}.{self.position}.{self.last_id}"

    @classmethod
    def decode(cls, value: str | None, now: datetime) -> "Cursor":
        """The cursor of a request, never later than now (that would reveal scheduled items)."""
        try:
            stamp, position, last_id = (int(part) for part in (value or "").split("."))
            as_of = datetime.fromtimestamp(stamp, UTC)
        except (ValueError, OverflowError, OSError):
            return cls(now)
        return cls(min(as_of, now), max(position, 0), max(last_id, 0))


@dataclass(frozen=True)
class Filters:
    theme: str | None = None
    kind: str | None = None
    saved: bool = False  # only the reader's bookmarks


@dataclass
class Card:
    item: "CardItem | ContentItem"
    reason: str
    liked: bool
    bookmarked: bool
    likes: int
    shared: bool


@dataclass
class FeedPage:
    cards: list[Card]
    next_cursor: Cursor | None


def feed_page(user: User, filters: Filters, cursor: Cursor, size: int = PAGE_SIZE) -> FeedPage:
    """One page of the person's feed, ranked as of the cursor's moment."""
    # The first page is ranked as of now: every share stored so far counts. A later page is
    # ranked as of the first one's moment (the cursor's): the shares made since are taken off.
    reader, ranking, _read = _leading(
        user, filters, cursor.as_of, wanted=cursor.position + size + 1, later_page=bool(cursor.position)
    )
    page = list(islice(_after(iter(ranking), cursor), size + 1))
    more = len(page) > size
    page = page[:size]
    next_cursor = None
    if more:
        next_cursor = Cursor(cursor.as_of, cursor.position + len(page), page[-1].candidate.id)
    return FeedPage(_cards(user, reader, page), next_cursor)


@dataclass(frozen=True)
class Preview:
    """An item at the top of the person's feed, as home lists it."""

    item_id: int
    title: str
    language: str
    reason: str


def feed_preview(user: User, now: datetime, size: int, first_read: list | None = None) -> list[Preview]:
    """The first ``size`` items of the person's feed, each one's title and language read with
    the ranking's candidates (home lists no more: no query of the items themselves). A page may
    have read ``preview_readings`` with its other reads: ``first_read`` is what they mean."""
    reader, ranking, read = _leading(
        user, Filters(), now, wanted=size, titled=True, first_read=first_read, window=_preview_window(size)
    )
    return [
        Preview(ranked.candidate.id, *read.titles[ranked.candidate.id], reason(ranked, reader))
        for ranked in ranking
    ]


def preview_readings(user: User, size: int) -> list[Reading]:
    """What ``feed_preview`` reads first, for a page that reads it with others (``read_together``,
    with ``preview_parameters``): the reader, and the newest candidates."""
    return [READER, _newest(user, Filters(), _preview_window(size), titled=True)]


def preview_parameters(user: User, now: datetime) -> dict:
    return {"as_of": now, "reader_id": user.id}


def _window(wanted: int) -> int:
    return RECENT_WINDOW + RECENT_PER_ITEM_SHOWN * wanted


def _preview_window(size: int) -> int:
    return min(PREVIEW_WINDOW, _window(size))


def _leading(
    user: User,
    filters: Filters,
    as_of: datetime,
    wanted: int,
    later_page: bool = False,
    titled: bool = False,
    first_read: list | None = None,
    window: int | None = None,
) -> tuple[Reader, list[Ranked], "Candidates"]:
    """The reader, the first ``wanted`` items of the feed's order, ranking only the newest items
    when that is exact, and the candidates they were taken from (with their ``titled``).

    An item's score is at most ``score_ceiling`` times its freshness, and freshness only falls
    with age: once every item taken from the newest ones scores above what any older item
    could reach, the older ones cannot change the order, so they are not ranked at all. The
    window (of ``window`` items, else ``_window(wanted)``) grows with how far the person reads
    (``wanted``), never with the library.
    """
    window = window or _window(wanted)
    if first_read is None:
        reader, made_since, recent = _reader_and_newest(user, filters, as_of, window, later_page, titled)
    else:  # read already (``preview_readings``), as of now
        (reader, rows), made_since = first_read, {}
        recent = _candidates_of(rows, made_since, titled)
    for limit in (window, window * WIDER):
        if limit != window:
            recent = _candidates(user, filters, as_of, made_since, limit=limit, titled=titled)
        ordered = _rank(recent, reader, as_of, wanted)
        if len(recent.items) < limit or _beyond_reach(ordered, recent, reader, as_of, bool(filters.theme)):
            return reader, ordered, recent
    everything = _candidates(user, filters, as_of, made_since, titled=titled)
    return reader, _rank(everything, reader, as_of, wanted), everything


def _rank(candidates: "Candidates", reader: Reader, as_of: datetime, wanted: int) -> list[Ranked]:
    half_life = current_app.config["FEED_HALF_LIFE_DAYS"]
    return list(islice(rank(candidates.items, reader, candidates.shares, as_of, half_life), wanted))


def _beyond_reach(
    ordered: list[Ranked], recent: "Candidates", reader: Reader, as_of: datetime, one_theme: bool
) -> bool:
    """True when no item older than ``recent`` could enter ``ordered``: each item shown scores above
    the best score an older item can have, and the theme variation found what it needed (a
    theme filter leaves nothing to vary)."""
    oldest = min((candidate.publish_at for candidate in recent.items if not candidate.pinned), default=as_of)
    reach = score_ceiling(reader, recent.most_shares) * freshness(
        oldest, as_of, current_app.config["FEED_HALF_LIFE_DAYS"]
    )
    unpinned = [ranked for ranked in ordered if not ranked.candidate.pinned]
    return all(ranked.score > reach for ranked in unpinned) and (
        one_theme or not runs_longer_than_allowed(unpinned)
    )


def _after(ranking, cursor: Cursor):
    """The ranking from just after the cursor's last item (or its position if that item is gone)."""
    if not cursor.last_id:
        return ranking
    seen = list(islice(ranking, cursor.position))
    for index, ranked in enumerate(seen):
        if ranked.candidate.id == cursor.last_id:
            return iter([*seen[index + 1 :], *ranking])
    return ranking


def live_items(as_of: datetime):
    """Published items whose publication date has come and that have not expired."""
    return sa.and_(
        ContentItem.status == Status.PUBLISHED,
        ContentItem.publish_at <= as_of,
        sa.or_(ContentItem.expire_at.is_(None), ContentItem.expire_at > as_of),
    )


@dataclass(frozen=True)
class Candidates:
    items: list[Candidate]
    shares: dict[int, int]  # by everyone, for the items shared at all
    most_shares: int  # the library's highest share count: it bounds how popular an item can be
    titles: dict[int, tuple[str, str]]  # each item's title and language, when asked for


def _candidates(
    user: User,
    filters: Filters,
    as_of: datetime,
    made_since: dict[int, int],
    limit: int | None = None,
    titled: bool = False,
) -> Candidates:
    """The live items the person may see, all of them or the ``limit`` newest (pinned ones always),
    with their shares by everyone up to ``as_of`` for the mild engagement factor: the item's
    stored count less the shares ``made_since`` that moment; ``titled``, with their titles."""
    query = _candidates_query(tuple(reading_languages(user)), filters, limit, titled)
    return _candidates_of(
        column_rows(query, {"as_of": as_of, "reader_id": user.id}).all(), made_since, titled
    )


def _reader_and_newest(
    user: User, filters: Filters, as_of: datetime, limit: int, later_page: bool, titled: bool
) -> tuple[Reader, dict[int, int], Candidates]:
    """What the ranking needs of the reader and the ``limit`` newest ``_candidates``, in one
    statement (a round trip less on every page of the feed and on home); for a ``later_page``,
    the shares made by anyone since ``as_of``, by item (few: one read of the shares' moment
    index; a statement of its own, which PostgreSQL plans for each moment)."""
    newest = _newest(user, filters, limit, titled)
    reader, rows = read_together([READER, newest], {"as_of": as_of, "reader_id": user.id})
    made_since = _made_since(as_of) if later_page else {}
    return reader, made_since, _candidates_of(rows, made_since, titled)


def _newest(user: User, filters: Filters, limit: int, titled: bool) -> Reading:
    """The ``limit`` newest candidates' rows (see ``_candidates_of``)."""
    statement = partial(_candidates_query, tuple(reading_languages(user)), filters, limit, titled)
    return Reading(statement, _as_read)


def _as_read(rows: list, _parameters: dict) -> list:
    return rows


def _made_since(as_of: datetime) -> dict[int, int]:
    return dict(column_rows(_made_since_statement(), {"as_of": as_of}).all())


@lru_cache(maxsize=1)
def _made_since_statement() -> sa.Select:
    """Each item's shares made since a moment (a parameter), built once."""
    since = Share.created_at > sa.bindparam("as_of", type_=UTCDateTime)
    return sa.select(Share.item_id, sa.func.count()).where(since).group_by(Share.item_id)


def _candidates_of(rows: list, made_since: dict[int, int], titled: bool) -> Candidates:
    """The candidates from the rows of their statement (``_candidates_query``)."""
    # Rows unpacked by position: reading hundreds of rows' columns by name costs more.
    items = [
        Candidate(item_id, theme, _personae_of(personae), publish_at, pinned)
        for item_id, theme, personae, publish_at, pinned, *_counts_and_titles in rows
    ]
    # (Never below zero: a count is only ever short if shares were written around the listener.)
    shares = {row[0]: row[5] - made_since.get(row[0], 0) for row in rows}
    titles = {row[0]: (row[7], row[8]) for row in rows} if titled else {}
    return Candidates(
        items, {item: count for item, count in shares.items() if count > 0}, rows[0][6] if rows else 0, titles
    )


@lru_cache(maxsize=1024)
def _personae_of(stored: str | None) -> tuple[str, ...]:
    """An item's target personae from their stored JSON text: a library repeats a few lists, so
    each is read once (the candidates' statement selects the text)."""
    return tuple(json.loads(stored) or ()) if stored else ()


@lru_cache(maxsize=256)
def _candidates_query(
    languages: tuple[str, ...], filters: Filters, limit: int | None, titled: bool = False
) -> sa.Select:
    """The candidates' statement for one shape of feed, the moment and the reader as parameters:
    built once, it is not put together (and its cache key computed) again on every page."""
    as_of = sa.bindparam("as_of", type_=UTCDateTime)
    # The highest share count of the library (one read of its index), read with the candidates.
    counted = ContentItem.__table__.alias("counted")
    most_shares = sa.select(sa.func.coalesce(sa.func.max(counted.c.share_count), 0)).scalar_subquery()
    query = sa.select(
        ContentItem.id,
        ContentItem.theme,
        sa.cast(ContentItem.target_personae, sa.Text).label("target_personae"),
        ContentItem.publish_at,
        ContentItem.pinned,
        ContentItem.share_count,
        most_shares.label("most_shares"),
        *((ContentItem.title, ContentItem.language) if titled else ()),
    )
    query = query.where(live_items(as_of), ContentItem.language.in_(languages))
    if filters.theme:
        query = query.where(ContentItem.theme == filters.theme)
    if filters.kind:
        query = query.where(ContentItem.kind == filters.kind)
    if filters.saved:
        reader = sa.bindparam("reader_id", type_=sa.Integer)
        query = query.where(
            ContentItem.id.in_(
                sa.select(Reaction.item_id).where(Reaction.user_id == reader, Reaction.kind == BOOKMARK)
            )
        )
    return query if limit is None else _pinned_and_newest(query, limit)


def _pinned_and_newest(query: sa.Select, limit: int) -> sa.Select:
    """Every pinned item and the ``limit`` newest others: two index reads, not a sort of the library."""
    pinned = query.where(ContentItem.pinned).subquery()
    newest = query.where(~ContentItem.pinned).order_by(ContentItem.publish_at.desc()).limit(limit).subquery()
    return sa.union_all(sa.select(pinned), sa.select(newest))


def _reader_of(rows: list, _parameters: dict) -> Reader:
    """What the ranking needs of the person, from their rows (``_reader_statement``): their
    latest quiz result's persona scores, how many items of each theme they shared or liked
    (their interests, learned), and the items they shared; a row each."""
    scores, themes, shared_ids = {}, {}, set()
    for name, actions, item_id, score in rows:
        if score is not None:
            scores[name] = score
        elif item_id is not None:
            shared_ids.add(item_id)
        else:
            themes[name] = actions
    return Reader(scores, themes, frozenset(shared_ids))


@lru_cache(maxsize=1)
def _reader_statement() -> sa.CompoundSelect:
    """What the ranking needs of the reader, built once (the reader and the moment are
    parameters): a row each of (name, actions, item, score)."""
    reader = sa.bindparam("reader_id", type_=sa.Integer)
    as_of = sa.bindparam("as_of", type_=UTCDateTime)
    # Empty columns typed: another statement may be read beside this one (``read_together``).
    no_name, no_count, no_item, no_score = (
        sa.cast(sa.null(), kind) for kind in (sa.String, sa.Integer, sa.Integer, sa.Float)
    )
    shared = sa.select(Share.item_id).where(Share.user_id == reader, Share.created_at <= as_of)
    liked = sa.select(Reaction.item_id).where(
        Reaction.user_id == reader, Reaction.kind == LIKE, Reaction.created_at <= as_of
    )
    acted_on = sa.union_all(shared.distinct(), liked).subquery()
    # Each item's theme looked up by its id: joining the library instead had PostgreSQL read
    # every item to find the person's few.
    theme = sa.select(ContentItem.theme).where(ContentItem.id == acted_on.c.item_id).scalar_subquery()
    themes = sa.select(theme.label("theme")).select_from(acted_on).subquery()
    per_theme = (
        sa.select(
            themes.c.theme.label("name"),
            sa.func.count().label("actions"),
            no_item.label("item"),
            no_score.label("score"),
        )
        .where(themes.c.theme.is_not(None))
        .group_by(themes.c.theme)
    )
    shared_items = sa.select(no_name, no_count, Share.item_id, no_score).where(
        Share.user_id == reader, Share.created_at <= as_of
    )
    persona_scores = sa.select(PersonaScore.persona, no_count, no_item, PersonaScore.score).where(
        PersonaScore.result_id == latest_result_id(reader)
    )
    return sa.union_all(per_theme, shared_items, persona_scores)


# The reader (``reader_id``) as of a moment (``as_of``): read with the newest candidates.
READER = Reading(_reader_statement, _reader_of)


def _cards(user: User, reader: Reader, page: list[Ranked]) -> list[Card]:
    """The page's items with the reader's likes and bookmarks and everyone's likes, in one query."""
    ids = [ranked.candidate.id for ranked in page]
    if not ids:
        return []
    rows = column_rows(_cards_query(), {"ids": ids, "reader_id": user.id}).all()
    found = {row[0]: row for row in rows}
    return [
        Card(
            _card_item(*row[:ITEM_COLUMNS]),
            reason(ranked, reader),
            *row[ITEM_COLUMNS:],
            ranked.already_shared,
        )
        for ranked in page
        for row in [found[ranked.candidate.id]]
    ]


@dataclass(frozen=True, slots=True)
class CardPreview(PreviewLook):
    """A card's link preview, read as plain columns (as ``LinkPreview`` names them)."""

    url: str
    site_name: str | None
    image_width: int | None
    image_height: int | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CardItem:
    """What a card shows of an item (as ``ContentItem`` names it), read as plain columns: a
    page shows a dozen, and mapped objects cost more to load and to read."""

    id: int
    title: str
    summary: str
    url: str | None
    theme: str
    kind: str
    language: str
    pinned: bool
    publish_at: datetime
    link_preview: CardPreview | None
    link_site: str | None


CARD_COLUMNS = (
    ContentItem.id,
    ContentItem.title,
    ContentItem.summary,
    ContentItem.url,
    ContentItem.theme,
    ContentItem.kind,
    ContentItem.language,
    ContentItem.pinned,
    ContentItem.publish_at,
)
PREVIEW_COLUMNS = (
    LinkPreview.url,
    LinkPreview.site_name,
    LinkPreview.image_width,
    LinkPreview.image_height,
    LinkPreview.fetched_at,
)
CARD_URL = 3  # where ``ContentItem.url`` is among CARD_COLUMNS
ITEM_COLUMNS = len(CARD_COLUMNS) + len(PREVIEW_COLUMNS)


def _card_item(*values) -> CardItem:
    """A card's item from its columns (``CARD_COLUMNS``, then ``PREVIEW_COLUMNS``: all empty
    when no preview was fetched), its preview kept only as ``ContentItem.link_preview`` would."""
    fields, preview = values[: len(CARD_COLUMNS)], values[len(CARD_COLUMNS) :]
    url = fields[CARD_URL]
    shown = preview_shown(url, CardPreview(*preview) if preview[0] is not None else None)
    return CardItem(*fields, shown, site_shown(url, shown))


@lru_cache(maxsize=1)
def _cards_query() -> sa.Select:
    """The cards' statement, built once: the items and the reader are parameters."""
    reader = sa.bindparam("reader_id", type_=sa.Integer)

    def reacted(kind: str):
        return sa.exists().where(
            Reaction.user_id == reader, Reaction.item_id == ContentItem.id, Reaction.kind == kind
        )

    likes = (
        sa.select(sa.func.count())
        .where(Reaction.item_id == ContentItem.id, Reaction.kind == LIKE)
        .scalar_subquery()
    )
    return (
        sa.select(
            *CARD_COLUMNS,
            *PREVIEW_COLUMNS,
            reacted(LIKE).label("liked"),
            reacted(BOOKMARK).label("bookmarked"),
            likes.label("likes"),
        )
        .outerjoin(LinkPreview, LinkPreview.item_id == ContentItem.id)
        .where(ContentItem.id.in_(sa.bindparam("ids", expanding=True)))
    )


def reason(ranked: Ranked, reader: Reader) -> str:
    """A short "why you see this", from the factor that weighed most.

    The card shows the theme already: the reason says something else.
    """
    candidate = ranked.candidate
    if candidate.pinned:
        return _("Pinned by the comms team")
    if ranked.already_shared:
        return _("You have shared it already: shown lower")
    if reader.persona_scores and candidate.target_personae and ranked.affinity >= STRONG_AFFINITY:
        persona = _best_target(ranked, reader)
        return _("Chosen for ambassadors like you: %(persona)s", persona=persona)
    if ranked.interest >= STRONG_INTEREST:
        return _("Close to what you often share and like")
    if ranked.shares >= POPULAR_FROM_SHARES:
        return _("Shared by %(num)s colleagues", num=ranked.shares)
    if ranked.freshness >= 2 ** (-NEW_FOR_DAYS / current_app.config["FEED_HALF_LIFE_DAYS"]):
        return ngettext(
            "New: published in the last %(num)s day", "New: published in the last %(num)s days", NEW_FOR_DAYS
        )
    if not candidate.target_personae:
        return _("For every ambassador")
    names = ", ".join(
        str(PERSONA_BY_KEY[key].name) for key in candidate.target_personae if key in PERSONA_BY_KEY
    )
    return _("Written for: %(personae)s", personae=names)


def _best_target(ranked: Ranked, reader: Reader) -> str:
    scores = reader.persona_scores
    best = max(ranked.candidate.target_personae, key=lambda persona: scores.get(persona, 0.0))
    return str(PERSONA_BY_KEY[best].name)
