"""Reads remembered for the rest of a request, until the next commit or rollback.

A page asks some things several times (the header's unread count and points, the person's
latest quiz result for the feed, the challenges and the persona line): each is read once.
Outside a request (jobs, tests in a plain app context) nothing is remembered, and any write
(a flush), commit or rollback forgets everything, so a page never shows a figure from before
its own change.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Session

MEMO = "_request_memo"
P = ParamSpec("P")
R = TypeVar("R")


def per_request(function: Callable[P, R]) -> Callable[P, R]:
    @wraps(function)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
        if not has_request_context():
            return function(*args, **kwargs)
        memo = g.setdefault(MEMO, {})
        key = (function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]

    return remembered


def remember(function: Callable[P, R], *args: P.args, value: R) -> None:
    """Give a ``per_request`` function's call its value for the rest of the request: read along
    with something else, it needs no query of its own (forgotten like any remembered read)."""
    if has_request_context():
        g.setdefault(MEMO, {})[(function.__qualname__, args, ())] = value


def forget(*_args) -> None:
    if has_request_context():
        g.pop(MEMO, None)


sa.event.listen(Session, "after_flush", forget)
sa.event.listen(Session, "after_commit", forget)
sa.event.listen(Session, "after_rollback", forget)
