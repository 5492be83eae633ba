"""Activity-log verbs of challenges, registered with the feature."""

CHALLENGE_JOINED = "challenge_joined"
CHALLENGE_LEFT = "challenge_left"
CHALLENGE_WON = "challenge_won"  # recorded for each winner when the challenge closes
CHALLENGE_CREATED = "challenge_created"  # the comms' actions, for the audit trail
CHALLENGE_UPDATED = "challenge_updated"
CHALLENGE_CANCELLED = "challenge_cancelled"

VERBS = (
    CHALLENGE_JOINED,
    CHALLENGE_LEFT,
    CHALLENGE_WON,
    CHALLENGE_CREATED,
    CHALLENGE_UPDATED,
    CHALLENGE_CANCELLED,
)
PASSIVE = (CHALLENGE_WON,)
