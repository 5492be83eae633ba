"""rewards (being built)."""

from base.registry import Feature
from blueprints.rewards import models  # noqa: F401  (the tables)

feature = Feature("rewards")
