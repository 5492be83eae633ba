"""Activity-log verbs of kudos, registered with the feature."""

KUDOS_SENT = "kudos_sent"
KUDOS_RECEIVED = "kudos_received"  # recorded for the recipient, thanked by someone else: passive

VERBS = (KUDOS_SENT, KUDOS_RECEIVED)
PASSIVE = (KUDOS_RECEIVED,)
