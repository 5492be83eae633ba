"""Home, language switch, health check, vendored front-end files."""

from base.i18n import lazy_gettext as _l
from base.registry import Feature, NavEntry
from blueprints.accounts.models import Role
from blueprints.core.routes import bp
from blueprints.core.services import HEADER_FIGURES

feature = Feature(
    "core",
    blueprints=[bp],
    navigation=[NavEntry("core.home", _l("Home"), Role.EMPLOYEE, ("core.home",), 0)],
    person_figures=[HEADER_FIGURES],
)
