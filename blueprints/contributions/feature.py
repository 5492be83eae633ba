"""contributions (being built)."""

from base.registry import Feature
from blueprints.contributions import models  # noqa: F401  (the tables)

feature = Feature("contributions")
