"""The week's most clicked shares on the wall of fame (a job of `flask points sync`).

For each complete programme week (Monday 00:00 to the next, in the programme's time zone)
of the last few, the shares whose tracked links were clicked most that week are celebrated
once, dated at the week's end. Running again adds nothing.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from base.database import db, utcnow
from blueprints.activity.models import Activity
from blueprints.content.models import Share
from blueprints.content.verbs import CLICK_RECEIVED
from blueprints.recognition.fame import celebrate
from blueprints.recognition.models import FameEntry
from blueprints.recognition.periods import start_of, week_of

TOP_SHARE = "top_share"
WEEKS_BACK = 8  # a job that stops running for longer leaves the older weeks alone
TOP = 3  # by standard competition ranking: those tied with the third are celebrated too…
MOST = 10  # …up to this many in a week


def celebrate_top_shares(now=None) -> int:
    """Celebrate the top shares of every complete week not celebrated yet; how many entries added."""
    this_week = week_of(now or utcnow())
    weeks = [this_week - timedelta(weeks=back) for back in range(WEEKS_BACK, 0, -1)]
    done = _celebrated_weeks(weeks[0])
    added = 0
    for week in weeks:
        if week.isoformat() not in done:
            added += _celebrate_week(week)
    return added


def _celebrated_weeks(first: date) -> set[str]:
    """The weeks from ``first`` on that already have their top shares (one query)."""
    keys = db.session.scalars(
        sa.select(FameEntry.key).where(FameEntry.kind == TOP_SHARE, FameEntry.created_at > start_of(first))
    )
    return {key.split(":")[1] for key in keys}


def _celebrate_week(week: date) -> int:
    start, end = start_of(week), start_of(week + timedelta(days=7))
    # The share's id read once, in a subquery: PostgreSQL would see the JSON path written again
    # in GROUP BY as another expression (its parameter is bound apart).
    week_clicks = (
        sa.select(Activity.payload["share"].as_integer().label("share_id"))
        .where(Activity.verb == CLICK_RECEIVED, Activity.created_at >= start, Activity.created_at < end)
        .subquery()
    )
    clicks = sa.func.count().label("clicks")
    top = db.session.execute(
        sa.select(week_clicks.c.share_id, clicks)
        .where(week_clicks.c.share_id.is_not(None))
        .group_by(week_clicks.c.share_id)
        .order_by(clicks.desc(), week_clicks.c.share_id)
        .limit(MOST)
    ).all()
    if len(top) > TOP:
        cut_off = top[TOP - 1].clicks
        top = [row for row in top if row.clicks >= cut_off]
    if not top:
        return 0
    shares = {
        share.id: share
        for share in db.session.scalars(
            sa.select(Share)
            .options(joinedload(Share.item))
            .where(Share.id.in_([row.share_id for row in top]))
        )
    }
    added = 0
    for row in top:
        share = shares.get(row.share_id)
        if share is None:
            continue
        entry = celebrate(
            TOP_SHARE,
            share.user_id,
            f"{TOP_SHARE}:{week.isoformat()}:{share.id}",
            {"title": share.item.title, "clicks": row.clicks},
            ("content.item", {"item_id": share.item_id}),
            end,
        )
        added += entry is not None
    return added
