"""HTTP security headers applied to every response."""

from flask import current_app, has_request_context
from flask_login import current_user

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# With SESSION_COOKIE_SECURE (the site is served over HTTPS): browsers come back over HTTPS only.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
# A signed-in page holds the person's data: no shared cache keeps it, no browser stores it
# (a shared computer's Back button after signing out shows nothing).
PRIVATE_PAGE = "private, no-store"


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if response.mimetype == "text/html" and has_request_context() and current_user.is_authenticated:
        response.headers["Cache-Control"] = PRIVATE_PAGE
    return response
