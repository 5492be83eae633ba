"""Who may open which page: the role matrix of SPEC §2 over every route."""

import pytest

from blueprints.accounts.models import Role
from tests.conftest import post, text

# Every GET page and the lowest role that may open it (None: anyone).
PAGES = {
    "/login": None,
    "/healthz": None,
    "/": Role.EMPLOYEE,
    "/me": Role.EMPLOYEE,
    "/logout": Role.EMPLOYEE,
    "/notifications": Role.EMPLOYEE,
    "/notifications/count": Role.EMPLOYEE,
    "/quiz": Role.EMPLOYEE,
    "/personae": Role.EMPLOYEE,
    "/personae/messenger": Role.EMPLOYEE,
    "/admin/": Role.COMMS,
    "/admin/personae": Role.COMMS,
    "/admin/personae.csv": Role.COMMS,
    "/feed": Role.EMPLOYEE,
    "/suggest": Role.EMPLOYEE,
    "/charter": Role.EMPLOYEE,
    "/admin/content": Role.COMMS,
    "/admin/content/new": Role.COMMS,
    "/admin/moderation": Role.COMMS,
    "/admin/charter": Role.COMMS,
    "/events": Role.EMPLOYEE,
    "/admin/events": Role.COMMS,
    "/admin/events/new": Role.COMMS,
    "/admin/users": Role.ADMIN,
    "/admin/users/new": Role.ADMIN,
    "/me/points": Role.EMPLOYEE,
    "/points/counter": Role.EMPLOYEE,
    "/fame": Role.EMPLOYEE,
    "/badges": Role.EMPLOYEE,
    "/badges/first_share": Role.EMPLOYEE,
    "/admin/points": Role.COMMS,
    "/admin/points/recompute": Role.COMMS,
    "/admin/points/event_registered": Role.COMMS,
    "/admin/fame": Role.COMMS,
    "/rewards": Role.EMPLOYEE,
    "/admin/rewards": Role.COMMS,
    "/admin/rewards/new": Role.COMMS,
    "/contributions": Role.EMPLOYEE,
    "/kudos": Role.EMPLOYEE,
    "/admin/contributions": Role.COMMS,
    "/challenges": Role.EMPLOYEE,
    "/admin/challenges": Role.COMMS,
    "/admin/challenges/new": Role.COMMS,
    "/mentoring": Role.EMPLOYEE,
    "/mentoring/offer": Role.EMPLOYEE,
    "/mentoring/ask": Role.EMPLOYEE,
    "/admin/mentoring": Role.COMMS,
    "/admin/mentoring/pairs.csv": Role.COMMS,
    "/admin/mentoring/round": Role.COMMS,
    "/admin/mentoring/topics": Role.COMMS,
    "/admin/analytics": Role.COMMS,
}
# Routes that are not pages of their own (actions, files) or answer 404 unless configured.
NOT_PAGES = {
    "/static/<path:filename>",
    "/static/vendor/<name>",
    "/signup",
    "/language",
    "/me/password",
    "/notifications/read-all",
    "/notifications/<int:notification_id>/open",
    "/admin/users/<int:user_id>/role",
    "/admin/users/<int:user_id>/active",
    "/quiz/start",
    "/quiz/result",
    "/quiz/<int:number>",
    "/quiz/results/<int:result_id>",
    "/personae/<key>",
    "/content/<int:item_id>",
    "/content/<int:item_id>/<kind>",
    "/content/<int:item_id>/share/<network>",
    "/r/<token>",
    "/admin/content/<int:item_id>",
    "/admin/content/<int:item_id>/edit",
    "/admin/content/<int:item_id>/pin",
    "/admin/content/<int:item_id>/archive",
    "/admin/moderation/<int:item_id>",
    "/events/<int:event_id>",
    "/events/<int:event_id>.ics",
    "/events/<int:event_id>/register",
    "/events/<int:event_id>/cancel",
    "/events/calendar/renew",
    "/calendar/<token>.ics",
    "/admin/events/<int:event_id>",
    "/admin/events/<int:event_id>/edit",
    "/admin/events/<int:event_id>/cancel",
    "/admin/events/<int:event_id>/attendance/<int:registration_id>",
    "/admin/events/<int:event_id>/attendance",
    "/admin/events/<int:event_id>/attendance.csv",
    "/content/<int:item_id>/preview.jpg",
    "/badges/<key>",
    "/admin/points/<verb>",
    "/admin/points/<verb>/row",
    "/admin/fame/<int:entry_id>/feature",
    "/admin/fame/<int:entry_id>/hide",
    "/rewards/<int:reward_id>/redeem",
    "/admin/rewards/<int:reward_id>/edit",
    "/admin/rewards/<int:reward_id>/active",
    "/admin/rewards/redemptions/<int:redemption_id>/deliver",
    "/admin/rewards/redemptions/<int:redemption_id>/cancel",
    "/contributions/<int:contribution_id>",
    "/kudos/people",
    "/admin/contributions/<int:contribution_id>",
    "/admin/contributions/<int:contribution_id>/validate",
    "/admin/contributions/<int:contribution_id>/decline",
    "/challenges/<int:challenge_id>",
    "/challenges/<int:challenge_id>/join",
    "/challenges/<int:challenge_id>/leave",
    "/admin/challenges/<int:challenge_id>/edit",
    "/admin/challenges/<int:challenge_id>/cancel",
    "/mentoring/offer/close",
    "/mentoring/ask/close",
    "/mentoring/mentors/<int:user_id>",
    "/mentoring/mentors/<int:user_id>/request",
    "/mentoring/pairs/<int:pair_id>",
    "/mentoring/pairs/<int:pair_id>/answer",
    "/mentoring/pairs/<int:pair_id>/withdraw",
    "/mentoring/pairs/<int:pair_id>/sessions",
    "/mentoring/pairs/<int:pair_id>/end",
    "/mentoring/pairs/<int:pair_id>/feedback",
    "/admin/mentoring/pairs/<int:pair_id>",
    "/admin/mentoring/round/confirm",
    "/admin/mentoring/topics/<int:topic_id>",
    "/admin/mentoring/topics/<int:topic_id>/archive",
    "/admin/mentoring/topics/<int:topic_id>/restore",
    "/admin/analytics/<name>.csv",
}
# Pages of the matrix that stand for a route with a parameter.
SAMPLES = {
    "/personae/messenger",
    "/badges/first_share",
    "/admin/points/event_registered",
}
ADMIN_ACTIONS = ["/admin/users/{id}/role", "/admin/users/{id}/active"]


def test_every_route_is_in_the_matrix(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == {path for path in PAGES if path not in SAMPLES} | NOT_PAGES


def expected_status(path: str, role: Role | None) -> int:
    required = PAGES[path]
    if path == "/login" and role is not None:
        return 302  # already signed in: sent home
    if required is None or (role is not None and role.rank >= required.rank):
        return 200
    return 302 if role is None else 403


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", [None, *Role])
def test_role_matrix(client, signed_in, path, role):
    if role is not None:
        signed_in(role)
    response = client.get(path)
    assert response.status_code == expected_status(path, role)
    if response.status_code == 302:
        assert response.headers["Location"] == ("/" if role else f"/login?next={path}")
    if response.status_code == 403:
        assert "Cette page n'est pas accessible à votre rôle" in text(response)


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.COMMS])
@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_admin_actions_are_refused_below_admin(client, signed_in, make_user, role, action):
    signed_in(role)
    target = make_user()
    response = post(client, action.format(id=target.id), {"role": "admin", "active": "0"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_console_link_is_shown_only_to_comms_and_admins(client, signed_in, role):
    signed_in(role)
    assert ('href="/admin/"' in client.get("/").get_data(as_text=True)) == (role != Role.EMPLOYEE)


def test_comms_sees_the_console_but_not_people_admin(client, signed_in):
    signed_in(Role.COMMS)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Console comm" in page
    assert "/admin/users" not in page
