"""Activity verbs of recognition (comms' changes, for the audit trail)."""

POINTS_RULE_CHANGED = "points_rule_changed"
POINTS_RECOMPUTED = "points_recomputed"

VERBS = (POINTS_RULE_CHANGED, POINTS_RECOMPUTED)
