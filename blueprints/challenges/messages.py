NOTIFICATIONS: dict = {}
AUDIT_TEXTS: dict = {}
