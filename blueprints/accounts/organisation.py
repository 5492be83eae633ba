"""Every department and every site, kept in the shared cache until one changes: profiles and the
analytics list them on every view, and they rarely change."""

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from base.cache import cache
from base.database import db
from blueprints.accounts.models import Department, NamedRow, Site

ORGANISATION = "organisation"  # the cache subject of every department and site
ORGANISATION_KEPT = 3600  # seconds: the longest a change made around the ORM takes to show


@dataclass(frozen=True)
class Organisation:
    departments: list[NamedRow]
    sites: list[NamedRow]


def organisation() -> Organisation:
    """Every department and every site, by name (both languages: pages name them in theirs)."""
    kept = cache.remember(ORGANISATION, "named", _organisation_to_keep, ttl=ORGANISATION_KEPT)
    return Organisation(*([NamedRow(*row) for row in kept[kind]] for kind in ("departments", "sites")))


def _organisation_to_keep() -> dict[str, list[list]]:
    found = {Department.__tablename__: [], Site.__tablename__: []}
    for kind, *named in db.session.execute(_organisation_statement()):
        found[kind].append(named)
    return found


@lru_cache(maxsize=1)
def _organisation_statement() -> sa.CompoundSelect:
    """Departments and sites, each row named by its kind, built once."""
    return sa.union_all(
        *(
            sa.select(sa.literal(model.__tablename__).label("kind"), model.id, model.name, model.name_en)
            for model in (Department, Site)
        )
    )


def organisation_changed(*_args) -> None:
    """Forget the kept organisation once this transaction commits: the ORM's changes call it, and
    so must a change made around the ORM (a department created by an ``INSERT``)."""
    cache.bump_after_commit(ORGANISATION)


for model in (Department, Site):
    for change in ("after_insert", "after_update", "after_delete"):
        sa.event.listen(model, change, organisation_changed)
