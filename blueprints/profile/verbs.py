"""Activity-log verbs of the profile page, registered with the feature."""

PROFILE_UPDATED = "profile_updated"

VERBS = (PROFILE_UPDATED,)
