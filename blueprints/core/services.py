"""Upkeep of the site: whether the database answers; dropping the work of a failed action."""

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from base.database import db


def database_reachable() -> bool:
    """Whether the database answers a trivial query (the session stays usable either way)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def discard_unfinished_work() -> None:
    """Roll back what a failed action left in the session, so that its error page can still
    read the database (the person's menu, their unread count)."""
    db.session.rollback()
