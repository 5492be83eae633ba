"""Translated names of account values."""

from base.i18n import lazy_gettext as _l
from blueprints.accounts.models import Role

ROLE_LABELS = {
    Role.EMPLOYEE: _l("Employee"),
    Role.COMMS: _l("Comms team"),
    Role.ADMIN: _l("Administrator"),
}
