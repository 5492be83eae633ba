"""A page of a list, with what the ``pagination`` macro of ``_macros.html`` reads."""

import math
from dataclasses import dataclass


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
