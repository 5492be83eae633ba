"""The person's profile page (/me)."""

from base.registry import Feature
from blueprints.profile import verbs
from blueprints.profile.routes import bp

feature = Feature("profile", blueprints=[bp], verbs=verbs.VERBS, passive_verbs=(verbs.PROFILE_UPDATED,))
