"""Activity-log verbs of rewards, registered with the feature."""

REWARD_REDEEMED = "reward_redeemed"  # the person spends points on a reward
REWARD_CREATED = "reward_created"
REWARD_UPDATED = "reward_updated"
REWARD_RETIRED = "reward_retired"
REWARD_REACTIVATED = "reward_reactivated"
REDEMPTION_DELIVERED = "redemption_delivered"  # recorded for the comms person who handled it
REDEMPTION_CANCELLED = "redemption_cancelled"

VERBS = (
    REWARD_REDEEMED,
    REWARD_CREATED,
    REWARD_UPDATED,
    REWARD_RETIRED,
    REWARD_REACTIVATED,
    REDEMPTION_DELIVERED,
    REDEMPTION_CANCELLED,
)
