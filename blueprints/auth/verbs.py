"""Activity-log verbs of accounts, registered with the feature."""

SIGNED_IN = "signed_in"
SIGNED_UP = "signed_up"
USER_CREATED = "user_created"

VERBS = (SIGNED_IN, SIGNED_UP, USER_CREATED)
