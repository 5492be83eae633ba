"""kudos (being built)."""

from base.registry import Feature
from blueprints.kudos import models  # noqa: F401  (the tables)

feature = Feature("kudos")
