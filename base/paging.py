"""A page of a list, with what the ``pagination`` macro of ``_macros.html`` reads."""

import math
from dataclasses import dataclass

import sqlalchemy as sa

from base.database import db


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query: sa.Select, page: int, per_page: int) -> Page:
    """A page of the rows (the first column: an entity) a query selects, and how many there are
    in all, in one round trip: each row carries the total (``count(*) over ()``). A page past the
    end (an old link) has no row to carry it: the list is counted and its last page given.

    For a person's own lists (notifications, contributions): the window reads every row listed,
    so a long list whose order an index gives (the console's) is better counted apart."""
    page = max(page, 1)
    total = sa.func.count().over().label("listed_in_all")
    rows = db.session.execute(query.add_columns(total).limit(per_page).offset((page - 1) * per_page))
    rows = rows.unique().all()
    if rows:
        return Page([row[0] for row in rows], page, rows[0][-1], per_page)
    if page == 1:
        return Page([], page, 0, per_page)
    listed = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return paginate(query, math.ceil(listed / per_page), per_page)
