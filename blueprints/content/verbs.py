"""Activity-log verbs of the content library, sharing, suggestions and the charter, registered with the feature."""

CONTENT_SHARED = "content_shared"
CONTENT_LIKED = "content_liked"
CONTENT_UNLIKED = "content_unliked"
CLICK_RECEIVED = "click_received"  # a visit of the tracked link of the person's share
SUGGESTION_SUBMITTED = "suggestion_submitted"
SUGGESTION_APPROVED = "suggestion_approved"  # recorded for the suggester, who earns it
MODERATION_APPROVED = "moderation_approved"  # the moderator's side of an approval, for the audit trail
MODERATION_REJECTED = "moderation_rejected"
CHARTER_ACCEPTED = "charter_accepted"
CHARTER_PUBLISHED = "charter_published"
CONTENT_CREATED = "content_created"
CONTENT_UPDATED = "content_updated"
CONTENT_PINNED = "content_pinned"
CONTENT_UNPINNED = "content_unpinned"
CONTENT_ARCHIVED = "content_archived"

VERBS = (
    CONTENT_SHARED,
    CONTENT_LIKED,
    CONTENT_UNLIKED,
    CLICK_RECEIVED,
    SUGGESTION_SUBMITTED,
    SUGGESTION_APPROVED,
    MODERATION_APPROVED,
    MODERATION_REJECTED,
    CHARTER_ACCEPTED,
    CHARTER_PUBLISHED,
    CONTENT_CREATED,
    CONTENT_UPDATED,
    CONTENT_PINNED,
    CONTENT_UNPINNED,
    CONTENT_ARCHIVED,
)
