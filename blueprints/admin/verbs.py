"""Activity-log verbs of account administration, registered with the feature."""

ROLE_CHANGED = "role_changed"
ACCOUNT_DEACTIVATED = "account_deactivated"
ACCOUNT_REACTIVATED = "account_reactivated"

VERBS = (ROLE_CHANGED, ACCOUNT_DEACTIVATED, ACCOUNT_REACTIVATED)
