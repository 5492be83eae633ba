"""Activity-log verbs of events, registered with the feature."""

EVENT_REGISTERED = "event_registered"
EVENT_WAITLISTED = "event_waitlisted"
EVENT_PROMOTED = "event_promoted"
EVENT_REGISTRATION_CANCELLED = "event_registration_cancelled"
EVENT_ATTENDED = "event_attended"  # attendance, not sign-up, earns recognition
EVENT_ATTENDANCE_REMOVED = "event_attendance_removed"
EVENT_CREATED = "event_created"
EVENT_UPDATED = "event_updated"
EVENT_CANCELLED = "event_cancelled"

VERBS = (
    EVENT_REGISTERED,
    EVENT_WAITLISTED,
    EVENT_PROMOTED,
    EVENT_REGISTRATION_CANCELLED,
    EVENT_ATTENDED,
    EVENT_ATTENDANCE_REMOVED,
    EVENT_CREATED,
    EVENT_UPDATED,
    EVENT_CANCELLED,
)

# Logged for a person without the person doing anything: a seat given from the waiting list,
# attendance taken back by an organiser (they do not count as the person being active).
PASSIVE = (EVENT_PROMOTED, EVENT_ATTENDANCE_REMOVED)
