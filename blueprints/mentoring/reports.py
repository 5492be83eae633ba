"""What the comms console reads of mentoring: the figures, the filtered lists of pairs, offers
and wishes a page at a time, one pair with its session dates, and the pairs' CSV rows; and, for
the people's overview, the wishes of the mentees whose proposals a mentor answers.

Read-only: every function here runs a fixed number of queries, whatever the data size.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from sqlalchemy.orm import aliased, joinedload

from base.cache import cache
from base.database import UTCDateTime, db, utcnow
from base.paging import Page
from blueprints.accounts.models import Department, NamedRow, User
from blueprints.mentoring import topics
from blueprints.mentoring.catalogue import ORIGIN_LABELS, STATUS_LABELS
from blueprints.mentoring.models import (
    WITH_PARTNERS,
    MenteeWish,
    MentoringPair,
    MentoringSession,
    MentoringTopic,
    MentorOffer,
    PairOrigin,
    PairStatus,
)
from blueprints.mentoring.rounds import ROUND_PREVIEW, ShownPerson
from blueprints.mentoring.services import TAKING_A_PLACE, expire_overdue

PAGE_SIZE = 30
MAX_PAGE = 100_000  # beyond any list: a larger page number shows an empty page
MEDIAN_WINDOW = timedelta(days=365)
FIGURES_KEPT = 300  # seconds: the longest a change made around the ORM (an import) takes to show


# --- figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    active_pairs: int
    waiting: int  # proposals waiting for an answer
    longest_wait_days: int | None  # of those, the oldest one's age in calendar days (programme's zone)
    started_last_year: int  # pairs started in the last 365 days
    median_days_to_start: float | None  # from request to start, over those pairs
    ended: int
    ended_with_feedback: int  # ended pairs with feedback from at least one side
    open_offers: int
    free_places: int
    unmatched_wishes: int  # open wishes of people without an active mentor
    unproposed_wishes: int  # of those, the ones with no proposal waiting either
    next_expiry: datetime | None  # the earliest deadline of the proposals waiting


def _days_between(start, end):
    """``end - start`` in days (a fraction), in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def _taken_per_mentor():
    return (
        sa.select(MentoringPair.mentor_id, sa.func.count(MentoringPair.id).label("taken"))
        .where(MentoringPair.status.in_(TAKING_A_PLACE))
        .group_by(MentoringPair.mentor_id)
        .subquery()
    )


def figures(now: datetime | None = None) -> Figures:
    """The console's figures read afresh: pairs, offers and wishes counted in one query, then
    the median."""
    now = now or utcnow()
    return _figures(_counted(now), now)


def kept_figures(now: datetime | None = None) -> Figures:
    """The figures as the console shows them, counted again only when they may have changed:
    kept in the shared cache under the matching round's subject (what they count — pairs,
    offers, wishes, whether people are active — is among the round's inputs, whose changes
    make it stale at once, ``rounds.PREVIEW_INPUTS``), and until the earliest pair started in
    the last 12 months leaves that window (the count and median then change with no write).
    A change made around the ORM shows within ``FIGURES_KEPT`` seconds."""
    now = now or utcnow()
    key = cache.key(ROUND_PREVIEW, "figures")
    counted = cache.get(key)
    if counted is None or not _window_unchanged(counted, now):
        counted = _counted(now)
        cache.set(key, counted, FIGURES_KEPT)
    return _figures(counted, now)


def current_figures(now: datetime | None = None) -> Figures:
    """The figures, the proposals nobody answered in time expired first whether or not the job
    ran (the figures read again only when one was overdue: expiring it makes the kept ones
    stale)."""
    now = now or utcnow()
    found = kept_figures(now)
    if found.next_expiry is not None and found.next_expiry <= now:
        expire_overdue(now)
        found = kept_figures(now)
    return found


def _counted(now: datetime) -> dict:
    """What the figures count, as the shared cache keeps it (moments as ISO text)."""
    since = now - MEDIAN_WINDOW
    row = db.session.execute(_figures_statement(), {"since": since}).one()
    counted = {**row._asdict(), "free": int(row.free or 0)}
    counted["median"] = _median_days_to_start(since, row.started)
    return {name: _as_text(value) for name, value in counted.items()}


def _window_unchanged(counted: dict, now: datetime) -> bool:
    """Whether every pair counted as started in the last 12 months still is at ``now``."""
    first_started = _as_moment(counted["first_started"])
    return first_started is None or now < first_started + MEDIAN_WINDOW


def _figures(counted: dict, now: datetime) -> Figures:
    oldest = _as_moment(counted["oldest"])
    return Figures(
        active_pairs=counted["active"],
        waiting=counted["waiting"],
        longest_wait_days=calendar_days(oldest, now) if oldest is not None else None,
        started_last_year=counted["started"],
        median_days_to_start=counted["median"],
        ended=counted["ended"],
        ended_with_feedback=counted["with_feedback"],
        open_offers=counted["offers"],
        free_places=counted["free"],
        unmatched_wishes=counted["unmatched"],
        unproposed_wishes=counted["unproposed"],
        next_expiry=_as_moment(counted["next_expiry"]),
    )


def _as_text(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _as_moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@lru_cache(maxsize=1)
def _figures_statement() -> sa.Select:
    """Pairs, offers and wishes counted, one row each: built once (the moment is a parameter)."""
    pairs = _pair_figures(sa.bindparam("since", type_=UTCDateTime))
    offers, wishes = _offer_figures(), _wish_figures()
    one_row_each = pairs.join(offers, sa.true()).join(wishes, sa.true())
    return sa.select(pairs, offers, wishes).select_from(one_row_each)


def _pair_figures(since: sa.BindParameter) -> sa.Subquery:
    status = MentoringPair.status
    feedback = sa.or_(MentoringPair.mentor_feedback != "", MentoringPair.mentee_feedback != "")
    started_recently = sa.and_(MentoringPair.started_at.is_not(None), MentoringPair.started_at >= since)
    return sa.select(
        sa.func.count(sa.case((status == PairStatus.ACTIVE, 1))).label("active"),
        sa.func.count(sa.case((status == PairStatus.PROPOSED, 1))).label("waiting"),
        sa.func.min(sa.case((status == PairStatus.PROPOSED, MentoringPair.requested_at))).label("oldest"),
        sa.func.min(sa.case((status == PairStatus.PROPOSED, MentoringPair.expires_at))).label("next_expiry"),
        sa.func.count(sa.case((started_recently, 1))).label("started"),
        sa.func.min(sa.case((started_recently, MentoringPair.started_at))).label("first_started"),
        sa.func.count(sa.case((status == PairStatus.ENDED, 1))).label("ended"),
        sa.func.count(sa.case((sa.and_(status == PairStatus.ENDED, feedback), 1))).label("with_feedback"),
    ).subquery()


def _offer_figures() -> sa.Subquery:
    taken = _taken_per_mentor()
    left = MentorOffer.capacity - sa.func.coalesce(taken.c.taken, 0)
    return (
        sa.select(
            sa.func.count(MentorOffer.id).label("offers"),
            sa.func.coalesce(sa.func.sum(sa.case((left > 0, left))), 0).label("free"),
        )
        .outerjoin(taken, taken.c.mentor_id == MentorOffer.user_id)
        .where(MentorOffer.open, _is_active(MentorOffer.user_id))
        .subquery()
    )


def _wish_figures() -> sa.Subquery:
    def mentees(*statuses):
        return sa.select(MentoringPair.mentee_id).where(MentoringPair.status.in_(statuses))

    return (
        sa.select(
            sa.func.count(MenteeWish.id).label("unmatched"),
            sa.func.count(sa.case((MenteeWish.user_id.not_in(mentees(PairStatus.PROPOSED)), 1))).label(
                "unproposed"
            ),
        )
        .where(
            MenteeWish.open,
            _is_active(MenteeWish.user_id),
            MenteeWish.user_id.not_in(mentees(PairStatus.ACTIVE)),
        )
        .subquery()
    )


def _is_active(user_id: sa.ColumnElement) -> sa.ColumnElement:
    """Whether the person is active, looked up by their id: joining the people instead had
    PostgreSQL read the whole company for a few hundred offers or wishes."""
    return sa.select(User.active).where(User.id == user_id).scalar_subquery().is_(True)


def calendar_days(start: datetime, end: datetime) -> int:
    """The days from ``start`` to ``end`` as a calendar counts them in the programme's time zone:
    a request sent yesterday evening is a day old this morning."""
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    return (end.astimezone(zone).date() - start.astimezone(zone).date()).days


def _median_days_to_start(since: datetime, count: int) -> float | None:
    """The median of the days from request to start over the pairs started since ``since``:
    the database sorts them and returns the one or two middle values only."""
    if not count:
        return None
    days = _days_between(MentoringPair.requested_at, MentoringPair.started_at)
    middle = db.session.scalars(
        sa.select(days)
        .where(MentoringPair.started_at.is_not(None), MentoringPair.started_at >= since)
        .order_by(days, MentoringPair.id)
        .offset((count - 1) // 2)
        .limit(1 if count % 2 else 2)
    ).all()
    return sum(float(value) for value in middle) / len(middle)


# --- pages of a list ----------------------------------------------------------------------


def _page_of(query, page: int, shape) -> Page:
    """One page of ``query`` (its rows turned into items by ``shape``) and the total."""
    page = min(max(page, 1), MAX_PAGE)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique().all()
    return Page(shape(rows), page, total or 0, PAGE_SIZE)


def departments() -> list[Department]:
    """Every department, by its name in the reader's language."""
    return sorted(db.session.scalars(sa.select(Department)), key=lambda row: row.label.casefold())


# --- pairs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairFilters:
    status: PairStatus | None = None
    department_id: int | None = None  # the mentee's


@dataclass(frozen=True)
class ListedPair:
    """A pair as the console's list shows it (``_pair_row.html``), read as plain columns: a page
    lists thirty pairs, and making records of them and of their sixty people cost more than
    the rest of the page."""

    id: int
    mentee: ShownPerson
    mentor: ShownPerson
    status: PairStatus
    origin: PairOrigin
    expires_at: datetime
    requested_at: datetime
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class PairRow:
    pair: MentoringPair | ListedPair
    sessions: int


def _sessions_count():
    return (
        sa.select(sa.func.count(MentoringSession.id))
        .where(MentoringSession.pair_id == MentoringPair.id)
        .correlate(MentoringPair)
        .scalar_subquery()
    )


NEWEST_REQUEST_FIRST = (MentoringPair.requested_at.desc(), MentoringPair.id.desc())


def _kept_by(by_status: bool, by_department: bool, mentee) -> list[sa.ColumnElement]:
    """The conditions of the filters set, their values the parameters ``status`` and
    ``department`` (``filter_values``); ``mentee`` is the mentee's alias, joined by the query."""
    kept = []
    if by_status:
        kept.append(MentoringPair.status == sa.bindparam("status"))
    if by_department:
        kept.append(mentee.department_id == sa.bindparam("department"))
    return kept


def _filter_values(filters: PairFilters) -> dict:
    return {"status": filters.status, "department": filters.department_id}


def _pairs_query(filters: PairFilters) -> sa.Select:
    """The pairs the filters keep as records, with their sessions counted (the export)."""
    mentee = aliased(User)
    kept = _kept_by(filters.status is not None, filters.department_id is not None, mentee)
    return (
        sa.select(MentoringPair, _sessions_count())
        .options(*WITH_PARTNERS)
        .join(mentee, mentee.id == MentoringPair.mentee_id)
        .where(*kept)
        .order_by(*NEWEST_REQUEST_FIRST)
    )


def pairs_page(filters: PairFilters, page: int, known: list[Department]) -> Page:
    """A page of pairs, newest request first, as the list shows them (two queries); ``known``:
    every department, which names the people's."""
    named = {
        department.id: NamedRow(department.id, department.name, department.name_en) for department in known
    }
    counted, listed = _listed_pairs_statements(filters.status is not None, filters.department_id is not None)
    values = _filter_values(filters)
    page = min(max(page, 1), MAX_PAGE)
    total = db.session.scalar(counted, values) or 0
    rows = db.session.execute(listed, {**values, "skipped": (page - 1) * PAGE_SIZE})
    shown = [
        PairRow(
            ListedPair(
                pair_id,
                ShownPerson(mentee_id, mentee_name, named.get(mentee_department)),
                ShownPerson(mentor_id, mentor_name, named.get(mentor_department)),
                *moments,
            ),
            sessions or 0,
        )
        for pair_id, mentee_id, mentee_name, mentee_department, mentor_id, mentor_name, mentor_department, *moments, sessions in rows
    ]
    return Page(shown, page, total, PAGE_SIZE)


@lru_cache(maxsize=4)
def _listed_pairs_statements(by_status: bool, by_department: bool) -> tuple[sa.Select, sa.Select]:
    """How many pairs the filters keep, and a page of the columns ``ListedPair`` shows (the
    mentee's and mentor's looked up by id), for one shape of filters, built once (the filters'
    values and the rows skipped are parameters): putting them together cost as much as running
    them."""
    mentee, mentor = aliased(User), aliased(User)
    kept = _kept_by(by_status, by_department, mentee)
    pairs = sa.select(MentoringPair.id).join(mentee, mentee.id == MentoringPair.mentee_id).where(*kept)
    counted = sa.select(sa.func.count()).select_from(pairs.subquery())
    listed = (
        sa.select(
            MentoringPair.id,
            mentee.id,
            mentee.display_name,
            mentee.department_id,
            mentor.id,
            mentor.display_name,
            mentor.department_id,
            MentoringPair.status,
            MentoringPair.origin,
            MentoringPair.expires_at,
            MentoringPair.requested_at,
            MentoringPair.started_at,
            MentoringPair.ended_at,
            _sessions_count(),
        )
        .join(mentee, mentee.id == MentoringPair.mentee_id)
        .join(mentor, mentor.id == MentoringPair.mentor_id)
        .where(*kept)
        .order_by(*NEWEST_REQUEST_FIRST)
        .limit(PAGE_SIZE)
        .offset(sa.bindparam("skipped", type_=sa.Integer))
    )
    return counted, listed


def all_pairs(filters: PairFilters) -> list[PairRow]:
    """Every pair the filters keep, in the order of the list (one query)."""
    rows = db.session.execute(_pairs_query(filters), _filter_values(filters)).unique().all()
    return [PairRow(pair, sessions or 0) for pair, sessions in rows]


def _day(moment: datetime | None) -> str:
    return format_date(moment, "yyyy-MM-dd") if moment else ""


def _department(person: User) -> str:
    return person.department.label if person.department else ""


def export_rows(filters: PairFilters) -> list[list]:
    """The pairs as CSV rows, in the order of the console's list (the header is the view's)."""
    return [
        [
            row.pair.mentor.display_name,
            _department(row.pair.mentor),
            row.pair.mentee.display_name,
            _department(row.pair.mentee),
            str(STATUS_LABELS[row.pair.status]),
            str(ORIGIN_LABELS[row.pair.origin]),
            ", ".join(topics.labels_of(row.pair.topics)),
            _day(row.pair.requested_at),
            _day(row.pair.started_at),
            _day(row.pair.ended_at),
            row.sessions,
            row.pair.mentor_feedback,
            row.pair.mentee_feedback,
        ]
        for row in all_pairs(filters)
    ]


def find_pair(pair_id: int) -> MentoringPair | None:
    return db.session.scalar(
        sa.select(MentoringPair)
        .options(joinedload(MentoringPair.mentor), joinedload(MentoringPair.mentee))
        .where(MentoringPair.id == pair_id)
    )


def find_topic(topic_id: int) -> MentoringTopic | None:
    return db.session.get(MentoringTopic, topic_id)


def session_dates(pair_id: int) -> list[date]:
    """The days the pair held a session, latest first (their notes stay theirs)."""
    return list(
        db.session.scalars(
            sa.select(MentoringSession.held_on)
            .where(MentoringSession.pair_id == pair_id)
            .order_by(MentoringSession.held_on.desc())
        )
    )


# --- offers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilters:
    open: bool | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class OfferRow:
    offer: MentorOffer
    active: int  # mentees now
    waiting: int  # proposals waiting for an answer

    @property
    def free(self) -> int:
        return max(self.offer.capacity - self.active - self.waiting, 0)


def offers_page(filters: OfferFilters, page: int) -> Page:
    """A page of offers, latest saved first, with each mentor's places (three queries)."""
    query = (
        sa.select(MentorOffer)
        .join(User, User.id == MentorOffer.user_id)
        .options(joinedload(MentorOffer.user))
        .order_by(MentorOffer.updated_at.desc(), MentorOffer.id.desc())
    )
    if filters.open is not None:
        query = query.where(MentorOffer.open.is_(filters.open))
    if filters.department_id is not None:
        query = query.where(User.department_id == filters.department_id)

    def shape(rows):
        offers = [offer for (offer,) in rows]
        counts = _pair_counts(MentoringPair.mentor_id, [offer.user_id for offer in offers])
        return [
            OfferRow(
                offer,
                counts.get((offer.user_id, PairStatus.ACTIVE), 0),
                counts.get((offer.user_id, PairStatus.PROPOSED), 0),
            )
            for offer in offers
        ]

    return _page_of(query, page, shape)


def _pair_counts(side, user_ids) -> dict[tuple[int, PairStatus], int]:
    """Active pairs and waiting proposals per person on one side."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(side, MentoringPair.status, sa.func.count(MentoringPair.id))
        .where(side.in_(sorted(set(user_ids))), MentoringPair.status.in_(TAKING_A_PLACE))
        .group_by(side, MentoringPair.status)
    )
    return {(user_id, PairStatus(status)): count for user_id, status, count in rows}


# --- wishes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WishFilters:
    open: bool | None = None
    matched: bool | None = None  # with an active mentor or not
    department_id: int | None = None


@dataclass(frozen=True)
class WishRow:
    wish: MenteeWish
    mentor: User | None  # their active mentor
    proposed: User | None  # the mentor of the proposal waiting for an answer


def wishes_page(filters: WishFilters, page: int) -> Page:
    """A page of wishes, latest saved first, with each person's mentor or waiting proposal
    (three queries)."""
    query = (
        sa.select(MenteeWish)
        .join(User, User.id == MenteeWish.user_id)
        .options(joinedload(MenteeWish.user))
        .order_by(MenteeWish.updated_at.desc(), MenteeWish.id.desc())
    )
    if filters.open is not None:
        query = query.where(MenteeWish.open.is_(filters.open))
    if filters.matched is not None:
        matched = MenteeWish.user_id.in_(
            sa.select(MentoringPair.mentee_id).where(MentoringPair.status == PairStatus.ACTIVE)
        )
        query = query.where(matched if filters.matched else sa.not_(matched))
    if filters.department_id is not None:
        query = query.where(User.department_id == filters.department_id)

    def shape(rows):
        wishes = [wish for (wish,) in rows]
        current = _current_pairs([wish.user_id for wish in wishes])
        return [
            WishRow(
                wish,
                current.get((wish.user_id, PairStatus.ACTIVE)),
                current.get((wish.user_id, PairStatus.PROPOSED)),
            )
            for wish in wishes
        ]

    return _page_of(query, page, shape)


def _current_pairs(mentee_ids) -> dict[tuple[int, PairStatus], User]:
    """Each mentee's active mentor and waiting proposal's mentor (the unique indexes allow one
    of each)."""
    if not mentee_ids:
        return {}
    pairs = db.session.scalars(
        sa.select(MentoringPair)
        .options(joinedload(MentoringPair.mentor))
        .where(MentoringPair.mentee_id.in_(sorted(set(mentee_ids))), MentoringPair.status.in_(TAKING_A_PLACE))
    )
    return {(pair.mentee_id, pair.status): pair.mentor for pair in pairs}


def wishes_of(user_ids) -> dict[int, MenteeWish]:
    """The wishes of these people, by person (one query): what a mentor reads of the mentees
    whose requests or proposals they answer."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return {
        wish.user_id: wish
        for wish in db.session.scalars(sa.select(MenteeWish).where(MenteeWish.user_id.in_(ids)))
    }
