"""Seams between views and the rest: sign-in is the default, public endpoints are few and
marked, and views leave the database to services (which leave requests to views)."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from base.web import is_public_endpoint
from tests.conftest import csrf_token

BLUEPRINTS = Path(__file__).parent.parent / "blueprints"
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.signup",
    "core.set_language",
    "core.healthz",
    "core.vendor",
    "content.track",
    "events.calendar_feed",
    "static",
}


def public_endpoints(app) -> set[str]:
    with app.app_context():
        return {endpoint for endpoint in app.view_functions if is_public_endpoint(endpoint)}


def sample_path(rule) -> str:
    """The rule's path with a value for each argument: 1 for numbers, "x" for the rest."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda match: "1" if match.group(1) == "int" else "x", rule.rule)


def test_public_endpoints_are_exactly_the_marked_few(app):
    assert public_endpoints(app) == PUBLIC_ENDPOINTS


def test_every_other_route_sends_a_signed_out_visitor_to_sign_in(app, client):
    """Derived from the URL map: a new route is covered without touching this test."""
    public = public_endpoints(app)
    token = csrf_token(client)
    checked, wrong = set(), []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public:
            continue
        path = sample_path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(path, method=method, data=data)
            location = urlsplit(response.headers.get("Location", ""))
            expected_next = {"next": [path]} if method == "GET" else {}  # a form is not a page to return to
            if (response.status_code, location.path, parse_qs(location.query)) != (
                302,
                "/login",
                expected_next,
            ):
                wrong.append((method, path, response.status_code, response.headers.get("Location")))
        checked.add(rule.endpoint)
    assert wrong == []
    assert checked == set(app.view_functions) - PUBLIC_ENDPOINTS


def test_views_never_touch_the_database_session():
    """Views call services, which own their transaction (commit, or roll back and refuse)."""
    views = [*BLUEPRINTS.glob("*/routes.py"), *BLUEPRINTS.glob("*/console.py")]
    assert [str(path) for path in views if "db.session" in path.read_text()] == []


def test_services_do_without_a_request():
    """Services run in a plain app context too (cron jobs, tests): no request, no page, no
    relative link; absolute links come from base.links."""
    # Flask's request object, not the word (mentoring has "requests" of its own).
    request_bound = re.compile(
        r"\b(url_for|render_template|has_request_context)\b|\brequest\.|import .*\brequest\b"
    )
    services = list(BLUEPRINTS.glob("*/services.py"))
    assert len(services) >= 8
    assert [str(path) for path in services if request_bound.search(path.read_text())] == []
