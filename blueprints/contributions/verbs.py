"""Activity-log verbs of declared contributions, registered with the feature."""

CONTRIBUTION_DECLARED = "contribution_declared"
# Recorded for the person who declared it, decided by comms: passive for the person.
CONTRIBUTION_VALIDATED = "contribution_validated"
CONTRIBUTION_DECLINED = "contribution_declined"
# The comms' side of a review, for the audit trail.
CONTRIBUTION_REVIEW_VALIDATED = "contribution_review_validated"
CONTRIBUTION_REVIEW_DECLINED = "contribution_review_declined"

VERBS = (
    CONTRIBUTION_DECLARED,
    CONTRIBUTION_VALIDATED,
    CONTRIBUTION_DECLINED,
    CONTRIBUTION_REVIEW_VALIDATED,
    CONTRIBUTION_REVIEW_DECLINED,
)

PASSIVE = (CONTRIBUTION_VALIDATED, CONTRIBUTION_DECLINED)
