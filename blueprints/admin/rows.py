"""Rows of the people list drawn once per state and reused (``base.drawn``): a row is the same
for every administrator until the person's name, address, role, place or account changes.

``person_key`` must name everything ``admin/_person_row.html`` reads.
"""

from flask_login import current_user
from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.accounts.labels import ROLE_LABELS
from blueprints.accounts.models import User
from blueprints.admin.forms import role_choices

ROW_TEMPLATE = "admin/_person_row.html"


def person_key(person: User, is_self: bool) -> tuple:
    return (
        person.id,
        person.display_name,
        person.email,
        person.active,
        person.role,
        person.department and person.department.label,
        person.site and person.site.label,
        is_self,  # one's own row has no forms
        *reader_key(),
    )


def person_row(person: User) -> Markup:
    """The person's row, with this request's form token and address (templates: ``person_row``)."""
    is_self = person.id == current_user.id
    return part(
        ROW_TEMPLATE,
        person_key(person, is_self),
        person=person,
        is_self=is_self,
        role_labels=ROLE_LABELS,
        role_choices=role_choices(),
    )
