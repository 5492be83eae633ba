"""Markup rules every page keeps (SPEC §7: no attribute printed as "None")."""

import pytest

from blueprints.accounts.models import Role
from tests.conftest import post

FORM_PAGES = [
    "/me",
    "/suggest",
    "/admin/content/new",
    "/admin/events/new",
    "/admin/charter",
    "/admin/users/new",
]


@pytest.mark.parametrize("path", FORM_PAGES)
def test_form_pages_print_no_none_attribute(client, signed_in, path):
    signed_in(Role.ADMIN)
    body = client.get(path).get_data(as_text=True)
    assert 'aria-invalid="None"' not in body
    assert '="None"' not in body


def test_a_refused_form_marks_its_invalid_fields(client, signed_in):
    signed_in(Role.EMPLOYEE)
    body = post(client, "/suggest", {"url": "", "title": "", "reason": "", "language": "fr"}).get_data(
        as_text=True
    )
    assert body.count('aria-invalid="true"') == 3
    assert '="None"' not in body
