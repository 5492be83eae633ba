"""Activity-log verbs of mentoring, registered with the feature."""

OFFER_SAVED = "mentor_offer_saved"
OFFER_CLOSED = "mentor_offer_closed"
WISH_SAVED = "mentee_wish_saved"
WISH_CLOSED = "mentee_wish_closed"
REQUESTED = "mentoring_requested"  # the mentee asks a mentor
WITHDRAWN = "mentoring_withdrawn"  # the mentee takes the request back
ACCEPTED = "mentoring_accepted"  # by the side who answers
DECLINED = "mentoring_declined"
# Recorded for the mentee when nobody answered in time: nothing they did.
EXPIRED = "mentoring_expired"
ENDED = "mentoring_ended"
SESSION_GIVEN = "mentoring_session_given"  # for the mentor, whoever logged it
SESSION_RECEIVED = "mentoring_session_received"  # for the mentee
# Comms' side, for the audit trail.
ROUND_CONFIRMED = "mentoring_round_confirmed"
TOPIC_SAVED = "mentoring_topic_saved"
TOPIC_ARCHIVED = "mentoring_topic_archived"
TOPIC_RESTORED = "mentoring_topic_restored"

VERBS = (
    OFFER_SAVED,
    OFFER_CLOSED,
    WISH_SAVED,
    WISH_CLOSED,
    REQUESTED,
    WITHDRAWN,
    ACCEPTED,
    DECLINED,
    EXPIRED,
    ENDED,
    SESSION_GIVEN,
    SESSION_RECEIVED,
    ROUND_CONFIRMED,
    TOPIC_SAVED,
    TOPIC_ARCHIVED,
    TOPIC_RESTORED,
)

PASSIVE = (EXPIRED,)
