"""The console's list of pairs drawn row by row once per state and reused (``base.drawn``): a
row is the same for every organiser until the pair, its people or its sessions change.

``pair_key`` must name everything ``mentoring_console/_pair_row.html`` shows, the reader's
language, zone and mount path included.
"""

from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.accounts.models import User
from blueprints.mentoring.catalogue import ORIGIN_LABELS, STATUS_LABELS
from blueprints.mentoring.reports import PairRow

PAIR_TEMPLATE = "mentoring_console/_pair_row.html"


def _shown(person: User) -> tuple:
    department = person.department
    return person.display_name, department and (department.name, department.name_en)


def pair_key(row: PairRow) -> tuple:
    pair = row.pair
    return (
        pair.id,
        _shown(pair.mentee),
        _shown(pair.mentor),
        pair.status,
        pair.origin,
        pair.expires_at,
        pair.requested_at,
        pair.started_at,
        pair.ended_at,
        row.sessions,
        *reader_key(),
    )


def console_pair_row(row: PairRow) -> Markup:
    """A pair of the console's list (templates: ``console_pair_row``)."""
    return part(
        PAIR_TEMPLATE, pair_key(row), row=row, status_labels=STATUS_LABELS, origin_labels=ORIGIN_LABELS
    )
