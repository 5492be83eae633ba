"""Verbs of the activity log. Feature packages add their own here."""

SIGNED_IN = "signed_in"
SIGNED_UP = "signed_up"
PROFILE_UPDATED = "profile_updated"
USER_CREATED = "user_created"
ROLE_CHANGED = "role_changed"
ACCOUNT_DEACTIVATED = "account_deactivated"
ACCOUNT_REACTIVATED = "account_reactivated"
