"""Activity verbs of recognition (comms' changes, for the audit trail)."""

POINTS_RULE_CHANGED = "points_rule_changed"
POINTS_RECOMPUTED = "points_recomputed"
FAME_FEATURED = "fame_featured"
FAME_UNFEATURED = "fame_unfeatured"
FAME_HIDDEN = "fame_hidden"
FAME_UNHIDDEN = "fame_unhidden"

VERBS = (
    POINTS_RULE_CHANGED,
    POINTS_RECOMPUTED,
    FAME_FEATURED,
    FAME_UNFEATURED,
    FAME_HIDDEN,
    FAME_UNHIDDEN,
)
