"""Periods in the programme's time zone, half-open [start, end): a day from midnight to
midnight, a week from Monday 00:00 to the next Monday 00:00, whatever daylight saving does
in between (such a day lasts 23 or 25 hours)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from base.registry import DAY, WEEK


def programme_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


def local_date(moment: datetime) -> date:
    return moment.astimezone(programme_zone()).date()


def week_of(moment: datetime) -> date:
    """The Monday of the programme's week holding ``moment``."""
    day = local_date(moment)
    return day - timedelta(days=day.weekday())


def start_of(day: date) -> datetime:
    """Midnight of a programme day, in UTC."""
    return datetime.combine(day, time(), programme_zone()).astimezone(UTC)


def bounds(period: str, moment: datetime) -> tuple[datetime, datetime]:
    """The [start, end) in UTC of the day or week holding ``moment``."""
    if period == DAY:
        first, days = local_date(moment), 1
    elif period == WEEK:
        first, days = week_of(moment), 7
    else:
        raise ValueError(f"no bounds for the period {period!r}")
    return start_of(first), start_of(first + timedelta(days=days))
